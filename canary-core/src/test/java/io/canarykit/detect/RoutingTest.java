package io.canarykit.detect;

import io.canarykit.Alert;
import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.MutableClock;
import io.canarykit.alert.AlertRoute;
import io.canarykit.config.CanaryConfig;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.canarykit.detect.Canaries.T0;
import static io.canarykit.detect.Canaries.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing rules from configuration: the examples, and that an alert no rule matches still goes somewhere. */
class RoutingTest {
    private final InMemoryCanaryStore store = InMemoryCanaryStore.create();
    private final RecordingSink pager = new RecordingSink();
    private final RecordingSink chat = new RecordingSink();
    private final RecordingSink siem = new RecordingSink();
    private final ListDetector s3 = new ListDetector("cloudtrail-s3");

    private static final CanaryConfig CONFIG = CanaryConfig.of(Map.of(
            "canary.alert.route.finance-laptops.asset-kind", "laptop",
            "canary.alert.route.finance-laptops.label.team", "finance",
            "canary.alert.route.finance-laptops.sinks", "pagerduty,slack",
            "canary.alert.route.ci-scanners.asset-kind", "ci-runner",
            "canary.alert.route.ci-scanners.classification", "secret-scanner-verification",
            "canary.alert.route.ci-scanners.sinks", "slack",
            "canary.alert.default-sinks", "splunk-hec"));

    private DetectionEngine engine() {
        DetectionEngine.Builder b = DetectionEngine.builder().store(store).detector(s3)
                .alertSink("pagerduty", pager).alertSink("slack", chat).alertSink("splunk-hec", siem)
                .clock(new MutableClock(T0.plus(Duration.ofHours(3)))).defaultSinks(List.of("splunk-hec"));
        AlertRoute.fromConfig(CONFIG).forEach(b::route);
        return b.build();
    }

    private CanaryRecord canary(String name, String key, Asset asset) {
        return store.create(Canaries.iamUser(name, key, T0).toBuilder().asset(asset).build());
    }

    @Test
    void alertsGoWhereTheRulesSayAndUnmatchedOnesToTheDefault() {
        CanaryRecord finance = canary("fin", "AKIAQRSTUVWXYZ2345F1", Asset.of("laptop", "LT-1").withLabel("team", "finance"));
        CanaryRecord ciScanned = canary("ci1", "AKIAQRSTUVWXYZ2345C1", Asset.of("ci-runner", "runner-1"));
        CanaryRecord ciUsed = canary("ci2", "AKIAQRSTUVWXYZ2345C2", Asset.of("ci-runner", "runner-2"));
        s3.add(call("cloudtrail-s3", "f", T0.plusSeconds(3600), finance).build());
        s3.add(call("cloudtrail-s3", "c1", T0.plusSeconds(3600), ciScanned).service("sts.amazonaws.com")
                .call("GetCallerIdentity").errorCode(null).build());
        s3.add(call("cloudtrail-s3", "c2", T0.plusSeconds(3600), ciUsed).build());

        engine().runOnce();

        assertThat(pager.alerts).extracting(a -> a.canary().id()).containsExactly(finance.id());
        assertThat(chat.alerts).extracting(a -> a.canary().id()).containsExactlyInAnyOrder(finance.id(), ciScanned.id());
        assertThat(siem.alerts).as("matched by no rule: the default, never dropped").extracting(a -> a.canary().id())
                .containsExactly(ciUsed.id());
        assertThat(chat.alerts).filteredOn(a -> a.canary().id().equals(ciScanned.id())).extracting(Alert::classification)
                .allSatisfy(c -> assertThat(c.kind().configName()).isEqualTo("secret-scanner-verification"));
    }

    @Test
    void mistakesInRulesAreReportedWhenTheEngineIsBuilt() {
        assertThatThrownBy(() -> AlertRoute.fromConfig(CanaryConfig.of(Map.of("canary.alert.route.x.asset-knd", "laptop",
                "canary.alert.route.x.sinks", "slack")))).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.alert.route.x.asset-knd");
        assertThatThrownBy(() -> AlertRoute.fromConfig(CanaryConfig.of(Map.of("canary.alert.route.x.classification",
                "scanner")))).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("secret-scanner-verification");
        assertThatThrownBy(() -> AlertRoute.fromConfig(CanaryConfig.of(Map.of("canary.alert.route.x.asset-kind", "laptop"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("canary.alert.route.x.sinks");
        AlertRoute toNowhere = AlertRoute.fromConfig(CanaryConfig.of(Map.of("canary.alert.route.x.sinks", "teams"))).get(0);
        assertThatThrownBy(() -> DetectionEngine.builder().store(store).alertSink("slack", chat).route(toNowhere).build())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("'teams'");
    }
}
