package io.canarykit.testkit.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * One CloudTrail log file delivered to the trail bucket.
 *
 * @param bucket       the trail bucket
 * @param key          the object key in the real layout
 * @param lastModified delivery time
 * @param recordCount  how many records it holds
 * @param content      the gzipped {@code {"Records":[…]}} bytes (a copy)
 *
 * @since 0.1.0
 */
public record LogFile(String bucket, String key, Instant lastModified, int recordCount, byte[] content) {
    public LogFile {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The decompressed JSON document. */
    public String json() {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(content))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("log file " + key + " is not gzip", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogFile other && bucket.equals(other.bucket) && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return "LogFile[" + bucket + "/" + key + ", " + recordCount + " records]";
    }
}
