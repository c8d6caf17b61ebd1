package io.canarykit.aws.issue;

import io.canarykit.aws.account.AwsClients;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.CanaryIssuerProvider;

import java.time.Duration;
import java.util.Optional;

/**
 * Provider {@code iam-user}: an {@link IamUserIssuer} with clients from {@link AwsClients#fromConfig} (keys
 * {@code region}, {@code endpoint}, {@code profile}, ... documented there) and these keys:
 * <ul>
 *   <li>{@code account-id}: the issuing account (looked up with {@code GetCallerIdentity} when absent)</li>
 *   <li>{@code path}: the IAM path for canary users (default {@code /})</li>
 *   <li>{@code ownership-tag}: the tag key holding the canary id (default {@code ref})</li>
 *   <li>{@code tags}: more tags, {@code k1=v1,k2=v2}</li>
 *   <li>{@code wait-for-key}: wait this long for a new key to authenticate, such as {@code 30s} (default: no wait);
 *       {@code wait-interval} between attempts (default {@code 500ms})</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class IamUserIssuerProvider implements CanaryIssuerProvider {
    private static final ConfigKeys KEYS = AwsClients.KEYS.and(
            ConfigKey.string("account-id", "the issuing account (default: looked up with sts:GetCallerIdentity)"),
            ConfigKey.string("path", "the IAM path of canary users, such as /svc/").withDefault("/"),
            ConfigKey.string("ownership-tag", "the tag key holding the canary id")
                    .withDefault(IamUserIssuer.DEFAULT_OWNERSHIP_TAG),
            ConfigKey.map("tags", "more tags on every canary user, k1=v1,k2=v2"),
            ConfigKey.duration("wait-for-key", "wait this long for a new key to authenticate (default: no wait)"),
            ConfigKey.duration("wait-interval", "pause between those attempts").withDefault("500ms"));

    /** For {@link java.util.ServiceLoader}. */
    public IamUserIssuerProvider() {
    }

    @Override
    public String name() {
        return "iam-user";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public CanaryIssuer create(CanaryConfig config) {
        AwsClients clients = AwsClients.fromConfig(config);
        return create(config, clients.iam(), clients.sts());
    }

    /**
     * An issuer from these keys with clients the caller made (one member account of an organisation pool); the
     * client keys are not read.
     */
    public static IamUserIssuer create(CanaryConfig config, IamClient iam, StsClient sts) {
        IamUserIssuer.Builder b = IamUserIssuer.builder().iam(iam).sts(sts)
                .path(config.getString("path", "/"))
                .ownershipTagKey(config.getString("ownership-tag", IamUserIssuer.DEFAULT_OWNERSHIP_TAG))
                .tags(config.getMap("tags"));
        Optional.ofNullable(config.getString("account-id")).ifPresent(b::accountId);
        Duration wait = config.getDuration("wait-for-key");
        if (wait != null) {
            b.waitForKey(wait).waitInterval(config.getDuration("wait-interval", Duration.ofMillis(500)));
        }
        return b.build();
    }
}
