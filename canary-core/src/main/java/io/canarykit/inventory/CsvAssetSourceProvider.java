package io.canarykit.inventory;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;

import java.nio.file.Path;

/**
 * Provider {@code csv}: {@link CsvAssetSource} reading {@code canary.inventory.csv.path}.
 *
 * @since 0.1.0
 */
public final class CsvAssetSourceProvider implements AssetSourceProvider {
    /** The configuration key of the file. */
    public static final String PATH = "canary.inventory.csv.path";

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public AssetSource create(CanaryConfig config) {
        Path p = config.getPath(PATH);
        if (p == null) {
            throw new CanaryConfigurationException("missing configuration property " + PATH
                    + ": set it to the inventory CSV file");
        }
        return CsvAssetSource.of(p);
    }
}
