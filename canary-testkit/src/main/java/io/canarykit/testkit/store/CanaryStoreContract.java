package io.canarykit.testkit.store;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.PlacementReceipt;
import io.canarykit.Principal;
import io.canarykit.SelfUse;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Claim;
import io.canarykit.store.Claims;
import io.canarykit.store.DuplicateCanaryException;
import io.canarykit.store.Lease;
import io.canarykit.store.Leases;
import io.canarykit.store.Page;
import io.canarykit.store.StaleVersionException;
import io.canarykit.store.StoreEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.ZoneId;
import java.util.Collections;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link CanaryStore} must have: records (conditional create, compare-and-set by version,
 * lookups, paging), idempotent sightings, checkpoints, and conditional entries (set-if-absent, replace- and
 * delete-if-equal, purge of expired entries, and {@link Leases} and {@link Claims} over them), each with 8-thread races
 * where it matters. A store's test extends this class and supplies a fresh, empty store per test:
 *
 * <pre>{@code
 * class MyStoreTest extends CanaryStoreContract {
 *     @Override protected CanaryStore newStore() { return MyStore.create(freshDatabase()); }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class CanaryStoreContract {
    /** Threads racing in the concurrency tests. */
    protected static final int THREADS = 8;

    protected CanaryStore store;
    protected CanaryFixtures fixtures;

    /** A new, empty store. Called before each test. */
    protected abstract CanaryStore newStore();

    /** Increments each racing thread makes; lower it for slow remote stores. */
    protected int incrementsPerThread() {
        return 25;
    }

    @BeforeEach
    void openStore() {
        fixtures = new CanaryFixtures(42);
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---------------------------------------------------------------- create and find

    @Test
    void createStoresVersionOneAndFindReturnsEveryField() {
        CanaryRecord record = fixtures.active(CanaryFixtures.ACCOUNT,
                new Asset("laptop", "LT-0042", Map.of("owner", "Zoë Müller", "team", "платформа", "hostname", "mbp-zoe.local")));
        CanaryRecord stored = store.create(record);

        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored).isEqualTo(record.withVersion(1));
        assertThat(store.find(record.id())).contains(record.withVersion(1));
    }

    @Test
    void createKeepsMillisecondsAndNullableFields() {
        CanaryRecord pending = CanaryRecord.builder()
                .id(CanaryId.generate(Instant.parse("2026-11-28T10:00:00.123Z"), new Random(7)))
                .status(CanaryStatus.PENDING)
                .kind(io.canarykit.CredentialKind.FEDERATION_TOKEN)
                .issuer("federation-token")
                .principal(Principal.federatedUser("012345678901", "build-bot"))
                .asset(Asset.of("ci-build", "gh-run-77"))
                .createdAt(Instant.parse("2026-11-28T10:00:00.123Z"))
                .expiresAt(Instant.parse("2026-11-29T22:00:00.456Z"))
                .build();
        store.create(pending);

        CanaryRecord found = store.find(pending.id()).orElseThrow();
        assertThat(found).isEqualTo(pending.withVersion(1));
        assertThat(found.accessKeyId()).isNull();
        assertThat(found.receipt()).isNull();
        assertThat(found.issuedAt()).isNull();
        assertThat(found.principal().path()).isNull();
        assertThat(found.accountId()).isEqualTo("012345678901");
    }

    @Test
    void findUnknownIdIsEmpty() {
        assertThat(store.find(CanaryId.generate(CanaryFixtures.BASE, new Random(1)))).isEmpty();
    }

    @Test
    void secondCreateOfOneIdFailsAndKeepsTheFirst() {
        CanaryRecord first = fixtures.active();
        store.create(first);
        CanaryRecord impostor = first.toBuilder().accessKeyId("AKIAQAAAAAAAAAAAAAAA").attribute("x", "y").build();

        assertThatThrownBy(() -> store.create(impostor)).isInstanceOf(DuplicateCanaryException.class)
                .hasMessageContaining(first.id().value());
        assertThat(store.find(first.id())).contains(first.withVersion(1));
    }

    // ---------------------------------------------------------------- compare-and-set

    @Test
    void updateWithCurrentVersionStoresNextVersion() {
        CanaryRecord v1 = store.create(fixtures.active());
        CanaryRecord changed = v1.toBuilder().status(CanaryStatus.TRIGGERED).triggeredAt(CanaryFixtures.BASE.plusSeconds(600))
                .addSelfUse(new SelfUse("GetCallerIdentity", CanaryFixtures.BASE.plusSeconds(5), "r-2", null))
                .receipt(new PlacementReceipt("env", "/tmp/ci.env", Map.of("prefix", "CANARY_"), CanaryFixtures.BASE))
                .build();

        CanaryRecord v2 = store.update(changed);

        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2).isEqualTo(changed.withVersion(2));
        assertThat(store.find(v1.id())).contains(changed.withVersion(2));
    }

    @Test
    void staleUpdateFailsAndLosesNothing() {
        CanaryRecord v1 = store.create(fixtures.active());
        CanaryRecord v2 = store.update(v1.toBuilder().attribute("step", "two").build());

        CanaryRecord stale = v1.toBuilder().status(CanaryStatus.REVOKED).closedAt(CanaryFixtures.BASE).build();
        assertThatThrownBy(() -> store.update(stale)).isInstanceOf(StaleVersionException.class);

        assertThat(store.find(v1.id())).contains(v2);
    }

    @Test
    void updateOfUnknownCanaryFails() {
        CanaryRecord never = fixtures.active().withVersion(1);
        assertThatThrownBy(() -> store.update(never)).isInstanceOf(CanaryNotFoundException.class);
        assertThat(store.find(never.id())).isEmpty();
    }

    // ---------------------------------------------------------------- lookups

    @Test
    void findByAccessKeyIdReturnsEveryRecordSharingTheKeyOldestFirst() {
        String shared = "ASIAY34FZKBOKMUTVV7A";
        CanaryRecord early = store.create(fixtures.session(shared, CanaryFixtures.BASE));
        CanaryRecord late = store.create(fixtures.session(shared, CanaryFixtures.BASE.plusSeconds(7200)));
        store.create(fixtures.session("ASIAQNZGKIQY56JQ7WML", CanaryFixtures.BASE.plusSeconds(100)));

        List<CanaryRecord> found = store.findByAccessKeyId(shared);

        assertThat(found).containsExactly(early, late);
        assertThat(store.findByAccessKeyId("ASIAQAAAAAAAAAAAAAAA")).isEmpty();
    }

    @Test
    void findByPrincipalName() {
        CanaryRecord a = store.create(fixtures.active());
        store.create(fixtures.active());

        assertThat(store.findByPrincipalName(a.principal().name())).containsExactly(a);
        assertThat(store.findByPrincipalName("nobody-by-this-name")).isEmpty();
    }

    @Test
    void findByAsset() {
        Asset laptop = Asset.of("laptop", "LT-1");
        CanaryRecord first = store.create(fixtures.active(CanaryFixtures.ACCOUNT, laptop));
        CanaryRecord second = store.create(fixtures.active(CanaryFixtures.ACCOUNT, laptop));
        store.create(fixtures.active(CanaryFixtures.ACCOUNT, Asset.of("host", "LT-1")));

        assertThat(store.findByAsset("laptop", "LT-1")).containsExactly(first, second);
        assertThat(store.findByAsset("laptop", "LT-2")).isEmpty();
    }

    @Test
    void lookupsSeeUpdates() {
        CanaryRecord v1 = store.create(fixtures.active());
        CanaryRecord v2 = store.update(v1.withStatus(CanaryStatus.TRIGGERED));

        assertThat(store.findByAccessKeyId(Objects.requireNonNull(v1.accessKeyId()))).containsExactly(v2);
        assertThat(store.findByPrincipalName(v1.principal().name())).containsExactly(v2);
        assertThat(store.findByAsset(v1.asset().kind(), v1.asset().id())).containsExactly(v2);
    }

    // ---------------------------------------------------------------- listing and counting

    @Test
    void listPagesThroughEverythingInIdOrder() {
        List<CanaryRecord> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            created.add(store.create(fixtures.active()));
        }

        List<CanaryRecord> seen = new ArrayList<>();
        int pages = 0;
        String cursor = null;
        do {
            Page<CanaryRecord> page = store.list(CanaryQuery.all().limit(10).after(cursor));
            assertThat(page.items().size()).isLessThanOrEqualTo(10);
            seen.addAll(page.items());
            cursor = page.nextCursor();
            pages++;
            assertThat(pages).as("pages").isLessThan(10);
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    void listFiltersByStatusAndAccount() {
        CanaryRecord a1 = store.create(fixtures.active("111111111111", Asset.of("host", "a1")));
        CanaryRecord a2 = store.create(fixtures.active("111111111111", Asset.of("host", "a2")));
        CanaryRecord b1 = store.create(fixtures.active("222222222222", Asset.of("host", "b1")));
        CanaryRecord a2t = store.update(a2.withStatus(CanaryStatus.TRIGGERED));
        CanaryRecord b1r = store.update(b1.toBuilder().status(CanaryStatus.REVOKED).closedAt(CanaryFixtures.BASE).build());

        assertThat(store.list(CanaryQuery.withStatus(CanaryStatus.ACTIVE)).items()).containsExactly(a1);
        assertThat(store.list(CanaryQuery.withStatus(CanaryStatus.TRIGGERED, CanaryStatus.REVOKED)).items())
                .containsExactly(a2t, b1r);
        assertThat(store.list(CanaryQuery.all().account("111111111111")).items()).containsExactly(a1, a2t);
        assertThat(store.list(CanaryQuery.live().account("222222222222")).items()).isEmpty();
        assertThat(store.list(CanaryQuery.live().account("111111111111")).items()).containsExactly(a1, a2t);
    }

    @Test
    void listFilteredPagesAreCompleteAndDisjoint() {
        Set<CanaryId> expected = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            CanaryRecord r = store.create(fixtures.active(i % 3 == 0 ? "333333333333" : "444444444444",
                    Asset.of("host", "h" + i)));
            if (i % 3 == 0) {
                expected.add(r.id());
            }
        }
        Set<CanaryId> seen = new HashSet<>();
        String cursor = null;
        do {
            Page<CanaryRecord> page = store.list(CanaryQuery.live().account("333333333333").limit(4).after(cursor));
            for (CanaryRecord r : page.items()) {
                assertThat(seen.add(r.id())).as("no record twice").isTrue();
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void countLiveCountsOnlyLiveCanariesOfTheAccount() {
        String acct = "555555555555";
        CanaryRecord pending = store.create(fixtures.active(acct, Asset.of("host", "p")).toBuilder()
                .status(CanaryStatus.PENDING).accessKeyId(null).build());
        store.create(fixtures.active(acct, Asset.of("host", "a")));
        CanaryRecord trig = store.create(fixtures.active(acct, Asset.of("host", "t")));
        store.update(trig.withStatus(CanaryStatus.TRIGGERED));
        CanaryRecord rot = store.create(fixtures.active(acct, Asset.of("host", "r")));
        store.update(rot.withStatus(CanaryStatus.ROTATED));
        CanaryRecord rev = store.create(fixtures.active(acct, Asset.of("host", "v")));
        store.update(rev.toBuilder().status(CanaryStatus.REVOKED).closedAt(CanaryFixtures.BASE).build());
        CanaryRecord exp = store.create(fixtures.active(acct, Asset.of("host", "e")));
        store.update(exp.toBuilder().status(CanaryStatus.EXPIRED).closedAt(CanaryFixtures.BASE).build());
        store.create(fixtures.active("666666666666", Asset.of("host", "other")));

        assertThat(store.countLive(acct)).isEqualTo(4);
        store.update(store.find(pending.id()).orElseThrow().toBuilder().status(CanaryStatus.FAILED)
                .closedAt(CanaryFixtures.BASE).build());
        assertThat(store.countLive(acct)).isEqualTo(3);
        assertThat(store.countLive("666666666666")).isEqualTo(1);
        assertThat(store.countLive("777777777777")).isZero();
    }

    // ---------------------------------------------------------------- sightings

    @Test
    void sightingsAreStoredOncePerSourceEvent() {
        CanaryRecord c = store.create(fixtures.active());
        Sighting s = fixtures.sighting(c, "3f2c1b0a-9e8d-4c7b-a6f5-0123456789ab", CanaryFixtures.BASE.plusSeconds(60));

        assertThat(store.addSighting(s)).isTrue();
        assertThat(store.addSighting(s)).isFalse();
        assertThat(store.sightings(c.id())).containsExactly(s);
    }

    @Test
    void sameEventIdFromAnotherSourceIsAnotherSighting() {
        CanaryRecord c = store.create(fixtures.active());
        Sighting fromS3 = fixtures.sighting(c, "evt-1", CanaryFixtures.BASE.plusSeconds(60));
        Sighting fromLookup = new Sighting("cloudtrail-lookup", "evt-1", fromS3.time(), fromS3.kind(), fromS3.service(),
                fromS3.call(), fromS3.region(), fromS3.sourceIp(), fromS3.userAgent(), fromS3.errorCode(),
                fromS3.accessKeyId(), fromS3.principalArn(), fromS3.requestId(), c.id());

        assertThat(store.addSighting(fromS3)).isTrue();
        assertThat(store.addSighting(fromLookup)).isTrue();
        assertThat(store.sightings(c.id())).hasSize(2);
    }

    @Test
    void sightingsComeBackInTimeOrderWithEveryField() {
        CanaryRecord c = store.create(fixtures.active());
        Sighting late = fixtures.sighting(c, "late", CanaryFixtures.BASE.plusSeconds(300));
        Sighting early = fixtures.sighting(c, "early", CanaryFixtures.BASE.plusMillis(60_123));
        Sighting sparse = Sighting.builder().source("credential-report").sourceEventId("akid-2026-11-28T10:02Z")
                .time(CanaryFixtures.BASE.plusSeconds(120)).kind(io.canarykit.SightingKind.UNLOGGED_USE)
                .accessKeyId(c.accessKeyId()).canaryId(c.id()).build();
        store.addSighting(late);
        store.addSighting(early);
        store.addSighting(sparse);

        assertThat(store.sightings(c.id())).containsExactly(early, sparse, late);
    }

    @Test
    void sightingWithoutCanaryIsRefused() {
        CanaryRecord c = store.create(fixtures.active());
        Sighting unmatched = fixtures.sighting(c, "e", CanaryFixtures.BASE).withCanaryId(null);
        assertThatThrownBy(() -> store.addSighting(unmatched)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- checkpoints

    @Test
    void checkpointsAreSavedAndOverwritten() {
        String key = "cloudtrail-s3:trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/";
        assertThat(store.checkpoint(key)).isEmpty();
        store.saveCheckpoint(key, "2026/11/28/a.json.gz");
        store.saveCheckpoint("other", "x");
        store.saveCheckpoint(key, "2026/11/28/b.json.gz");

        assertThat(store.checkpoint(key)).contains("2026/11/28/b.json.gz");
        assertThat(store.checkpoint("other")).contains("x");
    }

    // ---------------------------------------------------------------- conditional entries

    @Test
    void entryIsStoredIfAbsentAndReadBackExactly() {
        String value = "{\"owner\":\"host-1\",\"note\":\"Zoë 'quoted' ; DROP TABLE canary; -- ☃ 𝔘\"}";
        StoreEntry e = StoreEntry.of("lease:detector/cloudtrail-s3/0", value, CanaryFixtures.BASE.plusMillis(1234));

        assertThat(store.entry(e.key())).isEmpty();
        assertThat(store.putEntryIfAbsent(e)).isTrue();
        assertThat(store.entry(e.key())).contains(e);
        assertThat(store.putEntryIfAbsent(StoreEntry.of(e.key(), "other"))).isFalse();
        assertThat(store.entry(e.key())).contains(e);
    }

    @Test
    void anEntryWithoutExpiryAndALargeValueRoundTrip() {
        StoreEntry forever = StoreEntry.of("replay:Zm9vYmFy+/=", "x".repeat(StoreEntry.MAX_VALUE_LENGTH));
        assertThat(store.putEntryIfAbsent(forever)).isTrue();
        assertThat(store.entry(forever.key())).contains(forever);
    }

    @Test
    void entriesAndCheckpointsAreSeparate() {
        store.saveCheckpoint("shared-name", "checkpoint");
        assertThat(store.entry("shared-name")).isEmpty();
        assertThat(store.putEntryIfAbsent(StoreEntry.of("shared-name", "entry"))).isTrue();
        assertThat(store.checkpoint("shared-name")).contains("checkpoint");
        assertThat(store.entry("shared-name").map(StoreEntry::value)).contains("entry");
    }

    @Test
    void replaceEntryComparesTheWholeValue() {
        store.putEntryIfAbsent(StoreEntry.of("k", "v1", CanaryFixtures.BASE));
        StoreEntry v2 = StoreEntry.of("k", "v2", CanaryFixtures.BASE.plusSeconds(60));

        assertThat(store.replaceEntry("v", v2)).as("a prefix is not equal").isFalse();
        assertThat(store.replaceEntry("v1 ", v2)).isFalse();
        assertThat(store.entry("k").map(StoreEntry::value)).contains("v1");
        assertThat(store.replaceEntry("v1", v2)).isTrue();
        assertThat(store.entry("k")).contains(v2);
        assertThat(store.replaceEntry("v1", StoreEntry.of("k", "v3"))).as("stale expectation").isFalse();
        assertThat(store.replaceEntry("v2", StoreEntry.of("k", "v3"))).isTrue();
        assertThat(store.entry("k")).contains(StoreEntry.of("k", "v3"));
        assertThat(store.replaceEntry("anything", StoreEntry.of("absent", "x"))).as("no entry to replace").isFalse();
        assertThat(store.entry("absent")).isEmpty();
    }

    @Test
    void deleteEntryOnlyWhenTheValueIsTheExpectedOne() {
        store.putEntryIfAbsent(StoreEntry.of("k", "mine"));
        assertThat(store.deleteEntry("k", "theirs")).isFalse();
        assertThat(store.entry("k")).isPresent();
        assertThat(store.deleteEntry("k", "mine")).isTrue();
        assertThat(store.entry("k")).isEmpty();
        assertThat(store.deleteEntry("k", "mine")).isFalse();
        assertThat(store.putEntryIfAbsent(StoreEntry.of("k", "again"))).as("the key is free again").isTrue();
    }

    @Test
    void anExpiredEntryStaysUntilPurgedAndPurgeKeepsTheRest() {
        Instant now = CanaryFixtures.BASE.plusSeconds(3600);
        StoreEntry expired = StoreEntry.of("expired", "a", now.minusSeconds(1));
        StoreEntry expiringNow = StoreEntry.of("expiring-now", "b", now);
        StoreEntry future = StoreEntry.of("future", "c", now.plusMillis(1));
        StoreEntry forever = StoreEntry.of("forever", "d");
        for (StoreEntry e : List.of(expired, expiringNow, future, forever)) {
            assertThat(store.putEntryIfAbsent(e)).isTrue();
        }
        assertThat(store.putEntryIfAbsent(StoreEntry.of("expired", "new"))).as("expired still blocks").isFalse();
        assertThat(store.entry("expired")).contains(expired);

        assertThat(store.purgeExpiredEntries(now)).isEqualTo(2);

        assertThat(store.entry("expired")).isEmpty();
        assertThat(store.entry("expiring-now")).isEmpty();
        assertThat(store.entry("future")).contains(future);
        assertThat(store.entry("forever")).contains(forever);
        assertThat(store.purgeExpiredEntries(now)).isZero();
        assertThat(store.putEntryIfAbsent(StoreEntry.of("expired", "new"))).isTrue();
    }

    @Test
    void badEntryKeysAreRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> store.entry("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.entry("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreEntry.of("k".repeat(StoreEntry.MAX_KEY_LENGTH + 1), "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreEntry.of("k", "v".repeat(StoreEntry.MAX_VALUE_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("vvvv");
        StoreEntry longest = StoreEntry.of("ü".repeat(StoreEntry.MAX_KEY_LENGTH), "v");
        assertThat(store.putEntryIfAbsent(longest)).isTrue();
        assertThat(store.entry(longest.key())).contains(longest);
    }

    @Test
    void leasesAreHeldRenewedReleasedAndTakenOverOnceExpired() {
        MutableClock clock = new MutableClock(CanaryFixtures.BASE);
        Leases leases = Leases.create(store, clock);
        Lease a = leases.acquire("partition-1", "host-a", Duration.ofMinutes(1)).orElseThrow();

        assertThat(leases.acquire("partition-1", "host-b", Duration.ofMinutes(1))).isEmpty();
        assertThat(leases.holder("partition-1")).contains(a);
        clock.advance(Duration.ofSeconds(50));
        Lease renewed = leases.renew(a, Duration.ofMinutes(1)).orElseThrow();
        clock.advance(Duration.ofSeconds(50));
        assertThat(leases.acquire("partition-1", "host-b", Duration.ofMinutes(1))).as("renewed, not expired").isEmpty();

        clock.advance(Duration.ofSeconds(11));
        assertThat(leases.holder("partition-1")).isEmpty();
        Lease b = leases.acquire("partition-1", "host-b", Duration.ofMinutes(1)).orElseThrow();
        assertThat(b.token()).isNotEqualTo(a.token());
        assertThat(leases.renew(renewed, Duration.ofMinutes(1))).as("host-a lost it").isEmpty();
        assertThat(leases.release(renewed)).isFalse();
        assertThat(leases.holder("partition-1")).contains(b);
        assertThat(leases.release(b)).isTrue();
        assertThat(leases.acquire("partition-1", "host-c", Duration.ofMinutes(1))).isPresent();
    }

    @Test
    void aClaimIsDoneOnceAndTakenOverWithItsPayloadWhenAbandoned() {
        MutableClock clock = new MutableClock(CanaryFixtures.BASE);
        Claims claims = Claims.create(store, clock);
        Claim first = claims.claim("alert:x/1", "host-a", Duration.ofMinutes(5), "sightings=e1,e2").orElseThrow();

        assertThat(claims.claim("alert:x/1", "host-b", Duration.ofMinutes(5), "sightings=e1,e2,e3")).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        Claim taken = claims.claim("alert:x/1", "host-b", Duration.ofMinutes(5), "sightings=e1,e2,e3").orElseThrow();
        assertThat(taken.payload()).as("the work as first recorded").isEqualTo("sightings=e1,e2");
        assertThat(claims.complete(first, Duration.ofDays(1))).as("host-a lost it").isFalse();
        assertThat(claims.complete(taken, Duration.ofDays(1))).isTrue();

        clock.advance(Duration.ofHours(2));
        assertThat(claims.claim("alert:x/1", "host-c", Duration.ofMinutes(5), "p")).as("done").isEmpty();
        assertThat(claims.find("alert:x/1")).hasValueSatisfying(c -> {
            assertThat(c.done()).isTrue();
            assertThat(c.owner()).isEqualTo("host-b");
        });
        Claim other = claims.claim("alert:x/2", "host-c", Duration.ofMinutes(5), null).orElseThrow();
        assertThat(claims.abandon(other)).isTrue();
        assertThat(claims.claim("alert:x/2", "host-a", Duration.ofMinutes(5), "mine").map(Claim::payload)).contains("mine");
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void racingCompareAndSetUpdatesLoseNothing() throws Exception {
        CanaryRecord created = store.create(fixtures.active().toBuilder().attribute("counter", "0").build());
        int perThread = incrementsPerThread();
        AtomicInteger conflicts = new AtomicInteger();

        runConcurrently(() -> {
            for (int i = 0; i < perThread; i++) {
                while (true) {
                    CanaryRecord current = store.find(created.id()).orElseThrow();
                    int counter = Integer.parseInt(current.attributes().get("counter"));
                    Map<String, String> attrs = new LinkedHashMap<>(current.attributes());
                    attrs.put("counter", Integer.toString(counter + 1));
                    try {
                        store.update(current.toBuilder().attributes(attrs).build());
                        break;
                    } catch (StaleVersionException e) {
                        conflicts.incrementAndGet();
                    }
                }
            }
            return null;
        });

        CanaryRecord end = store.find(created.id()).orElseThrow();
        assertThat(end.attributes().get("counter")).isEqualTo(Integer.toString(THREADS * perThread));
        assertThat(end.version()).isEqualTo(1 + (long) THREADS * perThread);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racingCreatesOfOneIdHaveOneWinner() throws Exception {
        CanaryRecord record = fixtures.active();
        AtomicInteger wins = new AtomicInteger();
        runConcurrently(() -> {
            try {
                store.create(record);
                wins.incrementAndGet();
            } catch (DuplicateCanaryException e) {
                // expected for all but one
            }
            return null;
        });
        assertThat(wins.get()).isEqualTo(1);
        assertThat(store.find(record.id())).contains(record.withVersion(1));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racingSightingsOfOneEventAreStoredOnce() throws Exception {
        CanaryRecord c = store.create(fixtures.active());
        Sighting s = fixtures.sighting(c, "dup-event", CanaryFixtures.BASE.plusSeconds(9));
        AtomicInteger added = new AtomicInteger();
        runConcurrently(() -> {
            if (store.addSighting(s)) {
                added.incrementAndGet();
            }
            return null;
        });
        assertThat(added.get()).isEqualTo(1);
        assertThat(store.sightings(c.id())).containsExactly(s);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racingPutIfAbsentHasOneWinner() throws Exception {
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger thread = new AtomicInteger();
        runConcurrently(() -> {
            if (store.putEntryIfAbsent(StoreEntry.of("replay:sig", "thread-" + thread.incrementAndGet()))) {
                wins.incrementAndGet();
            }
            return null;
        });
        assertThat(wins.get()).isEqualTo(1);
        assertThat(store.entry("replay:sig").map(StoreEntry::value).orElseThrow()).startsWith("thread-");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void racingReplaceEntryIncrementsLoseNothing() throws Exception {
        store.putEntryIfAbsent(StoreEntry.of("counter", "0"));
        int perThread = Math.min(incrementsPerThread(), 8);
        runConcurrently(() -> {
            for (int i = 0; i < perThread; i++) {
                while (true) {
                    String current = store.entry("counter").orElseThrow().value();
                    String next = Integer.toString(Integer.parseInt(current) + 1);
                    if (store.replaceEntry(current, StoreEntry.of("counter", next))) {
                        break;
                    }
                }
            }
            return null;
        });
        assertThat(store.entry("counter").map(StoreEntry::value)).contains(Integer.toString(THREADS * perThread));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racingDeletesOfOneEntryHaveOneWinner() throws Exception {
        store.putEntryIfAbsent(StoreEntry.of("k", "v"));
        AtomicInteger wins = new AtomicInteger();
        runConcurrently(() -> {
            if (store.deleteEntry("k", "v")) {
                wins.incrementAndGet();
            }
            return null;
        });
        assertThat(wins.get()).isEqualTo(1);
        assertThat(store.entry("k")).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racingTakeOversOfAnExpiredLeaseHaveOneWinner() throws Exception {
        MutableClock clock = new MutableClock(CanaryFixtures.BASE);
        Leases leases = Leases.create(store, clock);
        Lease dead = leases.acquire("partition-7", "dead-host", Duration.ofSeconds(30)).orElseThrow();
        clock.advance(Duration.ofMinutes(1));
        List<Lease> won = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger thread = new AtomicInteger();
        runConcurrently(() -> {
            Optional<Lease> l = leases.acquire("partition-7", "host-" + thread.incrementAndGet(), Duration.ofMinutes(1));
            l.ifPresent(won::add);
            return null;
        });
        assertThat(won).hasSize(1);
        assertThat(leases.holder("partition-7")).contains(won.get(0));
        assertThat(leases.renew(dead, Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racingClaimsHaveOneHolderAndNoneOnceDone() throws Exception {
        MutableClock clock = new MutableClock(CanaryFixtures.BASE);
        Claims claims = Claims.create(store, clock);
        List<Claim> won = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger thread = new AtomicInteger();
        runConcurrently(() -> {
            int t = thread.incrementAndGet();
            claims.claim("alert:c/1", "host-" + t, Duration.ofMinutes(5), "by " + t).ifPresent(won::add);
            return null;
        });
        assertThat(won).hasSize(1);
        assertThat(claims.complete(won.get(0), Duration.ofDays(1))).isTrue();
        clock.advance(Duration.ofHours(1));
        AtomicInteger late = new AtomicInteger();
        runConcurrently(() -> {
            if (claims.claim("alert:c/1", "late-" + late.incrementAndGet(), Duration.ofMinutes(5), "x").isPresent()) {
                throw new AssertionError("a done claim was claimed again");
            }
            return null;
        });
    }

    /** A clock tests move by hand. */
    protected static final class MutableClock extends Clock {
        private volatile Instant now;

        public MutableClock(Instant start) {
            this.now = start;
        }

        public void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private void runConcurrently(Callable<Void> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Void>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            for (Future<Void> f : futures) {
                f.get(110, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
