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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Placement {@code env}: the canary as environment variable assignments in a file, where secret scrapers of CI
 * systems and dev machines look: a {@code .env} file ({@code format=dotenv}: {@code NAME=value}), a shell file
 * ({@code format=export}: {@code export NAME=value}), or the file a GitHub Actions step appends to
 * ({@code format=github-env}: {@code $GITHUB_ENV}, whose assignments become the environment of the job's later steps).
 *
 * <p>Names are the standard ones ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN},
 * and {@code AWS_DEFAULT_REGION} with option {@code region}) after an optional {@code prefix} such as {@code LEGACY_}.
 * <b>False positives:</b> with the standard names, any AWS SDK or CLI run in an environment loaded from the file (in
 * GitHub Actions: every later step of the job) uses the canary, triggers it, and loses the job's real credentials. So
 * {@code format=github-env} needs a {@code prefix} or {@code allow-standard-names=true}.
 *
 * <p>The canary's lines form one block, appended at the end; every other byte stays. A name the file already assigns
 * outside that block is refused (which assignment wins depends on the reader). The block is found again by the
 * receipt: its first line assigns the canary's access key id, the following lines the other names, in order. A file
 * the placement created is deleted (with the directories made for it) when removal leaves it empty.
 *
 * <p>Request options: {@code path} (required, except for {@code github-env} when {@code GITHUB_ENV} is set),
 * {@code format} ({@code dotenv}), {@code prefix}, {@code region}, {@code allow-standard-names}. Files are written as in
 * {@link PlacementFiles}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class EnvFilePlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "env";
    private static final Logger LOG = LoggerFactory.getLogger(EnvFilePlacement.class);
    private static final Set<String> OPTIONS = AwsCredentialsFilePlacementProvider.union(PlacementFiles.SETTINGS,
            "path", "format", "prefix", "region", "allow-standard-names");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9+/=._:@-]+");
    private static final Pattern ASSIGNMENT = Pattern.compile("\\s*(export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*(=|<<)(.*)");

    private final PlacementEnvironment environment;
    private final Clock clock;
    private final PlacementFiles files;

    private EnvFilePlacement(Builder b) {
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
        return write(previous, request);
    }

    private PlacementReceipt write(@Nullable PlacementReceipt previous, PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        CanaryCredential c = request.credential();
        PlacementOptions.checkWritable(NAME, c);
        String format = o.oneOf("format", "dotenv", "dotenv", "export", "github-env");
        String prefix = o.get("prefix", "");
        if (!prefix.isEmpty() && !PREFIX.matcher(prefix).matches()) {
            throw new CanaryConfigurationException("placement " + NAME + " option prefix: '" + prefix
                    + "' must be letters, digits and _ and not start with a digit, such as LEGACY_");
        }
        if (format.equals("github-env") && prefix.isEmpty() && !o.flag("allow-standard-names", false)) {
            throw new CanaryConfigurationException("placement " + NAME + ": with format=github-env and the standard names, "
                    + "every later step of the job would run its AWS tools with the canary, trigger it and lose its real "
                    + "credentials. Set a prefix (such as prefix=LEGACY_), or allow-standard-names=true if that is intended");
        }
        String pathText = o.get("path");
        if (pathText == null && format.equals("github-env")) {
            pathText = environment.variable("GITHUB_ENV");
        }
        if (pathText == null) {
            throw new CanaryConfigurationException("placement " + NAME + " needs the option path: the file to write the "
                    + "variables to (for format=github-env it defaults to $GITHUB_ENV, which is not set here)");
        }
        Path path = environment.expandHome(pathText).toAbsolutePath().normalize();
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put(prefix + "AWS_ACCESS_KEY_ID", c.accessKeyId());
        vars.put(prefix + "AWS_SECRET_ACCESS_KEY", c.secretAccessKey().reveal());
        if (c.sessionToken() != null) {
            vars.put(prefix + "AWS_SESSION_TOKEN", c.sessionToken().reveal());
        }
        String region = o.get("region");
        if (region != null) {
            vars.put(prefix + "AWS_DEFAULT_REGION", region);
        }
        for (Map.Entry<String, String> e : vars.entrySet()) {
            if (!VALUE.matcher(e.getValue()).matches()) {
                throw new CanaryConfigurationException("placement " + NAME + ": the value of " + e.getKey()
                        + " has characters that would need quoting; nothing was written");
            }
        }
        String exportWord = format.equals("export") ? "export " : "";
        if (previous != null && !path.toString().equals(previous.detail("path"))) {
            // rotation into another file: the new block there, then the old one out of its file
            PlacementReceipt placed = write(null, request);
            remove(previous);
            return placed;
        }
        Set<String> ourKeys = previous == null ? Set.of(c.accessKeyId()) : Set.of(c.accessKeyId(), previous.detail("accessKeyId"));
        boolean[] created = new boolean[1];
        Path[] madeDirectory = new Path[1];
        files.update(path, current -> {
            created[0] = current.get(0) == null;
            madeDirectory[0] = created[0] ? files.missingDirectory(path) : null;
            TextLines lines = TextLines.of(current.get(0));
            String br = lines.lineBreak(ProfileSections.FALLBACK_BREAK);
            List<String> rendered = new ArrayList<>();
            vars.forEach((k, v) -> rendered.add(exportWord + k + "=" + v));
            String block = String.join(br, rendered);
            int[] ours = previous == null ? findBlock(lines, ourKeys, List.copyOf(vars.keySet()))
                    : findBlock(lines, ourKeys, names(previous));
            if (ours == null) {
                ours = findBlock(lines, ourKeys, List.copyOf(vars.keySet()));
            }
            for (int i = 0; i < lines.size(); i++) {
                if (ours != null && i >= ours[0] && i <= ours[1]) {
                    continue;
                }
                Matcher m = ASSIGNMENT.matcher(lines.text(i));
                if (m.matches() && (vars.containsKey(m.group(2))
                        || (previous != null && names(previous).contains(m.group(2))))) {
                    throw new CanaryConfigurationException(path + " line " + (i + 1) + " already assigns " + m.group(2)
                            + ", which the canary would use; nothing was changed. Choose a prefix (option prefix), or "
                            + "another file");
                }
            }
            byte[] out = ours == null ? lines.append(block, br, 0) : lines.replaceBlock(ours[0], ours[1], block);
            return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(out));
        });
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", c.accessKeyId());
        details.put("path", path.toString());
        details.put("format", format);
        details.put("variables", String.join(",", vars.keySet()));
        Created.record(details, "", created[0], madeDirectory[0], previous);
        LOG.debug("placed canary {} ({}) as {} in {}", request.canaryId(), c.accessKeyId(), vars.keySet(), path);
        return new PlacementReceipt(NAME, path.toString(), details, clock.instant());
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        Path path = Path.of(receipt.detail("path"));
        byte[] bytes = files.read(path);
        if (bytes == null) {
            return PlacementVerification.missing(path + " does not exist");
        }
        int[] block = findBlock(TextLines.of(bytes), Set.of(receipt.detail("accessKeyId")), names(receipt));
        return block == null ? PlacementVerification.missing(path + " does not assign " + receipt.detail("accessKeyId"))
                : PlacementVerification.present(path + " line " + (block[0] + 1) + " assigns " + receipt.detail("accessKeyId"));
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        Path path = Path.of(receipt.detail("path"));
        files.update(path, current -> {
            if (current.get(0) == null) {
                return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.unchanged());
            }
            TextLines lines = TextLines.of(current.get(0));
            int[] block = findBlock(lines, Set.of(receipt.detail("accessKeyId")), names(receipt));
            return PlacementFiles.Outcome.of(null, block == null ? PlacementFiles.FileChange.unchanged()
                    : Created.leaving(lines.removeBlock(block[0], block[1], false), receipt, ""));
        });
        LOG.debug("removed canary {} from {}", receipt.detail("accessKeyId"), path);
    }

    /** Lines {first, last} assigning {@code names} in order, the first one to one of {@code keys}; or {@code null}. */
    private static int @Nullable [] findBlock(TextLines lines, Set<String> keys, List<String> names) {
        for (int i = 0; i + names.size() <= lines.size(); i++) {
            Matcher first = ASSIGNMENT.matcher(lines.text(i));
            if (!first.matches() || !first.group(2).equals(names.get(0)) || !first.group(3).equals("=")
                    || !keys.contains(first.group(4))) {
                continue;
            }
            boolean all = true;
            for (int k = 1; k < names.size() && all; k++) {
                Matcher m = ASSIGNMENT.matcher(lines.text(i + k));
                all = m.matches() && m.group(2).equals(names.get(k)) && m.group(3).equals("=");
            }
            if (all) {
                return new int[] {i, i + names.size() - 1};
            }
        }
        return null;
    }

    private static List<String> names(PlacementReceipt receipt) {
        return List.of(Created.checked(receipt, "variables").split(","));
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "path", "variables", "accessKeyId");
    }

    @Override
    public String toString() {
        return "EnvFilePlacement";
    }

    /**
     * Builds {@link EnvFilePlacement}.
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
        public EnvFilePlacement build() {
            return new EnvFilePlacement(this);
        }
    }
}
