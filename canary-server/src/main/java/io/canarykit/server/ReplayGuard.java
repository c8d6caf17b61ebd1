package io.canarykit.server;

import java.time.Instant;

/**
 * Remembers one-time values (request signatures, token ids) until their window closes, so that a value is accepted
 * once. The server's guard keeps them in the canary store, so a restart or a second copy of the server refuses a
 * replay as well.
 *
 * <p>Implementations are thread-safe and atomic: of several concurrent calls with one id, exactly one returns true.
 *
 * @since 0.1.0
 */
public interface ReplayGuard {

    /**
     * Records the first use of {@code id}.
     *
     * @param id        the one-time value (a signature, a token id); at most 200 characters
     * @param keepUntil when its window closes: after that it can no longer be accepted anyway and may be forgotten
     * @return true if this is its first use, false if it was used before (a replay)
     */
    boolean firstUse(String id, Instant keepUntil);
}
