/**
 * Storage: the {@link io.canarykit.store.CanaryStore} plug-in point, the in-memory store, and the leases and claims
 * built on the store's conditional entries.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.store;

import org.jspecify.annotations.NullMarked;
