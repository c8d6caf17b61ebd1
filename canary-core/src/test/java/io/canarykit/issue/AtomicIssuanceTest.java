package io.canarykit.issue;

import io.canarykit.MutableClock;
import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.store.CanaryQuery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AtomicIssuanceTest {
    static final String A = "111111111111";
    static final String B = "222222222222";
    static final CanaryPolicySet POLICIES = new CanaryPolicySet(CredentialKind.IAM_USER, "deny-all",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            null, null, null, null, null);
    static final Duration MIN_AGE = Duration.ofMinutes(5);

    MutableClock clock;
    FakeAws aws;
    FakeIssuer issuer;
    FaultyStore store;
    AtomicIssuance coordinator;
    Random random = new Random(7);

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        aws = new FakeAws();
        issuer = new FakeIssuer(A, aws, clock);
        store = new FaultyStore();
        coordinator = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock).minimumAge(MIN_AGE).build();
    }

    IssueRequest request(String name) {
        return new IssueRequest(CanaryId.generate(clock.instant(), random), name, POLICIES, Asset.of("host", "web-1"),
                null, Map.of());
    }

    @Test
    void issuesAndActivates() {
        IssuanceResult r = coordinator.issue(request("svc-build-1"));

        assertThat(r.record().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(r.record().version()).isEqualTo(2);
        assertThat(r.record().accessKeyId()).isEqualTo(r.canary().credential().accessKeyId());
        assertThat(r.record().principal().arn()).isEqualTo("arn:aws:iam::111111111111:user/svc/svc-build-1");
        assertThat(r.record().issuer()).isEqualTo("iam-user");
        assertThat(r.record().issuedAt()).isEqualTo(clock.instant());
        assertThat(store.find(r.record().id())).contains(r.record());
        assertThat(aws.users).hasSize(1);
        assertConsistent();
    }

    @Test
    void nameRuleViolationIsRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> coordinator.issue(request("bad name!")))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("IAM user name")
                .hasMessageContaining("' '");
        assertThatThrownBy(() -> coordinator.issue(request("x".repeat(65))))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("65 characters");
        assertThat(aws.calls).isZero();
        assertThat(store.list(CanaryQuery.all()).items()).isEmpty();
    }

    @Test
    void definiteAwsFailureClosesTheRecordAsFailed() {
        issuer.faults.at("create-user", 1, Faults.Kind.FAIL_BEFORE);

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-a")));

        assertThat(e.cleanedUp()).isTrue();
        assertThat(e.recordStatus()).isEqualTo(CanaryStatus.FAILED);
        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.UNAVAILABLE);
        assertThat(store.find(e.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
        assertThat(store.find(e.canaryId()).orElseThrow().attributes())
                .containsKey(IssuanceAttributes.FAILURE_REASON);
        assertThat(aws.users).isEmpty();
    }

    @Test
    void failureAfterTheUserExistsIsUndoneAtOnce() {
        issuer.faults.at("create-key", 1, Faults.Kind.FAIL_AFTER); // the key exists, the caller never learns it

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-b")));

        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.users).isEmpty();
        assertConsistent();
    }

    @Test
    void whenTheUndoFailsTooTheIntentStaysPendingUntilRecovery() {
        issuer.faults.at("create-key", 1, Faults.Kind.FAIL_BEFORE)
                .at("revoke-delete-user", 1, Faults.Kind.FAIL_BEFORE)   // the issuer's own undo
                .at("revoke-delete-user", 2, Faults.Kind.FAIL_BEFORE);  // the coordinator's undo

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-c")));

        assertThat(e.cleanedUp()).isFalse();
        assertThat(e.recordStatus()).isEqualTo(CanaryStatus.PENDING);
        assertThat(aws.users).hasSize(1);

        RecoveryReport early = coordinator.recover();
        assertThat(early.tooYoung()).isEqualTo(1);
        assertThat(early.abandonedIssuances()).isZero();
        assertThat(aws.users).hasSize(1);

        clock.advance(MIN_AGE.plusSeconds(1));
        RecoveryReport report = coordinator.recover();
        assertThat(report.abandonedIssuances()).isEqualTo(1);
        assertThat(report.clean()).isTrue();
        assertThat(aws.users).isEmpty();
        CanaryRecord closed = store.find(e.canaryId()).orElseThrow();
        assertThat(closed.status()).isEqualTo(CanaryStatus.FAILED);
        assertThat(closed.attributes()).containsKey(IssuanceAttributes.RECOVERY_CLAIMED_AT);
        assertConsistent();
    }

    @Test
    void aCrashAtAnyStepLeavesNothingAfterRecoveryWithANewCoordinator() {
        for (String step : List.of("create-user", "put-policy", "create-key")) {
            for (Faults.Kind kind : List.of(Faults.Kind.CRASH_BEFORE, Faults.Kind.CRASH_AFTER)) {
                setUp();
                issuer.faults.at(step, 1, kind);
                assertThatThrownBy(() -> coordinator.issue(request("svc-crash"))).isInstanceOf(SimulatedCrash.class);
                assertThat(store.list(CanaryQuery.withStatus(CanaryStatus.PENDING)).items()).hasSize(1);

                // the process is gone: a new issuer and a new coordinator over the same store and AWS
                FakeIssuer fresh = new FakeIssuer(A, aws, clock);
                AtomicIssuance restarted = AtomicIssuance.builder().store(store).issuers(fresh).clock(clock)
                        .minimumAge(MIN_AGE).build();
                clock.advance(MIN_AGE);
                RecoveryReport report = restarted.recover();
                assertThat(report.abandonedIssuances()).as(step + " " + kind).isEqualTo(1);
                assertThat(aws.users).as(step + " " + kind).isEmpty();
                assertConsistent();
            }
        }
    }

    @Test
    void aStoreFailureOnActivationUndoesTheIssuance() {
        store.faults.at("store-update", 1, Faults.Kind.FAIL_BEFORE);

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-d")));

        assertThat(e.cleanedUp()).isTrue();
        assertThat(store.find(e.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
        assertThat(store.find(e.canaryId()).orElseThrow().accessKeyId()).startsWith("AKIA");
        assertThat(aws.users).isEmpty();
    }

    @Test
    void aStoreErrorAfterTheWriteTookEffectIsRecognisedAsSuccess() {
        store.faults.at("store-update", 1, Faults.Kind.FAIL_AFTER);

        IssuanceResult r = coordinator.issue(request("svc-e"));

        assertThat(r.record().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(aws.users).hasSize(1);
        assertConsistent();
    }

    @Test
    void aStoreThatCannotAnswerLeavesAConsistentStateForRecovery() {
        store.faults.at("store-update", 1, Faults.Kind.FAIL_BEFORE).at("store-find", 1, Faults.Kind.FAIL_BEFORE);

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-f")));

        assertThat(e.cleanedUp()).isFalse();
        assertThat(e.recordStatus()).isNull();
        clock.advance(MIN_AGE);
        assertThat(coordinator.recover().abandonedIssuances()).isEqualTo(1);
        assertThat(aws.users).isEmpty();
        assertConsistent();
    }

    @Test
    void aStoreThatCannotRecordTheIntentIssuesNothing() {
        store.faults.at("store-create", 1, Faults.Kind.FAIL_BEFORE);

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-g")));

        assertThat(e.getMessage()).contains("nothing was issued");
        assertThat(aws.calls).isZero();
    }

    @Test
    void aTakenNameIsRetriedWithTheNextName() {
        aws.users.put(FakeAws.key(A, "svc-0"), new FakeAws.User(A, "SVC-0", CanaryId.generate(clock), clock.instant()));
        List<Integer> attempts = new ArrayList<>();

        IssuanceResult r = coordinator.issue(CredentialKind.IAM_USER, (iss, attempt) -> {
            attempts.add(attempt);
            return new IssueRequest(CanaryId.generate(clock.instant(), random), "svc-" + attempt, POLICIES,
                    Asset.of("host", "h"), null, Map.of());
        });

        assertThat(attempts).containsExactly(0, 1);
        assertThat(r.record().principal().name()).isEqualTo("svc-1");
        assertThat(aws.users).hasSize(2); // the foreign one is untouched
        assertThat(store.list(CanaryQuery.withStatus(CanaryStatus.FAILED)).items()).hasSize(1);
    }

    @Test
    void aFullAccountIsSkippedForTheNextOne() {
        FakeIssuer full = new FakeIssuer(A, aws, clock);
        full.quotaUsers = 0;
        FakeIssuer roomy = new FakeIssuer(B, aws, clock);
        List<String> reportedFull = new ArrayList<>();
        IssuerPool base = IssuerPool.of(full, roomy);
        IssuerPool pool = new IssuerPool() {
            @Override
            public Reservation reserve(CredentialKind kind, Set<String> excluded) {
                return base.reserve(kind, excluded);
            }

            @Override
            public java.util.Optional<CanaryIssuer> issuerFor(CredentialKind kind, String accountId) {
                return base.issuerFor(kind, accountId);
            }

            @Override
            public List<CanaryIssuer> issuers() {
                return base.issuers();
            }

            @Override
            public void quotaExceeded(CanaryIssuer issuer) {
                reportedFull.add(issuer.accountId());
            }
        };
        AtomicIssuance c = AtomicIssuance.builder().store(store).pool(pool).clock(clock).minimumAge(MIN_AGE).build();

        IssuanceResult r = c.issue(CredentialKind.IAM_USER, (iss, attempt) -> request("svc-q"));

        assertThat(r.record().accountId()).isEqualTo(B);
        assertThat(reportedFull).containsExactly(A);
        roomy.quotaUsers = 1;
        assertThatThrownBy(() -> c.issue(CredentialKind.IAM_USER, (iss, attempt) -> request("svc-r")))
                .isInstanceOf(QuotaExhaustedException.class)
                .hasMessageContaining("every account");
    }

    @Test
    void aSlowIssuanceThatRecoveryTookOverUndoesItselfAndLosesItsActivation() {
        issuer.beforeReturn = () -> {
            issuer.beforeReturn = () -> { };
            clock.advance(MIN_AGE.plusSeconds(1));
            RecoveryReport report = AtomicIssuance.builder().store(store).issuers(new FakeIssuer(A, aws, clock))
                    .clock(clock).minimumAge(MIN_AGE).build().recover();
            assertThat(report.abandonedIssuances()).isEqualTo(1);
        };

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-s")));

        assertThat(e.getMessage()).contains("taken over");
        assertThat(store.find(e.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
        assertThat(aws.users).isEmpty();
        assertConsistent();
    }

    @Test
    void notFoundRightAfterCreationIsNotTrustedUntilTheMinimumAge() {
        aws.visibilityDelay = Duration.ofSeconds(30);
        issuer.faults.at("create-key", 1, Faults.Kind.FAIL_AFTER);

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-ec")));

        assertThat(e.cleanedUp()).isFalse();
        assertThat(e.recordStatus()).isEqualTo(CanaryStatus.PENDING);
        assertThat(aws.users).hasSize(1); // invisible, but there
        clock.advance(MIN_AGE);
        coordinator.recover();
        assertThat(aws.users).isEmpty();
        assertConsistent();
    }

    @Test
    void aRefusingCheckUndoesTheCanary() {
        AtomicIssuance checked = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock).minimumAge(MIN_AGE)
                .check((canary, iss, accounts) -> IssuanceCheck.Outcome.refuse("account 999999999999 is a vendor's"))
                .build();

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> checked.issue(request("svc-h")));

        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.CHECK_FAILED);
        assertThat(e.getMessage()).contains("vendor");
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.users).isEmpty();
    }

    @Test
    void anAcceptingCheckCanAddAttributes() {
        AtomicIssuance checked = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock).minimumAge(MIN_AGE)
                .check((canary, iss, accounts) -> {
                    assertThat(accounts).containsExactly(A);
                    Map<String, String> attrs = new java.util.HashMap<>(canary.attributes());
                    attrs.put("fingerprint.verdict", "clean");
                    return IssuanceCheck.Outcome.accept(new IssuedCanary(canary.credential(), canary.principal(),
                            canary.issuedAt(), canary.expiresAt(), canary.selfUses(), attrs), "clean");
                })
                .build();

        IssuanceResult r = checked.issue(request("svc-i"));

        assertThat(r.record().attributes()).containsEntry("fingerprint.verdict", "clean");
    }

    @Test
    void aKeyFromAKnownCanaryVendorsAccountIsAlwaysRefused() {
        String thinkst = "052310077262";
        FakeIssuer vendor = new FakeIssuer(thinkst, aws, clock);
        AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(vendor).clock(clock).minimumAge(MIN_AGE)
                .fingerprintGate(io.canarykit.fingerprint.FingerprintGate.builder()
                        .mode(io.canarykit.fingerprint.FingerprintMode.OFF).build())
                .build();

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> c.issue(request("svc-v")));

        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.CHECK_FAILED);
        assertThat(e.getMessage()).contains("052310077262").contains("known canary vendor");
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.users).isEmpty();
    }

    @Test
    void aKeyFromAnAccountOutsideThePoolIsRefused() {
        issuer.keyAccount = "333333333333";

        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-w")));

        assertThat(e.getMessage()).contains("333333333333").contains("not in the pool");
        assertThat(aws.users).isEmpty();
        assertThat(store.find(e.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
    }

    @Test
    void theFingerprintReportComesBackWithTheCanaryOrRefusesIt() {
        IssuanceResult clean = coordinator.issue(request("svc-build-7"));
        assertThat(clean.fingerprint()).isNotNull();
        assertThat(clean.fingerprint().verdict()).isEqualTo(io.canarykit.fingerprint.Verdict.CLEAN);
        assertThat(clean.record().attributes()).containsEntry(AtomicIssuance.FINGERPRINT_VERDICT, "clean");

        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> coordinator.issue(request("canarytokens.com@@abcdefghij")));
        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.CHECK_FAILED);
        assertThat(e.cleanedUp()).isTrue();

        AtomicIssuance warning = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock).minimumAge(MIN_AGE)
                .fingerprintGate(io.canarykit.fingerprint.FingerprintGate.builder()
                        .mode(io.canarykit.fingerprint.FingerprintMode.WARN).build())
                .build();
        IssuanceResult warned = warning.issue(request("honeypot-canary-trap"));
        assertThat(warned.fingerprint().verdict()).isNotEqualTo(io.canarykit.fingerprint.Verdict.CLEAN);
        assertThat(warned.record().status()).isEqualTo(CanaryStatus.ACTIVE);
    }

    @Test
    void revokeRecordsTheIntentThenRemovesEverything() {
        IssuanceResult r = coordinator.issue(request("svc-rv"));

        CanaryRecord revoked = coordinator.revoke(r.record().id());

        assertThat(revoked.status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(revoked.closedAt()).isEqualTo(clock.instant());
        assertThat(revoked.attributes()).containsKey(IssuanceAttributes.REVOCATION_REQUESTED_AT)
                .containsKey(IssuanceAttributes.REVOKED_RESOURCES);
        assertThat(aws.users).isEmpty();
        assertThat(coordinator.revoke(r.record().id())).isEqualTo(revoked); // idempotent
    }

    @Test
    void aRevocationThatDiesHalfWayIsCompletedByRecovery() {
        IssuanceResult r = coordinator.issue(request("svc-rv2"));
        issuer.faults.at("revoke-delete-user", 1, Faults.Kind.CRASH_AFTER);

        assertThatThrownBy(() -> coordinator.revoke(r.record().id())).isInstanceOf(SimulatedCrash.class);
        CanaryRecord half = store.find(r.record().id()).orElseThrow();
        assertThat(half.status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(half.attributes()).containsKey(IssuanceAttributes.REVOCATION_REQUESTED_AT);
        assertThat(aws.users).isEmpty();

        clock.advance(MIN_AGE);
        RecoveryReport report = coordinator.recover();
        assertThat(report.completedRevocations()).isEqualTo(1);
        assertThat(store.find(r.record().id()).orElseThrow().status()).isEqualTo(CanaryStatus.REVOKED);
        assertConsistent();
    }

    @Test
    void sweepRemovesResidueOfClosedRecordsAndReportsUnknownPrincipals() {
        IssuanceResult r = coordinator.issue(request("svc-sw"));
        // simulate an undo that died after the record was closed: the record is FAILED, the user is still there
        CanaryRecord current = store.find(r.record().id()).orElseThrow();
        store.update(current.toBuilder().status(CanaryStatus.FAILED).closedAt(clock.instant()).build());
        aws.users.put(FakeAws.key(A, "someone-else"),
                new FakeAws.User(A, "someone-else", CanaryId.generate(clock), clock.instant()));

        RecoveryReport young = coordinator.sweep();
        assertThat(young.tooYoung()).isEqualTo(1);
        clock.advance(MIN_AGE);
        RecoveryReport report = coordinator.sweep();

        assertThat(report.residueRemoved()).isEqualTo(1);
        assertThat(report.unknownPrincipals()).containsExactly("arn:aws:iam::111111111111:user/svc/someone-else");
        assertThat(aws.users).containsOnlyKeys(FakeAws.key(A, "someone-else"));
    }

    @Test
    void sweepNeverTouchesAPrincipalCreatedForAnotherRecord() {
        IssuanceResult first = coordinator.issue(request("svc-same"));
        coordinator.revoke(first.record().id());
        // a user with the same name, created outside canarykit, and an old FAILED record naming it
        aws.users.put(FakeAws.key(A, "svc-same"), new FakeAws.User(A, "svc-same", CanaryId.generate(clock),
                clock.instant()));
        clock.advance(MIN_AGE);

        RecoveryReport report = coordinator.sweep();

        assertThat(report.residueRemoved()).isZero();
        assertThat(aws.users).hasSize(1);
    }

    @Test
    void bulkIssuanceRunsInParallelAndReportsEachOutcome() {
        List<IssueRequest> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(request("svc-bulk-" + i));
        }
        requests.add(request("bad name"));
        issuer.faults.at("create-user", 7, Faults.Kind.FAIL_BEFORE);

        List<BulkOutcome> outcomes = coordinator.issueAll(requests, 8);

        assertThat(outcomes).hasSize(41);
        assertThat(outcomes).extracting(BulkOutcome::index).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 41).boxed().toList());
        assertThat(outcomes.stream().filter(BulkOutcome::succeeded)).hasSize(39);
        assertThat(outcomes.get(40).error()).isInstanceOf(CanaryConfigurationException.class);
        assertThat(aws.users).hasSize(39);
        assertConsistent();
    }

    @Test
    void secretsNeverAppearInRecordsOrExceptions() {
        IssuanceResult r = coordinator.issue(request("svc-sec"));
        assertThat(r.toString()).doesNotContain(FakeIssuer.SECRET);
        assertThat(r.record().toString()).doesNotContain(FakeIssuer.SECRET);

        store.faults.at("store-update", 1, Faults.Kind.FAIL_BEFORE);
        IssuanceException e = catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(request("svc-sec2")));
        assertThat(stackText(e)).doesNotContain(FakeIssuer.SECRET);
    }

    /**
     * Random faults (store and AWS, before and after taking effect, and crashes) at every step of issuance and
     * revocation, over many runs; after recovery with a fresh coordinator, the invariant holds.
     */
    @Test
    void randomisedFaultsNeverLeaveAnOrphan() {
        Random rnd = new Random(20260301L);
        String[] steps = {"create-user", "put-policy", "create-key", "revoke-get", "revoke-delete-key",
                "revoke-delete-policy", "revoke-delete-user"};
        String[] storeSteps = {"store-create", "store-update", "store-find"};
        Faults.Kind[] kinds = Faults.Kind.values();
        int crashes = 0;
        for (int run = 0; run < 2000; run++) {
            issuer.faults.clear();
            store.faults.clear();
            int faultCount = 1 + rnd.nextInt(3);
            for (int f = 0; f < faultCount; f++) {
                Faults.Kind kind = kinds[rnd.nextInt(kinds.length)];
                if (rnd.nextInt(3) == 0) {
                    String step = storeSteps[rnd.nextInt(storeSteps.length)];
                    store.faults.at(step, 1 + rnd.nextInt(3), kind);
                } else {
                    String step = steps[rnd.nextInt(steps.length)];
                    issuer.faults.at(step, 1 + rnd.nextInt(2), kind);
                }
            }
            try {
                IssuanceResult r = coordinator.issue(request("svc-" + run));
                if (rnd.nextBoolean()) {
                    coordinator.revoke(r.record().id());
                }
            } catch (SimulatedCrash crash) {
                crashes++;
                issuer = new FakeIssuer(A, aws, clock); // the process died: new objects
                coordinator = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock).minimumAge(MIN_AGE)
                        .build();
            } catch (CanaryException expected) {
                // failures are fine; orphans are not
            }
            if (rnd.nextInt(4) == 0) {
                clock.advance(Duration.ofSeconds(rnd.nextInt(400)));
                store.faults.clear();
                issuer.faults.clear();
                coordinator.recover();
            }
        }
        store.faults.clear();
        issuer = new FakeIssuer(A, aws, clock);
        coordinator = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock).minimumAge(MIN_AGE).build();
        clock.advance(MIN_AGE);
        RecoveryReport report = coordinator.recover();
        assertThat(report.problems()).isEmpty();
        assertThat(crashes).isGreaterThan(50);
        assertThat(store.list(CanaryQuery.withStatus(CanaryStatus.ACTIVE).limit(1000)).items()).isNotEmpty();
        assertConsistent();
        // nothing ran concurrently, so recovery alone suffices: the sweep finds no residue
        assertThat(coordinator.sweep().residueRemoved()).isZero();
    }

    /** No user without a live record that owns it; no live record without its user and key. */
    void assertConsistent() {
        assertThat(store.delegate.list(CanaryQuery.withStatus(CanaryStatus.PENDING)).items())
                .as("pending intents").isEmpty();
        for (FakeAws.User u : aws.all()) {
            CanaryRecord owner = store.delegate.find(u.owner).orElse(null);
            if (owner == null && !u.name.startsWith("svc-")) {
                continue; // created outside canarykit by the test
            }
            assertThat(owner).as("record of user " + u.name).isNotNull();
            assertThat(owner.status().isLive()).as("user " + u.name + " is owned by live record " + owner).isTrue();
            assertThat(u.keys).as("keys of " + u.name).containsExactly(owner.accessKeyId());
            assertThat(u.inlinePolicy).isTrue();
        }
        List<CanaryRecord> live = new ArrayList<>();
        for (CanaryRecord r : store.delegate.list(CanaryQuery.live().limit(1000)).items()) {
            live.add(r);
        }
        for (CanaryRecord r : live) {
            FakeAws.User u = aws.users.get(FakeAws.key(r.accountId(), r.principal().name()));
            assertThat(u).as("user of live record " + r.id()).isNotNull();
            assertThat(u.owner).isEqualTo(r.id());
            assertThat(u.keys).contains(r.accessKeyId());
        }
    }

    static String stackText(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
