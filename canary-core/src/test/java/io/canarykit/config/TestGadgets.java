package io.canarykit.config;

import java.util.List;
import java.util.function.Supplier;

/** Test-only gadget providers (one declaring its keys, one not) and the section that selects them. */
public final class TestGadgets {
    private TestGadgets() {
    }

    /** Declares its keys; the gadget hands back the configuration the provider got. */
    public static final class Declared implements GadgetProvider {
        static final ConfigKeys KEYS = ConfigKeys.of(
                ConfigKey.integer("size", "the size").withDefault("3"),
                ConfigKey.string("api-token", "a token").asSecret(),
                ConfigKey.string("colour", "the colour").asRequired().formerly("canary.legacy.colour"),
                ConfigKey.bool("follow-links", "whether to follow links"));

        @Override public String name() { return "declared"; }
        @Override public ConfigKeys configKeys() { return KEYS; }
        @Override public Supplier<CanaryConfig> create(CanaryConfig config) { return () -> config; }
    }

    /** Declares nothing. */
    public static final class Undeclared implements GadgetProvider {
        @Override public String name() { return "undeclared"; }
        @Override public Supplier<CanaryConfig> create(CanaryConfig config) { return () -> config; }
    }

    /** The section: {@code canary.gadgets} selects gadgets. */
    public static final class Section implements ConfigSection {
        @Override
        public ConfigKeys keys() {
            return ConfigKeys.of(ConfigKey.providers("canary.gadgets", GadgetProvider.class, "the gadgets")
                    .withDefault("declared"));
        }

        @Override
        public List<Class<? extends ComponentProvider<?>>> plugInPoints() {
            return List.of(GadgetProvider.class);
        }
    }
}
