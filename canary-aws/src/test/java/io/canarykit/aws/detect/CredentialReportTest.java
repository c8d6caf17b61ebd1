package io.canarykit.aws.detect;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialReportTest {
    static final String HEADER = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
            + "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
            + "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
            + "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
            + "cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    @Test
    void readsTheLatestUseOfAUsersKeys() {
        String csv = HEADER + "\n"
                + "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2025-02-01T10:00:00+00:00,"
                + "not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
                + "ci-deploy-7f3a,arn:aws:iam::123456789012:user/canary/ci-deploy-7f3a,2025-03-01T12:00:00+00:00,false,N/A,N/A,"
                + "N/A,false,TRUE,2025-03-01T12:00:05+00:00,2025-03-14T11:05:00+00:00,eu-west-1,sqs,true,"
                + "2025-03-02T00:00:00+00:00,2025-03-10T00:00:00+00:00,us-east-1,iam,false,N/A,false,N/A\n"
                + "never,arn:aws:iam::123456789012:user/never,2025-03-01T12:00:00+00:00,false,N/A,N/A,N/A,false,true,"
                + "2025-03-01T12:00:05+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
        CredentialReport r = CredentialReport.parse(csv, Instant.parse("2025-03-14T12:00:00Z"));

        CredentialReport.KeyUse use = r.row("arn:aws:iam::123456789012:user/canary/ci-deploy-7f3a", "x").orElseThrow()
                .lastUse().orElseThrow();
        assertThat(use.slot()).isEqualTo(1);
        assertThat(use.active()).isTrue();
        assertThat(use.lastUsed()).isEqualTo(Instant.parse("2025-03-14T11:05:00Z"));
        assertThat(use.service()).isEqualTo("sqs");
        assertThat(use.region()).isEqualTo("eu-west-1");
        assertThat(r.row("arn:x", "never").orElseThrow().lastUse()).as("N/A is never").isEmpty();
        assertThat(r.size()).isEqualTo(3);
    }

    @Test
    void userNamesWithCommasQuotedOrNot() {
        String tail = ",2025-03-01T12:00:00+00:00,false,N/A,N/A,N/A,false,true,N/A,2025-03-14T11:05:00+00:00,us-east-1,iam,"
                + "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
        String csv = HEADER + "\n"
                + "a,b,arn:aws:iam::123456789012:user/a,b" + tail + "\n"
                + "\"c,d\",\"arn:aws:iam::123456789012:user/c,d\"" + tail + "\n";
        CredentialReport r = CredentialReport.parse(csv, Instant.EPOCH);

        assertThat(r.row("arn:aws:iam::123456789012:user/a,b", "?")).hasValueSatisfying(row ->
                assertThat(row.user()).isEqualTo("a,b"));
        assertThat(r.row("arn:aws:iam::123456789012:user/c,d", "?")).hasValueSatisfying(row ->
                assertThat(row.lastUse().orElseThrow().service()).isEqualTo("iam"));
    }

    @Test
    void aReportWithoutItsColumnsIsRejected() {
        assertThatThrownBy(() -> CredentialReport.parse("a,b\n1,2\n", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user");
        assertThatThrownBy(() -> CredentialReport.parse("", Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
    }
}
