package io.canarykit.config;

import java.util.List;

/**
 * Keys a module reads outside any provider's scope (such as {@code canary.kind} or the server's
 * {@code canary.api.*}), and the plug-in points whose providers' keys it owns, so that {@link ConfigCheck} knows
 * every key under {@code canary.}. Found by {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.canarykit.config.ConfigSection}.
 *
 * <p>Implementations are stateless, public, with a public no-argument constructor.
 *
 * @since 0.1.0
 */
public interface ConfigSection {

    /** The section's keys, absolute ({@code canary.kind}, {@code canary.api.tokens.<caller>}). */
    ConfigKeys keys();

    /**
     * The provider interfaces, each annotated with its {@link PlugInPoint}, whose providers read
     * {@code canary.<point>.<name>.*}. A key of {@link #keys()} of type {@link ConfigKey.Type#PROVIDER} or
     * {@link ConfigKey.Type#PROVIDERS} selects among them; a point no key selects (placements) has all its providers
     * available.
     */
    default List<Class<? extends ComponentProvider<?>>> plugInPoints() {
        return List.of();
    }
}
