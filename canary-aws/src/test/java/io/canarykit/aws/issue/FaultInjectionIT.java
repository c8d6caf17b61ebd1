package io.canarykit.aws.issue;

import io.canarykit.Asset;
import io.canarykit.CanaryException;
import io.canarykit.CanaryService;
import io.canarykit.PlacementSpec;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.issue.IssuerPool;
import io.canarykit.issue.RecoveryReport;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.store.CanaryQuery;
import io.canarykit.testkit.aws.AccessKeyView;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.MutableClock;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.IamUserView;
import io.canarykit.testkit.aws.ManagedPolicyView;
import io.canarykit.testkit.aws.PartialAws;
import io.canarykit.testkit.aws.RoleView;
import io.canarykit.testkit.aws.SessionView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The proof that issuance is atomic: against the emulator, a failure is injected at every step of issuance and
 * revocation (AWS errors before and after they take effect, throttling, broken connections, store failures before and
 * after a write, and the process dying before or after any AWS or store call, after which every object it used is
 * abandoned and a new coordinator with new issuers runs the recovery pass). After every run the emulator is inspected:
 * no IAM user, access key or policy without a live record, and no live record without its principal.
 *
 * <p>Seeded and reproducible: {@code -Dcanarykit.faultSeed=...}, {@code -Dcanarykit.faultRuns=...},
 * {@code -Dcanarykit.faultLanes=...}; a failure names the run and its scenario. Runs go in independent lanes (each its
 * own emulated account, store, clock and fault rules) that share one emulator, to keep the proof fast; each lane runs
 * its share of the runs one after the other.
 */
class FaultInjectionIT {
    static final long SEED = Long.getLong("canarykit.faultSeed", 20261128L);
    static final int RUNS = Integer.getInteger("canarykit.faultRuns", 500);
    static final int LANES = Integer.getInteger("canarykit.faultLanes", 2);
    static final Duration MIN_AGE = Duration.ofMinutes(5);
    static final String PATH = "/svc/";
    static final String ROLE = "deploy-runner";
    static final String FEDERATOR = "build-federator";

    /** A complete AWS. */
    static AwsEmulator complete;
    /**
     * A partial AWS, as moto and other implementations are: two sub-resource listings unimplemented (a bare HTTP 500
     * and a {@code NotImplemented} error), the permissions boundary ignored on {@code CreateUser}, deleted users still
     * visible for a second.
     */
    static AwsEmulator partial;

    @BeforeAll
    static void start() {
        complete = AwsEmulator.builder().accounts(accounts(10)).callLogLimit(100).start();
        partial = AwsEmulator.builder().accounts(accounts(40)).callLogLimit(100).partialAws(partialAws()).start();
    }

    static PartialAws partialAws() {
        return PartialAws.motoLike()
                .unimplemented("iam:ListSigningCertificates", PartialAws.Unimplemented.NOT_IMPLEMENTED)
                .eventuallyConsistentDeletes(Duration.ofSeconds(1));
    }

    private static String[] accounts(int first) {
        String[] accounts = new String[LANES];
        for (int i = 0; i < LANES; i++) {
            accounts[i] = String.format("3109876543%02d", i + first);
        }
        return accounts;
    }

    @AfterAll
    static void stop() {
        complete.close();
        partial.close();
    }

    /**
     * ISSUE and REVOKE go through the coordinator; RECONCILE is {@code reconcile --fix} twice (the second in a new,
     * healthy process) on a canary whose placement lost it, through the lifecycle service: at most one successor.
     */
    enum Phase { ISSUE, REVOKE, RECONCILE }

    enum Category { AWS_FAULT, STORE_FAULT, CRASH }

    /** One fault to inject. */
    interface Injection {
        Category category();

        void arm(Lane lane, Crasher crasher);
    }

    /** The process dies before or after the {@code nth} SDK call. */
    record Crash(int nth, boolean after) implements Injection {
        public Category category() {
            return Category.CRASH;
        }

        public void arm(Lane lane, Crasher crasher) {
            crasher.at(nth, after);
        }

        @Override
        public String toString() {
            return "crash " + (after ? "after" : "before") + " SDK call " + nth;
        }
    }

    /** The emulator answers the {@code nth} call of {@code op} with a fault, before or after applying it. */
    record AwsFault(String op, int nth, String action, boolean after) implements Injection {
        static final List<String> ACTIONS = List.of("500", "reset", "throttle", "503", "denied");

        public Category category() {
            return Category.AWS_FAULT;
        }

        public void arm(Lane lane, Crasher crasher) {
            FaultAction a = switch (action) {
                case "500" -> FaultAction.serverError();
                case "503" -> FaultAction.serviceUnavailable();
                case "reset" -> FaultAction.connectionReset();
                case "throttle" -> FaultAction.throttle();
                default -> FaultAction.error(403, "AccessDenied", "simulated denial");
            };
            FaultRule.Builder rule = FaultRule.on(op).onCall(nth);
            if (after) {
                rule.afterApplying();
            }
            lane.addRule(rule, a);
        }

        /** AWS answers 4xx only for requests it rejected; 5xx and broken connections may follow the write. */
        static boolean canFollowTheWrite(String action) {
            return action.equals("500") || action.equals("503") || action.equals("reset");
        }

        @Override
        public String toString() {
            return "aws " + op + " #" + nth + " " + action + (after ? " after applying" : "");
        }
    }

    /** The store fails (or the process dies) at its {@code nth} create, update or find. */
    record StoreFault(String op, int nth, FlakyStore.Fault fault) implements Injection {
        public Category category() {
            return Category.STORE_FAULT;
        }

        public void arm(Lane lane, Crasher crasher) {
            lane.store.failAt(op, nth, fault);
        }

        @Override
        public String toString() {
            return "store " + op + " #" + nth + " " + fault;
        }
    }

    /** One run: what to issue or revoke, with which clients, and what fails. */
    record Plan(CredentialKind kind, Phase phase, boolean retries, boolean waitForKey, boolean revokeOlder,
                boolean revokeAfterwards, List<Injection> injections) {

        static Plan random(Random r) {
            int k = r.nextInt(10);
            CredentialKind kind = k < 7 ? CredentialKind.IAM_USER : k < 9 ? CredentialKind.ASSUMED_ROLE
                    : CredentialKind.FEDERATION_TOKEN;
            Phase phase = r.nextInt(5) < 3 ? Phase.ISSUE : Phase.REVOKE;
            boolean waitForKey = r.nextInt(4) == 0;
            List<Injection> injections = new ArrayList<>();
            Category category = Category.values()[r.nextInt(Category.values().length)];
            switch (category) {
                case CRASH -> injections.add(new Crash(1 + r.nextInt(calls(kind, phase, waitForKey)), r.nextBoolean()));
                case STORE_FAULT -> {
                    List<String> ops = phase == Phase.ISSUE ? List.of("create", "update", "update", "find")
                            : List.of("update", "update", "find");
                    injections.add(new StoreFault(ops.get(r.nextInt(ops.size())), 1 + r.nextInt(2),
                            FlakyStore.Fault.values()[r.nextInt(FlakyStore.Fault.values().length)]));
                }
                default -> {
                    List<String> ops = operations(phase, kind, waitForKey);
                    String action = AwsFault.ACTIONS.get(r.nextInt(AwsFault.ACTIONS.size()));
                    injections.add(new AwsFault(ops.get(r.nextInt(ops.size())), r.nextInt(4) == 0 ? 2 : 1, action,
                            AwsFault.canFollowTheWrite(action) && r.nextBoolean()));
                }
            }
            if (r.nextBoolean()) {
                injections.add(undoFault(r, kind));
            }
            return new Plan(kind, phase, r.nextBoolean(), waitForKey, r.nextBoolean(), r.nextInt(3) == 0,
                    List.copyOf(injections));
        }

        /** A fault on the clean-up path, not absorbed by retries half the time. */
        static AwsFault undoFault(Random r, CredentialKind kind) {
            List<String> ops = kind == CredentialKind.IAM_USER ? UNDO_OPERATIONS : operations(Phase.REVOKE, kind, false);
            String action = List.of("500", "reset", "denied", "denied").get(r.nextInt(4));
            return new AwsFault(ops.get(r.nextInt(ops.size())), 1, action,
                    AwsFault.canFollowTheWrite(action) && r.nextBoolean());
        }

        @Override
        public String toString() {
            return kind.configName() + " " + phase + " " + injections + (retries ? " (SDK retries)" : "")
                    + (waitForKey ? " (key wait)" : "") + (revokeAfterwards ? " (then revoked)" : "");
        }
    }

    /** The SDK calls of a fault-free iam-user issuance, in order. */
    static final List<String> ISSUE_STEPS = List.of("iam:GetPolicy", "iam:CreateUser", "iam:PutUserPolicy",
            "iam:GetUser", "iam:ListUserTags", "iam:GetUserPolicy", "iam:CreateAccessKey", "sts:GetCallerIdentity");
    /** The SDK calls of a fault-free assume-role issuance, in order. */
    static final List<String> ROLE_ISSUE_STEPS = List.of("iam:GetRole", "iam:GetRolePolicy", "sts:AssumeRole");
    /** The SDK calls of a fault-free iam-user revocation, in order. */
    static final List<String> REVOKE_STEPS = List.of("iam:GetUser", "iam:ListAccessKeys", "iam:UpdateAccessKey",
            "iam:DeleteAccessKey", "iam:DeleteLoginProfile", "iam:ListMFADevices", "iam:ListSSHPublicKeys",
            "iam:ListSigningCertificates", "iam:ListServiceSpecificCredentials", "iam:ListGroupsForUser",
            "iam:ListAttachedUserPolicies", "iam:ListUserPolicies", "iam:DeleteUserPolicy", "iam:DeleteUser");
    /** The calls every undo of an iam-user issuance makes. */
    static final List<String> UNDO_OPERATIONS = List.of("iam:GetUser", "iam:ListAccessKeys", "iam:DeleteAccessKey",
            "iam:ListUserPolicies", "iam:DeleteUserPolicy", "iam:DeleteUser", "iam:ListGroupsForUser");

    /**
     * Every step of every issuance and revocation, with every kind of fault, with and without a failing undo, then
     * every store fault: run first, before the random runs.
     */
    static final List<Plan> SYSTEMATIC = systematic();

    private static List<Plan> systematic() {
        List<Plan> plans = new ArrayList<>();
        List<Injection> none = List.of();
        // iam-user issuance: each step, each AWS fault, with no undo fault or a failing undo
        for (String step : ISSUE_STEPS) {
            for (String action : AwsFault.ACTIONS) {
                for (boolean after : AwsFault.canFollowTheWrite(action) ? List.of(false, true) : List.of(false)) {
                    for (String undo : List.of("", "iam:DeleteUser", "iam:GetUser")) {
                        List<Injection> inj = new ArrayList<>(List.of(new AwsFault(step, 1, action, after)));
                        if (!undo.isEmpty()) {
                            inj.add(new AwsFault(undo, 1, "denied", false));
                        }
                        plans.add(new Plan(CredentialKind.IAM_USER, Phase.ISSUE, false, true, false, false,
                                List.copyOf(inj)));
                    }
                }
            }
        }
        // iam-user issuance and revocation: the process dies before or after each SDK call
        for (int n = 1; n <= calls(CredentialKind.IAM_USER, Phase.ISSUE, true); n++) {
            for (boolean after : List.of(false, true)) {
                plans.add(new Plan(CredentialKind.IAM_USER, Phase.ISSUE, false, true, false, false,
                        List.of(new Crash(n, after))));
            }
        }
        for (int n = 1; n <= calls(CredentialKind.IAM_USER, Phase.REVOKE, false); n++) {
            for (boolean after : List.of(false, true)) {
                plans.add(new Plan(CredentialKind.IAM_USER, Phase.REVOKE, false, false, false, false,
                        List.of(new Crash(n, after))));
            }
        }
        // iam-user revocation: each step fails
        for (String step : REVOKE_STEPS) {
            for (String action : List.of("500", "denied")) {
                plans.add(new Plan(CredentialKind.IAM_USER, Phase.REVOKE, false, false, false, false,
                        List.of(new AwsFault(step, 1, action, action.equals("500")))));
            }
        }
        // the store fails or the process dies at each of its calls, issuing and revoking
        for (FlakyStore.Fault f : FlakyStore.Fault.values()) {
            for (String op : List.of("create", "update", "find")) {
                plans.add(new Plan(CredentialKind.IAM_USER, Phase.ISSUE, false, false, false, false,
                        List.of(new StoreFault(op, 1, f))));
            }
            for (String op : List.of("update", "find")) {
                for (int nth = 1; nth <= 2; nth++) {
                    plans.add(new Plan(CredentialKind.IAM_USER, Phase.REVOKE, false, false, false, false,
                            List.of(new StoreFault(op, nth, f))));
                }
            }
        }
        // short-term issuers: the STS call fails or the process dies around it; revocation with the role deny
        for (CredentialKind kind : List.of(CredentialKind.ASSUMED_ROLE, CredentialKind.FEDERATION_TOKEN)) {
            List<String> steps = kind == CredentialKind.ASSUMED_ROLE ? ROLE_ISSUE_STEPS
                    : List.of("sts:GetFederationToken");
            for (String op : steps) {
                for (String action : AwsFault.ACTIONS) {
                    plans.add(new Plan(kind, Phase.ISSUE, false, false, false, false,
                            List.of(new AwsFault(op, 1, action, AwsFault.canFollowTheWrite(action)))));
                }
            }
            for (boolean after : List.of(false, true)) {
                for (int n = 1; n <= calls(kind, Phase.ISSUE, false); n++) {
                    plans.add(new Plan(kind, Phase.ISSUE, false, false, false, false, List.of(new Crash(n, after))));
                }
                plans.add(new Plan(kind, Phase.ISSUE, false, false, false, false,
                        List.of(new StoreFault("update", 1, after ? FlakyStore.Fault.CRASH_AFTER
                                : FlakyStore.Fault.CRASH_BEFORE))));
            }
        }
        // reconcile --fix on a lost placement: the process dies at each SDK call, AWS refuses or fails the revocation
        // of the old canary or the successor's issuance, the store fails or dies at its first updates
        for (int n = 1; n <= calls(CredentialKind.IAM_USER, Phase.RECONCILE, false); n++) {
            for (boolean after : List.of(false, true)) {
                plans.add(new Plan(CredentialKind.IAM_USER, Phase.RECONCILE, false, false, false, false,
                        List.of(new Crash(n, after))));
            }
        }
        for (String op : List.of("iam:DeleteUser", "iam:DeleteAccessKey", "iam:CreateUser", "iam:GetUser")) {
            for (String action : List.of("denied", "500")) {
                plans.add(new Plan(CredentialKind.IAM_USER, Phase.RECONCILE, false, false, false, false,
                        List.of(new AwsFault(op, 1, action, action.equals("500")))));
            }
        }
        for (int nth = 1; nth <= 3; nth++) {
            for (FlakyStore.Fault f : List.of(FlakyStore.Fault.CRASH_BEFORE, FlakyStore.Fault.CRASH_AFTER)) {
                plans.add(new Plan(CredentialKind.IAM_USER, Phase.RECONCILE, false, false, false, false,
                        List.of(new StoreFault("update", nth, f))));
            }
        }
        for (boolean after : List.of(false, true)) {
            plans.add(new Plan(CredentialKind.ASSUMED_ROLE, Phase.REVOKE, false, false, true, false,
                    List.of(new Crash(1, after))));
            plans.add(new Plan(CredentialKind.ASSUMED_ROLE, Phase.REVOKE, false, false, true, false,
                    List.of(new AwsFault("iam:PutRolePolicy", 1, after ? "500" : "denied", after))));
        }
        return List.copyOf(plans);
    }

    /** How many SDK calls a fault-free run of this phase makes through the issuer's clients. */
    static int calls(CredentialKind kind, Phase phase, boolean waitForKey) {
        return switch (kind) {
            case IAM_USER -> switch (phase) {
                case ISSUE -> waitForKey ? 8 : 7;
                case REVOKE -> 14;
                case RECONCILE -> 7 + 14; // the successor's issuance, then the old canary's revocation
            };
            case ASSUMED_ROLE -> phase == Phase.ISSUE ? 3 : 1;
            case FEDERATION_TOKEN -> 1;
        };
    }

    static List<String> operations(Phase phase, CredentialKind kind, boolean waitForKey) {
        if (kind == CredentialKind.ASSUMED_ROLE) {
            return phase == Phase.ISSUE ? List.of("iam:GetRole", "iam:GetRolePolicy", "sts:AssumeRole", "sts:*")
                    : List.of("iam:PutRolePolicy", "iam:*");
        }
        if (kind == CredentialKind.FEDERATION_TOKEN) {
            return List.of("sts:GetFederationToken", "sts:*");
        }
        if (phase == Phase.ISSUE) {
            List<String> ops = new ArrayList<>(ISSUE_STEPS.subList(0, ISSUE_STEPS.size() - 1));
            ops.add("iam:PutUserPermissionsBoundary"); // called only where CreateUser dropped the boundary
            ops.add("iam:*");
            if (waitForKey) {
                ops.add("sts:GetCallerIdentity");
            }
            return ops;
        }
        List<String> ops = new ArrayList<>(REVOKE_STEPS);
        ops.add("iam:*");
        return ops;
    }

    @Test
    void noFailureAnywhereLeavesAnOrphan() throws Exception {
        runSuite(complete);
    }

    /**
     * The same runs against a partial AWS: revocations meet unimplemented listings, issuance meets a boundary that
     * {@code CreateUser} ignores, and deletes are seen late; still no orphan, no principal without a record.
     */
    @Test
    void noFailureAnywhereLeavesAnOrphanOnAPartialAws() throws Exception {
        runSuite(partial);
    }

    private static void runSuite(AwsEmulator aws) throws Exception {
        List<Lane> lanes = new ArrayList<>();
        for (String account : aws.accountIds()) {
            lanes.add(new Lane(aws, account));
        }
        ExecutorService pool = Executors.newFixedThreadPool(lanes.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int l = 0; l < lanes.size(); l++) {
                Lane lane = lanes.get(l);
                int first = l;
                done.add(pool.submit(() -> {
                    for (int run = first; run < RUNS; run += lanes.size()) {
                        lane.run(run);
                    }
                    lane.finish();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof AssertionError ae) {
                        throw ae;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
            lanes.forEach(Lane::close);
        }
        Map<String, Integer> stats = new TreeMap<>();
        lanes.forEach(l -> l.stats.forEach((k, v) -> stats.merge(k, v, Integer::sum)));
        System.out.println("fault injection" + (aws == partial ? " (partial AWS)" : "") + ": " + RUNS + " runs in "
                + lanes.size() + " lanes, seed " + SEED + ": " + stats);
        assertThat(stats.getOrDefault("category.CRASH", 0)).isGreaterThan(RUNS / 5);
        assertThat(stats.getOrDefault("category.AWS_FAULT", 0)).isGreaterThan(RUNS / 4);
        assertThat(stats.getOrDefault("category.STORE_FAULT", 0)).isGreaterThan(RUNS / 8);
        assertThat(stats.getOrDefault("phase.REVOKE", 0)).isGreaterThan(RUNS / 5);
        assertThat(stats.getOrDefault("phase.RECONCILE", 0)).isGreaterThan(RUNS / 10);
        assertThat(stats.getOrDefault("outcome.crashed", 0)).isGreaterThan(RUNS / 8);
        assertThat(stats.getOrDefault("outcome.failed", 0)).isGreaterThan(RUNS / 10);
        assertThat(stats.getOrDefault("recovered.pending", 0)).isPositive();
    }

    /** One account with its own store, clock, clients, canary role and federating user; runs one at a time. */
    static final class Lane implements AutoCloseable {
        final AwsEmulator aws;
        final String account;
        final FlakyStore store = new FlakyStore();
        final MutableClock clock = MutableClock.startingNow();
        final Map<String, Integer> stats = new TreeMap<>();
        final List<FaultRule> rules = new ArrayList<>();
        final IamClient iamNoRetry;
        final IamClient iamRetry;
        final StsClient stsNoRetry;
        final StsClient stsRetry;
        final StsClient fedStsNoRetry;
        final StsClient fedStsRetry;
        final String roleArn;
        final String issuerArn;
        final String federatorArn;
        final Path home;

        Lane(AwsEmulator aws, String account) {
            this.aws = aws;
            this.account = account;
            iamNoRetry = Emulated.iam(aws, account, Emulated.noRetries());
            iamRetry = Emulated.iam(aws, account, Emulated.fastRetries(3));
            stsNoRetry = Emulated.sts(aws, account, Emulated.noRetries());
            stsRetry = Emulated.sts(aws, account, Emulated.fastRetries(3));
            issuerArn = stsRetry.getCallerIdentity().arn();
            roleArn = "arn:aws:iam::" + account + ":role/" + ROLE;
            CanaryPolicySet rolePolicies = Emulated.HARDENER.harden(
                    HardeningRequest.assumedRole(account, "setup", roleArn, issuerArn));
            CanaryRoleSetup.builder().iam(iamRetry).accountId(account).roleName(ROLE).policies(rolePolicies)
                    .maxSessionDuration(Duration.ofHours(2)).build().ensure();
            EmulatedCredentials fed = aws.createUserWithKey(account, FEDERATOR, Map.of("federate",
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                            + "\"Action\":\"sts:GetFederationToken\",\"Resource\":\"*\"}]}"));
            fedStsNoRetry = Emulated.sts(aws, fed, Emulated.noRetries());
            fedStsRetry = Emulated.sts(aws, fed, Emulated.fastRetries(3));
            federatorArn = "arn:aws:iam::" + account + ":user/" + FEDERATOR;
            try {
                home = Files.createTempDirectory("canarykit-fault-lane");
                Files.createDirectories(home.resolve(".aws"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void run(int run) {
            Random r = new Random(SEED * 1_000_003L + run);
            String scenario = runOnce(run, r);
            rules.forEach(rule -> aws.faults().remove(rule));
            rules.clear();
            store.clear();
            clock.advance(MIN_AGE.plusSeconds(1));
            RecoveryReport report = cleanCoordinator().recover();
            String context = "run " + run + " (seed " + SEED + ", " + LANES + " lanes, account " + account + "): "
                    + scenario;
            assertThat(report.problems()).as(context + ": recovery problems").isEmpty();
            assertConsistent(context);
            assertNoSecondSuccessor(context);
            if (run % 150 >= 150 - LANES) {
                assertThat(cleanCoordinator().sweep().residueRemoved()).as(context + ": residue").isZero();
            }
        }

        /** Revokes every live canary with a healthy coordinator: the account must hold nothing of ours. */
        void finish() {
            AtomicIssuance clean = cleanCoordinator();
            for (CanaryRecord rec : store.delegate.list(CanaryQuery.live().limit(1000)).items()) {
                clean.revoke(rec.id());
            }
            assertConsistent("after revoking everything in " + account);
            assertThat(aws.users(account)).extracting(IamUserView::userName)
                    .containsExactlyInAnyOrder(aws.adminUserName(), FEDERATOR);
        }

        @Override
        public void close() {
            for (AutoCloseable c : List.<AutoCloseable>of(iamNoRetry, iamRetry, stsNoRetry, stsRetry, fedStsNoRetry,
                    fedStsRetry)) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing test clients
                }
            }
        }
        private String runOnce(int run, Random r) {
            Plan plan = run < SYSTEMATIC.size() ? SYSTEMATIC.get(run) : Plan.random(r);
            Crasher crasher = new Crasher();
            IamClient iam = crasher.wrap(IamClient.class, plan.retries() ? iamRetry : iamNoRetry);
            StsClient sts = crasher.wrap(StsClient.class, plan.retries() ? stsRetry : stsNoRetry);
            StsClient fedSts = crasher.wrap(StsClient.class, plan.retries() ? fedStsRetry : fedStsNoRetry);
            AtomicIssuance coordinator = coordinator(issuers(iam, sts, fedSts, plan.waitForKey(), plan.revokeOlder()));
            CredentialKind kind = plan.kind();
            String name = (kind == CredentialKind.IAM_USER ? "svc-deploy-" : "ci-job-") + run;
            count("kind." + kind.configName());
            count("phase." + plan.phase());
            count(run < SYSTEMATIC.size() ? "plan.systematic" : "plan.random");

            if (plan.phase() == Phase.RECONCILE) {
                return reconcileOnce(run, plan, crasher, iam, sts, fedSts);
            }
            CanaryId revokeTarget = null;
            if (plan.phase() == Phase.REVOKE) {
                try {
                    revokeTarget = coordinator.issue(request(coordinator, kind, name)).record().id();
                } catch (CanaryException e) {
                    return "issuance before the revocation failed without faults: " + e;
                }
            }
            for (Injection injection : plan.injections()) {
                count("category." + injection.category());
                injection.arm(this, crasher);
            }
            if (plan.injections().size() > 1) {
                count("second-fault");
            }
            int pendingBefore = pending();
            try {
                if (plan.phase() == Phase.ISSUE) {
                    IssuanceResult res = coordinator.issue(request(coordinator, kind, name));
                    count("outcome.issued");
                    if (plan.revokeAfterwards()) {
                        coordinator.revoke(res.record().id());
                    }
                } else {
                    coordinator.revoke(revokeTarget);
                    count("outcome.revoked");
                }
            } catch (SimulatedCrash crash) {
                count("outcome.crashed"); // the process is gone: coordinator and issuers are never used again
            } catch (CanaryException e) {
                count("outcome.failed");
            }
            if (pending() > pendingBefore) {
                count("recovered.pending");
            }
            return plan.toString();
        }

        /** A canary whose placement lost it; {@code reconcile --fix} by the faulty process, then by a healthy one. */
        private String reconcileOnce(int run, Plan plan, Crasher crasher, IamClient iam, StsClient sts,
                                     StsClient fedSts) {
            // earlier runs' canaries were never planted: revoke them first, so reconcile concerns this one only
            AtomicIssuance clean = cleanCoordinator();
            for (CanaryRecord rec : store.delegate.list(CanaryQuery.live().limit(1000)).items()) {
                clean.revoke(rec.id());
            }
            CanaryService healthy = service(issuers(iamRetry, stsRetry, fedStsRetry, false, true));
            CanaryRecord old;
            try {
                old = healthy.issue(Asset.of("laptop", "run-" + run),
                        PlacementSpec.of("aws-credentials-file", Map.of("profile", "p" + run))).record();
            } catch (CanaryException e) {
                return "issuance before the reconciliation failed without faults: " + e;
            }
            placement().remove(old.receipt()); // someone deleted the profile
            for (Injection injection : plan.injections()) {
                count("category." + injection.category());
                injection.arm(this, crasher);
            }
            try {
                service(issuers(iam, sts, fedSts, false, plan.revokeOlder())).reconcile(true);
                count("outcome.reconciled");
            } catch (SimulatedCrash crash) {
                count("outcome.crashed");
            } catch (CanaryException e) {
                count("outcome.failed");
            }
            store.clear();
            rules.forEach(rule -> aws.faults().remove(rule));
            rules.clear();
            healthy.reconcile(true); // the repeated reconcile --fix, by another process
            return plan.toString();
        }

        private AwsCredentialsFilePlacement placement() {
            return AwsCredentialsFilePlacement.builder()
                    .environment(PlacementEnvironment.of(Map.of("HOME", home.toString()), Map.of())).clock(clock)
                    .build();
        }

        private CanaryService service(List<CanaryIssuer> issuers) {
            return CanaryService.builder().store(store).issuance(coordinator(issuers)).namer(PlausibleNamer.create())
                    .hardener(Emulated.HARDENER).placement(placement()).clock(clock).build();
        }

        /** At most one live successor per canary, ever. */
        private void assertNoSecondSuccessor(String context) {
            Map<CanaryId, List<CanaryId>> successors = new java.util.HashMap<>();
            for (CanaryRecord rec : store.delegate.list(CanaryQuery.live().limit(1000)).items()) {
                if (rec.replaces() != null) {
                    successors.computeIfAbsent(rec.replaces(), k -> new ArrayList<>()).add(rec.id());
                }
            }
            successors.forEach((replaced, live) -> assertThat(live)
                    .as(context + ": live successors of " + replaced).hasSizeLessThanOrEqualTo(1));
        }

        void addRule(FaultRule.Builder rule, FaultAction action) {
            rules.add(aws.faults().add(rule.inAccount(account).then(action)));
        }

        private List<CanaryIssuer> issuers(IamClient iam, StsClient sts, StsClient fedSts, boolean waitForKey,
                                                  boolean revokeOlder) {
            IamUserIssuer.Builder user = IamUserIssuer.builder().iam(iam).sts(sts).accountId(account).path(PATH)
                    .retryPause(Duration.ofMillis(1));
            if (waitForKey) {
                user.waitForKey(Duration.ofSeconds(2)).waitInterval(Duration.ofMillis(20));
            }
            return List.of(user.build(),
                    AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(roleArn).issuerArn(issuerArn)
                            .revokeOlderSessions(revokeOlder).build(),
                    FederationTokenIssuer.builder().sts(fedSts).accountId(account).issuerArn(federatorArn)
                            .defaultDuration(Duration.ofHours(1)).build());
        }

        private AtomicIssuance coordinator(List<CanaryIssuer> issuers) {
            return AtomicIssuance.builder().store(store).pool(IssuerPool.of(issuers)).clock(clock).minimumAge(MIN_AGE)
                    .build();
        }

        private AtomicIssuance cleanCoordinator() {
            return coordinator(issuers(iamRetry, stsRetry, fedStsRetry, false, true));
        }

        private static io.canarykit.issue.IssueRequest request(AtomicIssuance c, CredentialKind kind, String name) {
            CanaryIssuer issuer = c.pool().issuers().stream().filter(i -> i.kind() == kind).findFirst().orElseThrow();
            return Emulated.request(issuer, name);
        }

        private int pending() {
            return store.delegate.list(CanaryQuery.withStatus(CanaryStatus.PENDING).limit(1000)).items().size();
        }

        private void count(String key) {
            stats.merge(key, 1, Integer::sum);
        }

        /** No IAM user, key or policy without a live record; no live record without its principal. */
        private void assertConsistent(String context) {
            Set<String> infrastructure = Set.of(aws.adminUserName(), FEDERATOR);
            Set<String> canaryKeys = new HashSet<>();
            for (IamUserView u : aws.users(account)) {
                if (infrastructure.contains(u.userName())) {
                    continue;
                }
                String ref = u.tags().get("ref");
                if (ref == null) {
                    fail(context + ": user " + u.userName() + " has no ownership tag");
                }
                CanaryRecord rec = store.delegate.find(CanaryId.parse(ref)).orElse(null);
                if (rec == null || !rec.status().isLive() || rec.kind() != CredentialKind.IAM_USER
                        || !rec.principal().name().equals(u.userName())) {
                    fail(context + ": user " + u.userName() + " exists, but its record is " + rec);
                }
                assertThat(u.accessKeys()).as(context + ": keys of " + u.userName()).extracting(AccessKeyView::accessKeyId)
                        .containsExactly(rec.accessKeyId());
                assertThat(u.accessKeys().get(0).status()).as(context).isEqualTo("Active");
                canaryKeys.add(rec.accessKeyId());
                assertThat(u.inlinePolicies()).as(context + ": inline policies of " + u.userName())
                        .containsOnlyKeys("baseline");
                assertThat(u.attachedPolicyArns()).as(context).isEmpty();
                assertThat(u.groups()).as(context).isEmpty();
            }
            for (AccessKeyView k : aws.accessKeys()) {
                if (!k.accountId().equals(account)) {
                    continue;
                }
                if (!infrastructure.contains(k.userName()) && !canaryKeys.contains(k.accessKeyId())) {
                    fail(context + ": key " + k.accessKeyId() + " of " + k.userName() + " has no live record");
                }
            }
            for (ManagedPolicyView p : aws.policies(account)) {
                assertThat(p.policyName()).as(context + ": managed policy").isEqualTo("baseline-boundary");
            }
            RoleView role = aws.roles(account).stream().filter(x -> x.roleName().equals(ROLE)).findFirst().orElseThrow();
            assertThat(role.inlinePolicies().keySet()).as(context + ": role policies")
                    .isSubsetOf("baseline", AssumeRoleIssuer.REVOKE_POLICY_NAME);
            assertThat(role.attachedPolicyArns()).as(context).isEmpty();
            Set<String> sessions = new HashSet<>();
            for (SessionView s : aws.sessions()) {
                sessions.add(s.accessKeyId());
            }
            for (CanaryRecord rec : store.delegate.list(CanaryQuery.live().limit(1000)).items()) {
                if (rec.status() == CanaryStatus.PENDING) {
                    fail(context + ": intent " + rec.id() + " still pending after recovery");
                }
                if (rec.kind() == CredentialKind.IAM_USER) {
                    IamUserView u = aws.user(account, rec.principal().name()).orElse(null);
                    if (u == null || !rec.id().value().equals(u.tags().get("ref"))) {
                        fail(context + ": live record " + rec.id() + " has no user " + rec.principal().name());
                    }
                    assertThat(u.accessKeys()).extracting(AccessKeyView::accessKeyId).as(context)
                            .contains(rec.accessKeyId());
                } else if (!sessions.contains(rec.accessKeyId())) {
                    fail(context + ": live record " + rec.id() + " has no session " + rec.accessKeyId());
                }
            }
        }
    }
}
