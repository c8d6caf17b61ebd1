package io.canarykit.benchmarks.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryId;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.detect.CanaryKey;
import io.canarykit.detect.CloudTrailScan;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code canary scan} canaries file and sighting line, as the command line reads and writes them. */
final class CanaryFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CanaryFile() {
    }

    static List<CanaryKey> read(Path file) throws IOException {
        List<CanaryKey> keys = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode o = JSON.readTree(line);
                keys.add(new CanaryKey(CanaryId.parse(o.get("canaryId").asText()),
                        o.path("accessKeyId").isNull() ? null : o.get("accessKeyId").asText(),
                        o.path("principalArn").isNull() ? null : o.get("principalArn").asText(),
                        Instant.parse(o.get("issuedAt").asText()),
                        o.path("expiresAt").isNull() ? null : Instant.parse(o.get("expiresAt").asText())));
            }
        }
        return keys;
    }

    static String sightingJson(CloudTrailScan.Match m) throws IOException {
        CloudTrailRecord r = m.record();
        ObjectNode o = JSON.createObjectNode();
        o.put("canaryId", m.canary().canaryId().value());
        o.put("eventId", r.eventId());
        o.put("eventTime", r.eventTime() == null ? null : r.eventTime().toString());
        o.put("eventSource", r.eventSource());
        o.put("eventName", r.eventName());
        o.put("awsRegion", r.awsRegion());
        o.put("sourceIPAddress", r.sourceIpAddress());
        o.put("userAgent", r.userAgent());
        o.put("errorCode", r.errorCode());
        o.put("accessKeyId", r.accessKeyId());
        o.put("principalArn", r.principalArn());
        return JSON.writeValueAsString(o);
    }
}
