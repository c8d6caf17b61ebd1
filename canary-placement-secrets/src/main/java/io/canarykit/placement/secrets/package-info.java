/**
 * Placements into CI and secret stores over their REST APIs, in a module of their own so that {@code canary-core}
 * keeps to Jackson and SLF4J: {@code github-actions-secret} ({@link
 * io.canarykit.placement.secrets.GitHubActionsSecretPlacement}: repository, environment or organisation secrets,
 * encrypted as libsodium sealed boxes with Bouncy Castle), {@code gitlab-ci-variable} ({@link
 * io.canarykit.placement.secrets.GitLabCiVariablePlacement}: masked, protected project or group variables) and
 * {@code vault-kv} ({@link io.canarykit.placement.secrets.VaultKvPlacement}: KV version 2 with check-and-set).
 *
 * <p>Each talks to its service through the JDK's {@link java.net.http.HttpClient}; the API token is a
 * {@link io.canarykit.Secret} read from {@code canary.placement.<name>.token-file} (or {@code .token}, or the service's
 * usual environment variable), sent only in its header, never logged or put in a message. Each place reads back what
 * it wrote, undoes a placement that fails half-way, and leaves alone what no longer holds its canary.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.placement.secrets;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
