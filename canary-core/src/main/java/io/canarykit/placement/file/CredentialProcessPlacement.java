package io.canarykit.placement.file;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.internal.CredentialJson;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Placement {@code credential-process}: the JSON document ({@code Version} 1) that a {@code credential_process}
 * command prints, written to a file ({@code 0600}), and optionally a config-file profile whose
 * {@code credential_process} prints it, so that {@code aws --profile NAME ...} and every SDK resolve the canary the
 * way they resolve an external credential helper.
 *
 * <p>Request options: {@code path} (required: the JSON file), {@code profile} (optional: the config profile to add),
 * {@code command} (default {@code cat PATH}, quoted when the path has spaces), {@code region} (default
 * {@code us-east-1}), {@code account-id} (optional {@code AccountId} field), {@code config-file}, {@code overwrite},
 * {@code allow-default}. The JSON file and the profile are the canary's when they hold its access key id and exactly
 * the recorded properties (see {@link AwsCredentialsFilePlacement} for why the receipt, not a marker, decides); the
 * same false-positive warning applies to the profile name.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class CredentialProcessPlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "credential-process";
    private static final Logger LOG = LoggerFactory.getLogger(CredentialProcessPlacement.class);
    private static final Set<String> OPTIONS = AwsCredentialsFilePlacementProvider.union(PlacementFiles.SETTINGS,
            "path", "profile", "command", "region", "account-id", "config-file", "overwrite", "allow-default");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final String CONFIG_PREFIX = "config.";

    private final PlacementEnvironment environment;
    private final Clock clock;
    private final PlacementFiles files;
    private final @Nullable Path configFile;

    private CredentialProcessPlacement(Builder b) {
        this.environment = b.environment();
        this.clock = b.clock();
        this.files = b.files();
        this.configFile = b.configFile;
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
        return write(previous, request);
    }

    private PlacementReceipt write(@Nullable PlacementReceipt previous, PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        CanaryCredential c = request.credential();
        PlacementOptions.checkWritable(NAME, c);
        Path json = environment.expandHome(o.require("path", "the file to write the credential_process JSON to"))
                .toAbsolutePath().normalize();
        String accountId = o.get("account-id");
        if (accountId != null && !ACCOUNT.matcher(accountId).matches()) {
            throw new CanaryConfigurationException("placement " + NAME + " option account-id: '" + accountId
                    + "' is not a 12-digit AWS account id");
        }
        String profile = o.get("profile");
        Path config = null;
        Map<String, String> props = new LinkedHashMap<>();
        if (profile != null) {
            AwsCredentialsFilePlacement.checkProfileName(profile);
            if (profile.equals("default") && !o.flag("allow-default", false)) {
                throw new CanaryConfigurationException("placement " + NAME + " will not take the default profile unless "
                        + "allow-default=true: everything run without an explicit profile would use the canary and "
                        + "trigger it");
            }
            String configOption = o.get("config-file");
            config = (configOption != null ? environment.expandHome(configOption)
                    : configFile != null ? configFile : AwsProfileFiles.configFile(environment)).toAbsolutePath().normalize();
            String command = o.get("command", defaultCommand(json));
            if (command.contains("\n") || command.contains("\r")) {
                throw new CanaryConfigurationException("placement " + NAME + " option command must be one line");
            }
            props.put("credential_process", command);
            props.put("region", o.get("region", "us-east-1"));
        }
        boolean overwrite = o.flag("overwrite", false);
        Set<String> ourKeys = previous == null ? Set.of(c.accessKeyId()) : Set.of(c.accessKeyId(), previous.detail("accessKeyId"));
        Map<String, String> previousProps = previous == null ? null : configProperties(previous);
        byte[] document = CredentialJson.process(c, accountId);
        Path cfg = config;
        String prof = profile;
        List<Path> paths = cfg == null ? List.of(json) : List.of(json, cfg);
        boolean[] created = new boolean[2];
        Path[] madeDirectory = new Path[2];
        files.update(paths, current -> {
            byte[] existing = current.get(0);
            created[0] = existing == null;
            madeDirectory[0] = created[0] ? files.missingDirectory(json) : null;
            if (existing != null && !contains(ourKeys, CredentialJson.accessKeyId(existing)) && !overwrite) {
                throw new CanaryConfigurationException(json + " already exists and does not hold this canary; nothing was "
                        + "changed. Choose another path, or set overwrite=true to replace it");
            }
            if (cfg == null) {
                return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(document));
            }
            created[1] = current.get(1) == null;
            madeDirectory[1] = created[1] ? files.missingDirectory(cfg) : null;
            ProfileDocument doc = ProfileDocument.parse(current.get(1), ProfileDocument.Kind.CONFIG, cfg);
            byte[] newConfig = ProfileSections.put(doc, cfg, Objects.requireNonNull(prof, "a config file comes with a profile"), props,
                    s -> s.properties().equals(props) || (previousProps != null && s.properties().equals(previousProps)),
                    overwrite);
            return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(document),
                    PlacementFiles.FileChange.write(newConfig));
        });
        if (previous != null && !json.toString().equals(previous.detail("path"))) {
            remove(previous);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", c.accessKeyId());
        details.put("path", json.toString());
        Created.record(details, "", created[0], madeDirectory[0],
                previous != null && json.toString().equals(previous.detail("path")) ? previous : null);
        if (cfg != null) {
            details.put("profile", prof);
            details.put("configFile", cfg.toString());
            Created.record(details, "Config", created[1], madeDirectory[1],
                    previous != null && cfg.toString().equals(previous.detail("configFile")) ? previous : null);
            props.forEach((k, v) -> details.put(CONFIG_PREFIX + k, v));
        }
        LOG.debug("placed canary {} ({}) as credential_process output {}", request.canaryId(), c.accessKeyId(), json);
        return new PlacementReceipt(NAME, json.toString(), details, clock.instant());
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        Path json = Path.of(Created.checked(receipt, "path"));
        String key = Created.checked(receipt, "accessKeyId");
        String found = CredentialJson.accessKeyId(files.read(json));
        if (!key.equals(found)) {
            return PlacementVerification.missing(json + (found == null ? " is missing or not a credential document"
                    : " holds access key " + found + ", not " + key));
        }
        if (receipt.detail("configFile") != null) {
            Path cfg = Path.of(receipt.detail("configFile"));
            try {
                Map<String, String> seen = ProfileDocument.parse(files.read(cfg), ProfileDocument.Kind.CONFIG, cfg)
                        .profiles().get(receipt.detail("profile"));
                if (!configProperties(receipt).equals(seen)) {
                    return PlacementVerification.missing("profile " + receipt.detail("profile") + " in " + cfg
                            + " is missing or was changed");
                }
            } catch (CanaryConfigurationException e) {
                return PlacementVerification.missing(String.valueOf(e.getMessage()));
            }
        }
        return PlacementVerification.present(json + " holds access key " + key);
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        Path json = Path.of(Created.checked(receipt, "path"));
        String key = Created.checked(receipt, "accessKeyId");
        Path cfg = receipt.detail("configFile") == null ? null : Path.of(receipt.detail("configFile"));
        Map<String, String> props = configProperties(receipt);
        List<Path> paths = cfg == null ? List.of(json) : List.of(json, cfg);
        files.update(paths, current -> {
            boolean ours = key.equals(CredentialJson.accessKeyId(current.get(0)));
            if (!ours && current.get(0) != null) {
                LOG.warn("{} no longer holds canary {}; it was left as it is", json, key);
            }
            PlacementFiles.FileChange jsonChange = ours ? PlacementFiles.FileChange.delete(Created.directory(receipt, ""))
                    : PlacementFiles.FileChange.unchanged();
            if (cfg == null) {
                return PlacementFiles.Outcome.of(null, jsonChange);
            }
            PlacementFiles.FileChange cfgChange = PlacementFiles.FileChange.unchanged();
            // the profile goes with the last document it prints
            if (current.get(1) != null && (ours || current.get(0) == null)) {
                byte[] out = ProfileSections.remove(ProfileDocument.parse(current.get(1), ProfileDocument.Kind.CONFIG, cfg),
                        cfg, Created.checked(receipt, "profile"), ProfileSections.exactly(props)); // recorded with configFile
                if (out != null) {
                    cfgChange = Created.leaving(out, receipt, "Config");
                }
            }
            return PlacementFiles.Outcome.of(null, jsonChange, cfgChange);
        });
        LOG.debug("removed canary {} from {}", key, json);
    }

    private static String defaultCommand(Path json) {
        String p = json.toString();
        return p.matches("[A-Za-z0-9_./@:+-]+") ? "cat " + p : "cat \"" + p.replace("\"", "\\\"") + "\"";
    }

    private static Map<String, String> configProperties(PlacementReceipt receipt) {
        Map<String, String> cfg = new LinkedHashMap<>();
        receipt.details().forEach((k, v) -> {
            if (k.startsWith(CONFIG_PREFIX)) {
                cfg.put(k.substring(CONFIG_PREFIX.length()), v);
            }
        });
        return cfg;
    }

    private static boolean contains(Set<String> keys, @Nullable String key) {
        return key != null && keys.contains(key);
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "path", "accessKeyId");
    }

    @Override
    public String toString() {
        return "CredentialProcessPlacement";
    }

    /**
     * Builds {@link CredentialProcessPlacement}.
     *
     * @since 0.1.0
     */
    public static final class Builder extends FilePlacementBuilder<Builder> {
        private @Nullable Path configFile;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** The config file, instead of the one the environment names (a request option still wins). */
        public Builder configFile(@Nullable Path file) {
            this.configFile = file;
            return this;
        }

        /** The placement. */
        public CredentialProcessPlacement build() {
            return new CredentialProcessPlacement(this);
        }
    }
}
