package io.canarykit.naming;

import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;

/**
 * Finds an {@link IdentityNamer} by name ({@code plausible}, {@code opaque}, {@code hmac}, {@code template}).
 * Its providers read {@code canary.namer.<name>.*}.
 *
 * @since 0.1.0
 */
@PlugInPoint("namer")
public interface IdentityNamerProvider extends ComponentProvider<IdentityNamer> {
}
