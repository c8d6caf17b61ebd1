package io.canarykit.naming;

import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code hmac}. Configuration: {@code naming.key} (required, at least 16 characters, secret),
 * {@code naming.hmac.prefix} (default {@code svc-}), {@code naming.hmac.length} (12-48, default 16).
 * {@link HmacNamer#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class HmacNamerProvider implements IdentityNamerProvider {
    @Override
    public String name() {
        return "hmac";
    }

    @Override
    public IdentityNamer create(CanaryConfig config) {
        HmacNamer.Builder b = HmacNamer.builder().key(Keyed.requireKey(NamerProviders.key(config), "the hmac namer"));
        if (config.has("naming.hmac.prefix")) {
            b.prefix(config.getString("naming.hmac.prefix"));
        }
        if (config.has("naming.hmac.length")) {
            b.length(config.getInt("naming.hmac.length"));
        }
        return b.build();
    }
}
