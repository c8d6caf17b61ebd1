package io.canarykit.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;
import io.canarykit.store.CanaryStore;

/**
 * Finds an {@link IssuerPool} by name for {@code canary.pool} (such as {@code organization}, in canary-aws): a pool
 * that builds its own issuers, one set per account, from the {@code canary.issuers} and {@code canary.issuer.<name>.*}
 * keys and its own {@code canary.pool.<name>.*} keys. Without {@code canary.pool}, the issuers of
 * {@code canary.issuers} form a simple pool.
 *
 * <p>A pool that holds resources (clients) implements {@link AutoCloseable}; the service closes it.
 *
 * @since 0.1.0
 */
@PlugInPoint("pool")
public interface IssuerPoolProvider extends ComponentProvider<IssuerPool> {

    /**
     * Builds the pool.
     *
     * @param config the whole configuration (the pool reads {@code canary.pool.<name>.*}, {@code canary.issuers} and
     *               {@code canary.issuer.<name>.*})
     * @param store  the store whose live canaries count against each account's quota
     * @throws CanaryConfigurationException if the configuration is incomplete or wrong
     */
    IssuerPool create(CanaryConfig config, CanaryStore store);

    /**
     * A pool needs the store: build it with {@link #create(CanaryConfig, CanaryStore)}.
     *
     * @throws CanaryConfigurationException always
     */
    @Override
    default IssuerPool create(CanaryConfig config) {
        throw new CanaryConfigurationException("the " + name() + " issuer pool needs the store: create it with"
                + " create(config, store), as CanaryService.fromConfig does");
    }
}
