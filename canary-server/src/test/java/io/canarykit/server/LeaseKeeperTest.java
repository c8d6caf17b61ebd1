package io.canarykit.server;

import io.canarykit.store.CanaryStore;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Leases of loops and detector partitions between server processes sharing a store. */
class LeaseKeeperTest {
    private static final Duration TTL = Duration.ofMinutes(2);
    private final MutableClock clock = MutableClock.at(Instant.parse("2025-03-01T10:00:00Z"));
    private final CanaryStore store = InMemoryCanaryStore.create();

    private LeaseKeeper keeper(String owner) {
        LeaseKeeper k = new LeaseKeeper(owner, TTL, clock);
        k.bind(store);
        return k;
    }

    @Test
    void oneHolderAtATimeAndTheHolderKeepsIt() {
        LeaseKeeper a = keeper("a");
        LeaseKeeper b = keeper("b");
        assertThat(a.hold("loop:rotate")).isTrue();
        assertThat(b.hold("loop:rotate")).isFalse();
        assertThat(a.hold("loop:rotate")).as("the holder keeps it across runs").isTrue();
        assertThat(b.enter("cloudtrail-lookup", "111122223333/us-east-1")).isTrue();
        assertThat(a.enter("cloudtrail-lookup", "111122223333/us-east-1")).isFalse();
        assertThat(a.enter("cloudtrail-lookup", "111122223333/eu-west-1")).as("another partition").isTrue();
        assertThat(a.held()).containsOnlyKeys("loop:rotate", "detector:cloudtrail-lookup/111122223333/eu-west-1");
    }

    @Test
    void renewedLeasesOutliveTheirFirstExpiry() {
        LeaseKeeper a = keeper("a");
        LeaseKeeper b = keeper("b");
        assertThat(a.hold("detector:cloudtrail-s3")).isTrue();
        for (int i = 0; i < 10; i++) {
            clock.advance(a.renewEvery());
            a.renewAll();
            assertThat(b.hold("detector:cloudtrail-s3")).isFalse();
        }
    }

    @Test
    void aHolderThatStopsRenewingIsTakenOverAfterExpiryAndStepsBack() {
        LeaseKeeper a = keeper("a");
        LeaseKeeper b = keeper("b");
        assertThat(a.hold("loop:reconcile")).isTrue();
        clock.advance(TTL.minusSeconds(1));
        assertThat(b.hold("loop:reconcile")).as("not expired yet").isFalse();
        assertThat(a.hold("loop:reconcile")).as("near its expiry the holder renews by taking it again").isTrue();
        clock.advance(TTL.plusSeconds(1)); // a hangs: no renewal
        assertThat(b.hold("loop:reconcile")).as("taken over").isTrue();
        assertThat(a.hold("loop:reconcile")).as("the old holder finds it taken").isFalse();
        a.renewAll();
        assertThat(a.held()).isEmpty();
        assertThat(b.held()).containsOnlyKeys("loop:reconcile");
    }

    @Test
    void releasedAtStopSoOthersTakeOverAtOnce() {
        LeaseKeeper a = keeper("a");
        LeaseKeeper b = keeper("b");
        assertThat(a.hold("loop:expire")).isTrue();
        a.releaseAll();
        assertThat(b.hold("loop:expire")).isTrue();
        assertThat(a.hold("loop:expire")).as("a stopped keeper takes nothing").isFalse();
    }

    @Test
    void aLoopRunsOnlyInTheLeaseHolderAndNeverTwiceAtOnce() throws Exception {
        LeaseKeeper a = keeper("a");
        LeaseKeeper b = keeper("b");
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runnable task = () -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            runs.incrementAndGet();
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
        };
        ServerLoop inA = new ServerLoop("rotate", Duration.ofMinutes(1), true, task, a, clock);
        ServerLoop inB = new ServerLoop("rotate", Duration.ofMinutes(1), true, task, b, clock);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ServerLoop.Outcome> first = pool.submit(inA::runOnce);
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(inA.runOnce()).isEqualTo(ServerLoop.Outcome.BUSY);
            assertThat(inB.runOnce()).isEqualTo(ServerLoop.Outcome.NOT_LEASED);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(ServerLoop.Outcome.RAN);
        } finally {
            pool.shutdownNow();
        }
        assertThat(runs.get()).isEqualTo(1);
        assertThat(maxConcurrent.get()).isEqualTo(1);
        ServerLoop unleased = new ServerLoop("detect", Duration.ofMinutes(1), false, runs::incrementAndGet, b, clock);
        assertThat(unleased.runOnce()).as("detection runs in every copy").isEqualTo(ServerLoop.Outcome.RAN);
    }

    @Test
    void eightThreadsRacingForOnePartitionGetOneHolder() throws Exception {
        List<LeaseKeeper> keepers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            keepers.add(keeper("p" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> got = new ArrayList<>();
        try {
            for (LeaseKeeper k : keepers) {
                got.add(pool.submit(() -> {
                    go.await();
                    return k.enter("cloudtrail-s3", "bucket/111122223333/us-east-1");
                }));
            }
            go.countDown();
            int holders = 0;
            for (Future<Boolean> f : got) {
                holders += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(holders).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
