/**
 * The placement contract: {@link io.canarykit.testkit.placement.PlacementContract}, the JUnit 5 tests every
 * {@link io.canarykit.placement.Placement} must pass (the built-in ones, the examples' plugin, and yours).
 */
package io.canarykit.testkit.placement;
