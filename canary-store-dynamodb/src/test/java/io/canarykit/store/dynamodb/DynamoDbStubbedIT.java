package io.canarykit.store.dynamodb;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.StaleVersionException;
import io.canarykit.testkit.store.CanaryFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What dynalite cannot show: DynamoDB's error answers (throttling, 5xx, validation, access), the old item that real
 * DynamoDB returns with a failed condition, {@code UnprocessedKeys}, a table that takes time to become active, and
 * {@code UpdateTimeToLive}. WireMock answers as DynamoDB does (AWS JSON 1.0); the client never retries.
 */
class DynamoDbStubbedIT {
    private static final String TABLE = "canaries";
    private static WireMockServer wm;
    private DynamoDbClient client;
    private DynamoDbCanaryStore store;
    private final CanaryFixtures fixtures = new CanaryFixtures(3);

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(options().dynamicPort());
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @BeforeEach
    void connect() {
        wm.resetAll();
        client = TestClients.noRetries(URI.create(wm.baseUrl()));
        store = DynamoDbCanaryStore.builder().client(client).tableName(TABLE).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static MappingBuilder op(String operation) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("DynamoDB_20120810." + operation));
    }

    private static ResponseDefinitionBuilder ok(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(json);
    }

    private static ResponseDefinitionBuilder error(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + code + "\",\"message\":\"" + message + "\"}");
    }

    private int requests(String operation) {
        return wm.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("DynamoDB_20120810." + operation))).size();
    }

    // ---------------------------------------------------------------- error mapping

    @Test
    void throttlingAndServerErrorsAreRetryable() {
        for (ResponseDefinitionBuilder answer : new ResponseDefinitionBuilder[] {
                error(400, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded."),
                error(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput."),
                error(400, "RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account."),
                error(500, "InternalServerError", "Internal server error"),
                aResponse().withStatus(503).withBody("")}) {
            wm.resetAll();
            wm.stubFor(op("GetItem").willReturn(answer));
            assertThatThrownBy(() -> store.find(fixtures.active().id()))
                    .isInstanceOfSatisfying(CanaryStoreException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("DynamoDB GetItem on table canaries failed");
        }
    }

    @Test
    void refusedRequestsAreNotRetryableAndSayWhatToCheck() {
        wm.stubFor(op("PutItem").willReturn(error(400, "ValidationException", "One or more parameter values were invalid")));
        assertThatThrownBy(() -> store.create(fixtures.active()))
                .isInstanceOfSatisfying(CanaryStoreException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("ValidationException").hasMessageContaining("canarykit layout");

        wm.stubFor(op("Query").willReturn(error(400, "AccessDeniedException", "User is not authorized to perform: dynamodb:Query")));
        assertThatThrownBy(() -> store.countLive(CanaryFixtures.ACCOUNT))
                .isInstanceOfSatisfying(CanaryStoreException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("not authorized").hasMessageContaining("credentials and permissions");

        wm.stubFor(op("GetItem").willReturn(error(400, "ResourceNotFoundException", "Requested resource not found")));
        assertThatThrownBy(() -> store.checkpoint("k"))
                .isInstanceOfSatisfying(CanaryStoreException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("table canaries does not exist").hasMessageContaining("TABLE.md");
    }

    @Test
    void anUnreachableEndpointIsRetryable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (DynamoDbClient nowhere = TestClients.noRetries(URI.create("http://127.0.0.1:" + port))) {
            DynamoDbCanaryStore s = DynamoDbCanaryStore.builder().client(nowhere).tableName(TABLE).build();
            assertThatThrownBy(() -> s.saveCheckpoint("k", "v"))
                    .isInstanceOfSatisfying(CanaryStoreException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("could not reach DynamoDB");
        }
    }

    // ---------------------------------------------------------------- what real DynamoDB returns with a failed condition

    @Test
    void aStaleUpdateUsesTheOldItemDynamoDbReturnsWithoutReadingAgain() {
        CanaryRecord v5 = fixtures.active().withVersion(5);
        wm.stubFor(op("PutItem").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                        + "\"message\":\"The conditional request failed\",\"Item\":"
                        + DynamoJson.item(ItemCodec.canaryItem(v5, Instant.now(), null)) + "}")));

        assertThatThrownBy(() -> store.update(v5.withVersion(3))).isInstanceOf(StaleVersionException.class)
                .hasMessageContaining("expected version 3, found version 5");
        assertThat(requests("GetItem")).isZero();
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath("$.ReturnValuesOnConditionCheckFailure", equalTo("ALL_OLD")))
                .withRequestBody(matchingJsonPath("$.ConditionExpression", equalTo("#v = :v")))
                .withRequestBody(matchingJsonPath("$.ExpressionAttributeValues[':v'].N", equalTo("3"))))).hasSize(1);
    }

    @Test
    void aFailedConditionWithoutTheOldItemReadsItToTellMissingFromStale() {
        wm.stubFor(op("PutItem").willReturn(error(400, "ConditionalCheckFailedException", "The conditional request failed")));
        wm.stubFor(op("GetItem").willReturn(ok("{}")));
        assertThatThrownBy(() -> store.update(fixtures.active().withVersion(1))).isInstanceOf(CanaryNotFoundException.class);
        assertThat(requests("GetItem")).isEqualTo(1);
    }

    @Test
    void aDuplicateSightingUsesTheEventItemDynamoDbReturns() {
        CanaryRecord c = fixtures.active();
        Sighting s = fixtures.sighting(c, "evt-9", CanaryFixtures.BASE);
        String failed = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                + "\"message\":\"The conditional request failed\"";
        wm.stubFor(op("PutItem").withRequestBody(matchingJsonPath("$.Item.pk.S", containing("E#")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody(failed + ",\"Item\":" + DynamoJson.item(ItemCodec.eventItem(s, Instant.now())) + "}")));
        wm.stubFor(op("PutItem").withRequestBody(matchingJsonPath("$.Item.pk.S", containing("C#")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody(failed + "}")));

        assertThat(store.addSighting(s)).isFalse();
        assertThat(requests("PutItem")).isEqualTo(2);
        assertThat(requests("GetItem")).isZero();
    }

    // ---------------------------------------------------------------- unprocessed keys

    @Test
    void unprocessedKeysAreReadAgainWithBackoff() {
        CanaryRecord r = fixtures.active().withVersion(1);
        String key = DynamoJson.item(ItemCodec.canaryKey(r.id()));
        wm.stubFor(op("Query").willReturn(ok("{\"Count\":1,\"ScannedCount\":1,\"Items\":[" + key + "]}")));
        wm.stubFor(op("BatchGetItem").inScenario("unprocessed").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(ok("{\"Responses\":{\"canaries\":[]},\"UnprocessedKeys\":{\"canaries\":{\"Keys\":[" + key
                        + "],\"ConsistentRead\":true}}}"))
                .willSetStateTo("second"));
        wm.stubFor(op("BatchGetItem").inScenario("unprocessed").whenScenarioStateIs("second")
                .willReturn(ok("{\"Responses\":{\"canaries\":[" + DynamoJson.item(ItemCodec.canaryItem(r, Instant.now(), null))
                        + "]},\"UnprocessedKeys\":{}}")));

        assertThat(store.findByAccessKeyId(r.accessKeyId())).containsExactly(r);
        assertThat(requests("BatchGetItem")).isEqualTo(2);
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath("$.RequestItems.canaries.ConsistentRead", equalTo("true"))))).hasSize(2);
    }

    @Test
    void keysThatStayUnprocessedEndInARetryableError() {
        CanaryRecord r = fixtures.active();
        String key = DynamoJson.item(ItemCodec.canaryKey(r.id()));
        wm.stubFor(op("Query").willReturn(ok("{\"Count\":1,\"Items\":[" + key + "]}")));
        wm.stubFor(op("BatchGetItem").willReturn(ok("{\"Responses\":{},\"UnprocessedKeys\":{\"canaries\":{\"Keys\":["
                + key + "]}}}")));
        assertThatThrownBy(() -> store.findByPrincipalName(r.principal().name()))
                .isInstanceOfSatisfying(CanaryStoreException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("unprocessed");
        assertThat(requests("BatchGetItem")).isEqualTo(DynamoDbCanaryStore.BATCH_GET_ROUNDS);
    }

    // ---------------------------------------------------------------- table creation and TTL

    @Test
    void createTableIfMissingCreatesOnDemandAndPollsUntilTableAndIndexesAreActive() {
        String creating = "{\"Table\":{\"TableName\":\"canaries\",\"TableStatus\":\"CREATING\"}}";
        String indexCreating = "{\"Table\":{\"TableName\":\"canaries\",\"TableStatus\":\"ACTIVE\","
                + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"byAccessKey\",\"IndexStatus\":\"CREATING\"}]}}";
        String active = "{\"Table\":{\"TableName\":\"canaries\",\"TableStatus\":\"ACTIVE\","
                + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"byAccessKey\",\"IndexStatus\":\"ACTIVE\"}]}}";
        wm.stubFor(op("DescribeTable").inScenario("create").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(400, "ResourceNotFoundException", "Requested resource not found: Table: canaries not found"))
                .willSetStateTo("1"));
        wm.stubFor(op("DescribeTable").inScenario("create").whenScenarioStateIs("1")
                .willReturn(ok(creating)).willSetStateTo("2"));
        wm.stubFor(op("DescribeTable").inScenario("create").whenScenarioStateIs("2")
                .willReturn(ok(indexCreating)).willSetStateTo("3"));
        wm.stubFor(op("DescribeTable").inScenario("create").whenScenarioStateIs("3").willReturn(ok(active)));
        wm.stubFor(op("CreateTable").willReturn(ok("{\"TableDescription\":{\"TableName\":\"canaries\",\"TableStatus\":\"CREATING\"}}")));

        assertThat(DynamoDbCanaryTable.createTableIfMissing(client, TABLE)).isTrue();
        assertThat(requests("DescribeTable")).isEqualTo(4);
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.CreateTable"))
                .withRequestBody(matchingJsonPath("$.BillingMode", equalTo("PAY_PER_REQUEST")))
                .withRequestBody(matchingJsonPath("$.GlobalSecondaryIndexes.length()", equalTo("5")))
                .withRequestBody(matchingJsonPath("$.GlobalSecondaryIndexes[?(@.IndexName == 'byAccount')].Projection.NonKeyAttributes[0]", equalTo("status")))))
                .hasSize(1);
    }

    @Test
    void aTableThatNeverBecomesActiveEndsInARetryableTimeout() {
        wm.stubFor(op("DescribeTable").willReturn(ok("{\"Table\":{\"TableName\":\"canaries\",\"TableStatus\":\"CREATING\","
                + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
                + "\"GlobalSecondaryIndexes\":" + indexesJson() + "}}")));
        assertThatThrownBy(() -> DynamoDbCanaryTable.createTableIfMissing(client, TABLE, Duration.ofMillis(10), Duration.ofMillis(200)))
                .isInstanceOfSatisfying(CanaryStoreException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("not active after");
        assertThat(requests("CreateTable")).isZero();
    }

    private static String indexesJson() {
        StringBuilder sb = new StringBuilder("[");
        String sep = "";
        for (var gsi : DynamoDbCanaryTable.createTableRequest(TABLE).globalSecondaryIndexes()) {
            sb.append(sep).append("{\"IndexName\":\"").append(gsi.indexName()).append("\",\"IndexStatus\":\"ACTIVE\",\"KeySchema\":[")
                    .append("{\"AttributeName\":\"").append(gsi.keySchema().get(0).attributeName()).append("\",\"KeyType\":\"HASH\"},")
                    .append("{\"AttributeName\":\"").append(gsi.keySchema().get(1).attributeName()).append("\",\"KeyType\":\"RANGE\"}]}");
            sep = ",";
        }
        return sb.append("]").toString();
    }

    @Test
    void enableTimeToLiveTurnsItOnOnceOnTheTtlAttribute() {
        wm.stubFor(op("DescribeTimeToLive").inScenario("ttl").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(ok("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":\"DISABLED\"}}")));
        wm.stubFor(op("UpdateTimeToLive").inScenario("ttl")
                .willReturn(ok("{\"TimeToLiveSpecification\":{\"AttributeName\":\"ttl\",\"Enabled\":true}}"))
                .willSetStateTo("on"));
        wm.stubFor(op("DescribeTimeToLive").inScenario("ttl").whenScenarioStateIs("on")
                .willReturn(ok("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":\"ENABLED\",\"AttributeName\":\"ttl\"}}")));

        assertThat(DynamoDbCanaryTable.enableTimeToLive(client, TABLE)).isTrue();
        assertThat(DynamoDbCanaryTable.enableTimeToLive(client, TABLE)).isFalse();
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath("$.TimeToLiveSpecification.AttributeName", equalTo("ttl")))
                .withRequestBody(matchingJsonPath("$.TimeToLiveSpecification.Enabled", equalTo("true"))))).hasSize(1);
    }

    @Test
    void timeToLiveOnAnotherAttributeIsAConfigurationError() {
        wm.stubFor(op("DescribeTimeToLive").willReturn(
                ok("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":\"ENABLED\",\"AttributeName\":\"expires\"}}")));
        assertThatThrownBy(() -> DynamoDbCanaryTable.enableTimeToLive(client, TABLE))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("'expires'");
        assertThat(requests("UpdateTimeToLive")).isZero();
    }
}
