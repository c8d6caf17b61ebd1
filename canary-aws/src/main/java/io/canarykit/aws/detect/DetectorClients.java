package io.canarykit.aws.detect;

import io.canarykit.aws.account.AwsClients;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import io.canarykit.aws.account.MemberAccountClients;
import java.time.Duration;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SDK clients for detectors built by name, from the detector's configuration (all keys optional):
 * {@code region} (default us-east-1), {@code endpoint} (an emulator, a VPC endpoint; S3 then uses path-style
 * addressing), credentials from {@code profile} or {@code access-key-id} + {@code secret-access-key} (+
 * {@code session-token}), else the SDK's default chain; {@code max-attempts} (default 8, adaptive retries, which also
 * back off on throttling). Users who build clients themselves pass them to the detectors' builders instead.
 *
 * <p>Across an organisation: with {@code role-name} set (and optionally {@code role-path}, {@code external-id},
 * {@code session-name}, {@code session-duration}, {@code refresh-before}), the per-account clients
 * ({@link #iamIn}, {@link #cloudTrailIn}) reach each canary's own account through that role, assumed with these
 * credentials ({@link MemberAccountClients}); without it every account is asked with these credentials.
 */
final class DetectorClients {
    /** The role each canary's own account is reached through, across an organisation. */
    static final ConfigKeys MEMBER_ROLE_KEYS = ConfigKeys.of(
            ConfigKey.string("role-name", "the role assumed in each member account (default: ask every account with"
                    + " these credentials)"),
            ConfigKey.string("role-path", "that role's IAM path").withDefault("/"),
            ConfigKey.string("external-id", "the external id that role's trust policy asks for"),
            ConfigKey.string("session-name", "the role session's name").withDefault("canarykit"),
            ConfigKey.duration("session-duration", "the role session's lifetime").withDefault("1h"),
            ConfigKey.duration("refresh-before", "renew the session this long before it expires").withDefault("5m"));
    /** The keys the clients are built from. */
    static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("region", "the region of the clients").withDefault("us-east-1"),
            ConfigKey.url("endpoint", "an endpoint for every client (an emulator, a VPC endpoint)"),
            ConfigKey.url("sqs.endpoint", "the SQS endpoint, over endpoint"))
            .and(AwsClients.CREDENTIAL_KEYS)
            .and(ConfigKey.integer("max-attempts", "attempts per call, with adaptive retries, 1-20").withDefault("8"))
            .and(MEMBER_ROLE_KEYS);

    private final Region region;
    private final @Nullable URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final int maxAttempts;
    private final Map<String, CloudTrailClient> cloudTrail = new ConcurrentHashMap<>();
    private final CanaryConfig config;
    private volatile @Nullable MemberAccountClients members;
    private volatile @Nullable IamClient iam;

    private DetectorClients(CanaryConfig config) {
        this.region = Region.of(config.getString("region", "us-east-1").toLowerCase(Locale.ROOT));
        this.endpoint = AwsClients.uri(config, "endpoint");
        this.credentials = AwsClients.credentials(config);
        this.maxAttempts = config.getInt("max-attempts", 8);
        this.config = config;
        AwsClients.retryStrategy("adaptive", maxAttempts); // validates the range
    }

    static DetectorClients fromConfig(CanaryConfig config) {
        return new DetectorClients(config);
    }

    S3Client s3() {
        var b = S3Client.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(retry()));
        if (endpoint != null) {
            b.endpointOverride(endpoint).forcePathStyle(true);
        }
        return b.build();
    }

    /** An SQS client (the endpoint key applies; {@code sqs.endpoint} overrides it for SQS alone). */
    SqsClient sqs() {
        URI sqsEndpoint = config.has("sqs.endpoint") ? AwsClients.uri(config, "sqs.endpoint") : endpoint;
        var b = SqsClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(retry()));
        if (sqsEndpoint != null) {
            b.endpointOverride(sqsEndpoint);
        }
        return b.build();
    }

    /** True when {@code role-name} sends each account's calls through a role assumed in it. */
    boolean acrossAccounts() {
        return config.has("role-name");
    }

    /** The member-account clients ({@code role-name} must be set), made once. */
    MemberAccountClients members() {
        MemberAccountClients m = members;
        if (m == null) {
            synchronized (this) {
                m = members;
                if (m == null) {
                    var sb = StsClient.builder().region(region).credentialsProvider(credentials)
                            .httpClientBuilder(UrlConnectionHttpClient.builder())
                            .overrideConfiguration(o -> o.retryStrategy(retry()));
                    if (endpoint != null) {
                        sb.endpointOverride(endpoint);
                    }
                    MemberAccountClients.Builder b = MemberAccountClients.builder().sts(sb.build())
                            // callers ask only when acrossAccounts(); otherwise a clear error naming the key
                            .roleName(config.requireString("role-name")).rolePath(config.getString("role-path", "/"))
                            .sessionName(config.getString("session-name", "canarykit"))
                            .sessionDuration(config.getDuration("session-duration", Duration.ofHours(1)))
                            .refreshBefore(config.getDuration("refresh-before", Duration.ofMinutes(5)))
                            .region(region).endpoint(endpoint);
                    String externalId = config.getString("external-id");
                    if (externalId != null) {
                        b.externalId(externalId);
                    }
                    m = b.build();
                    members = m;
                }
            }
        }
        return m;
    }

    /** The IAM client for {@code account}: through the member role when configured, else these credentials'. */
    IamClient iamIn(String account) {
        if (acrossAccounts()) {
            return members().iam(account);
        }
        IamClient c = iam;
        if (c == null) {
            synchronized (this) {
                if (iam == null) {
                    iam = iam();
                }
                c = iam;
            }
        }
        return c;
    }

    /** The CloudTrail client for {@code account} in {@code regionName}. */
    CloudTrailClient cloudTrailIn(String account, String regionName) {
        return acrossAccounts() ? members().cloudTrail(account, regionName) : cloudTrail(regionName);
    }

    IamClient iam() {
        var b = IamClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(retry()));
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    /** The CloudTrail client of a region (built once). */
    CloudTrailClient cloudTrail(String regionName) {
        return cloudTrail.computeIfAbsent(regionName, r -> {
            var b = CloudTrailClient.builder().region(Region.of(r)).credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .overrideConfiguration(o -> o.retryStrategy(retry()));
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            return b.build();
        });
    }

    private RetryStrategy retry() {
        return AwsClients.retryStrategy("adaptive", maxAttempts);
    }
}
