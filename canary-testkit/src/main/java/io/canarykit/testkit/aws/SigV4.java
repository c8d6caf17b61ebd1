package io.canarykit.testkit.aws;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * AWS Signature Version 4, server side: reads the credential scope from the {@code Authorization} header (or a
 * presigned URL) and recomputes the signature from what was received.
 */
final class SigV4 {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final HexFormat HEX = HexFormat.of();

    private SigV4() {
    }

    /**
     * Fills the request's SigV4 fields from its Authorization header or presigned query.
     *
     * @return false when the request is not SigV4-signed at all
     * @throws IllegalArgumentException when the header is there but malformed (the message names what is wrong)
     */
    static boolean parse(AwsRequest r) {
        String auth = r.header("authorization");
        if (auth != null) {
            if (!auth.startsWith(ALGORITHM + " ")) {
                throw new IllegalArgumentException("Authorization header requires the AWS4-HMAC-SHA256 algorithm");
            }
            String credential = null;
            String signedHeaders = null;
            String signature = null;
            for (String part : auth.substring(ALGORITHM.length() + 1).split(",")) {
                String p = part.trim();
                if (p.startsWith("Credential=")) {
                    credential = p.substring("Credential=".length());
                } else if (p.startsWith("SignedHeaders=")) {
                    signedHeaders = p.substring("SignedHeaders=".length());
                } else if (p.startsWith("Signature=")) {
                    signature = p.substring("Signature=".length());
                }
            }
            if (credential == null || signedHeaders == null || signature == null) {
                throw new IllegalArgumentException(
                        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters");
            }
            fillScope(r, credential);
            r.signedHeaders = List.of(signedHeaders.split(";"));
            r.signature = signature;
            r.amzDate = r.header("x-amz-date");
            if (r.amzDate == null) {
                throw new IllegalArgumentException("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header");
            }
            return true;
        }
        String algorithm = r.query("X-Amz-Algorithm");
        if (algorithm != null) {
            String credential = r.query("X-Amz-Credential");
            String signedHeaders = r.query("X-Amz-SignedHeaders");
            r.signature = r.query("X-Amz-Signature");
            r.amzDate = r.query("X-Amz-Date");
            if (!ALGORITHM.equals(algorithm) || credential == null || signedHeaders == null || r.signature == null
                    || r.amzDate == null) {
                throw new IllegalArgumentException("presigned URL misses X-Amz-Credential, X-Amz-SignedHeaders, X-Amz-Date or X-Amz-Signature");
            }
            fillScope(r, credential);
            r.signedHeaders = List.of(signedHeaders.split(";"));
            r.presigned = true;
            return true;
        }
        return false;
    }

    /** What {@link #parse} filled in; checking a signature of a request it did not parse is a bug. */
    private static <T> T parsed(@Nullable T value, String what) {
        if (value == null) {
            throw new IllegalStateException(what + " is read by SigV4.parse, which must run first");
        }
        return value;
    }

    private static void fillScope(AwsRequest r, String credential) {
        String[] parts = credential.split("/");
        if (parts.length != 5 || !"aws4_request".equals(parts[4])) {
            throw new IllegalArgumentException("Credential should be scoped to a valid region, not '" + credentialScopeOnly(parts) + "'");
        }
        r.accessKeyId = parts[0];
        r.scopeDate = parts[1];
        r.region = parts[2];
        r.service = parts[3];
    }

    private static String credentialScopeOnly(String[] parts) {
        return parts.length > 1 ? String.join("/", Arrays.copyOfRange(parts, 1, parts.length)) : "";
    }

    /**
     * Whether the request's signature was made with this secret. Jetty replaces common {@code Content-Type} values by
     * its cached spelling (the SDK signs {@code charset=utf-8}, Jetty hands over {@code charset=UTF-8}), so a
     * mismatch is re-checked with the charset's case flipped.
     */
    static boolean verify(AwsRequest r, String secretAccessKey) {
        if (matches(r, secretAccessKey)) {
            return true;
        }
        List<String> ct = r.headers.get("content-type");
        if (ct == null || ct.size() != 1 || !parsed(r.signedHeaders, "SignedHeaders").contains("content-type")
                || !ct.get(0).toLowerCase(Locale.ROOT).contains("charset=")) {
            return false;
        }
        String original = ct.get(0);
        int at = original.toLowerCase(Locale.ROOT).indexOf("charset=") + "charset=".length();
        String charset = original.substring(at);
        for (String variant : List.of(charset.toLowerCase(Locale.ROOT), charset.toUpperCase(Locale.ROOT))) {
            if (variant.equals(charset)) {
                continue;
            }
            r.headers.put("content-type", List.of(original.substring(0, at) + variant));
            if (matches(r, secretAccessKey)) {
                return true;
            }
        }
        r.headers.put("content-type", ct);
        return false;
    }

    private static boolean matches(AwsRequest r, String secretAccessKey) {
        String expected = sign(r, secretAccessKey);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parsed(r.signature, "the signature").getBytes(StandardCharsets.US_ASCII));
    }

    /** The payload hash the request claims, or the one computed from its body. */
    static String payloadHash(AwsRequest r) {
        String claimed = r.header("x-amz-content-sha256");
        if (claimed != null) {
            return claimed;
        }
        if (r.presigned) {
            return "UNSIGNED-PAYLOAD";
        }
        return sha256Hex(r.body);
    }

    /** Whether a hex payload hash the client sent matches the body it sent. */
    static boolean payloadHashMatches(AwsRequest r) {
        String claimed = r.header("x-amz-content-sha256");
        if (claimed == null || claimed.length() != 64 || claimed.startsWith("STREAMING") || r.presigned) {
            return true;
        }
        return claimed.equalsIgnoreCase(sha256Hex(r.body));
    }

    static String sign(AwsRequest r, String secretAccessKey) {
        String scopeDate = parsed(r.scopeDate, "the credential scope's date");
        String region = parsed(r.region, "the credential scope's region");
        String service = parsed(r.service, "the credential scope's service");
        String canonical = canonicalRequest(r);
        String scope = scopeDate + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + r.amzDate + "\n" + scope + "\n"
                + sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), scopeDate);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return HEX.formatHex(hmac(key, stringToSign));
    }

    static String canonicalRequest(AwsRequest r) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(r.method).append('\n');
        sb.append(canonicalUri(r)).append('\n');
        sb.append(canonicalQuery(r)).append('\n');
        List<String> signedHeaders = parsed(r.signedHeaders, "SignedHeaders");
        for (String name : signedHeaders) {
            sb.append(name).append(':').append(canonicalHeaderValue(r.headers.get(name))).append('\n');
        }
        sb.append('\n');
        sb.append(String.join(";", signedHeaders)).append('\n');
        sb.append(payloadHash(r));
        return sb.toString();
    }

    private static String canonicalUri(AwsRequest r) {
        String path = r.rawPath.isEmpty() ? "/" : r.rawPath;
        if ("s3".equals(r.service)) {
            return path; // S3: no double encoding, no normalisation
        }
        return encode(path, true);
    }

    private static String canonicalQuery(AwsRequest r) {
        List<String[]> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : r.queryParams) {
            if (r.presigned && "X-Amz-Signature".equals(e.getKey())) {
                continue;
            }
            pairs.add(new String[] {encode(e.getKey(), false), encode(e.getValue(), false)});
        }
        pairs.sort((a, b) -> {
            int c = a[0].compareTo(b[0]);
            return c != 0 ? c : a[1].compareTo(b[1]);
        });
        StringBuilder sb = new StringBuilder();
        for (String[] p : pairs) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(p[0]).append('=').append(p[1]);
        }
        return sb.toString();
    }

    /** A header's canonical value; a signed header the request does not carry has an empty one. */
    private static String canonicalHeaderValue(@Nullable List<String> values) {
        if (values == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(v.trim().replaceAll(" +", " "));
        }
        return sb.toString();
    }

    /** RFC 3986 encoding as the SDK does it (unreserved characters kept; '/' kept when {@code keepSlash}). */
    static String encode(String s, boolean keepSlash) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/')) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
