package io.canarykit.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonlFileAlertSinkTest {
    @Test
    void appendsOneLinePerAlertCreatingTheDirectory(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a/b/alerts.jsonl");
        JsonlFileAlertSink sink = JsonlFileAlertSink.create(file);

        sink.send(Alerts.initial("e1"));
        sink.send(Alerts.followUp("e2", "e3"));

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(new ObjectMapper().readTree(lines.get(0)).get("type").asText()).isEqualTo("INITIAL");
        assertThat(new ObjectMapper().readTree(lines.get(1)).get("sightings")).hasSize(2);
    }

    @Test
    void concurrentSendsNeverInterleave(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alerts.jsonl");
        JsonlFileAlertSink sink = JsonlFileAlertSink.create(file);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            futures.add(pool.submit(() -> sink.send(Alerts.initial("e" + n))));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(200);
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            assertThat(json.readTree(line).get("sighting").get("sourceEventId").asText()).startsWith("e");
        }
    }

    @Test
    void aFailureIsThrownNotSwallowed(@TempDir Path dir) throws Exception {
        Path notAFile = Files.createDirectory(dir.resolve("alerts.jsonl"));
        JsonlFileAlertSink sink = JsonlFileAlertSink.create(notAFile);

        assertThatThrownBy(() -> sink.send(Alerts.initial("e1"))).isInstanceOf(CanaryException.class)
                .hasMessageContaining(notAFile.toString());
    }

    @Test
    void everySinkIsFoundByName(@TempDir Path dir) {
        ProviderRegistry<AlertSink, AlertSinkProvider> registry = ProviderRegistry.load(AlertSinkProvider.class);

        assertThat(registry.names()).contains("logging", "webhook", "jsonl-file");
        CanaryConfig scoped = CanaryConfig.of(Map.of(JsonlFileAlertSinkProvider.PATH, dir.resolve("x.jsonl").toString()));
        AlertSink sink = registry.provider("jsonl-file").create(scoped);
        assertThat(sink).isInstanceOf(JsonlFileAlertSink.class);
        assertThatThrownBy(() -> registry.create("jsonl-file", scoped)).as("the registry takes the whole configuration")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canary.alert.jsonl-file.");
        AlertSink fromWhole = registry.create("jsonl-file", CanaryConfig.of(Map.of("canary.alert.sinks", "jsonl-file",
                JsonlFileAlertSinkProvider.PREFIX + JsonlFileAlertSinkProvider.PATH, dir.resolve("y.jsonl").toString())));
        assertThat(((JsonlFileAlertSink) fromWhole).file()).isEqualTo(dir.resolve("y.jsonl"));
        assertThatThrownBy(() -> registry.create("jsonl-file", CanaryConfig.empty()))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining(JsonlFileAlertSinkProvider.PREFIX + JsonlFileAlertSinkProvider.PATH);
    }
}
