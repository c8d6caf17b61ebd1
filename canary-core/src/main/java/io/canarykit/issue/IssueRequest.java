package io.canarykit.issue;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.policy.CanaryPolicySet;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to issue.
 *
 * @param canaryId      the canary's id
 * @param principalName the principal name, already valid for the issuer's {@link CanaryIssuer#nameRules()}
 * @param policies      the hardened policy set
 * @param asset         the asset the canary is for
 * @param duration      lifetime of a short-term credential, or {@code null} for the issuer's default
 * @param tags          tags to put on the principal or session (never tell-tale ones), may be empty
 *
 * @since 0.1.0
 */
public record IssueRequest(CanaryId canaryId, String principalName, CanaryPolicySet policies, Asset asset,
                           @Nullable Duration duration, Map<String, String> tags) {
    public IssueRequest {
        Objects.requireNonNull(canaryId, "canaryId");
        Objects.requireNonNull(principalName, "principalName");
        Objects.requireNonNull(policies, "policies");
        Objects.requireNonNull(asset, "asset");
        tags = Map.copyOf(new LinkedHashMap<>(tags == null ? Map.of() : tags));
    }
}
