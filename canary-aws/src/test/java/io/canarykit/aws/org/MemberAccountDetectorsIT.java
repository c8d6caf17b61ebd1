package io.canarykit.aws.org;

import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static io.canarykit.aws.org.OrgEmulator.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LookupEvents and last-used data read inside each canary's own member account, through the organisation role,
 * with the detectors built by name from properties ({@code role-name}).
 */
class MemberAccountDetectorsIT {

    @Test
    void lookupAndLastUsedReachEachCanarysAccountThroughTheRole() {
        InMemoryCanaryStore store = InMemoryCanaryStore.create();
        try (AwsEmulator aws = OrgEmulator.start(Clock.systemUTC(), null)) {
            EventBridgeSqsDetectorIT.SqsFixtureLite f = new EventBridgeSqsDetectorIT.SqsFixtureLite(aws, store);
            SqsFixture.Canary a = f.canary(PROD_A, "lookup-a");
            SqsFixture.Canary dev = f.canary(DEV, "quiet-dev");
            f.use(a); // logged: found by LookupEvents in PROD_A
            try {
                aws.client(SqsClient.builder(), dev.key()).listQueues(); // never logged: only last-used data shows it
            } catch (AwsServiceException ignored) {
                // denied or not, it is not logged
            }
            EmulatedCredentials central = aws.adminCredentials(MANAGEMENT);
            CanaryConfig c = CanaryConfig.of(Map.of("endpoint", aws.endpoint().toString(),
                    "access-key-id", central.accessKeyId(), "secret-access-key", central.secretAccessKey().reveal(),
                    "role-name", ROLE, "regions", "us-east-1", "pace", "1ms"));
            ProviderRegistry<Detector, DetectorProvider> registry = ProviderRegistry.load(DetectorProvider.class);
            // judged half an hour later: past the safety net's delivery grace for the unlogged use
            DetectionSummary s = DetectionEngine.builder().store(store)
                    .clock(Clock.offset(Clock.systemUTC(), java.time.Duration.ofMinutes(30)))
                    .detectors(List.of(registry.provider("cloudtrail-lookup").create(c),
                            registry.provider("access-key-last-used").create(c)))
                    .build().runOnce();
            assertThat(s.failures()).isEmpty();
            assertThat(store.sightings(a.record().id())).extracting(Sighting::source).contains("cloudtrail-lookup");
            assertThat(store.sightings(dev.record().id())).extracting(Sighting::kind).containsExactly(SightingKind.UNLOGGED_USE);
            assertThat(aws.sessions()).filteredOn(x -> x.principalArn().contains("/" + ROLE + "/"))
                    .extracting(x -> x.accountId()).contains(PROD_A, DEV).doesNotContain(PROD_B, SANDBOX);
        }
    }
}
