package io.canarykit.placement.endpoint;

import com.sun.net.httpserver.HttpExchange;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.internal.CredentialJson;
import io.canarykit.placement.CredentialRefresher;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Placement {@code imds}: an embeddable HTTP server that answers like the EC2 instance metadata service, so that
 * credential stealers aimed at a host's metadata endpoint (and every AWS SDK) pick up the canary as the instance
 * role's credentials.
 *
 * <ul>
 *   <li>IMDSv2: {@code PUT /latest/api/token} with {@code X-aws-ec2-metadata-token-ttl-seconds} (1-21600) returns a
 *       session token; every {@code GET} must carry it in {@code X-aws-ec2-metadata-token} (401 otherwise, and for an
 *       expired token). A PUT with {@code X-Forwarded-For} is refused (403), as is a PUT to a versioned path.
 *       IMDSv1 (GET without a token) only when {@link Builder#allowImdsV1}.</li>
 *   <li>{@code /latest/meta-data/iam/security-credentials/} lists the role; {@code .../ROLE} returns the credential
 *       JSON ({@code Code}, {@code LastUpdated}, {@code Type}, {@code AccessKeyId}, {@code SecretAccessKey},
 *       {@code Token}, {@code Expiration}).</li>
 *   <li>{@code /latest/meta-data/iam/security-credentials-extended/} and {@code .../ROLE}, which newer SDKs try
 *       first, answer the same with {@code AccountId}; with {@link Builder#extendedApi(boolean) extendedApi(false)} they
 *       answer 404, like an older service, and the SDKs fall back to the legacy path.</li>
 *   <li>For plausibility: {@code iam/info}, {@code instance-id}, {@code placement/region},
 *       {@code placement/availability-zone}, {@code /latest/dynamic/instance-identity/document} and the directory
 *       listings.</li>
 *   <li>Short-term canaries are refreshed through a {@link CredentialRefresher} once within {@code refreshBefore}
 *       (default 5 minutes) of their expiration, as EC2 rotates role credentials.</li>
 * </ul>
 *
 * <p>Request options: {@code role} (required: the role name served), {@code account-id} (default: decoded from the
 * access key id), {@code overwrite} (serve this canary in place of another one under the same role). One instance
 * profile has one role, so a second role is refused. Long-term keys are refused unless {@code allow-long-term=true}: a
 * real metadata service never serves {@code AKIA} keys, and an attacker can tell.
 *
 * <p>The server starts on the first {@link #place} (or {@link #start()}) and stops on {@link #close()}; what it served
 * is gone with it. Thread-safe.
 *
 * @since 0.1.0
 */
public final class ImdsPlacement extends EndpointPlacement {
    /** The provider name. */
    public static final String NAME = "imds";
    private static final Logger LOG = LoggerFactory.getLogger(ImdsPlacement.class);
    private static final Set<String> OPTIONS = Set.of("role", "account-id", "overwrite", "allow-long-term",
            "host", "port", "allow-imds-v1", "extended-api", "instance-id", "region", "availability-zone", "refresh-before");
    private static final Pattern ROLE = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final String CREDS = "/latest/meta-data/iam/security-credentials/";
    private static final String CREDS_EXT = "/latest/meta-data/iam/security-credentials-extended/";
    private static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    private static final int MAX_TOKENS = 10_000;
    private static final int MAX_ANSWER = 64 * 1024;

    private final boolean allowImdsV1;
    private final boolean extendedApi;
    private final String instanceId;
    private final String instanceProfileId;
    private final String region;
    private final String availabilityZone;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, Served> roles = new ConcurrentHashMap<>();

    private ImdsPlacement(Builder b) {
        super(b, "the instance metadata endpoint");
        this.allowImdsV1 = b.allowImdsV1;
        this.extendedApi = b.extendedApi;
        this.instanceId = b.instanceId != null ? b.instanceId : "i-0" + hex(16);
        this.instanceProfileId = "AIPA" + base32(17);
        this.region = b.region;
        this.availabilityZone = b.availabilityZone != null ? b.availabilityZone : b.region + "a";
    }

    /** A builder: 127.0.0.1 on a free port, IMDSv2 only, extended API on, no refresher. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Starts the server if needed and returns its base URI (what {@code AWS_EC2_METADATA_SERVICE_ENDPOINT} takes). */
    public URI start() {
        return endpoint();
    }

    @Override
    PlacementReceipt serve(@Nullable PlacementReceipt previous, PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        String role = o.require("role", "the IAM role name the instance appears to have, such as web-prod-instance");
        if (!ROLE.matcher(role).matches()) {
            throw new CanaryConfigurationException("invalid role name '" + role + "': use 1-64 characters of letters, "
                    + "digits and + = , . @ _ -");
        }
        CanaryCredential c = request.credential();
        checkServable(o, c);
        String accountId = o.get("account-id");
        if (accountId == null) {
            accountId = AccountIds.fromAccessKeyId(c.accessKeyId());
        }
        URI base = server.start();
        synchronized (roles) {
            Served existing = roles.get(role);
            boolean mine = existing != null && (existing.entry.canaryId.equals(request.canaryId())
                    || (previous != null && existing.entry.canaryId.value().equals(previous.detail("canaryId"))));
            if (existing != null && !mine && !o.flag("overwrite", false)) {
                throw new CanaryConfigurationException("role " + role + " already serves another canary on " + base
                        + "; set overwrite=true to serve this one instead");
            }
            if (existing == null && !roles.isEmpty() && (previous == null || !roles.containsKey(previous.detail("role")))) {
                throw new CanaryConfigurationException("this metadata endpoint already serves role "
                        + roles.keySet().iterator().next() + "; an instance profile has one role, so a second would give "
                        + "the canary away. Remove that placement, or start another endpoint");
            }
            if (previous != null && !role.equals(previous.detail("role"))) {
                roles.remove(previous.detail("role"));
            }
            roles.put(role, new Served(new ServedCredential(request.canaryId(), NAME, role, c, clock.instant()), accountId));
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", c.accessKeyId());
        details.put("role", role);
        details.put("endpoint", base.toString());
        if (accountId != null) {
            details.put("accountId", accountId);
        }
        LOG.debug("serving canary {} ({}) as role {} on {}", request.canaryId(), c.accessKeyId(), role, base);
        return new PlacementReceipt(NAME, base + CREDS + role, details, clock.instant());
    }

    /**
     * Checks the receipt's endpoint: this endpoint by what it serves (a refreshed credential of the same canary counts
     * as present), another one over HTTP with IMDSv2.
     */
    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        checkReceipt(receipt);
        String role = receipt.detail("role");
        if (servesHere(receipt)) {
            Served s = roles.get(role);
            if (s == null || !s.entry.canaryId.value().equals(receipt.detail("canaryId"))) {
                return PlacementVerification.missing("role " + role + " is not serving canary " + receipt.detail("canaryId"));
            }
            String now = s.entry.credential().accessKeyId();
            return PlacementVerification.present("role " + role + " serves canary " + receipt.detail("canaryId")
                    + (now.equals(receipt.detail("accessKeyId")) ? "" : " (refreshed to " + now + ")"));
        }
        return verifyRemote(receipt);
    }

    private static PlacementVerification verifyRemote(PlacementReceipt receipt) {
        String base = receipt.detail("endpoint");
        try {
            HttpURLConnection put = (HttpURLConnection) URI.create(base + "/latest/api/token").toURL().openConnection();
            put.setRequestMethod("PUT");
            put.setRequestProperty(TTL_HEADER, "60");
            put.setConnectTimeout(2000);
            put.setReadTimeout(2000);
            String token;
            try (InputStream in = put.getInputStream()) {
                token = new String(in.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
            }
            HttpURLConnection get = (HttpURLConnection) URI.create(receipt.location()).toURL().openConnection();
            get.setRequestProperty(TOKEN_HEADER, token);
            get.setConnectTimeout(2000);
            get.setReadTimeout(2000);
            if (get.getResponseCode() != 200) {
                return PlacementVerification.missing(receipt.location() + " answers " + get.getResponseCode());
            }
            String key;
            try (InputStream in = get.getInputStream()) {
                key = CredentialJson.accessKeyId(in.readNBytes(MAX_ANSWER));
            }
            String expected = receipt.detail("accessKeyId"); // absent from a receipt this placement did not write
            return expected != null && expected.equals(key)
                    ? PlacementVerification.present(receipt.location() + " serves " + key)
                    : PlacementVerification.missing(receipt.location() + " serves " + key + ", not " + receipt.detail("accessKeyId"));
        } catch (IOException | RuntimeException e) {
            return PlacementVerification.missing(base + " cannot be reached: " + e.getClass().getSimpleName());
        }
    }

    /** Stops serving the receipt's canary, if this endpoint serves it. */
    @Override
    public void remove(PlacementReceipt receipt) {
        checkReceipt(receipt);
        synchronized (roles) {
            Served s = roles.get(receipt.detail("role"));
            if (s != null && s.entry.canaryId.value().equals(receipt.detail("canaryId"))) {
                roles.remove(receipt.detail("role"));
                LOG.debug("stopped serving canary {} as role {}", receipt.detail("canaryId"), receipt.detail("role"));
            }
        }
    }

    @Override
    Collection<ServedCredential> served() {
        return roles.values().stream().map(Served::entry).toList();
    }

    @Override
    void stopped() {
        tokens.clear();
    }

    // ---- the service ----

    @Override
    void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        ex.getResponseHeaders().set("Server", "EC2ws");
        if (method.equals("PUT")) {
            token(ex, path);
            return;
        }
        if (!method.equals("GET")) {
            text(ex, 405, "");
            return;
        }
        String token = ex.getRequestHeaders().getFirst(TOKEN_HEADER);
        if (token != null) {
            Instant expiry = tokens.get(token);
            if (expiry == null || !clock.instant().isBefore(expiry)) {
                text(ex, 401, "");
                return;
            }
        } else if (!allowImdsV1) {
            text(ex, 401, "");
            return;
        }
        get(ex, path);
    }

    private void token(HttpExchange ex, String path) throws IOException {
        if (!path.equals("/latest/api/token")) {
            text(ex, path.endsWith("/api/token") ? 403 : 405, "");
            return;
        }
        if (ex.getRequestHeaders().containsKey("X-Forwarded-For")) {
            text(ex, 403, "");
            return;
        }
        String ttlText = ex.getRequestHeaders().getFirst(TTL_HEADER);
        int ttl;
        try {
            ttl = Integer.parseInt(ttlText == null ? "" : ttlText.trim());
        } catch (NumberFormatException e) {
            ttl = -1;
        }
        if (ttl < 1 || ttl > 21600) {
            text(ex, 400, "");
            return;
        }
        Instant now = clock.instant();
        if (tokens.size() >= MAX_TOKENS) {
            tokens.values().removeIf(exp -> !now.isBefore(exp));
            if (tokens.size() >= MAX_TOKENS) {
                text(ex, 503, "");
                return;
            }
        }
        byte[] raw = new byte[42];
        random.nextBytes(raw);
        String token = "AQAEA" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(token, now.plusSeconds(ttl));
        ex.getResponseHeaders().set(TTL_HEADER, String.valueOf(ttl));
        text(ex, 200, token);
    }

    private void get(HttpExchange ex, String path) throws IOException {
        boolean extended = path.startsWith(CREDS_EXT) || path.equals(CREDS_EXT.substring(0, CREDS_EXT.length() - 1));
        if (extended && !extendedApi) {
            text(ex, 404, "");
            return;
        }
        String prefix = extended ? CREDS_EXT : CREDS;
        if (path.equals(prefix) || path.equals(prefix.substring(0, prefix.length() - 1))) {
            if (roles.isEmpty()) {
                text(ex, 404, "");
            } else {
                text(ex, 200, String.join("\n", roles.keySet()));
            }
            return;
        }
        if (path.startsWith(prefix)) {
            Served s = roles.get(path.substring(prefix.length()));
            if (s == null) {
                text(ex, 404, "");
                return;
            }
            CanaryCredential c = s.entry.current(clock, refresher, refreshBefore);
            bytes(ex, CredentialJson.imds(c, s.entry.lastUpdated(), extended ? s.accountId : null));
            return;
        }
        switch (path) {
            case "/latest/meta-data/":
            case "/latest/meta-data":
                text(ex, 200, "iam/\ninstance-id\nplacement/");
                return;
            case "/latest/meta-data/iam/":
            case "/latest/meta-data/iam":
                text(ex, 200, roles.isEmpty() ? "" : "info\nsecurity-credentials/");
                return;
            case "/latest/meta-data/iam/info":
                info(ex);
                return;
            case "/latest/meta-data/instance-id":
                text(ex, 200, instanceId);
                return;
            case "/latest/meta-data/placement/":
                text(ex, 200, "availability-zone\nregion");
                return;
            case "/latest/meta-data/placement/region":
                text(ex, 200, region);
                return;
            case "/latest/meta-data/placement/availability-zone":
                text(ex, 200, availabilityZone);
                return;
            case "/latest/dynamic/instance-identity/document":
                identity(ex);
                return;
            default:
                text(ex, 404, "");
        }
    }

    private void info(HttpExchange ex) throws IOException {
        Map.Entry<String, Served> e = roles.entrySet().stream().findFirst().orElse(null);
        if (e == null || e.getValue().accountId == null) {
            text(ex, 404, "");
            return;
        }
        bytes(ex, CredentialJson.object("Code", "Success", "LastUpdated",
                CredentialJson.time(e.getValue().entry.lastUpdated()), "InstanceProfileArn",
                "arn:aws:iam::" + e.getValue().accountId + ":instance-profile/" + e.getKey(),
                "InstanceProfileId", instanceProfileId));
    }

    private void identity(HttpExchange ex) throws IOException {
        String account = roles.values().stream().map(s -> s.accountId).filter(Objects::nonNull).findFirst().orElse(null);
        if (account == null) {
            text(ex, 404, "");
            return;
        }
        bytes(ex, CredentialJson.object("accountId", account, "architecture", "x86_64", "availabilityZone",
                availabilityZone, "instanceId", instanceId, "instanceType", "m5.large", "region", region, "version",
                "2017-09-30"));
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        EndpointServer.respond(ex, status, "text/plain", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(HttpExchange ex, byte[] json) throws IOException {
        EndpointServer.respond(ex, 200, "text/plain", json);
    }

    @Override
    void checkReceipt(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "role", "endpoint", "canaryId");
    }

    private String hex(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return sb.toString();
    }

    private String base32(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(random.nextInt(32)));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "ImdsPlacement[" + where() + ", roles=" + roles.keySet() + "]";
    }

    private record Served(ServedCredential entry, @Nullable String accountId) {
    }

    /**
     * Builds {@link ImdsPlacement}; the endpoint settings are those of {@link EndpointPlacement.Builder}.
     *
     * @since 0.1.0
     */
    public static final class Builder extends EndpointPlacement.Builder<Builder> {
        private boolean allowImdsV1;
        private boolean extendedApi = true;
        private @Nullable String instanceId;
        private String region = "us-east-1";
        private @Nullable String availabilityZone;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Also answer GETs without a session token, like an instance with IMDSv1 enabled (default {@code false}). */
        public Builder allowImdsV1(boolean allow) {
            this.allowImdsV1 = allow;
            return this;
        }

        /** Answer the {@code security-credentials-extended} paths (default {@code true}); otherwise 404 there. */
        public Builder extendedApi(boolean enabled) {
            this.extendedApi = enabled;
            return this;
        }

        /** The instance id answered ({@code null}, the default: a random {@code i-0...}). */
        public Builder instanceId(@Nullable String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        /** The region answered (default {@code us-east-1}). */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The availability zone answered ({@code null}, the default: the region + {@code a}). */
        public Builder availabilityZone(@Nullable String zone) {
            this.availabilityZone = zone;
            return this;
        }

        /** The placement; its server starts on first use. */
        public ImdsPlacement build() {
            return new ImdsPlacement(this);
        }
    }
}
