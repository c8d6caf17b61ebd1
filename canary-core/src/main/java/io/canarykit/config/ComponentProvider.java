package io.canarykit.config;

/**
 * A named factory for one component, found by {@link java.util.ServiceLoader}. Each plugin point has its own
 * provider interface extending this one ({@code CanaryIssuerProvider}, {@code PlacementProvider}, ...).
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
     * Builds the component from configuration.
     *
     * @throws io.canarykit.CanaryConfigurationException if the configuration is incomplete or wrong
     */
    T create(CanaryConfig config);
}
