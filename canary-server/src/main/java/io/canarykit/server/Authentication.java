package io.canarykit.server;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link CallerAuthenticator} concluded about a request's credentials.
 *
 * @since 0.1.0
 */
public sealed interface Authentication {

    /** The request carries no credentials of this authenticator's kind; the next authenticator is asked. */
    static Authentication notApplicable() {
        return NotApplicable.INSTANCE;
    }

    /** The credentials are this authenticator's and are wrong; the request gets 401 and counts as a failure. */
    static Authentication refused(String reason) {
        return new Refused(reason);
    }

    /**
     * The credentials are valid and prove {@code identity}, but the server's policy gives it nothing (for example a CI
     * run of a repository no rule allows): the request gets 403 with {@code reason}, before its body is read, and the
     * audit log records the attempt under the identity.
     */
    static Authentication forbidden(CallerIdentity identity, String reason) {
        return new Forbidden(identity, reason);
    }

    /** The credentials prove {@code identity}; nothing about the body needs checking. */
    static Authentication accepted(CallerIdentity identity) {
        return new Accepted(identity, null);
    }

    /** The credentials prove {@code identity} provided that {@code bodyCheck} accepts the body once it is read. */
    static Authentication accepted(CallerIdentity identity, BodyCheck bodyCheck) {
        return new Accepted(identity, bodyCheck);
    }

    /** See {@link #notApplicable()}. */
    enum NotApplicable implements Authentication {
        /** The one instance. */
        INSTANCE
    }

    /**
     * See {@link #refused(String)}.
     *
     * @param reason why, for the caller and the log: never the presented credential, never input echoed at length
     */
    record Refused(String reason) implements Authentication {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * See {@link #forbidden(CallerIdentity, String)}.
     *
     * @param identity who is calling
     * @param reason   why it may do nothing, for the caller and the log: never the presented credential
     */
    record Forbidden(CallerIdentity identity, String reason) implements Authentication {
        public Forbidden {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * See {@link #accepted(CallerIdentity, BodyCheck)}.
     *
     * @param identity  who is calling
     * @param bodyCheck checks the body (a signature over it, its declared hash), or {@code null} for none
     */
    record Accepted(CallerIdentity identity, @Nullable BodyCheck bodyCheck) implements Authentication {
        public Accepted {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /** A check of the request body that completes an authentication (for example an HMAC over it). */
    @FunctionalInterface
    interface BodyCheck {
        /**
         * @param body the whole body, possibly empty, never {@code null}
         * @return {@code null} if the body is acceptable, otherwise why not (the request gets 401)
         */
        @Nullable String refusal(byte[] body);
    }
}
