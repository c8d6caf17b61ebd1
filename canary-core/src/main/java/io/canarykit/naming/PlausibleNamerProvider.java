package io.canarykit.naming;

import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

/**
 * Provider {@code plausible}, reading {@code canary.namer.plausible.*} (all optional): {@code key} (keeps names
 * reproducible), {@code teams}, {@code tools}, {@code roles} (comma-separated words), {@code suffix-length} (3-8).
 * The old keys {@code canary.naming.key} and {@code canary.naming.plausible.*} still work, with a deprecation warning.
 * {@link PlausibleNamer#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class PlausibleNamerProvider implements IdentityNamerProvider {
    private static final ConfigKeys KEYS = ConfigKeys.of(NamerProviders.KEY,
            ConfigKey.list("teams", "team words names are made of").formerly("canary.naming.plausible.teams"),
            ConfigKey.list("tools", "tool words names are made of").formerly("canary.naming.plausible.tools"),
            ConfigKey.list("roles", "role words names are made of").formerly("canary.naming.plausible.roles"),
            ConfigKey.integer("suffix-length", "length of the random suffix, 3-8").withDefault("4")
                    .formerly("canary.naming.plausible.suffix-length"));

    @Override
    public String name() {
        return "plausible";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public IdentityNamer create(CanaryConfig config) {
        PlausibleNamer.Builder b = PlausibleNamer.builder();
        Secret key = config.getSecret("key");
        if (key != null) {
            b.key(key);
        }
        if (config.has("teams")) {
            b.teams(config.getList("teams"));
        }
        if (config.has("tools")) {
            b.tools(config.getList("tools"));
        }
        if (config.has("roles")) {
            b.roles(config.getList("roles"));
        }
        Integer suffixLength = config.getInt("suffix-length");
        if (suffixLength != null) {
            b.suffixLength(suffixLength);
        }
        return b.build();
    }
}
