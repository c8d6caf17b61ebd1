package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;

import java.time.Duration;

/**
 * Provider {@code cloudtrail-s3}: a {@link CloudTrailS3Detector} with an S3 client from the client keys of
 * {@link DetectorClients} ({@code region}, {@code endpoint}, {@code profile}, ...) and: {@code bucket} (required),
 * {@code prefix}, {@code organization-id}, {@code accounts}, {@code regions} (comma-separated; default: the canaries'
 * accounts, every region with logs), {@code lookback} (7d), {@code settle} (1h), {@code parallelism} (4, files read at
 * once), {@code max-compression-ratio} (100) and {@code max-decompressed-bytes} (4294967296): a gzip log file that
 * inflates beyond either is cut off as a decompression bomb, with a warning.
 *
 * @since 0.1.0
 */
public final class CloudTrailS3DetectorProvider implements DetectorProvider {
    private static final ConfigKeys KEYS = DetectorClients.KEYS.and(
            ConfigKey.string("bucket", "the trail's bucket").asRequired(),
            ConfigKey.string("prefix", "the trail's key prefix in the bucket"),
            ConfigKey.string("organization-id", "the organization id, for an organization trail"),
            ConfigKey.list("accounts", "the accounts to read (default: every account in the bucket)"),
            ConfigKey.list("regions", "the regions to read (default: every region in the bucket)"),
            ConfigKey.duration("lookback", "how far back the first pass reads").withDefault("7d"),
            ConfigKey.duration("settle", "how long CloudTrail may take to deliver a file").withDefault("1h"),
            ConfigKey.integer("parallelism", "log files read at once").withDefault("4"));

    /** For {@link java.util.ServiceLoader}. */
    public CloudTrailS3DetectorProvider() {
    }

    @Override
    public String name() {
        return "cloudtrail-s3";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Detector create(CanaryConfig config) {
        String bucket = config.getString("bucket");
        if (bucket == null) {
            throw new CanaryConfigurationException("the cloudtrail-s3 detector needs bucket: set it to the trail's bucket");
        }
        CloudTrailS3Detector.Builder b = CloudTrailS3Detector.builder()
                .s3Client(DetectorClients.fromConfig(config).s3())
                .bucket(bucket)
                .prefix(config.getString("prefix", ""))
                .accounts(config.getList("accounts"))
                .regions(config.getList("regions"))
                .lookback(config.getDuration("lookback", Duration.ofDays(7)))
                .settle(config.getDuration("settle", Duration.ofHours(1)))
                .parallelism(config.getInt("parallelism", 4))
                .reader(reader(config));
        String organizationId = config.getString("organization-id");
        if (organizationId != null) {
            b.organizationId(organizationId);
        }
        return b.build();
    }

    /** The reader with the decompression limits configured. */
    static CloudTrailReader reader(CanaryConfig config) {
        int ratio = config.getInt("max-compression-ratio", CloudTrailReader.Builder.DEFAULT_MAX_COMPRESSION_RATIO);
        long bytes = config.getLong("max-decompressed-bytes", CloudTrailReader.Builder.DEFAULT_MAX_DECOMPRESSED_BYTES);
        if (ratio < 2) {
            throw new CanaryConfigurationException("cloudtrail-s3 max-compression-ratio must be at least 2, was " + ratio);
        }
        if (bytes < 1) {
            throw new CanaryConfigurationException("cloudtrail-s3 max-decompressed-bytes must be positive, was " + bytes);
        }
        return CloudTrailReader.builder().maxCompressionRatio(ratio).maxDecompressedBytes(bytes).build();
    }
}
