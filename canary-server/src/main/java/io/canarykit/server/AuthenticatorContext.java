package io.canarykit.server;

import io.canarykit.config.CanaryConfig;
import io.canarykit.store.CanaryStore;

import java.time.Clock;
import java.util.Objects;

/**
 * What a {@link CallerAuthenticatorProvider} gets to build its authenticator from.
 *
 * @param config      its own configuration: the keys under {@code canary.api.authenticator.<name>.}, prefix removed
 * @param clock       the server's clock
 * @param replayGuard remembers one-time values (signatures, token ids) across restarts and server copies
 * @param store       the canary store, for authenticators that keep state (enrolled devices)
 *
 * @since 0.1.0
 */
public record AuthenticatorContext(CanaryConfig config, Clock clock, ReplayGuard replayGuard, CanaryStore store) {
    public AuthenticatorContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(replayGuard, "replayGuard");
        Objects.requireNonNull(store, "store");
    }
}
