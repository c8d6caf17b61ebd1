package io.canarykit.issue;

import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;

/**
 * Finds a {@link CanaryIssuer} by name ({@code iam-user}, {@code assume-role}, {@code federation-token}).
 * Its providers read {@code canary.issuer.<name>.*}.
 *
 * @since 0.1.0
 */
@PlugInPoint("issuer")
public interface CanaryIssuerProvider extends ComponentProvider<CanaryIssuer> {
}
