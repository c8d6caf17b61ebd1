package io.canarykit.detect;

import io.canarykit.config.ComponentProvider;

/** Finds a {@link Detector} by name ({@code cloudtrail-s3}, {@code cloudtrail-lookup}, ...). */
public interface DetectorProvider extends ComponentProvider<Detector> {
}
