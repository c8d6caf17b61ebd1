package io.canarykit.detect;

import io.canarykit.MutableClock;
import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.alert.AlertJson;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.store.StaleVersionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static io.canarykit.detect.Canaries.T0;
import static io.canarykit.detect.Canaries.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DetectionEngineTest {
    private final InMemoryCanaryStore store = InMemoryCanaryStore.create();
    private final MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(2)));
    private final RecordingSink sink = new RecordingSink();
    private final ListDetector s3 = new ListDetector("cloudtrail-s3");

    private DetectionEngine engine(Detector... detectors) {
        return engine(store, detectors);
    }

    private DetectionEngine engine(CanaryStore over, Detector... detectors) {
        return DetectionEngine.builder().store(over).detectors(List.of(detectors)).alertSink(sink).clock(clock)
                .followUpWindow(Duration.ofMinutes(15)).build();
    }

    private CanaryRecord stored(CanaryRecord r) {
        return store.create(r);
    }

    @Test
    void theFirstRealSightingAlertsAtOnceAndTriggersTheCanary() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        Instant used = T0.plus(Duration.ofMinutes(90));
        s3.add(call("cloudtrail-s3", "e1", used, c).build());

        DetectionSummary summary = engine(s3).runOnce();

        assertThat(summary.stored()).isEqualTo(1);
        assertThat(summary.triggered()).containsExactly(c.id());
        assertThat(sink.alerts).hasSize(1);
        Alert a = sink.alerts.get(0);
        assertThat(a.type()).isEqualTo(AlertType.INITIAL);
        assertThat(a.sighting().sourceEventId()).isEqualTo("e1");
        assertThat(a.sighting().canaryId()).isEqualTo(c.id());
        assertThat(a.priorSightings()).isZero();
        assertThat(a.window().issuedAt()).isEqualTo(T0);
        assertThat(a.window().firstUse()).isEqualTo(used);
        assertThat(a.canary().status()).isEqualTo(CanaryStatus.TRIGGERED);
        assertThat(a.canary().asset().labels()).containsEntry("owner", "platform");
        assertThat(a.canary().receipt().location()).isEqualTo("/home/dev/.aws/credentials");
        CanaryRecord after = store.find(c.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(CanaryStatus.TRIGGERED);
        assertThat(after.triggeredAt()).isEqualTo(used);
        assertThat(store.sightings(c.id())).singleElement().satisfies(s -> assertThat(s.kind()).isEqualTo(SightingKind.API_CALL));
    }

    @Test
    void laterSightingsAreAggregatedIntoOneFollowUpAfterTheWindowNeverDropped() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        DetectionEngine engine = engine(s3);
        s3.add(call("cloudtrail-s3", "e0", T0.plusSeconds(3600), c).build());
        engine.runOnce();
        assertThat(sink.alerts).hasSize(1);

        // an attacker keeps calling, hoping a cooldown swallows it: 10 passes of 50 calls inside the window
        int n = 1;
        for (int pass = 0; pass < 10; pass++) {
            for (int i = 0; i < 50; i++, n++) {
                s3.add(call("cloudtrail-s3", "e" + n, T0.plusSeconds(3600 + n), c).build());
            }
            clock.advance(Duration.ofMinutes(1));
            DetectionSummary s = engine.runOnce();
            assertThat(s.alerts()).as("no alert inside the window").isEmpty();
        }
        clock.advance(Duration.ofMinutes(6));
        DetectionSummary s = engine.runOnce();

        assertThat(s.alerts()).hasSize(1);
        Alert followUp = sink.alerts.get(1);
        assertThat(followUp.type()).isEqualTo(AlertType.FOLLOW_UP);
        assertThat(followUp.sightings()).hasSize(500);
        assertThat(followUp.sightings()).extracting(Sighting::sourceEventId).doesNotHaveDuplicates().doesNotContain("e0");
        assertThat(followUp.sighting().sourceEventId()).isEqualTo("e500");
        assertThat(followUp.priorSightings()).isEqualTo(1);

        // a sighting after the window alerts again at once, listing just itself
        clock.advance(Duration.ofMinutes(20));
        s3.add(call("cloudtrail-s3", "late", T0.plusSeconds(9000), c).build());
        engine.runOnce();
        assertThat(sink.alerts).hasSize(3);
        assertThat(sink.alerts.get(2).type()).isEqualTo(AlertType.FOLLOW_UP);
        assertThat(sink.alerts.get(2).sightings()).extracting(Sighting::sourceEventId).containsExactly("late");
        assertThat(sink.alerts.get(2).priorSightings()).isEqualTo(501);

        // nothing new: nothing more
        clock.advance(Duration.ofHours(1));
        assertThat(engine.runOnce().alerts()).isEmpty();
    }

    @Test
    void severalSightingsInTheFirstPassGiveOneAlertAndOneFollowUp() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        s3.add(call("cloudtrail-s3", "b", T0.plusSeconds(7200), c).call("ListQueues").build());
        s3.add(call("cloudtrail-s3", "a", T0.plusSeconds(7100), c).call("GetCallerIdentity").build());
        s3.add(call("cloudtrail-s3", "c", T0.plusSeconds(7300), c).build());
        DetectionEngine engine = engine(s3);

        engine.runOnce();
        assertThat(sink.alerts).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.INITIAL);
            assertThat(a.sighting().sourceEventId()).as("the earliest use").isEqualTo("a");
        });
        clock.advance(Duration.ofMinutes(15));
        engine.runOnce();

        assertThat(sink.alerts).hasSize(2);
        assertThat(sink.alerts.get(1).sightings()).extracting(Sighting::sourceEventId).containsExactly("b", "c");
    }

    @Test
    void theIssuersOwnCheckIsASelfUseAndASecretScannersCheckIsATrigger() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        s3.add(call("cloudtrail-s3", "self", T0.plusSeconds(1), c).call("GetCallerIdentity").errorCode(null)
                .requestId("self-req-ci-deploy").userAgent("aws-sdk-java/2.57.8 canarykit/0.1").build());
        DetectionEngine engine = engine(s3);

        DetectionSummary first = engine.runOnce();

        assertThat(first.selfUses()).isEqualTo(1);
        assertThat(sink.alerts).isEmpty();
        assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(store.sightings(c.id())).singleElement()
                .satisfies(s -> assertThat(s.kind()).isEqualTo(SightingKind.SELF_USE));

        // a scanner verifying the leaked key makes the same call, a minute later, with its own request id
        s3.add(call("cloudtrail-s3", "scanner", T0.plusSeconds(60), c).call("GetCallerIdentity").errorCode(null)
                .requestId("other-req").userAgent("trufflehog").build());
        engine.runOnce();

        assertThat(sink.alerts).singleElement().satisfies(a -> assertThat(a.sighting().sourceEventId()).isEqualTo("scanner"));
        assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CanaryStatus.TRIGGERED);
    }

    @Test
    void withoutARequestIdASelfUseExplainsOneEventNearItsTimeWithItsUserAgent() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0).toBuilder()
                .selfUses(List.of(new io.canarykit.SelfUse("GetCallerIdentity", T0.plusSeconds(1), null, "canarykit/0.1")))
                .build());
        s3.add(call("cloudtrail-s3", "self", T0.plusSeconds(3), c).call("GetCallerIdentity").userAgent("x canarykit/0.1").build());
        s3.add(call("cloudtrail-s3", "copycat", T0.plusSeconds(4), c).call("GetCallerIdentity").userAgent("x canarykit/0.1").build());
        s3.add(call("cloudtrail-s3", "other-agent", T0.plusSeconds(5), c).call("GetCallerIdentity").userAgent("boto3").build());

        DetectionSummary s = engine(s3).runOnce();

        assertThat(s.selfUses()).isEqualTo(1);
        assertThat(store.sightings(c.id())).extracting(Sighting::sourceEventId, Sighting::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("self", SightingKind.SELF_USE),
                org.assertj.core.groups.Tuple.tuple("copycat", SightingKind.API_CALL),
                org.assertj.core.groups.Tuple.tuple("other-agent", SightingKind.API_CALL));
        assertThat(sink.alerts).hasSize(1);
    }

    @Test
    void theSameEventIsStoredOnceWhateverChannelReadsItAndHowOften() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        ListDetector lookup = new ListDetector("cloudtrail-lookup");
        Sighting viaS3 = call("cloudtrail-s3", "same-event", T0.plusSeconds(600), c).build();
        s3.add(viaS3).add(viaS3);
        lookup.add(call("cloudtrail-lookup", "same-event", T0.plusSeconds(600), c).build());

        DetectionSummary s = engine(s3, lookup).runOnce();

        assertThat(s.seen()).isEqualTo(3);
        assertThat(s.stored()).isEqualTo(1);
        assertThat(s.duplicates()).isEqualTo(2);
        assertThat(store.sightings(c.id())).singleElement().satisfies(x -> assertThat(x.source()).isEqualTo("cloudtrail-s3"));
        assertThat(sink.alerts).hasSize(1);
    }

    @Test
    void aReusedShortTermKeyIdMatchesTheCanaryValidAtThatTime() {
        String key = "ASIAQRSTUVWXYZ234567";
        CanaryRecord early = stored(Canaries.session("job-1", key, T0, Duration.ofHours(1)));
        CanaryRecord late = stored(Canaries.session("job-2", key, T0.plus(Duration.ofHours(5)), Duration.ofHours(1)));
        Sighting bare = Sighting.builder().source("cloudtrail-s3").sourceEventId("u1")
                .time(T0.plus(Duration.ofMinutes(330))).accessKeyId(key).call("ListBuckets").build();
        Sighting between = Sighting.builder().source("cloudtrail-s3").sourceEventId("u2")
                .time(T0.plus(Duration.ofHours(3))).accessKeyId(key).call("ListBuckets").build();
        s3.add(bare).add(between);

        DetectionSummary s = engine(s3).runOnce();

        assertThat(s.unmatched()).as("a use between the two windows is no canary's").isEqualTo(1);
        assertThat(store.sightings(late.id())).extracting(Sighting::sourceEventId).containsExactly("u1");
        assertThat(store.sightings(early.id())).isEmpty();
        assertThat(store.find(early.id()).orElseThrow().status()).isEqualTo(CanaryStatus.ACTIVE);
    }

    @Test
    void aUseByPrincipalArnWithAnUnknownKeyMatches() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        // a session token the attacker derived from the key: another key id, the user's ARN
        s3.add(Sighting.builder().source("cloudtrail-s3").sourceEventId("d1").time(T0.plusSeconds(900))
                .accessKeyId("ASIAZZZZZZZZZZZZZZZZ").principalArn(c.principal().arn()).call("ListBuckets").build());
        s3.add(Sighting.builder().source("cloudtrail-s3").sourceEventId("d2").time(T0.plusSeconds(900))
                .principalArn("arn:aws:iam::999999999999:user/canary/ci-deploy").call("ListBuckets").build());

        DetectionSummary s = engine(s3).runOnce();

        assertThat(store.sightings(c.id())).extracting(Sighting::sourceEventId).containsExactly("d1");
        assertThat(s.unmatched()).as("same name, other account").isEqualTo(1);
    }

    @Test
    void aPreMatchedSightingOutsideItsCanarysWindowIsCorrelatedAgain() {
        String key = "ASIAQRSTUVWXYZ234567";
        CanaryRecord early = stored(Canaries.session("job-1", key, T0, Duration.ofHours(1)));
        CanaryRecord late = stored(Canaries.session("job-2", key, T0.plus(Duration.ofHours(5)), Duration.ofHours(1)));
        s3.add(Sighting.builder().source("cloudtrail-s3").sourceEventId("w").time(T0.plus(Duration.ofMinutes(320)))
                .accessKeyId(key).canaryId(early.id()).build());

        engine(s3).runOnce();

        assertThat(store.sightings(late.id())).hasSize(1);
        assertThat(store.sightings(early.id())).isEmpty();
    }

    @Test
    void theTriggerSurvivesConcurrentUpdatesByRetryingTheCompareAndSet() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        int[] conflicts = {3};
        CanaryStore racing = new CrashingStore(store, new CrashingStore.Writes()) {
            @Override
            public CanaryRecord update(CanaryRecord record) {
                if (conflicts[0]-- > 0) {
                    // someone else (the lifecycle service) updates the record first
                    CanaryRecord theirs = store.find(record.id()).orElseThrow();
                    store.update(theirs.toBuilder().attribute("touched", "x" + conflicts[0]).build());
                }
                return store.update(record);
            }
        };
        s3.add(call("cloudtrail-s3", "e1", T0.plusSeconds(600), c).build());

        engine(racing, s3).runOnce();

        CanaryRecord after = store.find(c.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(CanaryStatus.TRIGGERED);
        assertThat(after.attributes()).as("their change is kept").containsEntry("touched", "x0");
        assertThat(sink.alerts).hasSize(1);
    }

    @Test
    void aFailingSinkGetsTheAlertAgainNextPass() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        s3.add(call("cloudtrail-s3", "e1", T0.plusSeconds(600), c).build());
        sink.failuresLeft = 2;
        DetectionEngine engine = engine(s3);

        DetectionSummary first = engine.runOnce();
        DetectionSummary second = engine.runOnce();
        DetectionSummary third = engine.runOnce();

        assertThat(first.failures()).singleElement().asString().contains("sink down");
        assertThat(second.alerts()).isEmpty();
        assertThat(third.alerts()).hasSize(1);
        assertThat(sink.alerts).singleElement().satisfies(a -> assertThat(a.type()).isEqualTo(AlertType.INITIAL));
        assertThat(engine.runOnce().alerts()).isEmpty();
    }

    @Test
    void aFailingDetectorIsReportedAndTheOthersStillRun() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        Detector broken = new Detector() {
            @Override
            public String source() {
                return "broken";
            }

            @Override
            public void poll(DetectorContext context, Consumer<Sighting> s) {
                throw new IllegalStateException("bucket gone");
            }
        };
        s3.add(call("cloudtrail-s3", "e1", T0.plusSeconds(600), c).build());

        DetectionSummary s = engine(broken, s3).runOnce();

        assertThat(s.detectors()).extracting(DetectorOutcome::source, DetectorOutcome::succeeded)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("broken", false),
                        org.assertj.core.groups.Tuple.tuple("cloudtrail-s3", true));
        assertThat(s.failures()).singleElement().asString().contains("bucket gone");
        assertThat(sink.alerts).hasSize(1);
    }

    @Test
    void safetyNetsRunAfterTheCloudTrailDetectors() {
        List<String> order = new ArrayList<>();
        Detector net = new Detector() {
            @Override
            public String source() {
                return "net";
            }

            @Override
            public void poll(DetectorContext context, Consumer<Sighting> s) {
                order.add("net");
            }

            @Override
            public int order() {
                return ORDER_SAFETY_NET;
            }
        };
        Detector trail = new Detector() {
            @Override
            public String source() {
                return "trail";
            }

            @Override
            public void poll(DetectorContext context, Consumer<Sighting> s) {
                order.add("trail");
            }
        };

        engine(net, trail).runOnce();

        assertThat(order).containsExactly("trail", "net");
    }

    @Test
    void checkpointsAreKeptPerSource() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        s3.add(call("cloudtrail-s3", "e1", T0.plusSeconds(600), c).build());
        engine(s3).runOnce();

        assertThat(store.checkpoint("cloudtrail-s3:position")).contains("1");
        assertThat(engine(s3).runOnce().seen()).as("a new engine resumes from the checkpoint").isZero();
    }

    @Test
    void needsAStore() {
        assertThatThrownBy(() -> DetectionEngine.builder().build())
                .isInstanceOf(io.canarykit.CanaryConfigurationException.class).hasMessageContaining("store");
    }

    /**
     * A restart at any point of a pass neither loses nor repeats a sighting and loses no alert: crash the "process"
     * before each write in turn (store writes and alert deliveries alike), start a new engine over what was written,
     * and compare with a pass that never crashed.
     */
    @Test
    void aRestartAtAnyPointNeitherLosesNorRepeatsASightingNorLosesAnAlert() {
        int writesOfACleanRun;
        {
            Scenario clean = new Scenario();
            clean.runToTheEnd(clean.engine(Integer.MAX_VALUE));
            writesOfACleanRun = clean.writes.count;
            clean.assertComplete(false);
        }
        assertThat(writesOfACleanRun).isGreaterThan(20);
        for (int crashAt = 1; crashAt <= writesOfACleanRun; crashAt++) {
            Scenario sc = new Scenario();
            DetectionEngine first = sc.engine(crashAt);
            boolean crashed = false;
            try {
                sc.runToTheEnd(first);
            } catch (CrashingStore.Crash expected) {
                crashed = true;
            }
            assertThat(crashed).as("crash before write %d", crashAt).isTrue();
            boolean crashedAfterDelivery = sc.deliveredBeforeCrash();
            sc.runToTheEnd(sc.engine(Integer.MAX_VALUE)); // the restarted process
            sc.assertComplete(crashedAfterDelivery);
        }
    }

    /** Two canaries, events arriving over two passes, a follow-up window to wait out. */
    private static final class Scenario {
        final InMemoryCanaryStore disk = InMemoryCanaryStore.create();
        final CrashingStore.Writes writes = new CrashingStore.Writes();
        final MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(3)));
        final ListDetector s3 = new ListDetector("cloudtrail-s3");
        final ListDetector lookup = new ListDetector("cloudtrail-lookup");
        final List<Alert> delivered = new ArrayList<>();
        final CanaryRecord a;
        final CanaryRecord b;
        String lastWriteBeforeCrash;

        Scenario() {
            a = disk.create(Canaries.iamUser("alpha", "AKIAQRSTUVWXYZ2345AA", T0));
            b = disk.create(Canaries.iamUser("bravo", "AKIAQRSTUVWXYZ2345BB", T0));
            s3.add(call("cloudtrail-s3", "self-a", T0.plusSeconds(1), a).call("GetCallerIdentity")
                    .requestId("self-req-alpha").build());
            for (int i = 0; i < 4; i++) {
                s3.add(call("cloudtrail-s3", "a" + i, T0.plusSeconds(3600 + i), a).build());
            }
            s3.add(call("cloudtrail-s3", "b0", T0.plusSeconds(4000), b).build());
            lookup.add(call("cloudtrail-lookup", "a1", T0.plusSeconds(3601), a).build()); // same event, other channel
            lookup.add(call("cloudtrail-lookup", "b1", T0.plusSeconds(4001), b).build());
        }

        DetectionEngine engine(int crashAt) {
            writes.count = 0;
            writes.crashAt = crashAt;
            CrashingStore store = new CrashingStore(disk, writes);
            io.canarykit.alert.AlertSink sink = alert -> {
                writes.write("deliver " + alert.type());
                delivered.add(alert);
            };
            // the restarted process is the same engine instance (same owner name): it resumes its claims at once
            return DetectionEngine.builder().store(store).detector(s3).detector(lookup).alertSink(sink).clock(clock)
                    .followUpWindow(Duration.ofMinutes(15)).owner("engine-under-test").build();
        }

        void runToTheEnd(DetectionEngine engine) {
            try {
                engine.runOnce();
                if (s3.events.size() == 6) {
                    // more events arrive after the first pass
                    s3.add(call("cloudtrail-s3", "a9", T0.plusSeconds(3700), a).build());
                    s3.add(call("cloudtrail-s3", "b9", T0.plusSeconds(4100), b).build());
                }
                engine.runOnce();
                clock.advance(Duration.ofMinutes(16));
                engine.runOnce();
            } catch (CrashingStore.Crash crash) {
                lastWriteBeforeCrash = writes.previous;
                throw crash;
            }
        }

        boolean deliveredBeforeCrash() {
            // only a crash right after a delivery, before its confirmation, may repeat that alert
            return lastWriteBeforeCrash != null && lastWriteBeforeCrash.startsWith("deliver");
        }

        void assertComplete(boolean mayRepeatAnAlert) {
            assertThat(disk.sightings(a.id())).extracting(Sighting::sourceEventId)
                    .containsExactlyInAnyOrder("self-a", "a0", "a1", "a2", "a3", "a9");
            assertThat(disk.sightings(b.id())).extracting(Sighting::sourceEventId)
                    .containsExactlyInAnyOrder("b0", "b1", "b9");
            for (CanaryRecord c : List.of(a, b)) {
                assertThat(disk.find(c.id()).orElseThrow().status()).isEqualTo(CanaryStatus.TRIGGERED);
                List<Alert> mine = delivered.stream().filter(x -> x.canary().id().equals(c.id())).toList();
                Set<String> alerted = new HashSet<>();
                mine.forEach(x -> x.sightings().forEach(s -> alerted.add(s.sourceEventId())));
                Set<String> real = disk.sightings(c.id()).stream().filter(s -> s.kind() != SightingKind.SELF_USE)
                        .map(Sighting::sourceEventId).collect(Collectors.toSet());
                assertThat(alerted).as("every real sighting of %s is in an alert", c.principal().name()).isEqualTo(real);
                List<Alert> initial = mine.stream().filter(x -> x.type() == AlertType.INITIAL).toList();
                assertThat(initial.stream().map(AlertJson::alertId).distinct()).as("one initial alert").hasSize(1);
                // a repeat (a crash between delivery and its confirmation) is the same alert: same id, same sightings
                java.util.Map<String, List<String>> byId = new java.util.HashMap<>();
                for (Alert x : mine) {
                    List<String> ids = x.sightings().stream().map(Sighting::sourceEventId).toList();
                    List<String> before = byId.putIfAbsent(AlertJson.alertId(x), ids);
                    assertThat(before == null ? ids : before).as("a repeated alert is identical").isEqualTo(ids);
                }
                List<String> all = new ArrayList<>();
                byId.values().forEach(all::addAll);
                assertThat(all).as("no sighting in two different alerts").doesNotHaveDuplicates();
                if (!mayRepeatAnAlert) {
                    assertThat(mine).as("no alert twice").hasSize(byId.size());
                }
            }
            assertThat(AlertLedger.listed(disk)).as("nothing left to alert").isEmpty();
        }
    }

    @Test
    void aStaleVersionOnEveryAttemptIsReportedNotSwallowedSilently() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        CanaryStore hostile = new CrashingStore(store, new CrashingStore.Writes()) {
            @Override
            public CanaryRecord update(CanaryRecord record) {
                throw new StaleVersionException(record.id(), record.version(), "always newer");
            }
        };
        s3.add(call("cloudtrail-s3", "e1", T0.plusSeconds(600), c).build());
        DetectionEngine engine = engine(hostile, s3);

        DetectionSummary s = engine.runOnce();

        assertThat(s.failures()).singleElement().asString().contains("retried next pass");
        assertThat(store.sightings(c.id())).hasSize(1);
        // once the store behaves, the next pass alerts
        DetectionSummary next = engine(s3).runOnce();
        assertThat(next.alerts()).hasSize(1);
        assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CanaryStatus.TRIGGERED);
    }

    @Test
    void ingestStoresSightingsFromAPushSource() {
        CanaryRecord c = stored(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        DetectionSummary s = engine().ingest(List.of(call("eventbridge", "x1", T0.plusSeconds(60), c).build()));

        assertThat(s.stored()).isEqualTo(1);
        assertThat(sink.alerts).hasSize(1);
        assertThat(store.sightings(c.id()).get(0).canaryId()).isEqualTo(c.id());
        assertThat(CanaryId.class).isNotNull();
    }
}
