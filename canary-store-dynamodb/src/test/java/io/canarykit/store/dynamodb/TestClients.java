package io.canarykit.store.dynamodb;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/** DynamoDB clients for tests: explicit HTTP client, region, endpoint, dummy credentials and retry strategy. */
final class TestClients {
    private static final AtomicInteger TABLES = new AtomicInteger();

    private TestClients() {
    }

    /** A client for dynalite (or {@code DYNAMODB_ENDPOINT}), retrying at most twice more. */
    static DynamoDbClient dynalite(ExecutionInterceptor... interceptors) {
        return client(Dynalite.endpoint(), AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build(),
                interceptors);
    }

    /** A client for a stub server that never retries, so a test sees exactly one attempt. */
    static DynamoDbClient noRetries(URI endpoint, ExecutionInterceptor... interceptors) {
        return client(endpoint, AwsRetryStrategy.doNotRetry(), interceptors);
    }

    private static DynamoDbClient client(URI endpoint, RetryStrategy retry, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret")))
                .overrideConfiguration(o -> {
                    o.retryStrategy(retry);
                    for (ExecutionInterceptor i : interceptors) {
                        o.addExecutionInterceptor(i);
                    }
                })
                .build();
    }

    /** A table name no other test uses in this JVM. */
    static String freshTableName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + TABLES.incrementAndGet();
    }
}
