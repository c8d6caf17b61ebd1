/**
 * Placements into AWS's own secret stores: {@code aws-secrets-manager} ({@link
 * io.canarykit.aws.placement.SecretsManagerPlacement}) and {@code ssm-parameter} ({@link
 * io.canarykit.aws.placement.SsmParameterPlacement}), over SDK clients the caller supplies (or the providers build from
 * {@code canary.placement.<name>.*}). Each creates a secret of its own with an ordinary name and tags, reads back what
 * it wrote, undoes a creation that cannot be confirmed, rotates in place and removes only what still holds its canary.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.aws.placement;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
