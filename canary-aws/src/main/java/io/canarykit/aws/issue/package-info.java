/**
 * Credential issuers on AWS: IAM users with access keys, AssumeRole sessions and federation tokens, each with its
 * provider, with the read-back, probing and clean-up that make issuance safe when AWS is slow or fails half-way.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.aws.issue;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
