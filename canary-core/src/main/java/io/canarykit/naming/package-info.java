/**
 * Identity naming: the {@link io.canarykit.naming.IdentityNamer} plug-in point, the built-in namers and the naming
 * rules of the targets.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.naming;

import org.jspecify.annotations.NullMarked;
