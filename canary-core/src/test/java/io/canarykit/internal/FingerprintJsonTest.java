package io.canarykit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.fingerprint.FingerprintCheck;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FingerprintJsonTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final FingerprintCheck check = FingerprintCheck.create();

    @Test
    void fieldNamesAreExactlyTheIssues() throws Exception {
        String line = FingerprintJson.toJson(check.check("AKIASP2TPHJSQH3FJRUX"));
        assertThat(line).doesNotContain("\n");
        JsonNode n = mapper.readTree(line);
        List<String> fields = new ArrayList<>();
        n.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("keyId", "prefix", "keyType", "format", "accountId", "lenientAccountId",
                "findings", "verdict");
        assertThat(n.get("keyId").asText()).isEqualTo("AKIASP2TPHJSQH3FJRUX");
        assertThat(n.get("prefix").asText()).isEqualTo("AKIA");
        assertThat(n.get("keyType").asText()).isEqualTo("access-key");
        assertThat(n.get("format").asText()).isEqualTo("new");
        assertThat(n.get("accountId").asText()).isEqualTo("171436882533");
        assertThat(n.get("lenientAccountId").asText()).isEqualTo("171436882533");
        assertThat(n.get("verdict").asText()).isEqualTo("fingerprinted");
        JsonNode f = n.get("findings").get(0);
        List<String> ff = new ArrayList<>();
        f.fieldNames().forEachRemaining(ff::add);
        assertThat(ff).containsExactly("code", "severity", "message");
        assertThat(f.get("code").asText()).isEqualTo("known-canary-account");
        assertThat(f.get("severity").asText()).isEqualTo("high");
    }

    @Test
    void missingAccountsAreJsonNull() throws Exception {
        JsonNode n = mapper.readTree(FingerprintJson.toJson(check.check("AKIAIOSFODNN7EXAMPLE")));
        assertThat(n.get("format").asText()).isEqualTo("old");
        assertThat(n.get("accountId").isNull()).isTrue();
        assertThat(n.get("lenientAccountId").isNull()).isTrue();
        assertThat(n.get("verdict").asText()).isEqualTo("suspicious");
        JsonNode invalid = mapper.readTree(FingerprintJson.toJson(check.check("AKIASP2TPHJS")));
        assertThat(invalid.get("format").asText()).isEqualTo("invalid");
        JsonNode nul = mapper.readTree(FingerprintJson.toJson(check.check((String) null)));
        assertThat(nul.get("prefix").isNull()).isTrue();
        assertThat(nul.get("keyType").asText()).isEqualTo("unknown");
    }

    @Test
    void aSecretPastedByMistakeIsNotEchoed() {
        String json = FingerprintJson.toJson(check.check("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assertThat(json).doesNotContain("wJalr").doesNotContain("EXAMPLEKEY");
    }

    @Test
    void extraFieldsCanBeAdded() throws Exception {
        var node = FingerprintJson.toNode(check.check("AKIASP2TPHJSQH3FJRUX")).put("profile", "default");
        assertThat(mapper.readTree(FingerprintJson.write(node)).get("profile").asText()).isEqualTo("default");
    }
}
