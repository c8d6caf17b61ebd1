/**
 * AssertJ assertions for canary policies: that a policy set denies every action (through the policy simulator, with the
 * principal and request context a test names), and assertions on single actions and decisions.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.testkit.assertions;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
