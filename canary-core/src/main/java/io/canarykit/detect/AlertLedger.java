package io.canarykit.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.AlertType;
import io.canarykit.CanaryId;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.StoreEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * What the engine has alerted on, kept in the store's {@linkplain StoreEntry conditional entries} so that several
 * engines (threads, processes, machines) sharing one store alert on each sighting once, and a restart loses nothing.
 *
 * <ul>
 *   <li>{@code alerts:dirty}: which canaries may have sightings no alert covers yet, as tokens: a pass adds its token
 *       for a canary <em>before</em> it stores a sighting of it; a pass that has alerted on everything it read removes
 *       its own token, tokens that expired (their pass died) and "waiting" tokens, and adds a new waiting token when
 *       something is left for later (a follow-up window, a sink that failed, another engine's claim). A token of a
 *       pass still running is never removed by another, so no sighting is forgotten between storing and alerting.</li>
 *   <li>{@code alerts:state:<canary>}: how many alerts of the canary are done, when the last one was, how many
 *       sightings they covered; only ever moved forward, by compare-and-set.</li>
 *   <li>the claim {@code alert:<canary>/<n>} ({@link io.canarykit.store.Claims}): alert number {@code n} is delivered by
 *       whoever claims it; its payload fixes what it covers, so a take-over after a crash sends the same alert (same
 *       sightings, same id).</li>
 *   <li>{@code alerts:mark:<digest of source and event id>} = {@code <canary>#<n>}: which alert covers a sighting,
 *       written before delivery (immutable once written).</li>
 *   <li>{@code alerts:sent:<canary>/<n>/<sink>}: a sink took alert {@code n}, so a retry skips it.</li>
 * </ul>
 * Entries written by canarykit before these existed (checkpoints {@code canarykit.alerts.dirty},
 * {@code canarykit.alerts.state:<canary>}, {@code canarykit.alerted:<digest>}) are read as a fallback.
 *
 * <p>Thread-safe; it keeps only immutable facts (marks) in memory.
 */
final class AlertLedger {
    static final String DIRTY = "alerts:dirty";
    static final String STATE = "alerts:state:";
    static final String MARK = "alerts:mark:";
    static final String SENT = "alerts:sent:";
    /** The periods (epoch seconds of their start) with suppressed sightings whose digest is not sent yet. */
    static final String DIGESTS_PENDING = "alerts:digests";
    /** The canaries with suppressed sightings in a period: {@code alerts:digest:<epoch second>}. */
    static final String DIGEST_CANARIES = "alerts:digest:";
    /** What {@link #alertNumber} returns for a sighting held back by a suppression rule. */
    static final int SUPPRESSED = -1;
    static final String LEGACY_DIRTY = "canarykit.alerts.dirty";
    static final String LEGACY_STATE = "canarykit.alerts.state:";
    static final String LEGACY_MARK = "canarykit.alerted:";
    /** The prefix of tokens that keep a canary listed until someone alerts on what waits. */
    static final String WAITING = "waiting/";
    private static final int CAS_ATTEMPTS = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Per canary: alerts done, the time of the last, sightings covered. */
    record State(int alerts, @Nullable Instant lastAlertAt, int alerted) {
        static final State NONE = new State(0, null, 0);

        String encode() {
            return "alerts=" + alerts + ";last=" + (lastAlertAt == null ? "" : lastAlertAt.toString()) + ";alerted=" + alerted;
        }

        static State decode(@Nullable String text) {
            if (text == null || text.isBlank()) {
                return NONE;
            }
            int alerts = 0;
            Instant last = null;
            int alerted = 0;
            for (String part : text.split(";")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String k = part.substring(0, eq);
                String v = part.substring(eq + 1);
                switch (k) {
                    case "alerts": alerts = Integer.parseInt(v); break;
                    case "last": last = v.isEmpty() ? null : Instant.parse(v); break;
                    case "alerted": alerted = Integer.parseInt(v); break;
                    default: break;
                }
            }
            return new State(alerts, last, alerted);
        }
    }

    /** A token in the dirty set: who listed the canary, and until when the listing holds if nobody settles it. */
    record Token(String id, @Nullable Instant expiresAt) {
        boolean expiredAt(Instant now) {
            return expiresAt != null && !expiresAt.isAfter(now);
        }

        boolean waiting() {
            return id.startsWith(WAITING);
        }
    }

    /**
     * What alert number {@code n} of a canary covers, as recorded in its claim.
     *
     * @param type      initial or follow-up
     * @param raisedAt  when it was first raised (a resend keeps it)
     * @param prior     sightings alerted before it
     * @param sightings the {@linkplain #key digests} of the sightings it covers, in alert order
     * @param extra     what the engine adds (classification), as JSON text, or {@code null}
     */
    record Content(AlertType type, Instant raisedAt, int prior, List<String> sightings, @Nullable String extra) {
        String encode() {
            ObjectNode o = JSON.createObjectNode();
            o.put("type", type.name());
            o.put("raisedAt", raisedAt.toString());
            o.put("prior", prior);
            ArrayNode a = o.putArray("sightings");
            sightings.forEach(a::add);
            if (extra != null) {
                o.put("extra", extra);
            }
            try {
                return JSON.writeValueAsString(o);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Content decode(@Nullable String text) {
            if (text == null) {
                throw new CanaryStoreException("an alert claim holds no content (no payload): it was not written by"
                        + " canarykit's detection engine; is another program using the store's alert claims?", false);
            }
            try {
                JsonNode n = JSON.readTree(text);
                List<String> keys = new ArrayList<>();
                n.path("sightings").forEach(k -> keys.add(k.asText()));
                JsonNode extra = n.get("extra");
                return new Content(AlertType.valueOf(n.path("type").asText()), Instant.parse(n.path("raisedAt").asText()),
                        n.path("prior").asInt(), keys, extra == null || extra.isNull() ? null : extra.asText());
            } catch (JsonProcessingException | RuntimeException e) {
                throw new CanaryStoreException("an alert claim holds content canarykit cannot read: " + e.getMessage(), false, e);
            }
        }
    }

    private final CanaryStore store;
    private final Map<String, String> marks = new ConcurrentHashMap<>();
    private volatile boolean legacyImported;
    /** Canaries with alert state written before conditional entries: only their sightings may have old marks. */
    private final Set<CanaryId> legacyState = ConcurrentHashMap.newKeySet();
    private final Set<CanaryId> checkedState = ConcurrentHashMap.newKeySet();

    AlertLedger(CanaryStore store) {
        this.store = store;
    }

    // ------------------------------------------------------------------------------------------ the dirty set

    /** Every canary listed, with its tokens. */
    Map<CanaryId, List<Token>> dirty() {
        importLegacyDirtyList();
        return parse(store.entry(DIRTY).map(StoreEntry::value).orElse(""));
    }

    /** The tokens that list {@code id} now. */
    List<Token> tokens(CanaryId id) {
        return dirty().getOrDefault(id, List.of());
    }

    /** Lists {@code id} under {@code token} until {@code expiresAt} (before a sighting of it is stored). */
    void mark(CanaryId id, String token, Instant expiresAt) {
        update(all -> {
            List<Token> list = new ArrayList<>(all.getOrDefault(id, List.of()));
            list.removeIf(t -> t.id().equals(token));
            list.add(new Token(token, expiresAt));
            all.put(id, list);
            return all;
        });
    }

    /** Removes the given tokens of {@code id} (those still there) and adds {@code add} if not null, atomically. */
    void settle(CanaryId id, Set<String> remove, @Nullable Token add) {
        update(all -> {
            List<Token> list = new ArrayList<>(all.getOrDefault(id, List.of()));
            list.removeIf(t -> remove.contains(t.id()));
            if (add != null) {
                list.add(add);
            }
            if (list.isEmpty()) {
                all.remove(id);
            } else {
                all.put(id, list);
            }
            return all;
        });
    }

    /** A new waiting token (never expires): someone must alert on what waits before it goes. */
    static Token waitingToken() {
        return new Token(WAITING + Long.toHexString(ThreadLocalRandom.current().nextLong()), null);
    }

    private void update(UnaryOperator<Map<CanaryId, List<Token>>> change) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<StoreEntry> current = store.entry(DIRTY);
            String before = current.map(StoreEntry::value).orElse("");
            String after = format(change.apply(parse(before)));
            if (after.equals(before) && current.isPresent()) {
                return;
            }
            boolean written = current.isEmpty() ? store.putEntryIfAbsent(StoreEntry.of(DIRTY, after))
                    : store.replaceEntry(before, StoreEntry.of(DIRTY, after));
            if (written) {
                return;
            }
            pause(attempt);
        }
        throw new CanaryStoreException("the list of canaries to alert on (" + DIRTY + ") kept changing under "
                + CAS_ATTEMPTS + " attempts to update it; it is retried next pass", true);
    }

    static Map<CanaryId, List<Token>> parse(String text) {
        Map<CanaryId, List<Token>> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            Instant until = f.length > 2 && !f[2].equals("-") ? Instant.ofEpochMilli(Long.parseLong(f[2])) : null;
            out.computeIfAbsent(CanaryId.parse(f[0]), k -> new ArrayList<>()).add(new Token(f[1], until));
        }
        return out;
    }

    static String format(Map<CanaryId, List<Token>> all) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<CanaryId, List<Token>> e : new TreeMap<>(all).entrySet()) {
            for (Token t : e.getValue()) {
                sb.append(e.getKey().value()).append(' ').append(t.id()).append(' ')
                        .append(t.expiresAt() == null ? "-" : Long.toString(t.expiresAt().toEpochMilli())).append('\n');
            }
        }
        return sb.toString();
    }

    /** Canaries listed by a store written before conditional entries: listed again under a waiting token, once. */
    private void importLegacyDirtyList() {
        if (legacyImported) {
            return;
        }
        Optional<String> legacy = store.checkpoint(LEGACY_DIRTY);
        if (legacy.isPresent() && !legacy.get().isBlank()) {
            Set<CanaryId> ids = new TreeSet<>();
            for (String id : legacy.get().split(",")) {
                if (!id.isBlank()) {
                    ids.add(CanaryId.parse(id.trim()));
                }
            }
            for (CanaryId id : ids) {
                settle(id, Set.of(), waitingToken());
            }
            store.saveCheckpoint(LEGACY_DIRTY, "");
        }
        legacyImported = true;
    }

    // ------------------------------------------------------------------------------------------ state

    State state(CanaryId id) {
        Optional<StoreEntry> e = store.entry(STATE + id.value());
        if (!checkedState.contains(id)) {
            if (store.checkpoint(LEGACY_STATE + id.value()).isPresent()) {
                legacyState.add(id);
            }
            checkedState.add(id);
        }
        if (e.isPresent()) {
            return State.decode(e.get().value());
        }
        return State.decode(store.checkpoint(LEGACY_STATE + id.value()).orElse(null));
    }

    /** Moves the canary's state forward to {@code next} if it is behind (compare-and-set; never backwards). */
    void advance(CanaryId id, State next) {
        String key = STATE + id.value();
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<StoreEntry> e = store.entry(key);
            if (e.isEmpty()) {
                State legacy = State.decode(store.checkpoint(LEGACY_STATE + id.value()).orElse(null));
                State first = legacy.alerts() >= next.alerts() ? legacy : next;
                if (store.putEntryIfAbsent(StoreEntry.of(key, first.encode()))) {
                    return;
                }
                continue;
            }
            if (State.decode(e.get().value()).alerts() >= next.alerts()) {
                return;
            }
            if (store.replaceEntry(e.get().value(), StoreEntry.of(key, next.encode()))) {
                return;
            }
            pause(attempt);
        }
        throw new CanaryStoreException("the alert state of canary " + id + " kept changing under " + CAS_ATTEMPTS
                + " attempts to move it forward; it is retried next pass", true);
    }

    // ------------------------------------------------------------------------------------------ marks and sends

    /**
     * The number of the alert that covers the sighting, or 0 if none does. Call {@link #state} for the canary first
     * (it finds out whether old marks can exist).
     */
    int alertNumber(Sighting s) {
        String key = key(s);
        String v = marks.get(key);
        if (v == null) {
            boolean legacy = s.canaryId() != null && legacyState.contains(s.canaryId());
            v = store.entry(MARK + key).map(StoreEntry::value)
                    .or(() -> legacy ? store.checkpoint(LEGACY_MARK + key) : Optional.empty()).orElse(null);
            if (v == null) {
                return 0;
            }
            marks.put(key, v);
        }
        String after = v.substring(v.indexOf('#') + 1);
        return after.startsWith("S:") ? SUPPRESSED : Integer.parseInt(after);
    }

    /**
     * Holds a sighting back for the digest of the period starting at {@code period}: the canary is listed for that
     * period (and the period as pending) before the sighting is marked, so a crash in between loses nothing.
     *
     * @return the period the sighting is in (another engine may have put it in another period first)
     */
    long suppress(CanaryId id, Sighting s, String rule, long period) {
        addToSet(DIGESTS_PENDING, Long.toString(period));
        addToSet(DIGEST_CANARIES + period, id.value());
        String key = key(s);
        String value = id.value() + "#S:" + period + ":" + rule;
        store.putEntryIfAbsent(StoreEntry.of(MARK + key, value));
        String stored = store.entry(MARK + key).map(StoreEntry::value).orElse(value);
        marks.put(key, stored);
        long actual = suppressedPeriod(stored);
        if (actual != period && actual >= 0) {
            addToSet(DIGESTS_PENDING, Long.toString(actual));
            addToSet(DIGEST_CANARIES + actual, id.value());
        }
        return actual;
    }

    /** The period and rule a suppressed sighting is held in, as {@code <period>:<rule>}, or {@code null}. */
    @Nullable String suppression(Sighting s) {
        alertNumber(s);
        String v = marks.get(key(s));
        if (v == null) {
            return null;
        }
        int at = v.indexOf("#S:");
        return at < 0 ? null : v.substring(at + 3);
    }

    private static long suppressedPeriod(String markValue) {
        int at = markValue.indexOf("#S:");
        if (at < 0) {
            return -1;
        }
        String rest = markValue.substring(at + 3);
        return Long.parseLong(rest.substring(0, rest.indexOf(':')));
    }

    /** The members of an entry kept as a set (one per line). */
    SortedSet<String> set(String key) {
        return members(store.entry(key).map(StoreEntry::value).orElse(""));
    }

    private static SortedSet<String> members(String text) {
        SortedSet<String> out = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim());
            }
        }
        return out;
    }

    void addToSet(String key, String member) {
        changeSet(key, members -> members.add(member));
    }

    void removeFromSet(String key, String member) {
        changeSet(key, members -> members.remove(member));
    }

    private void changeSet(String key, Consumer<SortedSet<String>> change) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<StoreEntry> current = store.entry(key);
            String before = current.map(StoreEntry::value).orElse("");
            SortedSet<String> members = members(before);
            change.accept(members);
            String after = String.join("\n", members);
            if (current.isPresent() && after.equals(before)) {
                return;
            }
            boolean written = current.isEmpty() ? store.putEntryIfAbsent(StoreEntry.of(key, after))
                    : store.replaceEntry(before, StoreEntry.of(key, after));
            if (written) {
                return;
            }
            pause(attempt);
        }
        throw new CanaryStoreException(key + " kept changing under " + CAS_ATTEMPTS + " attempts to update it; it is"
                + " retried next pass", true);
    }

    boolean sent(String what, String sink) {
        return store.entry(SENT + what + "/" + sink).isPresent();
    }

    void recordSent(String what, String sink, Instant at, Instant keepUntil) {
        store.putEntryIfAbsent(StoreEntry.of(SENT + what + "/" + sink, at.toString(), keepUntil));
    }

    /** Records, before delivery, that alert {@code n} of {@code id} covers {@code sightingKey}. */
    void markCovered(CanaryId id, String sightingKey, int n) {
        String value = id.value() + "#" + n;
        store.putEntryIfAbsent(StoreEntry.of(MARK + sightingKey, value));
        marks.put(sightingKey, store.entry(MARK + sightingKey).map(StoreEntry::value).orElse(value));
    }

    boolean sent(CanaryId id, int n, String sink) {
        return store.entry(sentKey(id, n, sink)).isPresent();
    }

    void recordSent(CanaryId id, int n, String sink, Instant at, Instant keepUntil) {
        store.putEntryIfAbsent(StoreEntry.of(sentKey(id, n, sink), at.toString(), keepUntil));
    }

    private static String sentKey(CanaryId id, int n, String sink) {
        String name = sink.length() > 100 ? sink.substring(0, 100) : sink;
        return SENT + id.value() + "/" + n + "/" + name;
    }

    /** The claim name of alert {@code n} of {@code id}. */
    static String claimName(CanaryId id, int n) {
        return "alert:" + id.value() + "/" + n;
    }

    /** A fixed-length digest of the sighting's store key {@code (source, sourceEventId)}. */
    static String key(Sighting s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] d = md.digest((s.source() + '\u0000' + s.sourceEventId()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The stored sightings by their key. */
    static Map<String, Sighting> byKey(List<Sighting> sightings) {
        Map<String, Sighting> out = new LinkedHashMap<>();
        for (Sighting s : sightings) {
            out.put(key(s), s);
        }
        return out;
    }

    /** Which canaries are listed, for tests and status: empty when nothing waits. */
    static Map<CanaryId, List<Token>> listed(CanaryStore store) {
        Map<CanaryId, List<Token>> all = new HashMap<>(parse(store.entry(DIRTY).map(StoreEntry::value).orElse("")));
        store.checkpoint(LEGACY_DIRTY).filter(v -> !v.isBlank()).ifPresent(v -> {
            for (String id : v.split(",")) {
                if (!id.isBlank()) {
                    all.putIfAbsent(CanaryId.parse(id.trim()), List.of());
                }
            }
        });
        return all;
    }

    private static void pause(int attempt) {
        if (attempt < 2) {
            return;
        }
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2 + Math.min(attempt, 20) * 2L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryStoreException("interrupted while updating the alert ledger", true, e);
        }
    }
}
