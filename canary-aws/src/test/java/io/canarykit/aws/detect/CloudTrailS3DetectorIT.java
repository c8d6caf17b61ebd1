package io.canarykit.aws.detect;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Page;
import io.canarykit.testkit.aws.LogFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The S3 log-file detector against the emulator's trail bucket: files read once, restarts, crashes mid-scan. */
class CloudTrailS3DetectorIT {
    private DetectFixture f;

    @BeforeEach
    void start() {
        f = new DetectFixture();
    }

    @AfterEach
    void close() {
        f.close();
    }

    private CloudTrailS3Detector detector() {
        return CloudTrailS3Detector.builder().s3Client(f.aws.s3()).bucket(f.aws.trailBucket()).parallelism(3).build();
    }

    private DetectionEngine engine(CanaryStore store) {
        return DetectionEngine.builder().store(store).detector(detector()).clock(f.clock).build();
    }

    private long getObjectCalls() {
        return f.aws.calls().stream().filter(c -> "GetObject".equals(c.operation())).count();
    }

    /** Several log files in two regions over two days, each with uses of the canary. */
    private DetectFixture.Canary activity(DetectFixture.Canary c, int rounds) {
        for (int i = 0; i < rounds; i++) {
            f.listUsers(c);
            f.describeInstances(c, i % 2 == 0 ? Region.EU_WEST_1 : Region.US_WEST_2);
            f.clock.advance(Duration.ofMinutes(7));
            f.aws.deliverNow();
        }
        return c;
    }

    @Test
    void readsEveryFileOnceAcrossPassesAndRestarts() {
        DetectFixture.Canary c = f.canary("deploy-bot");
        f.clock.advance(Duration.ofMinutes(30));
        activity(c, 3);

        DetectionSummary first = engine(f.store).runOnce();
        long filesSoFar = f.aws.logFiles().size();
        long fetchedFirst = getObjectCalls();
        assertThat(first.failures()).isEmpty();
        assertThat(fetchedFirst).as("every delivered file once").isEqualTo(filesSoFar);

        // the same process again, then a "restarted" one (new detector and engine over the same store): nothing new
        assertThat(engine(f.store).runOnce().seen()).isZero();
        assertThat(getObjectCalls()).isEqualTo(fetchedFirst);

        // more activity, across midnight
        f.clock.set(java.time.Instant.parse("2026-03-14T23:50:00Z"));
        activity(c, 4);
        DetectionSummary later = engine(f.store).runOnce();

        assertThat(later.failures()).isEmpty();
        assertThat(getObjectCalls()).as("only the new files").isEqualTo(f.aws.logFiles().size());
        assertThat(f.aws.logFiles()).extracting(LogFile::key).anySatisfy(k -> assertThat(k).contains("/2026/03/15/"));
        long calls = f.store.sightings(c.record().id()).stream().filter(s -> s.kind() == SightingKind.API_CALL).count();
        assertThat(calls).as("ListUsers and DescribeInstances, 7 times each").isEqualTo(14);
    }

    @Test
    void aCrashInTheMiddleOfAScanNeitherLosesNorRepeatsASightingNorAFinishedFile() {
        DetectFixture.Canary c = f.canary("deploy-bot");
        f.clock.advance(Duration.ofMinutes(30));
        activity(c, 6);
        int expected = 1 + 12; // the self-use, then 2 calls per round
        java.util.Set<String> all = f.aws.logFiles().stream().map(LogFile::key).collect(Collectors.toSet());
        assertThat(all).hasSizeGreaterThan(6);

        for (int crashAt = 1; crashAt <= expected; crashAt++) {
            CrashAfter store = new CrashAfter(io.canarykit.store.InMemoryCanaryStore.create(), crashAt);
            store.create(f.store.find(c.record().id()).orElseThrow().toBuilder().version(0).build());
            List<String> firstRun = new java.util.ArrayList<>();
            try {
                engine(store, firstRun).runOnce();
                throw new AssertionError("no crash at sighting " + crashAt);
            } catch (CrashAfter.Crash expectedCrash) {
                // the process died while storing sighting crashAt
            }
            java.util.Set<String> finished = finished(store);
            store.disarm();
            List<String> secondRun = new java.util.ArrayList<>();
            DetectionSummary restarted = engine(store, secondRun).runOnce();

            assertThat(restarted.failures()).isEmpty();
            List<Sighting> seen = store.sightings(c.record().id());
            assertThat(seen).as("crash at %d", crashAt).hasSize(expected);
            assertThat(seen).extracting(Sighting::sourceEventId).doesNotHaveDuplicates();
            assertThat(seen.stream().filter(s -> s.kind() == SightingKind.SELF_USE)).hasSize(1);
            assertThat(secondRun).as("a finished file is not read again").noneMatch(finished::contains)
                    .doesNotHaveDuplicates();
            java.util.Set<String> read = new java.util.HashSet<>(finished);
            read.addAll(secondRun);
            assertThat(read).as("no file is missed").isEqualTo(all);
            List<String> third = new java.util.ArrayList<>();
            assertThat(engine(store, third).runOnce().seen()).as("nothing is left to read").isZero();
            assertThat(third).isEmpty();
        }
    }

    private DetectionEngine engine(CanaryStore store, List<String> fetched) {
        software.amazon.awssdk.services.s3.S3Client real = f.aws.s3();
        software.amazon.awssdk.services.s3.S3Client recording = (software.amazon.awssdk.services.s3.S3Client)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {software.amazon.awssdk.services.s3.S3Client.class}, (proxy, m, args) -> {
                            if (m.getName().equals("getObject") && args.length == 1
                                    && args[0] instanceof software.amazon.awssdk.services.s3.model.GetObjectRequest r) {
                                synchronized (fetched) {
                                    fetched.add(r.key());
                                }
                            }
                            try {
                                return m.invoke(real, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
        CloudTrailS3Detector d = CloudTrailS3Detector.builder().s3Client(recording).bucket(f.aws.trailBucket())
                .parallelism(3).build();
        return DetectionEngine.builder().store(store).detector(d).clock(f.clock).build();
    }

    /** The files the checkpoints record as done. */
    private java.util.Set<String> finished(CanaryStore store) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (LogFile file : f.aws.logFiles()) {
            String key = file.key();
            String prefix = key.substring(0, key.lastIndexOf('/') + 1);
            String name = key.substring(prefix.length());
            CloudTrailS3Detector.PrefixCheckpoint cp = CloudTrailS3Detector.PrefixCheckpoint.decode(
                    store.checkpoint("cloudtrail-s3:" + f.aws.trailBucket() + "/" + prefix).orElse(null));
            if (cp.done().contains(name) || cp.after() != null && name.compareTo(cp.after()) <= 0) {
                out.add(key);
            }
        }
        return out;
    }

    @Test
    void aCanaryInAnotherRegionPrefixIsFoundWithoutConfiguringRegions() {
        DetectFixture.Canary c = f.canary("deploy-bot");
        f.clock.advance(Duration.ofMinutes(30));
        f.describeInstances(c, Region.AP_SOUTHEAST_2);
        f.clock.advance(Duration.ofMinutes(6));
        f.aws.deliverNow();

        engine(f.store).runOnce();

        assertThat(f.store.sightings(c.record().id())).extracting(Sighting::region).contains("ap-southeast-2");
    }

    /** A store that dies (an Error nobody catches) while storing its n-th sighting; what it wrote before stays. */
    static final class CrashAfter implements CanaryStore {
        static final class Crash extends Error {
            private static final long serialVersionUID = 1L;

            Crash() {
                super("simulated crash");
            }
        }

        private final CanaryStore d;
        private int left;

        CrashAfter(CanaryStore d, int n) {
            this.d = d;
            this.left = n;
        }

        void disarm() {
            left = Integer.MAX_VALUE;
        }

        @Override public CanaryRecord create(CanaryRecord r) { return d.create(r); }
        @Override public CanaryRecord update(CanaryRecord r) { return d.update(r); }
        @Override public Optional<CanaryRecord> find(CanaryId id) { return d.find(id); }
        @Override public List<CanaryRecord> findByAccessKeyId(String k) { return d.findByAccessKeyId(k); }
        @Override public List<CanaryRecord> findByPrincipalName(String n) { return d.findByPrincipalName(n); }
        @Override public List<CanaryRecord> findByAsset(String k, String i) { return d.findByAsset(k, i); }
        @Override public Page<CanaryRecord> list(CanaryQuery q) { return d.list(q); }
        @Override public long countLive(String a) { return d.countLive(a); }
        @Override public List<Sighting> sightings(CanaryId id) { return d.sightings(id); }
        @Override public Optional<String> checkpoint(String k) { return d.checkpoint(k); }
        @Override public void saveCheckpoint(String k, String v) { d.saveCheckpoint(k, v); }
        @Override public Optional<io.canarykit.store.StoreEntry> entry(String k) { return d.entry(k); }
        @Override public boolean putEntryIfAbsent(io.canarykit.store.StoreEntry e) { return d.putEntryIfAbsent(e); }
        @Override public boolean replaceEntry(String x, io.canarykit.store.StoreEntry e) { return d.replaceEntry(x, e); }
        @Override public boolean deleteEntry(String k, String x) { return d.deleteEntry(k, x); }
        @Override public int purgeExpiredEntries(java.time.Instant now) { return d.purgeExpiredEntries(now); }

        @Override
        public boolean addSighting(Sighting s) {
            if (--left == 0) {
                throw new Crash();
            }
            return d.addSighting(s);
        }
    }

}
