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
 * Provider {@code assume-role}: an {@link AssumeRoleIssuer} with clients from {@link AwsClients#fromConfig} and these
 * keys:
 * <ul>
 *   <li>{@code role-arn}: the canary role (required)</li>
 *   <li>{@code issuer-arn}: the issuer's ARN named by the role's trust policy (looked up when absent)</li>
 *   <li>{@code duration}: default session lifetime (default {@code 1h}); {@code max-session-duration}: the role's</li>
 *   <li>{@code source-identity}: a SourceIdentity for every session</li>
 *   <li>{@code session-tags}: {@code k1=v1,k2=v2}</li>
 *   <li>{@code revoke-older-sessions}: {@code true} to deny the role's older sessions on revocation (default false)</li>
 *   <li>{@code wait-for-role}: keep retrying a refused AssumeRole this long while a new role propagates</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class AssumeRoleIssuerProvider implements CanaryIssuerProvider {
    private static final ConfigKeys KEYS = AwsClients.KEYS.and(
            ConfigKey.string("role-arn", "the canary role (required; with canary.pool it may hold {account})"),
            ConfigKey.string("role-name", "with canary.pool: the canary role's name in every member account"),
            ConfigKey.string("role-path", "with canary.pool: that role's IAM path").withDefault("/"),
            ConfigKey.string("issuer-arn", "the issuer's ARN the role's trust policy names (default: looked up)"),
            ConfigKey.duration("duration", "the default session lifetime").withDefault("1h"),
            ConfigKey.duration("max-session-duration", "the role's maximum session duration"),
            ConfigKey.string("source-identity", "a SourceIdentity for every session"),
            ConfigKey.map("session-tags", "session tags, k1=v1,k2=v2"),
            ConfigKey.bool("revoke-older-sessions", "deny the role's older sessions on revocation")
                    .withDefault("false"),
            ConfigKey.duration("wait-for-role", "keep retrying a refused AssumeRole this long while a new role"
                    + " propagates"));

    /** For {@link java.util.ServiceLoader}. */
    public AssumeRoleIssuerProvider() {
    }

    @Override
    public String name() {
        return "assume-role";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public CanaryIssuer create(CanaryConfig config) {
        String roleArn = config.requireString("role-arn");
        AwsClients clients = AwsClients.fromConfig(config);
        return create(config, roleArn, clients.iam(), clients.sts());
    }

    /**
     * An issuer for the canary role {@code roleArn} from these keys with clients the caller made (one member account
     * of an organisation pool); the client keys and {@code role-arn} are not read.
     */
    public static AssumeRoleIssuer create(CanaryConfig config, String roleArn, IamClient iam, StsClient sts) {
        AssumeRoleIssuer.Builder b = AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(roleArn)
                .sessionTags(config.getMap("session-tags"))
                .revokeOlderSessions(config.getBoolean("revoke-older-sessions", false));
        Optional.ofNullable(config.getString("issuer-arn")).ifPresent(b::issuerArn);
        Optional.ofNullable(config.getDuration("duration")).ifPresent(b::defaultDuration);
        Optional.ofNullable(config.getDuration("max-session-duration")).ifPresent(b::maxSessionDuration);
        Optional.ofNullable(config.getDuration("wait-for-role")).ifPresent(b::waitForRole);
        Optional.ofNullable(config.getString("source-identity")).ifPresent(b::sourceIdentity);
        return b.build();
    }
}
