package io.canarykit.inventory;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

import java.nio.file.Path;

/**
 * Provider {@code csv}: {@link CsvAssetSource} reading the file {@code path} ({@code canary.inventory.csv.path}).
 *
 * @since 0.1.0
 */
public final class CsvAssetSourceProvider implements AssetSourceProvider {
    /** The configuration key of the file, relative to the provider's scope. */
    public static final String PATH = "path";

    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.path(PATH, "the inventory CSV file (kind,id[,placement][,option.KEY][,labels...])").asRequired());

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public AssetSource create(CanaryConfig config) {
        Path p = config.getPath(PATH);
        if (p == null) {
            throw new CanaryConfigurationException("missing configuration property canary.inventory.csv.path: set it"
                    + " to the inventory CSV file");
        }
        return CsvAssetSource.of(p);
    }
}
