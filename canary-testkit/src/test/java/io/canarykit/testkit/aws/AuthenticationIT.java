package io.canarykit.testkit.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.model.StsException;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthenticationIT {
    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create();

    @Test
    void wrongSecretGetsSignatureDoesNotMatchAndLeavesNoTrace() {
        EmulatedCredentials c = aws.emulator().createUserWithKey(aws.accountId(), "sig-user", Map.of());
        assertThatThrownBy(() -> aws.sts(c.withWrongSecret()).getCallerIdentity())
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                    assertThat(e.statusCode()).isEqualTo(403);
                });
        assertThat(aws.emulator().trailRecordsForKey(c.accessKeyId())).isEmpty();
        assertThat(aws.emulator().accessKey(c.accessKeyId())).get().satisfies(k -> assertThat(k.used()).isFalse());
    }

    @Test
    void unknownKeyGetsInvalidClientTokenId() {
        EmulatedCredentials unknown = EmulatedCredentials.of("AKIAZZZZZZZZZZZZZZZZ", "x".repeat(40));
        assertThatThrownBy(() -> aws.iam(unknown).listUsers())
                .isInstanceOfSatisfying(IamException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is invalid.");
                });
    }

    @Test
    void inactiveKeyIsRefusedLikeAnUnknownOne() {
        EmulatedCredentials c = aws.emulator().createUserWithKey(aws.accountId(), "inactive-user", Map.of());
        aws.iam().updateAccessKey(b -> b.userName("inactive-user").accessKeyId(c.accessKeyId()).status("Inactive"));
        assertThatThrownBy(() -> aws.sts(c).getCallerIdentity())
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
    }

    @Test
    void sessionTokenMustMatch() {
        EmulatedCredentials c = aws.emulator().createUserWithKey(aws.accountId(), "tok-user", Map.of());
        var s = aws.sts(c).getSessionToken().credentials();
        EmulatedCredentials forged = EmulatedCredentials.of(s.accessKeyId(), s.secretAccessKey(), "forged-token", null);
        assertThatThrownBy(() -> aws.sts(forged).getCallerIdentity())
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
        // session-token credentials without MFA cannot call IAM
        EmulatedCredentials session = EmulatedCredentials.of(s.accessKeyId(), s.secretAccessKey(), s.sessionToken(), null);
        assertThatThrownBy(() -> aws.iam(session).listUsers())
                .isInstanceOfSatisfying(IamException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
    }
}
