package io.canarykit.testkit.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.InvalidResourceIdException;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;
import software.amazon.awssdk.services.ssm.model.SsmException;
import software.amazon.awssdk.services.ssm.model.Tag;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The emulator's SSM Parameter Store, driven by the real SDK client. */
class SsmEmulatorIT {
    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create().resetBeforeEach();

    private SsmClient admin() {
        return aws.client(SsmClient.builder(), aws.adminCredentials());
    }

    @Test
    void secureStringCreateReadOverwriteTagsAndDelete() {
        SsmClient ssm = admin();
        long v1 = ssm.putParameter(r -> r.name("/prod/billing/aws").value("first-value-123").type(ParameterType.SECURE_STRING)
                .tags(Tag.builder().key("team").value("billing").build())).version();
        assertThat(v1).isEqualTo(1);
        Parameter p = ssm.getParameter(r -> r.name("/prod/billing/aws").withDecryption(true)).parameter();
        assertThat(p.value()).isEqualTo("first-value-123");
        assertThat(p.type()).isEqualTo(ParameterType.SECURE_STRING);
        assertThat(p.arn()).isEqualTo("arn:aws:ssm:us-east-1:" + aws.accountId() + ":parameter/prod/billing/aws");
        assertThat(ssm.getParameter(r -> r.name("/prod/billing/aws")).parameter().value())
                .as("a SecureString read without decryption is not its value").isNotEqualTo("first-value-123");

        assertThatThrownBy(() -> ssm.putParameter(r -> r.name("/prod/billing/aws").value("x").type(ParameterType.SECURE_STRING)))
                .isInstanceOf(ParameterAlreadyExistsException.class);
        assertThatThrownBy(() -> ssm.putParameter(r -> r.name("/prod/billing/aws").value("x").overwrite(true)
                .tags(Tag.builder().key("a").value("b").build())))
                .isInstanceOfSatisfying(SsmException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
        assertThat(ssm.putParameter(r -> r.name("/prod/billing/aws").value("second-value").overwrite(true)).version())
                .isEqualTo(2);
        assertThat(ssm.getParameter(r -> r.name("/prod/billing/aws").withDecryption(true)).parameter().value())
                .isEqualTo("second-value");
        assertThat(ssm.getParameterHistory(r -> r.name("/prod/billing/aws").withDecryption(true)).parameters())
                .extracting(Parameter -> Parameter.value()).containsExactly("first-value-123", "second-value");
        assertThat(ssm.listTagsForResource(r -> r.resourceType(ResourceTypeForTagging.PARAMETER)
                .resourceId("/prod/billing/aws")).tagList()).containsExactly(Tag.builder().key("team").value("billing").build());
        assertThat(aws.emulator().parameters(aws.accountId())).singleElement().satisfies(view -> {
            assertThat(view.keyId()).isEqualTo("alias/aws/ssm");
            assertThat(view.value().reveal()).isEqualTo("second-value");
            assertThat(view.toString()).doesNotContain("second-value");
        });

        ssm.deleteParameter(r -> r.name("/prod/billing/aws"));
        assertThat(aws.emulator().parameters(aws.accountId())).isEmpty();
        assertThatThrownBy(() -> ssm.deleteParameter(r -> r.name("/prod/billing/aws")))
                .isInstanceOf(ParameterNotFoundException.class);
        assertThatThrownBy(() -> ssm.listTagsForResource(r -> r.resourceType(ResourceTypeForTagging.PARAMETER)
                .resourceId("/prod/billing/aws"))).isInstanceOf(InvalidResourceIdException.class);
    }

    @Test
    void namesFollowAwsRules() {
        SsmClient ssm = admin();
        for (String bad : new String[] {"/aws/reserved", "ssm-thing", "not/qualified", "/a//b", "/a b"}) {
            assertThatThrownBy(() -> ssm.putParameter(r -> r.name(bad).value("v").type(ParameterType.STRING)))
                    .as(bad).isInstanceOfSatisfying(SsmException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                            .isEqualTo("ValidationException"));
        }
        assertThatThrownBy(() -> ssm.putParameter(r -> r.name("/x").value("v".repeat(4097)).type(ParameterType.STRING)))
                .isInstanceOfSatisfying(SsmException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .contains("maximum parameter value of 4096"));
        assertThat(aws.emulator().parameters(aws.accountId())).isEmpty();
    }

    @Test
    void aHardenedCanaryIsDeniedAndNoValueReachesTheTrail() {
        admin().putParameter(r -> r.name("/ci/token").value("parameter-value-42").type(ParameterType.SECURE_STRING));
        EmulatedCredentials canary = aws.emulator().createUserWithKey(aws.accountId(), "svc-build-01",
                Map.of("deny", Policies.DENY_ALL));
        assertThatThrownBy(() -> aws.client(SsmClient.builder(), canary).getParameter(r -> r.name("/ci/token")))
                .isInstanceOfSatisfying(SsmException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("AccessDeniedException"));
        aws.emulator().flush();
        assertThat(aws.emulator().trailRecords()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.json()).doesNotContain("parameter-value-42"));
    }
}
