package io.canarykit.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link IssuerPool#of}: fixed issuers, round robin per kind, no quota tracking. */
final class StaticIssuerPool implements IssuerPool {
    private final List<CanaryIssuer> issuers;
    private final AtomicInteger next = new AtomicInteger();

    StaticIssuerPool(List<CanaryIssuer> issuers) {
        if (issuers.isEmpty()) {
            throw new CanaryConfigurationException("an issuer pool needs at least one issuer");
        }
        Set<String> seen = new HashSet<>();
        for (CanaryIssuer i : issuers) {
            if (!seen.add(i.kind() + "/" + i.accountId())) {
                throw new CanaryConfigurationException("two " + i.name() + " issuers for account " + i.accountId()
                        + ": give each account one issuer per kind");
            }
        }
        this.issuers = List.copyOf(issuers);
    }

    @Override
    public Reservation reserve(CredentialKind kind, Set<String> excludedAccounts) {
        List<CanaryIssuer> candidates = new ArrayList<>();
        for (CanaryIssuer i : issuers) {
            if (i.kind() == kind) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            throw new CanaryConfigurationException("no " + kind.configName() + " issuer is configured; add one to the pool");
        }
        int start = Math.floorMod(next.getAndIncrement(), candidates.size());
        for (int k = 0; k < candidates.size(); k++) {
            CanaryIssuer i = candidates.get((start + k) % candidates.size());
            if (!excludedAccounts.contains(i.accountId())) {
                return new Reservation() {
                    @Override
                    public CanaryIssuer issuer() {
                        return i;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        }
        throw new QuotaExhaustedException("every account with a " + kind.configName() + " issuer is full: "
                + excludedAccounts + "; add an issuing account to the pool or revoke unused canaries", List.of());
    }

    @Override
    public Optional<CanaryIssuer> issuerFor(CredentialKind kind, String accountId) {
        for (CanaryIssuer i : issuers) {
            if (i.kind() == kind && i.accountId().equals(accountId)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<CanaryIssuer> issuers() {
        return issuers;
    }

    @Override
    public String toString() {
        return "IssuerPool" + issuers.stream().map(i -> i.name() + "@" + i.accountId()).toList();
    }
}
