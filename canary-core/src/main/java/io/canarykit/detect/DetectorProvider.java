package io.canarykit.detect;

import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;

/**
 * Finds a {@link Detector} by name ({@code cloudtrail-s3}, {@code cloudtrail-lookup}, ...).
 * Its providers read {@code canary.detector.<name>.*}.
 *
 * @since 0.1.0
 */
@PlugInPoint("detector")
public interface DetectorProvider extends ComponentProvider<Detector> {
}
