package io.canarykit.aws.detect;

import io.canarykit.aws.account.AwsClients;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

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
 */
final class DetectorClients {
    /** The keys the clients are built from. */
    static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("region", "the region of the clients").withDefault("us-east-1"),
            ConfigKey.url("endpoint", "an endpoint for every client (an emulator, a VPC endpoint)"))
            .and(AwsClients.CREDENTIAL_KEYS)
            .and(ConfigKey.integer("max-attempts", "attempts per call, with adaptive retries, 1-20").withDefault("8"));

    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final int maxAttempts;
    private final Map<String, CloudTrailClient> cloudTrail = new ConcurrentHashMap<>();

    private DetectorClients(CanaryConfig config) {
        this.region = Region.of(config.getString("region", "us-east-1").toLowerCase(Locale.ROOT));
        this.endpoint = AwsClients.uri(config, "endpoint");
        this.credentials = AwsClients.credentials(config);
        this.maxAttempts = config.getInt("max-attempts", 8);
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
