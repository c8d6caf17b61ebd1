package io.canarykit.placement;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The readers the secret-store placements use: numbers, durations, maps, strict provider settings, tell-tale names. */
class PlacementOptionsSettingsTest {
    @Test
    void numbersDurationsAndMapsWithClearErrors() {
        PlacementOptions o = PlacementOptions.of("p", Map.of("tags", "k=v, k2 = v2", "n", "9", "wait", "2m"),
                Set.of("tags", "n", "wait"));
        assertThat(o.map("tags")).containsExactly(Map.entry("k", "v"), Map.entry("k2", "v2"));
        assertThat(o.integer("n", 1, 1, 10)).isEqualTo(9);
        assertThat(o.duration("wait", Duration.ofSeconds(5))).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.has("n")).isTrue();
        assertThat(o.has("missing")).isFalse();
        assertThatThrownBy(() -> o.integer("n", 20, 10, 30)).hasMessage("placement p option n: '9' is not valid; "
                + "expected a whole number from 10 to 30");
        PlacementOptions bad = PlacementOptions.of("p", Map.of("tags", "novalue"), Set.of("tags"));
        assertThatThrownBy(() -> bad.map("tags")).hasMessageContaining("key=value pairs");
    }

    @Test
    void defaultsApplyOnlyToAbsentOrBlankOptions() {
        PlacementOptions o = PlacementOptions.of("p", Map.of("n", "1_000", "blank", " ", "wait", "30s"),
                Set.of("n", "blank", "wait", "missing"));
        assertThat(o.integer("n", 7, 1, 5000)).isEqualTo(1000);
        assertThat(o.integer("missing", 7, 1, 5000)).isEqualTo(7);
        assertThat(o.integer("blank", 7, 1, 5000)).isEqualTo(7);
        assertThat(o.duration("wait", Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.duration("missing", Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.duration("blank", Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void optionalNumbersAndDurationsAreNullWhenAbsentAndCheckedWhenGiven() {
        PlacementOptions o = PlacementOptions.of("p", Map.of("n", "9", "blank", "", "wait", "2m", "bad", "soon"),
                Set.of("n", "blank", "wait", "bad", "missing"));
        assertThat(o.optionalInteger("n", 1, 10)).isEqualTo(9);
        assertThat(o.optionalInteger("missing", 1, 10)).isNull();
        assertThat(o.optionalInteger("blank", 1, 10)).isNull();
        assertThatThrownBy(() -> o.optionalInteger("n", 10, 30)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessage("placement p option n: '9' is not valid; expected a whole number from 10 to 30");
        assertThat(o.optionalDuration("wait")).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.optionalDuration("missing")).isNull();
        assertThat(o.optionalDuration("blank")).isNull();
        assertThatThrownBy(() -> o.optionalDuration("bad")).isInstanceOf(CanaryConfigurationException.class)
                .hasMessage("placement p option bad: 'soon' is not valid; expected a duration such as 500ms, 30s or 2m");
    }

    @Test
    void aNullDefaultIsRefusedAndNamesTheOptionalReader() {
        PlacementOptions o = PlacementOptions.of("p", Map.of("n", "9", "wait", "2m"), Set.of("n", "wait"));
        // refused even when the option is set: the caller's bug shows on the first call, not when the option is absent
        assertThatThrownBy(() -> o.integer("n", null, 1, 10)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("optionalInteger(key, min, max)");
        assertThatThrownBy(() -> o.duration("wait", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("optionalDuration(key)");
    }

    @Test
    void strictSettingsSkipTheRequestsOptionsAndRefuseAnythingElse() {
        CanaryConfig scoped = CanaryConfig.of(Map.of("region", "us-east-2", "name", "request-option"));
        PlacementOptions s = PlacementOptions.strictSettings("p", scoped, Set.of("region"), Set.of("name"));
        assertThat(s.get("region")).isEqualTo("us-east-2");
        assertThat(s.get("name")).isNull();
        assertThatThrownBy(() -> PlacementOptions.strictSettings("p", scoped.with("regoin", "x"), Set.of("region"),
                Set.of("name"))).isInstanceOf(CanaryConfigurationException.class)
                .hasMessage("placement p does not know the setting(s) regoin (did you mean region?) under "
                        + "canary.placement.p.; known settings: region");
        assertThatThrownBy(() -> s.integer("region", 1, 1, 2)).hasMessageStartingWith("placement p setting region:");
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
