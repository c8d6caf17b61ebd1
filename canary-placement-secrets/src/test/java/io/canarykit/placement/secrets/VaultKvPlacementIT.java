package io.canarykit.placement.secrets;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@code vault-kv} against Vault's documented KV v2 API (a stateful WireMock fake plus its error answers). */
class VaultKvPlacementIT extends RestPlacementContract {
    static final FakeVault FAKE = new FakeVault();

    @RegisterExtension
    static WireMockExtension vault = wireMock(FAKE);

    final List<java.time.Duration> slept = new ArrayList<>();
    VaultKvPlacement placement;

    @BeforeEach
    void setUp() {
        answerWith(vault, FAKE);
        FAKE.entries.clear();
        placement = VaultKvPlacement.builder().connection(RestClient.builder("Vault").baseUrl(URI.create(vault.baseUrl()))
                .token("X-Vault-Token", "", Secret.of(FakeVault.TOKEN)).sleeper(slept::add)).build();
    }

    @Override
    Placement placement() {
        return placement;
    }

    @Override
    Map<String, String> options(String name) {
        return Map.of("path", "ci/" + name + "/aws");
    }

    @Override
    List<String> stored() {
        List<String> out = new ArrayList<>();
        FAKE.entries.forEach((id, e) -> out.add(id + " -> " + (e.versions.isEmpty() ? "(metadata only)"
                : e.versions.get(e.versions.size() - 1).get("AWS_ACCESS_KEY_ID") + " (version " + e.versions.size() + ")")));
        return out;
    }

    @Override
    void plantForeign(String name) {
        FakeVault.Entry e = new FakeVault.Entry();
        e.versions.add(Map.of("AWS_ACCESS_KEY_ID", "AKIAREALKEYOFTHETEAM1", "AWS_SECRET_ACCESS_KEY", "real"));
        FAKE.entries.put("secret/ci/" + name + "/aws", e);
    }

    @Override
    String token() {
        return FakeVault.TOKEN;
    }

    @Test
    void fieldsMountAndCustomMetadataAreAsAskedAndWritesUseCheckAndSet() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("mount", "kv");
        o.put("path", "teams/billing/aws");
        o.put("keys", "vault");
        o.put("custom-metadata", "owner=billing,rotated-by=platform");
        PlacementReceipt r = place(request(SECOND, o));
        FakeVault.Entry e = FAKE.entries.get("kv/teams/billing/aws");
        assertThat(e.versions.get(0)).containsOnlyKeys("access_key", "secret_key", "security_token")
                .containsEntry("access_key", SECOND.accessKeyId());
        assertThat(e.customMetadata).containsEntry("owner", "billing").containsEntry("rotated-by", "platform");
        assertThat(vault.findAll(postRequestedFor(urlPathEqualTo("/v1/kv/data/teams/billing/aws"))).get(0)
                .getBodyAsString()).contains("\"options\":{\"cas\":0}");
        assertThat(r.details()).containsEntry("mount", "kv").containsEntry("path", "teams/billing/aws")
                .containsEntry("version", "1");
        PlacementReceipt r2 = placement.replace(r, request(FIRST, o));
        receipts.add(r2);
        assertThat(vault.findAll(postRequestedFor(urlPathEqualTo("/v1/kv/data/teams/billing/aws"))).get(1)
                .getBodyAsString()).contains("\"options\":{\"cas\":1}");
        assertThat(r2.details()).containsEntry("version", "2");
        placement.remove(r2);
        assertThat(FAKE.entries).isEmpty();
    }

    @Test
    void aConcurrentWriterMakesTheRotationFailWithACasMismatchAndNothingChanges() {
        PlacementReceipt r = place(request(FIRST, options("race")));
        // between our read and our write another writer adds version 2 of the same data
        vault.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/v1/secret/data/ci/race/aws"))
                .atPriority(1).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[\"check-and-set parameter did not match the current version\"]}")));
        Throwable e = catchThrowable(() -> placement.replace(r, request(SECOND, options("race"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("HTTP 400")
                .hasMessageContaining("check-and-set parameter did not match").hasMessageContaining("another writer");
        assertThat(placement.verify(r).present()).isTrue();
        assertThat(stored()).containsExactly("secret/ci/race/aws -> " + FIRST.accessKeyId() + " (version 1)");
    }

    @Test
    void aPathThatExistsIsRefusedByCheckAndSetZero() {
        plantForeign("shared");
        Throwable e = catchThrowable(() -> place(request(FIRST, options("shared"))));
        errors.add(e);
        assertThat(e).hasMessageContaining("check-and-set 0 refused the write");
        assertThat(stored()).containsExactly("secret/ci/shared/aws -> AKIAREALKEYOFTHETEAM1 (version 1)");
    }

    @Test
    void aReadBackThatFailsDeletesWhatWasWrittenAndASealedVaultIsRetried() {
        vault.stubFor(get(urlPathEqualTo("/v1/secret/data/ci/half/aws")).atPriority(1).willReturn(aResponse()
                .withStatus(503).withHeader("Content-Type", "application/json").withBody("{\"errors\":[\"Vault is sealed\"]}")));
        Throwable e = catchThrowable(() -> place(request(FIRST, options("half"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryException.class).hasMessageContaining("HTTP 503")
                .hasMessageContaining("Vault is sealed");
        assertThat(vault.findAll(getRequestedFor(urlPathEqualTo("/v1/secret/data/ci/half/aws")))).hasSize(3);
        assertThat(slept).hasSize(2);
        assertThat(stored()).as("the path written before the failure was deleted").isEmpty();
    }

    @Test
    void aWrongTokenIsPermissionDeniedAndAttacksThroughOptionsAreRefused() {
        VaultKvPlacement wrong = VaultKvPlacement.builder().api(URI.create(vault.baseUrl()),
                Secret.of("hvs.wrongwrongwrongwrong")).build();
        Throwable e = catchThrowable(() -> wrong.place(request(FIRST, options("billing"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("permission denied")
                .hasMessageContaining("policies").hasMessageNotContaining("hvs.wrong");
        int before = vault.findAll(anyRequestedFor(anyUrl())).size();
        for (Map<String, String> bad : List.of(Map.of("path", "../sys/seal"), Map.of("path", "ci/../../sys/seal"),
                Map.of("path", "ci/x", "mount", "sys/../secret"), Map.of("path", "/ci/x"), Map.of("path", "ci/x?list=true"),
                Map.of("path", "ci/canary-tokens/aws"))) {
            Throwable t = catchThrowable(() -> place(request(FIRST, bad)));
            errors.add(t);
            assertThat(t).as(bad.toString()).isInstanceOf(CanaryConfigurationException.class);
        }
        assertThat(vault.findAll(anyRequestedFor(anyUrl()))).hasSize(before);
        place(request(FIRST, options("billing")));
    }

    @Test
    void theProviderReadsVaultAddrTokenAndNamespace() {
        PlacementEnvironment env = PlacementEnvironment.of(Map.of("VAULT_ADDR", vault.baseUrl(), "VAULT_TOKEN",
                FakeVault.TOKEN, "VAULT_NAMESPACE", "platform/ci"), Map.of());
        try (Placement p = VaultKvPlacementProvider.create(CanaryConfig.empty(), env)) {
            receipts.add(p.place(request(FIRST, options("from-env"))));
        }
        assertThat(vault.findAll(postRequestedFor(anyUrl())).get(0).getHeader("X-Vault-Namespace"))
                .isEqualTo("platform/ci");
        Throwable e = catchThrowable(() -> VaultKvPlacementProvider.create(CanaryConfig.empty(),
                PlacementEnvironment.of(Map.of("VAULT_TOKEN", FakeVault.TOKEN), Map.of())));
        errors.add(e);
        assertThat(e).hasMessageContaining("needs the Vault URL").hasMessageContaining("VAULT_ADDR");
    }
}
