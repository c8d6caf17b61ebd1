package io.canarykit.policy;

import io.canarykit.config.ComponentProvider;

/** Finds a {@link PolicyHardener} by name ({@code deny-all}). */
public interface PolicyHardenerProvider extends ComponentProvider<PolicyHardener> {
}
