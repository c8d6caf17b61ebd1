package io.canarykit.examples.tfvars;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A custom placement, written the way a user of canarykit would write one: the canary as Terraform variables in a
 * {@code *.auto.tfvars} file, which Terraform loads automatically and which infrastructure repositories and CI
 * workspaces leak.
 *
 * <pre>
 * aws_access_key = "ASIA..."
 * aws_secret_key = "..."
 * aws_token      = "..."
 * aws_region     = "us-east-1"
 * </pre>
 *
 * <p>It uses only canarykit's public API: {@link Placement} for the contract, {@link PlacementOptions} for kebab-case
 * options (unknown ones refused), {@link PlacementFiles} for locked, atomic, private writes that leave nothing beside
 * the file, and {@link PlacementReceipt} to remember what it wrote. The file is the canary's alone: an
 * existing file is refused unless it holds the canary's key; removal deletes it only while it still does.
 *
 * <p>Request options: {@code path} (required, must end with {@code .tfvars}), {@code prefix} (variable prefix,
 * default {@code aws_}), {@code region} (default {@code us-east-1}).
 *
 * @since 0.1.0
 */
public final class TfvarsPlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "terraform-tfvars";
    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,31}");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9+/=._-]+");
    private static final Set<String> OPTIONS = Set.of("path", "prefix", "region", "follow-symlinks");

    private final PlacementFiles files;
    private final Clock clock;

    private TfvarsPlacement(PlacementFiles files, Clock clock) {
        this.files = files;
        this.clock = clock;
    }

    /** A placement writing with {@code files}. */
    public static TfvarsPlacement create(PlacementFiles files, Clock clock) {
        return new TfvarsPlacement(Objects.requireNonNull(files, "files"), Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PlacementReceipt place(PlacementRequest request) {
        return write(request, null);
    }

    @Override
    public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        PlacementOptions.checkReceipt(NAME, previous, "path", "accessKeyId", "accessKeyVariable");
        return write(request, previous);
    }

    private PlacementReceipt write(PlacementRequest request, PlacementReceipt previous) {
        String previousKey = previous == null ? null : previous.detail("accessKeyId");
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        PlacementOptions.checkWritable(NAME, request.credential());
        String pathText = o.get("path");
        if (pathText == null || !pathText.endsWith(".tfvars")) {
            throw new CanaryConfigurationException("placement " + NAME + " needs the option path, a file ending in "
                    + ".tfvars such as infra/prod.auto.tfvars");
        }
        Path path = Path.of(pathText).toAbsolutePath().normalize();
        String prefix = o.get("prefix", "aws_");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new CanaryConfigurationException("placement " + NAME + " option prefix: '" + prefix
                    + "' must be lower-case letters, digits and _");
        }
        CanaryCredential c = request.credential();
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put(prefix + "access_key", c.accessKeyId());
        vars.put(prefix + "secret_key", c.secretAccessKey().reveal());
        if (c.sessionToken() != null) {
            vars.put(prefix + "token", c.sessionToken().reveal());
        }
        vars.put(prefix + "region", o.get("region", "us-east-1"));
        int width = vars.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder hcl = new StringBuilder();
        for (Map.Entry<String, String> e : vars.entrySet()) {
            if (!SAFE.matcher(e.getValue()).matches()) {
                throw new CanaryConfigurationException("placement " + NAME + ": the value of " + e.getKey()
                        + " cannot be written as a plain HCL string");
            }
            hcl.append(String.format("%-" + width + "s = \"%s\"%n", e.getKey(), e.getValue()));
        }
        byte[] content = hcl.toString().getBytes(StandardCharsets.UTF_8);
        String accessKeyVariable = prefix + "access_key";
        // the directory this write creates on the way (if any), so that removal can take it out again
        Path made = files.update(path, current -> {
            String existing = keyIn(current.get(0), accessKeyVariable);
            if (current.get(0) != null && !c.accessKeyId().equals(existing)
                    && (previousKey == null || !previousKey.equals(existing))) {
                throw new CanaryConfigurationException(path + " already exists and does not hold this canary; nothing "
                        + "was changed. Choose another file");
            }
            return PlacementFiles.Outcome.of(files.missingDirectory(path), PlacementFiles.FileChange.write(content));
        });
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", c.accessKeyId());
        details.put("path", path.toString());
        details.put("accessKeyVariable", accessKeyVariable);
        String createdDirectory = made != null ? made.toString() : previous == null ? null : previous.detail("createdDirectory");
        if (createdDirectory != null) {
            details.put("createdDirectory", createdDirectory);
        }
        return new PlacementReceipt(NAME, path.toString(), details, clock.instant());
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "path", "accessKeyId", "accessKeyVariable");
        Path path = Path.of(receipt.detail("path"));
        String found = keyIn(files.read(path), receipt.detail("accessKeyVariable"));
        return receipt.detail("accessKeyId").equals(found)
                ? PlacementVerification.present(path + " sets " + receipt.detail("accessKeyVariable"))
                : PlacementVerification.missing(path + " does not hold " + receipt.detail("accessKeyId"));
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "path", "accessKeyId", "accessKeyVariable");
        Path path = Path.of(receipt.detail("path"));
        Path createdDirectory = receipt.detail("createdDirectory") == null ? null : Path.of(receipt.detail("createdDirectory"));
        files.update(path, current -> PlacementFiles.Outcome.of(null,
                receipt.detail("accessKeyId").equals(keyIn(current.get(0), receipt.detail("accessKeyVariable")))
                        ? PlacementFiles.FileChange.delete(createdDirectory) : PlacementFiles.FileChange.unchanged()));
    }

    private static String keyIn(byte[] content, String variable) {
        if (content == null) {
            return null;
        }
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(variable) + "\\s*=\\s*\"([^\"]*)\"")
                .matcher(new String(content, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : null;
    }

    @Override
    public String toString() {
        return "TfvarsPlacement";
    }
}
