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
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Publishes each alert to an SNS topic (provider {@code sns}): the message is the alert as JSON
 * ({@code canary.alert.sns.format}: canarykit, ocsf or ecs), the subject says what fired, and message attributes
 * {@code alertId}, {@code classification} and {@code severity} let subscriptions filter. On a FIFO topic
 * ({@code .fifo}) the group is the canary and the deduplication id the alert id. Delivery is core's
 * {@link Delivery}: throttling and 5xx are retried with backoff (the SDK client itself does not retry), undelivered
 * alerts wait in the spool.
 *
 * <p>Keys {@code canary.alert.sns.*}: {@code topic-arn} (required), {@code region} (default: the ARN's),
 * {@code endpoint}, {@code profile} or {@code access-key-id}/{@code secret-access-key}, {@code format},
 * {@code max-attempts}, {@code backoff}, {@code max-backoff}, {@code spool-dir}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class SnsAlertSink implements AlertSink {
    private final SnsClient sns;
    private final String topicArn;
    private final AlertFormat format;
    private final Delivery delivery;
    private final boolean ownsClient;

    private SnsAlertSink(SnsClient sns, String topicArn, AlertFormat format, Delivery.Builder delivery, boolean owns) {
        this.sns = Objects.requireNonNull(sns, "sns");
        this.topicArn = requireTopic(topicArn);
        this.format = Objects.requireNonNull(format, "format");
        this.ownsClient = owns;
        this.delivery = delivery.name("sns (" + topicArn + ")").transport(this::publish).build();
    }

    /**
     * A sink publishing to {@code topicArn} with your client.
     *
     * @param delivery the delivery options (attempts, backoff, spool); its name and transport are set here
     */
    public static SnsAlertSink create(SnsClient sns, String topicArn, AlertFormat format, Delivery.Builder delivery) {
        return new SnsAlertSink(sns, topicArn, format, delivery, false);
    }

    private static String requireTopic(String arn) {
        if (arn == null || !arn.matches("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?")) {
            throw new CanaryConfigurationException("an SNS topic ARN looks like arn:aws:sns:us-east-1:111122223333:canary-alerts,"
                    + " not '" + arn + "'");
        }
        return arn;
    }

    private DeliveryAttempt publish(DeliveryMessage m) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        m.attributes().forEach((k, v) -> {
            if (!k.equals("subject") && !k.equals("group")) {
                attributes.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build());
            }
        });
        PublishRequest.Builder r = PublishRequest.builder().topicArn(topicArn)
                .message(new String(m.body(), StandardCharsets.UTF_8)).messageAttributes(attributes);
        if (m.attributes().containsKey("subject")) {
            r.subject(m.attributes().get("subject"));
        }
        if (topicArn.endsWith(".fifo")) {
            r.messageGroupId(m.attributes().getOrDefault("group", "canarykit")).messageDeduplicationId(
                    m.id().length() > 128 ? m.id().substring(0, 128) : m.id());
        }
        try {
            sns.publish(r.build());
            return DeliveryAttempt.ok();
        } catch (SdkException e) {
            return AwsDelivery.failed("SNS Publish", e);
        }
    }

    /** SNS subjects are ASCII, at most 100 characters, one line. */
    static String subject(String text) {
        String ascii = text.replaceAll("[^\\x20-\\x7E]", "?");
        return ascii.length() > 100 ? ascii.substring(0, 97) + "..." : ascii;
    }

    @Override
    public void send(Alert alert) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("subject", subject((alert.type() == io.canarykit.AlertType.INITIAL ? "Canary triggered: "
                : "Canary used again: ") + alert.classification().kind().configName() + " on " + alert.canary().asset().ref()));
        attributes.put("group", alert.canary().id().value());
        attributes.put("alertId", AlertJson.alertId(alert));
        attributes.put("classification", alert.classification().kind().configName());
        attributes.put("severity", alert.severity().configName());
        delivery.deliver(new DeliveryMessage(AlertJson.alertId(alert), "application/json",
                format.render(alert).toString().getBytes(StandardCharsets.UTF_8), attributes));
    }

    @Override
    public boolean acceptsDigests() {
        return true;
    }

    @Override
    public void sendDigest(SuppressionDigest digest) {
        delivery.deliver(new DeliveryMessage(digest.id(), "application/json",
                digest.toTree().toString().getBytes(StandardCharsets.UTF_8),
                Map.of("subject", subject("canarykit digest: " + digest.items().size() + " suppressed sightings"),
                        "group", "digest", "alertId", digest.id())));
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
            sns.close();
        }
    }

    @Override
    public String toString() {
        return "SnsAlertSink[" + topicArn + "]";
    }

    /**
     * Provider {@code sns}.
     *
     * @since 0.1.0
     */
    public static final class Provider implements AlertSinkProvider {
        private static final ConfigKeys KEYS = ConfigKeys.of(
                ConfigKey.string("topic-arn", "the topic alerts are published to, such as"
                        + " arn:aws:sns:us-east-1:111122223333:canary-alerts").asRequired(),
                ConfigKey.string("region", "the topic's region (default: the ARN's)"),
                ConfigKey.url("endpoint", "an SNS endpoint (an emulator, a VPC endpoint)"))
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
            return "sns";
        }

        @Override
        public ConfigKeys configKeys() {
            return KEYS;
        }

        @Override
        public AlertSink create(CanaryConfig c) {
            String arn = c.getString("topic-arn");
            if (arn == null) {
                throw new CanaryConfigurationException("the sns alert sink needs canary.alert.sns.topic-arn, such as"
                        + " arn:aws:sns:us-east-1:111122223333:canary-alerts");
            }
            requireTopic(arn);
            var b = SnsClient.builder().region(Region.of(c.getString("region", arn.split(":")[3])))
                    .credentialsProvider(AwsClients.credentials(c)).httpClientBuilder(UrlConnectionHttpClient.builder())
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
            var endpoint = AwsClients.uri(c, "endpoint");
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            String formatName = c.getString("format");
            AlertFormat format = formatName != null ? AlertFormat.fromConfigName(formatName) : AlertFormat.CANARYKIT;
            return new SnsAlertSink(b.build(), arn, format, AwsDelivery.options(Delivery.builder(), c), true);
        }
    }
}
