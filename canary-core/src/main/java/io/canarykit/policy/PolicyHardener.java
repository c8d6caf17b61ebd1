package io.canarykit.policy;

/** Produces the policy set that grants a canary principal nothing. */
public interface PolicyHardener {

    /** The hardened policy set for one canary principal. */
    CanaryPolicySet harden(HardeningRequest request);
}
