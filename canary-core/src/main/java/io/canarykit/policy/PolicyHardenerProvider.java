package io.canarykit.policy;

import io.canarykit.config.ComponentProvider;

/**
 * Finds a {@link PolicyHardener} by name ({@code deny-all}).
 *
 * @since 0.1.0
 */
public interface PolicyHardenerProvider extends ComponentProvider<PolicyHardener> {
}
