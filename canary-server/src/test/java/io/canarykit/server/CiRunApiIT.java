package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.LifecycleReport;
import io.canarykit.RunPhase;
import io.canarykit.testkit.aws.SessionView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** CI runs as callers of the API over HTTP: run-labelled short-term canaries, completion, expiry. */
class CiRunApiIT {
    private static CiTestBed bed;

    @BeforeAll
    static void start() {
        bed = new CiTestBed();
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    private static Map<String, Object> run(String repository, String runId) {
        Map<String, Object> c = TestOidcIssuer.githubRun(repository);
        c.put("run_id", runId);
        return c;
    }

    private static JsonNode issue(Map<String, Object> claims) throws Exception {
        HttpResponse<String> r = bed.send("POST", "/v1/canaries", "{}", bed.github.token(claims));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return CiTestBed.json(r);
    }

    @Test
    void aRunGetsAShortTermCanaryLabelledWithItsClaimsUnderAPlausibleName() throws Exception {
        JsonNode c = issue(run("acme/paygate", "7153946261"));

        CanaryRecord r = bed.store.find(CanaryId.parse(c.get("canaryId").asText())).orElseThrow();
        assertThat(r.kind()).isEqualTo(CredentialKind.ASSUMED_ROLE);
        assertThat(r.asset().kind()).isEqualTo("ci-run");
        assertThat(r.asset().id()).isEqualTo("github/acme/paygate/runs/7153946261/attempts/1");
        assertThat(r.asset().labels()).containsEntry("ci", "github-actions").containsEntry("repository", "acme/paygate")
                .containsEntry("workflow", "deploy").containsEntry("ref", "refs/heads/main")
                .containsEntry("sha", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4").containsEntry("run-id", "7153946261")
                .containsEntry("run-attempt", "1").containsEntry("actor", "octocat");
        assertThat(r.attributes()).containsEntry(RunPhase.ATTR_RUN, "github-actions")
                .containsEntry(CanaryService.ATTR_OWNER, "github:acme/paygate");
        assertThat(Duration.between(r.issuedAt(), r.expiresAt())).as("the rule's lifetime, just past the job's timeout")
                .isEqualTo(Duration.ofMinutes(75));
        assertThat(c.at("/credential/sessionToken").asText()).isNotBlank();

        // the session AWS holds has a plausible name; the store maps it back to the run
        SessionView session = bed.aws.sessions().stream().filter(s -> s.accessKeyId().equals(r.accessKeyId()))
                .findFirst().orElseThrow();
        String name = r.principal().name();
        assertThat(session.principalArn()).endsWith("/" + name);
        assertThat(name.toLowerCase(Locale.ROOT)).doesNotContain("7153946261", "acme", "paygate", "e3b0c44",
                "octocat");
        assertThat(bed.store.findByPrincipalName(name)).singleElement()
                .satisfies(found -> assertThat(found.asset().labels()).containsEntry("run-id", "7153946261"));
    }

    @Test
    void theSameRunCompletesItsCanaryOnceAndNoOtherRunCan() throws Exception {
        JsonNode c = issue(run("acme/paygate", "8000000001"));
        String id = c.get("canaryId").asText();
        String path = "/v1/canaries/" + id + "/complete";

        HttpResponse<String> otherRun = bed.send("POST", path, "{}", bed.github.token(run("acme/paygate", "8000000002")));
        assertThat(otherRun.statusCode()).isEqualTo(403);
        assertThat(otherRun.body()).contains("another run").contains("8000000001");
        HttpResponse<String> otherRepo = bed.send("POST", path, null, bed.github.token(run("acme/web-shop", "8000000001")));
        assertThat(otherRepo.statusCode()).as("another repository's canary does not exist for it").isEqualTo(404);
        assertThat(bed.store.find(CanaryId.parse(id)).orElseThrow().status()).isEqualTo(CanaryStatus.ACTIVE);

        bed.clock.advance(Duration.ofMinutes(9));
        HttpResponse<String> done = bed.send("POST", path, "{}", bed.github.token(run("acme/paygate", "8000000001")));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode d = CiTestBed.json(done);
        assertThat(d.get("status").asText()).isEqualTo("COMPLETED");
        String completedAt = d.get("completedAt").asText();
        assertThat(completedAt).isEqualTo(bed.clock.instant().toString());

        bed.clock.advance(Duration.ofMinutes(1));
        HttpResponse<String> again = bed.send("POST", path, null, bed.github.token(run("acme/paygate", "8000000001")));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(CiTestBed.json(again).get("completedAt").asText()).as("the first report stands").isEqualTo(completedAt);
        CanaryRecord r = bed.store.find(CanaryId.parse(id)).orElseThrow();
        assertThat(r.status()).isEqualTo(CanaryStatus.COMPLETED);
        assertThat(r.attributes()).containsEntry(RunPhase.ATTR_COMPLETED_AT, completedAt);
        assertThat(r.status().isLive()).as("the session is valid until it expires, and watched").isTrue();

        assertThat(bed.send("POST", path, "{\"status\":\"done\"}", bed.github.token(run("acme/paygate", "8000000001")))
                .statusCode()).isEqualTo(400);
        assertThat(bed.send("GET", path, null, bed.github.token(run("acme/paygate", "8000000001"))).statusCode())
                .isEqualTo(405);
    }

    @Test
    void aRunNamesNoAssetAndMayNotHaveAnIamUser() throws Exception {
        String token = bed.github.token(run("acme/paygate", "8100000001"));
        HttpResponse<String> named = bed.send("POST", "/v1/canaries",
                "{\"asset\":{\"kind\":\"ci-run\",\"id\":\"github/acme/paygate/runs/1/attempts/1\"}}", token);
        assertThat(named.statusCode()).isEqualTo(400);
        assertThat(named.body()).contains("leave out 'asset'");

        assertThat(bed.send("POST", "/v1/canaries", "{}", token).statusCode()).as("the same token, without asset")
                .isEqualTo(201);
        assertThat(bed.send("GET", "/v1/canaries", null, token).statusCode()).isEqualTo(200);

        HttpResponse<String> iamUser = bed.send("POST", "/v1/canaries", "{\"kind\":\"iam-user\"}",
                bed.github.token(run("acme/paygate", "8100000002")));
        assertThat(iamUser.statusCode()).isEqualTo(403);
        assertThat(iamUser.body()).contains("may not issue iam-user canaries");
    }

    @Test
    void aGitLabJobGetsAFederationTokenListsItsOwnCanariesAndCompletesThem() throws Exception {
        Map<String, Object> job = TestOidcIssuer.gitlabJob("acme/platform/deployer");
        HttpResponse<String> created = bed.send("POST", "/v1/canaries", "{}", bed.gitlab.token(job));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode c = CiTestBed.json(created);
        assertThat(c.get("kind").asText()).isEqualTo("federation-token");
        CanaryRecord r = bed.store.find(CanaryId.parse(c.get("canaryId").asText())).orElseThrow();
        assertThat(r.asset().id()).isEqualTo("gitlab/acme/platform/deployer/pipelines/99001/jobs/5550001");
        assertThat(r.asset().labels()).containsEntry("project-path", "acme/platform/deployer")
                .containsEntry("pipeline-id", "99001").containsEntry("job-id", "5550001").containsEntry("ref", "main")
                .containsEntry("sha", "0a4d55a8d778e5022fab701977c5d840bbc486d0").containsEntry("user", "zoe");

        Map<String, Object> otherJob = TestOidcIssuer.gitlabJob("acme/platform/deployer");
        otherJob.put("job_id", "5550002");
        assertThat(bed.send("POST", "/v1/canaries", "{}", bed.gitlab.token(otherJob)).statusCode()).isEqualTo(201);

        HttpResponse<String> listed = bed.send("GET", "/v1/canaries", null, bed.gitlab.token(job));
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(CiTestBed.json(listed).get("canaries")).singleElement()
                .satisfies(n -> assertThat(n.get("canaryId").asText()).isEqualTo(r.id().value()));
        HttpResponse<String> done = bed.send("POST", "/v1/canaries/" + r.id() + "/complete", null, bed.gitlab.token(job));
        assertThat(done.statusCode()).isEqualTo(200);

        Map<String, Object> unprotected = TestOidcIssuer.gitlabJob("acme/platform/deployer");
        unprotected.put("ref_protected", "false");
        HttpResponse<String> refused = bed.send("POST", "/v1/canaries", "{}", bed.gitlab.token(unprotected));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("rule protected allows this project but ref-protected false is not true");
    }

    @Test
    void aRunThatNeverCompletesIsClosedByExpiryAndReported() throws Exception {
        JsonNode abandoned = issue(run("acme/paygate", "8200000001"));
        JsonNode finished = issue(run("acme/paygate", "8200000002"));
        String finishedId = finished.get("canaryId").asText();
        assertThat(bed.send("POST", "/v1/canaries/" + finishedId + "/complete", null,
                bed.github.token(run("acme/paygate", "8200000002"))).statusCode()).isEqualTo(200);

        bed.clock.advance(Duration.ofMinutes(76));
        LifecycleReport.Expire report = bed.service.expire();

        CanaryId abandonedId = CanaryId.parse(abandoned.get("canaryId").asText());
        assertThat(report.expired()).contains(abandonedId, CanaryId.parse(finishedId));
        assertThat(report.unfinishedRuns()).contains(abandonedId).doesNotContain(CanaryId.parse(finishedId));
        CanaryRecord closed = bed.store.find(abandonedId).orElseThrow();
        assertThat(closed.status()).isEqualTo(CanaryStatus.EXPIRED);
        assertThat(closed.attributes()).containsEntry(CanaryService.ATTR_CLOSED_BECAUSE, "expired-run-not-completed");

        HttpResponse<String> late = bed.send("POST", "/v1/canaries/" + abandonedId + "/complete", null,
                bed.github.token(run("acme/paygate", "8200000001")));
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("EXPIRED").contains("longer lifetime");
    }
}
