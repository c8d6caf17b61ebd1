package io.canarykit.naming;

import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code opaque}. Configuration (all optional): {@code naming.opaque.prefix}, {@code naming.opaque.length}
 * (8-24). {@link OpaqueNamer#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class OpaqueNamerProvider implements IdentityNamerProvider {
    @Override
    public String name() {
        return "opaque";
    }

    @Override
    public IdentityNamer create(CanaryConfig config) {
        OpaqueNamer.Builder b = OpaqueNamer.builder();
        if (config.has("naming.opaque.prefix")) {
            b.prefix(config.getString("naming.opaque.prefix"));
        }
        if (config.has("naming.opaque.length")) {
            b.length(config.getInt("naming.opaque.length"));
        }
        return b.build();
    }
}
