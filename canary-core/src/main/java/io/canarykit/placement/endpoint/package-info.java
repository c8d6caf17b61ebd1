/**
 * Endpoint placements: embedded HTTP servers that answer like the AWS credentials endpoints, so that credential
 * stealers aimed at a host's or a container's metadata (and every AWS SDK) pick up the canary.
 *
 * <table>
 *   <caption>Endpoint placements</caption>
 *   <tr><th>name</th><th>class</th><th>answers like</th></tr>
 *   <tr><td>{@code imds}</td><td>{@link io.canarykit.placement.endpoint.ImdsPlacement}</td>
 *       <td>the EC2 instance metadata service (IMDSv2)</td></tr>
 *   <tr><td>{@code container-credentials}</td><td>{@link io.canarykit.placement.endpoint.ContainerCredentialsPlacement}</td>
 *       <td>the ECS task / EKS Pod Identity credentials endpoint</td></tr>
 * </table>
 *
 * <p>Both extend {@link io.canarykit.placement.endpoint.EndpointPlacement}: the server (started on first use, stopped
 * on {@code close()}), refreshes of short-term canaries before they expire, and the refusal of long-term keys. What
 * they serve lives in the process only.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.placement.endpoint;

import org.jspecify.annotations.NullMarked;
