/**
 * File placements: the canary written into the files where attackers' tooling looks for credentials, byte-preserving
 * and through {@link io.canarykit.placement.PlacementFiles} (locked outside the target's directory, atomic, private,
 * checked first, leaving nothing behind).
 *
 * <table>
 *   <caption>File placements</caption>
 *   <tr><th>name</th><th>class</th><th>where</th></tr>
 *   <tr><td>{@code aws-credentials-file}</td><td>{@link io.canarykit.placement.file.AwsCredentialsFilePlacement}</td>
 *       <td>a profile in the shared credentials file, and its section in the config file</td></tr>
 *   <tr><td>{@code env}</td><td>{@link io.canarykit.placement.file.EnvFilePlacement}</td>
 *       <td>a dotenv / export / {@code $GITHUB_ENV} file</td></tr>
 *   <tr><td>{@code credential-process}</td><td>{@link io.canarykit.placement.file.CredentialProcessPlacement}</td>
 *       <td>the JSON a {@code credential_process} command prints, and optionally the profile that runs it</td></tr>
 *   <tr><td>{@code kubernetes-secret}</td><td>{@link io.canarykit.placement.file.KubernetesSecretPlacement}</td>
 *       <td>a Secret manifest file (YAML or JSON)</td></tr>
 * </table>
 *
 * <p>The AWS profile files are parsed exactly as the AWS SDK for Java v2 parses them
 * ({@link io.canarykit.placement.file.ProfileFileSyntaxException} when it could not), so that only the canary's own
 * sections change.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.placement.file;

import org.jspecify.annotations.NullMarked;
