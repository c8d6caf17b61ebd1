package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.URISyntaxException;
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
    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final int maxAttempts;
    private final Map<String, CloudTrailClient> cloudTrail = new ConcurrentHashMap<>();

    private DetectorClients(CanaryConfig config) {
        this.region = Region.of(config.getString("region", "us-east-1").toLowerCase(Locale.ROOT));
        this.endpoint = endpoint(config);
        this.credentials = credentials(config);
        this.maxAttempts = config.getInt("max-attempts", 8);
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new CanaryConfigurationException("max-attempts must be 1-20, was " + maxAttempts);
        }
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

    private software.amazon.awssdk.retries.api.RetryStrategy retry() {
        return AwsRetryStrategy.adaptiveRetryStrategy().toBuilder().maxAttempts(maxAttempts).build();
    }

    private static URI endpoint(CanaryConfig config) {
        String v = config.getString("endpoint");
        if (v == null) {
            return null;
        }
        try {
            URI u = new URI(v);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new URISyntaxException(v, "not an absolute URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new CanaryConfigurationException("invalid endpoint '" + v + "': use an absolute URL such as "
                    + "http://127.0.0.1:4566");
        }
    }

    private static AwsCredentialsProvider credentials(CanaryConfig config) {
        String keyId = config.getString("access-key-id");
        Secret secret = config.getSecret("secret-access-key");
        if (keyId != null || secret != null) {
            if (keyId == null || secret == null) {
                throw new CanaryConfigurationException("give both access-key-id and secret-access-key, or neither");
            }
            Secret token = config.getSecret("session-token");
            return StaticCredentialsProvider.create(token == null
                    ? AwsBasicCredentials.create(keyId, secret.reveal())
                    : AwsSessionCredentials.create(keyId, secret.reveal(), token.reveal()));
        }
        if (config.has("profile")) {
            return ProfileCredentialsProvider.create(config.getString("profile"));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
