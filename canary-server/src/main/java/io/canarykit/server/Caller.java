package io.canarykit.server;

import java.util.Objects;

/**
 * An authenticated caller with the permissions that apply to this request.
 *
 * @param identity    who it is
 * @param permissions what it may do
 *
 * @since 0.1.0
 */
public record Caller(CallerIdentity identity, CallerPermissions permissions) {
    public Caller {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(permissions, "permissions");
    }

    /** The caller's name (the owner of the canaries it issues). */
    public String name() {
        return identity.name();
    }
}
