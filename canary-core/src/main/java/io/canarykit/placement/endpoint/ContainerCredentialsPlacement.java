package io.canarykit.placement.endpoint;

import com.sun.net.httpserver.HttpExchange;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.internal.CredentialJson;
import io.canarykit.placement.CredentialRefresher;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

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
 *
 * @since 0.1.0
 */
public final class ContainerCredentialsPlacement extends EndpointPlacement {
    /** The provider name. */
    public static final String NAME = "container-credentials";
    private static final Logger LOG = LoggerFactory.getLogger(ContainerCredentialsPlacement.class);
    private static final Set<String> OPTIONS = Stream.concat(ContainerCredentialsPlacementProvider.SETTINGS.stream(),
            Stream.of("role-arn", "account-id", "relative-uri", "authorization", "token-file", "allow-long-term"))
            .collect(Collectors.toUnmodifiableSet());
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]{1,255}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

    private final PlacementFiles files;
    private final PlacementEnvironment environment;
    private final Map<String, Served> paths = new ConcurrentHashMap<>();

    private ContainerCredentialsPlacement(Builder b) {
        super(b, "the container credentials endpoint");
        this.files = Objects.requireNonNull(b.files, "files"); // build() sets it
        this.environment = b.environment;
    }

    /** A builder: 127.0.0.1 on a free port, no refresher. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    PlacementReceipt serve(@Nullable PlacementReceipt previous, PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        CanaryCredential c = request.credential();
        checkServable(o, c);
        String roleArn = o.get("role-arn");
        if (roleArn != null && !ROLE_ARN.matcher(roleArn).matches()) {
            throw new CanaryConfigurationException("placement " + NAME + " option role-arn: '" + roleArn
                    + "' is not a role ARN such as arn:aws:iam::123456789012:role/ecs-task");
        }
        String accountId = o.get("account-id");
        if (accountId == null) {
            accountId = AccountIds.fromAccessKeyId(c.accessKeyId());
        }
        String path;
        if (previous != null && o.get("relative-uri") == null) {
            String served = previous.detail("relativeUri");
            if (served == null) {
                throw new CanaryConfigurationException("placement " + NAME + ": the receipt does not say which "
                        + "relative-uri it was served on; give the option relative-uri");
            }
            path = served;
        } else {
            path = o.get("relative-uri", "/v2/credentials/" + UUID.randomUUID());
        }
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
            Path madeDirectory = null;
            if (tokenFile != null) {
                // a token file needs authorization (refused above), so there is a token
                madeDirectory = writeTokenFile(tokenFile, Objects.requireNonNull(token, "token"), existing != null && existing.tokenDirectory() != null
                        && tokenFile.startsWith(existing.tokenDirectory()) ? existing.tokenDirectory() : null);
            }
            paths.put(path, new Served(new ServedCredential(request.canaryId(), NAME, path, c, clock.instant()), token,
                    roleArn, accountId, tokenFile, madeDirectory));
            if (existing != null && existing.tokenFile() != null && !existing.tokenFile().equals(tokenFile)) {
                deleteTokenFile(existing);
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", c.accessKeyId());
        details.put("endpoint", base.toString());
        details.put("relativeUri", path);
        details.put("authorization", String.valueOf(authorization));
        if (tokenFile != null) {
            details.put("tokenFile", tokenFile.toString());
            Served served = paths.get(path);
            if (served != null && served.tokenDirectory() != null) {
                details.put("createdTokenDirectory", served.tokenDirectory().toString());
            }
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
        checkReceipt(receipt);
        Served s = paths.get(receipt.detail("relativeUri"));
        if (s == null || !s.entry.canaryId.value().equals(receipt.detail("canaryId")) || s.token == null) {
            throw new CanaryConfigurationException("this endpoint serves no token for " + receipt.location());
        }
        return s.token;
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        checkReceipt(receipt);
        Served s = paths.get(receipt.detail("relativeUri"));
        if (!servesHere(receipt)) {
            return PlacementVerification.missing(receipt.location() + " is not served by this endpoint (" + where() + ")");
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
        checkReceipt(receipt);
        Served removed = null;
        synchronized (paths) {
            Served s = paths.get(receipt.detail("relativeUri"));
            if (s != null && s.entry.canaryId.value().equals(receipt.detail("canaryId"))) {
                removed = paths.remove(receipt.detail("relativeUri"));
            }
        }
        if (removed != null && removed.tokenFile() != null) {
            deleteTokenFile(removed);
        }
        LOG.debug("stopped serving canary {} at {}", receipt.detail("canaryId"), receipt.location());
    }

    @Override
    Collection<ServedCredential> served() {
        return paths.values().stream().map(Served::entry).toList();
    }

    /**
     * What the server served is gone with it, so token files it wrote are deleted too (each only while it still holds
     * the token written).
     */
    @Override
    void stopped() {
        for (Served s : paths.values()) {
            if (s.tokenFile() != null) {
                try {
                    deleteTokenFile(s);
                } catch (RuntimeException e) {
                    LOG.warn("could not delete the token file {}: {}", s.tokenFile(), e.getClass().getSimpleName());
                }
            }
        }
        paths.clear();
    }

    /**
     * Writes the token file, refusing a file that holds something else.
     *
     * @param madeBefore a directory the placement being replaced created, above this file, or {@code null}
     * @return the topmost directory created for it (now or before), or {@code null}
     */
    private @Nullable Path writeTokenFile(Path tokenFile, Secret token, @Nullable Path madeBefore) {
        byte[] bytes = token.reveal().getBytes(StandardCharsets.US_ASCII);
        return files.update(tokenFile, current -> {
            if (current.get(0) != null && !MessageDigest.isEqual(current.get(0), bytes)) {
                throw new CanaryConfigurationException(tokenFile + " already exists and does not hold this endpoint's "
                        + "token; nothing was changed. Choose another token-file");
            }
            Path made = madeBefore != null ? madeBefore : current.get(0) == null ? files.missingDirectory(tokenFile) : null;
            return PlacementFiles.Outcome.of(made, PlacementFiles.FileChange.write(bytes));
        });
    }

    /** Deletes a token file (and the directories made for it) while it still holds the token written. */
    private void deleteTokenFile(Served s) {
        Path tokenFile = s.tokenFile();
        if (tokenFile == null) {
            return;
        }
        byte[] token = s.token() == null ? null : s.token().reveal().getBytes(StandardCharsets.US_ASCII);
        files.update(tokenFile, current -> PlacementFiles.Outcome.of(null,
                current.get(0) != null && token != null && MessageDigest.isEqual(current.get(0), token)
                        ? PlacementFiles.FileChange.delete(s.tokenDirectory()) : PlacementFiles.FileChange.unchanged()));
    }

    @Override
    void handle(HttpExchange ex) throws IOException {
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
        EndpointServer.respond(ex, 200, "application/json", CredentialJson.container(c, s.roleArn, s.accountId));
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        EndpointServer.respond(ex, status, "application/json", CredentialJson.object("code", code, "message", message));
    }

    private Secret newToken() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Secret.of(Base64.getEncoder().withoutPadding().encodeToString(raw));
    }

    @Override
    void checkReceipt(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "relativeUri", "endpoint", "canaryId");
    }

    @Override
    public String toString() {
        return "ContainerCredentialsPlacement[" + where() + ", " + paths.size() + " served]";
    }

    private record Served(ServedCredential entry, @Nullable Secret token, @Nullable String roleArn, @Nullable String accountId,
                          @Nullable Path tokenFile, @Nullable Path tokenDirectory) {
    }

    /**
     * Builds {@link ContainerCredentialsPlacement}; the endpoint settings are those of {@link EndpointPlacement.Builder}.
     *
     * @since 0.1.0
     */
    public static final class Builder extends EndpointPlacement.Builder<Builder> {
        private @Nullable PlacementFiles files;
        private PlacementEnvironment environment = PlacementEnvironment.system();

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * How the token file is written (default: {@link PlacementFiles#defaults()}, with the lock directory found
         * through this builder's environment).
         */
        public Builder files(PlacementFiles files) {
            this.files = Objects.requireNonNull(files, "files");
            return this;
        }

        /** Where {@code HOME} is read for {@code ~} in {@code token-file} (default: the real process). */
        public Builder environment(PlacementEnvironment environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** The placement; its server starts on first use. */
        public ContainerCredentialsPlacement build() {
            if (files == null) {
                files = PlacementFiles.builder().environment(environment).build();
            }
            return new ContainerCredentialsPlacement(this);
        }
    }
}
