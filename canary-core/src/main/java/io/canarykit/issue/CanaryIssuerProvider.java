package io.canarykit.issue;

import io.canarykit.config.ComponentProvider;

/**
 * Finds a {@link CanaryIssuer} by name ({@code iam-user}, {@code assume-role}, {@code federation-token}).
 *
 * @since 0.1.0
 */
public interface CanaryIssuerProvider extends ComponentProvider<CanaryIssuer> {
}
