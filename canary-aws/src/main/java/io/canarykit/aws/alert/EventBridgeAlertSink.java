package io.canarykit.aws.alert;

import io.canarykit.Alert;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.alert.AlertFormat;
import io.canarykit.alert.AlertJson;
import io.canarykit.alert.AlertSink;
import io.canarykit.alert.AlertSinkProvider;
import io.canarykit.alert.Delivery;
import io.canarykit.alert.DeliveryAttempt;
import io.canarykit.alert.DeliveryMessage;
import io.canarykit.alert.SuppressionDigest;
import io.canarykit.aws.account.AwsClients;
import io.canarykit.config.CanaryConfig;
import io.canarykit.metrics.AlertOutcome;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Puts each alert on an EventBridge bus (provider {@code eventbridge}) with {@code PutEvents}: source
 * {@value #SOURCE}, detail-type {@value #DETAIL_TYPE} ({@value #DIGEST_DETAIL_TYPE} for digests), the alert as
 * {@code detail} ({@code canary.alert.eventbridge.format}: canarykit, ocsf or ecs), the canary's principal ARN in
 * {@code resources}. A partial failure ({@code FailedEntryCount}) counts: throttling and internal failures are
 * retried by core's {@link Delivery}, other entry errors refused and kept in the spool.
 *
 * <p>Keys {@code canary.alert.eventbridge.*}: {@code bus} (default {@code default}, or an ARN), {@code region},
 * {@code endpoint}, credentials as the other AWS components, {@code format}, {@code max-attempts}, {@code backoff},
 * {@code max-backoff}, {@code spool-dir}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class EventBridgeAlertSink implements AlertSink {
    /** The events' source. */
    public static final String SOURCE = "canarykit";
    /** The detail-type of alerts. */
    public static final String DETAIL_TYPE = "Canary Alert";
    /** The detail-type of digests of suppressed sightings. */
    public static final String DIGEST_DETAIL_TYPE = "Canary Suppression Digest";
    private static final Set<String> RETRYABLE = Set.of("ThrottlingException", "InternalFailure", "InternalException");

    private final EventBridgeClient events;
    private final String bus;
    private final AlertFormat format;
    private final Delivery delivery;
    private final boolean ownsClient;

    private EventBridgeAlertSink(EventBridgeClient events, String bus, AlertFormat format, Delivery.Builder delivery,
                                 boolean owns) {
        this.events = Objects.requireNonNull(events, "events");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.format = Objects.requireNonNull(format, "format");
        this.ownsClient = owns;
        this.delivery = delivery.name("eventbridge (" + bus + ")").transport(this::put).build();
    }

    /**
     * A sink putting events on {@code bus} with your client.
     *
     * @param delivery the delivery options (attempts, backoff, spool); its name and transport are set here
     */
    public static EventBridgeAlertSink create(EventBridgeClient events, String bus, AlertFormat format,
                                              Delivery.Builder delivery) {
        return new EventBridgeAlertSink(events, bus, format, delivery, false);
    }

    private DeliveryAttempt put(DeliveryMessage m) {
        PutEventsRequestEntry.Builder e = PutEventsRequestEntry.builder().eventBusName(bus).source(SOURCE)
                .detailType(m.attributes().getOrDefault("detail-type", DETAIL_TYPE))
                .detail(new String(m.body(), StandardCharsets.UTF_8));
        if (m.attributes().containsKey("resource")) {
            e.resources(m.attributes().get("resource"));
        }
        if (m.attributes().containsKey("time")) {
            e.time(Instant.parse(m.attributes().get("time")));
        }
        try {
            PutEventsResponse r = events.putEvents(x -> x.entries(List.of(e.build())));
            if (r.failedEntryCount() == null || r.failedEntryCount() == 0) {
                return DeliveryAttempt.ok();
            }
            PutEventsResultEntry failed = r.entries().isEmpty() ? null : r.entries().get(0);
            String code = failed == null ? "unknown" : failed.errorCode();
            String reason = "EventBridge PutEvents entry failed: " + code;
            return RETRYABLE.contains(code) ? DeliveryAttempt.retry(reason, null) : DeliveryAttempt.refused(reason);
        } catch (SdkException ex) {
            return AwsDelivery.failed("EventBridge PutEvents", ex);
        }
    }

    @Override
    public void send(Alert alert) {
        delivery.deliver(new DeliveryMessage(AlertJson.alertId(alert), "application/json",
                format.render(alert).toString().getBytes(StandardCharsets.UTF_8),
                Map.of("resource", alert.canary().principal().arn(), "time", alert.raisedAt().toString())));
    }

    @Override
    public boolean acceptsDigests() {
        return true;
    }

    @Override
    public void sendDigest(SuppressionDigest digest) {
        delivery.deliver(new DeliveryMessage(digest.id(), "application/json",
                digest.toTree().toString().getBytes(StandardCharsets.UTF_8),
                Map.of("detail-type", DIGEST_DETAIL_TYPE, "time", digest.periodEnd().toString())));
    }

    @Override
    public int flush() {
        return delivery.flush();
    }

    @Override
    public boolean reportTo(Consumer<AlertOutcome> listener) {
        delivery.reportTo(listener);
        return true;
    }

    @Override
    public void close() {
        if (ownsClient) {
            events.close();
        }
    }

    @Override
    public String toString() {
        return "EventBridgeAlertSink[" + bus + ", " + format.configName() + "]";
    }

    /**
     * Provider {@code eventbridge}.
     *
     * @since 0.1.0
     */
    public static final class Provider implements AlertSinkProvider {
        private static final ConfigKeys KEYS = ConfigKeys.of(
                ConfigKey.string("bus", "the event bus name or ARN").withDefault("default"),
                ConfigKey.string("region", "the bus's region").withDefault("us-east-1"),
                ConfigKey.url("endpoint", "an EventBridge endpoint (an emulator, a VPC endpoint)"))
                .and(AwsClients.CREDENTIAL_KEYS).and(ConfigKey.oneOf("format", "the alert body's schema", "canarykit", "ocsf", "ecs").withDefault("canarykit"),
                ConfigKey.integer("max-attempts", "delivery attempts before an alert is spooled").withDefault("4"),
                ConfigKey.duration("backoff", "first pause between attempts").withDefault("500ms"),
                ConfigKey.duration("max-backoff", "longest pause between attempts").withDefault("30s"),
                ConfigKey.path("spool-dir", "where undelivered alerts wait to be retried (recommended)"));

        /** For {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return "eventbridge";
        }

        @Override
        public ConfigKeys configKeys() {
            return KEYS;
        }

        @Override
        public AlertSink create(CanaryConfig c) {
            String bus = c.getString("bus", "default");
            if (bus.isBlank() || bus.length() > 1600) {
                throw new CanaryConfigurationException("canary.alert.eventbridge.bus is a bus name or ARN");
            }
            var b = EventBridgeClient.builder().region(Region.of(c.getString("region", "us-east-1")))
                    .credentialsProvider(AwsClients.credentials(c)).httpClientBuilder(UrlConnectionHttpClient.builder())
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
            var endpoint = AwsClients.uri(c, "endpoint");
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            String formatName = c.getString("format");
            AlertFormat format = formatName != null ? AlertFormat.fromConfigName(formatName) : AlertFormat.CANARYKIT;
            return new EventBridgeAlertSink(b.build(), bus, format, AwsDelivery.options(Delivery.builder(), c), true);
        }
    }
}
