package io.canarykit.config;

import java.util.function.Supplier;

/** A test-only plug-in point with a place under canary.: its providers read canary.gadget.<name>.*. */
@PlugInPoint("gadget")
public interface GadgetProvider extends ComponentProvider<Supplier<CanaryConfig>> {
}
