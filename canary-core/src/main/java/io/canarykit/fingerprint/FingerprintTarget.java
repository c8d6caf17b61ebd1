package io.canarykit.fingerprint;

import io.canarykit.CanaryCredential;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The credential a {@link FingerprintCheck} looks at: the key id and whatever else is known about it. Holds no secret.
 *
 * @param keyId         the access key id (or any id), may be anything, even {@code null}: the check reports it
 * @param principalArn  the principal's ARN, {@code null} when unknown
 * @param principalName the IAM user, session or federated user name, {@code null} to take it from the ARN
 * @param principalPath the IAM path, {@code null} to take it from the ARN
 * @param kind          the credential kind, {@code null} when unknown
 * @param shortTerm     whether the credential is short-term, {@code null} to derive it from the kind or the prefix
 * @param expiration    when a short-term credential expires, {@code null} when unknown or long-term
 *
 * @since 0.1.0
 */
public record FingerprintTarget(@Nullable String keyId, @Nullable String principalArn, @Nullable String principalName,
                                @Nullable String principalPath, @Nullable CredentialKind kind,
                                @Nullable Boolean shortTerm, @Nullable Instant expiration) {

    /** Only a key id (what an attacker who found it starts with). */
    public static FingerprintTarget ofKeyId(@Nullable String keyId) {
        return new FingerprintTarget(keyId, null, null, null, null, null, null);
    }

    /** A credential as an issuer made it: short-term when it has a session token or an expiry. */
    public static FingerprintTarget of(CanaryCredential credential) {
        boolean shortTerm = credential.isSession() || credential.expiration() != null;
        return new FingerprintTarget(credential.accessKeyId(), null, null, null, null, shortTerm,
                credential.expiration());
    }

    /**
     * A credential with its principal and kind, as the issuance flow has them before planting.
     *
     * @param credential the credential, not {@code null}
     * @param principal  its principal, may be {@code null}
     * @param kind       its kind, may be {@code null}
     */
    public static FingerprintTarget of(CanaryCredential credential, @Nullable Principal principal,
                                       @Nullable CredentialKind kind) {
        return of(credential).withPrincipal(principal).withKind(kind);
    }

    /** A copy with the principal's ARN, name and path ({@code null} clears them). */
    public FingerprintTarget withPrincipal(@Nullable Principal principal) {
        return principal == null ? new FingerprintTarget(keyId, null, null, null, kind, shortTerm, expiration)
                : new FingerprintTarget(keyId, principal.arn(), principal.name(), principal.path(), kind, shortTerm,
                expiration);
    }

    /** A copy with the principal's ARN; name and path are then taken from it. */
    public FingerprintTarget withPrincipalArn(@Nullable String arn) {
        return new FingerprintTarget(keyId, arn, principalName, principalPath, kind, shortTerm, expiration);
    }

    /** A copy with the principal name and IAM path. */
    public FingerprintTarget withPrincipalName(@Nullable String name, @Nullable String path) {
        return new FingerprintTarget(keyId, principalArn, name, path, kind, shortTerm, expiration);
    }

    /** A copy with the credential kind (which also says whether it is short-term). */
    public FingerprintTarget withKind(@Nullable CredentialKind kind) {
        Boolean term = shortTerm;
        if (kind != null && term == null) {
            term = !kind.isLongTerm();
        }
        return new FingerprintTarget(keyId, principalArn, principalName, principalPath, kind, term, expiration);
    }

    /** A copy saying whether the credential is short-term. */
    public FingerprintTarget withShortTerm(boolean shortTerm) {
        return new FingerprintTarget(keyId, principalArn, principalName, principalPath, kind, shortTerm, expiration);
    }

    /** A copy with the expiry. */
    public FingerprintTarget withExpiration(@Nullable Instant expiration) {
        return new FingerprintTarget(keyId, principalArn, principalName, principalPath, kind, shortTerm, expiration);
    }

    /** Shows the key id only when it looks like one (see {@link KeyId#display()}). */
    @Override
    public String toString() {
        return "FingerprintTarget[keyId=" + KeyIds.parse(keyId).display() + ", principalArn=" + principalArn
                + ", kind=" + kind + ", shortTerm=" + shortTerm + ", expiration=" + expiration + "]";
    }
}
