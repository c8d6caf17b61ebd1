/**
 * Detection: the {@link io.canarykit.detect.Detector} plug-in point, the detection engine that turns CloudTrail
 * records and other signals into sightings and alerts, and the canary key files and tables the scans match against.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.detect;

import org.jspecify.annotations.NullMarked;
