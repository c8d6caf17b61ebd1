package io.canarykit.issue;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.fingerprint.FingerprintContext;
import io.canarykit.fingerprint.FingerprintGate;
import io.canarykit.fingerprint.FingerprintReport;
import io.canarykit.fingerprint.FingerprintTarget;
import io.canarykit.fingerprint.FingerprintedCanaryException;
import io.canarykit.fingerprint.KeyId;
import io.canarykit.fingerprint.KeyIds;
import io.canarykit.fingerprint.KnownCanaryAccount;
import io.canarykit.fingerprint.KnownCanaryAccounts;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.DuplicateCanaryException;
import io.canarykit.store.Page;
import io.canarykit.store.StaleVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Issues canaries so that no failure and no crash leaves an AWS principal without a live record, or a live record
 * without its principal.
 *
 * <p><b>Issue.</b> The pool reserves an account; the intent is written to the store as a {@code PENDING} record
 * naming the principal to be created (write-ahead, before the first AWS write); the issuer creates the principal and
 * its credential; the record becomes {@code ACTIVE} by compare-and-set. If AWS or the store fails, what was created is
 * removed at once and the record is closed as {@code FAILED}; if even that fails (or the process dies), the record
 * stays {@code PENDING} and {@link #recover()} finishes the job. The secret is handed out only after the record is
 * {@code ACTIVE}.
 *
 * <p><b>Check.</b> Before activation, every canary passes two checks. The account decoded from its key id must be
 * one of the pool's and must not be on a list of known canary vendors' accounts: a canary that fails is always
 * refused. Then the {@link FingerprintGate} looks for anything else that gives it away (tell-tale names, paths, a
 * long-term key among short-term ones, ...) and, by its mode, refuses it or returns its report with the canary.
 *
 * <p><b>Revoke.</b> The intent to revoke is recorded first (the record stays live, with
 * {@link IssuanceAttributes#REVOCATION_REQUESTED_AT}); then AWS is cleaned; then the record is closed.
 *
 * <p><b>Recover.</b> {@link #recover()} takes over pending intents and half-done revocations older than the minimum
 * age and removes whatever exists in AWS for them. It claims each intent by compare-and-set first, so an issuance that
 * was merely slow loses its activation and undoes itself. "Not found" in AWS is trusted only for records older than
 * the minimum age, because IAM is eventually consistent: a principal created moments ago may not be visible yet.
 * {@link #sweep()} lists what the issuers made and removes principals whose records are all closed (the residue of an
 * undo that died), after checking that each was created for that very record.
 *
 * <p>Thread-safe. Build with {@link #builder()}.
 *
 * @since 0.1.0
 */
public final class AtomicIssuance {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicIssuance.class);
    /** The default minimum age before a pending intent is recovered (as in HashiCorp Vault's AWS engine). */
    public static final Duration DEFAULT_MINIMUM_AGE = Duration.ofMinutes(5);
    private static final int CAS_ATTEMPTS = 16;
    /** The record attribute holding the fingerprint verdict ({@code clean}, {@code suspicious}, ...). */
    public static final String FINGERPRINT_VERDICT = "canarykit.fingerprint.verdict";

    private final CanaryStore store;
    private final IssuerPool pool;
    private final Clock clock;
    private final Duration minimumAge;
    private final int maxNameAttempts;
    private final ThreadFactory threadFactory;
    private final List<IssuanceCheck> checks;
    private final FingerprintGate fingerprintGate;
    private final KnownCanaryAccounts knownAccounts;

    private AtomicIssuance(Builder b) {
        // build() has refused a builder without these two
        this.store = Objects.requireNonNull(b.store, "store");
        this.pool = Objects.requireNonNull(b.pool, "pool");
        this.clock = b.clock;
        this.minimumAge = b.minimumAge;
        this.maxNameAttempts = b.maxNameAttempts;
        this.threadFactory = b.threadFactory != null ? b.threadFactory : defaultThreadFactory();
        this.checks = List.copyOf(b.checks);
        this.fingerprintGate = b.fingerprintGate != null ? b.fingerprintGate : FingerprintGate.builder().build();
        this.knownAccounts = b.knownAccounts != null ? b.knownAccounts : KnownCanaryAccounts.bundled();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The pool this coordinator issues from. */
    public IssuerPool pool() {
        return pool;
    }

    /** The minimum age before a pending intent counts as abandoned. */
    public Duration minimumAge() {
        return minimumAge;
    }

    // ------------------------------------------------------------------------------------------------------ issue

    /**
     * Issues one canary for a ready-made request (its kind is {@code request.policies().kind()}). A name collision is
     * not retried, since the request fixes the name; use {@link #issue(CredentialKind, IssueRequestFactory)} for that.
     *
     * @return the {@code ACTIVE} record and the credential
     * @throws CanaryConfigurationException if the request is invalid; nothing was written
     * @throws QuotaExhaustedException      if every account is full; nothing was written
     * @throws IssuanceException            if issuance failed; see {@link IssuanceException#cleanedUp()}
     */
    public IssuanceResult issue(IssueRequest request) {
        Objects.requireNonNull(request, "request");
        return issue(request.policies().kind(), (issuer, attempt) -> attempt == 0 ? request : null);
    }

    /**
     * Issues one canary of {@code kind}. The pool picks the account; {@code factory} builds the request for it (so
     * names and policies fit that account); a name collision asks the factory again with the next attempt number, and
     * an account that AWS reports full is skipped for the next one.
     *
     * @return the {@code ACTIVE} record and the credential
     * @throws CanaryConfigurationException if a request is invalid; nothing was written for it
     * @throws QuotaExhaustedException      if every account is full
     * @throws IssuanceException            if issuance failed; see {@link IssuanceException#cleanedUp()}
     */
    public IssuanceResult issue(CredentialKind kind, IssueRequestFactory factory) {
        return issue(kind, null, factory);
    }

    /**
     * Issues one canary of {@code kind} for {@code asset}: as {@link #issue(CredentialKind, IssueRequestFactory)}, with
     * the asset handed to the pool so it can prefer the asset's own account
     * ({@link IssuerPool#reserve(CredentialKind, Asset, Set)}).
     *
     * @param asset the asset the canary is for, or {@code null}
     */
    public IssuanceResult issue(CredentialKind kind, @Nullable Asset asset, IssueRequestFactory factory) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(factory, "factory");
        Set<String> excluded = new HashSet<>();
        Set<CanaryId> usedIds = new HashSet<>();
        int nameAttempt = 0;
        IssuanceException last = null;
        while (true) {
            try (IssuerPool.Reservation reservation = pool.reserve(kind, asset, excluded)) {
                CanaryIssuer issuer = reservation.issuer();
                IssueRequest request = factory.create(issuer, nameAttempt);
                if (request == null) {
                    if (last != null) {
                        throw last;
                    }
                    throw new CanaryConfigurationException("the request factory returned no request for "
                            + kind.configName() + " in account " + issuer.accountId());
                }
                if (request.policies().kind() != kind) {
                    throw new CanaryConfigurationException("the request for canary " + request.canaryId() + " carries "
                            + request.policies().kind().configName() + " policies, but a " + kind.configName()
                            + " canary was asked for: harden the policies for " + kind.configName());
                }
                if (!usedIds.add(request.canaryId())) {
                    request = withId(request, CanaryId.generate(clock));
                    usedIds.add(request.canaryId());
                }
                try {
                    return issueWith(issuer, request);
                } catch (IssuanceException e) {
                    last = e;
                    if (e.cleanedUp() && e.reason() == CanaryIssuerException.Reason.NAME_TAKEN
                            && nameAttempt + 1 < maxNameAttempts) {
                        LOG.debug("name {} is taken in {}; asking for another", request.principalName(),
                                issuer.accountId());
                        nameAttempt++;
                        continue;
                    }
                    if (e.cleanedUp() && e.reason() == CanaryIssuerException.Reason.QUOTA_EXCEEDED) {
                        LOG.debug("account {} is full for {}; trying another", issuer.accountId(), kind.configName());
                        pool.quotaExceeded(issuer);
                        excluded.add(issuer.accountId());
                        continue;
                    }
                    throw e;
                }
            } catch (QuotaExhaustedException e) {
                if (last != null) {
                    e.addSuppressed(last);
                }
                throw e;
            }
        }
    }

    /**
     * Issues many canaries at once with at most {@code parallelism} in flight (threads from the builder's thread
     * factory, stopped before this returns). The SDK clients' retry strategy handles throttling; use the adaptive one.
     *
     * @return one outcome per request, in request order
     */
    public List<BulkOutcome> issueAll(List<IssueRequest> requests, int parallelism) {
        List<IssueRequestFactory> factories = new ArrayList<>();
        List<CredentialKind> kinds = new ArrayList<>();
        for (IssueRequest r : requests) {
            factories.add((issuer, attempt) -> attempt == 0 ? r : null);
            kinds.add(r.policies().kind());
        }
        return run(kinds, factories, parallelism);
    }

    /**
     * Issues {@code factories.size()} canaries of {@code kind} with at most {@code parallelism} in flight.
     *
     * @return one outcome per factory, in order
     */
    public List<BulkOutcome> issueAll(CredentialKind kind, List<IssueRequestFactory> factories, int parallelism) {
        List<CredentialKind> kinds = new ArrayList<>();
        for (int i = 0; i < factories.size(); i++) {
            kinds.add(kind);
        }
        return run(kinds, factories, parallelism);
    }

    private List<BulkOutcome> run(List<CredentialKind> kinds, List<IssueRequestFactory> factories, int parallelism) {
        if (parallelism < 1) {
            throw new CanaryConfigurationException("parallelism must be at least 1, was " + parallelism);
        }
        if (factories.isEmpty()) {
            return List.of();
        }
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(parallelism, factories.size()), threadFactory);
        try {
            List<Future<BulkOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < factories.size(); i++) {
                int index = i;
                futures.add(executor.submit(() -> {
                    try {
                        return new BulkOutcome(index, issue(kinds.get(index), factories.get(index)), null);
                    } catch (CanaryException e) {
                        return new BulkOutcome(index, null, e);
                    } catch (RuntimeException e) {
                        return new BulkOutcome(index, null,
                                new CanaryException("issuance " + index + " failed unexpectedly: " + e, e));
                    }
                }));
            }
            List<BulkOutcome> out = new ArrayList<>();
            for (Future<BulkOutcome> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new CanaryException("bulk issuance failed: " + e.getCause(), e.getCause());
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryException("bulk issuance interrupted; finished canaries are recorded, pending ones are"
                    + " removed by the recovery pass", e);
        } finally {
            executor.shutdownNow();
        }
    }

    private IssuanceResult issueWith(CanaryIssuer issuer, IssueRequest request) {
        CanaryId id = request.canaryId();
        String problem = issuer.nameRules().problem(request.principalName());
        if (problem != null) {
            throw new CanaryConfigurationException(problem + "; nothing was written");
        }
        Principal planned = issuer.plannedPrincipal(request);
        if (!planned.accountId().equals(issuer.accountId())) {
            throw new CanaryConfigurationException("issuer for " + issuer.accountId() + " planned a principal in "
                    + planned.accountId());
        }
        CanaryRecord intent = CanaryRecord.builder()
                .id(id)
                .status(CanaryStatus.PENDING)
                .kind(issuer.kind())
                .issuer(issuer.name())
                .accountId(issuer.accountId())
                .principal(planned)
                .asset(request.asset())
                .createdAt(clock.instant())
                .build();
        CanaryRecord pending;
        try {
            pending = store.create(intent);
        } catch (DuplicateCanaryException e) {
            throw new IssuanceException("canary id " + id + " is already in the store; nothing was issued",
                    id, null, true, null, e);
        } catch (CanaryStoreException e) {
            throw new IssuanceException("could not record the intent to issue canary " + id
                    + "; nothing was issued in AWS, and if the store kept the intent the recovery pass closes it",
                    id, null, false, null, e);
        }
        LOG.debug("recorded intent {} for {} {} in {}", id, issuer.name(), planned.name(), issuer.accountId());

        IssuedCanary issued;
        try {
            issued = issuer.issue(request);
        } catch (CanaryIssuerException e) {
            if (e.residue() == CanaryIssuerException.Residue.NONE) {
                boolean closed = closeFailed(pending, null, e.reason().name() + ": " + e.getMessage());
                throw new IssuanceException(issueFailure(id, e), id,
                        closed ? CanaryStatus.FAILED : CanaryStatus.PENDING, closed, e.reason(), e);
            }
            throw undo(issuer, pending, null, e.reason(), issueFailure(id, e), e);
        } catch (CanaryConfigurationException e) {
            boolean closed = closeFailed(pending, null, "invalid request: " + e.getMessage());
            throw new IssuanceException("issuer refused canary " + id + ": " + e.getMessage(), id,
                    closed ? CanaryStatus.FAILED : CanaryStatus.PENDING, closed, CanaryIssuerException.Reason.REFUSED, e);
        } catch (RuntimeException e) {
            throw undo(issuer, pending, null, CanaryIssuerException.Reason.UNAVAILABLE,
                    "issuing canary " + id + " failed: " + e, e);
        }

        String accountProblem = accountProblem(issued, issuer);
        if (accountProblem != null) {
            CanaryIssuerException refusal = new CanaryIssuerException("canary " + id + " was refused: " + accountProblem,
                    CanaryIssuerException.Reason.CHECK_FAILED, CanaryIssuerException.Residue.UNKNOWN, null, null);
            throw undo(issuer, pending, issued, CanaryIssuerException.Reason.CHECK_FAILED, refusal.getMessage(), refusal);
        }
        FingerprintReport report;
        try {
            report = fingerprintGate.admit(FingerprintTarget.of(issued.credential(), issued.principal(), issuer.kind()),
                    FingerprintContext.builder().organisationAccounts(pool.accountIds()).build());
        } catch (FingerprintedCanaryException e) {
            throw undo(issuer, pending, issued, CanaryIssuerException.Reason.CHECK_FAILED,
                    "canary " + id + " was refused: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw undo(issuer, pending, issued, CanaryIssuerException.Reason.CHECK_FAILED,
                    "the fingerprint check of canary " + id + " failed: " + e, e);
        }

        IssuedCanary checked = issued;
        for (IssuanceCheck check : checks) {
            IssuanceCheck.Outcome outcome;
            try {
                outcome = check.check(checked, issuer, pool.accountIds());
            } catch (RuntimeException e) {
                throw undo(issuer, pending, issued, CanaryIssuerException.Reason.CHECK_FAILED,
                        "a check of canary " + id + " failed: " + e, e);
            }
            if (outcome.refused()) {
                CanaryIssuerException refusal = new CanaryIssuerException("canary " + id + " was refused: "
                        + outcome.summary(), CanaryIssuerException.Reason.CHECK_FAILED,
                        CanaryIssuerException.Residue.UNKNOWN, null, null);
                throw undo(issuer, pending, issued, CanaryIssuerException.Reason.CHECK_FAILED, refusal.getMessage(),
                        refusal);
            }
            checked = outcome.canary() != null ? outcome.canary() : checked;
        }
        issued = checked;

        CanaryRecord.Builder activeBuilder = pending.toBuilder()
                .status(CanaryStatus.ACTIVE)
                .principal(issued.principal())
                .accessKeyId(issued.credential().accessKeyId())
                .issuedAt(issued.issuedAt())
                .expiresAt(issued.expiresAt())
                .selfUses(issued.selfUses());
        issued.attributes().forEach(activeBuilder::attribute);
        if (report != null) {
            activeBuilder.attribute(FINGERPRINT_VERDICT, report.verdict().jsonName());
        }
        CanaryRecord active = activeBuilder.build();
        try {
            CanaryRecord saved = store.update(active);
            LOG.debug("canary {} is active: {} {}", id, issued.principal().arn(), issued.credential().accessKeyId());
            return new IssuanceResult(saved, issued, report);
        } catch (StaleVersionException | CanaryNotFoundException e) {
            throw takenOver(issuer, pending, issued, e);
        } catch (CanaryStoreException e) {
            Optional<CanaryRecord> now;
            try {
                now = store.find(id);
            } catch (RuntimeException readFailure) {
                e.addSuppressed(readFailure);
                throw new IssuanceException("could not activate canary " + id + " and cannot tell whether the store"
                        + " did: if the record is PENDING the recovery pass removes the principal; if it is ACTIVE"
                        + " the canary is live but was never handed out (revoke it)", id, null, false, null, e);
            }
            if (now.isPresent() && now.get().status() == CanaryStatus.ACTIVE && now.get().version() == pending.version() + 1
                    && issued.credential().accessKeyId().equals(now.get().accessKeyId())) {
                LOG.debug("canary {} is active (the store reported an error but kept the write)", id);
                return new IssuanceResult(now.get(), issued, report);
            }
            if (now.isPresent() && now.get().status() == CanaryStatus.PENDING && now.get().version() == pending.version()) {
                throw undo(issuer, pending, issued, null, "could not activate canary " + id + ": " + e.getMessage(), e);
            }
            throw takenOver(issuer, pending, issued, e);
        }
    }

    /**
     * Why the key's account disqualifies the canary, or {@code null}: it must decode to one of the pool's accounts,
     * the issuer's own, and not to a known canary vendor's.
     */
    private @Nullable String accountProblem(IssuedCanary issued, CanaryIssuer issuer) {
        KeyId k = KeyIds.parse(issued.credential().accessKeyId());
        if (!k.decodes()) {
            return null; // the fingerprint gate reports an undecodable account
        }
        // decodes() is true, so strict decoding gave an account
        String account = Objects.requireNonNull(k.accountId(), "accountId");
        Optional<KnownCanaryAccount> vendor = knownAccounts.lookup(account);
        if (vendor.isPresent()) {
            return "its key " + k.display() + " belongs to account " + account + ", a known canary vendor's account ("
                    + vendor.get().label() + "); attackers' tools flag it at once: issue from the organisation's own"
                    + " accounts";
        }
        if (!pool.accountIds().contains(account)) {
            return "its key " + k.display() + " belongs to account " + account + ", which is not in the pool "
                    + pool.accountIds() + ": check the issuer's credentials";
        }
        if (!account.equals(issuer.accountId())) {
            return "its key " + k.display() + " belongs to account " + account + ", not to the issuing account "
                    + issuer.accountId() + ": check the issuer's credentials";
        }
        return null;
    }

    /** Someone else (a recovery pass, a revocation) changed the pending record: undo AWS, leave the record to them. */
    private IssuanceException takenOver(CanaryIssuer issuer, CanaryRecord pending, IssuedCanary issued,
                                        CanaryStoreException cause) {
        CanaryId id = pending.id();
        try {
            Revocation r = issuer.revoke(forRevoke(pending, issued));
            LOG.debug("canary {} was taken over while issuing; removed {}", id, r.removed());
            return new IssuanceException("canary " + id + " was taken over by a recovery pass or a revocation while it"
                    + " was being issued; what AWS held was removed", id, null, true, null, cause);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            return new IssuanceException("canary " + id + " was taken over while it was being issued, and removing"
                    + " its principal failed; the sweep removes it", id, null, false, null, cause);
        }
    }

    /** Removes what AWS holds for a pending record, then closes it as FAILED; leaves it PENDING if unsure. */
    private IssuanceException undo(CanaryIssuer issuer, CanaryRecord pending, @Nullable IssuedCanary issued,
                                   CanaryIssuerException.@Nullable Reason reason, @Nullable String message,
                                   Throwable cause) {
        CanaryId id = pending.id();
        Revocation r;
        try {
            r = issuer.revoke(forRevoke(pending, issued));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            return new IssuanceException(message + "; removing what was created failed too, so the record stays"
                    + " PENDING and the recovery pass removes it", id, CanaryStatus.PENDING, false, reason, cause);
        }
        if (!r.settled(isOlderThanMinimumAge(pending.createdAt()))) {
            return new IssuanceException(message + "; AWS does not show the principal yet, so the record stays"
                    + " PENDING and the recovery pass checks again after " + minimumAge, id, CanaryStatus.PENDING,
                    false, reason, cause);
        }
        LOG.debug("undid canary {}: removed {}", id, r.removed());
        boolean closed = closeFailed(pending, issued, (reason == null ? "STORE" : reason.name()) + ": " + message);
        return new IssuanceException(message + (r.removed().isEmpty() ? "" : "; removed " + r.removed()), id,
                closed ? CanaryStatus.FAILED : CanaryStatus.PENDING, closed, reason, cause);
    }

    private boolean closeFailed(CanaryRecord pending, @Nullable IssuedCanary issued, String reason) {
        CanaryRecord.Builder b = pending.toBuilder()
                .status(CanaryStatus.FAILED)
                .closedAt(clock.instant())
                .attribute(IssuanceAttributes.FAILURE_REASON, truncate(reason));
        if (issued != null) {
            b.accessKeyId(issued.credential().accessKeyId()).issuedAt(issued.issuedAt()).expiresAt(issued.expiresAt());
        }
        try {
            store.update(b.build());
            return true;
        } catch (RuntimeException e) {
            LOG.debug("could not close canary {} as FAILED ({}); the recovery pass closes it", pending.id(), e.toString());
            return false;
        }
    }

    // ----------------------------------------------------------------------------------------------------- revoke

    /**
     * Revokes a canary: records the intent, removes it from AWS (keys deactivated, then deleted with the principal and
     * everything an attacker might have attached; for session credentials, whatever the issuer can do), then closes the
     * record as {@code REVOKED} ({@code FAILED} for one still pending). Idempotent.
     *
     * @return the record: closed, or still live with {@link IssuanceAttributes#REVOCATION_REQUESTED_AT} when AWS could
     *         not yet confirm the removal (the recovery pass completes it)
     * @throws CanaryNotFoundException      if there is no such canary
     * @throws CanaryConfigurationException if no issuer in the pool can revoke it
     * @throws CanaryException              if AWS failed; the intent stays recorded and {@link #recover()} completes it
     */
    public CanaryRecord revoke(CanaryId id) {
        CanaryRecord record = requestRevocation(id);
        if (record.status().isTerminal()) {
            return record;
        }
        CanaryIssuer issuer = issuerFor(record);
        LOG.debug("revoking canary {} ({} {})", id, record.kind().configName(), record.principal().arn());
        Revocation r = issuer.revoke(record);
        if (!r.settled(isOlderThanMinimumAge(record.createdAt()))) {
            LOG.debug("AWS does not show canary {} yet; the recovery pass completes its revocation", id);
            return record;
        }
        return close(id, r);
    }

    /**
     * Records the intent to revoke a canary ({@link IssuanceAttributes#REVOCATION_REQUESTED_AT}) and touches nothing
     * else: the first step of a revocation, before anything that holds the canary (its placement, AWS) is changed, so
     * that a crash at any later point leaves a record that says the canary is being revoked, which {@link #revoke}
     * and {@link #recover()} finish and which reconciliation never replaces. Idempotent: an intent already recorded is
     * kept with its first time.
     *
     * @return the record with the intent recorded, or the closed record if it is closed already
     * @throws CanaryNotFoundException      if there is no such canary
     * @throws CanaryConfigurationException if no issuer in the pool can revoke it (nothing is recorded then)
     */
    public CanaryRecord requestRevocation(CanaryId id) {
        Objects.requireNonNull(id, "id");
        CanaryRecord record = store.find(id).orElseThrow(() -> new CanaryNotFoundException(id));
        if (record.status().isTerminal()) {
            return record;
        }
        issuerFor(record);
        String requestedAt = clock.instant().toString();
        return cas(id, r -> r.status().isTerminal() || r.attributes().containsKey(IssuanceAttributes.REVOCATION_REQUESTED_AT)
                ? null : r.toBuilder().attribute(IssuanceAttributes.REVOCATION_REQUESTED_AT, requestedAt).build());
    }

    /** True when {@code record} carries a recorded intent to revoke it. */
    public static boolean revocationRequested(CanaryRecord record) {
        return record.attributes().containsKey(IssuanceAttributes.REVOCATION_REQUESTED_AT);
    }

    private CanaryRecord close(CanaryId id, Revocation r) {
        Instant now = clock.instant();
        return cas(id, current -> {
            if (current.status().isTerminal()) {
                return null;
            }
            CanaryRecord.Builder b = current.toBuilder().closedAt(now);
            if (current.status() == CanaryStatus.PENDING || current.accessKeyId() == null) {
                b.status(CanaryStatus.FAILED).attribute(IssuanceAttributes.FAILURE_REASON, "revoked before it was issued");
            } else {
                b.status(CanaryStatus.REVOKED);
            }
            if (!r.removed().isEmpty()) {
                b.attribute(IssuanceAttributes.REVOKED_RESOURCES, truncate(String.join(",", r.removed())));
            }
            return b.build();
        });
    }

    // ---------------------------------------------------------------------------------------------------- recover

    /**
     * One recovery pass: every {@code PENDING} intent and every half-done revocation older than the minimum age is
     * taken over, whatever AWS still holds for it is removed, and the record is closed. Safe to run from several
     * processes at once, and alongside issuance.
     */
    public RecoveryReport recover() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(minimumAge);
        int examined = 0;
        int abandoned = 0;
        int completed = 0;
        int tooYoung = 0;
        List<String> problems = new ArrayList<>();

        for (CanaryRecord r : listAll(CanaryQuery.live())) {
            boolean pending = r.status() == CanaryStatus.PENDING;
            String requested = r.attributes().get(IssuanceAttributes.REVOCATION_REQUESTED_AT);
            if (!pending && requested == null) {
                continue;
            }
            examined++;
            Instant since = pending ? r.createdAt() : parse(requested, r.createdAt());
            String claimedAt = r.attributes().get(IssuanceAttributes.RECOVERY_CLAIMED_AT);
            if (since.isAfter(cutoff) || (claimedAt != null && parse(claimedAt, Instant.MIN).isAfter(cutoff))) {
                tooYoung++;
                continue;
            }
            Optional<CanaryIssuer> issuer = pool.issuerFor(r.kind(), r.accountId());
            if (issuer.isEmpty()) {
                problems.add("canary " + r.id() + ": no " + r.kind().configName() + " issuer for account "
                        + r.accountId() + " in the pool, so it was left " + r.status());
                continue;
            }
            CanaryRecord claimed;
            try {
                String stamp = now.toString();
                claimed = store.update(r.toBuilder().attribute(IssuanceAttributes.RECOVERY_CLAIMED_AT, stamp).build());
            } catch (StaleVersionException | CanaryNotFoundException e) {
                LOG.debug("canary {} changed while recovering; skipped", r.id());
                continue;
            } catch (RuntimeException e) {
                problems.add("canary " + r.id() + ": could not claim it: " + e.getMessage());
                continue;
            }
            Revocation removed;
            try {
                removed = issuer.get().revoke(claimed);
            } catch (RuntimeException e) {
                problems.add("canary " + r.id() + ": removing it from AWS failed: " + e.getMessage());
                continue;
            }
            try {
                if (pending) {
                    CanaryRecord.Builder b = claimed.toBuilder().status(CanaryStatus.FAILED).closedAt(clock.instant())
                            .attribute(IssuanceAttributes.FAILURE_REASON, "abandoned issuance, removed by recovery");
                    if (!removed.removed().isEmpty()) {
                        b.attribute(IssuanceAttributes.REVOKED_RESOURCES, truncate(String.join(",", removed.removed())));
                    }
                    store.update(b.build());
                    abandoned++;
                } else {
                    close(r.id(), removed);
                    completed++;
                }
                LOG.debug("recovered canary {}: removed {}", r.id(), removed.removed());
            } catch (RuntimeException e) {
                problems.add("canary " + r.id() + ": removed from AWS but closing its record failed: " + e.getMessage());
            }
        }
        return new RecoveryReport(examined, abandoned, completed, 0, tooYoung, List.of(), problems);
    }

    /**
     * Lists what every issuer made and removes principals whose records are all closed and that are older than the
     * minimum age: the residue of an undo that died after the record was closed. A principal no record names is
     * reported, never touched. This costs AWS calls per principal: run it with reconciliation, not on every issue.
     */
    public RecoveryReport sweep() {
        Instant cutoff = clock.instant().minus(minimumAge);
        int examined = 0;
        int removed = 0;
        int tooYoung = 0;
        List<String> unknown = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (CanaryIssuer issuer : pool.issuers()) {
            List<IssuedPrincipal> principals;
            try {
                principals = issuer.listIssued();
            } catch (RuntimeException e) {
                problems.add(issuer.name() + " in " + issuer.accountId() + ": listing failed: " + e.getMessage());
                continue;
            }
            for (IssuedPrincipal p : principals) {
                examined++;
                List<CanaryRecord> records = new ArrayList<>();
                for (CanaryRecord r : store.findByPrincipalName(p.principal().name())) {
                    if (r.accountId().equals(issuer.accountId()) && r.kind() == issuer.kind()) {
                        records.add(r);
                    }
                }
                if (records.isEmpty()) {
                    unknown.add(p.principal().arn());
                    continue;
                }
                if (records.stream().anyMatch(r -> r.status().isLive())) {
                    continue;
                }
                if (p.createdAt() != null && p.createdAt().isAfter(cutoff)) {
                    tooYoung++;
                    continue;
                }
                // the record the principal names (ownership tag) first, then the newest
                records.sort(Comparator.comparing((CanaryRecord r) -> !r.id().equals(p.canaryId()))
                        .thenComparing(CanaryRecord::createdAt, Comparator.reverseOrder()));
                try {
                    for (CanaryRecord r : records) {
                        Revocation rev = issuer.revoke(r);
                        if (rev.foreign()) {
                            continue;
                        }
                        if (rev.found()) {
                            removed++;
                            LOG.debug("swept residue of canary {}: {}", r.id(), rev.removed());
                        }
                        break;
                    }
                } catch (RuntimeException e) {
                    problems.add(p.principal().arn() + ": removing residue failed: " + e.getMessage());
                }
            }
        }
        return new RecoveryReport(examined, 0, 0, removed, tooYoung, unknown, problems);
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private CanaryIssuer issuerFor(CanaryRecord record) {
        return pool.issuerFor(record.kind(), record.accountId()).orElseThrow(() -> new CanaryConfigurationException(
                "no " + record.kind().configName() + " issuer for account " + record.accountId()
                        + " in the pool, so canary " + record.id() + " cannot be revoked: add that account's issuer"));
    }

    /** Compare-and-set with re-read on conflict; {@code change} returns {@code null} to leave the record as it is. */
    private CanaryRecord cas(CanaryId id, UnaryOperator<CanaryRecord> change) {
        StaleVersionException last = null;
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            CanaryRecord current = store.find(id).orElseThrow(() -> new CanaryNotFoundException(id));
            CanaryRecord next = change.apply(current);
            if (next == null) {
                return current;
            }
            try {
                return store.update(next);
            } catch (StaleVersionException e) {
                last = e;
            }
        }
        throw last;
    }

    private List<CanaryRecord> listAll(CanaryQuery query) {
        List<CanaryRecord> out = new ArrayList<>();
        CanaryQuery q = query.limit(1000);
        while (true) {
            Page<CanaryRecord> page = store.list(q);
            out.addAll(page.items());
            if (page.nextCursor() == null) {
                return out;
            }
            q = q.after(page.nextCursor());
        }
    }

    private boolean isOlderThanMinimumAge(Instant createdAt) {
        return !createdAt.isAfter(clock.instant().minus(minimumAge));
    }

    private static CanaryRecord forRevoke(CanaryRecord pending, @Nullable IssuedCanary issued) {
        return issued == null ? pending : pending.toBuilder().accessKeyId(issued.credential().accessKeyId()).build();
    }

    private static IssueRequest withId(IssueRequest r, CanaryId id) {
        return new IssueRequest(id, r.principalName(), r.policies(), r.asset(), r.duration(), r.tags());
    }

    private static String issueFailure(CanaryId id, CanaryIssuerException e) {
        return "issuing canary " + id + " failed (" + e.reason() + "): " + e.getMessage();
    }

    private static Instant parse(@Nullable String text, Instant fallback) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    private static String truncate(String s) {
        return s.length() <= 1000 ? s : s.substring(0, 997) + "...";
    }

    private static ThreadFactory defaultThreadFactory() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "canarykit-issue-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String toString() {
        return "AtomicIssuance[" + pool + ", minimumAge=" + minimumAge + "]";
    }

    /**
     * Builder for {@link AtomicIssuance}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable CanaryStore store;
        private @Nullable IssuerPool pool;
        private Clock clock = Clock.systemUTC();
        private Duration minimumAge = DEFAULT_MINIMUM_AGE;
        private int maxNameAttempts = 3;
        private @Nullable ThreadFactory threadFactory;
        private final List<IssuanceCheck> checks = new ArrayList<>();
        private @Nullable FingerprintGate fingerprintGate;
        private @Nullable KnownCanaryAccounts knownAccounts;

        private Builder() {
        }

        /** The store that holds the records (required). */
        public Builder store(CanaryStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The issuers to use: an account pool, or {@link IssuerPool#of}. Required (or {@link #issuers}). */
        public Builder pool(IssuerPool pool) {
            if (this.pool != null) {
                throw new IllegalStateException("the pool is already set");
            }
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** Shorthand for {@code pool(IssuerPool.of(issuers))}. */
        public Builder issuers(CanaryIssuer... issuers) {
            return pool(IssuerPool.of(issuers));
        }

        /** The clock (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How old a pending intent must be before recovery takes it over, and before "not found" in AWS counts as
         * removed (default 5 minutes). Must exceed the longest issuance, including the optional key wait.
         */
        public Builder minimumAge(Duration minimumAge) {
            Objects.requireNonNull(minimumAge, "minimumAge");
            if (minimumAge.isNegative() || minimumAge.isZero()) {
                throw new CanaryConfigurationException("minimum age must be positive, was " + minimumAge);
            }
            this.minimumAge = minimumAge;
            return this;
        }

        /** How many names to try when a name is taken (default 3). */
        public Builder maxNameAttempts(int attempts) {
            if (attempts < 1 || attempts > 20) {
                throw new CanaryConfigurationException("max name attempts must be 1-20, was " + attempts);
            }
            this.maxNameAttempts = attempts;
            return this;
        }

        /** Threads for {@link #issueAll}; default: daemon threads named {@code canarykit-issue-N}. */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /** A check run on every issued canary before it is activated and handed out; may refuse it. */
        public Builder check(IssuanceCheck check) {
            checks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * The fingerprint gate run on every canary before activation: off, warn (the report comes back with the
         * canary) or refuse. Default: refuse canaries whose verdict is {@code fingerprinted}.
         */
        public Builder fingerprintGate(FingerprintGate gate) {
            this.fingerprintGate = Objects.requireNonNull(gate, "gate");
            return this;
        }

        /**
         * Accounts of known canary vendors; a canary whose key decodes to one is always refused. Default: the bundled
         * published lists.
         */
        public Builder knownCanaryAccounts(KnownCanaryAccounts accounts) {
            this.knownAccounts = Objects.requireNonNull(accounts, "accounts");
            return this;
        }

        /**
         * Builds it.
         *
         * @throws CanaryConfigurationException if the store or the pool is missing
         */
        public AtomicIssuance build() {
            List<String> missing = new ArrayList<>();
            if (store == null) {
                missing.add("store");
            }
            if (pool == null) {
                missing.add("pool (or issuers)");
            }
            if (!missing.isEmpty()) {
                throw new CanaryConfigurationException("AtomicIssuance needs " + String.join(" and ", missing));
            }
            return new AtomicIssuance(this);
        }
    }
}
