package io.canarykit.aws.detect;

import io.canarykit.Alert;
import io.canarykit.SightingClass;
import io.canarykit.SightingKind;
import io.canarykit.detect.DetectionEngine;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classifier on records made the way secret scanners make them, with the real SDK against the AWS emulator:
 * trufflehog's GetCallerIdentity (its own user agent), its check of keys of known canary accounts (an sns:Publish to
 * phone number "1", which CloudTrail does not log, seen through last-used data), and a first use that is only
 * GetCallerIdentity.
 */
class ScannerProbesIT {

    private static List<Alert> detect(DetectFixture f) {
        List<Alert> alerts = new ArrayList<>();
        AccessKeyLastUsedDetector lastUsed = AccessKeyLastUsedDetector.builder().client(f.aws.iam()).sleeper(d -> { }).build();
        CloudTrailS3Detector s3 = CloudTrailS3Detector.builder().s3Client(f.aws.s3()).bucket(f.aws.trailBucket()).build();
        DetectionEngine engine = DetectionEngine.builder().store(f.store).detector(s3).detector(lastUsed)
                .alertSink(alerts::add).clock(f.clock).build();
        f.clock.advance(Duration.ofMinutes(30));
        f.aws.deliverNow();
        engine.runOnce();
        return alerts;
    }

    @Test
    void trufflehogsVerificationCallIsASecretScannerVerifyingTheKey() {
        try (DetectFixture f = new DetectFixture()) {
            DetectFixture.Canary c = f.canary("deploy-bot");
            f.clock.advance(Duration.ofHours(1));
            try (StsClient trufflehog = f.aws.configure(StsClient.builder(), c.key(), Region.US_EAST_1)
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                            .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_PREFIX, "TruffleHog"))
                    .build()) {
                trufflehog.getCallerIdentity();
            }

            List<Alert> alerts = detect(f);

            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.sighting().userAgent()).contains("TruffleHog");
                assertThat(a.classification().kind()).isEqualTo(SightingClass.SECRET_SCANNER_VERIFICATION);
                assertThat(a.classification().evidence().get(0)).contains("TruffleHog");
            });
        }
    }

    @Test
    void theUnloggedSnsPublishOfTrufflehogsCanaryCheckIsSeenThroughLastUsedData() {
        try (DetectFixture f = new DetectFixture()) {
            DetectFixture.Canary c = f.canary("billing-ro");
            f.clock.advance(Duration.ofHours(1));
            SnsClient sns = f.aws.client(SnsClient.builder(), c.key());
            try {
                sns.publish(r -> r.message("foo").phoneNumber("1"));
            } catch (AwsServiceException expected) {
                // AuthorizationError naming the user: what trufflehog reads the ARN from
            }

            List<Alert> alerts = detect(f);

            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.sighting().kind()).isEqualTo(SightingKind.UNLOGGED_USE);
                assertThat(a.sighting().service()).isEqualTo("sns");
                assertThat(a.classification().kind()).isEqualTo(SightingClass.SECRET_SCANNER_VERIFICATION);
                assertThat(String.join(" ", a.classification().evidence())).contains("sns:Publish");
            });
        }
    }

    @Test
    void aFirstUseThatIsOnlyGetCallerIdentityIsClassedAsVerificationThenLaterCallsAsUse() {
        try (DetectFixture f = new DetectFixture()) {
            DetectFixture.Canary c = f.canary("ci-cache");
            f.clock.advance(Duration.ofHours(1));
            f.callerIdentity(c);
            List<Alert> first = detect(f);
            assertThat(first).singleElement().satisfies(a ->
                    assertThat(a.classification().kind()).isEqualTo(SightingClass.SECRET_SCANNER_VERIFICATION));
        }
    }
}
