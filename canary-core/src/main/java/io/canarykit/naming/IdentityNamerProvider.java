package io.canarykit.naming;

import io.canarykit.config.ComponentProvider;

/**
 * Finds an {@link IdentityNamer} by name ({@code plausible}, {@code opaque}, {@code hmac}, {@code template}).
 *
 * @since 0.1.0
 */
public interface IdentityNamerProvider extends ComponentProvider<IdentityNamer> {
}
