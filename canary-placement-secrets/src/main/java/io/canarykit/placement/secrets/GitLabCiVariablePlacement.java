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

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.net.URI;
import java.net.http.HttpClient;

/**
 * Placement {@code gitlab-ci-variable}: GitLab CI/CD variables holding the canary, masked and protected, as pipelines
 * expect them ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}: the names GitLab's own AWS deployment
 * documentation uses), in a project or a group. A job, a compromised dependency or a leaked log that uses them
 * triggers the canary.
 *
 * <p>Through GitLab's REST API v4 ({@code PRIVATE-TOKEN}): {@code POST /projects/:id/variables} (or
 * {@code /groups/:id/variables}) to create, {@code GET}/{@code PUT}/{@code DELETE /…/variables/:key} with
 * {@code filter[environment_scope]}.
 *
 * <p>Request options (kebab-case): {@code project} (numeric id or full path such as {@code platform/billing}) or
 * {@code group}; {@code environment-scope} (default {@code *}); {@code layout}: {@code variables} (default: one
 * variable per field, {@code <prefix>AWS_ACCESS_KEY_ID}, ...), {@code json} or {@code env} (one variable
 * {@code variable-name} holding the whole credential; such a value cannot be masked, so it needs {@code masked=false});
 * {@code prefix}; {@code variable-name}; {@code keys}; {@code masked} (default {@code true}); {@code protected}
 * (default {@code true}); {@code variable-type} ({@code env_var} default, {@code file}); {@code description}.
 *
 * <p>GitLab returns a variable's value to a maintainer, so the placement knows its own: {@code place} refuses a name
 * that exists with another value (nothing is changed) and adopts one holding exactly this canary (a retry whose answer
 * was lost); every write is read back (value, masked, protected, scope); a placement that fails after its first write
 * deletes what it created. {@link #replace} updates the same variables and writes the old values back if it fails
 * half-way. {@link #verify} and {@link #remove} act only while the variable carrying the access key id still holds the
 * receipt's. Thread-safe.
 *
 * @since 0.1.0
 */
public final class GitLabCiVariablePlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "gitlab-ci-variable";
    static final Set<String> OPTIONS = Set.of("project", "group", "environment-scope", "layout", "prefix",
            "variable-name", "keys", "masked", "protected", "variable-type", "description");
    private static final Logger LOG = LoggerFactory.getLogger(GitLabCiVariablePlacement.class);
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]*(/[A-Za-z0-9_.][A-Za-z0-9_.-]*){0,20}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]{1,255}");
    private static final Pattern MASKABLE = Pattern.compile("[A-Za-z0-9+/=@:.~_-]{8,}");
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9 _./*{}$-]{1,255}");

    private final RestClient api;
    private final String apiHost;
    private final Clock clock;

    private GitLabCiVariablePlacement(Builder b) {
        this.api = Objects.requireNonNull(b.api, "api"); // build() set it
        this.apiHost = Objects.requireNonNull(b.apiHost, "apiHost"); // build() set it
        this.clock = b.clock;
    }

    /** A builder; {@link Builder#api} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    private record Target(String scope, String owner, String environmentScope, String basePath, String location) {
        String variable(String key) {
            return basePath + "/" + key + "?filter%5Benvironment_scope%5D=" + RestClient.segment(environmentScope);
        }
    }

    /** What is written: name → value, and which name carries the access key id. */
    private record Entries(Map<String, String> values, String idName) {
    }

    @Override
    public PlacementReceipt place(PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        Target t = target(o);
        Entries e = entries(o, request.credential());
        String[] secrets = Values.secretsOf(request.credential());
        List<String> adopted = new ArrayList<>();
        for (Map.Entry<String, String> v : e.values.entrySet()) {
            JsonNode existing = get(t, v.getKey(), secrets);
            if (existing != null) {
                if (!Values.same(existing.path("value").asText(null), v.getValue())) {
                    throw new CanaryConfigurationException("placement " + NAME + ": variable " + v.getKey() + " already "
                            + "exists in " + t.location + " (environment scope " + t.environmentScope + ") with another "
                            + "value; nothing was changed. Choose another name (option prefix or variable-name)");
                }
                adopted.add(v.getKey());
            }
        }
        List<String> created = new ArrayList<>();
        try {
            for (Map.Entry<String, String> v : e.values.entrySet()) {
                if (adopted.contains(v.getKey())) {
                    continue;
                }
                RestClient.Response r = api.send("POST", t.basePath, body(o, t, v.getKey(), v.getValue()), secrets);
                if (r.status() != 201) {
                    throw failure("creating variable " + v.getKey() + " in " + t.location, r, secrets);
                }
                created.add(v.getKey());
            }
            for (Map.Entry<String, String> v : e.values.entrySet()) {
                confirm(t, o, v.getKey(), v.getValue(), secrets);
            }
        } catch (RuntimeException ex) {
            for (String key : created) {
                deleteQuietly(t, key, ex);
            }
            throw ex;
        }
        LOG.debug("placed canary {} ({}) as GitLab variables {} in {}", request.canaryId(),
                request.credential().accessKeyId(), e.values.keySet(), t.location);
        return receipt(request, o, t, e);
    }

    @Override
    public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        check(previous);
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        Target t = target(o);
        Entries e = entries(o, request.credential());
        if (!t.location.equals(previous.location()) || !t.environmentScope.equals(previous.detail("environmentScope"))
                || !e.idName.equals(previous.detail("idName"))) {
            PlacementReceipt placed = place(request);
            remove(previous);
            return placed;
        }
        String[] secrets = Values.secretsOf(request.credential());
        String holds = heldKey(t, previous, secrets);
        if (request.credential().accessKeyId().equals(holds)) {
            return receipt(request, o, t, e); // a repeated call: already replaced
        }
        if (!Values.detail(NAME, previous, "accessKeyId").equals(holds)) {
            throw new CanaryConfigurationException("placement " + NAME + ": " + t.location + " no longer holds canary "
                    + previous.detail("accessKeyId") + "; nothing was changed. Place the new canary with place instead");
        }
        List<String> before = List.of(Values.detail(NAME, previous, "names").split(","));
        Map<String, String> old = new LinkedHashMap<>();
        for (String key : e.values.keySet()) {
            JsonNode v = get(t, key, secrets);
            if (v != null && !before.contains(key)) {
                throw new CanaryConfigurationException("placement " + NAME + ": variable " + key + " already exists in "
                        + t.location + "; nothing was changed");
            }
            old.put(key, v == null ? null : v.path("value").asText(null));
        }
        String[] all = Values.concat(secrets, old.values().stream().filter(Objects::nonNull).toArray(String[]::new));
        List<String> written = new ArrayList<>();
        try {
            for (Map.Entry<String, String> v : e.values.entrySet()) {
                boolean exists = old.get(v.getKey()) != null;
                RestClient.Response r = exists
                        ? api.send("PUT", t.variable(v.getKey()), body(o, t, null, v.getValue()), all)
                        : api.send("POST", t.basePath, body(o, t, v.getKey(), v.getValue()), all);
                if (r.status() != (exists ? 200 : 201)) {
                    throw failure((exists ? "updating" : "creating") + " variable " + v.getKey() + " in " + t.location,
                            r, all);
                }
                written.add(v.getKey());
            }
            for (Map.Entry<String, String> v : e.values.entrySet()) {
                confirm(t, o, v.getKey(), v.getValue(), all);
            }
        } catch (RuntimeException ex) {
            for (String key : written) {
                try {
                    if (old.get(key) != null) {
                        api.send("PUT", t.variable(key), body(o, t, null, old.get(key)), all);
                    } else {
                        api.send("DELETE", t.variable(key), null);
                    }
                } catch (RuntimeException restore) {
                    ex.addSuppressed(restore);
                }
            }
            throw ex;
        }
        for (String key : before) {
            if (!e.values.containsKey(key)) {
                RestClient.Response r = api.send("DELETE", t.variable(key), null); // a field the new credential lacks
                if (r.status() != 204 && r.status() != 404) {
                    throw failure("deleting variable " + key + " in " + t.location, r);
                }
            }
        }
        LOG.debug("replaced canary {} by {} in GitLab variables {} of {}", previous.detail("accessKeyId"),
                request.credential().accessKeyId(), e.values.keySet(), t.location);
        return receipt(request, o, t, e);
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        Target t = target(receipt);
        String holds = heldKey(t, receipt);
        if (!Values.detail(NAME, receipt, "accessKeyId").equals(holds)) {
            return PlacementVerification.missing("variable " + receipt.detail("idName") + " in " + t.location
                    + (holds == null ? " is gone or holds no access key id" : " holds " + holds + ", not "
                    + receipt.detail("accessKeyId")));
        }
        for (String key : Values.detail(NAME, receipt, "names").split(",")) {
            if (get(t, key) == null) {
                return PlacementVerification.missing("variable " + key + " is no longer in " + t.location);
            }
        }
        return PlacementVerification.present(t.location + " holds variables " + receipt.detail("names") + " with "
                + holds);
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        Target t = target(receipt);
        String holds = heldKey(t, receipt);
        if (holds != null && !Values.detail(NAME, receipt, "accessKeyId").equals(holds)) {
            LOG.warn("GitLab variables {} in {} no longer hold canary {}; they were left as they are",
                    receipt.detail("names"), t.location, receipt.detail("accessKeyId"));
            return;
        }
        for (String key : Values.detail(NAME, receipt, "names").split(",")) {
            RestClient.Response r = api.send("DELETE", t.variable(key), null);
            if (r.status() != 204 && r.status() != 404) {
                throw failure("deleting variable " + key + " in " + t.location, r);
            }
        }
        LOG.debug("removed GitLab variables {} of canary {} from {}", receipt.detail("names"),
                receipt.detail("accessKeyId"), t.location);
    }

    // ----------------------------------------------------------------------------------------------------------

    private ObjectNode body(PlacementOptions o, Target t, @Nullable String key, String value) {
        ObjectNode b = RestClient.JSON.createObjectNode();
        if (key != null) {
            b.put("key", key);
        }
        b.put("value", value);
        b.put("variable_type", o.oneOf("variable-type", "env_var", "env_var", "file"));
        b.put("protected", o.flag("protected", true));
        b.put("masked", o.flag("masked", true));
        if (t.scope.equals("project") || !t.environmentScope.equals("*")) {
            b.put("environment_scope", t.environmentScope);
        }
        if (o.get("description") != null) {
            b.put("description", o.get("description"));
        }
        return b;
    }

    /** Reads the variable back and checks value, masked, protected and scope. */
    private void confirm(Target t, PlacementOptions o, String key, String value, String... secrets) {
        JsonNode v = get(t, key, secrets);
        if (v == null || !Values.same(v.path("value").asText(null), value)) {
            throw new CanaryException("placement " + NAME + ": variable " + key + " in " + t.location + " does not hold "
                    + "the value just written (" + (v == null ? "it is missing" : "another value") + ")");
        }
        boolean masked = o.flag("masked", true);
        boolean prot = o.flag("protected", true);
        if (v.path("masked").asBoolean(!masked) != masked || v.path("protected").asBoolean(!prot) != prot) {
            throw new CanaryException("placement " + NAME + ": variable " + key + " in " + t.location + " was stored with "
                    + "masked=" + v.path("masked").asText("?") + ", protected=" + v.path("protected").asText("?")
                    + " instead of masked=" + masked + ", protected=" + prot);
        }
    }

    /** The variable, or {@code null} when GitLab answers 404. */
    private @Nullable JsonNode get(Target t, String key, String... secrets) {
        RestClient.Response r = api.send("GET", t.variable(key), null);
        if (r.status() == 404) {
            return null;
        }
        if (r.status() != 200) {
            throw failure("reading variable " + key + " in " + t.location, r, secrets);
        }
        return r.json();
    }

    /** The access key id the receipt's id variable holds now, or {@code null}. */
    private @Nullable String heldKey(Target t, PlacementReceipt receipt, String... secrets) {
        JsonNode v = get(t, Values.detail(NAME, receipt, "idName"), secrets);
        if (v == null) {
            return null;
        }
        String value = v.path("value").asText(null);
        return "variables".equals(receipt.detail("layout")) ? value : CredentialText.accessKeyId(value);
    }

    private void deleteQuietly(Target t, String key, RuntimeException failure) {
        try {
            RestClient.Response r = api.send("DELETE", t.variable(key), null);
            if (r.status() != 204 && r.status() != 404) {
                failure.addSuppressed(failure("deleting variable " + key + " after the failure", r));
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private Target target(PlacementOptions o) {
        String project = o.get("project");
        String group = o.get("group");
        if ((project == null) == (group == null)) {
            throw new CanaryConfigurationException("placement " + NAME + " needs exactly one of the options project (id "
                    + "or path such as platform/billing) and group");
        }
        String scope = o.get("environment-scope", "*");
        if (!SCOPE.matcher(scope).matches()) {
            throw new CanaryConfigurationException("placement " + NAME + " option environment-scope: '" + scope
                    + "' is not an environment scope such as * or production");
        }
        String owner = project != null ? project : group;
        if (!PATH.matcher(owner).matches() || owner.contains("..")) {
            throw new CanaryConfigurationException("placement " + NAME + " option " + (project != null ? "project" : "group")
                    + ": '" + owner + "' is not a numeric id or a path such as platform/billing");
        }
        return target(project != null ? "project" : "group", owner, scope);
    }

    private Target target(PlacementReceipt receipt) {
        String scope = Values.detail(NAME, receipt, "scope");
        return target(scope, Values.detail(NAME, receipt, scope), Values.detail(NAME, receipt, "environmentScope"));
    }

    private Target target(String scope, String owner, String environmentScope) {
        String base = "/" + scope + "s/" + RestClient.segment(owner) + "/variables";
        return new Target(scope, owner, environmentScope, base, apiHost + "/" + scope + "s/" + owner + "/variables");
    }

    private static Entries entries(PlacementOptions o, CanaryCredential c) {
        String layout = o.oneOf("layout", "variables", "variables", "json", "env");
        boolean masked = o.flag("masked", true);
        Map<String, String> out = new LinkedHashMap<>();
        String idName;
        if (layout.equals("variables")) {
            if (o.get("variable-name") != null || o.get("keys") != null) {
                throw new CanaryConfigurationException("placement " + NAME + ": variable-name and keys go with layout "
                        + "json or env; layout variables names its variables <prefix>AWS_ACCESS_KEY_ID, ...");
            }
            String prefix = o.get("prefix", "");
            CredentialText.fields(c, CredentialText.KeyNames.ENV).forEach((k, v) -> out.put(prefix + k, v));
            idName = prefix + "AWS_ACCESS_KEY_ID";
        } else {
            if (o.get("prefix") != null) {
                throw new CanaryConfigurationException("placement " + NAME + ": prefix goes with layout variables; name "
                        + "the one variable with variable-name");
            }
            idName = o.require("variable-name", "the variable that holds the credential, such as AWS_CREDENTIALS");
            out.put(idName, CredentialText.render(c, CredentialText.Format.fromConfigName(NAME, "layout", layout),
                    CredentialText.KeyNames.fromConfigName(NAME, "keys", o.get("keys", "env"))));
            if (masked) {
                throw new CanaryConfigurationException("placement " + NAME + ": layout " + layout + " puts the whole "
                        + "credential in one multi-character-class value, which GitLab cannot mask; use layout "
                        + "variables, or set masked=false knowingly");
            }
        }
        for (Map.Entry<String, String> e : out.entrySet()) {
            if (!KEY.matcher(e.getKey()).matches()) {
                throw new CanaryConfigurationException("placement " + NAME + ": '" + e.getKey() + "' is not a valid "
                        + "GitLab variable key (letters, digits and _, at most 255)");
            }
            o.requirePlausible("variable name", e.getKey());
            if (masked && !MASKABLE.matcher(e.getValue()).matches()) {
                throw new CanaryConfigurationException("placement " + NAME + ": the value of " + e.getKey() + " cannot "
                        + "be masked by GitLab (it needs 8 or more characters of the base64 alphabet and @:.~_-); set "
                        + "masked=false knowingly");
            }
        }
        String description = o.get("description");
        if (description != null) {
            o.requirePlausible("description", description);
        }
        return new Entries(out, idName);
    }

    private PlacementReceipt receipt(PlacementRequest request, PlacementOptions o, Target t, Entries e) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", request.credential().accessKeyId());
        details.put("scope", t.scope);
        details.put(t.scope, t.owner);
        details.put("environmentScope", t.environmentScope);
        details.put("layout", o.get("layout", "variables"));
        details.put("names", String.join(",", e.values.keySet()));
        details.put("idName", e.idName);
        return new PlacementReceipt(NAME, t.location, details, clock.instant());
    }




    private CanaryException failure(String what, RestClient.Response r, String... secrets) {
        String hint = switch (r.status()) {
            case 400 -> "; GitLab refused the variable (a masked value it cannot mask, a key already taken, a bad scope)";
            case 401 -> "; the token is not valid (expired or revoked)";
            case 403 -> "; the token may not manage CI/CD variables (it needs the Maintainer role and the api scope)";
            case 404 -> "; the project or group does not exist, or the token cannot see it";
            default -> "";
        };
        String message = "placement " + NAME + ": " + what + " failed: " + api.describe(r, secrets) + hint;
        return r.status() >= 400 && r.status() < 500 && r.status() != 429 ? new CanaryConfigurationException(message)
                : new CanaryException(message);
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "scope", "names", "idName", "environmentScope", "accessKeyId");
    }

    @Override
    public String toString() {
        return "GitLabCiVariablePlacement[" + apiHost + "]";
    }

    /**
     * Builds {@link GitLabCiVariablePlacement}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private RestClient.@Nullable Builder connection;
        private @Nullable RestClient api;
        private @Nullable String apiHost;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        Builder connection(RestClient.Builder connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /**
         * GitLab's API URL and a token allowed to manage CI/CD variables (a personal, project or group access token
         * with the {@code api} scope and the Maintainer role).
         *
         * @param apiUrl the API root, such as {@code https://gitlab.com/api/v4}
         * @param token  the token, sent as {@code PRIVATE-TOKEN}; never logged or shown
         */
        public Builder api(URI apiUrl, io.canarykit.Secret token) {
            return connection(RestClient.builder("GitLab").baseUrl(apiUrl)
                    .token("PRIVATE-TOKEN", "", Objects.requireNonNull(token, "token")));
        }

        /** The HTTP client to use (default: the JDK's, following no redirects). */
        public Builder httpClient(HttpClient client) {
            Objects.requireNonNull(connection, "call api(...) first").httpClient(client);
            return this;
        }

        /** The clock for receipts (default UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The placement. */
        public GitLabCiVariablePlacement build() {
            Objects.requireNonNull(connection, "api(url, token): the GitLab API URL and token");
            api = connection.clock(clock).build();
            apiHost = api.base().getAuthority() + api.base().getPath();
            return new GitLabCiVariablePlacement(this);
        }
    }
}
