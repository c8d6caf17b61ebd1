package io.canarykit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A call the library itself made with a canary (for example the issuer's post-issue {@code GetCallerIdentity}
 * check). It is recorded with the canary so that detection recognises it and never alerts on it.
 *
 * @param eventName the API call, such as {@code GetCallerIdentity}
 * @param at        when it was made
 * @param requestId the AWS request id of the call, which CloudTrail records as {@code requestID}, or {@code null} when
 *                  the call gave none
 * @param userAgent the user agent the library sent, or {@code null}
 *
 * @since 0.1.0
 */
public record SelfUse(String eventName, Instant at, @Nullable String requestId, @Nullable String userAgent) {
    public SelfUse {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(at, "at");
    }
}
