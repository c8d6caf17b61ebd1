package io.canarykit.policy;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

import java.util.Locale;
import java.util.Map;

/**
 * Provider {@code deny-all}, reading {@code canary.hardener.deny-all.*} (all optional):
 * <ul>
 *   <li>{@code inline-name}: the inline policy name (default {@code baseline})</li>
 *   <li>{@code boundary-arn}: an existing boundary to attach; otherwise one is created</li>
 *   <li>{@code boundary-name}: the name of the boundary to create (default {@code baseline-boundary})</li>
 *   <li>{@code scp}: {@code arn} (default), {@code tag} or {@code none}</li>
 *   <li>{@code scp.arn-patterns}: comma-separated {@code aws:PrincipalArn} patterns</li>
 *   <li>{@code scp.tag}: {@code key=value} for {@code scp=tag}</li>
 *   <li>{@code principal-tags}: {@code k=v,...} (default {@code managed-by=iam-automation}); {@code none} for no
 *       tags</li>
 *   <li>{@code partition}: {@code aws} (default), {@code aws-cn}, {@code aws-us-gov}</li>
 * </ul>
 * The old keys {@code canary.policy.*} still work, with a deprecation warning. {@link DenyAllPolicyHardener#builder()}
 * builds the same by hand.
 *
 * @since 0.1.0
 */
public final class DenyAllPolicyHardenerProvider implements PolicyHardenerProvider {
    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("inline-name", "the inline deny-all policy's name")
                    .withDefault(DenyAllPolicyHardener.DEFAULT_INLINE_POLICY_NAME).formerly("canary.policy.inline-name"),
            ConfigKey.string("boundary-arn", "an existing deny-all permissions boundary to attach instead of creating one")
                    .formerly("canary.policy.boundary-arn"),
            ConfigKey.string("boundary-name", "the name of the boundary policy to create")
                    .withDefault(DenyAllPolicyHardener.DEFAULT_BOUNDARY_POLICY_NAME)
                    .formerly("canary.policy.boundary-name"),
            ConfigKey.oneOf("scp", "how the SCP statement picks canaries", "arn", "tag", "none").withDefault("arn")
                    .formerly("canary.policy.scp"),
            ConfigKey.list("scp.arn-patterns", "aws:PrincipalArn patterns for the SCP statement")
                    .formerly("canary.policy.scp.arn-patterns"),
            ConfigKey.map("scp.tag", "the one key=value tag the SCP statement matches (scp=tag)")
                    .formerly("canary.policy.scp.tag"),
            ConfigKey.string("principal-tags", "tags put on every canary principal, k=v,... or none")
                    .withDefault(DenyAllPolicyHardener.DEFAULT_TAG_KEY + "=" + DenyAllPolicyHardener.DEFAULT_TAG_VALUE)
                    .formerly("canary.policy.principal-tags"),
            ConfigKey.string("partition", "the AWS partition: aws, aws-cn, aws-us-gov, ...").withDefault("aws")
                    .formerly("canary.policy.partition"));

    @Override
    public String name() {
        return "deny-all";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public PolicyHardener create(CanaryConfig config) {
        DenyAllPolicyHardener.Builder b = DenyAllPolicyHardener.builder();
        if (config.has("partition")) {
            b.partition(config.getString("partition"));
        }
        if (config.has("inline-name")) {
            b.inlinePolicyName(config.getString("inline-name"));
        }
        if (config.has("boundary-arn")) {
            b.boundaryArn(config.getString("boundary-arn"));
        }
        if (config.has("boundary-name")) {
            b.boundaryPolicyName(config.getString("boundary-name"));
        }
        String mode = config.getEnum("scp", "arn", "arn", "tag", "none");
        b.scpMode(DenyAllPolicyHardener.ScpMode.valueOf(mode.toUpperCase(Locale.ROOT)));
        if (config.has("scp.arn-patterns")) {
            b.scpArnPatterns(config.getList("scp.arn-patterns"));
        }
        if (config.has("principal-tags")) {
            if ("none".equalsIgnoreCase(config.getString("principal-tags"))) {
                b.principalTags(Map.of());
            } else {
                b.principalTags(config.getMap("principal-tags"));
            }
        }
        if (config.has("scp.tag")) {
            Map<String, String> tag = config.getMap("scp.tag");
            if (tag.size() != 1) {
                throw new CanaryConfigurationException("configuration property canary.hardener.deny-all.scp.tag:"
                        + " write one key=value, such as managed-by=iam-automation");
            }
            Map.Entry<String, String> e = tag.entrySet().iterator().next();
            b.scpTag(e.getKey(), e.getValue());
        }
        return b.build();
    }
}
