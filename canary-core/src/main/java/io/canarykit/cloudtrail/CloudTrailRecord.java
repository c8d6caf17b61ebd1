package io.canarykit.cloudtrail;

import io.canarykit.Sighting;
import io.canarykit.SightingKind;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The fields of one CloudTrail record that detection needs; everything else ({@code responseElements},
 * {@code tlsDetails}, most of {@code requestParameters}, ...) is skipped while reading. Every field may be {@code null}: real
 * records always carry {@code eventID} and {@code eventTime}, but test fixtures and trimmed exports do not.
 *
 * @param eventId            {@code eventID}, unique per event (S3 logs may repeat an event: de-duplicate on it)
 * @param eventTime          {@code eventTime}, or {@code null} if absent or not a time
 * @param eventSource        such as {@code iam.amazonaws.com}
 * @param eventName          such as {@code ListUsers}
 * @param awsRegion          such as {@code us-east-1} (anonymised samples invent regions: not validated)
 * @param sourceIpAddress    the caller's address or a service name
 * @param userAgent          the caller's user agent
 * @param errorCode          such as {@code AccessDenied}; {@code null} on success
 * @param errorMessage       the error message, or {@code null}
 * @param requestId          {@code requestID}, the service's request id
 * @param eventType          {@code AwsApiCall}, {@code AwsServiceEvent}, ...
 * @param readOnly           {@code readOnly}, or {@code null} if absent
 * @param recipientAccountId the account that received the event
 * @param userIdentity       who made the call, or {@code null} when the record has no {@code userIdentity}
 * @param requestParameters  the request's user and policy names ({@link RequestParameters}), or {@code null} when it
 *                           names none of them
 *
 * @since 0.1.0
 */
public record CloudTrailRecord(
        @Nullable String eventId,
        @Nullable Instant eventTime,
        @Nullable String eventSource,
        @Nullable String eventName,
        @Nullable String awsRegion,
        @Nullable String sourceIpAddress,
        @Nullable String userAgent,
        @Nullable String errorCode,
        @Nullable String errorMessage,
        @Nullable String requestId,
        @Nullable String eventType,
        @Nullable Boolean readOnly,
        @Nullable String recipientAccountId,
        @Nullable UserIdentity userIdentity,
        @Nullable RequestParameters requestParameters) {

    /** A record without {@link RequestParameters} (the constructor before they were read). */
    public CloudTrailRecord(@Nullable String eventId, @Nullable Instant eventTime, @Nullable String eventSource,
                            @Nullable String eventName, @Nullable String awsRegion, @Nullable String sourceIpAddress,
                            @Nullable String userAgent, @Nullable String errorCode, @Nullable String errorMessage,
                            @Nullable String requestId, @Nullable String eventType, @Nullable Boolean readOnly,
                            @Nullable String recipientAccountId, @Nullable UserIdentity userIdentity) {
        this(eventId, eventTime, eventSource, eventName, awsRegion, sourceIpAddress, userAgent, errorCode, errorMessage,
                requestId, eventType, readOnly, recipientAccountId, userIdentity, null);
    }

    /** The access key id the call was signed with, or {@code null}. */
    public @Nullable String accessKeyId() {
        return userIdentity == null ? null : userIdentity.accessKeyId();
    }

    /** The caller's ARN, or {@code null}. */
    public @Nullable String principalArn() {
        return userIdentity == null ? null : userIdentity.arn();
    }

    /**
     * The id a sighting of this record is stored under: the {@code eventID}, or, for records without one, a stable
     * digest of the fields that identify the call (so that reading the same record twice gives the same id).
     */
    public String sightingId() {
        if (eventId != null) {
            return eventId;
        }
        String text = eventTime + "|" + eventSource + "|" + eventName + "|" + requestId + "|" + accessKeyId() + "|"
                + principalArn() + "|" + sourceIpAddress + "|" + userAgent + "|" + errorCode;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "noeventid-" + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * This record as an uncorrelated {@link SightingKind#API_CALL} sighting from {@code source}; empty if the record has
     * no {@code eventTime} (a use cannot be placed in a credential's validity window without one).
     */
    public Optional<Sighting> toSighting(String source) {
        if (eventTime == null) {
            return Optional.empty();
        }
        return Optional.of(Sighting.builder()
                .source(source)
                .sourceEventId(sightingId())
                .time(eventTime)
                .kind(SightingKind.API_CALL)
                .service(eventSource)
                .call(eventName)
                .region(awsRegion)
                .sourceIp(sourceIpAddress)
                .userAgent(userAgent)
                .errorCode(errorCode)
                .accessKeyId(accessKeyId())
                .principalArn(principalArn())
                .requestId(requestId)
                .build());
    }
}
