package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code device-token}: {@code canary.api.authenticator.device-token.enrollment-key} (at least 32 characters).
 *
 * @since 0.1.0
 */
public final class DeviceTokenAuthenticatorProvider implements CallerAuthenticatorProvider {
    /** For ServiceLoader. */
    public DeviceTokenAuthenticatorProvider() {
    }

    @Override
    public String name() {
        return "device-token";
    }

    @Override
    public CallerAuthenticator create(AuthenticatorContext context) {
        CanaryConfig c = context.config();
        checkKeys(c, name(), Set.of("enrollment-key"));
        Secret enrollmentKey = c.getSecret("enrollment-key");
        if (enrollmentKey == null) {
            throw new CanaryConfigurationException("canary.api.authenticator.device-token.enrollment-key is required "
                    + "(openssl rand -hex 32): enrollment tokens are signed with it");
        }
        return DeviceTokenAuthenticator.builder().enrollmentKey(enrollmentKey)
                .clock(context.clock()).replayGuard(context.replayGuard()).store(context.store()).build();
    }

    static void checkKeys(CanaryConfig config, String name, Set<String> known) {
        for (String k : config.keys()) {
            if (!known.contains(k)) {
                throw new CanaryConfigurationException("unknown configuration key canary.api.authenticator." + name + "."
                        + k + "; known: " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }
}
