package io.canarykit.placement.endpoint;

import org.jspecify.annotations.Nullable;

/** The AWS account id that a new-format access key id encodes (AWS-REFERENCE §K.1), for plausible metadata answers. */
final class AccountIds {
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private AccountIds() {
    }

    /** The 12-digit account, or {@code null} for an old-format or undecodable key id. */
    static @Nullable String fromAccessKeyId(@Nullable String keyId) {
        if (keyId == null || keyId.length() < 13) {
            return null;
        }
        long v = 0;
        for (int i = 4; i <= 12; i++) {
            int d = BASE32.indexOf(keyId.charAt(i));
            if (d < 0) {
                return null;
            }
            v = (v << 5) | d;
        }
        if ((v >>> 44) != 1) {
            return null;
        }
        long account = (v >>> 4) & 0xFF_FFFF_FFFFL;
        return account > 999_999_999_999L ? null : String.format("%012d", account);
    }
}
