package io.canarykit.alert.email;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.alert.AlertSink;
import io.canarykit.alert.AlertSinkProvider;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Provider {@code email}: {@link EmailAlertSink} from its keys ({@code canary.alert.email.*}, handed over without that
 * prefix): {@code host}, {@code port},
 * {@code tls} ({@code starttls} (default), {@code smtps}, {@code none} for a relay on this host), {@code username} and
 * {@code password} (a secret), {@code from}, {@code to} (comma-separated), {@code link-template}, {@code timeout},
 * {@code max-attempts}, {@code backoff}, {@code max-backoff}, {@code spool-dir}.
 *
 * @since 0.1.0
 */
public final class EmailAlertSinkProvider implements AlertSinkProvider {
    private static final String PREFIX = "canary.alert.email.";
    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("host", "the SMTP server").asRequired(),
            ConfigKey.integer("port", "the SMTP port").withDefault("587"),
            ConfigKey.oneOf("tls", "how the connection is protected", "starttls", "smtps", "none")
                    .withDefault("starttls"),
            ConfigKey.string("username", "the SMTP user, with password"),
            ConfigKey.string("password", "the SMTP password").asSecret(),
            ConfigKey.string("from", "the sender address").asRequired(),
            ConfigKey.list("to", "the recipients, comma-separated").asRequired(),
            ConfigKey.string("link-template", "a link to your console or runbook, with {canary} and the like"),
            ConfigKey.duration("timeout", "timeout of one delivery attempt").withDefault("30s"),
            ConfigKey.integer("max-attempts", "delivery attempts before an alert is spooled").withDefault("4"),
            ConfigKey.duration("backoff", "first pause between attempts").withDefault("1s"),
            ConfigKey.duration("max-backoff", "longest pause between attempts").withDefault("60s"),
            ConfigKey.path("spool-dir", "where undelivered alerts wait to be retried (recommended)"));

    /** Used by ServiceLoader. */
    public EmailAlertSinkProvider() {
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public AlertSink create(CanaryConfig c) {
        EmailAlertSink.Builder b = EmailAlertSink.builder();
        String host = c.getString("host");
        if (host == null) {
            throw new CanaryConfigurationException("the email alert sink needs " + PREFIX + "host (the SMTP server)");
        }
        b.host(host).tls(EmailAlertSink.Tls.valueOf(c.getEnum("tls", "starttls", "starttls", "smtps", "none")
                .toUpperCase(Locale.ROOT)));
        if (c.has("port")) {
            b.port(c.getInt("port", 587));
        }
        String user = c.getString("username");
        Secret password = c.getSecret("password");
        if ((user == null) != (password == null)) {
            throw new CanaryConfigurationException("set both " + PREFIX + "username and " + PREFIX + "password, or neither");
        }
        if (user != null) {
            b.credentials(user, password);
        }
        if (!c.has("from") || !c.has("to")) {
            throw new CanaryConfigurationException("the email alert sink needs " + PREFIX + "from and " + PREFIX + "to");
        }
        b.from(c.requireString("from"));
        c.getList("to").forEach(b::to);
        String linkTemplate = c.getString("link-template");
        if (linkTemplate != null) {
            b.linkTemplate(linkTemplate);
        }
        b.timeout(c.getDuration("timeout", Duration.ofSeconds(30))).maxAttempts(c.getInt("max-attempts", 4))
                .backoff(c.getDuration("backoff", Duration.ofSeconds(1)))
                .maxBackoff(c.getDuration("max-backoff", Duration.ofSeconds(60)));
        Path spool = c.getPath("spool-dir");
        if (spool != null) {
            b.spoolDirectory(spool);
        }
        return b.build();
    }
}
