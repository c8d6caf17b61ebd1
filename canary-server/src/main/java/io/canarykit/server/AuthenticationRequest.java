package io.canarykit.server;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an authenticator sees of a request before its body is read: the request line, the headers exactly as
 * received, the source address and, on TLS connections, the client's certificate chain.
 *
 * @param method             the HTTP method
 * @param rawPath            the path as sent (percent-encoded)
 * @param rawQuery           the query as sent, or {@code null}
 * @param headers            header values by lower-case name, in the order received, untrimmed and unchanged
 * @param source             the TCP peer's address
 * @param clientCertificates the client's certificate chain on a mutual-TLS connection, else empty
 * @param receivedAt         when the request head was complete
 *
 * @since 0.1.0
 */
public record AuthenticationRequest(String method, String rawPath, @Nullable String rawQuery,
                                    Map<String, List<String>> headers, @Nullable InetAddress source, List<X509Certificate> clientCertificates, Instant receivedAt) {
    public AuthenticationRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        headers = Map.copyOf(headers);
        clientCertificates = List.copyOf(clientCertificates);
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** The values of header {@code name} (any case), possibly empty. */
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The single value of header {@code name}, or {@code null} if absent. Callers refuse repeated credentials. */
    public @Nullable String header(String name) {
        List<String> v = headers(name);
        return v.isEmpty() ? null : v.get(0);
    }

    /** The path and query as signed: {@code rawPath[?rawQuery]}. */
    public String pathAndQuery() {
        return rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
    }
}
