/**
 * Placements: plant canary credentials where attackers' tooling looks for them, without breaking anything already
 * there, and verify and remove them later from their receipts.
 *
 * <p>This package holds the plug-in point and what a placement plugin builds on:
 * {@link io.canarykit.placement.Placement} and {@link io.canarykit.placement.PlacementProvider} (the SPI),
 * {@link io.canarykit.placement.PlacementRequest}, {@link io.canarykit.placement.PlacementVerification} and
 * {@link io.canarykit.PlacementReceipt} (its values), {@link io.canarykit.placement.PlacementOptions} (kebab-case options
 * with clear errors), {@link io.canarykit.placement.PlacementFiles} (safe file edits that leave nothing behind),
 * {@link io.canarykit.placement.PlacementEnvironment} (what is read from the process) and
 * {@link io.canarykit.placement.CredentialRefresher}. The built-in placements live in two sub-packages:
 *
 * <table>
 *   <caption>Built-in placements (each found by {@link io.canarykit.config.ProviderRegistry} under its name, and
 *   buildable by hand)</caption>
 *   <tr><th>name</th><th>class</th><th>where</th></tr>
 *   <tr><td>{@code aws-credentials-file}</td><td>{@link io.canarykit.placement.file.AwsCredentialsFilePlacement}</td>
 *       <td>a profile in the shared credentials file, and its section in the config file</td></tr>
 *   <tr><td>{@code env}</td><td>{@link io.canarykit.placement.file.EnvFilePlacement}</td>
 *       <td>a dotenv / export / {@code $GITHUB_ENV} file</td></tr>
 *   <tr><td>{@code credential-process}</td><td>{@link io.canarykit.placement.file.CredentialProcessPlacement}</td>
 *       <td>the JSON a {@code credential_process} command prints, and optionally the profile that runs it</td></tr>
 *   <tr><td>{@code kubernetes-secret}</td><td>{@link io.canarykit.placement.file.KubernetesSecretPlacement}</td>
 *       <td>a Secret manifest file (YAML or JSON)</td></tr>
 *   <tr><td>{@code imds}</td><td>{@link io.canarykit.placement.endpoint.ImdsPlacement}</td>
 *       <td>an embedded EC2 instance metadata endpoint (IMDSv2)</td></tr>
 *   <tr><td>{@code container-credentials}</td><td>{@link io.canarykit.placement.endpoint.ContainerCredentialsPlacement}</td>
 *       <td>an embedded ECS / EKS container credentials endpoint</td></tr>
 * </table>
 *
 * <h2>Rules every placement keeps</h2>
 * <ul>
 *   <li>A receipt says what was written where and never holds a secret; it is stored with the canary and is the
 *       only record of which content is the canary's. Nothing in the target marks the canary as one: a marker
 *       would be the first thing an attacker's tool looks for.</li>
 *   <li>Nothing is left beside the target either: no lock files (locks live in a lock directory outside the
 *       target's directory), no temporary files, no backups; a file or directory the placement created goes when
 *       it removes the last thing in it; a refused request creates nothing.</li>
 *   <li>A placement never takes over what it did not write unless told to, and removal takes out only what the
 *       receipt describes (checked against the access key id it recorded).</li>
 *   <li>Files are edited through {@link io.canarykit.placement.PlacementFiles}: locked, atomic, private, checked
 *       before anything is written, regular files of bounded size only. Plugins should use it too.</li>
 *   <li>Options and settings are kebab-case and read through {@link io.canarykit.placement.PlacementOptions}; unknown
 *       names are refused. A provider reads its settings from {@code canary.placement.<name>.*}.</li>
 *   <li>Rotation goes through {@link io.canarykit.placement.Placement#replace}, which keeps the canary's place in
 *       the target; {@code place} with a new key for a profile holding the old one is refused, since without the
 *       old receipt the old content cannot be told from someone else's.</li>
 *   <li>What the environment decides (file locations, {@code HOME}, {@code GITHUB_ENV}) is read through an
 *       injectable {@link io.canarykit.placement.PlacementEnvironment}.</li>
 * </ul>
 *
 * <p>To add a placement, implement {@link io.canarykit.placement.Placement} and
 * {@link io.canarykit.placement.PlacementProvider}, list the provider in
 * {@code META-INF/services/io.canarykit.placement.PlacementProvider}, and extend the test kit's
 * {@code io.canarykit.testkit.placement.PlacementContract} in its test; the {@code examples} module's
 * {@code io.canarykit.examples.tfvars} package is a complete example.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.placement;

import org.jspecify.annotations.NullMarked;
