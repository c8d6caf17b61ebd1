package io.canarykit.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Where the issuance API records every issuance and revocation (and refused attempts): caller, canary id, asset,
 * result, never a secret. One JSON object per event.
 *
 * <p>Implementations are thread-safe and never throw into the request: a failure to record is logged.
 *
 * @since 0.1.0
 */
public interface AuditLog {
    /** The logger name of {@link #logger()}: route it to its own file in the logging configuration. */
    String LOGGER = "canarykit.audit";

    /** Records one event. */
    void record(AuditEvent event);

    /** Events as JSON at INFO on the logger {@value #LOGGER} (the default). */
    static AuditLog logger() {
        Logger log = LoggerFactory.getLogger(LOGGER);
        return e -> log.info("{}", json(e));
    }

    /**
     * Events appended as JSON lines to {@code file} (created {@code 0600} if missing; a symbolic link is refused),
     * each line written and flushed in one call.
     *
     * @throws CanaryConfigurationException if the file cannot be opened for appending
     */
    static AuditLog file(Path file) {
        Objects.requireNonNull(file, "file");
        if (Files.isSymbolicLink(file)) {
            throw new CanaryConfigurationException("audit log " + file + " is a symbolic link; give the file itself");
        }
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                }
            }
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            Logger log = LoggerFactory.getLogger(AuditLog.class);
            return e -> {
                byte[] line = (json(e) + "\n").getBytes(StandardCharsets.UTF_8);
                synchronized (out) {
                    try {
                        out.write(line);
                        out.flush();
                    } catch (IOException x) {
                        log.error("could not append to the audit log {}: {}", file, x.toString());
                    }
                }
            };
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot open the audit log " + file + " for appending: " + e.getMessage(), e);
        }
    }

    /** The event as one line of JSON. */
    static String json(AuditEvent e) {
        ObjectNode n = CanaryJson.MAPPER.createObjectNode();
        n.put("at", e.at().toString());
        n.put("action", e.action());
        n.put("caller", e.caller());
        n.put("scheme", e.scheme());
        n.put("source", e.source());
        n.put("canaryId", e.canaryId());
        n.put("asset", e.asset());
        n.put("profile", e.profile());
        n.put("kind", e.kind());
        n.put("result", e.result());
        n.put("status", e.status());
        n.put("detail", e.detail());
        return n.toString();
    }
}
