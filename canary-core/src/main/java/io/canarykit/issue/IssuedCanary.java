package io.canarykit.issue;

import io.canarykit.CanaryCredential;
import io.canarykit.Principal;
import io.canarykit.SelfUse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an issuer made. The credential is the only place the secret lives; hand it to a placement and drop it.
 *
 * @param credential the credential (its {@code toString} masks the secret)
 * @param principal  the principal it belongs to
 * @param issuedAt   when AWS issued it
 * @param expiresAt  when it expires, {@code null} for long-term keys
 * @param selfUses   calls the issuer made with it (post-issue check)
 * @param attributes facts to keep with the record (role ARN, ...); never secrets
 *
 * @since 0.1.0
 */
public record IssuedCanary(CanaryCredential credential, Principal principal, Instant issuedAt, @Nullable Instant expiresAt,
                           List<SelfUse> selfUses, Map<String, String> attributes) {
    public IssuedCanary {
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(issuedAt, "issuedAt");
        selfUses = List.copyOf(selfUses == null ? List.of() : selfUses);
        attributes = Map.copyOf(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
    }
}
