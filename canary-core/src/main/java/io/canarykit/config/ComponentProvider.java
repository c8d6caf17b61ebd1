package io.canarykit.config;

import io.canarykit.CanaryConfigurationException;

/**
 * A named factory for one component, found by {@link java.util.ServiceLoader}. Each plugin point has its own
 * provider interface extending this one ({@code CanaryIssuerProvider}, {@code PlacementProvider}, ...), annotated with
 * its {@link PlugInPoint}.
 *
 * <p>Implementations are stateless, public, with a public no-argument constructor, and are registered in
 * {@code META-INF/services/<provider interface>}.
 *
 * @param <T> the component type
 *
 * @since 0.1.0
 */
public interface ComponentProvider<T> {

    /** The stable, lower-case name users select the component by, such as {@code iam-user} or {@code jdbc}. */
    String name();

    /**
     * Builds the component from its configuration: the keys under {@code canary.<plug-in point>.<name>.}, without
     * that prefix (so {@code canary.store.jdbc.url} arrives as {@code url}), as {@link ProviderRegistry#create} hands
     * them over; users who wire by hand pass the same keys.
     *
     * @throws CanaryConfigurationException if the configuration is incomplete or wrong
     */
    T create(CanaryConfig config);

    /**
     * The keys {@link #create} reads, relative to the provider's scope. Declaring them lets unknown keys be reported
     * with the closest known one, values be checked without building anything ({@code canary config check}), values
     * be shown in messages only when they are not secret, and old spellings be renamed. The default declares nothing:
     * the provider still works, and its keys are reported as unchecked (never as errors) and never shown.
     */
    default ConfigKeys configKeys() {
        return ConfigKeys.undeclared();
    }
}
