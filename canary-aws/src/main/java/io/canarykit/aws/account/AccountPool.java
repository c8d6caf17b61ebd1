package io.canarykit.aws.account;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuerPool;
import io.canarykit.issue.QuotaExhaustedException;
import io.canarykit.store.CanaryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.model.SummaryKeyType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Several issuing accounts, each with its own clients and issuers, with quota tracking: for each long-term canary it
 * picks the account with the most headroom, where headroom comes from AWS's {@code UsersQuota} (5,000 users per
 * account; each canary user holds one of its 2 allowed keys), the users AWS counts ({@code GetAccountSummary}, read at
 * most once per {@link Builder#summaryTtl}), the live canaries the store counts, and the reservations of issuances
 * still running. When every account is full it fails with a {@link QuotaExhaustedException} listing each account's
 * usage. Short-term canaries have no quota: the account with the fewest issuances in flight is taken.
 *
 * <p>Use it as the {@link io.canarykit.issue.AtomicIssuance}'s pool, which also checks that every new key decodes to one
 * of the pool's accounts. Thread-safe.
 */
public final class AccountPool implements IssuerPool {
    private static final Logger LOG = LoggerFactory.getLogger(AccountPool.class);
    /** IAM users per account when AWS does not say. */
    public static final int DEFAULT_USERS_QUOTA = 5000;
    /** Access keys per IAM user when AWS does not say. */
    public static final int DEFAULT_KEYS_PER_USER = 2;

    private final List<IssuingAccount> accounts;
    private final CanaryStore store;
    private final Clock clock;
    private final Duration summaryTtl;
    private final Map<String, State> states = new HashMap<>();

    private static final class State {
        int usersQuota = DEFAULT_USERS_QUOTA;
        int keysPerUser = DEFAULT_KEYS_PER_USER;
        long awsUsers = -1;
        long liveAtSummary;
        Instant summaryAt = Instant.MIN;
        Instant fullUntil = Instant.MIN;
        int inFlight;
        boolean warned;
    }

    private AccountPool(Builder b) {
        this.accounts = List.copyOf(b.accounts.values());
        this.store = b.store;
        this.clock = b.clock;
        this.summaryTtl = b.summaryTtl;
        for (IssuingAccount a : accounts) {
            states.put(a.accountId(), new State());
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The accounts, in the order added. */
    public List<IssuingAccount> accounts() {
        return accounts;
    }

    @Override
    public Reservation reserve(CredentialKind kind, Set<String> excludedAccounts) {
        Objects.requireNonNull(kind, "kind");
        List<IssuingAccount> candidates = new ArrayList<>();
        for (IssuingAccount a : accounts) {
            if (a.issuer(kind) != null) {
                candidates.add(a);
            }
        }
        if (candidates.isEmpty()) {
            throw new CanaryConfigurationException("no account in the pool has a " + kind.configName()
                    + " issuer; add one");
        }
        synchronized (states) {
            IssuingAccount best = null;
            long bestRoom = Long.MIN_VALUE;
            List<String> lines = new ArrayList<>();
            for (IssuingAccount a : candidates) {
                if (excludedAccounts.contains(a.accountId())) {
                    lines.add(a.accountId() + ": skipped (AWS reported it full during this issuance)");
                    continue;
                }
                long room;
                if (kind.isLongTerm()) {
                    AccountQuota q = quota(a);
                    lines.add(q.describe());
                    room = q.headroom();
                    if (room <= 0) {
                        continue;
                    }
                } else {
                    room = -states.get(a.accountId()).inFlight;
                }
                if (room > bestRoom) {
                    best = a;
                    bestRoom = room;
                }
            }
            if (best == null) {
                throw new QuotaExhaustedException("every account with a " + kind.configName() + " issuer is full ("
                        + String.join("; ", lines) + "): add an issuing account to the pool, or revoke canaries that"
                        + " are no longer planted", lines);
            }
            State s = states.get(best.accountId());
            s.inFlight++;
            CanaryIssuer issuer = best.issuer(kind);
            LOG.debug("reserved {} in {} (headroom {})", kind.configName(), best.accountId(), bestRoom);
            AtomicBoolean released = new AtomicBoolean();
            return new Reservation() {
                @Override
                public CanaryIssuer issuer() {
                    return issuer;
                }

                @Override
                public void close() {
                    if (released.compareAndSet(false, true)) {
                        synchronized (states) {
                            s.inFlight--;
                        }
                    }
                }
            };
        }
    }

    @Override
    public Optional<CanaryIssuer> issuerFor(CredentialKind kind, String accountId) {
        for (IssuingAccount a : accounts) {
            if (a.accountId().equals(accountId)) {
                return Optional.ofNullable(a.issuer(kind));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<CanaryIssuer> issuers() {
        List<CanaryIssuer> out = new ArrayList<>();
        for (IssuingAccount a : accounts) {
            out.addAll(a.issuers());
        }
        return out;
    }

    @Override
    public void quotaExceeded(CanaryIssuer issuer) {
        synchronized (states) {
            State s = states.get(issuer.accountId());
            if (s != null) {
                s.fullUntil = clock.instant().plus(summaryTtl);
                s.summaryAt = Instant.MIN;
                LOG.debug("account {} is full for {} by AWS's answer", issuer.accountId(), issuer.name());
            }
        }
    }

    /** Every account's room for long-term canaries now (reads {@code GetAccountSummary} where stale). */
    public List<AccountQuota> quotas() {
        synchronized (states) {
            List<AccountQuota> out = new ArrayList<>();
            for (IssuingAccount a : accounts) {
                out.add(quota(a));
            }
            return out;
        }
    }

    /** Must hold the lock. */
    private AccountQuota quota(IssuingAccount a) {
        State s = states.get(a.accountId());
        Instant now = clock.instant();
        long live = store.countLive(a.accountId());
        if (a.iam() != null && !s.summaryAt.plus(summaryTtl).isAfter(now)) {
            try {
                Map<SummaryKeyType, Integer> m = a.iam().getAccountSummary().summaryMap();
                s.usersQuota = m.getOrDefault(SummaryKeyType.USERS_QUOTA, DEFAULT_USERS_QUOTA);
                s.keysPerUser = m.getOrDefault(SummaryKeyType.ACCESS_KEYS_PER_USER_QUOTA, DEFAULT_KEYS_PER_USER);
                s.awsUsers = m.getOrDefault(SummaryKeyType.USERS, -1);
                s.liveAtSummary = live;
                s.summaryAt = now;
                s.warned = false;
            } catch (SdkException e) {
                if (!s.warned) {
                    LOG.warn("GetAccountSummary failed for account {} ({}); counting its users from the store alone",
                            a.accountId(), e.getMessage());
                    s.warned = true;
                }
                s.summaryAt = now;
            }
        }
        long used = live;
        if (s.awsUsers >= 0) {
            used = Math.max(live, s.awsUsers + Math.max(0, live - s.liveAtSummary));
        }
        boolean full = s.fullUntil.isAfter(now);
        long room = s.keysPerUser < 1 || full ? 0 : s.usersQuota - used - s.inFlight;
        if (a.maxCanaryUsers() != null) {
            room = Math.min(room, a.maxCanaryUsers() - live - s.inFlight);
        }
        return new AccountQuota(a.accountId(), s.usersQuota, s.awsUsers < 0 ? -1 : used, live, s.inFlight, s.keysPerUser,
                a.maxCanaryUsers() == null ? -1 : a.maxCanaryUsers(), full, Math.max(0, room));
    }

    @Override
    public String toString() {
        return "AccountPool" + accounts.stream().map(IssuingAccount::accountId).toList();
    }

    /** Builder for {@link AccountPool}. */
    public static final class Builder {
        private final Map<String, IssuingAccount> accounts = new LinkedHashMap<>();
        private CanaryStore store;
        private Clock clock = Clock.systemUTC();
        private Duration summaryTtl = Duration.ofMinutes(5);

        private Builder() {
        }

        /** Adds an account. */
        public Builder account(IssuingAccount account) {
            Objects.requireNonNull(account, "account");
            if (accounts.putIfAbsent(account.accountId(), account) != null) {
                throw new CanaryConfigurationException("account " + account.accountId() + " is in the pool twice");
            }
            return this;
        }

        /** The store whose live canaries count against each account's quota (required). */
        public Builder store(CanaryStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The clock (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long a {@code GetAccountSummary} answer is used before it is read again (default 5 minutes). */
        public Builder summaryTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative()) {
                throw new CanaryConfigurationException("the summary TTL must not be negative, was " + ttl);
            }
            this.summaryTtl = ttl;
            return this;
        }

        /**
         * Builds the pool.
         *
         * @throws CanaryConfigurationException without accounts or a store
         */
        public AccountPool build() {
            if (accounts.isEmpty() || store == null) {
                throw new CanaryConfigurationException("an account pool needs at least one account and a store");
            }
            return new AccountPool(this);
        }
    }
}
