package io.canarykit.naming;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

/**
 * Provider {@code hmac}, reading {@code canary.namer.hmac.*}: {@code key} (required, at least 16 characters,
 * secret), {@code prefix} (default {@code svc-}), {@code length} (12-48, default 16). The old keys
 * {@code canary.naming.key} and {@code canary.naming.hmac.*} still work, with a deprecation warning.
 * {@link HmacNamer#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class HmacNamerProvider implements IdentityNamerProvider {
    private static final ConfigKeys KEYS = ConfigKeys.of(NamerProviders.KEY.asRequired(),
            ConfigKey.string("prefix", "text every name starts with").withDefault("svc-")
                    .formerly("canary.naming.hmac.prefix"),
            ConfigKey.integer("length", "characters of the keyed HMAC per name, 12-48").withDefault("16")
                    .formerly("canary.naming.hmac.length"));

    @Override
    public String name() {
        return "hmac";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public IdentityNamer create(CanaryConfig config) {
        HmacNamer.Builder b = HmacNamer.builder().key(Keyed.requireKey(config.getSecret("key"), "the hmac namer"));
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
