/**
 * The issuing accounts across an AWS Organization: AccountPool and its organization provider (accounts listed from AWS
 * Organizations with rules and quotas), the SDK clients for member accounts reached through a role, and the pacing of
 * the calls made to them.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.aws.account;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
