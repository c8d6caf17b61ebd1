package io.canarykit.aws.alert;

import io.canarykit.alert.Delivery;
import io.canarykit.alert.DeliveryAttempt;
import io.canarykit.config.CanaryConfig;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.nio.file.Path;
import java.time.Duration;

/** What the AWS sinks share: how an SDK failure becomes a {@link DeliveryAttempt}, and the delivery options. */
final class AwsDelivery {
    private AwsDelivery() {
    }

    /** Throttling, 5xx and lost connections may be retried; anything else (access denied, bad input) is refused. */
    static DeliveryAttempt failed(String service, SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String reason = service + " " + (code == null ? "error" : code) + " (HTTP " + s.statusCode() + ")";
            return s.isThrottlingException() || s.statusCode() >= 500 ? DeliveryAttempt.retry(reason, null)
                    : DeliveryAttempt.refused(reason);
        }
        if (e instanceof SdkClientException) {
            return DeliveryAttempt.retry(service + " unreachable (" + e.getClass().getSimpleName() + ")", null);
        }
        return DeliveryAttempt.retry(service + " failed (" + e.getClass().getSimpleName() + ")", null);
    }

    /** {@code max-attempts} (4), {@code backoff} (500ms), {@code max-backoff} (30s), {@code spool-dir}. */
    static Delivery.Builder options(Delivery.Builder b, CanaryConfig c) {
        b.maxAttempts(c.getInt("max-attempts", 4)).initialBackoff(c.getDuration("backoff", Duration.ofMillis(500)))
                .maxBackoff(c.getDuration("max-backoff", Duration.ofSeconds(30)));
        Path spool = c.getPath("spool-dir");
        if (spool != null) {
            b.spoolDirectory(spool);
        }
        return b;
    }
}
