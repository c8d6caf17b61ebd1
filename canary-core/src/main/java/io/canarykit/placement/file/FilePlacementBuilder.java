package io.canarykit.placement.file;

import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementFiles;

import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What every file placement's builder sets: where the process environment is read, the clock for receipts, and how
 * files are written.
 *
 * @param <B> the concrete builder
 *
 * @since 0.1.0
 */
public abstract sealed class FilePlacementBuilder<B extends FilePlacementBuilder<B>> permits
        AwsCredentialsFilePlacement.Builder, EnvFilePlacement.Builder, CredentialProcessPlacement.Builder,
        KubernetesSecretPlacement.Builder {
    private PlacementEnvironment environment = PlacementEnvironment.system();
    private Clock clock = Clock.systemUTC();
    private @Nullable PlacementFiles files;

    FilePlacementBuilder() {
    }

    abstract B self();

    /**
     * Where environment variables ({@code HOME}, {@code AWS_SHARED_CREDENTIALS_FILE}, {@code AWS_CONFIG_FILE},
     * {@code GITHUB_ENV}, {@code XDG_CACHE_HOME}) and system properties are read (default: the real process).
     */
    public B environment(PlacementEnvironment environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
        return self();
    }

    /** The clock for receipts (default UTC). */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /**
     * How files are written (default: {@link PlacementFiles#defaults()}, with the lock directory found through this
     * builder's environment).
     */
    public B files(PlacementFiles files) {
        this.files = Objects.requireNonNull(files, "files");
        return self();
    }

    PlacementEnvironment environment() {
        return environment;
    }

    Clock clock() {
        return clock;
    }

    PlacementFiles files() {
        return files != null ? files : PlacementFiles.builder().environment(environment).build();
    }
}
