package io.canarykit.placement.file;

import io.canarykit.CanaryConfigurationException;

import java.nio.file.Path;

/**
 * A shared credentials or config file that the AWS SDKs cannot parse. The placement leaves such a file byte-for-byte
 * as it was. The message names the file and the line, never the line's content (it may hold a secret).
 *
 * @since 0.1.0
 */
public final class ProfileFileSyntaxException extends CanaryConfigurationException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    ProfileFileSyntaxException(Path file, int line, String problem) {
        super((file == null ? "the profile file" : file.toString()) + ", line " + line + ": " + problem
                + ". The AWS SDKs cannot read this file either; it was left unchanged. Fix that line, or place the canary"
                + " into another file");
        this.file = file;
        this.line = line;
    }

    /** The file, or {@code null} when parsing bytes that have no file. */
    public Path file() {
        return file;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }
}
