package io.canarykit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
        @Nullable String service,
        @Nullable String call,
        @Nullable String region,
        @Nullable String sourceIp,
        @Nullable String userAgent,
        @Nullable String errorCode,
        @Nullable String accessKeyId,
        @Nullable String principalArn,
        @Nullable String requestId,
        @Nullable CanaryId canaryId) {

    public Sighting {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceEventId, "sourceEventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
    }

    /** A copy matched to {@code id}, or unmatched when {@code id} is null. */
    public Sighting withCanaryId(@Nullable CanaryId id) {
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
        private @Nullable String source;
        private @Nullable String sourceEventId;
        private @Nullable Instant time;
        private SightingKind kind = SightingKind.API_CALL;
        private @Nullable String service;
        private @Nullable String call;
        private @Nullable String region;
        private @Nullable String sourceIp;
        private @Nullable String userAgent;
        private @Nullable String errorCode;
        private @Nullable String accessKeyId;
        private @Nullable String principalArn;
        private @Nullable String requestId;
        private @Nullable CanaryId canaryId;

        Builder() {
        }

        public Builder source(String v) { source = v; return this; }
        public Builder sourceEventId(String v) { sourceEventId = v; return this; }
        public Builder time(Instant v) { time = v; return this; }
        public Builder kind(SightingKind v) { kind = v; return this; }
        public Builder service(@Nullable String v) { service = v; return this; }
        public Builder call(@Nullable String v) { call = v; return this; }
        public Builder region(@Nullable String v) { region = v; return this; }
        public Builder sourceIp(@Nullable String v) { sourceIp = v; return this; }
        public Builder userAgent(@Nullable String v) { userAgent = v; return this; }
        public Builder errorCode(@Nullable String v) { errorCode = v; return this; }
        public Builder accessKeyId(@Nullable String v) { accessKeyId = v; return this; }
        public Builder principalArn(@Nullable String v) { principalArn = v; return this; }
        public Builder requestId(@Nullable String v) { requestId = v; return this; }
        public Builder canaryId(@Nullable CanaryId v) { canaryId = v; return this; }

        public Sighting build() {
            return new Sighting(Objects.requireNonNull(source, "source"), Objects.requireNonNull(sourceEventId,
                    "sourceEventId"), Objects.requireNonNull(time, "time"), kind, service, call, region, sourceIp,
                    userAgent, errorCode, accessKeyId, principalArn, requestId, canaryId);
        }
    }
}
