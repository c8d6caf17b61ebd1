/**
 * CloudTrail log reading: the reader and scanners for CloudTrail log files (local, gzip, S3), the framer and record
 * decoder, and the records they produce.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.cloudtrail;

import org.jspecify.annotations.NullMarked;
