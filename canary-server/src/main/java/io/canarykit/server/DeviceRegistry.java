package io.canarykit.server;

import io.canarykit.store.CanaryStore;
import io.canarykit.store.StoreEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Devices as the store's conditional entries: {@code device:<id>} holds when a device was first and last seen (created
 * on first contact), {@code device-key:<id>} the SHA-256 of its device credential (never the credential). Both are
 * written by compare-and-set, so several copies of the server sharing a store agree.
 *
 * <p>Thread-safe.
 */
final class DeviceRegistry {
    static final String SEEN = "device:";
    static final String KEY = "device-key:";
    /** Device ids: what certificates and enrollment tokens may name. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final CanaryStore store;
    private final Clock clock;

    DeviceRegistry(CanaryStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records a contact; returns true if this is the device's first. */
    boolean seen(String device) {
        String now = clock.instant().toString();
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<StoreEntry> e = store.entry(SEEN + device);
            if (e.isEmpty()) {
                if (store.putEntryIfAbsent(StoreEntry.of(SEEN + device, "first-seen=" + now + " last-seen=" + now))) {
                    return true;
                }
                continue;
            }
            String old = e.get().value();
            String first = field(old, "first-seen");
            if (store.replaceEntry(old, StoreEntry.of(SEEN + device, "first-seen=" + (first == null ? now : first)
                    + " last-seen=" + now))) {
                return false;
            }
        }
        return false; // another copy recorded a contact at the same moment: as good as ours
    }

    /** When the device was last seen, if ever. */
    Optional<Instant> lastSeen(String device) {
        return store.entry(SEEN + device).map(e -> field(e.value(), "last-seen")).flatMap(DeviceRegistry::instant);
    }

    /** Replaces the device's credential by one whose SHA-256 is {@code hash} (a new enrollment). */
    void setCredential(String device, byte[] hash) {
        String value = HexFormat.of().formatHex(hash);
        while (true) {
            Optional<StoreEntry> e = store.entry(KEY + device);
            if (e.isEmpty() ? store.putEntryIfAbsent(StoreEntry.of(KEY + device, value))
                    : store.replaceEntry(e.get().value(), StoreEntry.of(KEY + device, value))) {
                return;
            }
        }
    }

    /** Whether {@code secret} is the device's credential (constant time in the secret). */
    boolean credentialMatches(String device, String secret) {
        Optional<StoreEntry> e = store.entry(KEY + device);
        byte[] presented = Hashes.sha256(secret.getBytes(StandardCharsets.UTF_8));
        byte[] expected;
        try {
            expected = e.map(x -> HexFormat.of().parseHex(x.value())).orElse(new byte[32]);
        } catch (IllegalArgumentException bad) {
            expected = new byte[32];
        }
        return MessageDigest.isEqual(presented, expected) && e.isPresent();
    }

    /** Forgets the device: its credential stops working, its last contact is dropped. */
    void retire(String device) {
        store.entry(KEY + device).ifPresent(e -> store.deleteEntry(KEY + device, e.value()));
        store.entry(SEEN + device).ifPresent(e -> store.deleteEntry(SEEN + device, e.value()));
    }

    private static @Nullable String field(String value, String name) {
        for (String part : value.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static Optional<Instant> instant(String s) {
        try {
            return Optional.of(Instant.parse(s));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
