package io.canarykit.cli;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryService;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreProvider;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * {@code --config FILE}: the properties file a lifecycle command builds its {@link CanaryService} from. Without the
 * option the file is {@code $CANARY_CONFIG} (the container image sets it to {@code /etc/canary/canary.properties}),
 * else {@code ./canary.properties}. Values may take environment variables: {@code ${env:NAME}}
 * ({@link EnvironmentReferences}).
 */
final class ServiceOptions {
    /** The environment variable naming the configuration file when {@code --config} is not given. */
    static final String CONFIG_VARIABLE = "CANARY_CONFIG";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file configuring the store, issuers, placements, detectors and alert sinks "
                    + "(default: $CANARY_CONFIG, else ./canary.properties). A value may take an environment variable: "
                    + "key=$${env:NAME}.")
    @Nullable Path config;

    /** Where environment variables come from (null for one that is not set); tests replace it. */
    Function<String, @Nullable String> environment = System::getenv;

    /** The configuration file: {@code --config}, else {@code $CANARY_CONFIG}, else {@code ./canary.properties}. */
    Path file() {
        Path given = config;
        if (given != null) {
            return given;
        }
        String fromEnvironment = environment.apply(CONFIG_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isBlank() ? Path.of("canary.properties")
                : Path.of(fromEnvironment.trim());
    }

    /** The configuration with its {@code ${env:NAME}} references resolved, or a usage error saying what to pass. */
    CanaryConfig configuration() {
        Path file = file();
        if (config == null && !Files.exists(file)) {
            throw new CliErrors.UsageException(file.equals(Path.of("canary.properties"))
                    ? "no configuration: pass --config FILE, set " + CONFIG_VARIABLE + "=FILE or create"
                            + " ./canary.properties; see the README for the keys"
                    : "no configuration: " + CONFIG_VARIABLE + " names " + file + ", which does not exist; mount or"
                            + " create it there, or pass --config FILE");
        }
        CanaryConfig loaded = CanaryConfig.load(file);
        try {
            return EnvironmentReferences.resolve(loaded, environment);
        } catch (CanaryConfigurationException e) {
            throw new CanaryConfigurationException("configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Only the store the configuration names, for commands that read nothing else: no issuer, no AWS client, no STS
     * call, so that they work without AWS credentials or network.
     */
    CanaryStore store() {
        CanaryConfig configuration = configuration();
        try {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            return ProviderRegistry.load(CanaryStoreProvider.class, cl != null ? cl : ServiceOptions.class.getClassLoader())
                    .resolve(null, configuration, "canary.store", "in-memory");
        } catch (CanaryConfigurationException e) {
            throw new CanaryConfigurationException("configuration " + file() + ": " + e.getMessage(), e);
        }
    }

    /** A service built from the configuration. */
    CanaryService service() {
        CanaryConfig configuration = configuration();
        try {
            return CanaryService.fromConfig(configuration);
        } catch (CanaryConfigurationException e) {
            throw new CanaryConfigurationException("configuration " + file() + ": " + e.getMessage(), e);
        }
    }
}
