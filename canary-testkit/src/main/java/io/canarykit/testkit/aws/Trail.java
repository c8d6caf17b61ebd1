package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

import org.jspecify.annotations.Nullable;

/**
 * The emulated trail: every recorded event (for LookupEvents and tests), the log files delivered to the trail bucket
 * after the delivery delay, and the EventBridge envelopes waiting to be handed to the sink. Guarded by the engine's
 * lock.
 */
final class Trail {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    /** A recorded event with its position (for stable paging) and when LookupEvents may see it. */
    record Entry(long seq, TrailRecord record, Instant visibleAt) {
    }

    /** An object in the trail bucket. */
    record StoredObject(String key, byte[] content, Instant lastModified, String etag, int recordCount) {
    }

    private static final class Pending {
        final Instant first;
        final List<String> records = new ArrayList<>();

        Pending(Instant first) {
            this.first = first;
        }
    }

    final String bucket;
    final Instant bucketCreated;
    final String organizationId;
    final boolean organizationTrail;
    private final Duration deliveryDelay;
    private final Duration lookupDelay;
    private final int maxRecords;
    private final @Nullable CloudTrailEventSink sink;
    private final boolean sinkAllManagementEvents;
    private final Ids ids;

    private final List<Entry> entries = new ArrayList<>();
    private long seq;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    final TreeMap<String, StoredObject> objects = new TreeMap<>();
    private final List<String> outbox = new ArrayList<>();
    /** Objects written since the last drain, for the S3 notification sink. */
    private final List<S3ObjectCreated> created = new ArrayList<>();
    /** The bucket owner (the management account), for notifications. */
    String owner = "";

    Trail(String bucket, Instant bucketCreated, String organizationId, boolean organizationTrail, Duration deliveryDelay,
          Duration lookupDelay, int maxRecords, @Nullable CloudTrailEventSink sink, boolean sinkAllManagementEvents,
          Ids ids) {
        this.bucket = bucket;
        this.bucketCreated = bucketCreated;
        this.organizationId = organizationId;
        this.organizationTrail = organizationTrail;
        this.deliveryDelay = deliveryDelay;
        this.lookupDelay = lookupDelay;
        this.maxRecords = maxRecords;
        this.sink = sink;
        this.sinkAllManagementEvents = sinkAllManagementEvents;
        this.ids = ids;
    }

    void add(TrailRecord record, ObjectNode json, String iamPrefix, Instant now) {
        entries.add(new Entry(++seq, record, now.plus(lookupDelay)));
        if (entries.size() > maxRecords) {
            entries.subList(0, entries.size() - maxRecords).clear();
        }
        String key = record.recipientAccountId() + "|" + record.awsRegion();
        pending.computeIfAbsent(key, k -> new Pending(now)).records.add(record.json());
        if (sink != null && (sinkAllManagementEvents || !skippedByPlainRule(record))) {
            ObjectNode env = Wire.JSON.createObjectNode();
            env.put("version", "0");
            env.put("id", ids.uuid().toString());
            env.put("detail-type", "AWS API Call via CloudTrail");
            env.put("source", "aws." + iamPrefix);
            env.put("account", record.recipientAccountId());
            env.put("time", Xml.time(record.eventTime()));
            env.put("region", record.awsRegion());
            env.putArray("resources");
            env.set("detail", json);
            outbox.add(env.toString());
        }
    }

    /** Read-only Get/List/Describe events reach a rule only in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS. */
    private static boolean skippedByPlainRule(TrailRecord r) {
        String n = r.eventName();
        return r.readOnly() && (n.startsWith("Get") || n.startsWith("List") || n.startsWith("Describe"));
    }

    /** Envelopes for the sink, removed from the outbox. */
    List<String> drainOutbox() {
        if (outbox.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(outbox);
        outbox.clear();
        return out;
    }

    @Nullable CloudTrailEventSink sink() {
        return sink;
    }

    /** Writes a log file for every account and region whose oldest pending record is older than the delay. */
    void deliverDue(Instant now) {
        if (pending.isEmpty()) {
            return;
        }
        Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Pending> e = it.next();
            if (!now.isBefore(e.getValue().first.plus(deliveryDelay))) {
                write(e.getKey(), e.getValue(), now);
                it.remove();
            }
        }
    }

    /** Writes every pending record now. */
    void deliverAll(Instant now) {
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            write(e.getKey(), e.getValue(), now);
        }
        pending.clear();
    }

    private void write(String accountRegion, Pending p, Instant now) {
        int bar = accountRegion.indexOf('|');
        String account = accountRegion.substring(0, bar);
        String region = accountRegion.substring(bar + 1);
        StringBuilder json = new StringBuilder(64 + p.records.size() * 1200).append("{\"Records\":[");
        for (int i = 0; i < p.records.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(p.records.get(i));
        }
        json.append("]}");
        byte[] gz = gzip(json.toString().getBytes(StandardCharsets.UTF_8));
        String key = "AWSLogs/" + (organizationTrail ? organizationId + "/" : "") + account + "/CloudTrail/" + region
                + "/" + DAY.format(now) + "/" + account + "_CloudTrail_" + region + "_" + STAMP.format(now) + "_"
                + ids.alnum(16) + ".json.gz";
        put(key, gz, now, p.records.size());
    }

    /** Stores an object in the bucket and queues its notification. */
    void put(String key, byte[] content, Instant now, int recordCount) {
        String etag = md5(content);
        objects.put(key, new StoredObject(key, content, now, etag, recordCount));
        created.add(new S3ObjectCreated(bucket, key, content.length, etag, now,
                String.format("%016X", now.toEpochMilli() * 1000 + created.size()), owner, "us-east-1"));
    }

    /** Notifications for objects written since the last call, removed. */
    List<S3ObjectCreated> drainCreated() {
        if (created.isEmpty()) {
            return List.of();
        }
        List<S3ObjectCreated> out = new ArrayList<>(created);
        created.clear();
        return out;
    }

    List<Entry> entries() {
        return entries;
    }

    void clear() {
        entries.clear();
        pending.clear();
        objects.clear();
        outbox.clear();
        created.clear();
    }

    /** The records of one account in one region that LookupEvents may see now, newest first. */
    List<Entry> visible(String account, String region, Instant now) {
        List<Entry> out = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            TrailRecord r = e.record();
            if (r.recipientAccountId().equals(account) && r.awsRegion().equals(region) && !e.visibleAt().isAfter(now)) {
                out.add(e);
            }
        }
        out.sort((a, b) -> {
            int c = b.record().eventTime().compareTo(a.record().eventTime());
            return c != 0 ? c : Long.compare(b.seq(), a.seq());
        });
        return out;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 4 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return Wire.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
