package io.canarykit.aws.issue;

import io.canarykit.aws.account.AwsClients;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.CanaryIssuerProvider;
import java.time.Duration;
import java.util.Optional;

/**
 * Provider {@code federation-token}: a {@link FederationTokenIssuer} with clients from {@link AwsClients#fromConfig}
 * (whose credentials must be an IAM user's long-term key: {@code profile} or {@code access-key-id} /
 * {@code secret-access-key}) and these keys: {@code account-id}, {@code issuer-arn} (looked up when absent),
 * {@code duration} (default {@code 12h}, at most {@code 36h}), {@code session-tags}.
 *
 * @since 0.1.0
 */
public final class FederationTokenIssuerProvider implements CanaryIssuerProvider {
    private static final ConfigKeys KEYS = AwsClients.KEYS.and(
            ConfigKey.string("account-id", "the issuing account (default: looked up with sts:GetCallerIdentity)"),
            ConfigKey.string("issuer-arn", "the issuing IAM user's ARN (default: looked up)"),
            ConfigKey.duration("duration", "the default token lifetime, at most 36h").withDefault("12h"),
            ConfigKey.map("session-tags", "session tags, k1=v1,k2=v2"));

    /** For {@link java.util.ServiceLoader}. */
    public FederationTokenIssuerProvider() {
    }

    @Override
    public String name() {
        return "federation-token";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public CanaryIssuer create(CanaryConfig config) {
        AwsClients clients = AwsClients.fromConfig(config);
        FederationTokenIssuer.Builder b = FederationTokenIssuer.builder().sts(clients.sts())
                .sessionTags(config.getMap("session-tags"));
        Optional.ofNullable(config.getString("account-id")).ifPresent(b::accountId);
        Optional.ofNullable(config.getString("issuer-arn")).ifPresent(b::issuerArn);
        Optional.ofNullable(config.getDuration("duration")).ifPresent(b::defaultDuration);
        return b.build();
    }
}
