package io.canarykit.testkit.aws;

import io.canarykit.fingerprint.KeyIds;

import java.util.Random;
import java.util.UUID;

/**
 * Identifiers in AWS's real formats: new-format access key ids and unique ids that encode the emulated account (so the
 * fingerprint capability decodes them), 40-character secrets, session tokens, request and event ids.
 */
final class Ids {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final char[] SECRET_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] DIGITS = "0123456789".toCharArray();

    private final Random random;

    Ids(Random random) {
        this.random = random;
    }

    /**
     * A new-format id: {@code prefix} + 9 base32 characters holding the generation bit, the 40-bit account and 4
     * random bits, then random base32 characters up to {@code length}.
     */
    static String accountEncoded(String prefix, String accountId, int length, Random random) {
        return KeyIds.generate(prefix, accountId, random, length);
    }

    /** A 20-character access key id ({@code AKIA} long-term, {@code ASIA} temporary). */
    String accessKeyId(String prefix, String accountId) {
        return accountEncoded(prefix, accountId, 20, random);
    }

    /** A 21-character unique id ({@code AIDA} user, {@code AROA} role, {@code ANPA} policy, ...). */
    String uniqueId(String prefix, String accountId) {
        return accountEncoded(prefix, accountId, 21, random);
    }

    String secretAccessKey() {
        return random(SECRET_CHARS, 40);
    }

    /** A session token shaped like STS's (base64 text starting with the usual {@code IQoJb3JpZ2luX2Vj} header). */
    String sessionToken() {
        return "IQoJb3JpZ2luX2VjE" + random(SECRET_CHARS, 340) + "==";
    }

    String requestId() {
        return uuid().toString();
    }

    UUID uuid() {
        long msb = random.nextLong();
        long lsb = random.nextLong();
        msb = (msb & ~0xF000L) | 0x4000L;
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    String alnum(int length) {
        return random(ALNUM, length);
    }

    String lowerAlnum(int length) {
        return random(LOWER_ALNUM, length);
    }

    String upperAlnum(int length) {
        return random(BASE32, length);
    }

    String digits(int length) {
        return random(DIGITS, length);
    }

    String hex(int length) {
        return random("0123456789abcdef".toCharArray(), length);
    }

    private String random(char[] alphabet, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
