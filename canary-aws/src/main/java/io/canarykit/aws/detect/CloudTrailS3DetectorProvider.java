package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;

import java.time.Duration;

/**
 * Provider {@code cloudtrail-s3}: a {@link CloudTrailS3Detector} with an S3 client from the client keys of
 * {@link DetectorClients} ({@code region}, {@code endpoint}, {@code profile}, ...) and: {@code bucket} (required),
 * {@code prefix}, {@code organization-id}, {@code accounts}, {@code regions} (comma-separated; default: the canaries'
 * accounts, every region with logs), {@code lookback} (7d), {@code settle} (1h), {@code parallelism} (4).
 *
 * @since 0.1.0
 */
public final class CloudTrailS3DetectorProvider implements DetectorProvider {
    /** For {@link java.util.ServiceLoader}. */
    public CloudTrailS3DetectorProvider() {
    }

    @Override
    public String name() {
        return "cloudtrail-s3";
    }

    @Override
    public Detector create(CanaryConfig config) {
        if (!config.has("bucket")) {
            throw new CanaryConfigurationException("the cloudtrail-s3 detector needs bucket: set it to the trail's bucket");
        }
        CloudTrailS3Detector.Builder b = CloudTrailS3Detector.builder()
                .s3Client(DetectorClients.fromConfig(config).s3())
                .bucket(config.getString("bucket"))
                .prefix(config.getString("prefix", ""))
                .accounts(config.getList("accounts"))
                .regions(config.getList("regions"))
                .lookback(config.getDuration("lookback", Duration.ofDays(7)))
                .settle(config.getDuration("settle", Duration.ofHours(1)))
                .parallelism(config.getInt("parallelism", 4));
        if (config.has("organization-id")) {
            b.organizationId(config.getString("organization-id"));
        }
        return b.build();
    }
}
