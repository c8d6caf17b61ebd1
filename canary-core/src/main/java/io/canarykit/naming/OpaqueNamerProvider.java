package io.canarykit.naming;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

/**
 * Provider {@code opaque}, reading {@code canary.namer.opaque.*} (all optional): {@code prefix}, {@code length}
 * (8-24). The old keys {@code canary.naming.opaque.*} still work, with a deprecation warning.
 * {@link OpaqueNamer#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class OpaqueNamerProvider implements IdentityNamerProvider {
    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("prefix", "text every name starts with").formerly("canary.naming.opaque.prefix"),
            ConfigKey.integer("length", "random characters per name, 8-24").withDefault("12")
                    .formerly("canary.naming.opaque.length"));

    @Override
    public String name() {
        return "opaque";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public IdentityNamer create(CanaryConfig config) {
        OpaqueNamer.Builder b = OpaqueNamer.builder();
        String prefix = config.getString("prefix");
        if (prefix != null) {
            b.prefix(prefix);
        }
        Integer length = config.getInt("length");
        if (length != null) {
            b.length(length);
        }
        return b.build();
    }
}
