package io.canarykit.aws.account;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuerPool;
import io.canarykit.issue.QuotaExhaustedException;
import io.canarykit.store.CanaryStore;
import org.jspecify.annotations.Nullable;
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
import java.util.Comparator;

/**
 * Several issuing accounts, each with its own clients and issuers, with quota tracking: for each long-term canary it
 * picks the account with the most headroom, where headroom comes from AWS's {@code UsersQuota} (5,000 users per
 * account; each canary user holds one of its 2 allowed keys), the users AWS counts ({@code GetAccountSummary}, read at
 * most once per {@link Builder#summaryTtl}), the live canaries the store counts, and the reservations of issuances
 * still running. When every account is full it fails with a {@link QuotaExhaustedException} listing each account's
 * usage. Short-term canaries have no quota: the account with the fewest issuances in flight is taken. An
 * {@link AccountRule} may name the account for an asset first (its own workload account, for plausibility).
 *
 * <p>Use it as the {@link io.canarykit.issue.AtomicIssuance}'s pool, which also checks that every new key decodes to one
 * of the pool's accounts. Thread-safe.
 *
 * @since 0.1.0
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
    private final AccountRule rule;
    private final Map<String, State> states = new HashMap<>();

    private static final class State {
        int usersQuota = DEFAULT_USERS_QUOTA;
        int keysPerUser = DEFAULT_KEYS_PER_USER;
        long awsUsers = -1;
        long liveAtSummary;
        Instant summaryAt = Instant.MIN;
        Instant fullUntil = Instant.MIN;
        int inFlight;
        long lastLive;
        boolean warned;
    }

    private AccountPool(Builder b) {
        this.accounts = List.copyOf(b.accounts.values());
        this.store = Objects.requireNonNull(b.store, "store"); // build() checked it
        this.clock = b.clock;
        this.summaryTtl = b.summaryTtl;
        this.rule = b.rule;
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
        return reserve(kind, null, excludedAccounts);
    }

    /**
     * Reserves room in the account the {@link Builder#accountRule account rule} names for {@code asset} when it is in
     * the pool, not excluded and has room; otherwise in the account with the most headroom. Long-term headroom is read
     * lazily: accounts are visited from the largest room the pool last knew, and AWS's count
     * ({@code GetAccountSummary}) is read only until no account left could beat the best one found, so an organisation of
     * a thousand accounts does not cost a thousand calls per canary.
     */
    @Override
    public Reservation reserve(CredentialKind kind, @Nullable Asset asset, Set<String> excludedAccounts) {
        Objects.requireNonNull(kind, "kind");
        List<IssuingAccount> candidates = new ArrayList<>();
        for (IssuingAccount a : accounts) {
            if (a.issuer(kind) != null) {
                candidates.add(a);
            }
        }
        if (candidates.isEmpty()) {
            throw new CanaryConfigurationException("no account in the pool has a " + kind.configName() + " issuer; add one");
        }
        synchronized (states) {
            IssuingAccount best = null;
            long bestRoom = Long.MIN_VALUE;
            List<String> lines = new ArrayList<>();
            Optional<String> preferred = rule.accountFor(asset);
            if (preferred.isPresent()) {
                IssuingAccount p = null;
                for (IssuingAccount a : candidates) {
                    if (a.accountId().equals(preferred.get())) {
                        p = a;
                    }
                }
                if (p == null) {
                    LOG.debug("the account rule names {} for {}, which has no {} issuer in the pool; using headroom",
                            preferred.get(), asset == null ? "?" : asset.ref(), kind.configName());
                } else if (!excludedAccounts.contains(p.accountId())) {
                    long room = kind.isLongTerm() ? quota(p).headroom() : 1;
                    if (room > 0) {
                        best = p;
                        bestRoom = room;
                    } else {
                        LOG.debug("the account rule names {} for {}, which is full; using headroom", p.accountId(),
                                asset == null ? "?" : asset.ref());
                    }
                }
            }
            if (best == null) {
                List<IssuingAccount> order = new ArrayList<>(candidates);
                if (kind.isLongTerm()) {
                    order.sort(Comparator.comparingLong(this::optimisticRoom).reversed());
                }
                int unread = 0;
                for (IssuingAccount a : order) {
                    if (excludedAccounts.contains(a.accountId())) {
                        lines.add(a.accountId() + ": skipped (AWS reported it full during this issuance)");
                        continue;
                    }
                    long room;
                    if (kind.isLongTerm()) {
                        if (best != null && bestRoom >= optimisticRoom(a)) {
                            unread++;
                            continue;
                        }
                        AccountQuota q = quota(a);
                        lines.add(q.describe());
                        room = q.headroom();
                        if (room <= 0) {
                            continue;
                        }
                    } else {
                        room = -state(a).inFlight;
                    }
                    if (room > bestRoom) {
                        best = a;
                        bestRoom = room;
                    }
                }
                if (unread > 0) {
                    LOG.debug("{} account(s) not read: none could have more room than {}", unread, bestRoom);
                }
            }
            if (best == null) {
                throw new QuotaExhaustedException("every account with a " + kind.configName() + " issuer is full ("
                        + String.join("; ", lines) + "): add an issuing account to the pool, or revoke canaries that"
                        + " are no longer planted", lines);
            }
            State s = state(best);
            s.inFlight++;
            // only accounts with an issuer of this kind are candidates
            CanaryIssuer issuer = Objects.requireNonNull(best.issuer(kind), "issuer");
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

    /**
     * An upper bound of an account's long-term room from what the pool last saw (no AWS or store call): the last room
     * computed while it is fresh, else the quota minus the canaries counted last time and those in flight. Must hold
     * the lock.
     */
    private long optimisticRoom(IssuingAccount a) {
        State s = state(a);
        if (s.fullUntil.isAfter(clock.instant())) {
            return 0;
        }
        long room = (long) s.usersQuota - s.lastLive - s.inFlight;
        if (a.maxCanaryUsers() != null) {
            room = Math.min(room, a.maxCanaryUsers() - s.lastLive - s.inFlight);
        }
        return room;
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

    /** The state of an account of the pool (every account has one from the start). Must hold the lock. */
    private State state(IssuingAccount a) {
        State s = states.get(a.accountId());
        if (s == null) {
            throw new IllegalStateException("account " + a.accountId() + " is not in the pool");
        }
        return s;
    }

    /** Must hold the lock. */
    private AccountQuota quota(IssuingAccount a) {
        State s = state(a);
        Instant now = clock.instant();
        long live = store.countLive(a.accountId());
        s.lastLive = live;
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

    /**
     * Builder for {@link AccountPool}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Map<String, IssuingAccount> accounts = new LinkedHashMap<>();
        private @Nullable CanaryStore store;
        private Clock clock = Clock.systemUTC();
        private Duration summaryTtl = Duration.ofMinutes(5);
        private AccountRule rule = AccountRule.none();

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
         * Which account an asset's canary should come from (default {@link AccountRule#none()}: headroom decides).
         * An account it names that is not in the pool, or is full, falls back to headroom.
         */
        public Builder accountRule(AccountRule v) {
            this.rule = Objects.requireNonNull(v, "accountRule");
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
