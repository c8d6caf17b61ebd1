package io.canarykit.alert;

import io.canarykit.internal.AlertText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.CanaryRecord;
import io.canarykit.DetectionWindow;
import io.canarykit.RunPhase;
import io.canarykit.Sighting;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The phase of a CI run canary's use, decided by the call's time against the run's reported end, in every output. */
class RunPhaseAlertTest {
    private static final Instant USE = Alerts.T0.plusSeconds(3600);

    private static CanaryRecord runCanary(Instant completedAt) {
        CanaryRecord.Builder b = Alerts.canary().toBuilder().attribute(RunPhase.ATTR_RUN, "github-actions");
        if (completedAt != null) {
            b.attribute(RunPhase.ATTR_COMPLETED_AT, completedAt.toString());
        }
        return b.build();
    }

    private static Alert alert(CanaryRecord c) {
        Sighting s = Alerts.sighting("e1", USE);
        return new Alert(AlertType.INITIAL, c, s, List.of(s), new DetectionWindow(c.windowStart(), s.time()), 0,
                USE.plusSeconds(600));
    }

    @Test
    void aUseAtOrAfterTheReportedEndIsAfterTheRunAndBeforeItIsDuring() {
        assertThat(RunPhase.of(alert(runCanary(USE)))).contains(RunPhase.AFTER_RUN);
        assertThat(RunPhase.of(alert(runCanary(USE.minusSeconds(1))))).contains(RunPhase.AFTER_RUN);
        assertThat(RunPhase.of(alert(runCanary(USE.plusSeconds(1))))).as("seen after the end, used before it")
                .contains(RunPhase.DURING_RUN);
        assertThat(RunPhase.of(alert(runCanary(null)))).as("a run that never reported its end")
                .contains(RunPhase.DURING_RUN);
        assertThat(RunPhase.of(alert(Alerts.canary()))).as("no run canary").isEmpty();
        CanaryRecord garbled = Alerts.canary().toBuilder().attribute(RunPhase.ATTR_RUN, "gitlab-ci")
                .attribute(RunPhase.ATTR_COMPLETED_AT, "yesterday").build();
        assertThat(RunPhase.completedAt(garbled)).isEmpty();
        assertThat(RunPhase.of(alert(garbled))).contains(RunPhase.DURING_RUN);
    }

    @Test
    void everyOutputSaysWhetherTheRunHadFinished() throws Exception {
        Alert after = alert(runCanary(USE.minusSeconds(300)));
        JsonNode j = new ObjectMapper().readTree(AlertJson.toJson(after));
        assertThat(j.at("/run/phase").asText()).isEqualTo("after-run");
        assertThat(j.at("/run/description").asText()).isEqualTo("used after the run finished");
        assertThat(j.at("/run/completedAt").asText()).isEqualTo("2026-11-28T10:55:00Z");
        assertThat(j.at("/run/ci").asText()).isEqualTo("github-actions");
        assertThat(j.at("/classification/kind").asText()).as("the classification stays").isNotEmpty();
        assertThat(LoggingAlertSink.format(after)).contains("; CI run: used after the run finished");
        assertThat(AlertText.facts(after)).contains(new AlertText.Fact("CI run",
                "used after the run finished (the run reported its end at 2026-11-28T10:55:00Z)"));

        Alert during = alert(runCanary(null));
        assertThat(new ObjectMapper().readTree(AlertJson.toJson(during)).at("/run/phase").asText())
                .isEqualTo("during-run");
        assertThat(AlertText.facts(during)).contains(new AlertText.Fact("CI run",
                "used during the run (the run has not reported its end)"));

        Alert plain = Alerts.initial("e2");
        assertThat(new ObjectMapper().readTree(AlertJson.toJson(plain)).has("run")).isFalse();
        assertThat(LoggingAlertSink.format(plain)).doesNotContain("CI run");
        assertThat(AlertText.facts(plain)).extracting(AlertText.Fact::label).doesNotContain("CI run");
    }
}
