package io.canarykit.placement;

import com.sun.net.httpserver.HttpExchange;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * Placement {@code container-credentials}: an embeddable HTTP server that answers like the ECS task credentials
 * endpoint (and EKS Pod Identity), for containers and hosts whose credential stealers read
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} / {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}.
 *
 * <p>Each placement gets its own path ({@code /v2/credentials/<uuid>}, as ECS hands out) and, by default, its own
 * authorization token: a request must carry it in the {@code Authorization} header, compared in constant time, or gets
 * 401. Give the container {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} = the receipt's location and the token through
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} ({@link #authorizationToken}) or through
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} (request option {@code token-file}: the token is written there,
 * {@code 0600}). The token is a secret and is never in the receipt.
 *
 * <p>The answer is {@code AccessKeyId}, {@code Expiration}, {@code RoleArn}, {@code SecretAccessKey}, {@code Token},
 * and {@code AccountId} (decoded from the key id unless given). Short-term canaries are refreshed through a
 * {@link CredentialRefresher} as in {@link ImdsPlacement}.
 *
 * <p>Request options: {@code role-arn}, {@code account-id}, {@code relative-uri} (a path instead of a random one),
 * {@code authorization} ({@code false}: no token, as with a relative URI on ECS), {@code token-file},
 * {@code allow-long-term} (long-term keys are refused by default: the real endpoint never serves them).
 * Thread-safe; the server starts on first use and stops on {@link #close()}.
 */
public final class ContainerCredentialsPlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "container-credentials";
    private static final Logger LOG = LoggerFactory.getLogger(ContainerCredentialsPlacement.class);
    private static final Set<String> OPTIONS = Set.of("role-arn", "account-id", "relative-uri", "authorization", "token-file",
            "allow-long-term", "host", "port", "refresh-before", "follow-symlinks");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]{1,255}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

    private final Clock clock;
    private final PlacementFiles files;
    private final PlacementEnvironment environment;
    private final CredentialRefresher refresher;
    private final Duration refreshBefore;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Served> paths = new ConcurrentHashMap<>();
    private final EndpointServer server;

    private ContainerCredentialsPlacement(Builder b) {
        this.clock = b.clock;
        this.files = b.files;
        this.environment = b.environment;
        this.refresher = b.refresher;
        this.refreshBefore = b.refreshBefore;
        CredentialDocuments.warmUp();
        this.random.nextBytes(new byte[8]);
        this.server = new EndpointServer(b.host, b.port, b.executor, this::handle, "the container credentials endpoint");
    }

    /** A builder: 127.0.0.1 on a free port, no refresher. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Starts the server if needed and returns its base URI. */
    public URI endpoint() {
        return server.start();
    }

    @Override
    public PlacementReceipt place(PlacementRequest request) {
        return serve(null, request);
    }

    @Override
    public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        check(previous);
        return serve(previous, request);
    }

    private PlacementReceipt serve(PlacementReceipt previous, PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        CanaryCredential c = request.credential();
        PlacementOptions.checkWritable(NAME, c);
        if ((c.sessionToken() == null || c.expiration() == null) && !o.flag("allow-long-term", false)) {
            throw new CanaryConfigurationException("placement " + NAME + " serves short-term credentials (session token "
                    + "and expiration): the real endpoint never serves long-term AKIA keys, so an attacker would notice. "
                    + "Issue a short-term canary, or set allow-long-term=true");
        }
        String roleArn = o.get("role-arn");
        if (roleArn != null && !ROLE_ARN.matcher(roleArn).matches()) {
            throw new CanaryConfigurationException("placement " + NAME + " option role-arn: '" + roleArn
                    + "' is not a role ARN such as arn:aws:iam::123456789012:role/ecs-task");
        }
        String accountId = o.get("account-id", AccountIds.fromAccessKeyId(c.accessKeyId()));
        String path = previous != null && o.get("relative-uri") == null ? previous.detail("relativeUri")
                : o.get("relative-uri", "/v2/credentials/" + UUID.randomUUID());
        if (!PATH.matcher(path).matches()) {
            throw new CanaryConfigurationException("placement " + NAME + " option relative-uri: '" + path
                    + "' is not a path such as /v2/credentials/8f2d...");
        }
        boolean authorization = o.flag("authorization", true);
        Path tokenFile = o.get("token-file") == null ? null : environment.expandHome(o.get("token-file")).toAbsolutePath().normalize();
        if (tokenFile != null && !authorization) {
            throw new CanaryConfigurationException("placement " + NAME + ": token-file needs authorization=true");
        }
        URI base = server.start();
        Secret token;
        synchronized (paths) {
            Served existing = paths.get(path);
            boolean mine = existing != null && previous != null
                    && existing.entry.canaryId.value().equals(previous.detail("canaryId"));
            if (existing != null && !mine && !existing.entry.canaryId.equals(request.canaryId())) {
                throw new CanaryConfigurationException(path + " already serves another canary on " + base
                        + "; choose another relative-uri");
            }
            token = !authorization ? null : existing != null && existing.token != null ? existing.token : newToken();
            if (tokenFile != null) {
                byte[] bytes = token.reveal().getBytes(StandardCharsets.US_ASCII);
                files.update(tokenFile, current -> PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(bytes)));
            }
            paths.put(path, new Served(new ServedCredential(request.canaryId(), NAME, path, c, clock.instant()), token,
                    roleArn, accountId, tokenFile));
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", c.accessKeyId());
        details.put("endpoint", base.toString());
        details.put("relativeUri", path);
        details.put("authorization", String.valueOf(authorization));
        if (tokenFile != null) {
            details.put("tokenFile", tokenFile.toString());
        }
        if (roleArn != null) {
            details.put("roleArn", roleArn);
        }
        LOG.debug("serving canary {} ({}) at {}{}", request.canaryId(), c.accessKeyId(), base, path);
        return new PlacementReceipt(NAME, base + path, details, clock.instant());
    }

    /**
     * The {@code Authorization} value a client of the receipt's path must send, for
     * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}.
     *
     * @throws CanaryConfigurationException if this endpoint does not serve the receipt, or serves it without a token
     */
    public Secret authorizationToken(PlacementReceipt receipt) {
        check(receipt);
        Served s = paths.get(receipt.detail("relativeUri"));
        if (s == null || !s.entry.canaryId.value().equals(receipt.detail("canaryId")) || s.token == null) {
            throw new CanaryConfigurationException("this endpoint serves no token for " + receipt.location());
        }
        return s.token;
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        Served s = paths.get(receipt.detail("relativeUri"));
        if (!server.running() || !receipt.detail("endpoint").equals(server.start().toString())) {
            return PlacementVerification.missing(receipt.location() + " is not served by this endpoint ("
                    + (server.running() ? server.start() : "not started") + ")");
        }
        if (s == null || !s.entry.canaryId.value().equals(receipt.detail("canaryId"))) {
            return PlacementVerification.missing(receipt.location() + " does not serve canary " + receipt.detail("canaryId"));
        }
        String now = s.entry.credential().accessKeyId();
        return PlacementVerification.present(receipt.location() + " serves canary " + receipt.detail("canaryId")
                + (now.equals(receipt.detail("accessKeyId")) ? "" : " (refreshed to " + now + ")"));
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        Served removed = null;
        synchronized (paths) {
            Served s = paths.get(receipt.detail("relativeUri"));
            if (s != null && s.entry.canaryId.value().equals(receipt.detail("canaryId"))) {
                removed = paths.remove(receipt.detail("relativeUri"));
            }
        }
        if (receipt.detail("tokenFile") != null && removed != null) {
            deleteTokenFile(Path.of(receipt.detail("tokenFile")), removed.token());
        }
        LOG.debug("stopped serving canary {} at {}", receipt.detail("canaryId"), receipt.location());
    }

    /** Refreshes every served canary that is due now. */
    public void refreshDue() {
        for (Served s : paths.values()) {
            s.entry.current(clock, refresher, refreshBefore);
        }
    }

    /**
     * Stops the server. What it served is gone with it, so token files it wrote are deleted too (each only while it
     * still holds the token written).
     */
    @Override
    public void close() {
        server.stop();
        for (Served s : paths.values()) {
            if (s.tokenFile() != null) {
                try {
                    deleteTokenFile(s.tokenFile(), s.token());
                } catch (RuntimeException e) {
                    LOG.warn("could not delete the token file {}: {}", s.tokenFile(), e.getClass().getSimpleName());
                }
            }
        }
        paths.clear();
    }

    private void deleteTokenFile(Path tokenFile, Secret token) {
        files.update(tokenFile, current -> PlacementFiles.Outcome.of(null,
                current.get(0) != null && token != null && MessageDigest.isEqual(current.get(0),
                        token.reveal().getBytes(StandardCharsets.US_ASCII))
                        ? PlacementFiles.FileChange.delete() : PlacementFiles.FileChange.unchanged()));
    }

    private void handle(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            error(ex, 405, "MethodNotAllowed", "only GET is supported");
            return;
        }
        Served s = paths.get(ex.getRequestURI().getRawPath());
        if (s == null) {
            error(ex, 404, "NotFound", "no credentials at this path");
            return;
        }
        if (s.token != null) {
            String given = ex.getRequestHeaders().getFirst("Authorization");
            if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    s.token.reveal().getBytes(StandardCharsets.UTF_8))) {
                error(ex, 401, "AccessDenied", "missing or invalid authorization token");
                return;
            }
        }
        CanaryCredential c = s.entry.current(clock, refresher, refreshBefore);
        EndpointServer.respond(ex, 200, "application/json", CredentialDocuments.container(c, s.roleArn, s.accountId));
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        EndpointServer.respond(ex, status, "application/json", CredentialDocuments.object("code", code, "message", message));
    }

    private Secret newToken() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Secret.of(Base64.getEncoder().withoutPadding().encodeToString(raw));
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "relativeUri", "endpoint", "canaryId");
    }

    @Override
    public String toString() {
        return "ContainerCredentialsPlacement[" + (server.running() ? server.start() : "not started") + ", "
                + paths.size() + " served]";
    }

    private record Served(ServedCredential entry, Secret token, String roleArn, String accountId, Path tokenFile) {
    }

    /** Builds {@link ContainerCredentialsPlacement}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Clock clock = Clock.systemUTC();
        private PlacementFiles files = PlacementFiles.defaults();
        private PlacementEnvironment environment = PlacementEnvironment.system();
        private CredentialRefresher refresher;
        private Duration refreshBefore = Duration.ofMinutes(5);
        private Executor executor;

        private Builder() {
        }

        /**
         * The address to listen on (default {@code 127.0.0.1}). SDKs accept a plain-http full URI only on loopback,
         * {@code 169.254.170.2} or {@code 169.254.170.23}.
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (default 0: a free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new CanaryConfigurationException("port " + port + " is not 0-65535");
            }
            this.port = port;
            return this;
        }

        /** The clock for refreshes (default UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How the token file is written. */
        public Builder files(PlacementFiles files) {
            this.files = Objects.requireNonNull(files, "files");
            return this;
        }

        /** Where {@code HOME} is read for {@code ~} in {@code token-file} (default: the real process). */
        public Builder environment(PlacementEnvironment environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** Supplies fresh short-term canaries before the served ones expire (default none). */
        public Builder refresher(CredentialRefresher refresher) {
            this.refresher = refresher;
            return this;
        }

        /** How long before expiry to refresh (default 5 minutes). */
        public Builder refreshBefore(Duration before) {
            Objects.requireNonNull(before, "refreshBefore");
            if (before.isNegative()) {
                throw new CanaryConfigurationException("refreshBefore must not be negative");
            }
            this.refreshBefore = before;
            return this;
        }

        /** The executor that answers requests (default: the server's own thread). */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /** The placement; its server starts on first use. */
        public ContainerCredentialsPlacement build() {
            return new ContainerCredentialsPlacement(this);
        }
    }
}
