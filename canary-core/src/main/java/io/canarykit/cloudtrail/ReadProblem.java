package io.canarykit.cloudtrail;

import java.util.Objects;

/**
 * One piece of input the reader could not use: invalid JSON, a truncated or corrupt gzip stream, a record with a field
 * of the wrong type, an object that is no CloudTrail record. Positions count in the decompressed text.
 *
 * @param source     the file (or other source name) it was found in
 * @param line       1-based line, or 0 if unknown
 * @param column     1-based column, or 0 if unknown
 * @param byteOffset 0-based byte offset in the (decompressed) input, or -1 if unknown
 * @param message    what is wrong
 *
 * @since 0.1.0
 */
public record ReadProblem(String source, long line, long column, long byteOffset, String message) {
    public ReadProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
    }

    /** {@code source:line:column: message}, as compilers print problems. */
    @Override
    public String toString() {
        return source + ":" + line + ":" + column + " (byte " + byteOffset + "): " + message;
    }
}
