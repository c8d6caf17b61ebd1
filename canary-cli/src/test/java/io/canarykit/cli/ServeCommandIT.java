package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code canary serve} from the product jar, as a container runs it: JSON logs on request ({@code CANARY_LOG_FORMAT=json}:
 * every line on stderr one JSON object), ready on {@code /health/ready}, and a graceful stop on SIGTERM (the process
 * says it stopped, and exits); no secret of the configuration in the output.
 */
class ServeCommandIT {
    private static final String METRICS_TOKEN = "metrics-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private AwsEmulator aws;
    private Process process;

    @BeforeEach
    void start() {
        aws = AwsEmulator.builder().start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        aws.close();
    }

    @Test
    void servesWithJsonLogsAndStopsGracefullyOnSigterm() throws Exception {
        EmulatedCredentials admin = aws.adminCredentials();
        Path config = dir.resolve("canary.properties");
        Files.writeString(config, String.join("\n",
                "canary.store=jdbc",
                "canary.store.jdbc.url=jdbc:h2:file:" + dir.resolve("store/canarykit"),
                "canary.issuers=iam-user",
                "canary.issuer.iam-user.endpoint=" + aws.endpoint(),
                "canary.issuer.iam-user.account-id=" + aws.accountId(),
                "canary.issuer.iam-user.access-key-id=" + admin.accessKeyId(),
                "canary.issuer.iam-user.secret-access-key=" + admin.secretAccessKey().reveal(),
                "canary.server.metrics.token=" + METRICS_TOKEN,
                "canary.server.reconcile.interval=off",
                "") + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                Path.of("target", "canary.jar").toAbsolutePath().toString(), "serve", "--config", config.toString(),
                "--port", "0");
        pb.environment().put("CANARY_LOG_FORMAT", "json");
        pb.environment().put("CANARY_LOG_LEVEL", "INFO");
        process = pb.start();
        StringBuffer err = new StringBuffer();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    err.append(l).append('\n');
                }
            } catch (IOException e) {
                // ended
            }
        });
        drain.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        URI uri = null;
        Pattern listening = Pattern.compile("listening on (http://\\S+)");
        while (uri == null && (line = out.readLine()) != null) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                uri = URI.create(m.group(1));
            }
        }
        assertThat(uri).as("canary serve did not start:%n%s", err).isNotNull();
        String listeningOn = "listening on " + uri;

        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/health/ready"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

        // SIGTERM (Process.destroy() would also close the pipes, and what the stop logs would be lost)
        assertThat(process.toHandle().destroy()).isTrue();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
        drain.join(5000);

        List<JsonNode> events = new ArrayList<>();
        for (String l : err.toString().split("\n")) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(l); // throws if a line is not JSON
            assertThat(n.isObject()).as(l).isTrue();
            assertThat(n.path("level").asText()).as(l).isNotEmpty();
            assertThat(n.path("loggerName").asText()).as(l).isNotEmpty();
            events.add(n);
        }
        List<String> messages = events.stream().map(n -> n.path("formattedMessage").asText()).toList();
        assertThat(messages).anySatisfy(m -> assertThat(m).contains(listeningOn));
        assertThat(messages).as("the graceful stop ran (exit %s):%n%s", process.exitValue(), err).anySatisfy(m -> assertThat(m).endsWith(" stopped"));
        assertThat(err.toString()).doesNotContain(METRICS_TOKEN).doesNotContain(admin.secretAccessKey().reveal());
    }
}
