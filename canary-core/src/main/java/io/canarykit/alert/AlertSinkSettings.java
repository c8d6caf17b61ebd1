package io.canarykit.alert;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.internal.Durations;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an HTTP alert sink needs: where to post (the URL may hold a token: it is a {@link Secret}), an optional token
 * (PagerDuty routing key, Opsgenie API key, Splunk HEC token), the shared delivery options ({@link Delivery}), a link
 * template for responders and the output format. Build it by hand or read it from configuration with
 * {@link #fromConfig}.
 *
 * <p>Keys under {@code canary.alert.<sink>.}: {@code url}, {@code token} (where the sink takes one), {@code timeout}
 * (default 10s), {@code max-attempts} (4), {@code backoff} (500ms), {@code max-backoff} (30s), {@code spool-dir}
 * (recommended), {@code link-template} (such as {@code https://console.example.com/canaries/{canary}}), {@code format}
 * ({@code canarykit}, {@code ocsf}, {@code ecs}; sinks that emit JSON).
 *
 * <p>Immutable. Its {@code toString} shows no secret.
 *
 * @since 0.1.0
 */
public final class AlertSinkSettings {
    final Secret url;
    final @Nullable Secret token;
    final Duration timeout;
    final int maxAttempts;
    final Duration backoff;
    final Duration maxBackoff;
    final @Nullable Path spool;
    final @Nullable String linkTemplate;
    final @Nullable AlertFormat format;
    final @Nullable HttpClient http;
    final Delivery.Sleeper sleeper;
    final Clock clock;

    private AlertSinkSettings(Builder b, Secret url) {
        this.url = url;
        this.token = b.token;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.maxBackoff = b.maxBackoff;
        this.spool = b.spool;
        this.linkTemplate = b.linkTemplate;
        this.format = b.format;
        this.http = b.http;
        this.sleeper = b.sleeper;
        this.clock = b.clock;
    }

    /**
     * The keys {@link #fromConfig} reads, relative to {@code canary.alert.<sink>.}, for a sink provider's
     * {@code configKeys()}.
     *
     * @param defaultUrl the URL when none is configured, or {@code null} if {@code url} is required
     * @param tokenKey   the sink's required token key (such as {@code routing-key}), or {@code null}
     * @param json       whether the sink emits JSON (and so takes {@code format})
     */
    public static ConfigKeys keys(@Nullable String defaultUrl, @Nullable String tokenKey, boolean json) {
        ConfigKey url = ConfigKey.url("url", "where alerts are posted (a secret: a webhook URL often holds a token)")
                .asSecret();
        ConfigKeys keys = ConfigKeys.of(defaultUrl == null ? url.asRequired() : url,
                ConfigKey.duration("timeout", "timeout of one delivery attempt").withDefault("10s"),
                ConfigKey.integer("max-attempts", "delivery attempts before an alert is spooled").withDefault("4"),
                ConfigKey.duration("backoff", "first pause between attempts").withDefault("500ms"),
                ConfigKey.duration("max-backoff", "longest pause between attempts").withDefault("30s"),
                ConfigKey.path("spool-dir", "where undelivered alerts wait to be retried (recommended)"),
                ConfigKey.string("link-template", "a link to your console or runbook, with {canary}, {account},"
                        + " {alert} and the like filled in"));
        if (tokenKey != null) {
            keys = keys.and(ConfigKey.string(tokenKey, "the token the sink authenticates with").asRequired().asSecret());
        }
        if (json) {
            keys = keys.and(ConfigKey.oneOf("format", "the alert body's schema", "canarykit", "ocsf", "ecs")
                    .withDefault("canarykit"));
        }
        return keys;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the sink's keys: a configuration scoped to the sink, as {@code ProviderRegistry.create} hands it to the
     * sink's provider (or the whole configuration, whose {@code canary.alert.<sink>.*} keys are read).
     *
     * @param whole      the configuration
     * @param sink       the sink's name, such as {@code slack}
     * @param defaultUrl the URL when none is configured (such as PagerDuty's), or {@code null} if one is required
     * @throws CanaryConfigurationException naming the key that is missing or wrong
     */
    public static AlertSinkSettings fromConfig(CanaryConfig whole, String sink, @Nullable String defaultUrl) {
        return fromConfig(whole, sink, defaultUrl, null);
    }

    /**
     * As {@link #fromConfig(CanaryConfig, String, String)}, also reading the sink's required token under
     * {@code tokenKey} (such as {@code routing-key}).
     *
     * @throws CanaryConfigurationException if the token is missing
     */
    public static AlertSinkSettings fromConfig(CanaryConfig whole, String sink, @Nullable String defaultUrl,
            @Nullable String tokenKey) {
        String prefix = "canary.alert." + sink + ".";
        Map<String, String> under = whole.withPrefix(prefix);
        CanaryConfig c = under.isEmpty() ? whole : CanaryConfig.of(under);
        Builder b = builder();
        Secret configured = c.getSecret("url");
        Secret url = configured != null ? configured : defaultUrl != null ? Secret.of(defaultUrl) : null;
        if (url == null) {
            throw new CanaryConfigurationException("the " + sink + " alert sink needs " + prefix + "url: set it to the"
                    + " webhook URL the service gave you (it is treated as a secret and never logged)");
        }
        b.url(url, prefix + "url");
        if (tokenKey != null) {
            Secret token = c.getSecret(tokenKey);
            if (token == null) {
                throw new CanaryConfigurationException("the " + sink + " alert sink needs " + prefix + tokenKey
                        + " (a secret: never logged)");
            }
            b.token(token);
        }
        b.timeout(c.getDuration("timeout", Duration.ofSeconds(10)))
                .maxAttempts(c.getInt("max-attempts", 4))
                .backoff(c.getDuration("backoff", Duration.ofMillis(500)))
                .maxBackoff(c.getDuration("max-backoff", Duration.ofSeconds(30)));
        Path spool = c.getPath("spool-dir");
        if (spool != null) {
            b.spoolDirectory(spool);
        }
        String linkTemplate = c.getString("link-template");
        if (linkTemplate != null) {
            b.linkTemplate(linkTemplate);
        }
        String format = c.getString("format");
        if (format != null) {
            b.format(AlertFormat.fromConfigName(format));
        }
        return b.build();
    }

    /** The URL (a secret: it may hold a token). */
    Secret url() {
        return url;
    }

    URI uri() {
        return URI.create(url.reveal());
    }

    /** The delivery for these settings and {@code transport}, named {@code sinkName (host)}. */
    Delivery delivery(String sinkName, Transport transport) {
        Delivery.Builder d = Delivery.builder().name(sinkName + " (" + uri().getHost() + ")").transport(transport)
                .maxAttempts(maxAttempts).initialBackoff(backoff).maxBackoff(maxBackoff).sleeper(sleeper).clock(clock);
        if (spool != null) {
            d.spoolDirectory(spool);
        }
        return d.build();
    }

    HttpClient httpClient() {
        return http != null ? http : HttpTransport.client(timeout);
    }

    @Override
    public String toString() {
        return "AlertSinkSettings[" + HttpTransport.safe(uri()) + (spool == null ? "" : ", spool " + spool) + "]";
    }

    /**
     * Builder for {@link AlertSinkSettings}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable Secret url;
        private @Nullable Secret token;
        private Duration timeout = Duration.ofSeconds(10);
        private int maxAttempts = 4;
        private Duration backoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private @Nullable Path spool;
        private @Nullable String linkTemplate;
        private @Nullable AlertFormat format;
        private @Nullable HttpClient http;
        private Delivery.Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * The endpoint, an absolute http(s) URL (required). A secret: it often holds a token.
         *
         * @throws CanaryConfigurationException if it is not an absolute http or https URL (the message never shows it)
         */
        public Builder url(Secret v) {
            return url(v, "url");
        }

        Builder url(Secret v, String what) {
            Objects.requireNonNull(v, "url");
            URI u;
            try {
                u = new URI(v.reveal());
            } catch (URISyntaxException e) {
                throw new CanaryConfigurationException(what + " is not a valid URL (it is not shown: it may hold a"
                        + " token); use an absolute https URL");
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
                throw new CanaryConfigurationException(what + " must be an absolute http or https URL (it is not shown:"
                        + " it may hold a token)");
            }
            url = v;
            return this;
        }

        /** The token the sink authenticates with, where it takes one (a secret). */
        public Builder token(Secret v) {
            token = Objects.requireNonNull(v, "token");
            return this;
        }

        /** Each attempt's timeout, connecting included (default 10 s). */
        public Builder timeout(Duration v) {
            timeout = Durations.positive(v, "timeout");
            return this;
        }

        /** Attempts per message before it is spooled (default 4). */
        public Builder maxAttempts(int v) {
            if (v < 1) {
                throw new CanaryConfigurationException("max-attempts must be at least 1, was " + v);
            }
            maxAttempts = v;
            return this;
        }

        /** The first wait between attempts, doubled each time (default 500 ms). */
        public Builder backoff(Duration v) {
            backoff = Durations.positive(v, "backoff");
            return this;
        }

        /** The longest wait between attempts (default 30 s). */
        public Builder maxBackoff(Duration v) {
            maxBackoff = Durations.positive(v, "max-backoff");
            return this;
        }

        /** Where undelivered messages wait (recommended); without one an undelivered alert is thrown. */
        public Builder spoolDirectory(Path v) {
            spool = Objects.requireNonNull(v, "spoolDirectory");
            return this;
        }

        /**
         * A link to the responder's console or runbook, with {@code {canary}}, {@code {account}}, {@code {asset-kind}},
         * {@code {asset-id}}, {@code {access-key-id}}, {@code {alert}} and {@code {classification}} filled in
         * (URL-encoded).
         */
        public Builder linkTemplate(String v) {
            linkTemplate = Objects.requireNonNull(v, "linkTemplate");
            return this;
        }

        /** The JSON format, for sinks that emit JSON (default {@link AlertFormat#CANARYKIT}). */
        public Builder format(AlertFormat v) {
            format = Objects.requireNonNull(v, "format");
            return this;
        }

        /** The HTTP client (default: the JDK's, with the timeout to connect, no redirects). */
        public Builder httpClient(HttpClient v) {
            http = Objects.requireNonNull(v, "httpClient");
            return this;
        }

        /** How to wait between attempts (tests pass one that does not sleep). */
        public Builder sleeper(Delivery.Sleeper v) {
            sleeper = Objects.requireNonNull(v, "sleeper");
            return this;
        }

        /** The clock spool files are stamped with. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * The settings.
         *
         * @throws CanaryConfigurationException if no URL was given
         */
        public AlertSinkSettings build() {
            if (url == null) {
                throw new CanaryConfigurationException("an alert sink needs a URL");
            }
            return new AlertSinkSettings(this, url);
        }
    }
}
