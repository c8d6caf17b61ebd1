package io.canarykit.aws.placement;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementProvider;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.util.Set;

/**
 * Provider {@code aws-secrets-manager}: a {@link SecretsManagerPlacement} with a client built from
 * {@code canary.placement.aws-secrets-manager.*}: {@code region} (default: {@code AWS_REGION} and the SDK's region
 * chain), {@code endpoint}, {@code profile} or {@code access-key-id}/{@code secret-access-key}/{@code session-token}
 * (default: the SDK's credential chain), {@code retry-mode} ({@code standard} default, {@code adaptive},
 * {@code none}), {@code max-attempts} (default 4), {@code api-call-timeout}; and {@code recovery-window-days} (7-30,
 * or {@code 0} to delete without recovery; default AWS's 30). Unknown keys are refused.
 *
 * @since 0.1.0
 */
public final class SecretsManagerPlacementProvider implements PlacementProvider {
    private static final ConfigKeys KEYS = StoredValues.CLIENT_KEYS.and(ConfigKey.integer("recovery-window-days",
            "days a removed canary secret stays recoverable, 7-30, or 0 to delete without recovery (default: AWS's 30)"));
    private static final Set<String> SETTINGS = StoredValues.names(KEYS);

    /** For {@link java.util.ServiceLoader}. */
    public SecretsManagerPlacementProvider() {
    }

    @Override
    public String name() {
        return SecretsManagerPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        PlacementOptions s = PlacementOptions.strictSettings(SecretsManagerPlacement.NAME, config, SETTINGS,
                SecretsManagerPlacement.OPTIONS);
        SecretsManagerPlacement.Builder b = SecretsManagerPlacement.builder()
                .recoveryWindowDays(recoveryWindowDays(s));
        return b.ownedClient(StoredValues.client(SecretsManagerPlacement.NAME, SecretsManagerClient.builder(), s)).build();
    }

    /** {@code recovery-window-days}, or {@code null} (Secrets Manager's default window) when unset. */
    private static @Nullable Integer recoveryWindowDays(PlacementOptions s) {
        return s.optionalInteger("recovery-window-days", 0, 30);
    }
}
