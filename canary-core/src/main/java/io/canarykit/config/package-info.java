/**
 * Configuration: {@link io.canarykit.config.CanaryConfig}, the declared keys and sections, the provider registry
 * and the configuration check.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.config;

import org.jspecify.annotations.NullMarked;
