package io.canarykit.placement.secrets;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementProvider;

import java.util.Set;

/**
 * Provider {@code vault-kv}: a {@link VaultKvPlacement} configured by {@code canary.placement.vault-kv.*}:
 * {@code api-url} (Vault's address; default {@code VAULT_ADDR}), {@code token-file} or {@code token} (default
 * {@code VAULT_TOKEN}), {@code namespace} (default {@code VAULT_NAMESPACE}), {@code timeout}, {@code max-attempts},
 * {@code max-retry-wait}, {@code allow-http}. Unknown keys are refused.
 *
 * @since 0.1.0
 */
public final class VaultKvPlacementProvider implements PlacementProvider {
    static final ApiSettings.Service SERVICE = new ApiSettings.Service("Vault", null, new String[] {"VAULT_ADDR"},
            new String[] {"VAULT_TOKEN"}, "X-Vault-Token", "");
    private static final ConfigKeys KEYS = ApiSettings.CONFIG_KEYS.and(
            ConfigKey.string("namespace", "the Vault Enterprise namespace (default: VAULT_NAMESPACE)"));
    private static final Set<String> SETTINGS = ApiSettings.names(KEYS);

    /** For {@link java.util.ServiceLoader}. */
    public VaultKvPlacementProvider() {
    }

    @Override
    public String name() {
        return VaultKvPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return create(config, PlacementEnvironment.system());
    }

    static Placement create(CanaryConfig config, PlacementEnvironment env) {
        PlacementOptions s = PlacementOptions.strictSettings(VaultKvPlacement.NAME, config, SETTINGS, VaultKvPlacement.OPTIONS);
        String namespace = s.get("namespace");
        if (namespace == null) {
            namespace = env.variable("VAULT_NAMESPACE");
        }
        return VaultKvPlacement.builder().connection(ApiSettings.client(VaultKvPlacement.NAME, SERVICE, s, env))
                .namespace(namespace).build();
    }
}
