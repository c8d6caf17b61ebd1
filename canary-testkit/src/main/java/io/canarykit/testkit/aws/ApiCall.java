package io.canarykit.testkit.aws;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One request the emulator served, as its call log keeps it (the most recent calls only; see
 * {@link AwsEmulator.Builder#callLogLimit(int)}).
 *
 * @param requestId      the request id sent back to the caller ({@code null} for a dropped connection)
 * @param time           when it was served (emulator clock)
 * @param service        the SigV4 signing name ({@code iam}, {@code s3}, ...), or {@code null} when unsigned
 * @param operation      the operation ({@code CreateAccessKey}), or {@code null} if it could not be read
 * @param accountId      the caller's account, or {@code null} when the key was unknown
 * @param accessKeyId    the access key id that signed it, or {@code null}
 * @param principalArn   the caller, or {@code null} when authentication failed
 * @param status         the HTTP status answered (0 for a connection fault)
 * @param errorCode      the AWS error code, or {@code null}
 * @param fault          the injected fault that shaped the answer, or {@code null}
 * @param trailEventId   the CloudTrail record written for it, or {@code null} when none was written
 *
 * @since 0.1.0
 */
public record ApiCall(@Nullable String requestId, Instant time, @Nullable String service,
                      @Nullable String operation, @Nullable String accountId, @Nullable String accessKeyId,
                      @Nullable String principalArn, int status, @Nullable String errorCode, @Nullable String fault,
                      @Nullable String trailEventId) {

    /** {@code service:Operation}. */
    public String qualifiedOperation() {
        return service + ":" + operation;
    }
}
