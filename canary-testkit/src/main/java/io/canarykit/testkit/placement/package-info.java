/**
 * The placement contract: {@link io.canarykit.testkit.placement.PlacementContract}, the JUnit 5 tests every
 * {@link io.canarykit.placement.Placement} must pass (the built-in ones, the examples' plugin, and yours).
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.testkit.placement;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
