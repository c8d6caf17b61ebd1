package io.canarykit.naming;

import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code template}. Configuration: {@code naming.template} (required, validated now), {@code naming.key}
 * (needed by {@code {hmac:N}}). {@link TemplateNamer#builder()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class TemplateNamerProvider implements IdentityNamerProvider {
    @Override
    public String name() {
        return "template";
    }

    @Override
    public IdentityNamer create(CanaryConfig config) {
        TemplateNamer.Builder b = TemplateNamer.builder().template(config.requireString("naming.template"));
        Secret key = NamerProviders.key(config);
        if (key != null) {
            b.key(key);
        }
        return b.build();
    }
}
