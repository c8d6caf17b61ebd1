package io.canarykit.testkit.aws;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One CloudTrail record the emulator wrote, with the fields tests assert on most and the full record as
 * {@link #json()} (exactly the object that appears in log files and in LookupEvents' {@code CloudTrailEvent}).
 *
 * @param eventId            the record's {@code eventID}
 * @param eventTime          {@code eventTime}
 * @param recipientAccountId the account the record belongs to
 * @param awsRegion          {@code awsRegion} (us-east-1 for IAM and global STS)
 * @param eventSource        e.g. {@code iam.amazonaws.com}
 * @param eventName          e.g. {@code ListUsers}
 * @param userIdentityType   {@code IAMUser}, {@code AssumedRole} or {@code FederatedUser}
 * @param principalArn       {@code userIdentity.arn}
 * @param accessKeyId        {@code userIdentity.accessKeyId}
 * @param username           what LookupEvents reports as {@code Username}
 * @param errorCode          {@code errorCode}, or {@code null} for a success
 * @param readOnly           {@code readOnly}
 * @param requestId          {@code requestID}, the request id the caller saw
 * @param resources          the resources LookupEvents reports
 * @param json               the whole record as JSON
 *
 * @since 0.1.0
 */
public record TrailRecord(String eventId, Instant eventTime, String recipientAccountId, String awsRegion,
                          String eventSource, String eventName, String userIdentityType, String principalArn,
                          String accessKeyId, String username, @Nullable String errorCode, boolean readOnly, String requestId,
                          List<Resource> resources, String json) {

    /**
     * A resource a record names (LookupEvents {@code Resources}).
     *
     * @since 0.1.0
     */
    public record Resource(String type, String name) {
        public Resource {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
        }
    }

    public TrailRecord {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(json, "json");
        resources = List.copyOf(resources);
    }
}
