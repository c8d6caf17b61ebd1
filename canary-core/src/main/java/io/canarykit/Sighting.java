package io.canarykit;

import java.time.Instant;
import java.util.Objects;

/**
 * One observed use of a credential, from one source. Stored once per {@code (source, sourceEventId)}.
 *
 * @param source        the detector that saw it, such as {@code cloudtrail-s3}
 * @param sourceEventId the source's id for the event (the CloudTrail {@code eventID}), unique within the source
 * @param time          when the call happened
 * @param kind          how it was seen
 * @param service       the event source, such as {@code iam.amazonaws.com}, or {@code null}
 * @param call          the event name, such as {@code ListUsers}, or {@code null}
 * @param region        the AWS region, or {@code null}
 * @param sourceIp      the caller's address, or {@code null}
 * @param userAgent     the caller's user agent, or {@code null}
 * @param errorCode     the error code ({@code AccessDenied}...), {@code null} on success
 * @param accessKeyId   the access key id used, or {@code null}
 * @param principalArn  the caller's ARN, or {@code null}
 * @param requestId     the AWS request id, or {@code null}
 * @param canaryId      the canary it was matched to, {@code null} before correlation
 *
 * @since 0.1.0
 */
public record Sighting(
        String source,
        String sourceEventId,
        Instant time,
        SightingKind kind,
        String service,
        String call,
        String region,
        String sourceIp,
        String userAgent,
        String errorCode,
        String accessKeyId,
        String principalArn,
        String requestId,
        CanaryId canaryId) {

    public Sighting {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceEventId, "sourceEventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
    }

    /** A copy matched to {@code id}. */
    public Sighting withCanaryId(CanaryId id) {
        return new Sighting(source, sourceEventId, time, kind, service, call, region, sourceIp, userAgent, errorCode,
                accessKeyId, principalArn, requestId, id);
    }

    /** A copy of another kind. */
    public Sighting withKind(SightingKind newKind) {
        return new Sighting(source, sourceEventId, time, newKind, service, call, region, sourceIp, userAgent, errorCode,
                accessKeyId, principalArn, requestId, canaryId);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder for {@link Sighting}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String source;
        private String sourceEventId;
        private Instant time;
        private SightingKind kind = SightingKind.API_CALL;
        private String service;
        private String call;
        private String region;
        private String sourceIp;
        private String userAgent;
        private String errorCode;
        private String accessKeyId;
        private String principalArn;
        private String requestId;
        private CanaryId canaryId;

        Builder() {
        }

        public Builder source(String v) { source = v; return this; }
        public Builder sourceEventId(String v) { sourceEventId = v; return this; }
        public Builder time(Instant v) { time = v; return this; }
        public Builder kind(SightingKind v) { kind = v; return this; }
        public Builder service(String v) { service = v; return this; }
        public Builder call(String v) { call = v; return this; }
        public Builder region(String v) { region = v; return this; }
        public Builder sourceIp(String v) { sourceIp = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }
        public Builder errorCode(String v) { errorCode = v; return this; }
        public Builder accessKeyId(String v) { accessKeyId = v; return this; }
        public Builder principalArn(String v) { principalArn = v; return this; }
        public Builder requestId(String v) { requestId = v; return this; }
        public Builder canaryId(CanaryId v) { canaryId = v; return this; }

        public Sighting build() {
            return new Sighting(source, sourceEventId, time, kind, service, call, region, sourceIp, userAgent, errorCode,
                    accessKeyId, principalArn, requestId, canaryId);
        }
    }
}
