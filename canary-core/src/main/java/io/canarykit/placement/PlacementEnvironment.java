package io.canarykit.placement;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What placements read from the process: environment variables, JVM system properties and the home directory. Inject
 * one built with {@link #of} in tests, so that placements resolve {@code AWS_SHARED_CREDENTIALS_FILE},
 * {@code AWS_CONFIG_FILE}, {@code GITHUB_ENV}, ... without touching the real process environment.
 *
 * <p>Implementations are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public interface PlacementEnvironment {

    /** An environment variable, or {@code null} when it is not set. */
    @Nullable String variable(String name);

    /** A JVM system property, or {@code null} when it is not set. */
    @Nullable String property(String name);

    /**
     * The home directory as the AWS SDK finds it: {@code HOME}, then {@code USERPROFILE}, then
     * {@code HOMEDRIVE}+{@code HOMEPATH}, then the {@code user.home} property.
     */
    default Path home() {
        String home = variable("HOME");
        if (home == null || home.isEmpty()) {
            home = variable("USERPROFILE");
        }
        if (home == null || home.isEmpty()) {
            String drive = variable("HOMEDRIVE");
            String path = variable("HOMEPATH");
            home = drive != null && path != null ? drive + path : null;
        }
        if (home == null || home.isEmpty()) {
            home = property("user.home");
        }
        if (home == null || home.isEmpty()) {
            throw new io.canarykit.CanaryConfigurationException("cannot find the home directory: set HOME or the "
                    + "user.home system property, or give the placement an explicit file path");
        }
        return Path.of(home);
    }

    /**
     * A setting the AWS SDK reads from a system property first and an environment variable second, such as
     * {@code aws.sharedCredentialsFile} / {@code AWS_SHARED_CREDENTIALS_FILE}; {@code null} when neither is set (empty
     * counts as unset).
     */
    default @Nullable String awsSetting(String systemProperty, String environmentVariable) {
        String v = property(systemProperty);
        if (v == null || v.isBlank()) {
            v = variable(environmentVariable);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * Expands a leading {@code ~} (followed by the end or a separator) to {@link #home()}, as the AWS SDK does for file
     * locations.
     */
    default Path expandHome(String path) {
        Objects.requireNonNull(path, "path");
        if (path.equals("~")) {
            return home();
        }
        if (path.startsWith("~/") || path.startsWith("~\\")) {
            return home().resolve(path.substring(2));
        }
        return Path.of(path);
    }

    /** The real process environment and system properties. */
    static PlacementEnvironment system() {
        return SystemPlacementEnvironment.INSTANCE;
    }

    /**
     * A fixed environment, for tests and embedding: exactly these variables and properties (copied), nothing from the
     * real process.
     */
    static PlacementEnvironment of(Map<String, String> variables, Map<String, String> properties) {
        Map<String, String> vars = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(variables, "variables")));
        Map<String, String> props = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(properties, "properties")));
        return new PlacementEnvironment() {
            @Override
            public @Nullable String variable(String name) {
                return vars.get(name);
            }

            @Override
            public @Nullable String property(String name) {
                return props.get(name);
            }

            @Override
            public String toString() {
                return "PlacementEnvironment" + vars.keySet() + props.keySet();
            }
        };
    }
}
