package io.canarykit.aws.issue;

import io.canarykit.CanaryException;
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
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.IamUserView;
import io.canarykit.testkit.aws.ManagedPolicyView;
import io.canarykit.testkit.aws.RoleView;
import io.canarykit.testkit.aws.SessionView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The proof that issuance is atomic: against the emulator, a failure is injected at every step of issuance and
 * revocation (AWS errors before and after they take effect, throttling, broken connections, store failures before and
 * after a write, and the process dying before or after any AWS or store call, after which every object it used is
 * abandoned and a new coordinator with new issuers runs the recovery pass). After every run the emulator is inspected:
 * no IAM user, access key or policy without a live record, and no live record without its principal.
 *
 * <p>Seeded and reproducible: {@code -Dcanarykit.faultSeed=...}, {@code -Dcanarykit.faultRuns=...}; a failure names
 * the run and its scenario.
 */
class FaultInjectionIT {
    static final String ACCOUNT = "310987654321";
    static final long SEED = Long.getLong("canarykit.faultSeed", 20261128L);
    static final int RUNS = Integer.getInteger("canarykit.faultRuns", 600);
    static final Duration MIN_AGE = Duration.ofMinutes(5);
    static final String PATH = "/svc/";
    static final String ROLE = "deploy-runner";
    static final String FEDERATOR = "build-federator";

    static AwsEmulator aws;
    static IamClient iamNoRetry;
    static IamClient iamRetry;
    static StsClient stsNoRetry;
    static StsClient stsRetry;
    static StsClient fedStsNoRetry;
    static StsClient fedStsRetry;
    static String roleArn;
    static String issuerArn;
    static String federatorArn;

    @BeforeAll
    static void start() {
        aws = AwsEmulator.builder().account(ACCOUNT).callLogLimit(2000).start();
        iamNoRetry = Emulated.iam(aws, ACCOUNT, Emulated.noRetries());
        iamRetry = Emulated.iam(aws, ACCOUNT, Emulated.fastRetries(3));
        stsNoRetry = Emulated.sts(aws, ACCOUNT, Emulated.noRetries());
        stsRetry = Emulated.sts(aws, ACCOUNT, Emulated.fastRetries(3));
        issuerArn = stsRetry.getCallerIdentity().arn();
        roleArn = "arn:aws:iam::" + ACCOUNT + ":role/" + ROLE;
        CanaryPolicySet rolePolicies = Emulated.HARDENER.harden(
                HardeningRequest.assumedRole(ACCOUNT, "setup", roleArn, issuerArn));
        CanaryRoleSetup.builder().iam(iamRetry).accountId(ACCOUNT).roleName(ROLE).policies(rolePolicies)
                .maxSessionDuration(Duration.ofHours(2)).build().ensure();
        EmulatedCredentials fed = aws.createUserWithKey(ACCOUNT, FEDERATOR, Map.of("federate",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:GetFederationToken\","
                        + "\"Resource\":\"*\"}]}"));
        fedStsNoRetry = Emulated.sts(aws, fed, Emulated.noRetries());
        fedStsRetry = Emulated.sts(aws, fed, Emulated.fastRetries(3));
        federatorArn = "arn:aws:iam::" + ACCOUNT + ":user/" + FEDERATOR;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : List.<AutoCloseable>of(iamNoRetry, iamRetry, stsNoRetry, stsRetry, fedStsNoRetry,
                fedStsRetry, aws)) {
            try {
                c.close();
            } catch (Exception e) {
                // closing test clients
            }
        }
    }

    enum Phase { ISSUE, REVOKE }

    enum Category { AWS_FAULT, STORE_FAULT, CRASH }

    static final class TestClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final FlakyStore store = new FlakyStore();
    final TestClock clock = new TestClock();
    final Map<String, Integer> stats = new TreeMap<>();

    @Test
    void noFailureAnywhereLeavesAnOrphan() {
        for (int run = 0; run < RUNS; run++) {
            Random r = new Random(SEED * 1_000_003L + run);
            String scenario = runOnce(run, r);
            aws.faults().clear();
            store.clear();
            clock.advance(MIN_AGE.plusSeconds(1));
            RecoveryReport report = cleanCoordinator().recover();
            assertThat(report.problems()).as("run %d (%s): recovery problems", run, scenario).isEmpty();
            assertConsistent("run " + run + " (seed " + SEED + "): " + scenario);
            if (run % 150 == 149) {
                assertThat(cleanCoordinator().sweep().residueRemoved()).as("residue after run " + run).isZero();
            }
        }
        // finally revoke every live canary with a healthy coordinator: the account must hold nothing of ours
        AtomicIssuance clean = cleanCoordinator();
        for (CanaryRecord rec : store.delegate.list(CanaryQuery.live().limit(1000)).items()) {
            clean.revoke(rec.id());
        }
        assertConsistent("after revoking everything");
        assertThat(aws.users(ACCOUNT)).extracting(IamUserView::userName)
                .containsExactlyInAnyOrder(aws.adminUserName(), FEDERATOR);
        System.out.println("fault injection: " + RUNS + " runs, seed " + SEED + ": " + stats);
        assertThat(stats.getOrDefault("category.CRASH", 0)).isGreaterThan(RUNS / 5);
        assertThat(stats.getOrDefault("category.AWS_FAULT", 0)).isGreaterThan(RUNS / 4);
        assertThat(stats.getOrDefault("category.STORE_FAULT", 0)).isGreaterThan(RUNS / 8);
        assertThat(stats.getOrDefault("phase.REVOKE", 0)).isGreaterThan(RUNS / 5);
        assertThat(stats.getOrDefault("outcome.crashed", 0)).isGreaterThan(RUNS / 8);
        assertThat(stats.getOrDefault("outcome.failed", 0)).isGreaterThan(RUNS / 10);
        assertThat(stats.getOrDefault("recovered.pending", 0)).isPositive();
    }

    private String runOnce(int run, Random r) {
        Crasher crasher = new Crasher();
        boolean retries = r.nextBoolean();
        IamClient iam = crasher.wrap(IamClient.class, retries ? iamRetry : iamNoRetry);
        StsClient sts = crasher.wrap(StsClient.class, retries ? stsRetry : stsNoRetry);
        StsClient fedSts = crasher.wrap(StsClient.class, retries ? fedStsRetry : fedStsNoRetry);
        boolean waitForKey = r.nextInt(4) == 0;
        boolean revokeOlder = r.nextBoolean();
        AtomicIssuance coordinator = coordinator(issuers(iam, sts, fedSts, waitForKey, revokeOlder));

        int k = r.nextInt(10);
        CredentialKind kind = k < 7 ? CredentialKind.IAM_USER : k < 9 ? CredentialKind.ASSUMED_ROLE
                : CredentialKind.FEDERATION_TOKEN;
        Phase phase = r.nextInt(5) < 3 ? Phase.ISSUE : Phase.REVOKE;
        Category category = Category.values()[r.nextInt(Category.values().length)];
        String name = (kind == CredentialKind.IAM_USER ? "svc-deploy-" : "ci-job-") + run;
        count("kind." + kind.configName());
        count("phase." + phase);
        count("category." + category);

        CanaryId revokeTarget = null;
        if (phase == Phase.REVOKE) {
            try {
                revokeTarget = coordinator.issue(request(coordinator, kind, name)).record().id();
            } catch (CanaryException e) {
                return "issuance before the revocation failed without faults: " + e;
            }
        }
        String fault = arm(r, category, phase, kind, crasher, waitForKey);
        String scenario = kind.configName() + " " + phase + " " + category + " " + fault
                + (retries ? " (SDK retries)" : "") + (waitForKey ? " (key wait)" : "");
        int pendingBefore = pending();
        try {
            if (phase == Phase.ISSUE) {
                IssuanceResult res = coordinator.issue(request(coordinator, kind, name));
                count("outcome.issued");
                if (r.nextInt(3) == 0) {
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
        return scenario;
    }

    /** Injects one fault; returns its description. */
    private String arm(Random r, Category category, Phase phase, CredentialKind kind, Crasher crasher,
                       boolean waitForKey) {
        switch (category) {
            case CRASH: {
                int calls = switch (kind) {
                    case IAM_USER -> phase == Phase.ISSUE ? (waitForKey ? 5 : 4) : 14;
                    case ASSUMED_ROLE -> 1;
                    case FEDERATION_TOKEN -> 1;
                };
                int nth = 1 + r.nextInt(calls);
                boolean after = r.nextBoolean();
                crasher.at(nth, after);
                return "crash " + (after ? "after" : "before") + " SDK call " + nth;
            }
            case STORE_FAULT: {
                String[] ops = phase == Phase.ISSUE ? new String[]{"create", "update", "update", "find"}
                        : new String[]{"update", "update", "find"};
                String op = ops[r.nextInt(ops.length)];
                FlakyStore.Fault f = FlakyStore.Fault.values()[r.nextInt(FlakyStore.Fault.values().length)];
                int nth = 1 + r.nextInt(2);
                store.failAt(op, nth, f);
                return "store " + op + " #" + nth + " " + f;
            }
            default: {
                String[] ops = operations(phase, kind, waitForKey);
                String op = ops[r.nextInt(ops.length)];
                int nth = 1 + r.nextInt(2);
                int a = r.nextInt(5);
                FaultAction action = switch (a) {
                    case 0 -> FaultAction.serverError();
                    case 1 -> FaultAction.connectionReset();
                    case 2 -> FaultAction.throttle();
                    case 3 -> FaultAction.serviceUnavailable();
                    default -> FaultAction.error(403, "AccessDenied", "simulated denial");
                };
                boolean after = a != 2 && r.nextBoolean(); // a throttled request never takes effect
                FaultRule.Builder rule = FaultRule.on(op).onCall(nth);
                if (after) {
                    rule.afterApplying();
                }
                aws.faults().add(rule.then(action));
                return "aws " + op + " #" + nth + " " + action + (after ? " after applying" : "");
            }
        }
    }

    private static String[] operations(Phase phase, CredentialKind kind, boolean waitForKey) {
        if (kind == CredentialKind.ASSUMED_ROLE) {
            return phase == Phase.ISSUE ? new String[]{"sts:AssumeRole", "sts:*"}
                    : new String[]{"iam:PutRolePolicy", "iam:*"};
        }
        if (kind == CredentialKind.FEDERATION_TOKEN) {
            return new String[]{"sts:GetFederationToken", "sts:*"};
        }
        if (phase == Phase.ISSUE) {
            List<String> ops = new ArrayList<>(List.of("iam:GetPolicy", "iam:CreateUser", "iam:PutUserPolicy",
                    "iam:CreateAccessKey", "iam:*", "iam:GetUser", "iam:DeleteUser", "iam:DeleteAccessKey"));
            if (waitForKey) {
                ops.add("sts:GetCallerIdentity");
            }
            return ops.toArray(new String[0]);
        }
        return new String[]{"iam:GetUser", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey",
                "iam:DeleteLoginProfile", "iam:ListMFADevices", "iam:ListSSHPublicKeys", "iam:ListSigningCertificates",
                "iam:ListServiceSpecificCredentials", "iam:ListGroupsForUser", "iam:ListAttachedUserPolicies",
                "iam:ListUserPolicies", "iam:DeleteUserPolicy", "iam:DeleteUser", "iam:*"};
    }

    private static List<CanaryIssuer> issuers(IamClient iam, StsClient sts, StsClient fedSts, boolean waitForKey,
                                              boolean revokeOlder) {
        IamUserIssuer.Builder user = IamUserIssuer.builder().iam(iam).sts(sts).accountId(ACCOUNT).path(PATH);
        if (waitForKey) {
            user.waitForKey(Duration.ofSeconds(2)).waitInterval(Duration.ofMillis(20));
        }
        return List.of(user.build(),
                AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(roleArn).issuerArn(issuerArn)
                        .revokeOlderSessions(revokeOlder).build(),
                FederationTokenIssuer.builder().sts(fedSts).accountId(ACCOUNT).issuerArn(federatorArn)
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
        for (IamUserView u : aws.users(ACCOUNT)) {
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
            if (!infrastructure.contains(k.userName()) && !canaryKeys.contains(k.accessKeyId())) {
                fail(context + ": key " + k.accessKeyId() + " of " + k.userName() + " has no live record");
            }
        }
        for (ManagedPolicyView p : aws.policies(ACCOUNT)) {
            assertThat(p.policyName()).as(context + ": managed policy").isEqualTo("baseline-boundary");
        }
        RoleView role = aws.roles(ACCOUNT).stream().filter(x -> x.roleName().equals(ROLE)).findFirst().orElseThrow();
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
                IamUserView u = aws.user(ACCOUNT, rec.principal().name()).orElse(null);
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
