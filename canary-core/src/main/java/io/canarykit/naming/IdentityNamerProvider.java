package io.canarykit.naming;

import io.canarykit.config.ComponentProvider;

/** Finds an {@link IdentityNamer} by name ({@code plausible}, {@code opaque}, {@code hmac}, {@code template}). */
public interface IdentityNamerProvider extends ComponentProvider<IdentityNamer> {
}
