package io.canarykit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.config.CanaryConfig;
import io.canarykit.server.CanaryJson;
import org.jspecify.annotations.Nullable;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/** Small helpers shared by the lifecycle commands. */
final class Cli {
    private Cli() {
    }

    /** Parses {@code KIND/ID}. */
    static Asset asset(String ref, @Nullable Map<String, String> labels) {
        int slash = ref.indexOf('/');
        if (slash <= 0 || slash == ref.length() - 1) {
            throw new CliErrors.UsageException("give the asset as KIND/ID, for example laptop/LT-0042 (got '" + ref + "')");
        }
        return new Asset(ref.substring(0, slash), ref.substring(slash + 1), labels == null ? Map.of() : labels);
    }

    /** Parses a canary id or fails as a usage error. */
    static CanaryId id(String text) {
        try {
            return CanaryId.parse(text);
        } catch (RuntimeException e) {
            throw new CliErrors.UsageException(CliErrors.message(e));
        }
    }

    /**
     * The duration an option gives ({@code 30s}, {@code 10m}, {@code 14d}, ...), read as a configuration value whose key
     * is the option's name without its dashes; a usage error when the value is blank, which the configuration reads
     * as absent.
     */
    static Duration duration(String option, String text) {
        String key = option.startsWith("--") ? option.substring(2) : option;
        Duration d = CanaryConfig.of(Map.of(key, text)).getDuration(key);
        if (d == null) {
            throw new CliErrors.UsageException(option + " needs a duration, such as 30s, 10m or 14d (got an empty value)");
        }
        return d;
    }

    /** One JSON document on one line. */
    static void json(PrintWriter out, JsonNode node) {
        try {
            out.println(CanaryJson.MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line a person reads. */
    static String line(CanaryRecord r) {
        return String.format("%s  %-9s %-16s %-20s %-24s %s", r.id(), r.status(), r.kind().configName(),
                r.accessKeyId() == null ? "-" : r.accessKeyId(), r.asset().ref(),
                r.receipt() == null ? "-" : r.receipt().placement() + " " + r.receipt().location());
    }
}
