package io.canarykit.aws.org;

import io.canarykit.Sighting;
import io.canarykit.aws.detect.CloudTrailSqsDetector;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.ForwardingCanaryStore;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cloudtrail-sqs worker in a process of its own that dies ({@code Runtime.halt}, as {@code kill -9} would) right
 * after its {@code haltAfter}-th sighting was stored: in the middle of a file, before the message is deleted.
 *
 * <p>Arguments: sqs-endpoint queue-url aws-endpoint bucket access-key-id jdbc-url halt-after; the secret key on
 * standard input (never on the command line).
 */
public final class KilledWorkerMain {
    private KilledWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        String secret = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        int haltAfter = Integer.parseInt(args[6]);
        AtomicInteger stored = new AtomicInteger();
        CanaryStore store = new ForwardingCanaryStore(JdbcCanaryStore.open(args[5], "sa", null)) {
            @Override
            public boolean addSighting(Sighting sighting) {
                boolean added = super.addSighting(sighting);
                if (stored.incrementAndGet() == haltAfter) {
                    Runtime.getRuntime().halt(137);
                }
                return added;
            }
        };
        try (SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(args[0]))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             S3Client s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(args[2]))
                     .forcePathStyle(true).httpClientBuilder(UrlConnectionHttpClient.builder())
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[4], secret)))
                     .build()) {
            CloudTrailSqsDetector d = CloudTrailSqsDetector.builder().sqsClient(sqs).s3Client(s3).queueUrl(args[1])
                    .buckets(List.of(args[3])).consumers(1).waitTime(Duration.ofSeconds(1))
                    .visibilityTimeout(Duration.ofSeconds(3)).build();
            DetectionEngine.builder().store(store).detector(d).build().runOnce();
        }
        System.exit(3); // not killed: the file had fewer sightings than expected
    }
}
