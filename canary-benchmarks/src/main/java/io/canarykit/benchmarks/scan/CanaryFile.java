package io.canarykit.benchmarks.scan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.detect.CloudTrailScan;

import java.io.IOException;

/** The {@code canary scan --json} sighting line, as the command line writes it. */
final class CanaryFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CanaryFile() {
    }

    static String sightingJson(String canaryId, CloudTrailScan.Match m) throws IOException {
        CloudTrailRecord r = m.record();
        ObjectNode o = JSON.createObjectNode();
        o.put("canaryId", canaryId);
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
