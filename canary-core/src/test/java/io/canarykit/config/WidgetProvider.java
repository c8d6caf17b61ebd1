package io.canarykit.config;

/** A test-only provider interface, registered only by the service files under src/test/resources/registry/. */
public interface WidgetProvider extends ComponentProvider<Widget> {
}
