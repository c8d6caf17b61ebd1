package io.canarykit.placement;

/** The real process environment and system properties. */
final class SystemPlacementEnvironment implements PlacementEnvironment {
    static final SystemPlacementEnvironment INSTANCE = new SystemPlacementEnvironment();

    private SystemPlacementEnvironment() {
    }

    @Override
    public String variable(String name) {
        return System.getenv(name);
    }

    @Override
    public String property(String name) {
        return System.getProperty(name);
    }

    @Override
    public String toString() {
        return "PlacementEnvironment[system]";
    }
}
