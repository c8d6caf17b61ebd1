package io.canarykit.aws.placement;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementProvider;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Provider {@code ssm-parameter}: an {@link SsmParameterPlacement} with a client built from
 * {@code canary.placement.ssm-parameter.*}: {@code region} (default: {@code AWS_REGION} and the SDK's region chain),
 * {@code endpoint}, {@code profile} or {@code access-key-id}/{@code secret-access-key}/{@code session-token}
 * (default: the SDK's credential chain), {@code retry-mode}, {@code max-attempts}, {@code api-call-timeout}. Unknown
 * keys are refused.
 *
 * @since 0.1.0
 */
public final class SsmParameterPlacementProvider implements PlacementProvider {
    /** For {@link java.util.ServiceLoader}. */
    public SsmParameterPlacementProvider() {
    }

    @Override
    public String name() {
        return SsmParameterPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return StoredValues.CLIENT_KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        PlacementOptions s = PlacementOptions.strictSettings(SsmParameterPlacement.NAME, config,
                StoredValues.CLIENT_SETTINGS, SsmParameterPlacement.OPTIONS);
        return SsmParameterPlacement.builder()
                .ownedClient(StoredValues.client(SsmParameterPlacement.NAME, SsmClient.builder(), s)).build();
    }
}
