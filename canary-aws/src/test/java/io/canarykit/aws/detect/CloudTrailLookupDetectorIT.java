package io.canarykit.aws.detect;

import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.testkit.aws.ApiCall;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.MutableClock;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The LookupEvents detector against the emulator: paging, regions, checkpoints, and AWS's 2 requests per second. */
class CloudTrailLookupDetectorIT {
    private static final LookupRateLimiter NO_WAIT = new LookupRateLimiter(2, System::nanoTime, n -> { });

    private static Function<String, CloudTrailClient> clients(AwsEmulator aws) {
        return region -> aws.configure(CloudTrailClient.builder(), aws.adminCredentials(), Region.of(region))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Test
    void pagesThroughManyEventsAndFindsThemInTheirRegion() {
        try (DetectFixture f = new DetectFixture()) {
            DetectFixture.Canary c = f.canary("ci-runner");
            f.clock.advance(Duration.ofMinutes(10));
            for (int i = 0; i < 60; i++) {
                f.listUsers(c);
                f.clock.advance(Duration.ofSeconds(1));
            }
            for (int i = 0; i < 55; i++) {
                f.describeInstances(c, Region.EU_CENTRAL_1);
                f.clock.advance(Duration.ofSeconds(1));
            }
            CloudTrailLookupDetector lookup = CloudTrailLookupDetector.builder().client(clients(f.aws))
                    .regions(List.of("eu-central-1", "eu-west-1")).byUserName(false).rateLimiter(NO_WAIT).build();

            DetectionSummary s = DetectionEngine.builder().store(f.store).detector(lookup).clock(f.clock).build().runOnce();

            assertThat(s.failures()).isEmpty();
            assertThat(lookup.regions()).containsExactly("us-east-1", "eu-central-1", "eu-west-1");
            List<Sighting> seen = f.store.sightings(c.record().id());
            assertThat(seen.stream().filter(x -> "ListUsers".equals(x.call()))).hasSize(60)
                    .allSatisfy(x -> assertThat(x.region()).isEqualTo("us-east-1"));
            assertThat(seen.stream().filter(x -> "DescribeInstances".equals(x.call()))).hasSize(55)
                    .allSatisfy(x -> assertThat(x.region()).isEqualTo("eu-central-1"));
            long pages = f.aws.calls().stream().filter(x -> "LookupEvents".equals(x.operation())).count();
            assertThat(pages).as("2 pages in us-east-1 (self-use + 60), 2 in eu-central-1, 1 in eu-west-1").isEqualTo(5);
        }
    }

    @Test
    void aNewPassAndARestartedDetectorFindWhatHappenedSinceWithoutStoringAnythingTwice() {
        try (DetectFixture f = new DetectFixture()) {
            DetectFixture.Canary c = f.canary("ci-runner");
            f.clock.advance(Duration.ofMinutes(10));
            f.listUsers(c);
            CloudTrailLookupDetector.Builder b = CloudTrailLookupDetector.builder().client(clients(f.aws))
                    .regions(List.of()).rateLimiter(NO_WAIT);
            DetectionSummary first = DetectionEngine.builder().store(f.store).detector(b.build()).clock(f.clock).build()
                    .runOnce();
            assertThat(first.stored()).isEqualTo(2);

            f.clock.advance(Duration.ofMinutes(10));
            f.callerIdentity(c);
            f.clock.advance(Duration.ofMinutes(1));
            DetectionSummary restarted = DetectionEngine.builder().store(f.store).detector(b.build()).clock(f.clock)
                    .build().runOnce();

            assertThat(restarted.stored()).isEqualTo(1);
            assertThat(f.store.sightings(c.record().id())).extracting(Sighting::call, Sighting::kind).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("GetCallerIdentity", SightingKind.SELF_USE),
                    org.assertj.core.groups.Tuple.tuple("ListUsers", SightingKind.API_CALL),
                    org.assertj.core.groups.Tuple.tuple("GetCallerIdentity", SightingKind.API_CALL));
            assertThat(f.store.checkpoint("cloudtrail-lookup:" + f.aws.accountId() + "/us-east-1"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith(f.clock.instant().toString()));
        }
    }

    /**
     * With AWS's limit enforced (2 LookupEvents per second per account and region, ThrottlingException beyond, no SDK
     * retries) the shared limiter keeps every call inside it; without the limiter the same pass is throttled.
     */
    @Test
    void staysWithinTwoRequestsPerSecondPerAccountAndRegion() {
        try (DetectFixture f = new DetectFixture(MutableClock.startingNow(), b -> b.lookupEventsRateLimit(true))) {
            DetectFixture.Canary a = f.canary("runner-a");
            DetectFixture.Canary b = f.canary("runner-b");
            f.listUsers(a);
            f.listUsers(b);
            List<String> regions = List.of("eu-west-1");
            Clock wall = Clock.systemUTC();
            f.clock.set(wall.instant());

            CloudTrailLookupDetector unlimited = CloudTrailLookupDetector.builder().client(clients(f.aws)).regions(regions)
                    .rateLimiter(NO_WAIT).source("unlimited").build();
            io.canarykit.store.InMemoryCanaryStore copy = io.canarykit.store.InMemoryCanaryStore.create();
            copy.create(a.record().toBuilder().version(0).build());
            copy.create(b.record().toBuilder().version(0).build());
            DetectionSummary control = DetectionEngine.builder().store(copy).detector(unlimited).clock(f.clock).build()
                    .runOnce();
            assertThat(control.failures()).as("the emulator does throttle a burst").singleElement().asString()
                    .contains("Throttling");

            f.clock.set(wall.instant().plusSeconds(2));
            CloudTrailLookupDetector limited = CloudTrailLookupDetector.builder().client(clients(f.aws)).regions(regions)
                    .build();
            long before = throttled(f.aws);
            DetectionSummary s = runWithWallClock(f, limited, wall);

            assertThat(s.failures()).isEmpty();
            assertThat(throttled(f.aws)).isEqualTo(before);
            assertThat(f.store.sightings(a.record().id())).extracting(Sighting::call).contains("ListUsers");
            assertThat(f.store.sightings(b.record().id())).extracting(Sighting::call).contains("ListUsers");
        }
    }

    /** Runs a pass while the emulator's clock follows the wall clock (its rate limit counts in its own time). */
    private static DetectionSummary runWithWallClock(DetectFixture f, CloudTrailLookupDetector d, Clock wall) {
        Thread ticker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                f.clock.set(wall.instant().plusSeconds(2));
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ticker.setDaemon(true);
        ticker.start();
        try {
            return DetectionEngine.builder().store(f.store).detector(d).clock(f.clock).build().runOnce();
        } finally {
            ticker.interrupt();
        }
    }

    private static long throttled(AwsEmulator aws) {
        return aws.calls().stream().filter(c -> "LookupEvents".equals(c.operation()))
                .map(ApiCall::errorCode).filter(e -> e != null && e.contains("Throttl")).count();
    }
}
