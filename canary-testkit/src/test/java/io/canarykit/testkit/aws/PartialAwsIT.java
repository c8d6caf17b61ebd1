package io.canarykit.testkit.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The emulator's partial-AWS modes, as the real SDK client sees them. */
class PartialAwsIT {
    private static final String ACCOUNT = "210987654399";
    private static final MutableClock CLOCK = MutableClock.at(Instant.parse("2026-12-07T10:00:00Z"));

    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.account(ACCOUNT).clock(CLOCK)).resetBeforeEach();

    @Test
    void anUnimplementedOperationIsABare500OrANotImplementedErrorAndChangesNothing() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("ops-runner"));
        aws.emulator().partialAws().unimplemented("iam:ListServiceSpecificCredentials", PartialAws.Unimplemented.EMPTY_500)
                .unimplemented("iam:Delete*", PartialAws.Unimplemented.NOT_IMPLEMENTED);

        IamException bare = catchThrowableOfType(IamException.class,
                () -> iam.listServiceSpecificCredentials(b -> b.userName("ops-runner")));
        IamException named = catchThrowableOfType(IamException.class, () -> iam.deleteUser(b -> b.userName("ops-runner")));

        assertThat(bare.statusCode()).isEqualTo(500);
        assertThat(bare.awsErrorDetails().errorCode()).isNull();
        assertThat(named.statusCode()).isEqualTo(501);
        assertThat(named.awsErrorDetails().errorCode()).isEqualTo("NotImplemented");
        assertThat(aws.emulator().user(ACCOUNT, "ops-runner")).isPresent();
        assertThat(aws.emulator().trailRecords()).noneMatch(r -> r.eventName().equals("DeleteUser"));
    }

    @Test
    void anIgnoredParameterIsDroppedSilently() {
        IamClient iam = aws.iam();
        String boundary = iam.createPolicy(b -> b.policyName("deny").policyDocument(Policies.DENY_ALL)).policy().arn();
        aws.emulator().partialAws().ignoreParameter("iam:CreateUser", "PermissionsBoundary")
                .ignoreParameter("iam:CreateUser", "Tags");

        User created = iam.createUser(b -> b.userName("ops-runner").permissionsBoundary(boundary)
                .tags(Tag.builder().key("owner").value("secops").build())).user();

        assertThat(created.permissionsBoundary()).isNull();
        assertThat(iam.getUser(b -> b.userName("ops-runner")).user().tags()).isEmpty();
        iam.putUserPermissionsBoundary(b -> b.userName("ops-runner").permissionsBoundary(boundary));
        assertThat(aws.emulator().user(ACCOUNT, "ops-runner").orElseThrow().permissionsBoundaryArn()).isEqualTo(boundary);
    }

    @Test
    void aDeletedUserStaysVisibleToReadsForAWhile() {
        IamClient iam = aws.iam();
        aws.emulator().partialAws().eventuallyConsistentDeletes(Duration.ofSeconds(30));
        iam.createUser(b -> b.userName("ops-runner").tags(Tag.builder().key("ref").value("c-1").build()));

        iam.deleteUser(b -> b.userName("ops-runner"));

        assertThat(iam.getUser(b -> b.userName("ops-runner")).user().userName()).isEqualTo("ops-runner");
        assertThat(iam.listUsers().users()).extracting(User::userName).contains("ops-runner");
        assertThat(iam.listUserTags(b -> b.userName("ops-runner")).tags()).extracting(Tag::value).containsExactly("c-1");
        assertThatThrownBy(() -> iam.deleteUser(b -> b.userName("ops-runner"))).isInstanceOf(NoSuchEntityException.class);
        assertThatThrownBy(() -> iam.listAccessKeys(b -> b.userName("ops-runner"))).isInstanceOf(NoSuchEntityException.class);
        assertThat(aws.emulator().user(ACCOUNT, "ops-runner")).isEmpty();

        CLOCK.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> iam.getUser(b -> b.userName("ops-runner"))).isInstanceOf(NoSuchEntityException.class);
        assertThat(iam.listUsers().users()).extracting(User::userName).doesNotContain("ops-runner");
    }

    @Test
    void resetComesBackToTheBuildersConfiguration() {
        aws.emulator().partialAws().unimplemented("iam:ListUsers", PartialAws.Unimplemented.EMPTY_500);
        aws.emulator().reset();
        assertThat(aws.iam().listUsers().users()).isNotEmpty();
    }
}
