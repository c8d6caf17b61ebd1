package io.canarykit.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One conditional entry of a {@link CanaryStore}: a small value under a key, written only by compare-and-set
 * ({@link CanaryStore#putEntryIfAbsent set-if-absent}, {@link CanaryStore#replaceEntry replace-if-equal},
 * {@link CanaryStore#deleteEntry delete-if-equal}), with an optional expiry after which it may be purged. Leases
 * ({@link Leases}), one-time claims ({@link Claims}) and replay protection are built on entries.
 *
 * <p>An entry holds no secret: never put a credential, token or key in one (a signature or a digest is fine).
 *
 * @param key       1 to {@value #MAX_KEY_LENGTH} characters, no control characters; callers keep their own prefix
 *                  ({@code lease:}, {@code claim:}, {@code replay:}) so that uses never collide
 * @param value     any text up to {@value #MAX_VALUE_LENGTH} characters; compare-and-set compares it exactly
 * @param expiresAt when the entry may be purged, kept to the millisecond; {@code null} for never. An expired entry
 *                  is still an entry (it blocks set-if-absent and compares as usual) until it is purged
 *
 * @since 0.1.0
 */
public record StoreEntry(String key, String value, @Nullable Instant expiresAt) {
    /** The longest key, in characters. */
    public static final int MAX_KEY_LENGTH = 256;
    /** The longest value, in characters. */
    public static final int MAX_VALUE_LENGTH = 65_536;

    /**
     * Checks the key and value and truncates the expiry to milliseconds (what every store keeps).
     *
     * @throws IllegalArgumentException if the key is empty, too long or holds a control character, or the value is
     *                                  too long (the message never echoes the value)
     */
    public StoreEntry {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("the value of store entry '" + key + "' has " + value.length()
                    + " characters; at most " + MAX_VALUE_LENGTH + " fit: keep entries small");
        }
        expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** An entry that never expires. */
    public static StoreEntry of(String key, String value) {
        return new StoreEntry(key, value, null);
    }

    /** An entry that may be purged from {@code expiresAt} on. */
    public static StoreEntry of(String key, String value, Instant expiresAt) {
        return new StoreEntry(key, value, Objects.requireNonNull(expiresAt, "expiresAt"));
    }

    /** True if the entry has an expiry and it is at or before {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /**
     * Checks an entry key.
     *
     * @throws IllegalArgumentException if it is empty, longer than {@value #MAX_KEY_LENGTH} characters or holds a
     *                                  control character
     */
    public static String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("a store entry key has 1 to " + MAX_KEY_LENGTH + " characters, this one "
                    + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw new IllegalArgumentException("a store entry key must not contain control characters (found one at"
                        + " index " + i + ")");
            }
        }
        return key;
    }
}
