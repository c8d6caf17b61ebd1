/**
 * The canarykit server: the HTTP API over the canary service (issue, list, revoke, rotate; sightings and alerts), with
 * its authentication (API tokens and OpenID Connect callers), its settings from canary.server.*, metrics and the
 * background work (detection, alerting) it runs.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.server;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
