package io.canarykit.testkit.aws;

import io.canarykit.testkit.internal.ClassPathReads;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** The answer to one request, plus what the CloudTrail record of the call needs. */
final class Reply {
    static {
        ClassPathReads.readWireMock(); // on the module path WireMock is on the class path (see ClassPathReads)
    }

    int status = 200;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    /** A broken connection instead of an answer, or null. */
    @Nullable Fault fault;
    long delayMillis;

    /** The AWS error code, null for a success. */
    @Nullable String errorCode;
    @Nullable String errorMessage;
    /** What the CloudTrail record shows; null to derive it from the request (or to leave it null). */
    @Nullable JsonNode requestParameters;
    @Nullable JsonNode responseElements;
    /** CloudTrail resources: {type, name} pairs. */
    final List<String[]> resources = new ArrayList<>();
    /** Whether the call may be written to CloudTrail (the service may still leave it out as a data event). */
    boolean recordable = true;

    Reply body(String text) {
        this.body = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    Reply resource(String type, String name) {
        resources.add(new String[] {type, name});
        return this;
    }

    boolean isError() {
        return errorCode != null;
    }
}
