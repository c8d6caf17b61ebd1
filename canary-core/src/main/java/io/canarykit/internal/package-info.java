/**
 * Internal: public only so that canarykit's own modules can share it (exported only to them); not API, and it may
 * change in any release.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.internal;

import org.jspecify.annotations.NullMarked;
