package io.canarykit.store.dynamodb;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.PlacementReceipt;
import io.canarykit.Principal;
import io.canarykit.SelfUse;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.store.CanaryStoreException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ItemCodecTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Instant T = Instant.parse("2026-11-28T10:00:00.123456789Z");

    static CanaryRecord full() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("owner", "Zoë Müller");
        labels.put("", "empty key");
        labels.put("~tilde", "starts with the escape character");
        labels.put("~", "only the escape character");
        labels.put("emoji 🐤", "платформа");
        return CanaryRecord.builder()
                .id(CanaryId.generate(T, new Random(1)))
                .status(CanaryStatus.TRIGGERED)
                .version(7)
                .kind(CredentialKind.ASSUMED_ROLE)
                .issuer("assume-role")
                .accountId("012345678901")
                .principal(Principal.assumedRole("012345678901", "build-agent", "ci-job-7"))
                .accessKeyId("ASIAY34FZKBOKMUTVV7A")
                .asset(new Asset("ci-build", "gh-run-77", labels))
                .receipt(new PlacementReceipt("env", "/tmp/ci.env", Map.of("prefix", "CANARY_", "", "x"), T.plusNanos(1)))
                .createdAt(T)
                .issuedAt(T.plusSeconds(1))
                .expiresAt(T.plus(Duration.ofHours(1)))
                .closedAt(T.plusSeconds(7200))
                .triggeredAt(T.plusSeconds(60))
                .replaces(CanaryId.generate(T.minusSeconds(3600), new Random(2)))
                .replacedBy(CanaryId.generate(T.plusSeconds(3600), new Random(3)))
                .addSelfUse(new SelfUse("GetCallerIdentity", T.plusMillis(1500), "req-1", "canarykit/0.1"))
                .addSelfUse(new SelfUse("GetCallerIdentity", T.plusMillis(2500), null, null))
                .attribute("roleArn", "arn:aws:iam::012345678901:role/build-agent")
                .attribute("", "")
                .build();
    }

    static CanaryRecord sparse() {
        return CanaryRecord.builder()
                .id(CanaryId.generate(T, new Random(4)))
                .status(CanaryStatus.PENDING)
                .kind(CredentialKind.FEDERATION_TOKEN)
                .issuer("federation-token")
                .principal(Principal.federatedUser("012345678901", "build-bot"))
                .asset(Asset.of("ci-build", "gh-run-78"))
                .createdAt(T)
                .build();
    }

    @Test
    void everyFieldOfARecordRoundTrips() {
        for (CanaryRecord r : List.of(full(), sparse())) {
            Map<String, AttributeValue> item = ItemCodec.canaryItem(r, NOW, Duration.ofDays(30));
            assertThat(ItemCodec.canaryRecord(item)).isEqualTo(r);
        }
    }

    @Test
    void absentFieldsAreAbsentAttributes() {
        Map<String, AttributeValue> item = ItemCodec.canaryItem(sparse(), NOW, Duration.ofDays(30));
        assertThat(item).doesNotContainKeys(ItemCodec.ACCESS_KEY_ID, ItemCodec.RECEIPT, ItemCodec.ISSUED_AT,
                ItemCodec.EXPIRES_AT, ItemCodec.CLOSED_AT, ItemCodec.TRIGGERED_AT, ItemCodec.REPLACES,
                ItemCodec.REPLACED_BY, DynamoDbCanaryTable.GSI_ACCESS_KEY, DynamoDbCanaryTable.TTL);
        assertThat(item.get(ItemCodec.PRINCIPAL).m()).doesNotContainKey(ItemCodec.PATH);
    }

    @Test
    void indexKeysAreDerivedFromTheRecord() {
        CanaryRecord r = full();
        Map<String, AttributeValue> item = ItemCodec.canaryItem(r, NOW, null);
        assertThat(item.get(DynamoDbCanaryTable.PK).s()).isEqualTo("C#" + r.id());
        assertThat(item.get(DynamoDbCanaryTable.SK).s()).isEqualTo("C");
        assertThat(item.get(DynamoDbCanaryTable.TYPE).s()).isEqualTo("canary");
        assertThat(item.get(DynamoDbCanaryTable.GSI_ACCESS_KEY).s()).isEqualTo("ASIAY34FZKBOKMUTVV7A");
        assertThat(item.get(DynamoDbCanaryTable.GSI_PRINCIPAL).s()).isEqualTo("ci-job-7");
        assertThat(item.get(DynamoDbCanaryTable.GSI_ASSET).s()).isEqualTo("ci-build#gh-run-77");
        assertThat(item.get(DynamoDbCanaryTable.GSI_ACCOUNT).s()).isEqualTo("012345678901");
        assertThat(item.get(DynamoDbCanaryTable.GSI_ACCOUNT_SORT).s()).isEqualTo("L#" + r.id());
        assertThat(ItemCodec.canaryItem(r.withStatus(CanaryStatus.REVOKED), NOW, null)
                .get(DynamoDbCanaryTable.GSI_ACCOUNT_SORT).s()).isEqualTo("T#" + r.id());
        assertThat(item.get(DynamoDbCanaryTable.GSI_SHARD).s()).isIn("0", "1", "2", "3");
        assertThat(item.get(ItemCodec.UPDATED_AT).s()).isEqualTo(NOW.toString());
    }

    @Test
    void ttlIsExpiryPlusRetentionForShortTermCanariesNeverTriggered() {
        CanaryRecord session = full().toBuilder().status(CanaryStatus.ACTIVE).triggeredAt(null).build();
        Map<String, AttributeValue> item = ItemCodec.canaryItem(session, NOW, Duration.ofDays(30));
        assertThat(item.get(DynamoDbCanaryTable.TTL).n())
                .isEqualTo(Long.toString(session.expiresAt().plus(Duration.ofDays(30)).getEpochSecond()));

        assertThat(ItemCodec.canaryItem(full(), NOW, Duration.ofDays(30))).as("triggered: kept")
                .doesNotContainKey(DynamoDbCanaryTable.TTL);
        assertThat(ItemCodec.canaryItem(session.toBuilder().expiresAt(null).build(), NOW, Duration.ofDays(30)))
                .as("long-term: kept").doesNotContainKey(DynamoDbCanaryTable.TTL);
        assertThat(ItemCodec.canaryItem(session, NOW, null)).as("TTL off").doesNotContainKey(DynamoDbCanaryTable.TTL);
    }

    @Test
    void mapKeysAreEscapedReversibly() {
        for (String key : List.of("", "~", "~~", "~a", "a~", "a", "emoji 🐤")) {
            String escaped = ItemCodec.escapeKey(key);
            assertThat(escaped).isNotEmpty();
            assertThat(ItemCodec.unescapeKey(escaped)).isEqualTo(key);
        }
        assertThat(ItemCodec.escapeKey("plain")).isEqualTo("plain");
        Map<String, String> all = new HashMap<>();
        for (String key : List.of("", "~", "~~", "~a")) {
            all.put(key, key + "-value");
        }
        assertThat(ItemCodec.stringMap(ItemCodec.stringMap(all))).isEqualTo(all);
    }

    @Test
    void sightingsRoundTripThroughBothItems() {
        CanaryRecord c = full();
        Sighting full = Sighting.builder().source("cloudtrail-s3").sourceEventId("3f2c1b0a-9e8d-4c7b-a6f5-0123456789ab")
                .time(T.plusNanos(5)).kind(SightingKind.API_CALL).service("iam.amazonaws.com").call("ListUsers")
                .region("us-east-1").sourceIp("198.51.100.23").userAgent("aws-cli/2.15.30").errorCode("AccessDenied")
                .accessKeyId(c.accessKeyId()).principalArn(c.principal().arn()).requestId("req").canaryId(c.id()).build();
        Sighting sparse = Sighting.builder().source("credential-report").sourceEventId("x").time(T)
                .kind(SightingKind.UNLOGGED_USE).canaryId(c.id()).build();
        for (Sighting s : List.of(full, sparse)) {
            assertThat(ItemCodec.sighting(ItemCodec.sightingItem(s, NOW))).isEqualTo(s);
            assertThat(ItemCodec.sighting(ItemCodec.eventItem(s, NOW))).isEqualTo(s);
            assertThat(ItemCodec.sightingItem(s, NOW).get(DynamoDbCanaryTable.PK).s()).isEqualTo("C#" + c.id());
        }
    }

    @Test
    void aSightingWithoutCanaryIdIsRefusedWithTheStoresErrorNotAnNpe() {
        Sighting unmatched = Sighting.builder().source("credential-report").sourceEventId("x").time(T)
                .kind(SightingKind.UNLOGGED_USE).build();
        assertThatThrownBy(() -> ItemCodec.sightingItem(unmatched, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no canary id");
        assertThatThrownBy(() -> ItemCodec.eventItem(unmatched, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no canary id");
    }

    @Test
    void sortableTimeSortsLikeInstants() {
        Random random = new Random(11);
        List<Instant> instants = new ArrayList<>(List.of(Instant.MIN, Instant.MAX, Instant.EPOCH,
                Instant.EPOCH.minusNanos(1), Instant.EPOCH.plusNanos(1), T, T.plusNanos(1), T.minusNanos(1)));
        for (int i = 0; i < 200; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong() % 100_000_000_000L, random.nextInt(1_000_000_000)));
        }
        for (Instant a : instants) {
            for (Instant b : instants) {
                assertThat(Integer.signum(ItemCodec.sortableTime(a).compareTo(ItemCodec.sortableTime(b))))
                        .as("%s vs %s", a, b).isEqualTo(Integer.signum(a.compareTo(b)));
            }
        }
        assertThat(ItemCodec.sortableTime(T)).hasSize(26);
    }

    @Test
    void eventKeysAreUnambiguousAndBounded() {
        assertThat(ItemCodec.eventKey("a#b", "c")).isNotEqualTo(ItemCodec.eventKey("a", "b#c"));
        assertThat(ItemCodec.eventKey("cloudtrail-s3", "evt-1")).isEqualTo("13:cloudtrail-s3#evt-1");
        String longId = "é".repeat(400);
        String hashed = ItemCodec.eventKey("src", longId);
        assertThat(hashed).startsWith("H#").hasSize(2 + 64);
        assertThat(hashed).isNotEqualTo(ItemCodec.eventKey("src", longId + "x"));
    }

    @Test
    void shardsSpreadOverAllShards() {
        Random random = new Random(5);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(ItemCodec.shard(CanaryId.generate(T, random)), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("0", "1", "2", "3");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    @Test
    void aForeignItemFailsClearly() {
        Map<String, AttributeValue> item = new HashMap<>(ItemCodec.canaryItem(sparse(), NOW, null));
        item.put(ItemCodec.CREATED_AT, AttributeValue.fromS("yesterday"));
        assertThatThrownBy(() -> ItemCodec.canaryRecord(item)).isInstanceOf(CanaryStoreException.class)
                .hasMessageContaining("C#" + sparse().id()).hasMessageContaining("not a readable canary");
    }

    @Test
    void anEntryCarriesItsExpiryAsTtlRoundedUpSoThatDynamoDbNeverDeletesItEarly() {
        var exact = ItemCodec.entryItem(io.canarykit.store.StoreEntry.of("lease:p", "v", Instant.parse("2026-11-28T10:00:00Z")), NOW);
        var fraction = ItemCodec.entryItem(io.canarykit.store.StoreEntry.of("lease:p", "v", Instant.parse("2026-11-28T10:00:00.001Z")), NOW);
        var forever = ItemCodec.entryItem(io.canarykit.store.StoreEntry.of("replay:x", "v"), NOW);

        long second = Instant.parse("2026-11-28T10:00:00Z").getEpochSecond();
        assertThat(exact.get(DynamoDbCanaryTable.TTL).n()).isEqualTo(Long.toString(second));
        assertThat(fraction.get(DynamoDbCanaryTable.TTL).n()).isEqualTo(Long.toString(second + 1));
        assertThat(fraction.get(ItemCodec.EXPIRES_AT_MILLIS).n()).isEqualTo(Long.toString(second * 1000 + 1));
        assertThat(forever).doesNotContainKeys(DynamoDbCanaryTable.TTL, ItemCodec.EXPIRES_AT_MILLIS, ItemCodec.EXPIRES_AT);
        assertThat(forever.get(DynamoDbCanaryTable.PK).s()).isEqualTo("X#replay:x");
        assertThat(ItemCodec.entry(fraction)).isEqualTo(io.canarykit.store.StoreEntry.of("lease:p", "v",
                Instant.parse("2026-11-28T10:00:00.001Z")));
    }
}
