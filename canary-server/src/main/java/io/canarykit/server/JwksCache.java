package io.canarykit.server;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An issuer's published signing keys (its JWK set), fetched over HTTPS and cached. The keys are served from the cache
 * for {@code ttl}; after that the next token refreshes them. A token whose key the cache does not hold (the issuer
 * rotated its keys) refreshes once, but at most once per {@code minRefreshInterval}, so tokens with made-up key ids
 * cannot make the server hammer the issuer. One fetch runs at a time; it must complete within {@code timeout} and
 * deliver at most {@code maxBytes} and {@code maxKeys} keys, or it fails and the keys held so far stay in use. Only
 * public asymmetric keys are kept (a symmetric {@code oct} key in the set is dropped, so it can never verify an HMAC
 * token). Parsing and matching are Nimbus JOSE+JWT's.
 *
 * <p>Thread-safe.
 */
final class JwksCache implements JWKSource<SecurityContext> {
    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);

    private final URI uri;
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private final int maxBytes;
    private final int maxKeys;
    private final Duration ttl;
    private final Duration minRefreshInterval;
    private final Object lock = new Object();
    private volatile @Nullable Snapshot current;
    private @Nullable Instant lastAttempt; // guarded by lock
    private @Nullable String lastFailure; // guarded by lock
    private long fetches; // guarded by lock

    private record Snapshot(JWKSet keys, Instant fetchedAt) {
    }

    JwksCache(URI uri, HttpClient http, Clock clock, Duration timeout, int maxBytes, int maxKeys, Duration ttl,
              Duration minRefreshInterval) {
        this.uri = uri;
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.maxKeys = maxKeys;
        this.ttl = ttl;
        this.minRefreshInterval = minRefreshInterval;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        Instant now = clock.instant();
        Snapshot s = current;
        if (s == null || !now.isBefore(s.fetchedAt().plus(ttl))) {
            s = refresh(s, now);
        }
        List<JWK> found = selector.select(s.keys());
        if (found.isEmpty()) {
            Snapshot fresh = refresh(s, now); // an unknown key: the issuer may have rotated (rate-limited)
            if (fresh != s) {
                found = selector.select(fresh.keys());
            }
        }
        return found;
    }

    /** How many fetches were attempted (for tests and metrics). */
    long fetches() {
        synchronized (lock) {
            return fetches;
        }
    }

    /**
     * Fetches the set again unless another thread just did (then its result is used) or the last attempt is less than
     * {@code minRefreshInterval} ago (then what is held is used, or the last failure is thrown when nothing is).
     */
    private Snapshot refresh(@Nullable Snapshot seen, Instant now) throws KeySourceException {
        synchronized (lock) {
            Snapshot s = current;
            if (s != null && s != seen) {
                return s; // refreshed while this thread waited
            }
            if (lastAttempt != null && now.isBefore(lastAttempt.plus(minRefreshInterval))) {
                if (s != null) {
                    return s;
                }
                throw new KeySourceException("the issuer's keys could not be fetched (" + lastFailure + "); next "
                        + "attempt after " + lastAttempt.plus(minRefreshInterval));
            }
            lastAttempt = now;
            fetches++;
            try {
                Snapshot fresh = new Snapshot(fetch(), clock.instant());
                current = fresh;
                lastFailure = null;
                return fresh;
            } catch (KeySourceException e) {
                lastFailure = e.getMessage();
                if (s != null) {
                    LOG.warn("refreshing the JWK set at {} failed, the keys fetched at {} stay in use: {}", uri,
                            s.fetchedAt(), e.getMessage());
                    return s;
                }
                LOG.warn("fetching the JWK set at {} failed: {}", uri, e.getMessage());
                throw e;
            }
        }
    }

    private JWKSet fetch() throws KeySourceException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(request, r -> new Limited(maxBytes));
        HttpResponse<byte[]> response;
        try {
            response = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new KeySourceException("no complete answer from " + uri + " within " + timeout);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new KeySourceException("interrupted while fetching " + uri);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof HttpTimeoutException) {
                // the request's own timeout (the same duration) can fire before the wait above: the same failure
                throw new KeySourceException("no complete answer from " + uri + " within " + timeout);
            }
            throw new KeySourceException(c instanceof TooLarge ? c.getMessage()
                    : "fetching " + uri + " failed: " + c.getClass().getSimpleName()
                    + (c.getMessage() == null ? "" : ": " + Excerpt.message(c.getMessage())));
        }
        if (response.statusCode() != 200) {
            throw new KeySourceException(uri + " answered HTTP " + response.statusCode());
        }
        JWKSet set;
        try {
            set = JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new KeySourceException(uri + " did not answer a JWK set: " + Excerpt.message(e.getMessage()));
        }
        if (set.size() > maxKeys) {
            throw new KeySourceException(uri + " published " + set.size() + " keys, more than " + maxKeys);
        }
        List<JWK> keys = set.toPublicJWKSet().getKeys().stream().filter(k -> k.getKeyType() != KeyType.OCT).toList();
        LOG.debug("fetched {} signing key(s) from {}", keys.size(), uri);
        return new JWKSet(keys);
    }

    /** Collects a body of at most {@code max} bytes; a larger one is cancelled as it arrives. */
    private static final class Limited implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.@Nullable Subscription subscription;

        Limited(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (out.size() + b.remaining() > max) {
                    Flow.Subscription s = subscription; // set by onSubscribe, which comes first
                    if (s != null) {
                        s.cancel();
                    }
                    result.completeExceptionally(new TooLarge("the JWK set is larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }

    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message, null, false, false);
        }
    }
}
