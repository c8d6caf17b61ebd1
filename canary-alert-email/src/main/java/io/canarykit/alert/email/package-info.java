/**
 * The {@code email} alert sink: each alert as a plain-text e-mail over SMTP with STARTTLS (or implicit TLS), sent with
 * Jakarta Mail (Eclipse Angus, the reference implementation) on core's shared {@link io.canarykit.alert.Delivery}.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.alert.email;

import org.jspecify.annotations.NullMarked;
