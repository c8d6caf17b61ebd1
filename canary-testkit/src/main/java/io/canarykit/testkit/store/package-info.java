/**
 * The store contract: CanaryStoreContract, the JUnit 5 tests every CanaryStore must pass (records, sightings,
 * checkpoints, conditional entries, leases and claims, with races between threads), and fixtures for them.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.testkit.store;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
