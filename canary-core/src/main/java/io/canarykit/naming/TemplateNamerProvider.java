package io.canarykit.naming;

import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

/**
 * Provider {@code template}, reading {@code canary.namer.template.*}: {@code pattern} (required, validated now, such as
 * {@code ci-{label:team}-{hmac:8}}), {@code key} (needed by {@code {hmac:N}}). The old keys
 * {@code canary.naming.template} and {@code canary.naming.key} still work, with a deprecation warning.
 * {@link TemplateNamer#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class TemplateNamerProvider implements IdentityNamerProvider {
    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("pattern", "the name pattern, such as ci-{label:team}-{hmac:8}").asRequired()
                    .formerly("canary.naming.template"),
            NamerProviders.KEY);

    @Override
    public String name() {
        return "template";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public IdentityNamer create(CanaryConfig config) {
        TemplateNamer.Builder b = TemplateNamer.builder().template(config.requireString("pattern"));
        Secret key = config.getSecret("key");
        if (key != null) {
            b.key(key);
        }
        return b.build();
    }
}
