package io.canarykit.aws.lifecycle;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CanaryStatus;
import io.canarykit.IssueOutcome;
import io.canarykit.LifecycleReport;
import io.canarykit.PlacementSpec;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.inventory.CsvAssetSource;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;
import io.canarykit.placement.file.EnvFilePlacement;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.IamUserView;
import io.canarykit.testkit.aws.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.DeleteAccessKeyRequest;
import software.amazon.awssdk.services.iam.model.DeleteUserPolicyRequest;
import software.amazon.awssdk.services.iam.model.DeleteUserRequest;
import software.amazon.awssdk.services.sts.StsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lifecycle service end to end against the AWS emulator, with real files and the SDK's own profile reader. */
class CanaryServiceIT {
    private static final String ORIGINAL = "# my real credentials\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
            + "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

    @TempDir
    Path home;

    private AwsEmulator aws;
    private IamClient iam;
    private StsClient sts;
    private MutableClock clock;
    private InMemoryCanaryStore store;
    private CanaryService service;
    private Path credentials;

    @BeforeEach
    void start() throws Exception {
        clock = MutableClock.at(Instant.now()); // AWS and the library share one clock, as they do in real life
        aws = AwsEmulator.builder().clock(clock).start();
        iam = aws.iam();
        sts = aws.sts();
        store = InMemoryCanaryStore.create();
        Files.createDirectories(home.resolve(".aws"));
        credentials = home.resolve(".aws/credentials");
        Files.writeString(credentials, ORIGINAL);
        service = service(DenyAllPolicyHardener.create());
    }

    private CanaryService service(io.canarykit.policy.PolicyHardener hardener) {
        PlacementEnvironment env = PlacementEnvironment.of(Map.of("HOME", home.toString()), Map.of());
        IamUserIssuer issuer = IamUserIssuer.builder().iam(iam).sts(sts).accountId(aws.accountId()).clock(clock).build();
        AtomicIssuance issuance = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock)
                .minimumAge(Duration.ofMinutes(5)).build();
        return CanaryService.builder()
                .store(store)
                .issuance(issuance)
                .namer(PlausibleNamer.create())
                .hardener(hardener)
                .placement(AwsCredentialsFilePlacement.builder().environment(env).clock(clock).build())
                .placement(EnvFilePlacement.builder().environment(env).clock(clock).build())
                .clock(clock)
                .maxAge(Duration.ofDays(30))
                .gracePeriod(Duration.ofHours(1))
                .build();
    }

    @AfterEach
    void stop() {
        service.close();
        aws.close();
    }

    private List<IamUserView> canaryUsers() {
        return aws.usersExceptAdmin(aws.accountId());
    }

    private AwsCredentials resolve(String profile) {
        ProfileFile file = ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build();
        return ProfileCredentialsProvider.builder().profileFile(file).profileName(profile).build().resolveCredentials();
    }

    @Test
    void issuesPlantsAndStoresTheReceipt() throws Exception {
        Asset laptop = Asset.of("laptop", "LT-0042").withLabel("owner", "zoe");
        IssueOutcome out = service.issue(laptop, PlacementSpec.of("aws-credentials-file", Map.of("profile", "billing-admin")));

        CanaryRecord r = out.record();
        assertThat(r.status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(r.receipt()).isNotNull();
        assertThat(r.receipt().placement()).isEqualTo("aws-credentials-file");
        assertThat(out.credential()).as("the secret went to the placement only").isNull();
        assertThat(store.find(r.id())).contains(r);
        assertThat(resolve("billing-admin").accessKeyId()).isEqualTo(r.accessKeyId());
        assertThat(Files.readString(credentials)).startsWith(ORIGINAL);
        assertThat(canaryUsers()).extracting(IamUserView::userName).containsExactly(r.principal().name());
        assertThat(r.principal().name()).doesNotContainIgnoringCase("canary").doesNotContain("LT-0042");
    }

    @Test
    void returnsTheCredentialWhenAskedAndNeverPlantsIt() {
        IssueOutcome out = service.issue(Asset.of("ci-build", "run-1"), PlacementSpec.returnToCaller());
        assertThat(out.credential()).isNotNull();
        assertThat(out.credential().accessKeyId()).isEqualTo(out.record().accessKeyId());
        assertThat(out.record().receipt()).isNull();
        assertThat(out.toString()).doesNotContain(out.credential().secretAccessKey().reveal());
    }

    @Test
    void aPlacementThatFailsUndoesTheIssuanceAndLeavesTheFileAlone() throws Exception {
        // taking over the user's real default profile is refused by the placement
        assertThatThrownBy(() -> service.issue(Asset.of("laptop", "LT-1"),
                PlacementSpec.of("aws-credentials-file", Map.of("profile", "default"))))
                .isInstanceOf(CanaryException.class).hasMessageContaining("revoked");

        assertThat(Files.readString(credentials)).isEqualTo(ORIGINAL);
        assertThat(canaryUsers()).isEmpty();
        assertThat(service.listAll(io.canarykit.store.CanaryQuery.live())).isEmpty();
    }

    @Test
    void anUnknownPlacementIsRefusedBeforeAnyAwsCall() {
        int calls = aws.calls().size();
        assertThatThrownBy(() -> service.issue(Asset.of("host", "h"), PlacementSpec.of("carrier-pigeon")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("carrier-pigeon");
        assertThat(aws.calls()).hasSize(calls);
        assertThat(service.listAll(io.canarykit.store.CanaryQuery.all())).isEmpty();
    }

    @Test
    void refusesPoliciesThatWouldAllowSomethingBeforeAnyAwsCall() {
        service.close();
        DenyAllPolicyHardener real = DenyAllPolicyHardener.create();
        service = service(request -> {
            CanaryPolicySet set = real.harden(request);
            String leaky = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}]}";
            return new CanaryPolicySet(set.kind(), set.inlinePolicyName(), leaky, null, set.boundaryArn(),
                    set.sessionPolicy(), set.trustPolicy(), set.scpStatement());
        });
        int calls = aws.calls().size();

        assertThatThrownBy(() -> service.issue(Asset.of("host", "h"), PlacementSpec.of("aws-credentials-file",
                Map.of("profile", "ops"))))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("would allow more than sts:GetCallerIdentity")
                .hasMessageContaining("s3:");
        assertThat(aws.calls()).hasSize(calls);
        assertThat(canaryUsers()).isEmpty();
    }

    @Test
    void revokeRemovesThePlacementAndThePrincipal() throws Exception {
        IssueOutcome out = service.issue(Asset.of("laptop", "LT-2"),
                PlacementSpec.of("aws-credentials-file", Map.of("profile", "legacy-deploy")));

        CanaryRecord revoked = service.revoke(out.record().id());

        assertThat(revoked.status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(Files.readString(credentials)).isEqualTo(ORIGINAL);
        assertThat(canaryUsers()).isEmpty();
    }

    @Test
    void rotationPlacesTheSuccessorFirstAndRevokesAfterTheGracePeriod() throws Exception {
        IssueOutcome first = service.issue(Asset.of("laptop", "LT-3"),
                PlacementSpec.of("aws-credentials-file", Map.of("profile", "billing-ro")));

        assertThat(service.rotate().replaced()).isEmpty();
        clock.advance(Duration.ofDays(31));
        LifecycleReport.Rotate rotated = service.rotate();

        assertThat(rotated.replaced()).hasSize(1);
        CanaryRecord successor = store.find(rotated.replaced().get(0).replacement()).orElseThrow();
        CanaryRecord old = store.find(first.record().id()).orElseThrow();
        assertThat(old.status()).isEqualTo(CanaryStatus.ROTATED);
        assertThat(old.replacedBy()).isEqualTo(successor.id());
        assertThat(successor.replaces()).isEqualTo(old.id());
        assertThat(resolve("billing-ro").accessKeyId()).isEqualTo(successor.accessKeyId());
        assertThat(canaryUsers()).hasSize(2); // the old key stays valid during the grace period

        clock.advance(Duration.ofMinutes(61));
        LifecycleReport.Rotate after = service.rotate();
        assertThat(after.revoked()).containsExactly(old.id());
        assertThat(canaryUsers()).extracting(IamUserView::userName).containsExactly(successor.principal().name());
        assertThat(resolve("billing-ro").accessKeyId()).as("the successor's placement survives").isEqualTo(successor.accessKeyId());
        assertThat(Files.readString(credentials)).startsWith(ORIGINAL);
    }

    @Test
    void rotatingOneCanaryNowReplacesItInPlaceAndRefusesWhatItCannotRotate() throws Exception {
        IssueOutcome first = service.issue(Asset.of("laptop", "LT-4"),
                PlacementSpec.of("aws-credentials-file", Map.of("profile", "audit-ro")));

        CanaryRecord successor = service.rotate(first.record().id());

        CanaryRecord old = store.find(first.record().id()).orElseThrow();
        assertThat(old.status()).isEqualTo(CanaryStatus.ROTATED);
        assertThat(old.replacedBy()).isEqualTo(successor.id());
        assertThat(successor.replaces()).isEqualTo(old.id());
        assertThat(resolve("audit-ro").accessKeyId()).isEqualTo(successor.accessKeyId());
        int users = canaryUsers().size();
        assertThatThrownBy(() -> service.rotate(old.id())).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("is ROTATED");
        IssueOutcome returned = service.issue(Asset.of("ci-build", "run-9"), PlacementSpec.returnToCaller());
        assertThatThrownBy(() -> service.rotate(returned.record().id())).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("returned to its caller");
        assertThat(canaryUsers()).as("refusals create nothing").hasSize(users + 1);
        assertThat(store.find(returned.record().id()).orElseThrow().status()).isEqualTo(CanaryStatus.ACTIVE);
    }

    @Test
    void reconcileIsCleanThenFindsAMissingPrincipalAndFixesIt() {
        IssueOutcome out = service.issue(Asset.of("host", "web-1"),
                PlacementSpec.of("aws-credentials-file", Map.of("profile", "web-deploy")));
        clock.advance(Duration.ofMinutes(10));
        assertThat(service.reconcile(false).clean()).isTrue();

        String user = out.record().principal().name();
        iam.deleteAccessKey(DeleteAccessKeyRequest.builder().userName(user).accessKeyId(out.record().accessKeyId()).build());
        for (String p : iam.listUserPolicies(b -> b.userName(user)).policyNames()) {
            iam.deleteUserPolicy(DeleteUserPolicyRequest.builder().userName(user).policyName(p).build());
        }
        iam.deleteUserPermissionsBoundary(b -> b.userName(user));
        iam.deleteUser(DeleteUserRequest.builder().userName(user).build());

        LifecycleReport.Reconcile report = service.reconcile(false);
        assertThat(report.clean()).isFalse();
        assertThat(report.missingPrincipals()).extracting(CanaryRecord::id).containsExactly(out.record().id());

        LifecycleReport.Reconcile fixed = service.reconcile(true);
        assertThat(fixed.fixed()).anySatisfy(line -> assertThat(line).contains(out.record().id().value()));
        assertThat(store.find(out.record().id()).orElseThrow().status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(service.reconcile(false).clean()).isTrue();
    }

    @Test
    void reconcileRevokesACanaryThatWasIssuedButNeverPlanted() {
        // a process that died between activation and placement leaves an ACTIVE record without a receipt
        AtomicIssuance direct = AtomicIssuance.builder().store(store).clock(clock)
                .issuers(IamUserIssuer.builder().iam(iam).sts(sts).accountId(aws.accountId()).clock(clock).build()).build();
        CanaryRecord orphaned = direct.issue(io.canarykit.CredentialKind.IAM_USER, (issuer, attempt) ->
                new io.canarykit.issue.IssueRequest(io.canarykit.CanaryId.generate(clock), "ledger-sync-" + attempt,
                        DenyAllPolicyHardener.create().harden(issuer.hardeningRequest("ledger-sync-" + attempt)),
                        Asset.of("host", "db-1"), null, Map.of())).record();
        assertThat(service.reconcile(false).missingPlacements()).as("too young to judge").isEmpty();

        clock.advance(Duration.ofMinutes(10));
        assertThat(service.reconcile(false).missingPlacements()).extracting(CanaryRecord::id).containsExactly(orphaned.id());
        LifecycleReport.Reconcile fixed = service.reconcile(true);
        assertThat(fixed.fixed()).anySatisfy(l -> assertThat(l).contains("never planted"));
        assertThat(store.find(orphaned.id()).orElseThrow().status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(canaryUsers()).isEmpty();
        assertThat(service.reconcile(false).clean()).isTrue();
    }

    @Test
    void onboardingIssuesForNewAssetsAndRevokesForRemovedOnes() throws Exception {
        Path inventory = home.resolve("inventory.csv");
        Path env1 = home.resolve("ci1.env");
        Path env2 = home.resolve("ci2.env");
        Files.writeString(inventory, "kind,id,owner,placement,option.path\n"
                + "ci-build,pipeline-1,platform,env," + env1 + "\n"
                + "ci-build,pipeline-2,platform,env," + env2 + "\n");

        LifecycleReport.Onboard first = service.onboard(CsvAssetSource.of(inventory), PlacementSpec.of("env"), "ci");
        assertThat(first.failures()).isEmpty();
        assertThat(first.issued()).hasSize(2);
        assertThat(Files.readString(env1)).contains(first.issued().get(0).accessKeyId());

        Files.writeString(inventory, "kind,id,owner,placement,option.path\nci-build,pipeline-2,platform,env," + env2 + "\n");
        LifecycleReport.Onboard second = service.onboard(CsvAssetSource.of(inventory), PlacementSpec.of("env"), "ci");

        assertThat(second.issued()).isEmpty();
        assertThat(second.unchanged()).isEqualTo(1);
        assertThat(second.revoked()).extracting(r -> r.asset().id()).containsExactly("pipeline-1");
        assertThat(canaryUsers()).hasSize(1);
        assertThat(Files.exists(env1) ? Files.readString(env1) : "").doesNotContain(first.issued().get(0).accessKeyId());
    }

    @Test
    void aBrokenInventoryChangesNothing() throws Exception {
        Path inventory = home.resolve("inventory.csv");
        Files.writeString(inventory, "kind,id\nci-build,a\n");
        service.onboard(CsvAssetSource.of(inventory), PlacementSpec.of("env", Map.of("path", home.resolve("a.env").toString())), "ci");
        Files.writeString(inventory, "kind,id\nci-build,\"a\n");

        assertThatThrownBy(() -> service.onboard(CsvAssetSource.of(inventory), PlacementSpec.of("env"), "ci"))
                .isInstanceOf(CanaryConfigurationException.class);
        assertThat(canaryUsers()).hasSize(1);
    }

    static Region region() {
        return Region.US_EAST_1;
    }
}
