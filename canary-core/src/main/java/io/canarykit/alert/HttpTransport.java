package io.canarykit.alert;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.net.URLDecoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP POST per attempt with the JDK's client: 2xx is delivered; 408, 429 and 5xx are retried (honouring
 * {@code Retry-After} in seconds or as an HTTP date); anything else is refused. The reason of a failure holds the
 * status and the start of the receiver's answer, with every secret the transport knows (the URL, its path and query,
 * tokens in headers) replaced by {@code ****}.
 *
 * <p>Headers of the message's attributes named {@code header.<Name>} are sent as {@code <Name>}.
 */
final class HttpTransport implements Transport {
    static final String HEADER = "header.";
    private static final int MAX_REASON_BODY = 300;

    private final HttpClient http;
    private final URI url;
    private final Duration timeout;
    private final Map<String, String> headers;
    private final List<String> secrets;

    /**
     * @param headers fixed headers (may hold a secret, such as an authorization header)
     * @param secrets strings never to show in a reason (the URL's secret parts, tokens)
     */
    HttpTransport(HttpClient http, URI url, Duration timeout, Map<String, String> headers, List<String> secrets) {
        this.http = Objects.requireNonNull(http, "http");
        this.url = Objects.requireNonNull(url, "url");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.headers = Map.copyOf(headers);
        this.secrets = secrets.stream().filter(x -> x != null && x.length() >= 4).toList();
    }

    /** A client with {@code timeout} to connect, following no redirect. */
    static HttpClient client(Duration timeout) {
        return HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The parts of a URL that may hold a token: everything after the host, and each path segment and query value of
     * six characters or more on its own (a receiver may echo the token alone), longest first.
     */
    static List<String> secretParts(URI url) {
        Set<String> parts = new LinkedHashSet<>();
        for (String x : new String[]{url.toString(), url.getRawPath(), url.getRawQuery(), url.getRawUserInfo()}) {
            if (x != null && !x.isEmpty() && !x.equals("/")) {
                parts.add(x);
            }
        }
        if (url.getRawPath() != null) {
            for (String segment : url.getRawPath().split("/")) {
                if (segment.length() >= 6) {
                    parts.add(segment);
                    parts.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
                }
            }
        }
        if (url.getRawQuery() != null) {
            for (String pair : url.getRawQuery().split("&")) {
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.length() >= 6) {
                    parts.add(value);
                    parts.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
                }
            }
        }
        List<String> out = new ArrayList<>(parts);
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    /** What logs may show of a URL whose path or query holds a token: scheme and host only. */
    static String safe(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + "/****";
    }

    @Override
    public DeliveryAttempt attempt(DeliveryMessage m) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", m.contentType())
                .header("User-Agent", "canarykit")
                .POST(HttpRequest.BodyPublishers.ofByteArray(m.body()));
        headers.forEach(b::header);
        m.attributes().forEach((k, v) -> {
            if (k.startsWith(HEADER)) {
                b.header(k.substring(HEADER.length()), v);
            }
        });
        try {
            HttpResponse<InputStream> response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String answer;
            try (InputStream in = response.body()) {
                answer = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            if (status >= 200 && status < 300) {
                return DeliveryAttempt.ok();
            }
            String reason = "HTTP " + status + (answer.isBlank() ? "" : ": " + clip(answer));
            if (status == 408 || status == 429 || status >= 500) {
                Duration after = response.headers().firstValue("Retry-After").map(HttpTransport::retryAfter).orElse(null);
                return DeliveryAttempt.retry(redact(reason), after);
            }
            return DeliveryAttempt.refused(redact(reason));
        } catch (IOException e) {
            return DeliveryAttempt.retry(redact(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())), null);
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date; {@code null} if neither. */
    static @Nullable Duration retryAfter(String v) {
        String t = v.trim();
        try {
            long s = Long.parseLong(t);
            return s < 0 ? null : Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(Instant.now(),
                        ZonedDateTime.parse(t, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private String redact(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "****");
        }
        return out;
    }

    private static String clip(String answer) {
        String oneLine = answer.replaceAll("\\s+", " ").trim();
        return oneLine.length() > MAX_REASON_BODY ? oneLine.substring(0, MAX_REASON_BODY) + "..." : oneLine;
    }

    @Override
    public String toString() {
        return "HttpTransport[" + safe(url) + "]";
    }
}
