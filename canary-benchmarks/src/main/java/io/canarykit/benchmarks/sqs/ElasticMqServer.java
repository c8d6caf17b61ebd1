package io.canarykit.benchmarks.sqs;

import io.canarykit.testkit.sqs.EmbeddedSqs;

/**
 * ElasticMQ in a JVM of its own for {@link SqsConsumerBenchmark}: prints its endpoint, stops when stdin closes.
 *
 * @since 0.1.0
 */
public final class ElasticMqServer {
    private ElasticMqServer() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            System.out.println(sqs.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the benchmark to close our stdin
            }
        }
        System.exit(0);
    }
}
