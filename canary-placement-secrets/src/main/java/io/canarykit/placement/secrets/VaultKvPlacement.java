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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.net.URI;
import java.net.http.HttpClient;

/**
 * Placement {@code vault-kv}: a HashiCorp Vault KV version 2 secret holding the canary's fields, as teams keep AWS
 * credentials in Vault ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, or {@code access_key}/{@code
 * secret_key} like Vault's own AWS engine). Whoever reads the path and uses what it finds triggers the canary.
 *
 * <p>Every write uses check-and-set: {@code place} writes with {@code cas=0} (only if the path does not exist, so no
 * one's secret is overwritten; a path that exists is refused and nothing is changed, unless it already holds exactly
 * this canary, the answer of an earlier attempt having been lost); {@link #replace} writes with {@code cas} set to the
 * version that holds the old canary (a concurrent writer makes it fail, changing nothing). Every write is read back;
 * a placement that cannot be confirmed deletes the path's metadata and versions it created, a replacement that cannot
 * be confirmed writes the old data back. {@link #remove} deletes the path ({@code DELETE /v1/<mount>/metadata/<path>}:
 * every version and the metadata, nothing left) only while its current version holds the receipt's key.
 *
 * <p>Request options (kebab-case): {@code path} (required, such as {@code ci/billing/aws}), {@code mount} (default
 * {@code secret}), {@code keys} ({@code env} default, {@code vault}, {@code snake}, {@code pascal}, {@code camel}),
 * {@code custom-metadata} ({@code k=v,k2=v2}, set on the path's metadata). Receipt details: {@code canaryId},
 * {@code accessKeyId}, {@code mount}, {@code path}, {@code version}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class VaultKvPlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "vault-kv";
    static final Set<String> OPTIONS = Set.of("path", "mount", "keys", "custom-metadata");
    private static final Logger LOG = LoggerFactory.getLogger(VaultKvPlacement.class);
    private static final Pattern SEGMENTS = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,30}");

    private final RestClient api;
    private final String apiHost;
    private final Clock clock;

    private VaultKvPlacement(Builder b) {
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

    private record Target(String mount, String path) {
        String data() {
            return "/v1/" + encode(mount) + "/data/" + encode(path);
        }

        String metadata() {
            return "/v1/" + encode(mount) + "/metadata/" + encode(path);
        }

        private static String encode(String p) {
            StringBuilder sb = new StringBuilder();
            for (String s : p.split("/")) {
                sb.append(sb.length() == 0 ? "" : "/").append(RestClient.segment(s));
            }
            return sb.toString();
        }
    }

    /** The current version of a path: its data and version number. */
    private record Current(Map<String, String> data, long version) {
    }

    @Override
    public PlacementReceipt place(PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        Target t = target(o);
        Map<String, String> data = data(o, request.credential());
        Map<String, String> metadata = o.map("custom-metadata");
        metadata.forEach((k, v) -> {
            o.requirePlausible("custom metadata key", k);
            o.requirePlausible("custom metadata value", v);
        });
        String[] secrets = Values.secretsOf(request.credential());
        RestClient.Response r = api.send("POST", t.data(), write(data, 0), secrets);
        long version;
        boolean created;
        if (r.ok()) {
            version = r.json().path("data").path("version").asLong(-1);
            created = true;
        } else if (r.status() == 400 && casMismatch(r)) {
            Current current = read(t, secrets);
            if (current == null || !data.equals(current.data)) {
                throw new CanaryConfigurationException("placement " + NAME + ": " + location(t) + " already exists and "
                        + "does not hold this canary; nothing was changed (check-and-set 0 refused the write). Choose "
                        + "another path");
            }
            version = current.version;
            created = true; // it holds only this canary (an earlier attempt whose answer was lost)
        } else {
            throw failure("writing " + location(t), r, secrets);
        }
        try {
            Current back = read(t, secrets);
            if (back == null || !data.equals(back.data) || back.version != version) {
                throw new CanaryException("placement " + NAME + ": " + location(t) + " does not hold the version just "
                        + "written (read back " + (back == null ? "nothing" : "version " + back.version) + ", wrote "
                        + version + ")");
            }
            if (!metadata.isEmpty()) {
                ObjectNode m = RestClient.JSON.createObjectNode();
                ObjectNode cm = m.putObject("custom_metadata");
                metadata.forEach(cm::put);
                RestClient.Response mr = api.send("POST", t.metadata(), m);
                if (!mr.ok()) {
                    throw failure("setting the custom metadata of " + location(t), mr);
                }
                RestClient.Response read = api.send("GET", t.metadata(), null);
                JsonNode got = read.json().path("data").path("custom_metadata");
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    if (!e.getValue().equals(got.path(e.getKey()).asText(null))) {
                        throw new CanaryException("placement " + NAME + ": the custom metadata of " + location(t)
                                + " lacks " + e.getKey() + " after it was set");
                    }
                }
            }
        } catch (RuntimeException e) {
            if (created) {
                try {
                    deleteAll(t);
                } catch (RuntimeException d) {
                    e.addSuppressed(d);
                }
            }
            throw e;
        }
        LOG.debug("placed canary {} ({}) in {}", request.canaryId(), request.credential().accessKeyId(), location(t));
        return receipt(request, t, version);
    }

    @Override
    public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        check(previous);
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        Target t = target(o);
        if (!t.equals(target(previous))) {
            PlacementReceipt placed = place(request);
            remove(previous);
            return placed;
        }
        Map<String, String> data = data(o, request.credential());
        String[] secrets = Values.secretsOf(request.credential());
        Current current = read(t, secrets);
        String holds = current == null ? null : CredentialText.accessKeyId(current.data);
        if (current != null && data.equals(current.data)) {
            return receipt(request, t, current.version); // a repeated call: already replaced
        }
        if (current == null || !Values.detail(NAME, previous, "accessKeyId").equals(holds)) {
            throw new CanaryConfigurationException("placement " + NAME + ": " + location(t) + (current == null
                    ? " no longer exists" : " no longer holds canary " + previous.detail("accessKeyId"))
                    + "; nothing was changed. Place the new canary with place instead");
        }
        String[] all = Values.concat(secrets, current.data.values().toArray(String[]::new));
        RestClient.Response r = api.send("POST", t.data(), write(data, current.version), all);
        if (!r.ok()) {
            throw failure("writing the new version of " + location(t), r, all);
        }
        long version = r.json().path("data").path("version").asLong(-1);
        Current back = read(t, all);
        if (back == null || !data.equals(back.data) || back.version != version) {
            RuntimeException e = new CanaryException("placement " + NAME + ": " + location(t) + " does not hold the "
                    + "version just written; the old data was written back");
            RestClient.Response undo = api.send("POST", t.data(), write(current.data, version), all);
            if (!undo.ok()) {
                e.addSuppressed(failure("writing the old data back to " + location(t), undo, all));
            }
            throw e;
        }
        LOG.debug("replaced canary {} by {} in {}", previous.detail("accessKeyId"), request.credential().accessKeyId(),
                location(t));
        return receipt(request, t, version);
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        Target t = target(receipt);
        Current current = read(t);
        String holds = current == null ? null : CredentialText.accessKeyId(current.data);
        return current != null && Values.detail(NAME, receipt, "accessKeyId").equals(holds)
                ? PlacementVerification.present(location(t) + " version " + current.version + " holds " + holds)
                : PlacementVerification.missing(location(t) + (current == null ? " no longer exists"
                : holds == null ? " holds no access key id" : " holds " + holds + ", not " + receipt.detail("accessKeyId")));
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        Target t = target(receipt);
        Current current = read(t);
        if (current == null) {
            LOG.debug("{} is already gone", location(t));
            return;
        }
        if (!Values.detail(NAME, receipt, "accessKeyId").equals(CredentialText.accessKeyId(current.data))) {
            LOG.warn("{} no longer holds canary {}; it was left as it is", location(t), receipt.detail("accessKeyId"));
            return;
        }
        deleteAll(t);
        if (read(t) != null) {
            throw new CanaryException("placement " + NAME + ": " + location(t) + " still exists after its metadata was "
                    + "deleted; run remove again");
        }
        LOG.debug("removed canary {} from {}", receipt.detail("accessKeyId"), location(t));
    }

    // ----------------------------------------------------------------------------------------------------------

    private static ObjectNode write(Map<String, String> data, long cas) {
        ObjectNode body = RestClient.JSON.createObjectNode();
        body.putObject("options").put("cas", cas);
        ObjectNode d = body.putObject("data");
        data.forEach(d::put);
        return body;
    }

    private static boolean casMismatch(RestClient.Response r) {
        return r.json().path("errors").toString().contains("check-and-set");
    }

    /** The current version, or {@code null} when the path does not exist (or its current version is deleted). */
    private @Nullable Current read(Target t, String... secrets) {
        RestClient.Response r = api.send("GET", t.data(), null);
        if (r.status() == 404) {
            return null;
        }
        if (r.status() != 200) {
            throw failure("reading " + location(t), r, secrets);
        }
        JsonNode d = r.json().path("data");
        Map<String, String> data = new LinkedHashMap<>();
        d.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        return new Current(data, d.path("metadata").path("version").asLong(-1));
    }

    private void deleteAll(Target t) {
        RestClient.Response r = api.send("DELETE", t.metadata(), null);
        if (r.status() != 204 && r.status() != 200 && r.status() != 404) {
            throw failure("deleting " + location(t), r);
        }
    }

    private Target target(PlacementOptions o) {
        String mount = o.get("mount", "secret");
        String path = o.require("path", "the secret's path under the mount, such as ci/billing/aws");
        for (String[] p : new String[][] {{"mount", mount}, {"path", path}}) {
            if (!SEGMENTS.matcher(p[1]).matches() || ("/" + p[1] + "/").contains("/../") || ("/" + p[1] + "/").contains("/./")) {
                throw new CanaryConfigurationException("placement " + NAME + " option " + p[0] + ": '" + p[1]
                        + "' is not a Vault path (segments of letters, digits and ._- joined by /, no . or ..)");
            }
        }
        o.requirePlausible("path", path);
        return new Target(mount, path);
    }

    private static Target target(PlacementReceipt receipt) {
        return new Target(Values.detail(NAME, receipt, "mount"), Values.detail(NAME, receipt, "path"));
    }

    private String location(Target t) {
        return apiHost + "/v1/" + t.mount + "/data/" + t.path;
    }

    private static Map<String, String> data(PlacementOptions o, CanaryCredential c) {
        return CredentialText.fields(c, CredentialText.KeyNames.fromConfigName(NAME, "keys", o.get("keys", "env")));
    }

    private PlacementReceipt receipt(PlacementRequest request, Target t, long version) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", request.credential().accessKeyId());
        details.put("mount", t.mount);
        details.put("path", t.path);
        details.put("version", Long.toString(version));
        return new PlacementReceipt(NAME, location(t), details, clock.instant());
    }



    private CanaryException failure(String what, RestClient.Response r, String... secrets) {
        String hint = switch (r.status()) {
            case 400 -> casMismatch(r) ? "; another writer changed the path meanwhile (check-and-set)"
                    : "; Vault refused the request";
            case 403 -> "; the token's policies do not allow this (it needs create, read, update and delete on "
                    + "<mount>/data/<path> and delete on <mount>/metadata/<path>)";
            case 404 -> "; the mount does not exist or is not a KV version 2 engine";
            case 503 -> "; Vault is sealed or unavailable";
            default -> "";
        };
        String message = "placement " + NAME + ": " + what + " failed: " + api.describe(r, secrets) + hint;
        return r.status() >= 400 && r.status() < 500 && r.status() != 429 ? new CanaryConfigurationException(message)
                : new CanaryException(message);
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "mount", "path", "accessKeyId");
    }

    @Override
    public String toString() {
        return "VaultKvPlacement[" + apiHost + "]";
    }

    /**
     * Builds {@link VaultKvPlacement}. Not thread-safe.
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
         * Vault's address and a token whose policies allow writing, reading and deleting the paths.
         *
         * @param address the address, such as {@code https://vault.example.com:8200}
         * @param token   the token, sent as {@code X-Vault-Token}; never logged or shown
         */
        public Builder api(URI address, io.canarykit.Secret token) {
            return connection(RestClient.builder("Vault").baseUrl(address)
                    .token("X-Vault-Token", "", Objects.requireNonNull(token, "token")));
        }

        /** The Vault Enterprise namespace ({@code X-Vault-Namespace}); {@code null} or blank for none. */
        public Builder namespace(@Nullable String namespace) {
            Objects.requireNonNull(connection, "call api(...) first");
            if (namespace != null && !namespace.isBlank()) {
                if (!SEGMENTS.matcher(namespace.strip()).matches()) {
                    throw new CanaryConfigurationException("placement " + NAME + ": '" + namespace + "' is not a Vault "
                            + "namespace");
                }
                connection.header("X-Vault-Namespace", namespace.strip());
            }
            return this;
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
        public VaultKvPlacement build() {
            Objects.requireNonNull(connection, "api(address, token): Vault's address and token");
            api = connection.clock(clock).build();
            apiHost = api.base().getAuthority() + api.base().getPath();
            return new VaultKvPlacement(this);
        }
    }
}
