package io.canarykit.config;

/** Test-only providers for {@link ProviderRegistryTest}. */
public final class TestWidgets {
    private TestWidgets() {
    }

    public static final class Alpha implements WidgetProvider {
        @Override public String name() { return " Alpha "; }
        @Override public Widget create(CanaryConfig config) { return () -> "alpha:" + config.getString("widget.color", "none"); }
    }

    public static final class Beta implements WidgetProvider {
        @Override public String name() { return "beta"; }
        @Override public Widget create(CanaryConfig config) { return () -> "beta"; }
    }

    public static final class AlphaAgain implements WidgetProvider {
        @Override public String name() { return "alpha"; }
        @Override public Widget create(CanaryConfig config) { return () -> "alpha-again"; }
    }

    public static final class ThrowsInConstructor implements WidgetProvider {
        public ThrowsInConstructor() { throw new IllegalStateException("native library missing"); }
        @Override public String name() { return "broken"; }
        @Override public Widget create(CanaryConfig config) { throw new AssertionError(); }
    }

    public static final class ThrowsInName implements WidgetProvider {
        @Override public String name() { throw new IllegalStateException("no name today"); }
        @Override public Widget create(CanaryConfig config) { throw new AssertionError(); }
    }
}
