/**
 * The responders' web console served by the server: the pages, their form handling and session, over the same service
 * as the HTTP API.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.server.console;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
