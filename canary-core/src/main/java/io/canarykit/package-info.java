/**
 * The domain values (canaries, credentials, assets, sightings, alerts) and {@link io.canarykit.CanaryService},
 * which runs a canary's lifecycle.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit;

import org.jspecify.annotations.NullMarked;
