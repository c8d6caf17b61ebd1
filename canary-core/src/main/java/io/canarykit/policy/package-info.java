/**
 * IAM policy model: policy documents, their parsing and rendering, the policy simulator and the
 * {@link io.canarykit.policy.PolicyHardener} plug-in point.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.policy;

import org.jspecify.annotations.NullMarked;
