package io.canarykit.server;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of the audit log: who asked the issuance API to issue or revoke which canary, and what happened. It holds
 * no secret by construction: no credential, token, key or signature has a field here.
 *
 * @param at       when the server answered
 * @param action   {@code issue}, {@code revoke}, {@code read} or {@code list}
 * @param caller   the caller's name
 * @param scheme   how the caller was authenticated ({@code bearer}, {@code hmac}, ...)
 * @param source   the TCP peer's address
 * @param canaryId the canary, or {@code null} if none was issued or found
 * @param asset    the asset as {@code kind/id}, or {@code null}
 * @param profile  the placement profile (issue only), or {@code null}
 * @param kind     the kind of canary (issue only), or {@code null}
 * @param result   {@code ok}, {@code refused} (permissions, input), {@code not-found} or {@code failed}
 * @param status   the HTTP status answered
 * @param detail   a short reason for a refusal or failure, or {@code null}
 *
 * @since 0.1.0
 */
public record AuditEvent(Instant at, String action, String caller, String scheme, @Nullable String source,
                         @Nullable String canaryId, @Nullable String asset, @Nullable String profile, @Nullable String kind,
                         String result, int status, @Nullable String detail) {
    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(result, "result");
    }
}
