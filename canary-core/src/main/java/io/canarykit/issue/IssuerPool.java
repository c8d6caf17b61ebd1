package io.canarykit.issue;

import io.canarykit.Asset;
import io.canarykit.CredentialKind;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The issuers an {@link AtomicIssuance} may use: one or more issuing accounts, each with its issuers. It picks the
 * account with headroom for each new canary and finds the issuer that made an existing one.
 *
 * <p>{@code canary-aws}'s {@code AccountPool} tracks quotas per account; {@link #of(CanaryIssuer...)} is a simple
 * pool without quota tracking. Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface IssuerPool {

    /**
     * Reserves room for one canary of {@code kind} in the account with the most headroom, skipping
     * {@code excludedAccounts}. The reservation counts against the account until it is closed.
     *
     * @throws QuotaExhaustedException        if every account that has an issuer of {@code kind} is full
     * @throws io.canarykit.CanaryConfigurationException if the pool has no issuer of {@code kind}
     */
    Reservation reserve(CredentialKind kind, Set<String> excludedAccounts);

    /**
     * Reserves room for one canary of {@code kind} for {@code asset}: a pool may prefer an account by the asset (its own
     * workload account, for plausibility) before headroom. The default ignores the asset.
     *
     * @param asset the asset the canary is for, or {@code null} when unknown
     */
    default Reservation reserve(CredentialKind kind, @Nullable Asset asset, Set<String> excludedAccounts) {
        return reserve(kind, excludedAccounts);
    }

    /** {@link #reserve(CredentialKind, Set)} without exclusions. */
    default Reservation reserve(CredentialKind kind) {
        return reserve(kind, Set.of());
    }

    /** The issuer of {@code kind} for {@code accountId}, if the pool has one. */
    Optional<CanaryIssuer> issuerFor(CredentialKind kind, String accountId);

    /** Every issuer, in a stable order. */
    List<CanaryIssuer> issuers();

    /** The accounts of the pool: the only accounts a new credential may come from. */
    default Set<String> accountIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (CanaryIssuer i : issuers()) {
            ids.add(i.accountId());
        }
        return Set.copyOf(ids);
    }

    /** Told when AWS refused a canary because {@code issuer}'s account is out of quota, so it is skipped for a while. */
    default void quotaExceeded(CanaryIssuer issuer) {
    }

    /** Room for one canary in one account, held from before the intent is recorded until issuance ends. */
    interface Reservation extends AutoCloseable {
        /** The issuer to use. */
        CanaryIssuer issuer();

        /** Releases the reservation; idempotent. */
        @Override
        void close();
    }

    /** A pool of fixed issuers without quota tracking; for each kind it takes the issuers in turn. */
    static IssuerPool of(CanaryIssuer... issuers) {
        return new StaticIssuerPool(List.of(issuers));
    }

    /** A pool of fixed issuers without quota tracking; for each kind it takes the issuers in turn. */
    static IssuerPool of(List<? extends CanaryIssuer> issuers) {
        return new StaticIssuerPool(List.copyOf(issuers));
    }
}
