package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CredentialKind;
import io.canarykit.IssueOutcome;
import io.canarykit.PlacementSpec;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.issue.CanaryIssuerException;
import io.canarykit.issue.IssuanceException;
import io.canarykit.issue.QuotaExhaustedException;
import io.canarykit.store.CanaryNotFoundException;
import org.eclipse.jetty.http.HttpField;
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

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The issuance API: provisioning tools, CI jobs and devices ask for canaries over HTTP; the server decides where they
 * go.
 *
 * <ul>
 *   <li>{@code POST /v1/canaries} with {@code {"asset":{"kind","id","labels"},"profile":"return","options":{…},
 *       "kind":"iam-user"}}: issues a canary through a {@linkplain PlacementProfile placement profile} the caller may
 *       use (default {@code return}: the credential comes back once, in this response only, with
 *       {@code Cache-Control: no-store}; other profiles plant it where the server's configuration says and return the
 *       receipt). {@code "placement":"return"} is still accepted for {@code "profile":"return"}. 201.</li>
 *   <li>{@code GET /v1/canaries?asset=KIND/ID}: the caller's canaries of that asset (no secrets).
 *       {@code GET /v1/canaries/{id}}: one of the caller's canaries.</li>
 *   <li>{@code DELETE /v1/canaries/{id}}: revokes one of the caller's canaries.</li>
 *   <li>{@code POST /v1/canaries/{id}/complete}: the run the canary was issued to (a CI job) reports that it finished;
 *       the canary becomes {@code COMPLETED} and any later use is "used after the run finished"
 *       ({@link io.canarykit.RunPhase}). A caller bound to an asset ({@link IssuanceScope}: a CI run) completes only
 *       that asset's canaries.</li>
 * </ul>
 *
 * <p>A caller whose credentials bind it to an asset ({@link CallerIdentity#scope()}, such as a CI run's OpenID Connect
 * token) names no asset in its requests: its canaries are issued for that asset, with its labels, lifetime and
 * attributes, and {@code GET /v1/canaries} without a query lists them.
 *
 * <p>Callers own what they issue: another caller's canary is answered 404 exactly as a missing one, unless the
 * caller is an admin. Every issuance and revocation (and every refused attempt) goes to the {@link AuditLog}.
 *
 * <p>Order of work for each request, so that an unauthenticated client spends next to nothing: the request head must
 * arrive within the header timeout and fit the header limit ({@link CanaryHttpServer}); a source address over its
 * failed-authentication allowance gets 429; the caller is authenticated from the headers
 * ({@link CallerAuthenticator}: bearer token, HMAC signature, ...); only then is the body read, up to
 * {@link ServerLimits#maxBodyBytes()} within {@link ServerLimits#bodyTimeout()}; then the caller's own rate limit,
 * permissions and strict input checks. Errors are {@code {"error":"…"}}, never contain a secret, never echo input
 * beyond a short escaped excerpt, and never carry a stack trace.
 *
 * @since 0.1.0
 */
public final class IssuanceApi implements AutoCloseable {
    /** The path prefix the API serves. */
    public static final String PATH = "/v1/canaries";
    /** Record attribute: the placement profile a canary was issued with. */
    public static final String ATTR_PROFILE = "canarykit.api.profile";

    private static final Logger LOG = LoggerFactory.getLogger(IssuanceApi.class);
    private static final Pattern ONE = Pattern.compile("/v1/canaries/([0-9A-Za-z]{26})");
    private static final Pattern COMPLETE = Pattern.compile("/v1/canaries/([0-9A-Za-z]{26})/complete");
    private static final CallerPermissions NOTHING = new CallerPermissions(Set.of(), Set.of(), Set.of(), false);
    private static final Set<String> FIELDS = Set.of("asset", "profile", "placement", "options", "kind");
    private static final Set<String> ASSET_FIELDS = Set.of("kind", "id", "labels");
    private static final int MAX_LABELS = 32;

    private final CanaryService service;
    private final List<CallerAuthenticator> authenticators;
    private final Map<String, CallerPermissions> permissions;
    private final Map<String, PlacementProfile> profiles;
    private final Clock clock;
    private final ServerLimits limits;
    private final RateLimiter callerLimit;
    private final RateLimiter failedAuthLimit;
    private final Set<String> throttled = ConcurrentHashMap.newKeySet();
    private final CredentialKind defaultKind;
    private final AuditLog audit;
    private final StrictJson json;
    private final @Nullable CanaryHttpServer server;
    private final @Nullable DeviceApi devices;
    private final Handler handler = new ApiHandler();

    private IssuanceApi(Builder b) {
        this.service = Objects.requireNonNull(b.service, "service"); // build() checked it
        this.clock = b.clock;
        this.limits = b.limits;
        this.defaultKind = b.defaultKind;
        this.audit = b.audit;
        this.json = new StrictJson(b.limits.maxBodyBytes());
        this.callerLimit = new RateLimiter(b.clock, b.perMinute, b.burst);
        this.failedAuthLimit = new RateLimiter(b.clock, b.limits.failedAuthPerMinute(), b.limits.failedAuthBurst());
        List<CallerAuthenticator> auth = new ArrayList<>();
        if (!b.tokens.isEmpty()) {
            BearerTokenAuthenticator.Builder bearer = BearerTokenAuthenticator.builder();
            b.tokens.forEach(bearer::token);
            auth.add(bearer.build());
        }
        if (!b.hmacKeys.isEmpty()) {
            HmacAuthenticator.Builder hmac = HmacAuthenticator.builder().clock(b.clock)
                    .replayGuard(Objects.requireNonNull(b.replayGuard, "replayGuard")) // build() set it
                    .maxSkew(b.maxSkew);
            b.hmacKeys.forEach(hmac::key);
            auth.add(hmac.build());
        }
        auth.addAll(b.authenticators);
        this.authenticators = List.copyOf(auth);
        this.permissions = Map.copyOf(b.permissions);
        Map<String, PlacementProfile> p = new LinkedHashMap<>();
        p.put(PlacementProfile.RETURN, PlacementProfile.returnToCaller());
        p.putAll(b.profiles);
        this.profiles = Map.copyOf(p);
        this.devices = b.devices == null ? null
                : new DeviceApi(this.service, b.devices, b.defaultKind, b.clock, b.limits.maxBodyBytes());
        this.server = b.standalone ? CanaryHttpServer.builder().host(b.host).port(b.port).limits(b.limits).tls(b.tls)
                .route("/v1/", handler).build() : null;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder configured from {@code canary.api.*}: callers ({@code canary.api.tokens.<caller>},
     * {@code canary.api.hmac-keys.<caller>}, {@code canary.api.caller.<caller>.*}), placement profiles
     * ({@code canary.api.profile.<name>.*}), limits, the audit log and further authenticators. See the README.
     *
     * @throws CanaryConfigurationException naming the key that is wrong, or an unknown {@code canary.api.} key
     */
    public static Builder fromConfig(CanaryConfig config, CanaryService service) {
        return ApiConfig.configure(config, builder().service(service));
    }

    /** Starts serving on its own HTTP server; returns this. */
    public IssuanceApi start() {
        if (server == null) {
            throw new IllegalStateException("this API is mounted on another server (Builder.mounted()); start that one");
        }
        server.start();
        return this;
    }

    /** The base URI, such as {@code http://127.0.0.1:8080}, of its own server. */
    public URI uri() {
        if (server == null) {
            throw new IllegalStateException("this API is mounted on another server");
        }
        return server.uri();
    }

    /** The handler to mount on a {@link CanaryHttpServer} under {@code /v1/} (for a server that serves more). */
    public Handler handler() {
        return handler;
    }

    /** The device endpoints ({@link DeviceApi}), or {@code null} when devices are not configured. */
    public @Nullable DeviceApi devices() {
        return devices;
    }

    /**
     * Authenticates a request head with this API's authenticators and gives the caller with its permissions, exactly
     * as the API decides them for its own requests; for the other handlers of the same server (the web console's
     * login). A refused or unrecognised credential counts against the source address's failed-authentication
     * allowance; a source over that allowance gets nothing. An authenticator that needs the body (an HMAC signature)
     * cannot be satisfied here.
     *
     * @param request the request head (its {@code authorization} header carries the credential); not {@code null}
     * @return the caller, or empty if not authenticated; never throws for bad credentials
     */
    public java.util.Optional<Caller> authenticate(AuthenticationRequest request) {
        String source = request.source() == null ? "?" : request.source().getHostAddress();
        if (failedAuthLimit.check(source) > 0) {
            return java.util.Optional.empty();
        }
        for (CallerAuthenticator a : authenticators) {
            Authentication result;
            try {
                result = a.authenticate(request);
            } catch (RuntimeException e) {
                LOG.warn("authenticator {} failed; refusing the request", a.getClass().getName(), e);
                break;
            }
            if (result instanceof Authentication.Accepted acc && acc.bodyCheck() == null) {
                CallerIdentity id = acc.identity();
                return java.util.Optional.of(new Caller(id, id.permissions() != null ? id.permissions()
                        : permissions.getOrDefault(id.name(), CallerPermissions.defaults())));
            }
            if (!(result instanceof Authentication.NotApplicable)) {
                break;
            }
        }
        failedAuthLimit.take(source);
        LOG.info("authentication failed from {} ({} {})", source, request.method(), Excerpt.of(request.rawPath()));
        return java.util.Optional.empty();
    }

    /** The placement profiles callers can be allowed, by name ({@code return} included). */
    public Map<String, PlacementProfile> profiles() {
        return profiles;
    }

    /** Stops its own server, if it has one. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    /** HMAC-SHA256 of {@code data} with {@code key}; what a client computes to sign a request. */
    public static byte[] hmac(Secret key, String data) {
        return Hashes.hmac(key, data);
    }

    /**
     * The {@code Authorization} header value for an HMAC-signed request (with its {@code content-sha256}, so the
     * server checks the signature before reading the body); see {@link HmacAuthenticator}.
     */
    public static String signature(String caller, Secret key, String method, String pathAndQuery, long epochSeconds,
                                   byte[] body) {
        return HmacAuthenticator.authorization(caller, key, method, pathAndQuery, epochSeconds, body);
    }

    // ------------------------------------------------------------------------------------------------ the handler

    private final class ApiHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            if (path == null || !(path.equals(PATH) || path.startsWith(PATH + "/")
                    || (devices != null && path.startsWith(DeviceApi.PATH)))) {
                return false;
            }
            Exchange ex = new Exchange(request);
            Answer answer;
            try {
                answer = serve(ex, request);
            } catch (ApiError e) {
                answer = e.answer();
            } catch (RuntimeException e) {
                LOG.warn("unexpected error serving {} {}", request.getMethod(), Excerpt.of(path), e);
                answer = Answer.error(500, "internal error");
            }
            if (ex.action != null) {
                audit(ex, answer);
            }
            Map<String, String> headers = new LinkedHashMap<>(answer.headers);
            if (answer.status == 408 || answer.status == 413 || (answer.status == 401 && ex.unreadBody)) {
                headers.put("Connection", "close");
            }
            if (answer.text != null) {
                CanaryHttpServer.write(response, callback, answer.status, "text/plain; charset=utf-8", answer.text,
                        headers);
            } else {
                CanaryHttpServer.writeJson(response, callback, answer.status, String.valueOf(answer.body), headers);
            }
            return true;
        }
    }

    /** What one request has established so far. */
    private static final class Exchange {
        final String method;
        final String path;
        final @Nullable InetAddress source;
        final String sourceText;
        @Nullable Caller caller;
        @Nullable String scheme;
        @Nullable String action;
        @Nullable String canaryId;
        @Nullable String asset;
        @Nullable String profile;
        @Nullable String kind;
        @Nullable String detail;
        boolean unreadBody;

        Exchange(Request request) {
            this.method = request.getMethod();
            this.path = request.getHttpURI().getPath();
            java.net.SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
            this.source = a instanceof InetSocketAddress isa ? isa.getAddress() : null;
            this.sourceText = source == null ? "?" : source.getHostAddress();
        }
    }

    private Answer serve(Exchange ex, Request request) {
        long wait = failedAuthLimit.check(ex.sourceText);
        if (wait > 0) {
            ex.unreadBody = true;
            if (throttled.add(ex.sourceText)) {
                LOG.warn("source {} exceeded the failed-authentication limit ({} per minute, burst {}); its API "
                        + "requests get 429 until the allowance refills", ex.sourceText,
                        (long) limits.failedAuthPerMinute(), limits.failedAuthBurst());
            }
            throw new ApiError(429, "too many failed authentications from " + ex.sourceText + "; try again in " + wait
                    + " s", null, wait);
        }
        if (!throttled.isEmpty()) {
            throttled.remove(ex.sourceText);
        }
        Authentication.Accepted accepted = authenticate(ex, request);
        byte[] body = readBody(ex, request);
        if (accepted.bodyCheck() != null) {
            String refusal = accepted.bodyCheck().refusal(body);
            if (refusal != null) {
                throw failedAuth(ex, refusal);
            }
        }
        CallerIdentity id = accepted.identity();
        CallerPermissions p = id.permissions() != null ? id.permissions()
                : permissions.getOrDefault(id.name(), CallerPermissions.defaults());
        ex.caller = new Caller(id, p);
        ex.scheme = id.scheme();
        long retry = callerLimit.take(id.name());
        if (retry > 0) {
            throw new ApiError(429, "rate limit of " + (long) callerLimit.perMinute() + " requests per minute exceeded "
                    + "for caller " + id.name(), null, retry);
        }
        return route(ex, request, body);
    }

    private Authentication.Accepted authenticate(Exchange ex, Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.computeIfAbsent(f.getLowerCaseName(), k -> new ArrayList<>()).add(f.getValue());
        }
        Object tls = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        List<X509Certificate> certificates = tls instanceof EndPoint.SslSessionData d && d.peerCertificates() != null
                ? List.of(d.peerCertificates()) : List.of();
        AuthenticationRequest ar = new AuthenticationRequest(ex.method, request.getHttpURI().getPath(),
                request.getHttpURI().getQuery(), headers, ex.source, certificates, clock.instant());
        for (CallerAuthenticator a : authenticators) {
            Authentication result;
            try {
                result = a.authenticate(ar);
            } catch (RuntimeException e) {
                LOG.warn("authenticator {} failed; refusing the request", a.getClass().getName(), e);
                throw failedAuth(ex, "authentication failed");
            }
            if (result instanceof Authentication.Refused r) {
                throw failedAuth(ex, r.reason());
            }
            if (result instanceof Authentication.Forbidden f) {
                throw forbidden(ex, f);
            }
            if (result instanceof Authentication.Accepted acc) {
                return acc;
            }
        }
        String authorization = ar.header("authorization");
        if (authorization != null && BearerTokenAuthenticator.isJwt(authorization)) {
            throw failedAuth(ex, "the bearer token is a JSON Web Token from an issuer this server does not accept "
                    + "(the OpenID Connect callers are configured with canary.api.authenticators)");
        }
        throw failedAuth(ex, headers.containsKey("authorization")
                ? "unsupported Authorization scheme: send 'Bearer <token>' or 'CANARY-HMAC-SHA256 caller=<name>, "
                        + "timestamp=<epoch seconds>, content-sha256=<hex>, signature=<hex>'"
                : "missing Authorization header: send 'Bearer <token>' or a CANARY-HMAC-SHA256 signature");
    }

    /** Counts a failed authentication against the source address, logs it, and returns the 401 to throw. */
    private ApiError failedAuth(Exchange ex, String reason) {
        ex.unreadBody = true;
        failedAuthLimit.take(ex.sourceText);
        LOG.info("authentication failed from {}: {} ({} {})", ex.sourceText, Excerpt.message(reason), ex.method,
                Excerpt.of(ex.path));
        return new ApiError(401, Excerpt.message(reason));
    }

    /**
     * A valid identity the server's policy gives nothing: 403 before the body is read, counted like a failed
     * authentication (anyone can mint valid CI tokens for a repository of their own), logged and audited.
     */
    private ApiError forbidden(Exchange ex, Authentication.Forbidden f) {
        ex.unreadBody = true;
        ex.caller = new Caller(f.identity(), NOTHING);
        ex.scheme = f.identity().scheme();
        ex.action = actionOf(ex.method, ex.path);
        ex.detail = Excerpt.message(f.reason());
        failedAuthLimit.take(ex.sourceText);
        LOG.info("caller {} from {} refused by policy: {} ({} {})", f.identity().name(), ex.sourceText, ex.detail,
                ex.method, Excerpt.of(ex.path));
        return new ApiError(403, ex.detail);
    }

    private static String actionOf(String method, String path) {
        if (COMPLETE.matcher(path).matches()) {
            return "complete";
        }
        if (path.equals(PATH)) {
            return method.equals("POST") ? "issue" : "list";
        }
        return method.equals("DELETE") ? "revoke" : "read";
    }

    private byte[] readBody(Exchange ex, Request request) {
        long length = request.getLength();
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (!ex.method.equals("POST")) {
            if ((length > 0 || chunked) && Set.of("GET", "HEAD", "DELETE").contains(ex.method)) {
                ex.unreadBody = true;
                throw new ApiError(400, ex.method + " takes no request body");
            }
            ex.unreadBody = length != 0;
            return new byte[0]; // any other method is answered 405 without its body
        }
        if (length > limits.maxBodyBytes()) {
            ex.unreadBody = true;
            throw new ApiError(413, "request body larger than " + limits.maxBodyBytes()
                    + " bytes (canary.api.max-body-bytes)");
        }
        if (length == 0) {
            return new byte[0];
        }
        try {
            return Content.Source.asByteArrayAsync(request, limits.maxBodyBytes())
                    .get(limits.bodyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ex.unreadBody = true;
            request.fail(new TimeoutException("body not received within " + limits.bodyTimeout()));
            throw new ApiError(408, "the request body did not arrive within " + limits.bodyTimeout()
                    + " (canary.api.body-timeout)");
        } catch (ExecutionException e) {
            ex.unreadBody = true;
            if (e.getCause() instanceof IllegalArgumentException || e.getCause() instanceof IllegalStateException) {
                throw new ApiError(413, "request body larger than " + limits.maxBodyBytes()
                        + " bytes (canary.api.max-body-bytes)");
            }
            throw new ApiError(400, "the request body could not be read");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the server is stopping");
        }
    }

    // ------------------------------------------------------------------------------------------------ routing

    /** The authenticated caller: route() and what it calls run only after serve() set it. */
    private static Caller caller(Exchange ex) {
        return Objects.requireNonNull(ex.caller, "caller");
    }

    private Answer route(Exchange ex, Request request, byte[] body) {
        String path = ex.path;
        if (devices != null && path.startsWith(DeviceApi.PATH)) {
            DeviceApi.Reply r = devices.handle(caller(ex), ex.method, path, request.getHttpURI().getQuery(), body);
            ex.action = r.action();
            ex.canaryId = r.canaryId();
            ex.asset = r.asset();
            if (r.text() == null) {
                ex.detail = r.error();
                throw new ApiError(r.status(), r.error());
            }
            return Answer.text(r.status(), r.text());
        }
        if (path.equals(PATH)) {
            switch (ex.method) {
                case "POST":
                    if (request.getHttpURI().getQuery() != null) {
                        throw new ApiError(400, "POST " + PATH + " takes no query parameters; send everything in the body");
                    }
                    return create(ex, body);
                case "GET": return listByAsset(ex, request.getHttpURI().getQuery());
                default: throw new ApiError(405, "use GET or POST on " + PATH, "GET, POST");
            }
        }
        Matcher done = COMPLETE.matcher(path);
        if (done.matches()) {
            if (request.getHttpURI().getQuery() != null) {
                throw new ApiError(400, PATH + "/{id}/complete takes no query parameters");
            }
            if (!ex.method.equals("POST")) {
                throw new ApiError(405, "use POST on " + PATH + "/{id}/complete", "POST");
            }
            CanaryId id;
            try {
                id = CanaryId.parse(done.group(1));
            } catch (CanaryConfigurationException e) {
                ex.action = "complete";
                throw new ApiError(404, "no canary " + Excerpt.of(done.group(1)));
            }
            return complete(ex, id, body);
        }
        Matcher m = ONE.matcher(path);
        if (!m.matches()) {
            throw new ApiError(404, "no such resource: " + Excerpt.of(path) + " (the API serves " + PATH + ", "
                    + PATH + "/{canary id} and " + PATH + "/{canary id}/complete)");
        }
        if (request.getHttpURI().getQuery() != null) {
            throw new ApiError(400, PATH + "/{id} takes no query parameters");
        }
        CanaryId id;
        try {
            id = CanaryId.parse(m.group(1));
        } catch (CanaryConfigurationException e) {
            throw new ApiError(404, "no canary " + Excerpt.of(m.group(1)));
        }
        switch (ex.method) {
            case "GET":
                ex.action = "read";
                ex.canaryId = id.value();
                CanaryRecord r = owned(ex, id);
                ex.asset = r.asset().ref();
                return new Answer(200, CanaryJson.record(r));
            case "DELETE": return revoke(ex, id);
            default: throw new ApiError(405, "use GET or DELETE on " + PATH + "/{id}", "GET, DELETE");
        }
    }

    /** The caller's own canary (any canary for an admin), else 404 as if it did not exist. */
    private CanaryRecord owned(Exchange ex, CanaryId id) {
        CanaryRecord r = service.find(id).orElse(null);
        if (r == null) {
            ex.detail = "no such canary";
            throw new ApiError(404, "no canary " + id);
        }
        if (!ownsOrAdmin(caller(ex), r)) {
            ex.detail = "owned by another caller";
            throw new ApiError(404, "no canary " + id);
        }
        return r;
    }

    private static boolean ownsOrAdmin(Caller caller, CanaryRecord r) {
        return caller.permissions().admin() || caller.name().equals(r.attributes().get(CanaryService.ATTR_OWNER));
    }

    private Answer create(Exchange ex, byte[] body) {
        ex.action = "issue";
        JsonNode req;
        try {
            req = json.object(body);
        } catch (StrictJson.BadJson e) {
            throw new ApiError(400, e.getMessage());
        }
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new ApiError(400, "unknown field '" + Excerpt.of(f) + "'; expected asset, profile, options, kind");
            }
        }
        IssuanceScope scope = caller(ex).identity().scope();
        Asset asset;
        if (scope != null) {
            if (req.has("asset")) {
                throw new ApiError(400, "caller " + caller(ex).name() + " issues canaries for its own asset ("
                        + scope.asset().ref() + ", from its credentials): leave out 'asset'");
            }
            asset = scope.asset();
        } else {
            asset = asset(req.get("asset"));
        }
        ex.asset = asset.ref();
        PlacementProfile profile = profile(ex, req);
        ex.profile = profile.name();
        Map<String, String> options = stringMap(req.get("options"), "options", 16);
        CredentialKind kind = kind(req, profile, caller(ex).permissions());
        ex.kind = kind.configName();

        CallerPermissions p = caller(ex).permissions();
        if (!p.allowsProfile(profile.name())) {
            throw refused(ex, "caller " + caller(ex).name() + " may not use the placement profile " + profile.name());
        }
        if (!p.allowsAssetKind(asset.kind())) {
            throw refused(ex, "caller " + caller(ex).name() + " may not issue canaries for assets of kind "
                    + asset.kind());
        }
        if (!p.allowsKind(kind)) {
            throw refused(ex, "caller " + caller(ex).name() + " may not issue " + kind.configName() + " canaries");
        }
        PlacementSpec spec;
        try {
            spec = profile.resolve(asset, caller(ex).name(), options);
        } catch (CanaryConfigurationException e) {
            throw new ApiError(400, e.getMessage());
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        if (scope != null) {
            attributes.putAll(scope.attributes());
        }
        attributes.put(CanaryService.ATTR_OWNER, caller(ex).name());
        attributes.put(ATTR_PROFILE, profile.name());
        IssueOutcome outcome;
        try {
            outcome = service.issue(asset, spec, kind, attributes, scope == null ? null : scope.lifetime());
        } catch (RuntimeException e) {
            throw serviceError(ex, e);
        }
        ex.canaryId = outcome.record().id().value();
        LOG.debug("caller {} issued canary {} for {} with profile {}", caller(ex).name(), outcome.record().id(),
                asset.ref(), profile.name());
        ObjectNode out = CanaryJson.record(outcome.record());
        out.set("fingerprint", CanaryJson.fingerprint(outcome.fingerprint()));
        CanaryCredential c = outcome.credential();
        if (c != null) {
            ObjectNode cred = out.putObject("credential");
            cred.put("accessKeyId", c.accessKeyId());
            cred.put("secretAccessKey", c.secretAccessKey().reveal());
            cred.put("sessionToken", c.sessionToken() == null ? null : c.sessionToken().reveal());
            cred.put("expiration", c.expiration() == null ? null : c.expiration().toString());
        }
        return new Answer(201, out);
    }

    private ApiError refused(Exchange ex, String why) {
        ex.detail = why;
        return new ApiError(403, why);
    }

    private Asset asset(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new ApiError(400, "missing object field 'asset' ({\"kind\":\"ci-build\",\"id\":\"run-42\"})");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ASSET_FIELDS.contains(f)) {
                throw new ApiError(400, "unknown field 'asset." + Excerpt.of(f) + "'; expected kind, id, labels");
            }
        }
        String kind = Objects.requireNonNull(text(node, "asset", "kind", true), "kind"); // required: text() throws
        String id = Objects.requireNonNull(text(node, "asset", "id", true), "id"); // required: text() throws
        Map<String, String> labels = stringMap(node.get("labels"), "asset.labels", MAX_LABELS);
        try {
            return new Asset(kind, id, labels);
        } catch (CanaryConfigurationException e) {
            if (!kind.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
                throw new ApiError(400, "invalid asset kind '" + Excerpt.of(kind) + "': use 1-64 lower-case letters, "
                        + "digits, '.', '_' or '-', such as host, laptop or ci-build");
            }
            throw new ApiError(400, "invalid asset id: it must be 1-512 characters and not blank");
        }
    }

    private PlacementProfile profile(Exchange ex, JsonNode req) {
        String name = null;
        if (req.hasNonNull("profile")) {
            name = text(req, null, "profile", true);
        }
        JsonNode placement = req.get("placement");
        if (placement != null && !placement.isNull()) {
            if (!placement.isTextual()) {
                throw new ApiError(400, "requests name a placement profile (\"profile\":\"…\"); where and how a canary "
                        + "is planted (placement, files, options) is the server's configuration");
            }
            if (name != null && !name.equals(placement.asText())) {
                throw new ApiError(400, "give either 'profile' or the older 'placement', not both");
            }
            name = placement.asText();
        }
        if (name == null) {
            name = PlacementProfile.RETURN;
        }
        PlacementProfile p = profiles.get(name);
        if (p == null) {
            ex.profile = Excerpt.of(name);
            Set<String> usable = new TreeSet<>();
            profiles.keySet().stream().filter(caller(ex).permissions()::allowsProfile).forEach(usable::add);
            throw new ApiError(400, "unknown placement profile '" + Excerpt.of(name) + "'; you may use: "
                    + (usable.isEmpty() ? "none" : String.join(", ", usable)));
        }
        return p;
    }

    /**
     * The kind a request, its profile or the server's default names; when none is asked for and the caller may not have
     * the default (a CI run allowed only short-term kinds), the first kind the caller may have.
     */
    private CredentialKind kind(JsonNode req, PlacementProfile profile, CallerPermissions permissions) {
        CredentialKind k = kind(req, profile);
        if (!req.hasNonNull("kind") && profile.kind() == null && !permissions.allowsKind(k)
                && !permissions.kinds().isEmpty()) {
            for (CredentialKind c : CredentialKind.values()) {
                if (permissions.allowsKind(c)) {
                    return c;
                }
            }
        }
        return k;
    }

    private CredentialKind kind(JsonNode req, PlacementProfile profile) {
        CredentialKind asked = null;
        if (req.hasNonNull("kind")) {
            String k = Objects.requireNonNull(text(req, null, "kind", true), "kind"); // required: text() throws
            try {
                asked = CredentialKind.fromConfigName(k);
            } catch (CanaryConfigurationException e) {
                throw new ApiError(400, "unknown credential kind '" + Excerpt.of(k)
                        + "': expected iam-user, assume-role or federation-token");
            }
        }
        if (profile.kind() != null) {
            if (asked != null && asked != profile.kind()) {
                throw new ApiError(400, "placement profile " + profile.name() + " issues " + profile.kind().configName()
                        + " canaries; leave out 'kind'");
            }
            return profile.kind();
        }
        return asked != null ? asked : defaultKind;
    }

    private Answer listByAsset(Exchange ex, String rawQuery) {
        ex.action = "list";
        Map<String, String> q = query(rawQuery);
        IssuanceScope scope = caller(ex).identity().scope();
        if (q.isEmpty() && scope != null) {
            q = Map.of("asset", scope.asset().ref());
        }
        String asset = q.get("asset");
        if (asset == null || q.size() != 1 || asset.indexOf('/') <= 0 || asset.endsWith("/")) {
            throw new ApiError(400, "give the asset as ?asset=KIND/ID (and nothing else), for example "
                    + "?asset=ci-build/run-42" + (scope == null ? "" : ", or no query for your own asset"));
        }
        int slash = asset.indexOf('/');
        ex.asset = Excerpt.of(asset);
        List<CanaryRecord> records = service.findByAsset(asset.substring(0, slash), asset.substring(slash + 1));
        ObjectNode out = CanaryJson.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("canaries");
        for (CanaryRecord r : records) {
            if (ownsOrAdmin(caller(ex), r)) {
                list.add(CanaryJson.record(r));
            }
        }
        return new Answer(200, out);
    }

    private Answer complete(Exchange ex, CanaryId id, byte[] body) {
        ex.action = "complete";
        ex.canaryId = id.value();
        if (body.length > 0) {
            JsonNode req;
            try {
                req = json.object(body);
            } catch (StrictJson.BadJson e) {
                throw new ApiError(400, e.getMessage());
            }
            if (req.size() > 0) {
                throw new ApiError(400, "POST " + PATH + "/{id}/complete takes no fields: send no body or {}");
            }
        }
        CanaryRecord owned = owned(ex, id);
        ex.asset = owned.asset().ref();
        IssuanceScope scope = caller(ex).identity().scope();
        if (scope != null && !scope.sameAsset(owned.asset())) {
            throw refused(ex, "canary " + id + " was issued to another run (" + owned.asset().ref() + "); this run is "
                    + scope.asset().ref() + " and completes only its own canaries");
        }
        RunCompletion.Result result;
        try {
            result = RunCompletion.complete(service.store(), id, clock.instant());
        } catch (RunCompletion.NotCompletable e) {
            ex.detail = e.getMessage();
            throw new ApiError(409, e.getMessage());
        } catch (CanaryNotFoundException e) {
            ex.detail = "no such canary";
            throw new ApiError(404, "no canary " + id);
        } catch (RuntimeException e) {
            throw serviceError(ex, e);
        }
        LOG.debug("caller {} completed canary {} ({})", caller(ex).name(), id, result.changed() ? "now" : "already");
        ObjectNode out = CanaryJson.record(result.record());
        out.put("completedAt", result.completedAt().toString());
        return new Answer(200, out);
    }

    private Answer revoke(Exchange ex, CanaryId id) {
        ex.action = "revoke";
        ex.canaryId = id.value();
        CanaryRecord owned = owned(ex, id);
        ex.asset = owned.asset().ref();
        CanaryRecord r;
        try {
            r = service.revoke(id);
        } catch (CanaryNotFoundException e) {
            ex.detail = "no such canary";
            throw new ApiError(404, "no canary " + id);
        } catch (RuntimeException e) {
            throw serviceError(ex, e);
        }
        LOG.debug("caller {} revoked canary {}", caller(ex).name(), id);
        return new Answer(200, CanaryJson.record(r));
    }

    private ApiError serviceError(Exchange ex, RuntimeException e) {
        String message = Excerpt.message(e.getMessage());
        ex.detail = message;
        if (e instanceof CanaryConfigurationException) {
            return new ApiError(422, message);
        }
        if (e instanceof QuotaExhaustedException) {
            return new ApiError(503, message);
        }
        if (e instanceof IssuanceException ie && ie.reason() == CanaryIssuerException.Reason.NAME_TAKEN) {
            return new ApiError(409, message + " (this asset has many canaries already: revoke old ones or use another "
                    + "asset id)");
        }
        if (e instanceof IssuanceException ie && ie.reason() == CanaryIssuerException.Reason.THROTTLED) {
            return new ApiError(503, message, null, 30);
        }
        if (e instanceof CanaryException && e.getCause() instanceof CanaryConfigurationException) {
            return new ApiError(409, message); // the placement refused: its target holds something else
        }
        if (e instanceof CanaryException) {
            LOG.debug("request failed", e);
            return new ApiError(502, message);
        }
        LOG.warn("unexpected error serving {} {}", ex.method, Excerpt.of(ex.path), e);
        ex.detail = "internal error";
        return new ApiError(500, "internal error");
    }

    // ------------------------------------------------------------------------------------------------ input

    private static @Nullable String text(JsonNode node, @Nullable String parent, String name, boolean required) {
        String field = parent == null ? name : parent + "." + name;
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ApiError(400, "missing field '" + field + "'");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiError(400, "field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static Map<String, String> stringMap(JsonNode node, String field, int max) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new ApiError(400, "field '" + field + "' must be an object of strings");
        }
        if (node.size() > max) {
            throw new ApiError(400, "field '" + field + "' has more than " + max + " entries");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ApiError(400, "field '" + field + "." + Excerpt.of(e.getKey()) + "' must be a string");
            }
            if (e.getKey().isEmpty() || e.getKey().length() > 128 || e.getValue().asText().length() > 1024) {
                throw new ApiError(400, "field '" + field + "': keys must be 1-128 characters and values at most 1024");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&", -1)) {
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (out.put(k, v) != null) {
                    throw new ApiError(400, "query parameter '" + Excerpt.of(k) + "' given twice");
                }
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "malformed query string (bad percent-encoding)");
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ output

    private void audit(Exchange ex, Answer answer) {
        Caller caller = ex.caller;
        String action = ex.action;
        if (caller == null || action == null) {
            return;
        }
        String result = answer.status < 300 ? "ok" : answer.status == 404 ? "not-found"
                : answer.status < 500 && answer.status != 408 && answer.status != 429 ? "refused" : "failed";
        String detail = answer.status < 300 ? null : ex.detail != null ? ex.detail
                : answer.body == null ? null : answer.body.path("error").asText(null);
        AuditEvent e = new AuditEvent(clock.instant(), action, caller.name(), caller.identity().scheme(), ex.sourceText,
                ex.canaryId, ex.asset, ex.profile, ex.kind, result, answer.status, detail);
        try {
            audit.record(e);
        } catch (RuntimeException x) {
            LOG.error("could not record an audit event: {}", x.toString());
        }
    }

    private static final class Answer {
        final int status;
        final @Nullable JsonNode body;
        final Map<String, String> headers;
        final @Nullable String text;

        Answer(int status, JsonNode body) {
            this(status, body, Map.of());
        }

        Answer(int status, @Nullable JsonNode body, Map<String, String> headers) {
            this(status, body, headers, null);
        }

        private Answer(int status, @Nullable JsonNode body, Map<String, String> headers, @Nullable String text) {
            this.status = status;
            this.body = body;
            this.headers = headers;
            this.text = text;
        }

        static Answer text(int status, String text) {
            return new Answer(status, null, Map.of(), text);
        }

        static Answer error(int status, @Nullable String message) {
            ObjectNode n = CanaryJson.MAPPER.createObjectNode();
            n.put("error", message);
            return new Answer(status, n);
        }
    }

    /** A 4xx (or 5xx) answer with a message for the caller. */
    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final @Nullable String allow;
        private final long retryAfter;

        ApiError(int status, @Nullable String message) {
            this(status, message, null, 0);
        }

        ApiError(int status, @Nullable String message, @Nullable String allow) {
            this(status, message, allow, 0);
        }

        ApiError(int status, @Nullable String message, @Nullable String allow, long retryAfter) {
            super(message, null, false, false);
            this.status = status;
            this.allow = allow;
            this.retryAfter = retryAfter;
        }

        Answer answer() {
            Map<String, String> headers = new LinkedHashMap<>();
            if (allow != null) {
                headers.put("Allow", allow);
            }
            if (retryAfter > 0) {
                headers.put("Retry-After", Long.toString(retryAfter));
            }
            if (status == 401) {
                headers.put("WWW-Authenticate", "Bearer");
            }
            Answer a = Answer.error(status, getMessage());
            return new Answer(status, a.body, headers);
        }
    }

    /**
     * Builder for {@link IssuanceApi}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable CanaryService service;
        private final Map<String, Secret> tokens = new LinkedHashMap<>();
        private final Map<String, Secret> hmacKeys = new LinkedHashMap<>();
        private final List<CallerAuthenticator> authenticators = new ArrayList<>();
        private final Map<String, CallerPermissions> permissions = new LinkedHashMap<>();
        private final Map<String, PlacementProfile> profiles = new LinkedHashMap<>();
        private String host = "127.0.0.1";
        private int port;
        private Clock clock = Clock.systemUTC();
        private ServerLimits limits = ServerLimits.defaults();
        private double perMinute = 60;
        private int burst = 10;
        private Duration maxSkew = Duration.ofMinutes(5);
        private CredentialKind defaultKind = CredentialKind.IAM_USER;
        private @Nullable ReplayGuard replayGuard;
        private AuditLog audit = AuditLog.logger();
        private boolean standalone = true;
        private @Nullable TlsSettings tls;
        private @Nullable DeviceSettings devices;

        Builder() {
        }

        /** Serves HTTPS on its own server ({@code null}: plain HTTP, the default); see {@link TlsSettings}. */
        public Builder tls(@Nullable TlsSettings v) { tls = v; return this; }

        /**
         * Serves the device endpoints ({@link DeviceApi}) with these settings ({@code null}: none, the default). Devices
         * authenticate with {@link DeviceCertificateAuthenticator} or {@link DeviceTokenAuthenticator}.
         */
        public Builder devices(@Nullable DeviceSettings v) { devices = v; return this; }

        /** The service that issues (required). */
        public Builder service(CanaryService v) { service = Objects.requireNonNull(v); return this; }

        /** A caller authenticated by a bearer token (at least 16 characters; see {@link BearerTokenAuthenticator}). */
        public Builder bearerToken(String caller, Secret token) {
            tokens.put(Objects.requireNonNull(caller), Objects.requireNonNull(token));
            return this;
        }

        /** A caller authenticated by HMAC-signed requests (see {@link HmacAuthenticator}). */
        public Builder hmacKey(String caller, Secret key) {
            hmacKeys.put(Objects.requireNonNull(caller), Objects.requireNonNull(key));
            return this;
        }

        /** A further authenticator, asked after the bearer-token and HMAC callers. */
        public Builder authenticator(CallerAuthenticator v) {
            authenticators.add(Objects.requireNonNull(v));
            return this;
        }

        /** What the caller {@code name} may do (default {@link CallerPermissions#defaults()}). */
        public Builder permissions(String caller, CallerPermissions v) {
            permissions.put(Objects.requireNonNull(caller), Objects.requireNonNull(v));
            return this;
        }

        /** A placement profile callers may be allowed to use, besides the built-in {@code return}. */
        public Builder profile(PlacementProfile v) {
            Objects.requireNonNull(v);
            if (v.name().equals(PlacementProfile.RETURN)) {
                throw new CanaryConfigurationException("the placement profile 'return' is built in");
            }
            if (profiles.putIfAbsent(v.name(), v) != null) {
                throw new CanaryConfigurationException("two placement profiles named " + v.name());
            }
            return this;
        }

        /** Address to bind (default 127.0.0.1). */
        public Builder host(String v) { host = Objects.requireNonNull(v); return this; }

        /** Port (default 0: any free port). */
        public Builder port(int v) { port = v; return this; }

        /** Clock for signatures and rate limits. */
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }

        /** The server's limits (default {@link ServerLimits#defaults()}). */
        public Builder limits(ServerLimits v) { limits = Objects.requireNonNull(v); return this; }

        /** Requests per minute and burst per caller (default 60/min, burst 10). */
        public Builder rateLimit(double perMinute, int burst) {
            if (!(perMinute > 0) || burst < 1) {
                throw new CanaryConfigurationException("rate limit must be positive");
            }
            this.perMinute = perMinute;
            this.burst = burst;
            return this;
        }

        /** How far an HMAC timestamp may be from the server's clock (default 5 minutes). */
        public Builder maxSkew(Duration v) { maxSkew = Objects.requireNonNull(v); return this; }

        /** The credential kind issued when neither request nor profile names one (default iam-user). */
        public Builder defaultKind(CredentialKind v) { defaultKind = Objects.requireNonNull(v); return this; }

        /**
         * Where used signatures are remembered (default: the service's store, {@link StoreReplayGuard}, so a restart or
         * another copy of the server refuses a replay too; in memory only if the store has no conditional entries).
         */
        public Builder replayGuard(ReplayGuard v) { replayGuard = Objects.requireNonNull(v); return this; }

        /** Where issuances and revocations are recorded (default {@link AuditLog#logger()}). */
        public Builder auditLog(AuditLog v) { audit = Objects.requireNonNull(v); return this; }

        /** Largest request body accepted (default 64 KiB); shorthand for {@link ServerLimits#withMaxBodyBytes}. */
        public Builder maxBodyBytes(int v) { limits = limits.withMaxBodyBytes(v); return this; }

        /** Builds no server of its own: mount {@link #handler()} on a {@link CanaryHttpServer} under {@code /v1/}. */
        public Builder mounted() { standalone = false; return this; }

        /** The replay guard: the one set, else the store's ({@link StoreReplayGuard}), else one in memory. */
        ReplayGuard replayGuardOrDefault() {
            if (replayGuard == null) {
                try {
                    replayGuard = StoreReplayGuard.create(store(), clock);
                } catch (UnsupportedOperationException e) {
                    LOG.warn("the store {} has no conditional entries, so used HMAC signatures are remembered in "
                            + "memory only and a restart forgets them: {}", store().getClass().getName(), e.getMessage());
                    replayGuard = InMemoryReplayGuard.create(clock);
                }
            }
            return replayGuard;
        }

        io.canarykit.store.CanaryStore store() {
            if (service == null) {
                throw new CanaryConfigurationException("IssuanceApi needs a CanaryService");
            }
            return service.store();
        }

        /** Builds the API (not started). */
        public IssuanceApi build() {
            if (service == null) {
                throw new CanaryConfigurationException("IssuanceApi needs a CanaryService");
            }
            if (tokens.isEmpty() && hmacKeys.isEmpty() && authenticators.isEmpty()) {
                throw new CanaryConfigurationException("IssuanceApi needs at least one caller: a bearer token, an HMAC "
                        + "key or an authenticator");
            }
            replayGuardOrDefault();
            for (Map.Entry<String, CallerPermissions> e : permissions.entrySet()) {
                for (String p : e.getValue().profiles()) {
                    if (!p.equals(CallerPermissions.ANY) && !p.equals(PlacementProfile.RETURN) && !profiles.containsKey(p)) {
                        throw new CanaryConfigurationException("caller " + e.getKey() + " is allowed the placement profile "
                                + p + ", which is not configured (canary.api.profile." + p + ".placement)");
                    }
                }
            }
            return new IssuanceApi(this);
        }
    }
}
