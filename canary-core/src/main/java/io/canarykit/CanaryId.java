package io.canarykit;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Random;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * canarykit's own identifier for a canary. AWS access key IDs are not unique for short-term credentials, so every
 * canary gets one of these: a ULID (48-bit millisecond timestamp + 80 random bits, 26 characters of Crockford
 * base32). IDs sort by creation time, as strings and as values.
 *
 * @since 0.1.0
 */
public record CanaryId(String value) implements Comparable<CanaryId> {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    /** The value of each character, -1 for those not in the alphabet. */
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }
    /** Length of every id. */
    public static final int LENGTH = 26;

    public CanaryId {
        Objects.requireNonNull(value, "value");
        String problem = problem(value);
        if (problem != null) {
            throw new CanaryConfigurationException("invalid canary id '" + value + "': " + problem
                    + "; a canary id is 26 characters of Crockford base32 such as 01JDQ3Z8ZK4M6X9V2B7N5C1A0E");
        }
    }

    /** A new id for the current instant of {@code clock}. */
    public static CanaryId generate(Clock clock) {
        return generate(clock.instant(), Entropy.RANDOM);
    }

    /** A new id for {@code instant}, drawing its random part from {@code random} (for reproducible tests). */
    public static CanaryId generate(Instant instant, Random random) {
        long time = instant.toEpochMilli();
        if (time < 0 || time >= (1L << 48)) {
            throw new IllegalArgumentException("instant out of ULID range: " + instant);
        }
        char[] out = new char[LENGTH];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        for (int i = 10; i < LENGTH; i++) {
            out[i] = ALPHABET[random.nextInt(32)];
        }
        return new CanaryId(new String(out));
    }

    /** Parses an id, accepting lower case. */
    public static CanaryId parse(String text) {
        Objects.requireNonNull(text, "canary id");
        return new CanaryId(text.trim().toUpperCase(Locale.ROOT));
    }

    /** When this id was generated (millisecond precision). */
    public Instant timestamp() {
        long time = 0;
        for (int i = 0; i < 10; i++) {
            time = (time << 5) | indexOf(value.charAt(i));
        }
        return Instant.ofEpochMilli(time);
    }

    @Override
    public int compareTo(CanaryId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static @Nullable String problem(String value) {
        if (value.length() != LENGTH) {
            return "it has " + value.length() + " characters, not " + LENGTH;
        }
        if (value.charAt(0) > '7') {
            return "its timestamp overflows 48 bits";
        }
        for (int i = 0; i < value.length(); i++) {
            if (indexOf(value.charAt(i)) < 0) {
                return "character '" + value.charAt(i) + "' at position " + (i + 1) + " is not Crockford base32";
            }
        }
        return null;
    }

    /** The random source of new ids, created on first use (reading canary ids needs none). */
    private static final class Entropy {
        static final Random RANDOM = new SecureRandom();
    }

    private static int indexOf(char c) {
        return c < VALUES.length ? VALUES[c] : -1;
    }
}
