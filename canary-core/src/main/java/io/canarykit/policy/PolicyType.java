package io.canarykit.policy;

/**
 * The kinds of policy the {@link PolicySimulator} evaluates, each with its own role in the IAM evaluation logic.
 *
 * @since 0.1.0
 */
public enum PolicyType {
    /** Identity-based policies (inline and managed) of the principal; for federated users, those of the issuing IAM user. */
    IDENTITY("identity-based policy"),
    /** The permissions boundary of the IAM user or role: caps what identity-based policies grant. */
    PERMISSIONS_BOUNDARY("permissions boundary"),
    /** Session policies passed to {@code AssumeRole} or {@code GetFederationToken}: cap the session. */
    SESSION("session policy"),
    /** AWS Organizations service control policies: cap every principal of the member account. */
    SERVICE_CONTROL("service control policy"),
    /** A resource-based policy of the target resource (bucket policy, key policy, queue policy, ...). */
    RESOURCE("resource-based policy");

    private final String description;

    PolicyType(String description) {
        this.description = description;
    }

    /** How people call this kind of policy, as in AWS's AccessDenied messages ("identity-based policy", ...). */
    public String description() {
        return description;
    }
}
