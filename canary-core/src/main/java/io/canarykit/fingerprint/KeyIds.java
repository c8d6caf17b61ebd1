package io.canarykit.fingerprint;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Principal;

import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Parses, decodes and generates AWS access key ids ({@code AKIA…}, {@code ASIA…}) and IAM unique ids ({@code AIDA…},
 * {@code AROA…}, …) offline.
 *
 * <p>Strict decoding (AWS-REFERENCE §K.1): characters 5-13 (index 4-12) are RFC 4648 base32; the top bit of character
 * 5 (the generation bit) must be set; the next 40 bits are the account, which must be at most 999999999999 and is
 * printed as 12 digits with leading zeros. The whole id must be 16-128 upper-case letters and digits (AWS's own bounds)
 * and start with one of the twelve documented prefixes. Old-format ids ({@code AKIAI…}, {@code AKIAJ…}) and invalid
 * ones decode to no account, with the reason.
 *
 * <p>Lenient decoding is what trufflehog-style attacker tools do, because that is what an attacker sees: upper-case the
 * input, reject only {@code I}/{@code J} in character 5, decode characters 5-13 with no generation-bit or range check.
 *
 * <p>All methods are thread-safe and allocation-light.
 *
 * @since 0.1.0
 */
public final class KeyIds {
    /** RFC 4648 base32 alphabet. */
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    /** The largest AWS account number. */
    static final long MAX_ACCOUNT = 999_999_999_999L;
    /** Shortest id AWS accepts ({@code accessKeyIdType}, {@code idType}). */
    public static final int MIN_LENGTH = 16;
    /** Longest id AWS accepts. */
    public static final int MAX_LENGTH = 128;
    /** Characters needed to decode the account: the prefix and nine base32 characters. */
    static final int DECODE_LENGTH = 13;

    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            VALUES[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    private KeyIds() {
    }

    /**
     * Parses any string. Never throws: {@code null}, empty, short, lower-case, old-format and garbage inputs all come
     * back as a {@link KeyId} whose {@link KeyId#reason()} says why no account decodes.
     *
     * @param keyId the id, may be {@code null}
     * @return the parse result, never {@code null}
     */
    public static KeyId parse(@Nullable String keyId) {
        if (keyId == null) {
            return new KeyId(null, null, KeyType.UNKNOWN, KeyIdFormat.INVALID, null, null,
                    "no key id given (null): pass an access key id such as AKIA… or ASIA…, or a unique id such as AIDA…");
        }
        if (keyId.isEmpty()) {
            return new KeyId(keyId, null, KeyType.UNKNOWN, KeyIdFormat.INVALID, null, null,
                    "empty key id: pass an access key id such as AKIA… or ASIA…, or a unique id such as AIDA…");
        }
        String prefix = keyId.length() >= 4 ? keyId.substring(0, 4) : null;
        KeyType type = KeyType.fromPrefix(prefix);
        String lenient = lenientAccount(keyId);

        for (int i = 0; i < keyId.length(); i++) {
            char c = keyId.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return invalid(keyId, prefix, type, lenient, describe(c) + " at position " + (i + 1)
                        + ": AWS key ids are upper-case letters and digits only");
            }
        }
        if (keyId.length() < MIN_LENGTH) {
            return invalid(keyId, prefix, type, lenient, "too short: " + keyId.length()
                    + " characters, but AWS key ids have " + MIN_LENGTH + " to " + MAX_LENGTH
                    + " (access keys 20, unique ids 21)");
        }
        if (keyId.length() > MAX_LENGTH) {
            return invalid(keyId, prefix, type, lenient, "too long: " + keyId.length()
                    + " characters, but AWS key ids have at most " + MAX_LENGTH);
        }
        if (keyId.charAt(0) != 'A') {
            return invalid(keyId, prefix, type, lenient,
                    "starts with '" + keyId.charAt(0) + "': every AWS key and unique id starts with 'A'");
        }
        char g = keyId.charAt(4);
        if (g == 'I' || g == 'J') {
            return new KeyId(keyId, prefix, type, KeyIdFormat.OLD, null, lenient,
                    "old-format id (character 5 is '" + g + "'): ids issued before about 2019 encode no account"
                            + " anyone has decoded");
        }
        int first = value(g);
        if (first < 16) {
            return invalid(keyId, prefix, type, lenient, "character 5 is '" + g + "', so the generation bit is "
                    + (first < 0 ? "missing ('" + g + "' is not base32)" : "0")
                    + ": real ids have Q-Z or 2-7 there (new format) or I/J (old format); this looks like a"
                    + " placeholder or a made-up id");
        }
        long v = first;
        for (int i = 5; i < DECODE_LENGTH; i++) {
            int d = value(keyId.charAt(i));
            if (d < 0) {
                return invalid(keyId, prefix, type, lenient, "character " + (i + 1) + " is '" + keyId.charAt(i)
                        + "', which is not base32 (A-Z, 2-7), so the account cannot be decoded");
            }
            v = (v << 5) | d;
        }
        long account = (v >>> 4) & 0xFF_FFFF_FFFFL;
        if (account > MAX_ACCOUNT) {
            return invalid(keyId, prefix, type, lenient, "encodes " + account
                    + ", which is above 999999999999 and so cannot be an AWS account");
        }
        if (type == KeyType.UNKNOWN) {
            return new KeyId(keyId, prefix, type, KeyIdFormat.NEW, null, lenient, "unknown prefix '" + prefix
                    + "': AWS documents ABIA, ACCA, AGPA, AIDA, AIPA, AKIA, ANPA, ANVA, APKA, AROA, ASCA and ASIA;"
                    + " the account is not decoded from an id of unknown layout");
        }
        return new KeyId(keyId, prefix, type, KeyIdFormat.NEW, format(account), lenient, null);
    }

    /**
     * The account under strict decoding, or {@code null}. Never throws.
     *
     * @param keyId the id, may be {@code null}
     */
    public static @Nullable String account(@Nullable String keyId) {
        return parse(keyId).accountId();
    }

    /**
     * What a trufflehog-style attacker tool decodes: upper-cased input, characters 5-13 as base32, only {@code I} or
     * {@code J} in character 5 rejected, 40 bits printed with at least 12 digits (so up to 13). {@code null} when even
     * such a tool decodes nothing (null, shorter than 13 characters, {@code I}/{@code J}, non-base32 characters).
     * Never throws.
     *
     * @param keyId the id, may be {@code null}
     */
    public static @Nullable String lenientAccount(@Nullable String keyId) {
        if (keyId == null || keyId.length() < DECODE_LENGTH) {
            return null;
        }
        long v = 0;
        for (int i = 4; i < DECODE_LENGTH; i++) {
            char c = Character.toUpperCase(keyId.charAt(i));
            if (i == 4 && (c == 'I' || c == 'J')) {
                return null;
            }
            int d = value(c);
            if (d < 0) {
                return null;
            }
            v = (v << 5) | d;
        }
        return format((v >>> 4) & 0xFF_FFFF_FFFFL);
    }

    /**
     * Generates a realistic new-format id of the type's typical length (20 for access keys such as {@code AKIA} and
     * {@code ASIA}, 21 for unique ids such as {@code AIDA} and {@code AROA}) that strictly decodes to
     * {@code accountId}. For tests and emulators; the randomness is the caller's.
     *
     * @param prefix    one of the twelve documented prefixes, e.g. {@code AKIA}
     * @param accountId a 12-digit account id
     * @param random    the source of the random part
     * @throws CanaryConfigurationException for an unknown prefix or a malformed account id
     */
    public static String generate(String prefix, String accountId, RandomGenerator random) {
        KeyType type = requireKnown(prefix);
        return generate(prefix, accountId, random, type.typicalLength());
    }

    /**
     * Like {@link #generate(String, String, RandomGenerator)} for a key type.
     *
     * @param type any type but {@link KeyType#UNKNOWN}
     * @throws CanaryConfigurationException for {@link KeyType#UNKNOWN} or a malformed account id
     */
    public static String generate(KeyType type, String accountId, RandomGenerator random) {
        Objects.requireNonNull(type, "type");
        // requireKnown throws for UNKNOWN, the only type without a prefix, with the same message as before
        KeyType known = requireKnown(type.prefix());
        return generate(Objects.requireNonNull(known.prefix(), "prefix"), accountId, random);
    }

    /**
     * Like {@link #generate(String, String, RandomGenerator)} with an explicit length.
     *
     * @param length 16 to 128
     * @throws CanaryConfigurationException for an unknown prefix, a malformed account id or a length out of range
     */
    public static String generate(String prefix, String accountId, RandomGenerator random, int length) {
        requireKnown(prefix);
        Principal.requireAccount(accountId);
        Objects.requireNonNull(random, "random");
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new CanaryConfigurationException("key id length " + length + " is out of range: AWS key ids have "
                    + MIN_LENGTH + " to " + MAX_LENGTH + " characters");
        }
        long account = Long.parseLong(accountId);
        long v = (1L << 44) | (account << 4) | random.nextInt(16);
        char[] out = new char[length];
        prefix.getChars(0, 4, out, 0);
        for (int i = 0; i < 9; i++) {
            out[4 + i] = ALPHABET.charAt((int) ((v >>> (5 * (8 - i))) & 31));
        }
        for (int i = DECODE_LENGTH; i < length; i++) {
            out[i] = ALPHABET.charAt(random.nextInt(32));
        }
        return new String(out);
    }

    private static KeyType requireKnown(@Nullable String prefix) {
        KeyType type = KeyType.fromPrefix(prefix);
        if (type == KeyType.UNKNOWN) {
            throw new CanaryConfigurationException("unknown key id prefix '" + prefix
                    + "': use one of ABIA, ACCA, AGPA, AIDA, AIPA, AKIA, ANPA, ANVA, APKA, AROA, ASCA, ASIA");
        }
        return type;
    }

    private static KeyId invalid(String keyId, @Nullable String prefix, KeyType type, @Nullable String lenient,
                                 String reason) {
        return new KeyId(keyId, prefix, type, KeyIdFormat.INVALID, null, lenient, reason);
    }

    private static int value(char c) {
        return c < 128 ? VALUES[c] : -1;
    }

    private static String format(long account) {
        String digits = Long.toString(account);
        return digits.length() >= 12 ? digits : "000000000000".substring(digits.length()) + digits;
    }

    private static String describe(char c) {
        if (Character.isWhitespace(c)) {
            return "contains whitespace";
        }
        if (Character.isLowerCase(c)) {
            return "contains a lower-case letter";
        }
        if (c < 32 || c > 126) {
            return String.format(Locale.ROOT, "contains the character U+%04X", (int) c);
        }
        return "contains '" + c + "'";
    }
}
