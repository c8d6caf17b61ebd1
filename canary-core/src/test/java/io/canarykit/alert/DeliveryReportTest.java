package io.canarykit.alert;

import io.canarykit.CanaryException;
import io.canarykit.metrics.AlertOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a {@link Delivery} reports for metrics: each message's steps, as they happen. */
class DeliveryReportTest {
    @TempDir
    Path dir;
    private final Deque<DeliveryAttempt> script = new ArrayDeque<>();
    private final List<AlertOutcome> reported = new ArrayList<>();

    private Delivery delivery(boolean spool) {
        Delivery.Builder b = Delivery.builder().name("test").maxAttempts(3).sleeper(d -> { })
                .transport(m -> script.isEmpty() ? DeliveryAttempt.ok() : script.poll());
        if (spool) {
            b.spoolDirectory(dir.resolve("spool"));
        }
        Delivery d = b.build();
        d.reportTo(reported::add);
        return d;
    }

    private static DeliveryMessage message(String id) {
        return DeliveryMessage.json(id, "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void retriesThenSent() {
        script.add(DeliveryAttempt.retry("HTTP 503", null));
        delivery(false).deliver(message("a"));
        assertThat(reported).containsExactly(AlertOutcome.RETRIED, AlertOutcome.SENT);
    }

    @Test
    void spooledIsNotSentUntilTheSpoolDeliversIt() {
        Delivery d = delivery(true);
        for (int i = 0; i < 3; i++) {
            script.add(DeliveryAttempt.retry("HTTP 503", null));
        }
        d.deliver(message("a"));
        assertThat(reported).containsExactly(AlertOutcome.RETRIED, AlertOutcome.RETRIED, AlertOutcome.SPOOLED);
        reported.clear();
        d.deliver(message("b")); // the spooled one first, then this one
        assertThat(reported).containsExactly(AlertOutcome.SENT, AlertOutcome.SENT);
        assertThat(d.spooled()).isZero();
    }

    @Test
    void failedWhenThereIsNoSpool() {
        script.add(DeliveryAttempt.refused("HTTP 400"));
        Delivery d = delivery(false);
        assertThatThrownBy(() -> d.deliver(message("a"))).isInstanceOf(CanaryException.class);
        assertThat(reported).containsExactly(AlertOutcome.FAILED);
    }
}
