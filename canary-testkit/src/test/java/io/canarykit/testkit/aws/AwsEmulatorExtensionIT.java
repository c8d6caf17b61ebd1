package io.canarykit.testkit.aws;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class AwsEmulatorExtensionIT {

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class StaticField {
        @RegisterExtension
        static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.account("444455556666"));

        static java.net.URI first;

        @Test
        @Order(1)
        void startsOnceForTheClass() {
            first = aws.endpoint();
            assertThat(aws.accountId()).isEqualTo("444455556666");
            aws.iam().createUser(b -> b.userName("kept"));
            aws.faults().failEvery("iam:ListUsers", FaultAction.serverError());
        }

        @Test
        @Order(2)
        void keepsStateButClearsFaultsBetweenTests() {
            assertThat(aws.endpoint()).isEqualTo(first);
            assertThat(aws.emulator().user("444455556666", "kept")).isPresent();
            assertThat(aws.iam().listUsers().users()).hasSize(2);
        }
    }

    @Nested
    class InstanceField {
        @RegisterExtension
        AwsEmulatorExtension aws = AwsEmulatorExtension.create();

        @Test
        void startsForEachTest() {
            assertThat(aws.sts().getCallerIdentity().account()).isEqualTo("123456789012");
            assertThat(aws.emulator().usersExceptAdmin("123456789012")).isEmpty();
        }
    }
}
