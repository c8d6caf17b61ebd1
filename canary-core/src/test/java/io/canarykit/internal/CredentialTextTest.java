package io.canarykit.internal;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.Secret;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialTextTest {
    static final CanaryCredential LONG = CanaryCredential.longTerm("AKIAZ7KQ3M4XBOWNT2UF",
            Secret.of("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"));
    static final CanaryCredential SESSION = new CanaryCredential("ASIAZ7KQ3M4XCHAQJ5RB", Secret.of("s\"e\\cret"),
            Secret.of("token=="), Instant.parse("2026-05-01T18:00:00Z"));

    @Test
    void rendersTheShapesTeamsUse() {
        assertThat(CredentialText.render(LONG, CredentialText.Format.JSON, CredentialText.KeyNames.ENV))
                .isEqualTo("{\"AWS_ACCESS_KEY_ID\":\"AKIAZ7KQ3M4XBOWNT2UF\",\"AWS_SECRET_ACCESS_KEY\":"
                        + "\"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\"}");
        assertThat(CredentialText.render(SESSION, CredentialText.Format.JSON, CredentialText.KeyNames.VAULT))
                .isEqualTo("{\"access_key\":\"ASIAZ7KQ3M4XCHAQJ5RB\",\"secret_key\":\"s\\\"e\\\\cret\",\"security_token\":\"token==\"}");
        assertThat(CredentialText.render(SESSION, CredentialText.Format.ENV, CredentialText.KeyNames.SNAKE))
                .isEqualTo("aws_access_key_id=ASIAZ7KQ3M4XCHAQJ5RB\naws_secret_access_key=s\"e\\cret\naws_session_token=token==\n");
        assertThat(CredentialText.fields(LONG, CredentialText.KeyNames.PASCAL)).containsOnlyKeys("AccessKeyId", "SecretAccessKey");
        assertThat(CredentialText.fields(SESSION, CredentialText.KeyNames.CAMEL)).containsKeys("sessionToken");
    }

    @Test
    void findsTheAccessKeyIdBackInEveryShapeAndNothingInGarbage() {
        for (CredentialText.Format f : CredentialText.Format.values()) {
            for (CredentialText.KeyNames k : CredentialText.KeyNames.values()) {
                assertThat(CredentialText.accessKeyId(CredentialText.render(SESSION, f, k))).as(f + " " + k)
                        .isEqualTo(SESSION.accessKeyId());
                assertThat(CredentialText.accessKeyId(CredentialText.fields(SESSION, k))).isEqualTo(SESSION.accessKeyId());
            }
        }
        assertThat(CredentialText.accessKeyId("[default]\naws_access_key_id = AKIAZ7KQ3M4XBOWNT2UF\n"))
                .isEqualTo("AKIAZ7KQ3M4XBOWNT2UF");
        assertThat(CredentialText.accessKeyId("export AWS_ACCESS_KEY_ID=\"AKIAZ7KQ3M4XBOWNT2UF\"")).isEqualTo("AKIAZ7KQ3M4XBOWNT2UF");
        for (String garbage : new String[] {null, "", "   ", "{", "{\"AWS_ACCESS_KEY_ID\":42}", "[1,2]", "{\"a\":\"b\"}",
                "AWS_ACCESS_KEY_ID=", "{" + "[".repeat(5000)}) {
            assertThat(CredentialText.accessKeyId(garbage)).as(String.valueOf(garbage)).isNull();
        }
        assertThat(CredentialText.accessKeyId(Map.of("other", "x"))).isNull();
    }

    @Test
    void unknownShapesAreClearErrors() {
        assertThatThrownBy(() -> CredentialText.Format.fromConfigName("p", "format", "yaml"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessage("placement p option format: 'yaml' is not valid; expected json or env");
        assertThatThrownBy(() -> CredentialText.KeyNames.fromConfigName("p", "keys", "kebab"))
                .hasMessageContaining("expected env, pascal, camel, snake or vault");
        assertThat(CredentialText.KeyNames.fromConfigName("p", "keys", " Vault ")).isEqualTo(CredentialText.KeyNames.VAULT);
    }
}
