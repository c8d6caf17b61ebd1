package io.canarykit.aws.account;

import io.canarykit.Asset;
import io.canarykit.CredentialKind;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuerPool;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link AccountPool} over the member accounts of an organisation, each reached through
 * {@link MemberAccountClients}: what {@code canary.pool=organization} builds. It owns the member clients (and whatever
 * else it was given to close) and closes them with itself. Thread-safe.
 *
 * @since 0.1.0
 */
public final class OrganizationPool implements IssuerPool, AutoCloseable {
    private final AccountPool pool;
    private final OrganizationAccounts.Discovery discovery;
    private final MemberAccountClients clients;
    private final List<AutoCloseable> owned;

    /**
     * A pool over {@code pool}'s accounts.
     *
     * @param pool      the account pool (one {@link IssuingAccount} per member account)
     * @param discovery what discovery found, for reports
     * @param clients   the member clients the issuers use
     * @param owned     more resources to close with the pool (the central STS client, ...)
     */
    public OrganizationPool(AccountPool pool, OrganizationAccounts.Discovery discovery, MemberAccountClients clients,
                            List<? extends AutoCloseable> owned) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.owned = List.copyOf(owned);
    }

    /** The account pool. */
    public AccountPool accountPool() {
        return pool;
    }

    /** The accounts in use and those skipped, as discovery found them. */
    public OrganizationAccounts.Discovery discovery() {
        return discovery;
    }

    /** The member-account clients (shared with the detectors built for the same role). */
    public MemberAccountClients clients() {
        return clients;
    }

    @Override
    public Reservation reserve(CredentialKind kind, Set<String> excludedAccounts) {
        return pool.reserve(kind, excludedAccounts);
    }

    @Override
    public Reservation reserve(CredentialKind kind, @Nullable Asset asset, Set<String> excludedAccounts) {
        return pool.reserve(kind, asset, excludedAccounts);
    }

    @Override
    public Optional<CanaryIssuer> issuerFor(CredentialKind kind, String accountId) {
        return pool.issuerFor(kind, accountId);
    }

    @Override
    public List<CanaryIssuer> issuers() {
        return pool.issuers();
    }

    @Override
    public Set<String> accountIds() {
        return pool.accountIds();
    }

    @Override
    public void quotaExceeded(CanaryIssuer issuer) {
        pool.quotaExceeded(issuer);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(clients);
        all.addAll(owned);
        RuntimeException first = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing the organisation pool failed: " + e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "OrganizationPool[" + discovery.accounts().size() + " accounts, " + discovery.skipped().size()
                + " skipped]";
    }
}
