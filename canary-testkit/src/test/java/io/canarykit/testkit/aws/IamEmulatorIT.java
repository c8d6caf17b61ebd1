package io.canarykit.testkit.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.CreateUserResponse;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.GetAccessKeyLastUsedResponse;
import software.amazon.awssdk.services.iam.model.GetUserResponse;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.ListUsersResponse;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IamEmulatorIT {
    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.account("210987654321")).resetBeforeEach();

    private static final String ACCOUNT = "210987654321";

    @Test
    void createsAndReadsAUserWithPathTagsAndBoundary() {
        IamClient iam = aws.iam();
        String boundary = iam.createPolicy(b -> b.policyName("canary-deny-all").policyDocument(Policies.DENY_ALL))
                .policy().arn();
        CreateUserResponse created = iam.createUser(b -> b.userName("ci-deploy-7f3a").path("/build/")
                .permissionsBoundary(boundary).tags(Tag.builder().key("owner").value("secops").build()));
        User u = created.user();
        assertThat(u.arn()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":user/build/ci-deploy-7f3a");
        assertThat(u.userId()).startsWith("AIDA").hasSize(21);
        assertThat(Policies.decodeAccount(u.userId())).isEqualTo(ACCOUNT);
        assertThat(u.permissionsBoundary().permissionsBoundaryArn()).isEqualTo(boundary);
        assertThat(created.responseMetadata().requestId()).isNotBlank();

        GetUserResponse got = iam.getUser(b -> b.userName("CI-DEPLOY-7F3A"));
        assertThat(got.user().tags()).extracting(Tag::key).containsExactly("owner");
        assertThat(aws.emulator().user(ACCOUNT, "ci-deploy-7f3a")).get()
                .satisfies(v -> assertThat(v.permissionsBoundaryArn()).isEqualTo(boundary));

        assertThatThrownBy(() -> iam.createUser(b -> b.userName("CI-Deploy-7f3a")))
                .isInstanceOfSatisfying(EntityAlreadyExistsException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
        assertThatThrownBy(() -> iam.getUser(b -> b.userName("nobody")))
                .isInstanceOfSatisfying(NoSuchEntityException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The user with name nobody cannot be found.");
                });
        assertThatThrownBy(() -> iam.createUser(b -> b.userName("bad name")))
                .isInstanceOfSatisfying(IamException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
    }

    @Test
    void listsUsersInPagesWithMarkers() {
        aws.emulator().createUsers(ACCOUNT, "svc-", 7);
        IamClient iam = aws.iam();
        ListUsersResponse first = iam.listUsers(b -> b.maxItems(3));
        assertThat(first.users()).hasSize(3);
        assertThat(first.isTruncated()).isTrue();
        assertThat(first.users().get(0).tags()).isEmpty();
        List<String> all = new ArrayList<>();
        iam.listUsersPaginator(b -> b.maxItems(3)).users().forEach(u -> all.add(u.userName()));
        assertThat(all).hasSize(8).contains("issuer", "svc-0", "svc-6").doesNotHaveDuplicates();
        assertThat(iam.listUsers(b -> b.pathPrefix("/nothing/")).users()).isEmpty();
    }

    @Test
    void tagsAndUntagsWithTheFiftyTagQuota() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("tagged"));
        List<Tag> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add(Tag.builder().key("k" + i).value("v").build());
        }
        iam.tagUser(b -> b.userName("tagged").tags(fifty));
        assertThatThrownBy(() -> iam.tagUser(b -> b.userName("tagged").tags(Tag.builder().key("one-more").value("x").build())))
                .isInstanceOf(LimitExceededException.class);
        iam.tagUser(b -> b.userName("tagged").tags(Tag.builder().key("K0").value("replaced").build()));
        iam.untagUser(b -> b.userName("tagged").tagKeys("k1", "k2"));
        assertThat(iam.listUserTags(b -> b.userName("tagged")).tags()).hasSize(48)
                .contains(Tag.builder().key("K0").value("replaced").build());
        assertThatThrownBy(() -> iam.tagUser(b -> b.userName("tagged").tags(
                Tag.builder().key("dup").value("1").build(), Tag.builder().key("DUP").value("2").build())))
                .isInstanceOfSatisfying(IamException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInput"));
    }

    @Test
    void inlinePoliciesAreValidatedAndLimitedTo2048NonWhitespaceCharacters() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("policy-user"));
        iam.putUserPolicy(b -> b.userName("policy-user").policyName("deny").policyDocument(Policies.DENY_ALL));
        String doc = URLDecoder.decode(iam.getUserPolicy(b -> b.userName("policy-user").policyName("deny"))
                .policyDocument(), StandardCharsets.UTF_8);
        assertThat(doc).isEqualTo(Policies.DENY_ALL);
        assertThat(iam.listUserPolicies(b -> b.userName("policy-user")).policyNames()).containsExactly("deny");

        assertThatThrownBy(() -> iam.putUserPolicy(b -> b.userName("policy-user").policyName("bad").policyDocument("{not json")))
                .isInstanceOf(MalformedPolicyDocumentException.class);
        // whitespace does not count; 2,048 non-whitespace characters in total do
        String big = bigPolicy(2048 - IamApi.size(Policies.DENY_ALL));
        assertThat(IamApi.size(big) + IamApi.size(Policies.DENY_ALL)).isEqualTo(2048);
        iam.putUserPolicy(b -> b.userName("policy-user").policyName("big").policyDocument(big.replace(",", ",   \n")));
        String tooBig = bigPolicy(2049 - IamApi.size(Policies.DENY_ALL));
        assertThatThrownBy(() -> iam.putUserPolicy(b -> b.userName("policy-user").policyName("big").policyDocument(tooBig)))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Maximum policy size of 2048 bytes exceeded for user policy-user"));
        iam.deleteUserPolicy(b -> b.userName("policy-user").policyName("big"));
        assertThatThrownBy(() -> iam.deleteUserPolicy(b -> b.userName("policy-user").policyName("big")))
                .isInstanceOf(NoSuchEntityException.class);
    }

    /** A valid policy of exactly {@code size} non-whitespace characters. */
    static String bigPolicy(int size) {
        String head = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:";
        String tail = "\",\"Resource\":\"*\"}]}";
        int pad = size - head.length() - tail.length();
        return head + "A".repeat(pad) + tail;
    }

    @Test
    void accessKeysHaveTheRealFormatAndQuota() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("keyed"));
        AccessKey k1 = iam.createAccessKey(b -> b.userName("keyed")).accessKey();
        AccessKey k2 = iam.createAccessKey(b -> b.userName("keyed")).accessKey();
        assertThat(k1.accessKeyId()).startsWith("AKIA").hasSize(20).matches("[A-Z2-7]+");
        assertThat(k1.accessKeyId().charAt(4)).isIn('Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '2', '3', '4', '5', '6', '7');
        assertThat(Policies.decodeAccount(k1.accessKeyId())).isEqualTo(ACCOUNT);
        assertThat(k1.secretAccessKey()).hasSize(40);
        assertThat(k1.status()).isEqualTo(StatusType.ACTIVE);
        assertThatThrownBy(() -> iam.createAccessKey(b -> b.userName("keyed")))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(409);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Cannot exceed quota for AccessKeysPerUser: 2");
                });
        iam.updateAccessKey(b -> b.userName("keyed").accessKeyId(k2.accessKeyId()).status(StatusType.INACTIVE));
        assertThat(iam.listAccessKeys(b -> b.userName("keyed")).accessKeyMetadata())
                .extracting(m -> m.accessKeyId() + "=" + m.statusAsString())
                .containsExactly(k1.accessKeyId() + "=Active", k2.accessKeyId() + "=Inactive");
        iam.deleteAccessKey(b -> b.userName("keyed").accessKeyId(k2.accessKeyId()));
        assertThatThrownBy(() -> iam.deleteAccessKey(b -> b.userName("keyed").accessKeyId(k2.accessKeyId())))
                .isInstanceOfSatisfying(NoSuchEntityException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("The Access Key with id " + k2.accessKeyId() + " cannot be found."));
        assertThat(aws.emulator().accessKey(k2.accessKeyId())).isEmpty();
    }

    @Test
    void lastUsedStartsAsNotApplicableThenRecordsServiceAndRegion() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("used"));
        AccessKey k = iam.createAccessKey(b -> b.userName("used")).accessKey();
        GetAccessKeyLastUsedResponse never = iam.getAccessKeyLastUsed(b -> b.accessKeyId(k.accessKeyId()));
        assertThat(never.userName()).isEqualTo("used");
        assertThat(never.accessKeyLastUsed().lastUsedDate()).isNull();
        assertThat(never.accessKeyLastUsed().serviceName()).isEqualTo("N/A");
        assertThat(never.accessKeyLastUsed().region()).isEqualTo("N/A");

        aws.sts(EmulatedCredentials.of(k.accessKeyId(), k.secretAccessKey())).getCallerIdentity();
        GetAccessKeyLastUsedResponse used = iam.getAccessKeyLastUsed(b -> b.accessKeyId(k.accessKeyId()));
        assertThat(used.accessKeyLastUsed().lastUsedDate()).isNotNull();
        assertThat(used.accessKeyLastUsed().serviceName()).isEqualTo("sts");
        assertThat(used.accessKeyLastUsed().region()).isEqualTo("us-east-1");
        assertThat(aws.emulator().accessKey(k.accessKeyId())).get().satisfies(v -> assertThat(v.used()).isTrue());
    }

    @Test
    void deleteUserIsRefusedWhileSubResourcesExist() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("busy"));
        iam.createLoginProfile(b -> b.userName("busy").password("Tr0ub4dor&3-correct"));
        AccessKey k = iam.createAccessKey(b -> b.userName("busy")).accessKey();
        iam.putUserPolicy(b -> b.userName("busy").policyName("deny").policyDocument(Policies.DENY_ALL));
        assertThatThrownBy(() -> iam.deleteUser(b -> b.userName("busy")))
                .isInstanceOfSatisfying(DeleteConflictException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Cannot delete entity, must delete login profile first."));
        assertThat(iam.getLoginProfile(b -> b.userName("busy")).loginProfile().userName()).isEqualTo("busy");
        iam.deleteLoginProfile(b -> b.userName("busy"));
        assertThatThrownBy(() -> iam.deleteUser(b -> b.userName("busy")))
                .isInstanceOfSatisfying(DeleteConflictException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Cannot delete entity, must delete access keys first."));
        iam.deleteAccessKey(b -> b.userName("busy").accessKeyId(k.accessKeyId()));
        assertThatThrownBy(() -> iam.deleteUser(b -> b.userName("busy")))
                .isInstanceOfSatisfying(DeleteConflictException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Cannot delete entity, must delete policies first."));
        iam.deleteUserPolicy(b -> b.userName("busy").policyName("deny"));
        iam.deleteUser(b -> b.userName("busy"));
        assertThat(aws.emulator().usersExceptAdmin(ACCOUNT)).isEmpty();
    }

    @Test
    void usersQuotaIsFiveThousand() {
        aws.emulator().createUsers(ACCOUNT, "bulk-", 4999); // + the administrator = 5,000
        assertThatThrownBy(() -> aws.iam().createUser(b -> b.userName("one-too-many")))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Cannot exceed quota for UsersPerAccount: 5000"));
        assertThat(aws.iam().getAccountSummary().summaryMapAsStrings())
                .containsEntry("Users", 5000).containsEntry("UsersQuota", 5000)
                .containsEntry("AccessKeysPerUserQuota", 2).containsEntry("UserPolicySizeQuota", 2048);
    }

    @Test
    void seededUsersAreUsable() {
        EmulatedCredentials c = aws.emulator().createUserWithKey(ACCOUNT, "seeded", Map.of("deny", Policies.DENY_ALL));
        assertThat(aws.sts(c).getCallerIdentity().arn()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":user/seeded");
        assertThat(c.toString()).doesNotContain(c.secretAccessKey().reveal());
    }
}
