package io.canarykit.placement.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.internal.CredentialText;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.net.URI;
import java.net.http.HttpClient;

/**
 * Placement {@code github-actions-secret}: GitHub Actions secrets holding the canary, as workflows expect them
 * ({@code secrets.AWS_ACCESS_KEY_ID} and {@code secrets.AWS_SECRET_ACCESS_KEY}, the names of
 * {@code aws-actions/configure-aws-credentials}' examples), in a repository, one of its environments, or an
 * organisation. A workflow, a compromised action or a leaked log that uses them triggers the canary.
 *
 * <p>Through GitHub's REST API ({@code X-GitHub-Api-Version: 2022-11-28}): the scope's public key
 * ({@code GET …/secrets/public-key}), each value encrypted as a libsodium sealed box with it ({@link SealedBox}), then
 * {@code PUT …/secrets/{name}} with {@code encrypted_value} and {@code key_id}; {@code DELETE} on removal.
 *
 * <p>Request options (kebab-case): {@code repository} ({@code owner/name}) or {@code organization}; {@code environment}
 * (with {@code repository}); {@code layout}: {@code variables} (default: one secret per field, {@code <prefix>AWS_ACCESS_KEY_ID},
 * {@code <prefix>AWS_SECRET_ACCESS_KEY} and, for session credentials, {@code <prefix>AWS_SESSION_TOKEN}), {@code json}
 * or {@code env} (one secret {@code secret-name} holding the credential as a JSON object or dotenv lines, field names
 * from {@code keys}); {@code prefix}; {@code secret-name}; {@code keys}; for organisations {@code visibility}
 * ({@code private} default, {@code all}, {@code selected}) and {@code selected-repository-ids}.
 *
 * <p>GitHub never returns a secret's value, so a secret is told apart by its {@code updated_at}: {@code place} refuses
 * names that exist already (they could be a team's real credentials; nothing is changed), records each secret's
 * {@code updated_at} after reading it back, and {@code verify} and {@code remove} act only while it is unchanged (a
 * secret rewritten since is someone else's now and is left alone). A placement that fails after its first write
 * deletes what it wrote. {@link #replace} rewrites the same secrets in place; if it fails half-way it deletes them
 * (the old values cannot be written back), so the old canary's receipt verifies as missing and reconciliation
 * re-places it. Thread-safe.
 *
 * @since 0.1.0
 */
public final class GitHubActionsSecretPlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "github-actions-secret";
    static final Set<String> OPTIONS = Set.of("repository", "organization", "environment", "layout", "prefix",
            "secret-name", "keys", "visibility", "selected-repository-ids");
    private static final Logger LOG = LoggerFactory.getLogger(GitHubActionsSecretPlacement.class);
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}");
    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
    private static final Pattern ENVIRONMENT = Pattern.compile("[A-Za-z0-9 ._-]{1,255}");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");
    private static final int MAX_VALUE_BYTES = 48 * 1024;

    private final RestClient api;
    private final String apiHost;
    private final SecureRandom random;
    private final Clock clock;
    private final RestClient.Sleeper sleeper;

    private GitHubActionsSecretPlacement(Builder b) {
        this.api = Objects.requireNonNull(b.api, "the GitHub API connection");
        this.apiHost = Objects.requireNonNull(b.apiHost, "apiHost"); // build() set it
        this.random = b.random;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
    }

    /** A builder; {@link Builder#api} (the API URL and the token, or a provider) is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Where secrets go: the scope's API path, and the names and values. */
    private record Target(String scope, String owner, @Nullable String environment, String basePath, String location) {
    }

    @Override
    public PlacementReceipt place(PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        Target t = target(o);
        Map<String, String> entries = entries(o, request.credential());
        String[] secrets = Values.secretsOf(request.credential());
        for (String name : entries.keySet()) {
            RestClient.Response r = api.send("GET", t.basePath + "/secrets/" + name, null);
            if (r.status() == 200) {
                throw new CanaryConfigurationException("placement " + NAME + ": secret " + name + " already exists in "
                        + t.location + "; GitHub never shows a secret's value, so it cannot be told from a real one, and "
                        + "nothing was changed. Choose another name (option prefix or secret-name)");
            }
            if (r.status() != 404) {
                throw failure("checking secret " + name + " in " + t.location, r, secrets);
            }
        }
        Map<String, String> updated = write(t, o, entries, secrets, false);
        LOG.debug("placed canary {} ({}) as GitHub secrets {} in {}", request.canaryId(),
                request.credential().accessKeyId(), entries.keySet(), t.location);
        return receipt(request, o, t, updated);
    }

    @Override
    public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        check(previous);
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        Target t = target(o);
        Map<String, String> entries = entries(o, request.credential());
        if (!t.location.equals(previous.location())) {
            PlacementReceipt placed = place(request);
            remove(previous);
            return placed;
        }
        String[] secrets = Values.secretsOf(request.credential());
        List<String> before = List.of(Values.detail(NAME, previous, "names").split(","));
        for (String name : entries.keySet()) {
            if (!before.contains(name) && api.send("GET", t.basePath + "/secrets/" + name, null).status() != 404) {
                throw new CanaryConfigurationException("placement " + NAME + ": secret " + name + " already exists in "
                        + t.location + "; nothing was changed");
            }
        }
        String changed = changedSince(t, previous);
        if (changed != null) {
            throw new CanaryConfigurationException("placement " + NAME + ": " + changed + "; nothing was changed. Place "
                    + "the new canary with place instead");
        }
        Map<String, String> updated = write(t, o, entries, secrets, true);
        for (Map.Entry<String, String> e : updated.entrySet()) {
            if (!e.getValue().equals(previous.detail("updatedAt." + e.getKey()))) {
                continue;
            }
            // rewritten within the same second as the old receipt's timestamp: wait and write again, so that the old
            // receipt can never match the new secret
            pause();
            updated = write(t, o, entries, secrets, true);
            break;
        }
        for (String name : before) {
            if (!entries.containsKey(name)) {
                delete(t, name); // a field the new credential lacks (a session token)
            }
        }
        LOG.debug("replaced canary {} by {} in GitHub secrets {} of {}", previous.detail("accessKeyId"),
                request.credential().accessKeyId(), entries.keySet(), t.location);
        return receipt(request, o, t, updated);
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        String changed = changedSince(target(receipt), receipt);
        return changed == null
                ? PlacementVerification.present(receipt.location() + " holds secrets " + receipt.detail("names")
                + " as written for " + receipt.detail("accessKeyId"))
                : PlacementVerification.missing(changed);
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        Target t = target(receipt);
        List<String> deleted = new ArrayList<>();
        for (String name : Values.detail(NAME, receipt, "names").split(",")) {
            RestClient.Response r = api.send("GET", t.basePath + "/secrets/" + name, null);
            if (r.status() == 404) {
                continue;
            }
            if (r.status() != 200) {
                throw failure("reading secret " + name + " in " + t.location, r);
            }
            if (!updatedAt(r).equals(receipt.detail("updatedAt." + name))) {
                LOG.warn("GitHub secret {} in {} was rewritten after canary {} was placed; it was left as it is", name,
                        t.location, receipt.detail("accessKeyId"));
                continue;
            }
            delete(t, name);
            deleted.add(name);
        }
        LOG.debug("removed GitHub secrets {} of canary {} from {}", deleted, receipt.detail("accessKeyId"), t.location);
    }

    // ----------------------------------------------------------------------------------------------------------

    /**
     * Encrypts and writes every entry, then reads each back; on failure deletes what this call wrote (and, for a
     * rotation, every entry: the old values cannot come back).
     *
     * @return each secret's {@code updated_at} as read back
     */
    private Map<String, String> write(Target t, PlacementOptions o, Map<String, String> entries, String[] secrets,
                                      boolean rotation) {
        RestClient.Response keyAnswer = api.send("GET", t.basePath + "/secrets/public-key", null);
        if (keyAnswer.status() != 200) {
            throw failure("reading the public key of " + t.location, keyAnswer, secrets);
        }
        String keyId = keyAnswer.json().path("key_id").asText("");
        byte[] publicKey;
        try {
            publicKey = Base64.getDecoder().decode(keyAnswer.json().path("key").asText(""));
        } catch (IllegalArgumentException e) {
            publicKey = new byte[0];
        }
        if (publicKey.length != SealedBox.KEY_BYTES || keyId.isEmpty() || keyId.length() > 200) {
            throw new CanaryException("placement " + NAME + ": GitHub's public key for " + t.location + " is not a "
                    + "32-byte base64 key with a key_id; nothing was written");
        }
        List<String> written = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                ObjectNode body = RestClient.JSON.createObjectNode();
                byte[] sealed = SealedBox.seal(publicKey, e.getValue().getBytes(StandardCharsets.UTF_8), random);
                body.put("encrypted_value", Base64.getEncoder().encodeToString(sealed));
                body.put("key_id", keyId);
                if (t.scope.equals("organization")) {
                    String visibility = o.oneOf("visibility", "private", "private", "all", "selected");
                    body.put("visibility", visibility);
                    if (visibility.equals("selected")) {
                        var ids = body.putArray("selected_repository_ids");
                        for (String id : o.require("selected-repository-ids", "the ids of the repositories that may "
                                + "use the secret, such as 1296269,1296280").split(",")) {
                            try {
                                ids.add(Long.parseLong(id.trim()));
                            } catch (NumberFormatException ex) {
                                throw new CanaryConfigurationException("placement " + NAME + " option "
                                        + "selected-repository-ids: '" + id.trim() + "' is not a repository id");
                            }
                        }
                    }
                }
                RestClient.Response r = api.send("PUT", t.basePath + "/secrets/" + e.getKey(), body, secrets);
                if (r.status() != 201 && r.status() != 204) {
                    throw failure("writing secret " + e.getKey() + " in " + t.location, r, secrets);
                }
                written.add(e.getKey());
            }
            Map<String, String> updated = new LinkedHashMap<>();
            for (String name : entries.keySet()) {
                RestClient.Response r = api.send("GET", t.basePath + "/secrets/" + name, null);
                if (r.status() != 200 || !name.equalsIgnoreCase(r.json().path("name").asText())) {
                    throw new CanaryException("placement " + NAME + ": secret " + name + " is not in " + t.location
                            + " after it was written (" + api.describe(r, secrets) + ")");
                }
                updated.put(name, updatedAt(r));
            }
            return updated;
        } catch (RuntimeException e) {
            List<String> undo = rotation ? List.copyOf(entries.keySet()) : written;
            for (String name : undo) {
                try {
                    delete(t, name);
                } catch (RuntimeException d) {
                    e.addSuppressed(d);
                }
            }
            throw e;
        }
    }

    private void delete(Target t, String name) {
        RestClient.Response r = api.send("DELETE", t.basePath + "/secrets/" + name, null);
        if (r.status() != 204 && r.status() != 404) {
            throw failure("deleting secret " + name + " in " + t.location, r);
        }
    }

    /** Why the receipt's secrets no longer match, or {@code null} when every one is as written. */
    private @Nullable String changedSince(Target t, PlacementReceipt receipt) {
        for (String name : Values.detail(NAME, receipt, "names").split(",")) {
            RestClient.Response r = api.send("GET", t.basePath + "/secrets/" + name, null);
            if (r.status() == 404) {
                return "secret " + name + " is no longer in " + t.location;
            }
            if (r.status() != 200) {
                throw failure("reading secret " + name + " in " + t.location, r);
            }
            String at = updatedAt(r);
            if (!at.equals(receipt.detail("updatedAt." + name))) {
                return "secret " + name + " in " + t.location + " was rewritten at " + at + ", after canary "
                        + receipt.detail("accessKeyId") + " was placed (" + receipt.detail("updatedAt." + name) + ")";
            }
        }
        return null;
    }

    private static String updatedAt(RestClient.Response r) {
        return r.json().path("updated_at").asText("");
    }

    private void pause() {
        try {
            sleeper.sleep(Duration.ofMillis(1100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryException("placement " + NAME + " interrupted");
        }
    }

    private Target target(PlacementOptions o) {
        String repository = o.get("repository");
        String organization = o.get("organization");
        String environment = o.get("environment");
        if ((repository == null) == (organization == null)) {
            throw new CanaryConfigurationException("placement " + NAME + " needs exactly one of the options repository "
                    + "(owner/name) and organization");
        }
        if (organization != null) {
            if (environment != null) {
                throw new CanaryConfigurationException("placement " + NAME + ": environment goes with repository, not "
                        + "with organization");
            }
            if (!ORGANIZATION.matcher(organization).matches()) {
                throw new CanaryConfigurationException("placement " + NAME + " option organization: '" + organization
                        + "' is not a GitHub organisation name");
            }
            return target("organization", organization, null);
        }
        // exactly one of repository and organization is set (checked above) and organization is not
        Objects.requireNonNull(repository, "repository");
        if (!REPOSITORY.matcher(repository).matches() || repository.endsWith("/.") || repository.endsWith("/..")) {
            throw new CanaryConfigurationException("placement " + NAME + " option repository: '" + repository
                    + "' is not owner/name, such as octo-org/billing-service");
        }
        if (environment != null && (!ENVIRONMENT.matcher(environment).matches() || environment.equals(".")
                || environment.equals("..") || environment.isBlank())) {
            throw new CanaryConfigurationException("placement " + NAME + " option environment: '" + environment
                    + "' is not a GitHub environment name (letters, digits, space and ._-)");
        }
        return target(environment == null ? "repository" : "environment", repository, environment);
    }

    private Target target(PlacementReceipt receipt) {
        String scope = Values.detail(NAME, receipt, "scope");
        return target(scope, Values.detail(NAME, receipt, "organization".equals(scope) ? "organization" : "repository"),
                receipt.detail("environment"));
    }

    private Target target(String scope, String owner, @Nullable String environment) {
        String base;
        String location;
        if (scope.equals("organization")) {
            base = "/orgs/" + RestClient.segment(owner) + "/actions";
            location = apiHost + "/orgs/" + owner + "/actions/secrets";
        } else {
            String[] on = owner.split("/", 2);
            String repo = "/repos/" + RestClient.segment(on[0]) + "/" + RestClient.segment(on[1]);
            base = environment == null ? repo + "/actions" : repo + "/environments/" + RestClient.segment(environment);
            location = apiHost + "/repos/" + owner + (environment == null ? "/actions" : "/environments/" + environment)
                    + "/secrets";
        }
        return new Target(scope, owner, environment, base, location);
    }

    /** The secrets to write, name → value. */
    private static Map<String, String> entries(PlacementOptions o, CanaryCredential c) {
        String layout = o.oneOf("layout", "variables", "variables", "json", "env");
        Map<String, String> out = new LinkedHashMap<>();
        if (layout.equals("variables")) {
            if (o.get("secret-name") != null || o.get("keys") != null) {
                throw new CanaryConfigurationException("placement " + NAME + ": secret-name and keys go with layout json "
                        + "or env; layout variables names its secrets <prefix>AWS_ACCESS_KEY_ID, ...");
            }
            String prefix = o.get("prefix", "");
            CredentialText.fields(c, CredentialText.KeyNames.ENV).forEach((k, v) -> out.put(prefix + k, v));
        } else {
            if (o.get("prefix") != null) {
                throw new CanaryConfigurationException("placement " + NAME + ": prefix goes with layout variables; name "
                        + "the one secret with secret-name");
            }
            String name = o.require("secret-name", "the secret that holds the credential, such as AWS_CREDENTIALS_JSON");
            out.put(name, CredentialText.render(c, CredentialText.Format.fromConfigName(NAME, "layout", layout),
                    CredentialText.KeyNames.fromConfigName(NAME, "keys", o.get("keys", "env"))));
        }
        for (Map.Entry<String, String> e : out.entrySet()) {
            String name = e.getKey();
            if (!SECRET_NAME.matcher(name).matches() || name.toUpperCase(Locale.ROOT).startsWith("GITHUB_")) {
                throw new CanaryConfigurationException("placement " + NAME + ": '" + name + "' is not a valid GitHub "
                        + "secret name (letters, digits and _, not starting with a digit or GITHUB_)");
            }
            o.requirePlausible("secret name", name);
            if (e.getValue().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
                throw new CanaryConfigurationException("placement " + NAME + ": the value of " + name + " is larger than "
                        + "GitHub's 48 KB");
            }
        }
        return out;
    }

    private PlacementReceipt receipt(PlacementRequest request, PlacementOptions o, Target t, Map<String, String> updated) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", request.credential().accessKeyId());
        details.put("scope", t.scope);
        details.put(t.scope.equals("organization") ? "organization" : "repository", t.owner);
        if (t.environment != null) {
            details.put("environment", t.environment);
        }
        details.put("layout", o.get("layout", "variables"));
        details.put("names", String.join(",", updated.keySet()));
        updated.forEach((k, v) -> details.put("updatedAt." + k, v));
        return new PlacementReceipt(NAME, t.location, details, clock.instant());
    }


    private CanaryException failure(String what, RestClient.Response r, String... secrets) {
        String said = api.describe(r, secrets);
        String hint = switch (r.status()) {
            case 401 -> "; the token is not valid (expired or revoked)";
            case 403 -> "; the token may not manage these secrets (it needs the Secrets repository permission, or "
                    + "admin:org for an organisation)";
            case 404 -> "; the repository, environment or organisation does not exist, or the token cannot see it "
                    + "(GitHub answers 404 for both)";
            case 422 -> "; GitHub refused the request as invalid";
            default -> "";
        };
        String message = "placement " + NAME + ": " + what + " failed: " + said + hint;
        return r.status() >= 400 && r.status() < 500 && r.status() != 429 ? new CanaryConfigurationException(message)
                : new CanaryException(message);
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "scope", "names", "accessKeyId");
    }

    @Override
    public String toString() {
        return "GitHubActionsSecretPlacement[" + apiHost + "]";
    }

    /**
     * Builds {@link GitHubActionsSecretPlacement}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable RestClient api;
        private @Nullable String apiHost;
        private RestClient.@Nullable Builder connection;
        private SecureRandom random = new SecureRandom();
        private Clock clock = Clock.systemUTC();
        private RestClient.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder() {
        }

        /** How to reach GitHub (package-private: the provider and tests configure it). */
        Builder connection(RestClient.Builder connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /**
         * GitHub's API URL and a token allowed to manage the secrets (a fine-grained token with the "Secrets"
         * repository permission, or a classic one with {@code repo} / {@code admin:org}).
         *
         * @param apiUrl the REST API root: {@code https://api.github.com}, or {@code https://HOST/api/v3} for GitHub
         *               Enterprise Server
         * @param token  the token; never logged or shown
         */
        public Builder api(URI apiUrl, io.canarykit.Secret token) {
            return connection(RestClient.builder("GitHub").baseUrl(apiUrl)
                    .token("Authorization", "Bearer ", Objects.requireNonNull(token, "token")));
        }

        /** The HTTP client to use (default: the JDK's, following no redirects). */
        public Builder httpClient(HttpClient client) {
            Objects.requireNonNull(connection, "call api(...) first").httpClient(client);
            return this;
        }

        /** The randomness of the sealed boxes' ephemeral keys (default a new {@link SecureRandom}). */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The clock for receipts and rate-limit waits (default UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        Builder sleeper(RestClient.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The placement. */
        public GitHubActionsSecretPlacement build() {
            Objects.requireNonNull(connection, "api(url, token): the GitHub API URL and token");
            RestClient.Builder c = connection.header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28").sleeper(sleeper).clock(clock);
            api = c.build();
            apiHost = api.base().getAuthority() + api.base().getPath();
            return new GitHubActionsSecretPlacement(this);
        }
    }
}
