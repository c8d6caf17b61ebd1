package io.canarykit.server;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an authenticated identity's canaries are bound to, when its credentials say so rather than its requests: a CI
 * run's OpenID Connect token names the run, so the run is the asset, its claims are the asset's labels, and the
 * canary lives just past the job's timeout. A request from such a caller names no asset; completing a canary
 * ({@code POST /v1/canaries/{id}/complete}) needs an identity bound to the same asset.
 *
 * @param asset      the asset every canary of this identity is issued for (kind, id and labels from the credentials)
 * @param lifetime   the lifetime of its short-term canaries, or {@code null} for the server's default
 * @param attributes facts recorded with each canary it is issued (never secrets), such as
 *                   {@link io.canarykit.RunPhase#ATTR_RUN}
 *
 * @since 0.1.0
 */
public record IssuanceScope(Asset asset, Duration lifetime, Map<String, String> attributes) {
    public IssuanceScope {
        Objects.requireNonNull(asset, "asset");
        if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
            throw new CanaryConfigurationException("a canary lifetime must be positive, not " + lifetime);
        }
        attributes = Map.copyOf(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
    }

    /** True if {@code other} is the same asset (kind and id; labels may differ, such as a later attempt's actor). */
    public boolean sameAsset(Asset other) {
        return other != null && asset.kind().equals(other.kind()) && asset.id().equals(other.id());
    }
}
