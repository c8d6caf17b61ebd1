package io.canarykit.benchmarks.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.detect.CloudTrailScan;

import java.io.IOException;
import java.io.StringWriter;

/** The {@code canary scan --json} sighting line, as the command line writes it (Jackson's streaming generator). */
final class CanaryFile {
    private static final JsonFactory JSON = new JsonFactory();

    private CanaryFile() {
    }

    static String sightingJson(String canaryId, CloudTrailScan.Match m) throws IOException {
        CloudTrailRecord r = m.record();
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            field(g, "canaryId", canaryId);
            field(g, "eventId", r.eventId());
            field(g, "eventTime", r.eventTime() == null ? null : r.eventTime().toString());
            field(g, "eventSource", r.eventSource());
            field(g, "eventName", r.eventName());
            field(g, "awsRegion", r.awsRegion());
            field(g, "sourceIPAddress", r.sourceIpAddress());
            field(g, "userAgent", r.userAgent());
            field(g, "errorCode", r.errorCode());
            field(g, "accessKeyId", r.accessKeyId());
            field(g, "principalArn", r.principalArn());
            g.writeEndObject();
        }
        return w.toString();
    }

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }
}
