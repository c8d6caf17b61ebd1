package io.canarykit.cloudtrail;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What reading one source gave.
 *
 * @param source     the file or source name
 * @param records    how many records were handed to the consumer
 * @param malformed  how many pieces of input could not be used (each is one problem, reported or not)
 * @param problems   the first problems, in input order (at most the reader's limit; {@code malformed} counts all)
 * @param shapes     the shapes recognised
 * @param gzipped    true if the input was gzip-compressed
 * @param bytes      decompressed bytes read
 *
 * @since 0.1.0
 */
public record ReadResult(String source, long records, long malformed, List<ReadProblem> problems,
                         Set<RecordShape> shapes, boolean gzipped, long bytes) {
    public ReadResult {
        Objects.requireNonNull(source, "source");
        problems = List.copyOf(problems);
        shapes = shapes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(shapes));
    }

    /** True if nothing was malformed. */
    public boolean clean() {
        return malformed == 0;
    }
}
