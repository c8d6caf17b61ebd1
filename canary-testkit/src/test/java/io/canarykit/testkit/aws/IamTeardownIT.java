package io.canarykit.testkit.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.GetCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.ReportStateType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an attacker can hang on a user, and the full teardown an issuer runs to revoke it; plus roles, managed policies
 * and the credential report.
 */
class IamTeardownIT {
    static final MutableClock CLOCK = MutableClock.at(Instant.parse("2026-04-01T08:00:00Z"));

    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.clock(CLOCK)).resetBeforeEach();

    private static final String SSH_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 attacker@box";
    private static final String CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";

    @Test
    void anAttackerModifiedUserIsTornDownCompletely() {
        IamClient iam = aws.iam();
        String account = aws.accountId();
        iam.createUser(b -> b.userName("victim"));
        iam.createAccessKey(b -> b.userName("victim"));
        iam.putUserPolicy(b -> b.userName("victim").policyName("deny").policyDocument(Policies.DENY_ALL));
        // what an attacker with admin rights might add
        String policyArn = iam.createPolicy(b -> b.policyName("backdoor").policyDocument(Policies.ALLOW_ALL)).policy().arn();
        iam.attachUserPolicy(b -> b.userName("victim").policyArn(policyArn));
        iam.attachUserPolicy(b -> b.userName("victim").policyArn("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        iam.createGroup(b -> b.groupName("admins"));
        iam.addUserToGroup(b -> b.groupName("admins").userName("victim"));
        iam.createLoginProfile(b -> b.userName("victim").password("P@ssw0rd-long-enough"));
        String serial = iam.createVirtualMFADevice(b -> b.virtualMFADeviceName("victim-mfa")).virtualMFADevice().serialNumber();
        iam.enableMFADevice(b -> b.userName("victim").serialNumber(serial).authenticationCode1("123456").authenticationCode2("654321"));
        iam.uploadSSHPublicKey(b -> b.userName("victim").sshPublicKeyBody(SSH_KEY));
        iam.uploadSigningCertificate(b -> b.userName("victim").certificateBody(CERT));
        iam.createServiceSpecificCredential(b -> b.userName("victim").serviceName("codecommit.amazonaws.com"));

        IamUserView v = aws.emulator().user(account, "victim").orElseThrow();
        assertThat(v.attachedPolicyArns()).hasSize(2);
        assertThat(v.groups()).hasSize(1);
        assertThat(v.loginProfile()).isTrue();
        assertThat(v.mfaDevices()).isEqualTo(1);
        assertThat(v.sshPublicKeys()).isEqualTo(1);
        assertThat(v.signingCertificates()).isEqualTo(1);
        assertThat(v.serviceSpecificCredentials()).isEqualTo(1);
        assertThat(aws.emulator().policies(account)).singleElement().satisfies(p -> assertThat(p.attachmentCount()).isEqualTo(1));
        assertThatThrownBy(() -> iam.deletePolicy(b -> b.policyArn(policyArn))).isInstanceOf(DeleteConflictException.class);
        assertThatThrownBy(() -> iam.deleteUser(b -> b.userName("victim"))).isInstanceOf(DeleteConflictException.class);

        // the issuer's full teardown: enumerate every kind of sub-resource and remove it
        iam.listAccessKeys(b -> b.userName("victim")).accessKeyMetadata().forEach(k ->
                iam.deleteAccessKey(b -> b.userName("victim").accessKeyId(k.accessKeyId())));
        iam.listUserPolicies(b -> b.userName("victim")).policyNames().forEach(p ->
                iam.deleteUserPolicy(b -> b.userName("victim").policyName(p)));
        List<AttachedPolicy> attached = iam.listAttachedUserPolicies(b -> b.userName("victim")).attachedPolicies();
        assertThat(attached).extracting(AttachedPolicy::policyName).containsExactly("backdoor", "ReadOnlyAccess");
        attached.forEach(p -> iam.detachUserPolicy(b -> b.userName("victim").policyArn(p.policyArn())));
        iam.listGroupsForUser(b -> b.userName("victim")).groups().forEach(g ->
                iam.removeUserFromGroup(b -> b.userName("victim").groupName(g.groupName())));
        iam.getLoginProfile(b -> b.userName("victim"));
        iam.deleteLoginProfile(b -> b.userName("victim"));
        assertThatThrownBy(() -> iam.getLoginProfile(b -> b.userName("victim"))).isInstanceOf(NoSuchEntityException.class);
        iam.listMFADevices(b -> b.userName("victim")).mfaDevices().forEach(d -> {
            iam.deactivateMFADevice(b -> b.userName("victim").serialNumber(d.serialNumber()));
            iam.deleteVirtualMFADevice(b -> b.serialNumber(d.serialNumber()));
        });
        iam.listSSHPublicKeys(b -> b.userName("victim")).sshPublicKeys().forEach(k ->
                iam.deleteSSHPublicKey(b -> b.userName("victim").sshPublicKeyId(k.sshPublicKeyId())));
        iam.listSigningCertificates(b -> b.userName("victim")).certificates().forEach(c ->
                iam.deleteSigningCertificate(b -> b.userName("victim").certificateId(c.certificateId())));
        iam.listServiceSpecificCredentials(b -> b.userName("victim")).serviceSpecificCredentials().forEach(c ->
                iam.deleteServiceSpecificCredential(b -> b.userName("victim").serviceSpecificCredentialId(c.serviceSpecificCredentialId())));
        iam.deleteUser(b -> b.userName("victim"));

        iam.deletePolicy(b -> b.policyArn(policyArn));
        iam.deleteGroup(b -> b.groupName("admins"));
        assertThat(aws.emulator().usersExceptAdmin(account)).isEmpty();
        assertThat(aws.emulator().policies(account)).isEmpty();
        assertThat(aws.emulator().accessKeys()).extracting(AccessKeyView::userName).containsOnly("issuer");
    }

    @Test
    void groupAndAttachedPoliciesGrantPermissions() {
        EmulatedCredentials c = aws.emulator().createUserWithKey(aws.accountId(), "grouped", Map.of());
        assertThatThrownBy(() -> aws.iam(c).listRoles()).isInstanceOf(IamException.class);
        aws.iam().createGroup(b -> b.groupName("readers"));
        aws.iam().attachGroupPolicy(b -> b.groupName("readers").policyArn("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        aws.iam().addUserToGroup(b -> b.groupName("readers").userName("grouped"));
        assertThat(aws.iam(c).listRoles().roles()).isEmpty();
        assertThatThrownBy(() -> aws.iam(c).createUser(b -> b.userName("nope"))).isInstanceOf(IamException.class);
    }

    @Test
    void permissionsBoundaryCapsAnAllowAndNamesItselfInTheDenial() {
        IamClient iam = aws.iam();
        String boundary = iam.createPolicy(b -> b.policyName("deny-boundary").path("/canary/")
                .policyDocument(Policies.DENY_ALL)).policy().arn();
        assertThat(boundary).isEqualTo("arn:aws:iam::" + aws.accountId() + ":policy/canary/deny-boundary");
        iam.createUser(b -> b.userName("bounded").permissionsBoundary(boundary));
        iam.putUserPolicy(b -> b.userName("bounded").policyName("all").policyDocument(Policies.ALLOW_ALL));
        var key = iam.createAccessKey(b -> b.userName("bounded")).accessKey();
        EmulatedCredentials c = EmulatedCredentials.of(key.accessKeyId(), key.secretAccessKey());
        assertThatThrownBy(() -> aws.iam(c).listUsers()).isInstanceOfSatisfying(IamException.class, e ->
                assertThat(e.awsErrorDetails().errorMessage()).endsWith("with an explicit deny in a permissions boundary: " + boundary));
        assertThat(iam.getPolicy(b -> b.policyArn(boundary)).policy().permissionsBoundaryUsageCount()).isEqualTo(1);
        assertThatThrownBy(() -> iam.deletePolicy(b -> b.policyArn(boundary))).isInstanceOf(DeleteConflictException.class);
        iam.deleteUserPermissionsBoundary(b -> b.userName("bounded"));
        assertThat(aws.iam(c).listUsers().users()).isNotEmpty();
        iam.putUserPermissionsBoundary(b -> b.userName("bounded").permissionsBoundary(boundary));
        assertThatThrownBy(() -> aws.iam(c).listUsers()).isInstanceOf(IamException.class);
        assertThatThrownBy(() -> iam.putUserPermissionsBoundary(b -> b.userName("bounded")
                .permissionsBoundary("arn:aws:iam::" + aws.accountId() + ":policy/missing"))).isInstanceOf(NoSuchEntityException.class);
        assertThat(iam.getPolicyVersion(b -> b.policyArn(boundary).versionId("v1")).policyVersion().document())
                .isEqualTo(SigV4.encode(Policies.DENY_ALL, false));
    }

    @Test
    void rolesForAssumeRoleCanariesAreManagedThroughIam() {
        IamClient iam = aws.iam();
        String trust = Policies.trust("arn:aws:iam::" + aws.accountId() + ":user/issuer");
        iam.createRole(b -> b.roleName("canary-r").assumeRolePolicyDocument(trust).description("x").maxSessionDuration(43200));
        iam.putRolePolicy(b -> b.roleName("canary-r").policyName("deny").policyDocument(Policies.DENY_ALL));
        iam.attachRolePolicy(b -> b.roleName("canary-r").policyArn("arn:aws:iam::aws:policy/AWSDenyAll"));
        var role = iam.getRole(b -> b.roleName("canary-r")).role();
        assertThat(role.maxSessionDuration()).isEqualTo(43200);
        assertThat(role.roleId()).startsWith("AROA");
        assertThat(java.net.URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8)).isEqualTo(trust);
        aws.sts().assumeRole(b -> b.roleArn(role.arn()).roleSessionName("first").durationSeconds(43200));
        assertThat(iam.getRole(b -> b.roleName("canary-r")).role().roleLastUsed().lastUsedDate()).isEqualTo(CLOCK.instant());
        assertThat(iam.listRolePolicies(b -> b.roleName("canary-r")).policyNames()).containsExactly("deny");
        assertThat(iam.listAttachedRolePolicies(b -> b.roleName("canary-r")).attachedPolicies()).hasSize(1);
        iam.updateAssumeRolePolicy(b -> b.roleName("canary-r").policyDocument(Policies.trust("arn:aws:iam::" + aws.accountId() + ":root")));
        assertThatThrownBy(() -> iam.updateAssumeRolePolicy(b -> b.roleName("canary-r").policyDocument(Policies.DENY_ALL)))
                .isInstanceOf(software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException.class);
        assertThatThrownBy(() -> iam.deleteRole(b -> b.roleName("canary-r"))).isInstanceOf(DeleteConflictException.class);
        iam.deleteRolePolicy(b -> b.roleName("canary-r").policyName("deny"));
        iam.detachRolePolicy(b -> b.roleName("canary-r").policyArn("arn:aws:iam::aws:policy/AWSDenyAll"));
        iam.deleteRole(b -> b.roleName("canary-r"));
        assertThat(aws.emulator().roles(aws.accountId())).isEmpty();
        assertThatThrownBy(() -> iam.getRole(b -> b.roleName("canary-r"))).isInstanceOf(NoSuchEntityException.class);
    }

    @Test
    void credentialReportIsARealCsvReusedForFourHours() {
        IamClient iam = aws.iam();
        assertThatThrownBy(iam::getCredentialReport).isInstanceOfSatisfying(IamException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ReportNotPresent");
            assertThat(e.statusCode()).isEqualTo(410);
        });
        iam.createUser(b -> b.userName("reported"));
        var key = iam.createAccessKey(b -> b.userName("reported")).accessKey();
        assertThat(iam.generateCredentialReport().state()).isEqualTo(ReportStateType.STARTED);
        assertThat(iam.generateCredentialReport().state()).isEqualTo(ReportStateType.COMPLETE);
        GetCredentialReportResponse r = iam.getCredentialReport();
        assertThat(r.reportFormatAsString()).isEqualTo("text/csv");
        assertThat(r.generatedTime()).isEqualTo(CLOCK.instant());
        String csv = r.content().asUtf8String();
        String[] lines = csv.split("\n");
        assertThat(lines[0].split(",")).hasSize(22).startsWith("user", "arn", "user_creation_time");
        assertThat(lines[1]).startsWith("<root_account>,arn:aws:iam::" + aws.accountId() + ":root,");
        String row = csv.lines().filter(l -> l.startsWith("reported,")).findFirst().orElseThrow();
        String[] cols = row.split(",", -1);
        assertThat(cols).hasSize(22);
        assertThat(cols[3]).isEqualTo("false");            // password_enabled
        assertThat(cols[8]).isEqualTo("true");             // access_key_1_active
        assertThat(cols[9]).isEqualTo("2026-04-01T08:00:00+00:00");
        assertThat(cols[10]).isEqualTo("N/A");             // never used

        // use the key; the report does not change until a new one may be generated (4 hours)
        CLOCK.advance(Duration.ofMinutes(30));
        aws.sts(EmulatedCredentials.of(key.accessKeyId(), key.secretAccessKey())).getCallerIdentity();
        assertThat(iam.generateCredentialReport().state()).isEqualTo(ReportStateType.COMPLETE);
        assertThat(iam.getCredentialReport().content().asUtf8String()).isEqualTo(csv);
        CLOCK.advance(Duration.ofHours(4));
        assertThatThrownBy(iam::getCredentialReport).isInstanceOfSatisfying(IamException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ReportExpired"));
        assertThat(iam.generateCredentialReport().state()).isEqualTo(ReportStateType.STARTED);
        String fresh = iam.getCredentialReport().content().asUtf8String();
        String[] used = fresh.lines().filter(l -> l.startsWith("reported,")).findFirst().orElseThrow().split(",", -1);
        assertThat(used[10]).isEqualTo("2026-04-01T08:30:00+00:00");
        assertThat(used[11]).isEqualTo("us-east-1");
        assertThat(used[12]).isEqualTo("sts");
    }

    @Test
    void credentialReportCanTakeTimeToGenerate() {
        try (AwsEmulator slow = AwsEmulator.builder().clock(CLOCK).credentialReportGenerationTime(Duration.ofSeconds(10)).start()) {
            IamClient iam = slow.iam();
            assertThat(iam.generateCredentialReport().state()).isEqualTo(ReportStateType.STARTED);
            assertThat(iam.generateCredentialReport().state()).isEqualTo(ReportStateType.INPROGRESS);
            assertThatThrownBy(iam::getCredentialReport).isInstanceOfSatisfying(IamException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ReportInProgress");
                assertThat(e.statusCode()).isEqualTo(404);
            });
            CLOCK.advance(Duration.ofSeconds(10));
            assertThat(iam.generateCredentialReport().state()).isEqualTo(ReportStateType.COMPLETE);
            assertThat(iam.getCredentialReport().content().asUtf8String()).contains("issuer,");
        }
    }
}
