/**
 * The {@code email} alert sink: each alert as a plain-text e-mail over SMTP with STARTTLS (or implicit TLS), sent with
 * Jakarta Mail (Eclipse Angus, the reference implementation) on core's shared {@link io.canarykit.alert.Delivery}.
 */
package io.canarykit.alert.email;
