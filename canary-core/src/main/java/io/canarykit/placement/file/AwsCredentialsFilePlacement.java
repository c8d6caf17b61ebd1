package io.canarykit.placement.file;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
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
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.Collections;
import org.jspecify.annotations.Nullable;

/**
 * Placement {@code aws-credentials-file}: the canary as a named profile in the shared credentials file
 * ({@code [NAME]} with {@code aws_access_key_id}, {@code aws_secret_access_key} and, for short-term credentials,
 * {@code aws_session_token}), plus its {@code [profile NAME]} section ({@code region}, {@code output}) in the config
 * file, where credential stealers (and {@code aws configure list-profiles}) look.
 *
 * <h2>Where</h2>
 * The files the AWS SDKs would read: the request option {@code credentials-file} / {@code config-file}, else the
 * builder's, else {@code aws.sharedCredentialsFile} / {@code aws.configFile} (system properties), else
 * {@code AWS_SHARED_CREDENTIALS_FILE} / {@code AWS_CONFIG_FILE}, else {@code ~/.aws/credentials} / {@code ~/.aws/config}
 * (all read from the injected {@link PlacementEnvironment}).
 *
 * <h2>Without breaking anything</h2>
 * <ul>
 *   <li>Every byte outside the canary's own sections stays as it was: comments of both kinds, order, blank lines,
 *       CRLF, a byte order mark, unknown keys, {@code sso-session} and {@code services} sections, a missing final line
 *       break. New sections are appended after one blank line; rotation replaces the section in place; removal
 *       takes out the section and the blank line it added, giving back the original bytes.</li>
 *   <li>A file the SDKs cannot parse is left untouched and the error names the line ({@link ProfileFileSyntaxException}).</li>
 *   <li>It never takes over a profile it did not write: if the profile exists in either file with other content,
 *       placing fails unless {@code overwrite=true}. The {@code default} profile additionally needs
 *       {@code allow-default=true}, even when no default exists yet.</li>
 *   <li>Writes are atomic and serialised across threads and processes, files are {@code 0600}, a created
 *       {@code .aws} directory {@code 0700}; a symbolic link is followed only if allowed; see {@link PlacementFiles}.</li>
 * </ul>
 *
 * <h2>False positives: read this before choosing the profile</h2>
 * Anything on the machine that uses the canary's profile uses the canary, and that use triggers it exactly as an
 * attacker's would. Taking {@code default} is the worst case: every tool and SDK that runs without an explicit profile
 * (and, on EC2 or ECS, before falling back to the instance or task role, since the shared files come first in the
 * default chain) would pick up the canary instead of the real credentials. Taking over an existing profile breaks
 * whatever used it. Hence both need an explicit option; prefer a plausible, unused name such as {@code billing-ro} or
 * {@code legacy-deploy}.
 *
 * <h2>How it knows a section is its own</h2>
 * By the receipt, not by a marker in the file. A comment such as "canary" would be the giveaway an attacker looks for,
 * and any fixed marker a library writes is a fingerprint once the library is public. So the file holds nothing a real
 * profile would not hold, and the receipt (stored with the canary) records the profile, the access key id and the
 * config properties written. A credentials section is the canary's when its {@code aws_access_key_id} is the
 * canary's; a config section when its properties are exactly those recorded. Nothing else is ever removed.
 *
 * <h2>Request options</h2>
 * {@code profile} (required), {@code region} (default {@code us-east-1}), {@code output} (default {@code json}),
 * {@code config} ({@code false}: write no config section), {@code allow-default}, {@code overwrite},
 * {@code credentials-file}, {@code config-file}.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class AwsCredentialsFilePlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "aws-credentials-file";
    private static final Logger LOG = LoggerFactory.getLogger(AwsCredentialsFilePlacement.class);
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Set<String> OPTIONS = AwsCredentialsFilePlacementProvider.union(PlacementFiles.SETTINGS,
            "profile", "region", "output", "config", "allow-default", "overwrite", "credentials-file", "config-file");
    private static final String CONFIG_PREFIX = "config.";

    private final PlacementEnvironment environment;
    private final Clock clock;
    private final PlacementFiles files;
    private final @Nullable Path credentialsFile;
    private final @Nullable Path configFile;
    private final String defaultRegion;
    private final String defaultOutput;

    private AwsCredentialsFilePlacement(Builder b) {
        this.environment = b.environment();
        this.clock = b.clock();
        this.files = b.files();
        this.credentialsFile = b.credentialsFile;
        this.configFile = b.configFile;
        this.defaultRegion = b.defaultRegion;
        this.defaultOutput = b.defaultOutput;
    }

    /** A builder with the real environment, the UTC clock and {@link PlacementFiles#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A placement with every default. */
    public static AwsCredentialsFilePlacement create() {
        return builder().build();
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
        Objects.requireNonNull(previous, "previous");
        checkReceipt(previous);
        Target next = target(request);
        if (!next.profile.equals(previous.detail("profile"))
                || !next.credentials.equals(Path.of(previous.detail("credentialsFile")))
                || (next.config != null && previous.detail("configFile") != null
                && !next.config.equals(Path.of(previous.detail("configFile"))))) {
            PlacementReceipt placed = write(null, request);
            remove(previous);
            return placed;
        }
        return write(previous, request);
    }

    private PlacementReceipt write(@Nullable PlacementReceipt previous, PlacementRequest request) {
        Target t = target(request);
        CanaryCredential c = request.credential();
        PlacementOptions.checkWritable(NAME, c);
        Map<String, String> creds = new LinkedHashMap<>();
        creds.put("aws_access_key_id", c.accessKeyId());
        creds.put("aws_secret_access_key", c.secretAccessKey().reveal());
        if (c.sessionToken() != null) {
            creds.put("aws_session_token", c.sessionToken().reveal());
        }
        Set<String> ourKeys = previous == null ? Set.of(c.accessKeyId())
                : Set.of(c.accessKeyId(), previous.detail("accessKeyId"));
        Map<String, String> previousConfig = previous == null ? null : configProperties(previous);

        List<Path> paths = t.config == null ? List.of(t.credentials) : List.of(t.credentials, t.config);
        boolean[] created = new boolean[2];
        Path[] madeDirectory = new Path[2];
        files.update(paths, current -> {
            ProfileDocument credsDoc = ProfileDocument.parse(current.get(0), ProfileDocument.Kind.CREDENTIALS, t.credentials);
            ProfileDocument configDoc = t.config == null ? null
                    : ProfileDocument.parse(current.get(1), ProfileDocument.Kind.CONFIG, t.config);
            if (configDoc != null && !configDoc.sectionsOf(t.profile).isEmpty()) {
                // a config section with exactly the canary's properties is its own only when the credentials section is
                // its own too (first placement) or the previous receipt names those properties (rotation)
                boolean credsOurs = !credsDoc.sectionsOf(t.profile).isEmpty() && credsDoc.sectionsOf(t.profile).stream()
                        .allMatch(ProfileSections.having("aws_access_key_id", ourKeys));
                boolean ours = configDoc.sectionsOf(t.profile).stream().allMatch(
                        s -> (credsOurs && s.properties().equals(t.configProperties))
                                || (previousConfig != null && s.properties().equals(previousConfig)));
                if (!ours && !t.overwrite) {
                    throw new CanaryConfigurationException("profile '" + t.profile + "' already exists in " + t.config
                            + " and was not placed by this canary; nothing was changed. The SDKs would merge it with the "
                            + "canary's credentials. Choose another profile name, or set overwrite=true to replace it");
                }
            }
            byte[] newCreds = ProfileSections.put(credsDoc, t.credentials, t.profile, creds,
                    ProfileSections.having("aws_access_key_id", ourKeys), t.overwrite);
            created[0] = current.get(0) == null;
            madeDirectory[0] = created[0] ? files.missingDirectory(t.credentials) : null;
            if (configDoc == null) {
                return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(newCreds));
            }
            Path config = Objects.requireNonNull(t.config, "a config document comes with its file");
            byte[] newConfig = ProfileSections.put(configDoc, config, t.profile, t.configProperties, s -> true, true);
            created[1] = current.get(1) == null;
            madeDirectory[1] = created[1] ? files.missingDirectory(config) : null;
            return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(newCreds),
                    PlacementFiles.FileChange.write(newConfig));
        });
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", c.accessKeyId());
        details.put("profile", t.profile);
        details.put("credentialsFile", t.credentials.toString());
        Created.record(details, "Credentials", created[0], madeDirectory[0], previous);
        if (t.config != null) {
            details.put("configFile", t.config.toString());
            Created.record(details, "Config", created[1], madeDirectory[1],
                    previous != null && t.config.toString().equals(previous.detail("configFile")) ? previous : null);
            t.configProperties.forEach((k, v) -> details.put(CONFIG_PREFIX + k, v));
        }
        LOG.debug("placed canary {} ({}) as profile {} in {}", request.canaryId(), c.accessKeyId(), t.profile, t.credentials);
        return new PlacementReceipt(NAME, t.credentials.toString(), details, clock.instant());
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        checkReceipt(receipt);
        String profile = Created.checked(receipt, "profile");
        String key = Created.checked(receipt, "accessKeyId");
        Path credsPath = Path.of(Created.checked(receipt, "credentialsFile"));
        ProfileDocument creds;
        try {
            creds = ProfileDocument.parse(files.read(credsPath), ProfileDocument.Kind.CREDENTIALS, credsPath);
        } catch (CanaryConfigurationException e) {
            return PlacementVerification.missing(String.valueOf(e.getMessage()));
        }
        Map<String, String> seen = creds.profiles().get(profile);
        if (seen == null) {
            return PlacementVerification.missing("profile " + profile + " is not in " + credsPath);
        }
        if (!key.equals(seen.get("aws_access_key_id"))) {
            return PlacementVerification.missing("profile " + profile + " in " + credsPath + " holds access key "
                    + seen.get("aws_access_key_id") + ", not " + key);
        }
        if (receipt.detail("configFile") != null) {
            Path configPath = Path.of(receipt.detail("configFile"));
            try {
                ProfileDocument config = ProfileDocument.parse(files.read(configPath), ProfileDocument.Kind.CONFIG, configPath);
                Map<String, String> cfg = config.profiles().get(profile);
                if (!configProperties(receipt).equals(cfg)) {
                    return PlacementVerification.missing("profile " + profile + " holds the canary's key in " + credsPath
                            + ", but its section in " + configPath + " is missing or was changed");
                }
            } catch (CanaryConfigurationException e) {
                return PlacementVerification.missing(String.valueOf(e.getMessage()));
            }
        }
        return PlacementVerification.present("profile " + profile + " in " + credsPath + " holds access key " + key);
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        checkReceipt(receipt);
        String profile = Created.checked(receipt, "profile");
        String key = Created.checked(receipt, "accessKeyId");
        Path credsPath = Path.of(Created.checked(receipt, "credentialsFile"));
        Path configPath = receipt.detail("configFile") == null ? null : Path.of(receipt.detail("configFile"));
        Map<String, String> cfg = configProperties(receipt);
        List<Path> paths = configPath == null ? List.of(credsPath) : List.of(credsPath, configPath);
        files.update(paths, current -> {
            PlacementFiles.FileChange credsChange = removeFrom(current.get(0), ProfileDocument.Kind.CREDENTIALS, credsPath,
                    profile, ProfileSections.having("aws_access_key_id", Set.of(key)), receipt, "Credentials");
            if (configPath == null) {
                return PlacementFiles.Outcome.of(null, credsChange);
            }
            // the config section is shared by every rotation of the profile: it goes only with the last credentials
            if (current.get(0) != null && profileRemains(current.get(0), credsChange, credsPath, profile)) {
                return PlacementFiles.Outcome.of(null, credsChange, PlacementFiles.FileChange.unchanged());
            }
            PlacementFiles.FileChange configChange = removeFrom(current.get(1), ProfileDocument.Kind.CONFIG, configPath,
                    profile, ProfileSections.exactly(cfg), receipt, "Config");
            return PlacementFiles.Outcome.of(null, credsChange, configChange);
        });
        LOG.debug("removed canary {} (profile {}) from {}", key, profile, credsPath);
    }

    private static PlacementFiles.FileChange removeFrom(byte[] current, ProfileDocument.Kind kind, Path file, String profile,
                                                        Predicate<ProfileDocument.Section> ours,
                                                        PlacementReceipt receipt, String created) {
        if (current == null) {
            return PlacementFiles.FileChange.unchanged();
        }
        ProfileDocument doc = ProfileDocument.parse(current, kind, file);
        byte[] out = ProfileSections.remove(doc, file, profile, ours);
        if (out == null) {
            if (!doc.sectionsOf(profile).isEmpty()) {
                LOG.warn("profile {} in {} no longer holds what the canary wrote; it was left as it is", profile, file);
            }
            return PlacementFiles.FileChange.unchanged();
        }
        return Created.leaving(out, receipt, created);
    }

    private static boolean profileRemains(byte[] before, PlacementFiles.FileChange change, Path file, String profile) {
        byte[] after = change.content(before);
        return after != null
                && !ProfileDocument.parse(after, ProfileDocument.Kind.CREDENTIALS, file).sectionsOf(profile).isEmpty();
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

    private static void checkReceipt(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "profile", "accessKeyId", "credentialsFile");
    }

    private Target target(PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        String profile = o.require("profile", "the profile name to plant the canary as, such as billing-ro; choose "
                + "one that nothing on the machine uses");
        checkProfileName(profile);
        if (profile.equals("default") && !o.flag("allow-default", false)) {
            throw new CanaryConfigurationException("placement " + NAME + " will not take the default profile unless "
                    + "allow-default=true: every tool and SDK run without an explicit profile would then use the canary "
                    + "and trigger it. Choose another profile name, or set allow-default=true if that is intended");
        }
        String credsOption = o.get("credentials-file");
        Path creds = credsOption != null ? environment.expandHome(credsOption)
                : credentialsFile != null ? credentialsFile : AwsProfileFiles.credentialsFile(environment);
        Path config = null;
        Map<String, String> configProps = new LinkedHashMap<>();
        if (o.flag("config", true)) {
            String configOption = o.get("config-file");
            config = configOption != null ? environment.expandHome(configOption)
                    : configFile != null ? configFile : AwsProfileFiles.configFile(environment);
            String region = o.get("region", defaultRegion);
            if (!REGION.matcher(region).matches()) {
                throw new CanaryConfigurationException("placement " + NAME + " option region: '" + region
                        + "' is not a region name such as eu-west-1");
            }
            configProps.put("region", region);
            configProps.put("output", o.oneOf("output", defaultOutput, "json", "text", "table", "yaml", "yaml-stream"));
        }
        Path credsAbs = creds.toAbsolutePath().normalize();
        Path configAbs = config == null ? null : config.toAbsolutePath().normalize();
        if (credsAbs.equals(configAbs)) {
            throw new CanaryConfigurationException("the credentials file and the config file are both " + credsAbs
                    + "; point them at different files");
        }
        return new Target(profile, credsAbs, configAbs, Collections.unmodifiableMap(configProps),
                o.flag("overwrite", false));
    }

    /**
     * Refuses what the SDKs would not read as a profile name: empty, longer than 128 characters, or characters outside
     * {@code A-Z a-z 0-9 _ - / . % @ : +}.
     */
    static void checkProfileName(String profile) {
        if (profile.isEmpty() || profile.length() > 128 || !ProfileDocument.validName(profile)) {
            throw new CanaryConfigurationException("invalid profile name '" + profile + "': the AWS SDKs ignore profiles "
                    + "whose names are not 1-128 characters of letters, digits and _ - / . % @ : +");
        }
    }

    @Override
    public String toString() {
        return "AwsCredentialsFilePlacement[" + (credentialsFile == null ? "credentials file from the environment"
                : credentialsFile) + "]";
    }

    private record Target(String profile, Path credentials, @Nullable Path config, Map<String, String> configProperties,
                          boolean overwrite) {
    }

    /**
     * Builds {@link AwsCredentialsFilePlacement}.
     *
     * @since 0.1.0
     */
    public static final class Builder extends FilePlacementBuilder<Builder> {
        private @Nullable Path credentialsFile;
        private @Nullable Path configFile;
        private String defaultRegion = "us-east-1";
        private String defaultOutput = "json";

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** The credentials file, instead of the one the environment names (a request option still wins). */
        public Builder credentialsFile(@Nullable Path file) {
            this.credentialsFile = file;
            return this;
        }

        /** The config file, instead of the one the environment names (a request option still wins). */
        public Builder configFile(@Nullable Path file) {
            this.configFile = file;
            return this;
        }

        /** The region written when the request names none (default {@code us-east-1}). */
        public Builder defaultRegion(String region) {
            this.defaultRegion = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The output format written when the request names none (default {@code json}). */
        public Builder defaultOutput(String output) {
            this.defaultOutput = Objects.requireNonNull(output, "output");
            return this;
        }

        /** The placement. */
        public AwsCredentialsFilePlacement build() {
            return new AwsCredentialsFilePlacement(this);
        }
    }
}
