package io.canarykit.policy;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** ARN helpers. */
final class Arns {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private Arns() {
    }

    /** The 12-digit account of an ARN, or {@code null} if it has none. */
    static @Nullable String account(@Nullable String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || !ACCOUNT.matcher(parts[4]).matches()) {
            return null;
        }
        return parts[4];
    }

    /** The partition of an ARN ({@code aws} when it cannot tell). */
    static String partition(@Nullable String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return "aws";
        }
        String[] parts = arn.split(":", 6);
        return parts.length > 1 && !parts[1].isEmpty() ? parts[1] : "aws";
    }

    /** The resource part (after the fifth colon), or {@code null}. */
    static @Nullable String resourcePart(@Nullable String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        return parts.length < 6 ? null : parts[5];
    }

    /** The service part, or {@code null}. */
    static @Nullable String service(@Nullable String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        return parts.length < 3 ? null : parts[2];
    }
}
