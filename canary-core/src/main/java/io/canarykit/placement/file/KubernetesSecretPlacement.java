package io.canarykit.placement.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Placement {@code kubernetes-secret}: a Kubernetes {@code Secret} manifest ({@code v1}, {@code type: Opaque},
 * base64 {@code data}) holding the canary, written to a file, for the manifests directories, GitOps repositories and
 * CI workspaces that secret scanners and intruders comb.
 *
 * <p>Layouts: {@code layout=env} (default) has the keys {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code AWS_SESSION_TOKEN}, as used with {@code envFrom}; {@code layout=credentials-file} has one key
 * {@code credentials} holding a shared credentials file with profile {@code profile} (default {@code default}), as
 * mounted at {@code ~/.aws/credentials}. If the manifest is applied and mounted, workloads using it use the canary
 * and trigger it.
 *
 * <p>The file is the canary's alone: an existing file that does not hold the canary's access key id is refused unless
 * {@code overwrite=true}; removal deletes the file only while it still holds it.
 *
 * <p>Request options: {@code path} (required), {@code name} (required: {@code metadata.name}, a DNS subdomain),
 * {@code namespace}, {@code format} ({@code yaml} or {@code json}; default from the extension), {@code layout},
 * {@code profile}, {@code labels} ({@code k=v,k2=v2}), {@code overwrite}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class KubernetesSecretPlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "kubernetes-secret";
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSecretPlacement.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> OPTIONS = AwsCredentialsFilePlacementProvider.union(PlacementFiles.SETTINGS,
            "path", "name", "namespace", "format", "layout", "profile", "labels", "overwrite");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern YAML_DATA = Pattern.compile("^ {2}([-._A-Za-z0-9]+): \"?([A-Za-z0-9+/=]*)\"?\\s*$");
    private static final Pattern KEY_IN_INI = Pattern.compile("aws_access_key_id\\s*=\\s*(\\S+)");

    private final PlacementEnvironment environment;
    private final Clock clock;
    private final PlacementFiles files;

    private KubernetesSecretPlacement(Builder b) {
        this.environment = b.environment();
        this.clock = b.clock();
        this.files = b.files();
    }

    /** A builder with the real environment, the UTC clock and {@link PlacementFiles#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PlacementReceipt place(PlacementRequest request) {
        return write(null, request);
    }

    @Override
    public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        check(previous);
        PlacementReceipt placed = write(previous, request);
        if (!Created.checked(placed, "path").equals(previous.detail("path"))) {
            remove(previous);
        }
        return placed;
    }

    private PlacementReceipt write(@Nullable PlacementReceipt previous, PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        CanaryCredential c = request.credential();
        PlacementOptions.checkWritable(NAME, c);
        Path path = environment.expandHome(o.require("path", "the manifest file to write, such as k8s/aws-credentials.yaml"))
                .toAbsolutePath().normalize();
        String name = o.require("name", "the Secret's metadata.name, such as aws-credentials");
        checkName("name", name);
        String namespace = o.get("namespace");
        if (namespace != null) {
            checkName("namespace", namespace);
        }
        String fileName = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = o.oneOf("format", fileName.endsWith(".json") ? "json" : "yaml", "yaml", "json");
        String layout = o.oneOf("layout", "env", "env", "credentials-file");
        String profile = o.get("profile", "default");
        AwsCredentialsFilePlacement.checkProfileName(profile);
        Map<String, String> labels = labels(o.get("labels"));

        Map<String, String> data = new LinkedHashMap<>();
        if (layout.equals("env")) {
            data.put("AWS_ACCESS_KEY_ID", c.accessKeyId());
            data.put("AWS_SECRET_ACCESS_KEY", c.secretAccessKey().reveal());
            if (c.sessionToken() != null) {
                data.put("AWS_SESSION_TOKEN", c.sessionToken().reveal());
            }
        } else {
            StringBuilder ini = new StringBuilder("[").append(profile).append("]\n")
                    .append("aws_access_key_id = ").append(c.accessKeyId()).append('\n')
                    .append("aws_secret_access_key = ").append(c.secretAccessKey().reveal()).append('\n');
            if (c.sessionToken() != null) {
                ini.append("aws_session_token = ").append(c.sessionToken().reveal()).append('\n');
            }
            data.put("credentials", ini.toString());
        }
        byte[] manifest = format.equals("json") ? json(name, namespace, labels, data) : yaml(name, namespace, labels, data);
        boolean overwrite = o.flag("overwrite", false);
        Set<String> ourKeys = previous == null ? Set.of(c.accessKeyId()) : Set.of(c.accessKeyId(), previous.detail("accessKeyId"));
        boolean[] created = new boolean[1];
        Path[] madeDirectory = new Path[1];
        files.update(path, current -> {
            byte[] existing = current.get(0);
            created[0] = existing == null;
            madeDirectory[0] = created[0] ? files.missingDirectory(path) : null;
            if (existing != null && !contains(ourKeys, accessKeyId(existing)) && !overwrite) {
                throw new CanaryConfigurationException(path + " already exists and does not hold this canary; nothing was "
                        + "changed. Choose another path, or set overwrite=true to replace it");
            }
            return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(manifest));
        });
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", c.accessKeyId());
        details.put("path", path.toString());
        details.put("name", name);
        if (namespace != null) {
            details.put("namespace", namespace);
        }
        details.put("format", format);
        details.put("layout", layout);
        Created.record(details, "", created[0], madeDirectory[0],
                previous != null && path.toString().equals(previous.detail("path")) ? previous : null);
        LOG.debug("placed canary {} ({}) as Secret {} in {}", request.canaryId(), c.accessKeyId(), name, path);
        return new PlacementReceipt(NAME, path.toString(), details, clock.instant());
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        Path path = Path.of(receipt.detail("path"));
        String found = accessKeyId(files.read(path));
        return Created.checked(receipt, "accessKeyId").equals(found)
                ? PlacementVerification.present(path + " holds Secret " + receipt.detail("name") + " with "
                + receipt.detail("accessKeyId"))
                : PlacementVerification.missing(path + (found == null ? " is missing or holds no AWS access key id"
                : " holds " + found + ", not " + receipt.detail("accessKeyId")));
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        Path path = Path.of(receipt.detail("path"));
        files.update(path, current -> {
            boolean ours = Created.checked(receipt, "accessKeyId").equals(accessKeyId(current.get(0)));
            if (!ours && current.get(0) != null) {
                LOG.warn("{} no longer holds canary {}; it was left as it is", path, receipt.detail("accessKeyId"));
            }
            return PlacementFiles.Outcome.of(null, ours ? PlacementFiles.FileChange.delete(Created.directory(receipt, ""))
                    : PlacementFiles.FileChange.unchanged());
        });
        LOG.debug("removed canary {} from {}", receipt.detail("accessKeyId"), path);
    }

    private static byte[] yaml(String name, @Nullable String namespace, Map<String, String> labels, Map<String, String> data) {
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ").append(name).append('\n');
        if (namespace != null) {
            y.append("  namespace: ").append(namespace).append('\n');
        }
        if (!labels.isEmpty()) {
            y.append("  labels:\n");
            labels.forEach((k, v) -> y.append("    ").append(k).append(": \"").append(v).append("\"\n"));
        }
        y.append("type: Opaque\ndata:\n");
        data.forEach((k, v) -> y.append("  ").append(k).append(": ").append(base64(v)).append('\n'));
        return y.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(String name, @Nullable String namespace, Map<String, String> labels, Map<String, String> data) {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", "v1");
        root.put("kind", "Secret");
        ObjectNode meta = root.putObject("metadata");
        meta.put("name", name);
        if (namespace != null) {
            meta.put("namespace", namespace);
        }
        if (!labels.isEmpty()) {
            ObjectNode l = meta.putObject("labels");
            labels.forEach(l::put);
        }
        root.put("type", "Opaque");
        ObjectNode d = root.putObject("data");
        data.forEach((k, v) -> d.put(k, base64(v)));
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new CanaryException("cannot write the Secret manifest", e);
        }
    }

    /** The access key id in a manifest this placement wrote (either layout, either format), or {@code null}. */
    static @Nullable String accessKeyId(byte @Nullable [] manifest) {
        if (manifest == null) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        String text = new String(manifest, StandardCharsets.UTF_8);
        if (text.stripLeading().startsWith("{")) {
            try {
                JsonNode d = JSON.readTree(manifest).path("data");
                for (Map.Entry<String, JsonNode> e : d.properties()) {
                    data.put(e.getKey(), e.getValue().asText());
                }
            } catch (IOException e) {
                return null;
            }
        } else {
            boolean inData = false;
            for (String line : text.split("\r?\n")) {
                if (line.equals("data:")) {
                    inData = true;
                } else if (inData) {
                    Matcher m = YAML_DATA.matcher(line);
                    if (!m.matches()) {
                        break;
                    }
                    data.put(m.group(1), m.group(2));
                }
            }
        }
        String id = decode(data.get("AWS_ACCESS_KEY_ID"));
        if (id != null) {
            return id.trim();
        }
        String ini = decode(data.get("credentials"));
        if (ini != null) {
            Matcher m = KEY_IN_INI.matcher(ini);
            return m.find() ? m.group(1) : null;
        }
        return null;
    }

    private static @Nullable String decode(@Nullable String b64) {
        if (b64 == null) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String base64(String v) {
        return Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8));
    }

    private static void checkName(String what, String value) {
        if (value.length() > ("name".equals(what) ? 253 : 63) || !SUBDOMAIN.matcher(value).matches()
                || ("namespace".equals(what) && value.contains("."))) {
            throw new CanaryConfigurationException("placement " + NAME + " option " + what + ": '" + value + "' is not a "
                    + "valid Kubernetes " + what + " (lower-case letters, digits and '-'" + ("name".equals(what)
                    ? " or '.', at most 253" : ", at most 63") + " characters, starting and ending with a letter or digit)");
        }
    }

    private static Map<String, String> labels(@Nullable String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null) {
            return out;
        }
        for (String item : spec.split(",")) {
            int eq = item.indexOf('=');
            String k = eq < 0 ? item.trim() : item.substring(0, eq).trim();
            String v = eq < 0 ? "" : item.substring(eq + 1).trim();
            if (!LABEL_KEY.matcher(k).matches() || !LABEL_VALUE.matcher(v).matches() || v.length() > 63) {
                throw new CanaryConfigurationException("placement " + NAME + " option labels: '" + item
                        + "' is not a valid Kubernetes label key=value");
            }
            out.put(k, v);
        }
        return out;
    }

    private static boolean contains(Set<String> keys, @Nullable String key) {
        return key != null && keys.contains(key);
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "path", "accessKeyId");
    }

    @Override
    public String toString() {
        return "KubernetesSecretPlacement";
    }

    /**
     * Builds {@link KubernetesSecretPlacement}.
     *
     * @since 0.1.0
     */
    public static final class Builder extends FilePlacementBuilder<Builder> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** The placement. */
        public KubernetesSecretPlacement build() {
            return new KubernetesSecretPlacement(this);
        }
    }
}
