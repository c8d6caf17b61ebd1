package io.canarykit.detect;

import io.canarykit.config.ComponentProvider;

/**
 * Finds a {@link Detector} by name ({@code cloudtrail-s3}, {@code cloudtrail-lookup}, ...).
 *
 * @since 0.1.0
 */
public interface DetectorProvider extends ComponentProvider<Detector> {
}
