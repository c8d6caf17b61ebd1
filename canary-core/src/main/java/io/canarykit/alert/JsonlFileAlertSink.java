package io.canarykit.alert;

import io.canarykit.Alert;
import io.canarykit.CanaryException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Appends each alert as one line of JSON ({@link AlertJson}) to a file (provider {@code jsonl-file}), creating the file
 * and its directory when needed. Each line is written with one append and forced to disk before {@link #send} returns;
 * a failure is thrown (the engine then sends the alert again next pass), never swallowed.
 *
 * <p>Thread-safe: lines from concurrent sends never interleave.
 *
 * @since 0.1.0
 */
public final class JsonlFileAlertSink implements AlertSink {
    private final Path file;
    private final AlertFormat format;

    private JsonlFileAlertSink(Path file, AlertFormat format) {
        this.file = Objects.requireNonNull(file, "file");
        this.format = Objects.requireNonNull(format, "format");
    }

    /** A sink appending canarykit's JSON to {@code file}. */
    public static JsonlFileAlertSink create(Path file) {
        return new JsonlFileAlertSink(file, AlertFormat.CANARYKIT);
    }

    /** A sink appending alerts in {@code format} to {@code file}. */
    public static JsonlFileAlertSink create(Path file, AlertFormat format) {
        return new JsonlFileAlertSink(file, format);
    }

    /** The file it appends to. */
    public Path file() {
        return file;
    }

    @Override
    public boolean acceptsDigests() {
        return true;
    }

    /** Appends the digest as one line ({@link SuppressionDigest#toTree()}). */
    @Override
    public synchronized void sendDigest(SuppressionDigest digest) {
        append((digest.toTree().toString() + "\n").getBytes(StandardCharsets.UTF_8), digest.id());
    }

    @Override
    public synchronized void send(Alert alert) {
        append((format.render(alert).toString() + "\n").getBytes(StandardCharsets.UTF_8), "the alert on canary "
                + alert.canary().id());
    }

    private void append(byte[] line, String what) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            }
        } catch (IOException e) {
            throw new CanaryException("cannot append " + what + " to " + file + ": "
                    + e.getMessage() + "; check that the directory exists and is writable", e);
        }
    }

    @Override
    public String toString() {
        return "JsonlFileAlertSink[" + file + "]";
    }
}
