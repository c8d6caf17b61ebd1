package io.canarykit.placement;

import org.jspecify.annotations.Nullable;

/** The real process environment and system properties. */
final class SystemPlacementEnvironment implements PlacementEnvironment {
    static final SystemPlacementEnvironment INSTANCE = new SystemPlacementEnvironment();

    private SystemPlacementEnvironment() {
    }

    @Override
    public @Nullable String variable(String name) {
        return System.getenv(name);
    }

    @Override
    public @Nullable String property(String name) {
        return System.getProperty(name);
    }

    @Override
    public String toString() {
        return "PlacementEnvironment[system]";
    }
}
