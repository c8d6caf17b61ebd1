package io.canarykit.aws.account;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.issue.CanaryIssuer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.iam.IamClient;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One account of an {@link AccountPool}: its issuers (at most one per kind, all in this account), the IAM client the
 * pool reads {@code GetAccountSummary} with, and an optional cap on canary users.
 *
 * @param accountId      the 12-digit account id
 * @param iam            the account's IAM client for quota reads, or {@code null} to rely on the store alone
 * @param issuers        the account's issuers, at least one
 * @param maxCanaryUsers at most this many live long-term canaries here (to leave room for real users), or
 *                       {@code null} for no cap below AWS's quota
 *
 * @since 0.1.0
 */
public record IssuingAccount(String accountId, @Nullable IamClient iam, List<CanaryIssuer> issuers,
                             @Nullable Integer maxCanaryUsers) {
    public IssuingAccount {
        Principal.requireAccount(accountId);
        issuers = List.copyOf(Objects.requireNonNull(issuers, "issuers"));
        if (issuers.isEmpty()) {
            throw new CanaryConfigurationException("account " + accountId + " has no issuer");
        }
        Set<CredentialKind> kinds = EnumSet.noneOf(CredentialKind.class);
        for (CanaryIssuer i : issuers) {
            if (!i.accountId().equals(accountId)) {
                throw new CanaryConfigurationException("the " + i.name() + " issuer works in account " + i.accountId()
                        + ", not " + accountId + ": give each account its own issuers");
            }
            if (!kinds.add(i.kind())) {
                throw new CanaryConfigurationException("account " + accountId + " has two " + i.name() + " issuers");
            }
        }
        if (maxCanaryUsers != null && maxCanaryUsers < 0) {
            throw new CanaryConfigurationException("maxCanaryUsers must not be negative, was " + maxCanaryUsers);
        }
    }

    /** An account without a cap. */
    public static IssuingAccount of(String accountId, IamClient iam, CanaryIssuer... issuers) {
        return new IssuingAccount(accountId, iam, List.of(issuers), null);
    }

    /** The issuer of {@code kind}, or {@code null}. */
    public @Nullable CanaryIssuer issuer(CredentialKind kind) {
        for (CanaryIssuer i : issuers) {
            if (i.kind() == kind) {
                return i;
            }
        }
        return null;
    }
}
