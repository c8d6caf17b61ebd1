/**
 * Detectors on AWS: access-key last-used data, the IAM credential report, CloudTrail's LookupEvents, CloudTrail log
 * files in S3 (listed, or announced through SQS) and EventBridge events through SQS, each with its provider.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.aws.detect;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
