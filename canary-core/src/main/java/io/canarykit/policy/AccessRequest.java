package io.canarykit.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One request to evaluate: who calls which action on which resource, with which context keys.
 *
 * @param principalArn     the caller as {@code GetCallerIdentity} shows it: an IAM user
 *                         ({@code arn:aws:iam::111122223333:user/path/name}), an assumed-role session
 *                         ({@code arn:aws:sts::111122223333:assumed-role/role/session}), a federated user
 *                         ({@code arn:aws:sts::111122223333:federated-user/name}), a role, the account root, a service
 *                         principal name ({@code ec2.amazonaws.com}) or {@code anonymous}
 * @param principalAccount the caller's account; derived from the ARN when {@code null}
 * @param action           the action, such as {@code s3:GetObject}
 * @param resource         the resource ARN, or {@code *} for actions without resource-level permissions
 * @param resourceAccount  the account that owns the resource; derived from the resource ARN, or the caller's
 *                         account when the ARN has none (S3), when {@code null}
 * @param context          context keys (case-insensitive) and their values; multi-valued keys have several. The
 *                         simulator adds {@code aws:PrincipalArn}, {@code aws:PrincipalAccount},
 *                         {@code aws:PrincipalType}, {@code aws:username}, {@code aws:CurrentTime} and
 *                         {@code aws:EpochTime} when they are absent.
 *
 * @since 0.1.0
 */
public record AccessRequest(String principalArn, @Nullable String principalAccount, String action, String resource,
                            @Nullable String resourceAccount, Map<String, List<String>> context) {

    public AccessRequest {
        Objects.requireNonNull(principalArn, "principalArn");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        if (action.indexOf(':') <= 0 && !action.equals("*")) {
            throw new IllegalArgumentException("action '" + action + "' is not service:Action, such as s3:GetObject");
        }
        if (principalAccount == null) {
            principalAccount = Arns.account(principalArn);
        }
        if (resourceAccount == null) {
            String fromArn = Arns.account(resource);
            resourceAccount = fromArn == null ? principalAccount : fromArn;
        }
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (context != null) {
            context.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "context key"), List.copyOf(v)));
        }
        context = Collections.unmodifiableMap(copy);
    }

    /** A request without context keys. */
    public static AccessRequest of(String principalArn, String action, String resource) {
        return new AccessRequest(principalArn, null, action, resource, null, Map.of());
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder().principalArn(principalArn).principalAccount(principalAccount).action(action)
                .resource(resource).resourceAccount(resourceAccount);
        context.forEach((k, v) -> b.context.put(k, new ArrayList<>(v)));
        return b;
    }

    /** The same request for another action and resource. */
    public AccessRequest with(String action, String resource) {
        return new AccessRequest(principalArn, principalAccount, action, resource, null, context);
    }

    /** The values of a context key (case-insensitive), empty if absent. */
    public List<String> contextValues(String key) {
        return context.getOrDefault(key, List.of());
    }

    /**
     * Builds an {@link AccessRequest}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable String principalArn;
        private @Nullable String principalAccount;
        private @Nullable String action;
        private String resource = "*";
        private @Nullable String resourceAccount;
        private final Map<String, List<String>> context = new LinkedHashMap<>();

        private Builder() {
        }

        /** The caller's ARN. */
        public Builder principalArn(String principalArn) {
            this.principalArn = principalArn;
            return this;
        }

        /** The caller's account (derived from the ARN if not set). */
        public Builder principalAccount(@Nullable String principalAccount) {
            this.principalAccount = principalAccount;
            return this;
        }

        /** The action. */
        public Builder action(String action) {
            this.action = action;
            return this;
        }

        /** The resource ARN ({@code *} if not set). */
        public Builder resource(String resource) {
            this.resource = resource;
            return this;
        }

        /** The resource owner's account (derived if not set). */
        public Builder resourceAccount(@Nullable String resourceAccount) {
            this.resourceAccount = resourceAccount;
            return this;
        }

        /** Sets a context key to one or more values (several for a multi-valued key). */
        public Builder context(String key, String... values) {
            context.put(key, List.of(values));
            return this;
        }

        /** Sets a context key to a list of values. */
        public Builder context(String key, List<String> values) {
            context.put(key, List.copyOf(values));
            return this;
        }

        /** The request. */
        public AccessRequest build() {
            // The same NullPointerException, with the same message, that the constructor throws for a missing value.
            return new AccessRequest(Objects.requireNonNull(principalArn, "principalArn"), principalAccount,
                    Objects.requireNonNull(action, "action"), resource, resourceAccount, context);
        }
    }
}
