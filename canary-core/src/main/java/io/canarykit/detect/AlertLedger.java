package io.canarykit.detect;

import io.canarykit.CanaryId;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the engine has alerted on, kept in the store's key-value checkpoints so that it survives a restart and alerts
 * can be derived from stored state:
 * <ul>
 *   <li>{@code canarykit.alerts.dirty}: the canaries that have (or may have) sightings not alerted yet, written
 *       <em>before</em> a sighting is stored, so a crash between storing and alerting leaves the canary listed;</li>
 *   <li>{@code canarykit.alerts.state:<canary>}: how many alerts were sent, when the last one went out and how many
 *       sightings they covered;</li>
 *   <li>{@code canarykit.alerted:<digest of source and event id>}: one marker per alerted sighting (fixed length,
 *       so there is no size limit to exhaust however often a canary is used).</li>
 * </ul>
 * An alert is written down before it is delivered (its markers carry its number) and confirmed after (the state):
 * a crash in between makes the next pass send exactly that alert again, with the same sightings and so the same
 * {@link io.canarykit.alert.AlertJson#alertId alert id}. Delivery is at least once, and a repeat is recognisable.
 * Not thread-safe; the engine serialises access.
 */
final class AlertLedger {
    static final String DIRTY = "canarykit.alerts.dirty";
    static final String STATE = "canarykit.alerts.state:";
    static final String MARK = "canarykit.alerted:";

    /** Per canary: alerts sent, the time of the last, sightings covered. */
    record State(int alerts, Instant lastAlertAt, int alerted) {
        static final State NONE = new State(0, null, 0);

        String encode() {
            return "alerts=" + alerts + ";last=" + (lastAlertAt == null ? "" : lastAlertAt.toString()) + ";alerted=" + alerted;
        }

        static State decode(String text) {
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

    private final CanaryStore store;
    private Set<CanaryId> dirty;
    private final Map<CanaryId, Map<String, Integer>> alerted = new HashMap<>();

    AlertLedger(CanaryStore store) {
        this.store = store;
    }

    /** The canaries that may have sightings not alerted yet. */
    Set<CanaryId> dirty() {
        if (dirty == null) {
            dirty = new TreeSet<>();
            store.checkpoint(DIRTY).ifPresent(v -> {
                for (String id : v.split(",")) {
                    if (!id.isBlank()) {
                        dirty.add(CanaryId.parse(id));
                    }
                }
            });
        }
        return Set.copyOf(dirty);
    }

    /** Lists the canary as dirty (durably) before one of its sightings is stored. */
    void markDirty(CanaryId id) {
        dirty();
        if (dirty.add(id)) {
            try {
                saveDirty();
            } catch (RuntimeException | Error e) {
                dirty.remove(id);
                throw e;
            }
        }
    }

    /** Takes the canary off the dirty list: everything stored for it was alerted. */
    void clean(CanaryId id) {
        dirty();
        if (dirty.remove(id)) {
            try {
                saveDirty();
            } catch (RuntimeException | Error e) {
                dirty.add(id);
                throw e;
            }
        }
    }

    private void saveDirty() {
        StringBuilder sb = new StringBuilder();
        for (CanaryId id : dirty) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(id.value());
        }
        store.saveCheckpoint(DIRTY, sb.toString());
    }

    State state(CanaryId id) {
        return State.decode(store.checkpoint(STATE + id.value()).orElse(null));
    }

    /**
     * The number of the alert that covers (or is about to cover) the sighting, or 0 if none does. A number above
     * {@link State#alerts()} belongs to an alert whose delivery was not confirmed: it must be sent (again) as it is.
     */
    int alertNumber(CanaryId id, Sighting s) {
        Map<String, Integer> known = alerted.computeIfAbsent(id, k -> new HashMap<>());
        String key = key(s);
        Integer n = known.get(key);
        if (n != null) {
            return n;
        }
        Optional<String> mark = store.checkpoint(MARK + key);
        if (mark.isEmpty()) {
            return 0;
        }
        String v = mark.get();
        int number = Integer.parseInt(v.substring(v.indexOf('#') + 1));
        known.put(key, number);
        return number;
    }

    /**
     * Writes, before delivery, which sightings alert number {@code n} covers: should the process die before the
     * delivery is confirmed, the next pass sends exactly this alert again (same sightings, same alert id).
     */
    void intend(CanaryId id, List<Sighting> covered, int n) {
        Map<String, Integer> known = alerted.computeIfAbsent(id, k -> new HashMap<>());
        for (Sighting s : covered) {
            String key = key(s);
            store.saveCheckpoint(MARK + key, id.value() + "#" + n);
            known.put(key, n);
        }
    }

    /** Records that alert number {@code n} was handed to every sink. */
    void confirm(CanaryId id, int n, Instant at, int totalAlerted) {
        store.saveCheckpoint(STATE + id.value(), new State(n, at, totalAlerted).encode());
    }

    /** A fixed-length digest of the sighting's store key {@code (source, sourceEventId)}. */
    static String key(Sighting s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] d = md.digest((s.source() + '\u0000' + s.sourceEventId()).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
