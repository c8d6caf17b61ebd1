package io.canarykit.testkit.sqs;

import io.canarykit.testkit.internal.ClassPathReads;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real SQS-compatible server for tests, embedded on the JVM: ElasticMQ ({@code org.elasticmq:elasticmq-rest-sqs_2.13},
 * an optional dependency your test adds, with {@code software.amazon.awssdk:sqs}) on a free port of 127.0.0.1, in
 * memory, stopped by {@link #close()} (and at JVM exit if a test forgot). The real SDK {@link SqsClient} talks to it
 * over HTTP; queues, visibility timeouts, receive counts and redrive policies behave as SQS's do.
 *
 * <pre>{@code
 * try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
 *     String dlq = sqs.createQueue("trail-dlq", Duration.ofSeconds(30));
 *     String queue = sqs.createQueue("trail", Duration.ofSeconds(30));
 *     sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody("{}"));
 * }
 * }</pre>
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class EmbeddedSqs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSqs.class);

    private final SQSRestServer server;
    private final int port;
    private final List<SqsClient> clients = new ArrayList<>();
    private final Thread hook;
    private volatile boolean stopped;

    private EmbeddedSqs(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
        this.hook = new Thread(this::stopServer, "embedded-sqs-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts a server on a free port of 127.0.0.1 and waits until it listens. */
    public static EmbeddedSqs start() {
        // ElasticMQ's Scala jars have no valid module name: on the module path they are on the class path
        ClassPathReads.read("org.elasticmq.rest.sqs.SQSRestServerBuilder", "EmbeddedSqs needs ElasticMQ: add"
                + " org.elasticmq:elasticmq-rest-sqs_2.13 to the test class path (not the module path: its Scala jars"
                + " have no valid module name)");
        int port = freePort();
        SQSRestServer server = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1")
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000").start();
        server.waitUntilStarted();
        LOG.debug("ElasticMQ listening on 127.0.0.1:{}", port);
        return new EmbeddedSqs(server, port);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** The endpoint to pass to {@code endpointOverride}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client for this server (us-east-1, dummy credentials, URL-connection HTTP, no retries); closed with it. */
    public synchronized SqsClient client() {
        SqsClient c = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        clients.add(c);
        return c;
    }

    /** Creates a queue with this default visibility timeout; returns its URL. */
    public String createQueue(String name, Duration visibilityTimeout) {
        return createQueue(name, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT,
                Long.toString(visibilityTimeout.toSeconds())));
    }

    /**
     * Creates a queue whose messages move to {@code deadLetterQueueUrl} after {@code maxReceiveCount} receives (SQS's
     * own redrive policy); returns its URL.
     */
    public String createQueue(String name, Duration visibilityTimeout, String deadLetterQueueUrl, int maxReceiveCount) {
        String arn = queueArn(deadLetterQueueUrl);
        Map<QueueAttributeName, String> attrs = new LinkedHashMap<>();
        attrs.put(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilityTimeout.toSeconds()));
        attrs.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn
                + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}");
        return createQueue(name, attrs);
    }

    /** Creates a queue with these attributes; returns its URL. */
    public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        Objects.requireNonNull(name, "name");
        SqsClient c = admin();
        return c.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    /** The queue's ARN. */
    public String queueArn(String queueUrl) {
        String arn = admin().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        if (arn == null) {
            throw new IllegalStateException("SQS returned no QueueArn for " + queueUrl);
        }
        return arn;
    }

    /** Messages waiting (visible) plus in flight (received, not deleted). */
    public long depth(String queueUrl) {
        Map<QueueAttributeName, String> a = admin().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
    }

    private @Nullable SqsClient admin;

    private synchronized SqsClient admin() {
        if (admin == null) {
            admin = client();
        }
        return admin;
    }

    private void stopServer() {
        if (!stopped) {
            stopped = true;
            try {
                server.stopAndWait();
            } catch (RuntimeException e) {
                LOG.debug("stopping ElasticMQ failed", e);
            }
        }
    }

    /** Closes the clients and stops the server. */
    @Override
    public synchronized void close() {
        clients.forEach(SqsClient::close);
        clients.clear();
        stopServer();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    @Override
    public String toString() {
        return "EmbeddedSqs[" + endpoint() + "]";
    }
}
