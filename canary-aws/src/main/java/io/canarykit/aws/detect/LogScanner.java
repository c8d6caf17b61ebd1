package io.canarykit.aws.detect;

import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.ReadResult;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CloudTrailSightings;

import java.io.InputStream;
import java.util.function.Consumer;

/**
 * How a detector reads one CloudTrail log file streamed from S3 (never copied to disk): the seam between the SQS
 * detectors and the scanning engine they share with {@code cloudtrail-s3} and {@code canary scan}. Today it is the
 * reader's fast path ({@link CloudTrailReader} with the index's record filter: only records that may be a watched
 * canary's are decoded).
 */
@FunctionalInterface
interface LogScanner {

    /**
     * Reads {@code in} (gzipped or not) and hands each sighting of a canary in {@code index} to {@code sink} on the
     * calling thread; what the sink throws propagates. Malformed input is reported in the result, not thrown.
     */
    ReadResult scan(InputStream in, String name, CanaryIndex index, String source, Consumer<Sighting> sink);

    /** The fast path of {@code reader}. */
    static LogScanner of(CloudTrailReader reader) {
        return (in, name, index, source, sink) -> reader.read(in, name, index.filter(),
                rec -> CloudTrailSightings.match(rec, source, index).ifPresent(sink));
    }
}
