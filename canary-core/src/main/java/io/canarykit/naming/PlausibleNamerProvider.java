package io.canarykit.naming;

import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code plausible}. Configuration (all optional): {@code naming.key} (keeps names reproducible),
 * {@code naming.plausible.teams}, {@code naming.plausible.tools}, {@code naming.plausible.roles} (comma-separated
 * words), {@code naming.plausible.suffix-length} (3-8). {@link PlausibleNamer#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class PlausibleNamerProvider implements IdentityNamerProvider {
    @Override
    public String name() {
        return "plausible";
    }

    @Override
    public IdentityNamer create(CanaryConfig config) {
        PlausibleNamer.Builder b = PlausibleNamer.builder();
        Secret key = NamerProviders.key(config);
        if (key != null) {
            b.key(key);
        }
        if (config.has("naming.plausible.teams")) {
            b.teams(config.getList("naming.plausible.teams"));
        }
        if (config.has("naming.plausible.tools")) {
            b.tools(config.getList("naming.plausible.tools"));
        }
        if (config.has("naming.plausible.roles")) {
            b.roles(config.getList("naming.plausible.roles"));
        }
        if (config.has("naming.plausible.suffix-length")) {
            b.suffixLength(config.getInt("naming.plausible.suffix-length"));
        }
        return b.build();
    }
}
