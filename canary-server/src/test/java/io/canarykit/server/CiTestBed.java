package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.Alert;
import io.canarykit.CanaryService;
import io.canarykit.aws.detect.CloudTrailS3Detector;
import io.canarykit.aws.issue.AssumeRoleIssuer;
import io.canarykit.aws.issue.CanaryRoleSetup;
import io.canarykit.aws.issue.FederationTokenIssuer;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.MutableClock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A server as CI jobs meet it: the AWS emulator on a mutable clock, a service issuing assume-role and
 * federation-token canaries with detection over the emulator's CloudTrail log files and an alert sink that keeps every
 * alert, test OIDC issuers for GitHub Actions and GitLab CI, and the issuance API with both authenticators.
 */
final class CiTestBed implements AutoCloseable {
    static final Instant START = Instant.parse("2026-11-30T09:00:00Z");
    static final String ROLE = "build-cache-reader";

    final MutableClock clock = MutableClock.at(START);
    final AwsEmulator aws = AwsEmulator.builder().clock(clock).sourceIpAddress("198.51.100.23").start();
    final InMemoryCanaryStore store = InMemoryCanaryStore.create();
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    final TestOidcIssuer github = new TestOidcIssuer(CiPlatform.GITHUB_ACTIONS, clock);
    final TestOidcIssuer gitlab = new TestOidcIssuer(CiPlatform.GITLAB_CI, clock);
    final CanaryService service;
    final IssuanceApi api;
    final OidcAuthenticator githubAuth;
    final OidcAuthenticator gitlabAuth;
    private final HttpClient http = HttpClient.newHttpClient();

    CiTestBed() {
        this(UnaryOperator.identity(), UnaryOperator.identity());
    }

    CiTestBed(UnaryOperator<OidcAuthenticator.Builder> githubConfig, UnaryOperator<OidcAuthenticator.Builder> gitlabConfig) {
        String account = aws.accountId();
        String roleArn = "arn:aws:iam::" + account + ":role/" + ROLE;
        String issuerArn = aws.sts().getCallerIdentity().arn();
        CanaryRoleSetup.builder().iam(aws.iam()).accountId(account).roleName(ROLE)
                .policies(DenyAllPolicyHardener.create().harden(HardeningRequest.assumedRole(account, "setup", roleArn,
                        issuerArn)))
                .maxSessionDuration(Duration.ofHours(12)).fix(true).build().ensure();
        AssumeRoleIssuer assumeRole = AssumeRoleIssuer.builder().sts(aws.sts()).iam(aws.iam()).roleArn(roleArn)
                .maxSessionDuration(Duration.ofHours(12)).clock(clock).build();
        FederationTokenIssuer federation = FederationTokenIssuer.builder().sts(aws.sts()).clock(clock).build();
        DetectionEngine detection = DetectionEngine.builder().store(store).clock(clock).alertSink(alerts::add)
                .detectors(List.of(CloudTrailS3Detector.builder().s3Client(aws.s3()).bucket(aws.trailBucket()).build()))
                .build();
        service = CanaryService.builder().store(store).clock(clock)
                .issuance(AtomicIssuance.builder().store(store).issuers(assumeRole, federation).clock(clock).build())
                .namer(PlausibleNamer.create()).hardener(DenyAllPolicyHardener.create()).detection(detection).build();
        githubAuth = githubConfig.apply(github.authenticator(RunPolicy.of(CiPlatform.GITHUB_ACTIONS, List.of(
                new RunPolicy.Rule("deploy", java.util.Map.of("repository", List.of("acme/paygate", "acme/web-*"),
                        "ref", List.of("refs/heads/main", "refs/tags/v*")), List.of(PlacementProfile.RETURN),
                        java.util.Set.of(io.canarykit.CredentialKind.ASSUMED_ROLE,
                                io.canarykit.CredentialKind.FEDERATION_TOKEN),
                        Duration.ofMinutes(75), RunPolicy.DEFAULT_ASSET_KIND))))).build();
        gitlabAuth = gitlabConfig.apply(gitlab.authenticator(RunPolicy.of(CiPlatform.GITLAB_CI, List.of(
                new RunPolicy.Rule("protected", java.util.Map.of("project-path", List.of("acme/**"),
                        "ref-protected", List.of("true")), List.of(PlacementProfile.RETURN),
                        java.util.Set.of(io.canarykit.CredentialKind.FEDERATION_TOKEN),
                        Duration.ofMinutes(75), RunPolicy.DEFAULT_ASSET_KIND))))).build();
        api = IssuanceApi.builder().service(service).clock(clock).rateLimit(600, 100)
                .authenticator(githubAuth).authenticator(gitlabAuth).build().start();
    }

    /** A request to the API with {@code Authorization: Bearer <token>}. */
    HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.uri() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return CanaryJson.MAPPER.readTree(r.body());
    }

    @Override
    public void close() {
        api.close();
        service.close();
        github.close();
        gitlab.close();
        aws.close();
    }
}
