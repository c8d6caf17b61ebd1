package io.canarykit.examples.demo;

import io.canarykit.aws.detect.AccessKeyLastUsedDetector;
import io.canarykit.aws.detect.CloudTrailLookupDetector;
import io.canarykit.aws.detect.CloudTrailS3Detector;
import io.canarykit.aws.detect.CredentialReportDetector;
import io.canarykit.detect.Detector;
import io.canarykit.testkit.aws.AwsEmulator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;

import java.time.Duration;
import java.util.List;

/** The detectors the demo runs: every CloudTrail channel plus the safety net for calls CloudTrail never logs. */
final class DemoDetectors {
    private DemoDetectors() {
    }

    /** LookupEvents, the S3 trail logs and the credential report, against the emulator. */
    static List<Detector> emulated(AwsEmulator aws) {
        return List.of(
                CloudTrailLookupDetector.builder()
                        .client(region -> aws.client(CloudTrailClient.builder(), aws.adminCredentials(), Region.of(region)))
                        .regions(List.of("us-east-1"))
                        .build(),
                CloudTrailS3Detector.builder().s3Client(aws.s3()).bucket(aws.trailBucket()).build(),
                CredentialReportDetector.builder().client(aws.iam()).generationPoll(Duration.ofMillis(50)).build());
    }

    /** LookupEvents in us-east-1 and last-used polling, against a real account. */
    static List<Detector> aws(AwsCredentialsProvider credentials) {
        IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        return List.of(
                CloudTrailLookupDetector.builder()
                        .client(region -> CloudTrailClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                                .httpClientBuilder(UrlConnectionHttpClient.builder()).build())
                        .regions(List.of("us-east-1"))
                        .build(),
                AccessKeyLastUsedDetector.builder().client(iam).build());
    }
}
