package io.canarykit.aws.detect;

import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.ReadResult;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CloudTrailScan;

import java.io.InputStream;
import java.util.function.Consumer;

/**
 * How a detector reads one CloudTrail log file streamed from S3 (never copied to disk): the seam between the SQS
 * detectors and the scanning engine they share with {@code cloudtrail-s3} and {@code canary scan}
 * ({@link CloudTrailScan#scan(InputStream, String, Consumer)}: the reader's fast path, decompression limits, a failing
 * source thrown to be retried, bad data reported).
 */
@FunctionalInterface
interface LogScanner {

    /**
     * Reads {@code in} (gzipped or not) and hands each sighting of a canary in {@code index} to {@code sink} on the
     * calling thread; what the sink throws propagates. Malformed input is reported in the result, not thrown.
     *
     * @throws java.io.UncheckedIOException if reading {@code in} itself failed (retry the file)
     */
    ReadResult scan(InputStream in, String name, CanaryIndex index, String source, Consumer<Sighting> sink);

    /** The scanning engine over {@code reader}. */
    static LogScanner of(CloudTrailReader reader) {
        return (in, name, index, source, sink) -> CloudTrailScan.of(index, reader, 1)
                .scan(in, name, m -> sink.accept(m.sighting(source)));
    }
}
