package io.canarykit.server;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.PlacementSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A placement the server's operator allows API callers to use, by name. Callers ask for a profile; the server
 * decides everything else: the placement, its options (files, profile names, commands, flags), the directories it may
 * write in and, optionally, the kind of canary. The built-in profile {@value #RETURN} plants nothing and returns the
 * credential to the caller once (the device or pipeline plants it itself); it is the only profile unless the
 * configuration adds others.
 *
 * <p>Option values may use {@code ${asset.kind}}, {@code ${asset.id}} and {@code ${caller}}; the substituted values
 * must be 1-128 letters, digits, {@code .}, {@code _} or {@code -} starting with a letter or digit, so they can name a
 * file but never a directory or {@code ..}. Every option that names a file ({@code path}, {@code *-file},
 * {@code *-dir}, {@code *-directory} and the profile's {@link #pathOptions()}) must be absolute and inside one of
 * {@link #allowedDirectories()}, checked after symbolic links are resolved, when the profile is built and again on
 * every request. The built-in file placements must be given their files explicitly (so that nothing lands in the
 * server user's {@code ~/.aws}).
 *
 * @param name               the profile's name: 1-64 lower-case letters, digits and {@code -}
 * @param placement          the placement provider's name, such as {@code env}, or {@value #RETURN}
 * @param options            the placement options, kebab-case, fixed by the operator (templates allowed)
 * @param allowedDirectories the only directories (and their subdirectories) file options may point into
 * @param callerOptions      options a request may set itself ({@code "options":{…}}); never a file, command or flag;
 *                           values must be 1-64 letters, digits, {@code .}, {@code _} or {@code -}
 * @param pathOptions        further option names (of a plugin placement) that name files
 * @param kind               the kind of canary this profile always issues, or {@code null} to let the request (or the
 *                           server's default) choose
 *
 * @since 0.1.0
 */
public record PlacementProfile(String name, String placement, Map<String, String> options,
                               List<Path> allowedDirectories, Set<String> callerOptions, Set<String> pathOptions,
                               @Nullable CredentialKind kind) {
    /** The built-in profile (and placement) that returns the credential to the caller. */
    public static final String RETURN = PlacementSpec.RETURN;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern OPTION = Pattern.compile("[A-Za-z][A-Za-z0-9.-]{0,63}");
    private static final Pattern TEMPLATE = Pattern.compile("\\$\\{([a-z.]+)}");
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern CALLER_VALUE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> NEVER_CALLER = Set.of("command", "overwrite", "config", "authorization", "host",
            "port", "relative-uri", "labels", "namespace", "name");
    /** The files each built-in file placement writes unless told otherwise; a profile must name them. */
    private static final Map<String, List<String>> REQUIRED_FILES = Map.of(
            "aws-credentials-file", List.of("credentials-file", "config-file"),
            "credential-process", List.of("path"),
            "env", List.of("path"),
            "kubernetes-secret", List.of("path"));

    public PlacementProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(placement, "placement");
        if (!NAME.matcher(name).matches()) {
            throw new CanaryConfigurationException("invalid placement profile name '" + name
                    + "': use 1-64 lower-case letters, digits and -");
        }
        options = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(options, "options")));
        allowedDirectories = List.copyOf(allowedDirectories);
        callerOptions = Set.copyOf(callerOptions);
        pathOptions = Set.copyOf(pathOptions);
        validate(name, placement, options, allowedDirectories, callerOptions, pathOptions);
    }

    /** The built-in {@value #RETURN} profile. */
    public static PlacementProfile returnToCaller() {
        return new PlacementProfile(RETURN, RETURN, Map.of(), List.of(), Set.of(), Set.of(), null);
    }

    /** A profile with fixed options only (no caller options, no fixed kind). */
    public static PlacementProfile of(String name, String placement, Map<String, String> options,
                                      List<Path> allowedDirectories) {
        return new PlacementProfile(name, placement, options, allowedDirectories, Set.of(), Set.of(), null);
    }

    /** A copy that lets requests set these options. */
    public PlacementProfile withCallerOptions(Set<String> names) {
        return new PlacementProfile(name, placement, options, allowedDirectories, names, pathOptions, kind);
    }

    /** A copy that always issues {@code v}. */
    public PlacementProfile withKind(CredentialKind v) {
        return new PlacementProfile(name, placement, options, allowedDirectories, callerOptions, pathOptions, v);
    }

    /** True for a profile that writes nothing on the server and returns the credential. */
    public boolean returnsCredential() {
        return placement.equals(RETURN);
    }

    /**
     * The placement to use for one request: templates filled in from the asset and caller, the request's caller
     * options added, every file option checked against the allowed directories.
     *
     * @throws CanaryConfigurationException with a message fit for the caller (nothing echoed at length) if the request
     *         sets an option it may not, a value cannot be used, or a file would land outside the allowed directories
     */
    public PlacementSpec resolve(Asset asset, String caller, Map<String, String> requestOptions) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            out.put(e.getKey(), fill(e.getKey(), e.getValue(), asset, caller));
        }
        for (Map.Entry<String, String> e : requestOptions.entrySet()) {
            if (!callerOptions.contains(e.getKey())) {
                throw new CanaryConfigurationException("placement profile " + name + " does not let requests set the "
                        + "option '" + Excerpt.of(e.getKey()) + "'" + (callerOptions.isEmpty() ? "; it takes no options"
                        : "; it lets them set " + String.join(", ", new TreeSet<>(callerOptions))));
            }
            if (!CALLER_VALUE.matcher(e.getValue()).matches()) {
                throw new CanaryConfigurationException("option " + e.getKey() + " of placement profile " + name
                        + " must be 1-64 letters, digits, '.', '_' or '-'");
            }
            out.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : out.entrySet()) {
            if (isPathOption(e.getKey(), pathOptions)) {
                checkInside(name, e.getKey(), e.getValue(), allowedDirectories);
            }
        }
        return PlacementSpec.of(placement, out);
    }

    private String fill(String option, String value, Asset asset, String caller) {
        Matcher m = TEMPLATE.matcher(value);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v;
            switch (m.group(1)) {
                case "asset.kind": v = asset.kind(); break;
                case "asset.id": v = asset.id(); break;
                case "caller": v = caller; break;
                default: throw new IllegalStateException("checked when the profile was built");
            }
            if (!SAFE_VALUE.matcher(v).matches()) {
                throw new CanaryConfigurationException("placement profile " + name + " puts ${" + m.group(1)
                        + "} into its option " + option + ", so it must be 1-128 letters, digits, '.', '_' or '-' "
                        + "starting with a letter or digit; '" + Excerpt.of(v) + "' is not");
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString();
    }

    // ------------------------------------------------------------------------------------------------ checks

    private static void validate(String name, String placement, Map<String, String> options, List<Path> allowed,
                                 Set<String> callerOptions, Set<String> pathOptions) {
        String where = "placement profile " + name + ": ";
        if (placement.equals(RETURN)) {
            if (!options.isEmpty() || !callerOptions.isEmpty() || !allowed.isEmpty()) {
                throw new CanaryConfigurationException(where + "the return placement takes no options or directories");
            }
            return;
        }
        if (name.equals(RETURN)) {
            throw new CanaryConfigurationException("the placement profile name 'return' is built in; choose another");
        }
        for (Path d : allowed) {
            if (!d.isAbsolute()) {
                throw new CanaryConfigurationException(where + "allowed directory " + d + " must be an absolute path");
            }
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!OPTION.matcher(e.getKey()).matches()) {
                throw new CanaryConfigurationException(where + "invalid option name '" + Excerpt.of(e.getKey()) + "'");
            }
            Matcher m = TEMPLATE.matcher(e.getValue());
            while (m.find()) {
                if (!Set.of("asset.kind", "asset.id", "caller").contains(m.group(1))) {
                    throw new CanaryConfigurationException(where + "option " + e.getKey() + " uses ${" + m.group(1)
                            + "}; only ${asset.kind}, ${asset.id} and ${caller} exist");
                }
            }
        }
        for (String required : REQUIRED_FILES.getOrDefault(placement, List.of())) {
            boolean skipConfig = required.equals("config-file") && "false".equalsIgnoreCase(options.get("config"));
            if (!skipConfig && get(options, required) == null) {
                throw new CanaryConfigurationException(where + "placement " + placement + " writes a file on this "
                        + "server; set the option " + required + " (inside the profile's allowed-directories) so it "
                        + "cannot default to the server user's home directory");
            }
        }
        boolean profileOption = options.containsKey("profile") || callerOptions.contains("profile");
        if (placement.equals("credential-process") && profileOption && get(options, "config-file") == null) {
            throw new CanaryConfigurationException(where + "credential-process with a profile writes an AWS config "
                    + "file; set the option config-file inside the profile's allowed-directories");
        }
        for (String c : callerOptions) {
            String k = kebab(c);
            if (isPathOption(c, pathOptions) || NEVER_CALLER.contains(k) || k.startsWith("allow")
                    || k.startsWith("follow") || k.endsWith("symlinks") || !OPTION.matcher(c).matches()) {
                throw new CanaryConfigurationException(where + "requests may not set the option " + c
                        + ": files, commands and flags are the server's to choose");
            }
            if (options.containsKey(c)) {
                throw new CanaryConfigurationException(where + "option " + c + " is both fixed and a caller option");
            }
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (isPathOption(e.getKey(), pathOptions)) {
                if (allowed.isEmpty()) {
                    throw new CanaryConfigurationException(where + "option " + e.getKey() + " names a file, so the "
                            + "profile needs allowed-directories");
                }
                if (!TEMPLATE.matcher(e.getValue()).find()) {
                    checkInside(name, e.getKey(), e.getValue(), allowed);
                }
            }
        }
    }

    /** The value of a kebab-case option, also when written in camelCase. */
    private static @Nullable String get(Map<String, String> options, String kebab) {
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (kebab(e.getKey()).equals(kebab)) {
                return e.getValue();
            }
        }
        return null;
    }

    static boolean isPathOption(String option, Set<String> extra) {
        String k = kebab(option);
        return k.equals("path") || k.equals("file") || k.equals("dir") || k.endsWith("-file") || k.endsWith("-path")
                || k.endsWith("-dir") || k.endsWith("-directory") || extra.contains(option) || extra.contains(k);
    }

    /** {@code credentialsFile} → {@code credentials-file}. */
    static String kebab(String option) {
        StringBuilder b = new StringBuilder(option.length() + 4);
        for (int i = 0; i < option.length(); i++) {
            char c = option.charAt(i);
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * Refuses a file outside the allowed directories: the path must be absolute, have no {@code .} or {@code ..}
     * segment, and, with every symbolic link on the way resolved, lie inside an allowed directory (also resolved).
     */
    private static void checkInside(String profile, String option, String value, List<Path> allowed) {
        String where = "placement profile " + profile + ": option " + option;
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            throw new CanaryConfigurationException(where + " is not a valid path");
        }
        if (!p.isAbsolute() || !p.normalize().equals(p) || value.contains("/./") || value.contains("/../")) {
            throw new CanaryConfigurationException(where + " must be an absolute path without . or .. segments");
        }
        Path resolved = realPathOfNearest(p);
        for (Path dir : allowed) {
            Path real = realPathOfNearest(dir);
            if (resolved.startsWith(real) && !resolved.equals(real)) {
                return;
            }
        }
        List<String> dirs = new ArrayList<>();
        allowed.forEach(d -> dirs.add(d.toString()));
        throw new CanaryConfigurationException(where + " points outside the profile's allowed directories ("
                + (dirs.isEmpty() ? "none" : String.join(", ", new LinkedHashSet<>(dirs))) + ")");
    }

    /** The real path of {@code p}'s nearest existing ancestor (links resolved), with the missing rest appended. */
    private static Path realPathOfNearest(Path p) {
        Path existing = p;
        List<Path> rest = new ArrayList<>();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            rest.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot resolve " + existing + ": " + e.getMessage());
        }
        for (Path r : rest) {
            real = real.resolve(r);
        }
        return real;
    }
}
