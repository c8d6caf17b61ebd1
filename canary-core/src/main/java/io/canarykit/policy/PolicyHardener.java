package io.canarykit.policy;

/**
 * Produces the policy set that grants a canary principal nothing.
 *
 * @since 0.1.0
 */
public interface PolicyHardener {

    /**
     * The hardened policy set for one canary principal.
     *
     * @throws io.canarykit.CanaryConfigurationException if the request lacks what the kind needs (an assumed-role
     *                                                   canary needs the role and the issuer) or a policy would exceed
     *                                                   an AWS size limit
     */
    CanaryPolicySet harden(HardeningRequest request);
}
