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
import io.canarykit.store.StoreEntry;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCESS_KEY;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCOUNT;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCOUNT_SORT;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ASSET;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_PRINCIPAL;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_SHARD;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.ID;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.LIST_SHARDS;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.PK;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.SK;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.TTL;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.TYPE;

/**
 * Turns canary records, sightings and checkpoints into DynamoDB items and back, field for field.
 *
 * <p>Instants are ISO-8601 strings ({@link Instant#toString()}, nanoseconds kept); absent optional fields are absent
 * attributes; string maps are {@code M} of {@code S} whose keys are escaped so that an empty key (which DynamoDB
 * refuses as an attribute name) survives: a key that is empty or starts with {@code ~} is stored with a {@code ~}
 * in front.
 */
final class ItemCodec {
    static final String TYPE_CANARY = "canary";
    static final String TYPE_SIGHTING = "sighting";
    static final String TYPE_EVENT = "event";
    static final String TYPE_CHECKPOINT = "checkpoint";
    static final String TYPE_ENTRY = "entry";

    static final String CANARY_SK = "C";
    static final String EVENT_SK = "E";
    static final String CHECKPOINT_SK = "K";
    static final String ENTRY_SK = "X";
    static final String SIGHTING_SK_PREFIX = "S#";
    static final String LIVE_PREFIX = "L#";
    static final String TERMINAL_PREFIX = "T#";

    // canary attributes
    static final String VERSION = "version";
    static final String STATUS = "status";
    static final String KIND = "kind";
    static final String ISSUER = "issuer";
    static final String ACCOUNT_ID = "accountId";
    static final String PRINCIPAL = "principal";
    static final String ARN = "arn";
    static final String NAME = "name";
    static final String PATH = "path";
    static final String ACCESS_KEY_ID = "accessKeyId";
    static final String ASSET = "asset";
    static final String LABELS = "labels";
    static final String RECEIPT = "receipt";
    static final String PLACEMENT = "placement";
    static final String LOCATION = "location";
    static final String DETAILS = "details";
    static final String PLACED_AT = "placedAt";
    static final String CREATED_AT = "createdAt";
    static final String ISSUED_AT = "issuedAt";
    static final String EXPIRES_AT = "expiresAt";
    static final String CLOSED_AT = "closedAt";
    static final String TRIGGERED_AT = "triggeredAt";
    static final String REPLACES = "replaces";
    static final String REPLACED_BY = "replacedBy";
    static final String SELF_USES = "selfUses";
    static final String EVENT_NAME = "eventName";
    static final String AT = "at";
    static final String REQUEST_ID = "requestId";
    static final String USER_AGENT = "userAgent";
    static final String ATTRIBUTES = "attributes";
    static final String UPDATED_AT = "updatedAt";

    // sighting attributes
    static final String SOURCE = "source";
    static final String SOURCE_EVENT_ID = "sourceEventId";
    static final String TIME = "time";
    static final String SERVICE = "service";
    static final String CALL = "call";
    static final String REGION = "region";
    static final String SOURCE_IP = "sourceIp";
    static final String ERROR_CODE = "errorCode";
    static final String PRINCIPAL_ARN = "principalArn";
    static final String CANARY_ID = "canaryId";
    static final String SIGHTING_KEY = "sightingKey";
    static final String STORED_AT = "storedAt";

    // checkpoint and entry attributes
    static final String KEY = "key";
    static final String VALUE = "value";
    static final String EXPIRES_AT_MILLIS = "expiresAtMillis";

    /** Event keys longer than this (UTF-8 bytes) are hashed, keeping every key well inside DynamoDB's limits. */
    static final int MAX_RAW_EVENT_KEY = 512;
    /** Offset that makes every representable epoch second non-negative, for sortable time keys. */
    private static final long EPOCH_OFFSET = -Instant.MIN.getEpochSecond();
    private static final char ESCAPE = '~';

    private ItemCodec() {
    }

    // ------------------------------------------------------------------------------------------ keys

    static String canaryPk(CanaryId id) {
        return "C#" + id.value();
    }

    static Map<String, AttributeValue> canaryKey(CanaryId id) {
        return Map.of(PK, s(canaryPk(id)), SK, s(CANARY_SK));
    }

    static Map<String, AttributeValue> checkpointKey(String key) {
        return Map.of(PK, s("K#" + key), SK, s(CHECKPOINT_SK));
    }

    static Map<String, AttributeValue> entryKey(String key) {
        return Map.of(PK, s("X#" + key), SK, s(ENTRY_SK));
    }

    /** {@code <length>:<source>#<eventId>}, or {@code H#<sha-256 hex>} when longer than 512 bytes. */
    static String eventKey(String source, String sourceEventId) {
        String raw = source.length() + ":" + source + "#" + sourceEventId;
        if (raw.getBytes(StandardCharsets.UTF_8).length <= MAX_RAW_EVENT_KEY) {
            return raw;
        }
        return "H#" + sha256(raw);
    }

    static Map<String, AttributeValue> eventItemKey(Sighting s) {
        return Map.of(PK, s("E#" + eventKey(s.source(), s.sourceEventId())), SK, s(EVENT_SK));
    }

    /** A fixed-width, lexicographically sortable form of an instant (17 digits of seconds, 9 of nanoseconds). */
    static String sortableTime(Instant t) {
        return String.format("%017d%09d", t.getEpochSecond() + EPOCH_OFFSET, t.getNano());
    }

    static String sightingSk(Sighting s) {
        return SIGHTING_SK_PREFIX + sortableTime(s.time()) + "#" + eventKey(s.source(), s.sourceEventId());
    }

    /** The listing shard of a canary: derived from the last (random) character of its id. */
    static String shard(CanaryId id) {
        char last = id.value().charAt(CanaryId.LENGTH - 1);
        return Integer.toString(Math.floorMod(last, LIST_SHARDS));
    }

    static String assetRef(String kind, String id) {
        return kind + "#" + id;
    }

    static String accountSort(CanaryStatus status, CanaryId id) {
        return (status.isLive() ? LIVE_PREFIX : TERMINAL_PREFIX) + id.value();
    }

    // ------------------------------------------------------------------------------------------ canary records

    /**
     * The item for a record.
     *
     * @param ttlRetention how long after its expiry a short-term canary may be deleted by TTL, or {@code null} for no
     *                     TTL attribute
     */
    static Map<String, AttributeValue> canaryItem(CanaryRecord r, Instant now, @Nullable Duration ttlRetention) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(PK, s(canaryPk(r.id())));
        item.put(SK, s(CANARY_SK));
        item.put(TYPE, s(TYPE_CANARY));
        item.put(ID, s(r.id().value()));
        item.put(VERSION, n(r.version()));
        item.put(STATUS, s(r.status().name()));
        item.put(KIND, s(r.kind().name()));
        item.put(ISSUER, s(r.issuer()));
        item.put(ACCOUNT_ID, s(r.accountId()));
        Map<String, AttributeValue> principal = new LinkedHashMap<>();
        principal.put(ACCOUNT_ID, s(r.principal().accountId()));
        principal.put(ARN, s(r.principal().arn()));
        principal.put(NAME, s(r.principal().name()));
        putIfPresent(principal, PATH, r.principal().path());
        item.put(PRINCIPAL, m(principal));
        putIfPresent(item, ACCESS_KEY_ID, r.accessKeyId());
        Map<String, AttributeValue> asset = new LinkedHashMap<>();
        asset.put(KIND, s(r.asset().kind()));
        asset.put(ID, s(r.asset().id()));
        asset.put(LABELS, stringMap(r.asset().labels()));
        item.put(ASSET, m(asset));
        if (r.receipt() != null) {
            PlacementReceipt p = r.receipt();
            Map<String, AttributeValue> receipt = new LinkedHashMap<>();
            receipt.put(PLACEMENT, s(p.placement()));
            receipt.put(LOCATION, s(p.location()));
            receipt.put(DETAILS, stringMap(p.details()));
            receipt.put(PLACED_AT, instant(p.placedAt()));
            item.put(RECEIPT, m(receipt));
        }
        item.put(CREATED_AT, instant(r.createdAt()));
        putIfPresent(item, ISSUED_AT, r.issuedAt());
        putIfPresent(item, EXPIRES_AT, r.expiresAt());
        putIfPresent(item, CLOSED_AT, r.closedAt());
        putIfPresent(item, TRIGGERED_AT, r.triggeredAt());
        if (r.replaces() != null) {
            item.put(REPLACES, s(r.replaces().value()));
        }
        if (r.replacedBy() != null) {
            item.put(REPLACED_BY, s(r.replacedBy().value()));
        }
        List<AttributeValue> selfUses = new ArrayList<>();
        for (SelfUse u : r.selfUses()) {
            Map<String, AttributeValue> use = new LinkedHashMap<>();
            use.put(EVENT_NAME, s(u.eventName()));
            use.put(AT, instant(u.at()));
            putIfPresent(use, REQUEST_ID, u.requestId());
            putIfPresent(use, USER_AGENT, u.userAgent());
            selfUses.add(m(use));
        }
        item.put(SELF_USES, AttributeValue.fromL(selfUses));
        item.put(ATTRIBUTES, stringMap(r.attributes()));
        item.put(UPDATED_AT, instant(now));
        Long ttl = ttlEpochSeconds(r, ttlRetention);
        if (ttl != null) {
            item.put(TTL, n(ttl));
        }
        // index keys, derived from the fields above; empty strings are not allowed in index keys, so they are left out
        if (r.accessKeyId() != null && !r.accessKeyId().isEmpty()) {
            item.put(GSI_ACCESS_KEY, s(r.accessKeyId()));
        }
        if (!r.principal().name().isEmpty()) {
            item.put(GSI_PRINCIPAL, s(r.principal().name()));
        }
        item.put(GSI_ASSET, s(assetRef(r.asset().kind(), r.asset().id())));
        item.put(GSI_ACCOUNT, s(r.accountId()));
        item.put(GSI_ACCOUNT_SORT, s(accountSort(r.status(), r.id())));
        item.put(GSI_SHARD, s(shard(r.id())));
        return item;
    }

    /**
     * When TTL may delete the record: the expiry of a short-term canary plus the retention, unless it was triggered
     * (evidence of a breach is kept) or TTL is off.
     */
    static @Nullable Long ttlEpochSeconds(CanaryRecord r, @Nullable Duration retention) {
        if (retention == null || r.expiresAt() == null || r.triggeredAt() != null || r.status() == CanaryStatus.TRIGGERED) {
            return null;
        }
        return r.expiresAt().plus(retention).getEpochSecond();
    }

    static CanaryRecord canaryRecord(Map<String, AttributeValue> item) {
        try {
            Map<String, AttributeValue> p = attribute(item, PRINCIPAL).m();
            Principal principal = new Principal(str(p, ACCOUNT_ID), str(p, ARN), str(p, NAME), optStr(p, PATH));
            Map<String, AttributeValue> a = attribute(item, ASSET).m();
            Asset asset = new Asset(str(a, KIND), str(a, ID), stringMap(a.get(LABELS)));
            PlacementReceipt receipt = null;
            if (item.containsKey(RECEIPT)) {
                Map<String, AttributeValue> rc = attribute(item, RECEIPT).m();
                receipt = new PlacementReceipt(str(rc, PLACEMENT), str(rc, LOCATION), stringMap(rc.get(DETAILS)),
                        Instant.parse(str(rc, PLACED_AT)));
            }
            List<SelfUse> selfUses = new ArrayList<>();
            AttributeValue uses = item.get(SELF_USES);
            if (uses != null) {
                for (AttributeValue u : uses.l()) {
                    Map<String, AttributeValue> um = u.m();
                    selfUses.add(new SelfUse(str(um, EVENT_NAME), Instant.parse(str(um, AT)), optStr(um, REQUEST_ID),
                            optStr(um, USER_AGENT)));
                }
            }
            String replaces = optStr(item, REPLACES);
            String replacedBy = optStr(item, REPLACED_BY);
            return new CanaryRecord(
                    new CanaryId(str(item, ID)),
                    CanaryStatus.valueOf(str(item, STATUS)),
                    Long.parseLong(attribute(item, VERSION).n()),
                    CredentialKind.valueOf(str(item, KIND)),
                    str(item, ISSUER),
                    str(item, ACCOUNT_ID),
                    principal,
                    optStr(item, ACCESS_KEY_ID),
                    asset,
                    receipt,
                    Instant.parse(str(item, CREATED_AT)),
                    optInstant(item, ISSUED_AT),
                    optInstant(item, EXPIRES_AT),
                    optInstant(item, CLOSED_AT),
                    optInstant(item, TRIGGERED_AT),
                    replaces == null ? null : new CanaryId(replaces),
                    replacedBy == null ? null : new CanaryId(replacedBy),
                    selfUses,
                    stringMap(item.get(ATTRIBUTES)));
        } catch (RuntimeException e) {
            throw unreadable("canary", item, e);
        }
    }

    // ------------------------------------------------------------------------------------------ sightings

    /** The sighting fields, shared by the sighting item and the event (uniqueness) item. */
    private static Map<String, AttributeValue> sightingFields(Sighting s, Instant now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(SOURCE, s(s.source()));
        item.put(SOURCE_EVENT_ID, s(s.sourceEventId()));
        item.put(TIME, instant(s.time()));
        item.put(KIND, s(s.kind().name()));
        putIfPresent(item, SERVICE, s.service());
        putIfPresent(item, CALL, s.call());
        putIfPresent(item, REGION, s.region());
        putIfPresent(item, SOURCE_IP, s.sourceIp());
        putIfPresent(item, USER_AGENT, s.userAgent());
        putIfPresent(item, ERROR_CODE, s.errorCode());
        putIfPresent(item, ACCESS_KEY_ID, s.accessKeyId());
        putIfPresent(item, PRINCIPAL_ARN, s.principalArn());
        putIfPresent(item, REQUEST_ID, s.requestId());
        item.put(CANARY_ID, s(canaryIdOf(s).value()));
        item.put(STORED_AT, instant(now));
        return item;
    }

    /**
     * The canary a sighting to store was matched to. {@link DynamoDbCanaryStore} refuses a sighting without one before
     * it encodes it, so this holds; should another caller pass one, it gets the store's contract error, not an NPE.
     */
    private static CanaryId canaryIdOf(Sighting s) {
        CanaryId id = s.canaryId();
        if (id == null) {
            throw new IllegalArgumentException("a sighting is stored under its canary: this one has no canary id");
        }
        return id;
    }

    /** The sighting item, under its canary's partition. */
    static Map<String, AttributeValue> sightingItem(Sighting s, Instant now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(PK, s(canaryPk(canaryIdOf(s))));
        item.put(SK, s(sightingSk(s)));
        item.put(TYPE, s(TYPE_SIGHTING));
        item.putAll(sightingFields(s, now));
        return item;
    }

    /** The event item: proof that {@code (source, sourceEventId)} is taken, with the sighting that took it. */
    static Map<String, AttributeValue> eventItem(Sighting s, Instant now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(eventItemKey(s));
        item.put(TYPE, s(TYPE_EVENT));
        item.putAll(sightingFields(s, now));
        item.put(SIGHTING_KEY, s(sightingSk(s)));
        return item;
    }

    static Sighting sighting(Map<String, AttributeValue> item) {
        try {
            return new Sighting(
                    str(item, SOURCE),
                    str(item, SOURCE_EVENT_ID),
                    Instant.parse(str(item, TIME)),
                    SightingKind.valueOf(str(item, KIND)),
                    optStr(item, SERVICE),
                    optStr(item, CALL),
                    optStr(item, REGION),
                    optStr(item, SOURCE_IP),
                    optStr(item, USER_AGENT),
                    optStr(item, ERROR_CODE),
                    optStr(item, ACCESS_KEY_ID),
                    optStr(item, PRINCIPAL_ARN),
                    optStr(item, REQUEST_ID),
                    new CanaryId(str(item, CANARY_ID)));
        } catch (RuntimeException e) {
            throw unreadable("sighting", item, e);
        }
    }

    // ------------------------------------------------------------------------------------------ checkpoints

    static Map<String, AttributeValue> checkpointItem(String key, String value, Instant now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(checkpointKey(key));
        item.put(TYPE, s(TYPE_CHECKPOINT));
        item.put(KEY, s(key));
        item.put(VALUE, s(value));
        item.put(UPDATED_AT, instant(now));
        return item;
    }

    // ------------------------------------------------------------------------------------------ entries

    /**
     * A conditional entry: its key and value, and when it expires as an ISO string, as epoch milliseconds (compared
     * by {@code purgeExpiredEntries}) and as the table's TTL attribute (epoch seconds, rounded up, so that DynamoDB
     * TTL never deletes it before it expires).
     */
    static Map<String, AttributeValue> entryItem(StoreEntry entry, Instant now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(entryKey(entry.key()));
        item.put(TYPE, s(TYPE_ENTRY));
        item.put(KEY, s(entry.key()));
        item.put(VALUE, s(entry.value()));
        if (entry.expiresAt() != null) {
            Instant t = entry.expiresAt();
            item.put(EXPIRES_AT, instant(t));
            item.put(EXPIRES_AT_MILLIS, n(t.toEpochMilli()));
            item.put(TTL, n(t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0)));
        }
        item.put(UPDATED_AT, instant(now));
        return item;
    }

    static StoreEntry entry(Map<String, AttributeValue> item) {
        try {
            return new StoreEntry(str(item, KEY), str(item, VALUE), optInstant(item, EXPIRES_AT));
        } catch (RuntimeException e) {
            throw unreadable("entry", item, e);
        }
    }

    // ------------------------------------------------------------------------------------------ values

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static AttributeValue m(Map<String, AttributeValue> v) {
        return AttributeValue.fromM(v);
    }

    private static AttributeValue instant(Instant t) {
        return s(t.toString());
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, @Nullable String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, @Nullable Instant value) {
        if (value != null) {
            item.put(name, instant(value));
        }
    }

    static AttributeValue stringMap(Map<String, String> map) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(escapeKey(k), s(v)));
        return m(out);
    }

    static Map<String, String> stringMap(@Nullable AttributeValue value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value != null && value.hasM()) {
            value.m().forEach((k, v) -> out.put(unescapeKey(k), v.s()));
        }
        return out;
    }

    static String escapeKey(String key) {
        return key.isEmpty() || key.charAt(0) == ESCAPE ? ESCAPE + key : key;
    }

    static String unescapeKey(String key) {
        return !key.isEmpty() && key.charAt(0) == ESCAPE ? key.substring(1) : key;
    }

    private static AttributeValue attribute(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null) {
            throw new IllegalStateException("attribute '" + name + "' is missing");
        }
        return v;
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.s() == null) {
            throw new IllegalStateException("attribute '" + name + "' is missing or not a string");
        }
        return v.s();
    }

    private static @Nullable String optStr(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static @Nullable Instant optInstant(Map<String, AttributeValue> item, String name) {
        String v = optStr(item, name);
        return v == null ? null : Instant.parse(v);
    }

    private static CanaryStoreException unreadable(String what, Map<String, AttributeValue> item, RuntimeException e) {
        AttributeValue pk = item.get(PK);
        AttributeValue sk = item.get(SK);
        String detail = e instanceof DateTimeParseException ? "a time is malformed" : e.getMessage();
        return new CanaryStoreException("DynamoDB item " + (pk == null ? "?" : pk.s()) + "/" + (sk == null ? "?" : sk.s())
                + " is not a readable " + what + " (" + detail
                + "); was it written by something other than canarykit?", false, e);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
