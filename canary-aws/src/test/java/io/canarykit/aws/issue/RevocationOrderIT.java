package io.canarykit.aws.issue;

import io.canarykit.Asset;
import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CanaryStatus;
import io.canarykit.LifecycleReport;
import io.canarykit.PlacementReceipt;
import io.canarykit.PlacementSpec;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.IssuanceAttributes;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import io.canarykit.store.CanaryQuery;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.IamUserView;
import io.canarykit.testkit.aws.MutableClock;
import io.canarykit.testkit.aws.PartialAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15, findings 2 and 6: the order of a revocation (intent recorded, then placement removed, then AWS), a crash
 * at each point finished by recovery, and reconciliation that never issues a second successor nor replaces the
 * placement of a canary being revoked. The crash is the process dying (an {@link Error} thrown through everything,
 * after which every object it used is abandoned and a new service is built on the same store, files and AWS).
 */
class RevocationOrderIT {
    private static final String ORIGINAL = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
            + "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
    private static final Duration MIN_AGE = Duration.ofMinutes(5);

    @TempDir
    Path home;

    private MutableClock clock;
    private AwsEmulator aws;
    private IamClient iam;
    private StsClient sts;
    private FlakyStore store;
    private Path credentials;

    @BeforeEach
    void start() throws Exception {
        clock = MutableClock.at(Instant.now());
        aws = AwsEmulator.builder().clock(clock).start();
        iam = aws.iam();
        sts = aws.sts();
        store = new FlakyStore();
        Files.createDirectories(home.resolve(".aws"));
        credentials = home.resolve(".aws/credentials");
        Files.writeString(credentials, ORIGINAL);
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    /** Where the process dies while revoking. */
    enum Point {
        /** Right after the intent was written to the store. */
        AFTER_INTENT,
        /** Right after the placement was removed. */
        AFTER_PLACEMENT_REMOVED,
        /** Half-way through AWS: the keys deactivated, nothing deleted. */
        DURING_AWS,
        /** AWS done, the record not yet closed. */
        AFTER_AWS
    }

    /** A placement that dies around {@code remove}. */
    private static final class DyingPlacement implements Placement {
        private final Placement delegate;
        private final boolean dieAfterRemove;

        DyingPlacement(Placement delegate, boolean dieAfterRemove) {
            this.delegate = delegate;
            this.dieAfterRemove = dieAfterRemove;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public PlacementReceipt place(PlacementRequest request) {
            return delegate.place(request);
        }

        @Override
        public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
            return delegate.replace(previous, request);
        }

        @Override
        public PlacementVerification verify(PlacementReceipt receipt) {
            return delegate.verify(receipt);
        }

        @Override
        public void remove(PlacementReceipt receipt) {
            delegate.remove(receipt);
            if (dieAfterRemove) {
                throw new SimulatedCrash("after removing the placement");
            }
        }
    }

    private CanaryService service(IamClient iamClient, boolean dieAfterRemove) {
        PlacementEnvironment env = PlacementEnvironment.of(Map.of("HOME", home.toString()), Map.of());
        IamUserIssuer issuer = IamUserIssuer.builder().iam(iamClient).sts(sts).accountId(aws.accountId()).clock(clock)
                .build();
        AtomicIssuance issuance = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock).minimumAge(MIN_AGE)
                .build();
        Placement file = AwsCredentialsFilePlacement.builder().environment(env).clock(clock).build();
        return CanaryService.builder().store(store).issuance(issuance).namer(PlausibleNamer.create())
                .hardener(Emulated.HARDENER).placement(new DyingPlacement(file, dieAfterRemove)).clock(clock).build();
    }

    private CanaryRecord issue(CanaryService service) {
        return service.issue(Asset.of("laptop", "LT-0042"),
                PlacementSpec.of("aws-credentials-file", Map.of("profile", "billing-ro"))).record();
    }

    private List<CanaryRecord> records() {
        return store.delegate.list(CanaryQuery.all().limit(1000)).items();
    }

    /** Every record that got as far as a key (FAILED name attempts excluded). */
    private List<CanaryRecord> issued() {
        return records().stream().filter(r -> r.accessKeyId() != null).toList();
    }

    @ParameterizedTest
    @EnumSource(Point.class)
    void finding6_aCrashAtEachPointOfARevocationIsFinishedByRecoveryAndNeverReplaced(Point point) throws Exception {
        CanaryRecord canary = issue(service(iam, false));
        assertThat(Files.readString(credentials)).contains("[billing-ro]");

        Crasher crasher = new Crasher();
        CanaryService dying = service(crasher.wrap(IamClient.class, iam), point == Point.AFTER_PLACEMENT_REMOVED);
        switch (point) {
            case AFTER_INTENT -> store.failAt("update", 1, FlakyStore.Fault.CRASH_AFTER);
            case DURING_AWS -> crasher.at(3, true); // GetUser, ListAccessKeys, UpdateAccessKey: dies after it
            case AFTER_AWS -> store.failAt("update", 2, FlakyStore.Fault.CRASH_BEFORE); // 1: intent, 2: closing
            default -> { }
        }
        assertThatThrownBy(() -> dying.revoke(canary.id())).isInstanceOf(SimulatedCrash.class);
        store.clear();

        // what the dead process left: the intent is on record, whatever else happened
        CanaryRecord left = store.delegate.find(canary.id()).orElseThrow();
        assertThat(left.status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(left.attributes()).containsKey(IssuanceAttributes.REVOCATION_REQUESTED_AT);
        boolean placementGone = point != Point.AFTER_INTENT;
        assertThat(Files.readString(credentials).contains("[billing-ro]")).isEqualTo(!placementGone);

        // a new process: reconcile reports no lost placement and, fixing, replaces nothing
        CanaryService fresh = service(iam, false);
        LifecycleReport.Reconcile look = fresh.reconcile(false);
        assertThat(look.missingPlacements()).isEmpty();
        LifecycleReport.Reconcile early = fresh.reconcile(true);
        assertThat(early.fixed()).noneMatch(f -> f.startsWith("replaced canary"));
        assertThat(Files.readString(credentials)).as("the placement goes first, at once").isEqualTo(ORIGINAL);

        clock.advance(MIN_AGE.plusSeconds(1));
        LifecycleReport.Reconcile done = fresh.reconcile(true);

        assertThat(done.failures()).isEmpty();
        assertThat(store.delegate.find(canary.id()).orElseThrow().status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
        assertThat(records()).as("no successor was issued").hasSize(1);
        assertThat(Files.readString(credentials)).isEqualTo(ORIGINAL);
    }

    @Test
    void finding6_revokeRecordsTheIntentBeforeItTouchesThePlacement() {
        CanaryRecord canary = issue(service(iam, false));
        // the first store write of the revocation fails: nothing else may have happened
        store.failAt("update", 1, FlakyStore.Fault.FAIL_BEFORE);

        assertThatThrownBy(() -> service(iam, false).revoke(canary.id())).isInstanceOf(CanaryException.class);

        assertThat(credentials).content().contains("[billing-ro]");
        assertThat(aws.user(aws.accountId(), canary.principal().name())).isPresent();
    }

    @Test
    void finding2_repeatedReconcileFixIssuesOneSuccessorWhileTheOldCanaryCannotBeRevoked() throws Exception {
        CanaryService service = service(iam, false);
        CanaryRecord canary = issue(service);
        // the placement loses the canary (someone deleted the profile), and AWS will not let it be revoked
        Files.writeString(credentials, ORIGINAL);
        aws.faults().add(FaultRule.on("iam:DeleteUser").then(FaultAction.error(403, "AccessDenied", "denied")));
        aws.partialAws().unimplemented("iam:ListServiceSpecificCredentials", PartialAws.Unimplemented.EMPTY_500);
        clock.advance(MIN_AGE.plusSeconds(1));

        LifecycleReport.Reconcile first = service.reconcile(true);
        clock.advance(Duration.ofMinutes(1));
        LifecycleReport.Reconcile second = service.reconcile(true);
        clock.advance(MIN_AGE.plusSeconds(1));
        LifecycleReport.Reconcile third = service.reconcile(true);

        assertThat(first.fixed()).anyMatch(f -> f.startsWith("replaced canary " + canary.id()));
        assertThat(first.failures()).anyMatch(f -> f.contains("AccessDenied"));
        assertThat(second.fixed()).noneMatch(f -> f.startsWith("replaced canary"));
        assertThat(third.fixed()).noneMatch(f -> f.startsWith("replaced canary"));
        assertThat(second.failures()).noneMatch(f -> f.contains("already exists"));
        // (a FAILED record may show a successor name attempt that collided with the old user's name: nothing issued)
        assertThat(issued()).as("the old canary and exactly one successor").hasSize(2);
        assertThat(issued()).filteredOn(r -> canary.id().equals(r.replaces())).hasSize(1);
        assertThat(aws.usersExceptAdmin(aws.accountId())).hasSize(2);
        CanaryRecord old = store.delegate.find(canary.id()).orElseThrow();
        assertThat(old.replacedBy()).isNotNull();

        // once AWS lets it go, the next pass finishes the old one and still issues nothing
        aws.faults().clear();
        LifecycleReport.Reconcile fourth = service.reconcile(true);
        assertThat(fourth.failures()).isEmpty();
        assertThat(store.delegate.find(canary.id()).orElseThrow().status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(issued()).hasSize(2);
        assertThat(aws.usersExceptAdmin(aws.accountId())).extracting(IamUserView::userName).containsExactly(
                store.delegate.find(old.replacedBy()).orElseThrow().principal().name());
        assertThat(Files.readString(credentials)).contains("[billing-ro]");
        CanaryId successor = old.replacedBy();
        assertThat(store.delegate.find(successor).orElseThrow().status()).isEqualTo(CanaryStatus.ACTIVE);
    }
}
