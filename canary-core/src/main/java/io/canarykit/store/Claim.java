package io.canarykit.store;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A one-time piece of work claimed in a {@link CanaryStore} (see {@link Claims}), such as "deliver alert 3 of canary
 * X": whoever holds the claim does the work, then marks it done so that nobody does it again.
 *
 * @param name      what is claimed, such as {@code alert:01J…/3}
 * @param owner     who holds (or held) it
 * @param token     random, new on every claim and take-over
 * @param expiresAt while not done: when the holder's claim ends unless renewed, after which another owner may take
 *                  it over; once done: when the record of it may be purged (kept to the millisecond)
 * @param done      true once the work is done
 * @param payload   what the first claimer recorded about the work (kept across take-overs, so the work is redone
 *                  exactly as it was meant), or {@code null}
 *
 * @since 0.1.0
 */
public record Claim(String name, String owner, String token, Instant expiresAt, boolean done, @Nullable String payload) {
    public Claim {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(token, "token");
        expiresAt = Holds.millis(Objects.requireNonNull(expiresAt, "expiresAt"));
    }

    /** True if the work is not done and the holder's claim has ended at {@code now}: it may be taken over. */
    public boolean abandonedAt(Instant now) {
        return !done && !expiresAt.isAfter(now);
    }
}
