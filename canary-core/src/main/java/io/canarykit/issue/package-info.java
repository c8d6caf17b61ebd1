/**
 * Issuance: the {@link io.canarykit.issue.CanaryIssuer} and {@link io.canarykit.issue.IssuerPool} plug-in points and
 * {@link io.canarykit.issue.AtomicIssuance}, which records, activates, undoes and recovers issuance.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.issue;

import org.jspecify.annotations.NullMarked;
