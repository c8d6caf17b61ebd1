package io.canarykit.alert.email;

import io.canarykit.Alert;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.alert.AlertJson;
import io.canarykit.alert.AlertSink;
import io.canarykit.internal.AlertText;
import io.canarykit.alert.Delivery;
import io.canarykit.alert.DeliveryAttempt;
import io.canarykit.alert.DeliveryMessage;
import io.canarykit.alert.SuppressionDigest;
import io.canarykit.internal.Durations;
import io.canarykit.metrics.AlertOutcome;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Sends each alert (and digest) as a plain-text e-mail over SMTP (provider {@code email}), with Jakarta Mail (Eclipse
 * Angus): STARTTLS required by default (the connection is refused, never sent in the clear, when the server does not
 * offer it), or implicit TLS (SMTPS, port 465); plain SMTP only to a relay on this host. The server's certificate is
 * checked against the host name. The subject says what fired; the body lists the facts a responder needs
 * ({@link AlertText}); the {@code Message-ID} is derived from the alert id, so a mail client shows a repeat as the same
 * message. Delivery is core's {@link Delivery}: connection failures and SMTP 4xx answers are retried with backoff,
 * undelivered mails wait in the spool (which holds no password). The password is a {@link Secret}: never logged or
 * shown.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class EmailAlertSink implements AlertSink {
    /**
     * How the connection is protected.
     *
     * @since 0.1.0
     */
    public enum Tls {
        /** STARTTLS, required (default; port 587). */
        STARTTLS,
        /** TLS from the first byte (SMTPS; port 465). */
        SMTPS,
        /** No TLS: only to a relay on this host (localhost, 127.0.0.0/8, ::1). */
        NONE
    }

    private final Session session;
    private final String host;
    private final int port;
    private final @Nullable String username;
    private final @Nullable Secret password;
    private final InternetAddress from;
    private final List<InternetAddress> to;
    private final @Nullable String linkTemplate;
    private final Delivery delivery;

    private EmailAlertSink(Builder b) {
        this.host = Objects.requireNonNull(b.host, "host"); // build() checked it
        this.port = b.port != 0 ? b.port : b.tls == Tls.SMTPS ? 465 : b.tls == Tls.NONE ? 25 : 587;
        this.username = b.username;
        this.password = b.password;
        this.from = Objects.requireNonNull(b.from, "from"); // build() checked it
        this.to = List.copyOf(b.to);
        this.linkTemplate = b.linkTemplate;
        this.session = Session.getInstance(properties(b, port));
        Delivery.Builder d = Delivery.builder().name("email (" + host + ":" + port + ")").transport(this::sendMail)
                .maxAttempts(b.maxAttempts).initialBackoff(b.backoff).maxBackoff(b.maxBackoff).clock(b.clock);
        if (b.spool != null) {
            d.spoolDirectory(b.spool);
        }
        if (b.sleeper != null) {
            d.sleeper(b.sleeper);
        }
        this.delivery = d.build();
    }

    /** A builder; {@link Builder#host}, {@link Builder#from} and {@link Builder#to} are required. */
    public static Builder builder() {
        return new Builder();
    }

    static Properties properties(Builder b, int port) {
        Properties p = new Properties();
        String protocol = b.tls == Tls.SMTPS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", protocol);
        String pre = "mail." + protocol + ".";
        p.put(pre + "host", b.host);
        p.put(pre + "port", Integer.toString(port));
        p.put(pre + "connectiontimeout", Long.toString(b.timeout.toMillis()));
        p.put(pre + "timeout", Long.toString(b.timeout.toMillis()));
        p.put(pre + "writetimeout", Long.toString(b.timeout.toMillis()));
        p.put(pre + "auth", Boolean.toString(b.username != null));
        if (b.tls == Tls.STARTTLS) {
            p.put(pre + "starttls.enable", "true");
            p.put(pre + "starttls.required", "true");
        }
        if (b.tls != Tls.NONE) {
            p.put(pre + "ssl.checkserveridentity", "true");
            if (b.trustStoreHosts != null) {
                p.put(pre + "ssl.trust", b.trustStoreHosts);
            }
        }
        return p;
    }

    private DeliveryAttempt sendMail(DeliveryMessage m) {
        try {
            MimeMessage mail = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", "<" + m.id() + "@canarykit>");
                }
            };
            mail.setFrom(from);
            mail.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
            mail.setSubject(m.attributes().getOrDefault("subject", "canarykit alert"), "UTF-8");
            mail.setSentDate(new Date());
            mail.setHeader("X-Canarykit-Alert-Id", m.id());
            mail.setText(new String(m.body(), StandardCharsets.UTF_8), "UTF-8");
            mail.saveChanges();
            try (Transport t = session.getTransport()) {
                t.connect(host, port, username, password == null ? null : password.reveal());
                t.sendMessage(mail, mail.getAllRecipients());
            }
            return DeliveryAttempt.ok();
        } catch (AuthenticationFailedException e) {
            return DeliveryAttempt.refused("SMTP authentication failed for user " + username);
        } catch (SendFailedException e) {
            return DeliveryAttempt.refused("SMTP refused the message or its recipients: " + clean(e));
        } catch (MessagingException e) {
            String text = clean(e);
            boolean permanent = text.matches("(?s).*\\b5\\d\\d\\b.*") && !text.contains("STARTTLS");
            return permanent ? DeliveryAttempt.refused("SMTP: " + text) : DeliveryAttempt.retry("SMTP: " + text, null);
        }
    }

    private String clean(Exception e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
        if (password != null) {
            text = text.replace(password.reveal(), Secret.MASK);
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** The plain-text body of an alert mail. */
    String body(Alert a) {
        StringBuilder sb = new StringBuilder(AlertText.title(a)).append("\n\n");
        for (AlertText.Fact f : AlertText.facts(a)) {
            sb.append(f.label()).append(": ").append(f.value()).append('\n');
        }
        String link = AlertText.link(linkTemplate, a);
        if (link != null) {
            sb.append("\nConsole: ").append(link).append('\n');
        }
        sb.append("\nThe alert as JSON:\n").append(AlertJson.toJson(a)).append('\n');
        return sb.toString();
    }

    @Override
    public void send(Alert alert) {
        delivery.deliver(new DeliveryMessage(AlertJson.alertId(alert), "text/plain",
                body(alert).getBytes(StandardCharsets.UTF_8), Map.of("subject", oneLine(AlertText.title(alert)))));
    }

    @Override
    public boolean acceptsDigests() {
        return true;
    }

    @Override
    public void sendDigest(SuppressionDigest digest) {
        String text = digest.summary(200) + "\n\nThe digest as JSON:\n" + digest.toTree() + "\n";
        delivery.deliver(new DeliveryMessage(digest.id(), "text/plain", text.getBytes(StandardCharsets.UTF_8),
                Map.of("subject", "canarykit digest: " + digest.items().size() + " suppressed sighting(s)")));
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ");
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
    public String toString() {
        return "EmailAlertSink[" + host + ":" + port + " -> " + to.size() + " recipient(s)]";
    }

    /**
     * Builder for {@link EmailAlertSink}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable String host;
        private int port;
        private Tls tls = Tls.STARTTLS;
        private @Nullable String username;
        private @Nullable Secret password;
        private @Nullable InternetAddress from;
        private final List<InternetAddress> to = new ArrayList<>();
        private @Nullable String linkTemplate;
        private Duration timeout = Duration.ofSeconds(30);
        private int maxAttempts = 4;
        private Duration backoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private @Nullable Path spool;
        private Delivery.@Nullable Sleeper sleeper;
        private Clock clock = Clock.systemUTC();
        private @Nullable String trustStoreHosts;

        private Builder() {
        }

        /** The SMTP server (required). */
        public Builder host(String v) {
            host = Objects.requireNonNull(v, "host");
            return this;
        }

        /** The port (default 587 with STARTTLS, 465 with SMTPS, 25 without TLS). */
        public Builder port(int v) {
            if (v < 1 || v > 65535) {
                throw new CanaryConfigurationException("an SMTP port is 1-65535, not " + v);
            }
            port = v;
            return this;
        }

        /** How the connection is protected (default {@link Tls#STARTTLS}, required). */
        public Builder tls(Tls v) {
            tls = Objects.requireNonNull(v, "tls");
            return this;
        }

        /** SMTP authentication (both or neither); the password is never logged or shown. */
        public Builder credentials(String user, Secret pass) {
            username = Objects.requireNonNull(user, "user");
            password = Objects.requireNonNull(pass, "password");
            return this;
        }

        /** The sender (required). */
        public Builder from(String v) {
            from = address(v, "from");
            return this;
        }

        /** Adds a recipient (at least one). */
        public Builder to(String v) {
            to.add(address(v, "to"));
            return this;
        }

        /** A link to the responder's console (see {@link AlertText#link}). */
        public Builder linkTemplate(String v) {
            linkTemplate = Objects.requireNonNull(v, "linkTemplate");
            return this;
        }

        /** Connect, read and write timeout (default 30 s). */
        public Builder timeout(Duration v) {
            timeout = Durations.positive(v, "timeout");
            return this;
        }

        /** Attempts per mail before it is spooled or thrown (default 4). */
        public Builder maxAttempts(int v) {
            maxAttempts = v;
            return this;
        }

        /** The first wait between attempts (default 1 s), doubled up to {@link #maxBackoff} (default 60 s). */
        public Builder backoff(Duration v) {
            backoff = Durations.positive(v, "backoff");
            return this;
        }

        /** The longest wait between attempts. */
        public Builder maxBackoff(Duration v) {
            maxBackoff = Durations.positive(v, "max-backoff");
            return this;
        }

        /** Where undelivered mails wait (recommended). */
        public Builder spoolDirectory(Path v) {
            spool = Objects.requireNonNull(v, "spoolDirectory");
            return this;
        }

        /** How to wait between attempts (tests). */
        public Builder sleeper(Delivery.Sleeper v) {
            sleeper = Objects.requireNonNull(v, "sleeper");
            return this;
        }

        /** The clock spool files are stamped with. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** Tests: trust the certificate of these hosts (space-separated) without a CA. */
        Builder trustHosts(String hosts) {
            trustStoreHosts = hosts;
            return this;
        }

        private static InternetAddress address(String v, String what) {
            try {
                InternetAddress a = new InternetAddress(Objects.requireNonNull(v, what), true);
                a.validate();
                return a;
            } catch (AddressException e) {
                throw new CanaryConfigurationException("'" + v + "' is not an e-mail address for " + what + ": "
                        + e.getMessage());
            }
        }

        /**
         * The sink.
         *
         * @throws CanaryConfigurationException if host, sender or recipients are missing, or TLS is off for a
         *                                      server that is not on this host
         */
        public EmailAlertSink build() {
            if (host == null || from == null || to.isEmpty()) {
                throw new CanaryConfigurationException("the email alert sink needs a host, a from address and at least"
                        + " one to address");
            }
            if (tls == Tls.NONE && !(host.equals("localhost") || host.startsWith("127.") || host.equals("::1"))) {
                throw new CanaryConfigurationException("the email alert sink sends without TLS only to a relay on this"
                        + " host; use tls=starttls (port 587) or tls=smtps (port 465) for " + host);
            }
            return new EmailAlertSink(this);
        }
    }
}
