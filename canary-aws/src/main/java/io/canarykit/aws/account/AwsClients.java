package io.canarykit.aws.account;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * IAM and STS clients for one issuing account, built from configuration for users who wire components by name. Users
 * who build clients themselves pass them to the issuers' builders instead.
 *
 * <p>Keys (all optional):
 * <ul>
 *   <li>{@code region}: the region (default {@code us-east-1}; IAM is global and signs in us-east-1)</li>
 *   <li>{@code endpoint}: an endpoint for both IAM and STS (an emulator, a VPC endpoint); {@code iam.endpoint} and
 *       {@code sts.endpoint} override it per service</li>
 *   <li>credentials: {@code profile} (a named profile), or {@code access-key-id} with {@code secret-access-key} (and
 *       {@code session-token}); otherwise the SDK's default chain</li>
 *   <li>{@code assume-role-arn}: a role to assume into the issuing account with those credentials (and
 *       {@code assume-role-session-name}, default {@code canarykit-issuer})</li>
 *   <li>{@code retry-mode}: {@code adaptive} (default: client-side rate limiting on throttling), {@code standard},
 *       {@code none}; {@code max-attempts} (default 8)</li>
 *   <li>{@code api-call-timeout}: a deadline for each call including retries, such as {@code 30s}</li>
 *   <li>{@code max-requests-per-second}: pace the IAM client's calls evenly under this rate ({@link RequestPacer}),
 *       such as {@code 19} for an account whose IAM limit is 20 per second</li>
 * </ul>
 *
 * <p>Closing closes the clients this object built.
 *
 * @since 0.1.0
 */
public final class AwsClients implements AutoCloseable {
    /** The credential keys every component built by name shares: a profile, or a static key. */
    public static final ConfigKeys CREDENTIAL_KEYS = ConfigKeys.of(
            ConfigKey.string("profile", "a named profile of the shared AWS files (default: the SDK's chain)"),
            ConfigKey.string("access-key-id", "a static access key id, with secret-access-key"),
            ConfigKey.string("secret-access-key", "the static key's secret").asSecret(),
            ConfigKey.string("session-token", "the static key's session token, for short-term credentials")
                    .asSecret());
    /** The keys {@link #fromConfig} reads. */
    public static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("region", "the region the clients sign in").withDefault("us-east-1"),
            ConfigKey.url("endpoint", "an endpoint for IAM and STS (an emulator, a VPC endpoint)"),
            ConfigKey.url("iam.endpoint", "the IAM endpoint, over endpoint"),
            ConfigKey.url("sts.endpoint", "the STS endpoint, over endpoint"))
            .and(CREDENTIAL_KEYS).and(
            ConfigKey.string("assume-role-arn", "a role to assume into the issuing account with those credentials"),
            ConfigKey.string("assume-role-session-name", "the session name of that role")
                    .withDefault("canarykit-issuer"),
            ConfigKey.oneOf("retry-mode", "how throttled calls are retried", "adaptive", "standard", "none")
                    .withDefault("adaptive"),
            ConfigKey.integer("max-attempts", "attempts per call, 1-20").withDefault("8"),
            ConfigKey.duration("api-call-timeout", "a deadline for each call including retries"),
            ConfigKey.decimal("max-requests-per-second", "pace IAM calls evenly under this rate, such as 19"));

    private final IamClient iam;
    private final StsClient sts;
    private final @Nullable StsClient baseSts;

    private AwsClients(IamClient iam, StsClient sts, @Nullable StsClient baseSts) {
        this.iam = iam;
        this.sts = sts;
        this.baseSts = baseSts;
    }

    /**
     * Builds the clients from {@code config}.
     *
     * @throws CanaryConfigurationException for a bad region, endpoint, retry mode or half-given static credentials
     */
    public static AwsClients fromConfig(CanaryConfig config) {
        Objects.requireNonNull(config, "config");
        Region region = Region.of(config.getString("region", "us-east-1").toLowerCase(Locale.ROOT));
        URI endpoint = uri(config, "endpoint");
        URI iamEndpoint = config.has("iam.endpoint") ? uri(config, "iam.endpoint") : endpoint;
        URI stsEndpoint = config.has("sts.endpoint") ? uri(config, "sts.endpoint") : endpoint;
        RetryStrategy retry = retryStrategy(config.getEnum("retry-mode", "adaptive", "adaptive", "standard", "none"),
                config.getInt("max-attempts", 8));
        Duration timeout = config.getDuration("api-call-timeout");
        ClientOverrideConfiguration.Builder ob = ClientOverrideConfiguration.builder().retryStrategy(retry);
        if (timeout != null) {
            ob.apiCallTimeout(timeout);
        }
        ClientOverrideConfiguration override = ob.build();
        AwsCredentialsProvider base = credentials(config);

        StsClient baseSts = sts(region, stsEndpoint, base, override);
        AwsCredentialsProvider issuing = base;
        if (config.has("assume-role-arn")) {
            String roleArn = config.getString("assume-role-arn");
            String session = config.getString("assume-role-session-name", "canarykit-issuer");
            issuing = StsAssumeRoleCredentialsProvider.builder().stsClient(baseSts)
                    .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(session)).build();
        }
        ClientOverrideConfiguration iamOverride = override;
        double rate = config.getDouble("max-requests-per-second", 0);
        if (rate > 0) {
            iamOverride = override.toBuilder().addExecutionInterceptor(RequestPacer.perSecond(rate).interceptor())
                    .build();
        } else if (rate < 0) {
            throw new CanaryConfigurationException("max-requests-per-second must be positive, was " + rate);
        }
        var ib = IamClient.builder().region(region).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(issuing).overrideConfiguration(iamOverride);
        if (iamEndpoint != null) {
            ib.endpointOverride(iamEndpoint);
        }
        IamClient iam = ib.build();
        StsClient sts = issuing == base ? baseSts : sts(region, stsEndpoint, issuing, override);
        return new AwsClients(iam, sts, sts == baseSts ? null : baseSts);
    }

    /**
     * The SDK retry strategy for a mode: {@code adaptive} (retries throttling with backoff and slows the client down
     * to the rate AWS accepts), {@code standard}, or {@code none}.
     */
    public static RetryStrategy retryStrategy(String mode, int maxAttempts) {
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new CanaryConfigurationException("max-attempts must be 1-20, was " + maxAttempts);
        }
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "adaptive" -> AwsRetryStrategy.adaptiveRetryStrategy().toBuilder().maxAttempts(maxAttempts).build();
            case "standard" -> AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build();
            case "none" -> AwsRetryStrategy.doNotRetry();
            default -> throw new CanaryConfigurationException("unknown retry mode '" + mode
                    + "': use adaptive, standard or none");
        };
    }

    /** The IAM client of the issuing account. */
    public IamClient iam() {
        return iam;
    }

    /** The STS client of the issuing principal. */
    public StsClient sts() {
        return sts;
    }

    @Override
    public void close() {
        iam.close();
        sts.close();
        if (baseSts != null) {
            baseSts.close();
        }
    }

    private static StsClient sts(Region region, @Nullable URI endpoint, AwsCredentialsProvider credentials,
                                 ClientOverrideConfiguration override) {
        var b = StsClient.builder().region(region).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(credentials).overrideConfiguration(override);
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    /**
     * The credentials the keys name: {@code profile}, or {@code access-key-id} with {@code secret-access-key} (and
     * {@code session-token}), else the SDK's default chain. Shared by every component built by name (issuers,
     * detectors).
     *
     * @throws CanaryConfigurationException for half-given or conflicting credentials (never naming a secret)
     */
    public static AwsCredentialsProvider credentials(CanaryConfig config) {
        boolean hasKey = config.has("access-key-id");
        boolean hasSecret = config.has("secret-access-key");
        if (hasKey != hasSecret) {
            throw new CanaryConfigurationException("set both access-key-id and secret-access-key, or neither");
        }
        if (hasKey && config.has("profile")) {
            throw new CanaryConfigurationException("set either profile or access-key-id/secret-access-key, not both");
        }
        if (hasKey) {
            String id = config.requireString("access-key-id");
            // hasKey == hasSecret (checked above), so the secret is set
            Secret secret = Objects.requireNonNull(config.getSecret("secret-access-key"), "secret-access-key");
            Secret token = config.getSecret("session-token");
            return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(id, secret.reveal())
                    : AwsSessionCredentials.create(id, secret.reveal(), token.reveal()));
        }
        if (config.has("profile")) {
            return ProfileCredentialsProvider.create(config.getString("profile"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * The endpoint URL of {@code key}, or {@code null} when it is not set.
     *
     * @throws CanaryConfigurationException if it is not an absolute URL
     */
    public static @Nullable URI uri(CanaryConfig config, String key) {
        String v = config.getString(key);
        if (v == null) {
            return null;
        }
        try {
            URI u = new URI(v);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new URISyntaxException(v, "no scheme or host");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new CanaryConfigurationException("configuration property " + key + ": '" + v
                    + "' is not an endpoint URL such as https://iam.amazonaws.com or http://127.0.0.1:4566");
        }
    }
}
