/**
 * canarykit e-mail alerts: the {@code email} alert sink (SMTP with STARTTLS through Jakarta Mail).
 *
 * @since 0.1.0
 */
module io.canarykit.alert.email {
    requires io.canarykit.core;
    requires jakarta.mail;
    requires static org.jspecify;

    exports io.canarykit.alert.email;

    provides io.canarykit.alert.AlertSinkProvider with
            io.canarykit.alert.email.EmailAlertSinkProvider;
}
