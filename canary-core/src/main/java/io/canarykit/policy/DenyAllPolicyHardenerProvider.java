package io.canarykit.policy;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;

import java.util.Locale;
import java.util.Map;

/**
 * Provider {@code deny-all}. Configuration (all optional):
 * <ul>
 *   <li>{@code policy.inline-name}: the inline policy name (default {@code baseline})</li>
 *   <li>{@code policy.boundary-arn}: an existing boundary to attach; otherwise one is created</li>
 *   <li>{@code policy.boundary-name}: the name of the boundary to create (default {@code baseline-boundary})</li>
 *   <li>{@code policy.scp}: {@code arn} (default), {@code tag} or {@code none}</li>
 *   <li>{@code policy.scp.arn-patterns}: comma-separated {@code aws:PrincipalArn} patterns</li>
 *   <li>{@code policy.scp.tag}: {@code key=value} for {@code policy.scp=tag}</li>
 *   <li>{@code policy.principal-tags}: {@code k=v,...} (default {@code managed-by=iam-automation});
 *       {@code none} for no tags</li>
 *   <li>{@code policy.partition}: {@code aws} (default), {@code aws-cn}, {@code aws-us-gov}</li>
 * </ul>
 * {@link DenyAllPolicyHardener#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class DenyAllPolicyHardenerProvider implements PolicyHardenerProvider {
    @Override
    public String name() {
        return "deny-all";
    }

    @Override
    public PolicyHardener create(CanaryConfig config) {
        DenyAllPolicyHardener.Builder b = DenyAllPolicyHardener.builder();
        if (config.has("policy.partition")) {
            b.partition(config.getString("policy.partition"));
        }
        if (config.has("policy.inline-name")) {
            b.inlinePolicyName(config.getString("policy.inline-name"));
        }
        if (config.has("policy.boundary-arn")) {
            b.boundaryArn(config.getString("policy.boundary-arn"));
        }
        if (config.has("policy.boundary-name")) {
            b.boundaryPolicyName(config.getString("policy.boundary-name"));
        }
        String mode = config.getEnum("policy.scp", "arn", "arn", "tag", "none");
        b.scpMode(DenyAllPolicyHardener.ScpMode.valueOf(mode.toUpperCase(Locale.ROOT)));
        if (config.has("policy.scp.arn-patterns")) {
            b.scpArnPatterns(config.getList("policy.scp.arn-patterns"));
        }
        if (config.has("policy.principal-tags")) {
            if ("none".equalsIgnoreCase(config.getString("policy.principal-tags"))) {
                b.principalTags(Map.of());
            } else {
                b.principalTags(config.getMap("policy.principal-tags"));
            }
        }
        if (config.has("policy.scp.tag")) {
            Map<String, String> tag = config.getMap("policy.scp.tag");
            if (tag.size() != 1) {
                throw new CanaryConfigurationException("configuration property policy.scp.tag: write one key=value, "
                        + "such as managed-by=iam-automation");
            }
            Map.Entry<String, String> e = tag.entrySet().iterator().next();
            b.scpTag(e.getKey(), e.getValue());
        }
        return b.build();
    }
}
