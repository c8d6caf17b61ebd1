package io.canarykit.aws.issue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.issue.CanaryIssuerException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reading back from AWS what an issuer asked for: a canary counts as hardened only when AWS shows it. Compares policy
 * documents as JSON (IAM returns them URL-encoded and may reformat them) and tags ignoring key case (as IAM does).
 */
final class ReadBack {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 3;
    private static final long PAUSE_MILLIS = 50;

    private ReadBack() {
    }

    /**
     * True when {@code returned} (as a Get*Policy call returns it: URL-encoded, or plain) is the same policy as
     * {@code expected}; false for {@code null} or a document that is not JSON.
     */
    static boolean samePolicy(String expected, @Nullable String returned) {
        if (returned == null) {
            return false;
        }
        JsonNode want = parse(expected);
        if (want == null) {
            return false;
        }
        JsonNode plain = parse(returned);
        if (want.equals(plain)) {
            return true;
        }
        try {
            // RFC 3986 encoding has no '+' for a space: keep a literal '+' as it is
            String decoded = URLDecoder.decode(returned.replace("+", "%2B"), StandardCharsets.UTF_8);
            return want.equals(parse(decoded));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static @Nullable JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    /** The expected tags {@code actual} lacks or holds with another value, as {@code key=value} (values are not secret). */
    static List<String> missingTags(Map<String, String> expected, Map<String, String> actual) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String found = null;
            boolean present = false;
            for (Map.Entry<String, String> a : actual.entrySet()) {
                if (a.getKey().toLowerCase(Locale.ROOT).equals(e.getKey().toLowerCase(Locale.ROOT))) {
                    found = a.getValue() == null ? "" : a.getValue();
                    present = true;
                }
            }
            String want = e.getValue() == null ? "" : e.getValue();
            if (!present || !want.equals(found)) {
                missing.add(e.getKey() + "=" + want);
            }
        }
        return missing;
    }

    /**
     * Runs a read, trying again a few times while it fails with {@code NoSuchEntity} (IAM is eventually consistent:
     * what was created a moment ago may not be visible yet) or a failure that may pass.
     */
    static <T> T read(Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (SdkException e) {
                boolean again = AwsErrors.is(e, "NoSuchEntity") || AwsErrors.isTransient(e);
                if (attempt >= ATTEMPTS || !again) {
                    throw e;
                }
                try {
                    Thread.sleep(PAUSE_MILLIS * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The failure of an issuance whose read-back does not show what was asked. */
    static CanaryIssuerException notApplied(String what, List<String> problems) {
        return new CanaryIssuerException("AWS did not apply what was asked for " + what + ": "
                + String.join("; ", problems) + ". The AWS implementation ignored or lost part of the request, so the"
                + " canary would not be hardened; it was not activated", CanaryIssuerException.Reason.NOT_APPLIED,
                CanaryIssuerException.Residue.UNKNOWN, null, null);
    }
}
