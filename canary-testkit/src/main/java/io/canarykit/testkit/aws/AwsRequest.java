package io.canarykit.testkit.aws;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as the emulator sees it: method, raw path and query, headers (lower-case names), body, and what
 * the SigV4 credential scope says (access key id, date, region, service).
 */
final class AwsRequest {
    final String method;
    final String rawPath;
    final String rawQuery;
    final List<Map.Entry<String, String>> queryParams;
    final Map<String, List<String>> headers;
    final byte[] body;
    final String clientIp;

    // from SigV4 (Authorization header or presigned query); null when unsigned
    @Nullable String accessKeyId;
    @Nullable String scopeDate;
    @Nullable String region;
    @Nullable String service;
    @Nullable List<String> signedHeaders;
    @Nullable String signature;
    @Nullable String amzDate;
    boolean presigned;

    // filled in by the dispatcher (null until then, and for a request no service claims)
    @Nullable Protocol protocol;
    @Nullable String operation;
    Map<String, String> form = Map.of();

    AwsRequest(String method, String url, Map<String, List<String>> headers, byte @Nullable [] body,
               String clientIp) {
        this.method = method.toUpperCase(Locale.ROOT);
        int q = url.indexOf('?');
        this.rawPath = q < 0 ? url : url.substring(0, q);
        this.rawQuery = q < 0 ? "" : url.substring(q + 1);
        this.queryParams = parsePairs(rawQuery);
        this.headers = headers;
        this.body = body == null ? new byte[0] : body;
        this.clientIp = clientIp;
    }

    @Nullable String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Nullable String query(String name) {
        for (Map.Entry<String, String> e : queryParams) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    boolean hasQuery(String name) {
        for (Map.Entry<String, String> e : queryParams) {
            if (e.getKey().equals(name)) {
                return true;
            }
        }
        return false;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** {@code service:Operation}, the name fault rules match. */
    String qualifiedOperation() {
        return service + ":" + operation;
    }

    /** Parses {@code a=b&c=d} into decoded pairs ({@code +} is a space only in form bodies). */
    static List<Map.Entry<String, String>> parsePairs(@Nullable String raw) {
        if (raw == null || raw.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            out.add(Map.entry(percentDecode(k, false), percentDecode(v, false)));
        }
        return Collections.unmodifiableList(out);
    }

    /** Decodes a form body ({@code application/x-www-form-urlencoded}) into an ordered map. */
    static Map<String, String> parseForm(@Nullable String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            out.put(percentDecode(k, true), percentDecode(v, true));
        }
        return out;
    }

    static String percentDecode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out[n++] = (byte) Integer.parseInt(s.substring(i + 1, i + 3), 16);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out[n++] = ' ';
            } else if (c < 0x80) {
                out[n++] = (byte) c;
            } else {
                byte[] enc = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (n + enc.length > out.length) {
                    byte[] bigger = new byte[out.length + enc.length + 16];
                    System.arraycopy(out, 0, bigger, 0, n);
                    out = bigger;
                }
                System.arraycopy(enc, 0, out, n, enc.length);
                n += enc.length;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
