package io.canarykit.internal;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlacementOptionsTest {
    @Test
    void unknownOptionsAreRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> PlacementOptions.of("p", Map.of("nmae", "x"), Set.of("name", "tags")))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessage("placement p does not know the option key nmae; known: name, tags");
        PlacementOptions o = PlacementOptions.of("p", Map.of("name", " a ", "tags", "k=v, k2 = v2", "n", "9"),
                Set.of("name", "tags", "n"));
        assertThat(o.get("name")).isEqualTo("a");
        assertThat(o.map("tags")).containsExactly(Map.entry("k", "v"), Map.entry("k2", "v2"));
        assertThat(o.integer("n", null, 1, 10)).isEqualTo(9);
        assertThatThrownBy(() -> o.integer("n", null, 10, 30)).hasMessageContaining("from 10 to 30");
        assertThatThrownBy(() -> o.require("missing", "a hint")).hasMessage("placement p needs the option missing: a hint");
    }

    @Test
    void settingsComeFromTheirPrefixOrFromAScopedConfigurationBesideTheRequestsOptions() {
        CanaryConfig whole = CanaryConfig.of(Map.of("canary.placement.p.region", "eu-west-1", "canary.store", "jdbc",
                "canary.placement.other.x", "y"));
        assertThat(PlacementOptions.settings("p", whole, Set.of("region"), Set.of()).get("region")).isEqualTo("eu-west-1");
        assertThatThrownBy(() -> PlacementOptions.settings("p", whole.with("canary.placement.p.regoin", "x"),
                Set.of("region"), Set.of())).hasMessageContaining("canary.placement.p.*").hasMessageContaining("regoin");
        CanaryConfig scoped = CanaryConfig.of(Map.of("region", "us-east-2", "name", "request-option"));
        assertThat(PlacementOptions.settings("p", scoped, Set.of("region"), Set.of("name")).get("region")).isEqualTo("us-east-2");
        assertThatThrownBy(() -> PlacementOptions.settings("p", scoped, Set.of("region"), Set.of()))
                .hasMessageContaining("name");
    }

    @Test
    void namesThatGiveTheCanaryAwayAreRefusedAndOrdinaryOnesPass() {
        PlacementOptions o = PlacementOptions.of("p", Map.of(), Set.of());
        for (String bad : new String[] {"prod/canary-aws", "HONEY_AWS_ACCESS_KEY_ID", "decoy", "ci/trap/aws",
                "fake-credentials", "canarytokens.com@@abc", "id-0f8fad5b-d9cb-469f-a165-70867728950e"}) {
            assertThatThrownBy(() -> o.requirePlausible("secret name", bad)).as(bad)
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("would give the canary away");
        }
        for (String ok : new String[] {"prod/billing/aws-credentials", "AWS_ACCESS_KEY_ID", "test/aws", "bootstrap", null}) {
            o.requirePlausible("secret name", ok);
        }
    }

    @Test
    void secretLookingValuesAreNeverEchoed() {
        PlacementOptions o = PlacementOptions.of("p", Map.of("token-limit", "sEcReT-VaLuE"), Set.of("token-limit"));
        assertThatThrownBy(() -> o.integer("token-limit", 1, 1, 2)).hasMessageNotContaining("sEcReT-VaLuE")
                .hasMessageContaining("its value");
    }
}
