/**
 * Fingerprinting: what gives a canary away to an attacker. {@link io.canarykit.fingerprint.KeyIds} parses, decodes
 * and generates key ids offline; {@link io.canarykit.fingerprint.TellTales} finds tell-tale principal names and paths;
 * {@link io.canarykit.fingerprint.KnownCanaryAccounts} holds the published canary-vendor accounts (a bundled data
 * resource plus the user's own lists); {@link io.canarykit.fingerprint.FingerprintCheck} puts them together into a
 * report with a verdict. Everything here is offline, thread-safe and never needs AWS.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.fingerprint;

import org.jspecify.annotations.NullMarked;
