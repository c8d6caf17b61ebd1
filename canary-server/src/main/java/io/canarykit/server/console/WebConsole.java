package io.canarykit.server.console;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.aws.account.AccountQuota;
import io.canarykit.inventory.AssetSource;
import io.canarykit.server.AuditEvent;
import io.canarykit.server.AuditLog;
import io.canarykit.server.AuthenticationRequest;
import io.canarykit.server.Caller;
import io.canarykit.server.IssuanceApi;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web console: server-rendered pages for the people who run the fleet, mounted on the server's
 * {@link io.canarykit.server.CanaryHttpServer} under {@value #PATH} ({@code .route(WebConsole.PATH, console.handler())}).
 *
 * <ul>
 *   <li>{@code /console/fleet}: live canaries by kind, account and placement; assets of the inventory without a live
 *       canary; canaries due for rotation; issuances needing attention (stuck PENDING, FAILED, revocations pending);
 *       every live canary.</li>
 *   <li>{@code /console/alerts}: every use of a canary, newest first, with its classification; filter by an asset
 *       label ({@code ?label=team=platform}).</li>
 *   <li>{@code /console/canaries/{id}}: one canary with its asset, placement, principal, every sighting and its
 *       detection window drawn as a timeline; revoke and rotate, each behind a confirmation page.</li>
 *   <li>{@code /console/health}: each detector's last run, time since, errors and an hourly chart over the last day
 *       (passes recorded in {@link DetectorRuns}), sightings per detector from the store, quota headroom per
 *       account.</li>
 * </ul>
 *
 * <p>Access: the issuance API's admin callers only. A caller logs in with its API bearer token
 * ({@link IssuanceApi#authenticate}, the same authenticators and permissions as the API, failed attempts counted
 * against the same per-address allowance), which is exchanged for a session cookie ({@code HttpOnly},
 * {@code SameSite=Strict}, {@code Path=/console}, {@code Secure} on TLS connections or when
 * {@link Builder#secureCookie(boolean)} says the server is behind a TLS proxy). Every state change (login, logout,
 * revoke, rotate) is a POST carrying the session's CSRF token; a POST without it, with another, or from another site
 * ({@code Sec-Fetch-Site: cross-site}) is refused with 403 and changes nothing. Pages carry a Content-Security-Policy
 * that allows no script at all (the console has none) and no inline style, and every value shown is escaped: a
 * principal name or a user agent from CloudTrail is attacker-controlled text. Plots are SVG drawn on the server.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class WebConsole {
    /** The path prefix the console serves. */
    public static final String PATH = "/console";
    /** The session cookie's name. */
    public static final String COOKIE = "canary_console";
    /** The Content-Security-Policy of every console response. */
    public static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private static final Logger LOG = LoggerFactory.getLogger(WebConsole.class);
    private static final Pattern CANARY = Pattern.compile(PATH + "/canaries/([0-9A-Za-z]{26})(/revoke|/rotate)?");
    private static final int MAX_FORM_BYTES = 8192;
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] CSS = css();

    private final CanaryService service;
    private final IssuanceApi api;
    private final Clock clock;
    private final AuditLog audit;
    private final ConsoleSessions sessions;
    private final boolean secureCookie;
    private final ConsolePages pages;
    private final Handler handler = new ConsoleHandler();

    private WebConsole(Builder b) {
        this.service = Objects.requireNonNull(b.service, "service"); // build() checked it
        this.api = Objects.requireNonNull(b.api, "api"); // build() checked it
        this.clock = b.clock;
        this.audit = b.audit;
        this.secureCookie = b.secureCookie;
        this.sessions = new ConsoleSessions(b.clock, b.idleTimeout, b.sessionLifetime, b.maxSessions);
        this.pages = new ConsolePages(this.service, b.clock, b.inventory, b.quotas, b.runs, b.rotateAfter);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The handler to mount on a {@link io.canarykit.server.CanaryHttpServer} under {@value #PATH}. */
    public Handler handler() {
        return handler;
    }

    // ------------------------------------------------------------------------------------------------ the handler

    private final class ConsoleHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            if (path == null || !(path.equals(PATH) || path.startsWith(PATH + "/"))) {
                return false;
            }
            Reply reply;
            try {
                reply = serve(request, path);
            } catch (Refusal r) {
                reply = r.reply;
            } catch (RuntimeException e) {
                LOG.warn("console: unexpected error serving {} {}", request.getMethod(), path.length() > 80
                        ? path.substring(0, 80) : path, e);
                reply = Reply.page(500, pages.message(null, "Internal error",
                        "The server could not show this page; its log says why."));
            }
            write(request, response, callback, reply);
            return true;
        }
    }

    private Reply serve(Request request, String path) {
        String method = request.getMethod();
        if (path.equals(PATH + "/static/console.css")) {
            requireMethod(method, "GET");
            return new Reply(200, "text/css; charset=utf-8", CSS, Map.of("Cache-Control", "max-age=300"));
        }
        Optional<ConsoleSessions.Session> found = session(request);
        if (path.equals(PATH + "/login")) {
            return login(request, method, found.orElse(null));
        }
        if (found.isEmpty() || !found.get().loggedIn()) {
            if (method.equals("GET") || method.equals("HEAD")) {
                return Reply.redirect(PATH + "/login");
            }
            throw new Refusal(Reply.page(403, pages.message(null, "Refused",
                    "Log in first: this change needs a session and its CSRF token.")));
        }
        ConsoleSessions.Session s = found.get();
        if (method.equals("POST")) {
            Map<String, String> form = checkedForm(request, s);
            return change(request, path, s, form);
        }
        requireMethod(method, "GET");
        Map<String, String> query = parse(request.getHttpURI().getQuery());
        if (path.equals(PATH) || path.equals(PATH + "/")) {
            return Reply.redirect(PATH + "/fleet");
        }
        switch (path) {
            case PATH + "/fleet": return Reply.page(200, pages.fleet(s));
            case PATH + "/alerts": return Reply.page(200, pages.alerts(s, query.get("label")));
            case PATH + "/health": return Reply.page(200, pages.health(s));
            default: break;
        }
        Matcher m = CANARY.matcher(path);
        if (m.matches()) {
            CanaryRecord r = canary(s, m.group(1));
            if (m.group(2) == null) {
                return Reply.page(200, pages.canary(s, r, query.get("done")));
            }
            return Reply.page(200, pages.confirm(s, r, m.group(2).substring(1)));
        }
        throw notFound(s);
    }

    private CanaryRecord canary(ConsoleSessions.Session s, String id) {
        try {
            return service.find(CanaryId.parse(id)).orElseThrow(() -> notFound(s));
        } catch (CanaryConfigurationException e) {
            throw notFound(s);
        }
    }

    private Refusal notFound(ConsoleSessions.Session s) {
        return new Refusal(Reply.page(404, pages.message(s, "Not found", "There is no such page or canary.")));
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
            throw new Refusal(new Reply(405, "text/plain; charset=utf-8",
                    ("use " + allowed + "\n").getBytes(StandardCharsets.UTF_8), Map.of("Allow", allowed)));
        }
    }

    // ------------------------------------------------------------------------------------------------ login

    private Reply login(Request request, String method, ConsoleSessions.@Nullable Session found) {
        if (method.equals("GET") || method.equals("HEAD")) {
            ConsoleSessions.Session s = found != null ? found : sessions.anonymous();
            Reply r = Reply.page(200, pages.login(s, null));
            return found != null ? r : r.withCookie(s);
        }
        requireMethod(method, "POST");
        if (found == null) {
            throw new Refusal(Reply.page(403, pages.message(null, "Refused",
                    "The login form has expired or was not sent from this console: reload it and try again.")));
        }
        Map<String, String> form = checkedForm(request, found);
        String token = form.getOrDefault("token", "").strip();
        if (token.isEmpty()) {
            return Reply.page(400, pages.login(found, "Paste an API bearer token of an admin caller."));
        }
        Object tls = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        List<X509Certificate> certificates = tls instanceof EndPoint.SslSessionData d && d.peerCertificates() != null
                ? List.of(d.peerCertificates()) : List.of();
        AuthenticationRequest ar = new AuthenticationRequest("POST", PATH + "/login", null,
                Map.of("authorization", List.of("Bearer " + token)), source(request), certificates, clock.instant());
        Optional<Caller> caller = api.authenticate(ar);
        if (caller.isEmpty()) {
            record(request, "console-login", "-", null, null, "refused", 401, "token not accepted");
            return Reply.page(401, pages.login(found, "That token was not accepted (or this address tried too often)."));
        }
        Caller c = caller.get();
        if (!c.permissions().admin()) {
            record(request, "console-login", c.name(), null, null, "refused", 403, "not an admin caller");
            return Reply.page(403, pages.login(found, "Caller " + c.name() + " is not an admin: the console is for "
                    + "admin callers (canary.api.caller." + c.name() + ".admin=true)."));
        }
        ConsoleSessions.Session s = sessions.login(found.id(), c.name());
        record(request, "console-login", c.name(), null, null, "ok", 303, null);
        return Reply.redirect(PATH + "/fleet").withCookie(s);
    }

    // ------------------------------------------------------------------------------------------------ changes

    private Reply change(Request request, String path, ConsoleSessions.Session s, Map<String, String> form) {
        // handle() lets only logged-in sessions (with a caller) change anything
        String caller = Objects.requireNonNull(s.caller(), "caller");
        if (path.equals(PATH + "/logout")) {
            sessions.end(s.id());
            record(request, "console-logout", caller, null, null, "ok", 303, null);
            return Reply.redirect(PATH + "/login").withExpiredCookie();
        }
        Matcher m = CANARY.matcher(path);
        if (!m.matches() || m.group(2) == null) {
            throw notFound(s);
        }
        CanaryRecord r = canary(s, m.group(1));
        String action = m.group(2).substring(1);
        try {
            if (action.equals("revoke")) {
                CanaryRecord after = service.revoke(r.id());
                record(request, "console-revoke", caller, r.id().value(), r.asset().ref(), "ok", 303, null);
                LOG.info("console: {} revoked canary {} ({})", caller, r.id(), after.status());
                return Reply.redirect(PATH + "/canaries/" + r.id().value() + "?done=revoked");
            }
            CanaryRecord successor = service.rotate(r.id());
            record(request, "console-rotate", caller, r.id().value(), r.asset().ref(), "ok", 303,
                    "replaced by " + successor.id());
            LOG.info("console: {} rotated canary {} (successor {})", caller, r.id(), successor.id());
            return Reply.redirect(PATH + "/canaries/" + successor.id().value() + "?done=rotated");
        } catch (RuntimeException e) {
            record(request, "console-" + action, caller, r.id().value(), r.asset().ref(), "failed", 409,
                    e.getClass().getSimpleName());
            LOG.warn("console: {} of canary {} by {} failed", action, r.id(), caller, e);
            return Reply.page(409, pages.message(s, action.equals("revoke") ? "Revocation failed" : "Rotation failed",
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** The form of a POST, once its session's CSRF token and its origin are checked; else a 403 refusal. */
    private Map<String, String> checkedForm(Request request, ConsoleSessions.Session s) {
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null && site.equalsIgnoreCase("cross-site")) {
            throw csrfRefusal(s, "it came from another site");
        }
        Map<String, String> form = form(request);
        if (!s.csrfMatches(form.get("csrf"))) {
            throw csrfRefusal(s, form.containsKey("csrf") ? "its CSRF token is wrong" : "it carries no CSRF token");
        }
        return form;
    }

    private Refusal csrfRefusal(ConsoleSessions.Session s, String why) {
        LOG.info("console: refused a state change: {}", why);
        return new Refusal(Reply.page(403, pages.message(s.loggedIn() ? s : null, "Refused",
                "This change was refused because " + why + ". Nothing was changed; go back, reload the page and try "
                        + "again.")));
    }

    private Map<String, String> form(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return Map.of();
        }
        if (request.getLength() > MAX_FORM_BYTES) {
            throw new Refusal(new Reply(413, "text/plain; charset=utf-8",
                    "form too large\n".getBytes(StandardCharsets.UTF_8), Map.of("Connection", "close")));
        }
        try {
            byte[] body = Content.Source.asByteArrayAsync(request, MAX_FORM_BYTES)
                    .get(FORM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return parse(new String(body, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal(new Reply(503, "text/plain; charset=utf-8", new byte[0], Map.of()));
        } catch (Exception e) {
            throw new Refusal(new Reply(400, "text/plain; charset=utf-8",
                    "the form could not be read\n".getBytes(StandardCharsets.UTF_8), Map.of("Connection", "close")));
        }
    }

    /** {@code a=b&c=d} (URL-encoded) to a map; the first value of a repeated name wins; at most 32 names. */
    static Map<String, String> parse(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&", 33)) {
            if (out.size() == 32) {
                break;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // a malformed escape: the pair is ignored
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private Optional<ConsoleSessions.Session> session(Request request) {
        for (HttpCookie c : Request.getCookies(request)) {
            if (c.getName().equals(COOKIE)) {
                Optional<ConsoleSessions.Session> s = sessions.find(c.getValue());
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    private static @Nullable InetAddress source(Request request) {
        return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a
                ? a.getAddress() : null;
    }

    private void record(Request request, String action, String caller, @Nullable String canaryId, @Nullable String asset,
                        String result, int status, @Nullable String detail) {
        InetAddress a = source(request);
        audit.record(new AuditEvent(clock.instant(), action, caller, "console", a == null ? "?" : a.getHostAddress(),
                canaryId, asset, null, null, result, status, detail));
    }

    private void write(Request request, Response response, Callback callback, Reply reply) {
        response.setStatus(reply.status);
        HttpFields.Mutable h = response.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, reply.type);
        h.put(HttpHeader.CACHE_CONTROL, "no-store");
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        reply.headers.forEach(h::put);
        boolean secure = secureCookie || request.isSecure();
        if (reply.cookie != null) {
            h.add(HttpHeader.SET_COOKIE, COOKIE + "=" + reply.cookie + "; Path=" + PATH + "; Max-Age="
                    + sessions.lifetime().toSeconds() + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        } else if (reply.expireCookie) {
            h.add(HttpHeader.SET_COOKIE, COOKIE + "=; Path=" + PATH + "; Max-Age=0; HttpOnly; SameSite=Strict"
                    + (secure ? "; Secure" : ""));
        }
        h.put(HttpHeader.CONTENT_LENGTH, Long.toString(reply.body.length));
        boolean head = request.getMethod().equals("HEAD");
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(reply.body), callback);
    }

    /** A response to send. */
    private static final class Reply {
        final int status;
        final String type;
        final byte[] body;
        final Map<String, String> headers;
        @Nullable String cookie;
        boolean expireCookie;

        Reply(int status, String type, byte[] body, Map<String, String> headers) {
            this.status = status;
            this.type = type;
            this.body = body;
            this.headers = headers;
        }

        static Reply page(int status, String html) {
            return new Reply(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply redirect(String location) {
            return new Reply(303, "text/plain; charset=utf-8", new byte[0], Map.of("Location", location));
        }

        Reply withCookie(ConsoleSessions.Session s) {
            cookie = s.id();
            return this;
        }

        Reply withExpiredCookie() {
            expireCookie = true;
            return this;
        }
    }

    /** Ends a request early with a reply. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Reply reply;

        Refusal(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    private static byte[] css() {
        try (InputStream in = WebConsole.class.getResourceAsStream("console.css")) {
            if (in == null) {
                throw new IllegalStateException("console.css is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builder for {@link WebConsole}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable CanaryService service;
        private @Nullable IssuanceApi api;
        private Clock clock = Clock.systemUTC();
        private AuditLog audit = AuditLog.logger();
        private @Nullable AssetSource inventory;
        private @Nullable Supplier<List<AccountQuota>> quotas;
        private @Nullable DetectorRuns runs;
        private Duration rotateAfter = Duration.ofDays(90);
        private Duration idleTimeout = Duration.ofMinutes(30);
        private Duration sessionLifetime = Duration.ofHours(8);
        private int maxSessions = 10_000;
        private boolean secureCookie;

        Builder() {
        }

        /** The service whose canaries are shown, revoked and rotated (required). */
        public Builder service(CanaryService v) { service = Objects.requireNonNull(v, "service"); return this; }

        /** The issuance API whose callers log in (required): its authenticators, permissions and allowances. */
        public Builder api(IssuanceApi v) { api = Objects.requireNonNull(v, "api"); return this; }

        /** The clock (default the system's, UTC). */
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v, "clock"); return this; }

        /** Where logins, revocations and rotations are recorded (default {@link AuditLog#logger()}). */
        public Builder auditLog(AuditLog v) { audit = Objects.requireNonNull(v, "auditLog"); return this; }

        /** The inventory to measure coverage against (default none: the fleet page says so). */
        public Builder inventory(AssetSource v) { inventory = v; return this; }

        /** Quota headroom per account, such as {@code AccountPool::quotas} (default none: live counts only). */
        public Builder quotas(Supplier<List<AccountQuota>> v) { quotas = v; return this; }

        /** The detection passes to show on the health page (default none). */
        public Builder detectorRuns(DetectorRuns v) { runs = v; return this; }

        /** The age at which a canary is listed as due for rotation (default 90 days, as {@code canary.max-age}). */
        public Builder rotateAfter(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new CanaryConfigurationException("rotateAfter must be positive, not " + v);
            }
            rotateAfter = v;
            return this;
        }

        /** A session ends after this long without a request (default 30 minutes). */
        public Builder idleTimeout(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new CanaryConfigurationException("idleTimeout must be positive, not " + v);
            }
            idleTimeout = v;
            return this;
        }

        /** A session ends this long after login whatever happens (default 8 hours). */
        public Builder sessionLifetime(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new CanaryConfigurationException("sessionLifetime must be positive, not " + v);
            }
            sessionLifetime = v;
            return this;
        }

        /** At most this many sessions are kept, anonymous ones dropped first (default 10,000). */
        public Builder maxSessions(int v) {
            if (v < 1) {
                throw new CanaryConfigurationException("maxSessions must be at least 1, not " + v);
            }
            maxSessions = v;
            return this;
        }

        /**
         * Marks the cookie {@code Secure} on every response, for a server behind a TLS-terminating proxy (default
         * false: {@code Secure} only on TLS connections to this server).
         */
        public Builder secureCookie(boolean v) { secureCookie = v; return this; }

        /**
         * Builds the console.
         *
         * @throws CanaryConfigurationException if the service or the API is missing
         */
        public WebConsole build() {
            if (service == null || api == null) {
                throw new CanaryConfigurationException("the console needs the service and the issuance API "
                        + "(WebConsole.builder().service(...).api(...))");
            }
            return new WebConsole(this);
        }
    }
}
