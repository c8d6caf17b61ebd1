package io.canarykit.store.dynamodb;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Sighting;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.CanaryStoreProvider;
import io.canarykit.store.Page;
import io.canarykit.testkit.store.CanaryFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the DynamoDB store does beyond the contract: layout, limits, TTL, paging, repair, provider. */
class DynamoDbStoreBehaviourIT {
    private static final RequestCounter REQUESTS = new RequestCounter();
    private static DynamoDbClient client;
    private final List<String> tables = new ArrayList<>();
    private CanaryFixtures fixtures;
    private String table;
    private DynamoDbCanaryStore store;

    @BeforeAll
    static void connect() {
        client = TestClients.dynalite(REQUESTS);
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void freshTable() {
        fixtures = new CanaryFixtures(7);
        table = newTable("behaviour");
        store = DynamoDbCanaryStore.builder().client(client).tableName(table).build();
        REQUESTS.reset();
    }

    @AfterEach
    void dropTables() {
        for (String t : tables) {
            client.deleteTable(r -> r.tableName(t));
        }
    }

    private String newTable(String prefix) {
        String name = TestClients.freshTableName(prefix);
        DynamoDbCanaryTable.createTableIfMissing(client, name);
        tables.add(name);
        return name;
    }

    private Map<String, AttributeValue> raw(String pk, String sk) {
        return client.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
    }

    // ---------------------------------------------------------------- limits

    @Test
    void aRecordOverFourHundredKilobytesFailsBeforeAnyRequestAndNothingChanges() {
        CanaryRecord big = fixtures.active().toBuilder().attribute("notes", "x".repeat(410_000)).build();
        assertThatThrownBy(() -> store.create(big)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary " + big.id()).hasMessageContaining("409600")
                .hasMessageContaining("attributes (");
        assertThat(REQUESTS.count("PutItem")).isZero();
        assertThat(store.find(big.id())).isEmpty();

        CanaryRecord v1 = store.create(fixtures.active());
        assertThatThrownBy(() -> store.update(v1.toBuilder().attribute("notes", "é".repeat(205_000)).build()))
                .isInstanceOf(CanaryConfigurationException.class);
        assertThat(store.find(v1.id())).contains(v1);
    }

    @Test
    void keysOverTheIndexLimitAndOversizedCheckpointsFailClearly() {
        CanaryRecord c = fixtures.active();
        CanaryRecord longName = c.toBuilder()
                .principal(new io.canarykit.Principal(c.accountId(), c.principal().arn(), "n".repeat(2100), "/")).build();
        assertThatThrownBy(() -> store.create(longName)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("the principal name is 2100 bytes").hasMessageContaining("2048");
        assertThatThrownBy(() -> store.saveCheckpoint("k".repeat(2047), "v"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("partition key");
        assertThatThrownBy(() -> store.saveCheckpoint("k", "v".repeat(410_000)))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("checkpoint k");
        assertThat(REQUESTS.count("PutItem")).isZero();
    }

    // ---------------------------------------------------------------- layout and TTL

    @Test
    void itemsFollowTheDocumentedLayout() {
        CanaryRecord c = store.create(fixtures.active());
        Sighting s = fixtures.sighting(c, "evt-1", CanaryFixtures.BASE.plusSeconds(30));
        store.addSighting(s);
        store.saveCheckpoint("cloudtrail-s3:bucket/prefix", "2026/11/28/a.json.gz");

        Map<String, AttributeValue> canary = raw("C#" + c.id(), "C");
        assertThat(canary.get("type").s()).isEqualTo("canary");
        assertThat(canary.get("version").n()).isEqualTo("1");
        assertThat(canary.get("gsiAccessKey").s()).isEqualTo(c.accessKeyId());
        assertThat(canary.get("gsiAccountSort").s()).isEqualTo("L#" + c.id());

        Map<String, AttributeValue> event = raw("E#13:cloudtrail-s3#evt-1", "E");
        assertThat(event.get("type").s()).isEqualTo("event");
        assertThat(event.get("canaryId").s()).isEqualTo(c.id().value());
        Map<String, AttributeValue> sighting = raw("C#" + c.id(), event.get("sightingKey").s());
        assertThat(sighting.get("type").s()).isEqualTo("sighting");
        assertThat(ItemCodec.sighting(sighting)).isEqualTo(s);

        assertThat(raw("K#cloudtrail-s3:bucket/prefix", "K").get("value").s()).isEqualTo("2026/11/28/a.json.gz");
        assertThat(client.scan(r -> r.tableName(table)).items()).hasSize(4);
    }

    @Test
    void shortTermCanariesCarryAnExpiryForTtlUntilTriggered() {
        CanaryRecord session = store.create(fixtures.session("ASIAY34FZKBOKMUTVV7A", CanaryFixtures.BASE));
        long expected = session.expiresAt().plus(DynamoDbCanaryStore.DEFAULT_TTL_RETENTION).getEpochSecond();
        assertThat(raw("C#" + session.id(), "C").get("ttl").n()).isEqualTo(Long.toString(expected));

        CanaryRecord triggered = store.update(session.toBuilder().status(CanaryStatus.TRIGGERED)
                .triggeredAt(CanaryFixtures.BASE.plusSeconds(60)).build());
        assertThat(raw("C#" + triggered.id(), "C")).doesNotContainKey("ttl");

        CanaryRecord longTerm = store.create(fixtures.active());
        assertThat(raw("C#" + longTerm.id(), "C")).doesNotContainKey("ttl");

        DynamoDbCanaryStore noTtl = DynamoDbCanaryStore.builder().client(client).tableName(table).noTimeToLive().build();
        CanaryRecord kept = noTtl.create(fixtures.session("ASIAQNZGKIQY56JQ7WML", CanaryFixtures.BASE));
        assertThat(raw("C#" + kept.id(), "C")).doesNotContainKey("ttl");

        DynamoDbCanaryStore week = DynamoDbCanaryStore.builder().client(client).tableName(table)
                .timeToLiveRetention(Duration.ofDays(7)).build();
        CanaryRecord shortKept = week.create(fixtures.session("ASIAQNZGKIQY56JQ7WMM", CanaryFixtures.BASE));
        assertThat(raw("C#" + shortKept.id(), "C").get("ttl").n())
                .isEqualTo(Long.toString(shortKept.expiresAt().plus(Duration.ofDays(7)).getEpochSecond()));
    }

    @Test
    void emptyStringsRoundTripAndStayOutOfTheIndexes() {
        CanaryRecord c = fixtures.active();
        CanaryRecord odd = store.create(c.toBuilder().issuer("").accessKeyId("")
                .principal(new io.canarykit.Principal(c.accountId(), c.principal().arn(), "", "")).build());
        assertThat(store.find(odd.id())).contains(odd);
        assertThat(raw("C#" + odd.id(), "C")).doesNotContainKeys("gsiAccessKey", "gsiPrincipal");
        assertThat(store.findByAccessKeyId("")).isEmpty();
        Sighting s = Sighting.builder().source("").sourceEventId("").time(CanaryFixtures.BASE).service("").call("")
                .region("").sourceIp("").userAgent("").errorCode("").accessKeyId("").principalArn("").requestId("")
                .canaryId(odd.id()).build();
        assertThat(store.addSighting(s)).isTrue();
        assertThat(store.addSighting(s)).isFalse();
        assertThat(store.sightings(odd.id())).containsExactly(s);
        store.saveCheckpoint("", "");
        assertThat(store.checkpoint("")).contains("");
    }

    @Test
    void unusualMapKeysAndNanosecondsRoundTrip() {
        CanaryRecord r = fixtures.active(CanaryFixtures.ACCOUNT, new Asset("laptop", "LT-9",
                Map.of("", "empty", "~", "tilde", "~x", "tilde x", "emoji 🐤", "платформа")));
        r = r.toBuilder().createdAt(Instant.parse("2026-11-28T10:00:00.123456789Z")).attribute("", "").build();
        CanaryRecord stored = store.create(r);
        assertThat(store.find(r.id())).contains(stored);
        assertThat(store.findByAsset("laptop", "LT-9")).containsExactly(stored);
    }

    // ---------------------------------------------------------------- sightings

    @Test
    void aSightingHalfWrittenByACrashedCallIsCompletedByItsRetry() {
        CanaryRecord c = store.create(fixtures.active());
        Sighting s = fixtures.sighting(c, "crash-1", CanaryFixtures.BASE.plusSeconds(30));
        // the first call wrote the event item and died before the sighting item
        client.putItem(r -> r.tableName(table).item(ItemCodec.eventItem(s, Instant.now())));
        assertThat(store.sightings(c.id())).isEmpty();

        assertThat(store.addSighting(s)).as("the retry completes it and reports it new").isTrue();
        assertThat(store.sightings(c.id())).containsExactly(s);
        assertThat(store.addSighting(s)).isFalse();
        assertThat(store.sightings(c.id())).containsExactly(s);
    }

    @Test
    void anEventAlreadyMatchedToAnotherCanaryIsNotStoredAgain() {
        CanaryRecord a = store.create(fixtures.active());
        CanaryRecord b = store.create(fixtures.active());
        Sighting s = fixtures.sighting(a, "evt-shared", CanaryFixtures.BASE.plusSeconds(30));
        assertThat(store.addSighting(s)).isTrue();
        assertThat(store.addSighting(s.withCanaryId(b.id()))).isFalse();
        assertThat(store.sightings(b.id())).isEmpty();
        assertThat(store.sightings(a.id())).containsExactly(s);
    }

    @Test
    void longEventIdsAreHashedAndStillUnique() {
        CanaryRecord c = store.create(fixtures.active());
        Sighting s1 = fixtures.sighting(c, "é".repeat(600), CanaryFixtures.BASE.plusSeconds(1));
        Sighting s2 = fixtures.sighting(c, "é".repeat(600) + "2", CanaryFixtures.BASE.plusSeconds(2));
        assertThat(store.addSighting(s1)).isTrue();
        assertThat(store.addSighting(s1)).isFalse();
        assertThat(store.addSighting(s2)).isTrue();
        assertThat(store.sightings(c.id())).containsExactly(s1, s2);
    }

    // ---------------------------------------------------------------- paging

    @Test
    void sightingsOverOneMegabyteComeBackInSeveralPages() {
        CanaryRecord c = store.create(fixtures.active());
        List<Sighting> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Sighting s = Sighting.builder().source("cloudtrail-s3").sourceEventId("big-" + i)
                    .time(CanaryFixtures.BASE.plusSeconds(100 - i)).userAgent("ua-" + i + "-" + "x".repeat(50_000))
                    .canaryId(c.id()).build();
            store.addSighting(s);
            expected.add(0, s);
        }
        REQUESTS.reset();
        assertThat(store.sightings(c.id())).containsExactlyElementsOf(expected);
        assertThat(REQUESTS.count("Query")).as("1 MB pages").isGreaterThanOrEqualTo(2);
    }

    @Test
    void lookupsOfMoreThanAHundredRecordsReadInBatchesOfAHundred() {
        Asset shared = Asset.of("host", "build-farm");
        List<CanaryRecord> created = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            created.add(store.create(fixtures.active(CanaryFixtures.ACCOUNT, shared)));
        }
        REQUESTS.reset();
        assertThat(store.findByAsset("host", "build-farm")).containsExactlyElementsOf(created);
        assertThat(REQUESTS.count("BatchGetItem")).isEqualTo(2);
    }

    @Test
    void listingMergesLiveAndTerminalRangesAndFiltersByKind() {
        String acct = "888888888888";
        List<CanaryRecord> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            CanaryRecord r = store.create(i % 4 == 3
                    ? fixtures.session(fixtures.accessKeyId("ASIA"), CanaryFixtures.BASE.plusSeconds(1000 + i)).toBuilder()
                        .accountId(acct).principal(io.canarykit.Principal.assumedRole(acct, "r", "s" + i)).build()
                    : fixtures.active(acct, Asset.of("host", "h" + i)));
            if (i % 3 == 0) {
                r = store.update(r.toBuilder().status(CanaryStatus.REVOKED).closedAt(CanaryFixtures.BASE).build());
            }
            all.add(r);
        }
        store.create(fixtures.active("999999999999", Asset.of("host", "elsewhere")));
        all.sort(java.util.Comparator.comparing(CanaryRecord::id));

        assertThat(pageThrough(CanaryQuery.all().account(acct).limit(5))).containsExactlyElementsOf(all);
        assertThat(pageThrough(CanaryQuery.all().account(acct).kind(CredentialKind.ASSUMED_ROLE).limit(2)))
                .containsExactlyElementsOf(all.stream().filter(r -> r.kind() == CredentialKind.ASSUMED_ROLE).toList());
        assertThat(pageThrough(CanaryQuery.withStatus(CanaryStatus.REVOKED, CanaryStatus.ACTIVE).account(acct).limit(3)))
                .containsExactlyElementsOf(all);
        assertThat(pageThrough(CanaryQuery.withStatus(CanaryStatus.REVOKED).limit(1)))
                .containsExactlyElementsOf(all.stream().filter(r -> r.status() == CanaryStatus.REVOKED).toList());
        assertThat(pageThrough(CanaryQuery.all().kind(CredentialKind.IAM_USER).limit(4))).hasSize(10);
    }

    private List<CanaryRecord> pageThrough(CanaryQuery query) {
        List<CanaryRecord> out = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<CanaryRecord> page = store.list(query.after(cursor));
            assertThat(page.items().size()).isLessThanOrEqualTo(query.limit());
            out.addAll(page.items());
            cursor = page.nextCursor();
            assertThat(++pages).isLessThan(100);
        } while (cursor != null);
        return out;
    }

    @Test
    void eachPageOfAnAccountRangeIsOneQueryAndOneBatchRead() {
        for (int i = 0; i < 25; i++) {
            store.create(fixtures.active("343434343434", Asset.of("host", "p" + i)));
        }
        REQUESTS.reset();
        assertThat(pageThrough(CanaryQuery.live().account("343434343434").limit(10))).hasSize(25);
        assertThat(REQUESTS.snapshot()).isEqualTo(Map.of("Query", 3, "BatchGetItem", 3));
    }

    @Test
    void aForeignCursorIsRefused() {
        assertThatThrownBy(() -> store.list(CanaryQuery.all().after("bogus")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("invalid listing cursor");
    }

    // ---------------------------------------------------------------- counting under concurrency

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void liveCountsStayExactWhileEightThreadsCreateAndRevoke() throws Exception {
        String acct = "121212121212";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        CanaryRecord r = store.create(fixtures.active(acct, Asset.of("host", "t" + thread + "-" + i)));
                        if (i % 2 == 0) {
                            store.update(r.toBuilder().status(CanaryStatus.REVOKED).closedAt(CanaryFixtures.BASE).build());
                        }
                        store.countLive(acct);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.countLive(acct)).isEqualTo(40);
        assertThat(pageThrough(CanaryQuery.live().account(acct).limit(7))).hasSize(40)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(CanaryStatus.ACTIVE));
        assertThat(pageThrough(CanaryQuery.all().account(acct).limit(1000))).hasSize(80);
    }

    // ---------------------------------------------------------------- table and provider

    @Test
    void createTableIfMissingIsIdempotentAndRefusesAForeignLayout() {
        assertThat(DynamoDbCanaryTable.createTableIfMissing(client, table)).isFalse();

        String foreign = TestClients.freshTableName("foreign");
        client.createTable(r -> r.tableName(foreign)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        tables.add(foreign);
        assertThatThrownBy(() -> DynamoDbCanaryTable.createTableIfMissing(client, foreign))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("does not have the canarykit layout")
                .hasMessageContaining("index byAccessKey is missing");
    }

    @Test
    void aMissingTableIsANonRetryableErrorThatSaysHowToCreateIt() {
        DynamoDbCanaryStore nowhere = DynamoDbCanaryStore.builder().client(client).tableName("no-such-table").build();
        assertThatThrownBy(() -> nowhere.find(CanaryId.generate(CanaryFixtures.BASE, new java.util.Random(1))))
                .isInstanceOfSatisfying(CanaryStoreException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("no-such-table").hasMessageContaining("createTableIfMissing");
    }

    @Test
    void theProviderBuildsAWorkingStoreAndItsTable() {
        String name = TestClients.freshTableName("provider");
        tables.add(name);
        Map<String, String> props = new HashMap<>();
        props.put("canary.store", "dynamodb");
        props.put("canary.store.dynamodb.table", name);
        props.put("canary.store.dynamodb.region", "us-east-1");
        props.put("canary.store.dynamodb.endpoint", Dynalite.endpoint().toString());
        props.put("canary.store.dynamodb.create-table", "true");
        props.put("canary.store.dynamodb.ttl-retention", "7d");
        String oldKey = System.setProperty("aws.accessKeyId", "AKIDPROVIDERTEST");
        String oldSecret = System.setProperty("aws.secretAccessKey", "provider-test-secret");
        try (CanaryStore s = ProviderRegistry.load(CanaryStoreProvider.class)
                .resolve(null, CanaryConfig.of(props), "canary.store", "in-memory")) {
            CanaryRecord r = s.create(fixtures.session("ASIAY34FZKBOKMUTVV7B", CanaryFixtures.BASE));
            assertThat(s.find(r.id())).contains(r);
            assertThat(s.countLive(CanaryFixtures.ACCOUNT)).isEqualTo(1);
            assertThat(client.getItem(g -> g.tableName(name).key(ItemCodec.canaryKey(r.id()))).item().get("ttl").n())
                    .isEqualTo(Long.toString(r.expiresAt().plus(Duration.ofDays(7)).getEpochSecond()));
        } finally {
            restore("aws.accessKeyId", oldKey);
            restore("aws.secretAccessKey", oldSecret);
        }
    }

    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }

    @Test
    void requestCountsPerOperationAreWhatTheJavadocSays() {
        CanaryRecord c = store.create(fixtures.active());
        Set<String> ops = REQUESTS.snapshot().keySet();
        assertThat(REQUESTS.snapshot()).isEqualTo(Map.of("PutItem", 1));
        REQUESTS.reset();
        store.update(c.withStatus(CanaryStatus.TRIGGERED));
        assertThat(REQUESTS.snapshot()).isEqualTo(Map.of("PutItem", 1));
        REQUESTS.reset();
        store.findByAccessKeyId(c.accessKeyId());
        assertThat(REQUESTS.snapshot()).isEqualTo(Map.of("Query", 1, "BatchGetItem", 1));
        REQUESTS.reset();
        store.addSighting(fixtures.sighting(c, "e1", CanaryFixtures.BASE));
        assertThat(REQUESTS.snapshot()).isEqualTo(Map.of("PutItem", 2));
        REQUESTS.reset();
        store.countLive(CanaryFixtures.ACCOUNT);
        assertThat(REQUESTS.snapshot()).isEqualTo(Map.of("Query", 1));
        assertThat(ops).isNotEmpty();
        assertThat(store.list(CanaryQuery.all()).items().stream().map(CanaryRecord::id).collect(Collectors.toList()))
                .containsExactly(c.id());
    }
}
