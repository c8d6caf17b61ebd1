package io.canarykit.cli;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryService;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreProvider;
import io.canarykit.config.CanaryConfig;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --config FILE}: the properties file a lifecycle command builds its {@link CanaryService} from. */
final class ServiceOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file configuring the store, issuers, placements, detectors and alert sinks "
                    + "(default: ./canary.properties).")
    Path config;

    /** The configuration, or a usage error saying what to pass. */
    CanaryConfig configuration() {
        Path file = config != null ? config : Path.of("canary.properties");
        if (config == null && !Files.exists(file)) {
            throw new CliErrors.UsageException("no configuration: pass --config FILE (or create ./canary.properties);"
                    + " see the README for the keys");
        }
        return CanaryConfig.load(file);
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
            throw new CanaryConfigurationException("configuration " + (config == null ? "canary.properties" : config)
                    + ": " + e.getMessage(), e);
        }
    }

    /** A service built from the configuration. */
    CanaryService service() {
        try {
            return CanaryService.fromConfig(configuration());
        } catch (CanaryConfigurationException e) {
            throw new CanaryConfigurationException("configuration " + (config == null ? "canary.properties" : config)
                    + ": " + e.getMessage(), e);
        }
    }
}
