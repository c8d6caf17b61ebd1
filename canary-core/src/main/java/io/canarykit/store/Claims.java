package io.canarykit.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One-time work claimed by compare-and-set on a {@link CanaryStore}'s {@linkplain StoreEntry entries}: of any number
 * of threads or processes that {@link #claim} the same name, one gets it; the others see it held or done. A holder
 * that dies leaves its claim to expire, and the next claimer takes it over with the payload the first one recorded,
 * so the work is redone exactly as it was meant (for an alert: the same sightings, so the same alert id). The work is
 * done once while holders live, and at least once when one dies between doing it and {@link #complete}.
 *
 * <pre>{@code
 * Optional<Claim> mine = claims.claim("alert:" + canary + "/" + n, instanceId, Duration.ofMinutes(10), content);
 * if (mine.isPresent()) {
 *     deliver(mine.get().payload());                         // the recorded content, also after a take-over
 *     claims.complete(mine.get(), Duration.ofDays(7));       // nobody claims it again while the record is kept
 * }
 * }</pre>
 *
 * <p>The entry of a claim is {@code claim:<name>}. A done claim is kept for the retention given to {@link #complete};
 * after that it may be purged and the name could be claimed again, so keep it longer than the work could be retried.
 *
 * <p>Thread-safe; holds no state of its own.
 *
 * @since 0.1.0
 */
public final class Claims {
    private static final String PREFIX = "claim:";
    private static final int ATTEMPTS = 8;

    private final CanaryStore store;
    private final Clock clock;

    private Claims(CanaryStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Claims in {@code store}, timed by {@code clock}. */
    public static Claims create(CanaryStore store, Clock clock) {
        return new Claims(store, clock);
    }

    /**
     * Claims {@code name} for {@code owner} for {@code ttl}: a new claim records {@code payload}; a claim whose holder
     * let it expire without completing it is taken over, keeping the payload it recorded. A claim {@code owner} itself
     * holds and has not completed is taken over at once (the owner restarted): owner names must therefore be unique
     * to each running process.
     *
     * @return the claim now held by {@code owner} (its {@link Claim#payload()} is what to do), or empty if the work is
     *         done or another holder's claim has not expired
     */
    public Optional<Claim> claim(String name, String owner, Duration ttl, @Nullable String payload) {
        Holds.checkOwner(owner);
        positive(ttl);
        String key = key(name);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Claim fresh = new Claim(name, owner, Holds.newToken(), now.plus(ttl), false, payload);
            if (store.putEntryIfAbsent(entry(fresh))) {
                return Optional.of(fresh);
            }
            Optional<StoreEntry> current = store.entry(key);
            if (current.isEmpty()) {
                continue; // purged or abandoned in between
            }
            Claim held = decode(name, current.get());
            if (held.done() || !held.abandonedAt(now) && !held.owner().equals(owner)) {
                return Optional.empty();
            }
            Claim taken = new Claim(name, owner, fresh.token(), fresh.expiresAt(), false, held.payload());
            if (store.replaceEntry(current.get().value(), entry(taken))) {
                return Optional.of(taken);
            }
        }
        return Optional.empty();
    }

    /** The claim on {@code name} as stored (held, abandoned or done), or empty if there is none. */
    public Optional<Claim> find(String name) {
        return store.entry(key(name)).map(e -> decode(name, e));
    }

    /**
     * Extends a claim this process holds to {@code ttl} from now.
     *
     * @return the renewed claim, or empty if it was lost (taken over after it expired): stop the work at once
     */
    public Optional<Claim> renew(Claim claim, Duration ttl) {
        Objects.requireNonNull(claim, "claim");
        positive(ttl);
        Claim renewed = new Claim(claim.name(), claim.owner(), claim.token(), clock.instant().plus(ttl), false,
                claim.payload());
        return store.replaceEntry(encode(claim), entry(renewed)) ? Optional.of(renewed) : Optional.empty();
    }

    /**
     * Marks the work done; the record is kept for {@code retention}, during which the name cannot be claimed again.
     *
     * @return true if it was marked; false if the claim had been lost to another holder (who then does the work)
     */
    public boolean complete(Claim claim, Duration retention) {
        Objects.requireNonNull(claim, "claim");
        positive(retention);
        Claim done = new Claim(claim.name(), claim.owner(), claim.token(), clock.instant().plus(retention), true,
                claim.payload());
        return store.replaceEntry(encode(claim), entry(done));
    }

    /**
     * Gives a claim up without doing the work, so that the next {@link #claim} gets it at once (with a payload of its
     * own).
     *
     * @return true if it was still held and is now gone
     */
    public boolean abandon(Claim claim) {
        Objects.requireNonNull(claim, "claim");
        return store.deleteEntry(key(claim.name()), encode(claim));
    }

    private static String key(String name) {
        Objects.requireNonNull(name, "name");
        return StoreEntry.checkKey(PREFIX + name);
    }

    private static StoreEntry entry(Claim claim) {
        return StoreEntry.of(key(claim.name()), encode(claim), claim.expiresAt());
    }

    private static String encode(Claim c) {
        return Holds.encode(new Holds.Hold(c.owner(), c.token(), c.expiresAt(), c.done(), c.payload()));
    }

    private static Claim decode(String name, StoreEntry entry) {
        Holds.Hold h = Holds.decode(entry, "claim");
        return new Claim(name, h.owner(), h.token(), h.expiresAt(), h.done(), h.payload());
    }

    private static void positive(Duration d) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("a claim lasts a positive duration, not " + d);
        }
    }

    @Override
    public String toString() {
        return "Claims[" + store + "]";
    }
}
