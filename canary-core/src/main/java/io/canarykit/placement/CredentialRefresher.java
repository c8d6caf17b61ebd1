package io.canarykit.placement;

import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Supplies the next short-term credential for a canary that an endpoint placement ({@code imds},
 * {@code container-credentials}) serves, shortly before the current one expires, as the real services do. The host
 * issues the new credential (and records it in its store); the endpoint serves it from then on.
 *
 * <p>Called on the endpoint's request thread, at most once at a time per served canary. Returning {@code null} or
 * throwing keeps the current credential (the failure is logged at WARN, without secrets).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CredentialRefresher {

    /**
     * @param request what is served now (no secret)
     * @return the credential to serve next, or {@code null} to keep the current one
     */
    @Nullable CanaryCredential refresh(Request request);

    /**
     * What is being refreshed.
     *
     * @param canaryId    the canary placed
     * @param placement   the placement's name
     * @param location    where it is served (role name or path)
     * @param accessKeyId the access key id served now
     * @param expiration  when it expires
     */
    record Request(CanaryId canaryId, String placement, String location, String accessKeyId, Instant expiration) {
        public Request {
            Objects.requireNonNull(canaryId, "canaryId");
            Objects.requireNonNull(placement, "placement");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(expiration, "expiration");
        }
    }
}
