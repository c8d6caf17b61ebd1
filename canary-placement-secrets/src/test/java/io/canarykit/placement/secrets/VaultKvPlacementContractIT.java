package io.canarykit.placement.secrets;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.testkit.placement.PlacementContract;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code vault-kv} passes the test kit's shared placement contract, against Vault's documented KV v2 API. */
class VaultKvPlacementContractIT extends PlacementContract {
    static final FakeVault FAKE = new FakeVault();

    @RegisterExtension
    static WireMockExtension vault = RestPlacementContract.wireMock(FAKE);

    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        RestPlacementContract.answerWith(vault, FAKE);
        FAKE.entries.clear();
        return VaultKvPlacement.builder().api(URI.create(vault.baseUrl()), Secret.of(FakeVault.TOKEN)).build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("path", "ci/billing/aws");
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        FakeVault.Entry e = FAKE.entries.get("secret/ci/billing/aws");
        if (e == null || e.versions.isEmpty()) {
            return null;
        }
        Map<String, String> d = e.versions.get(e.versions.size() - 1);
        return new CanaryCredential(d.get("AWS_ACCESS_KEY_ID"), Secret.of(d.get("AWS_SECRET_ACCESS_KEY")),
                Secret.ofNullable(d.get("AWS_SESSION_TOKEN")), null);
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        FakeVault.Entry e = new FakeVault.Entry();
        e.versions.add(Map.of("AWS_ACCESS_KEY_ID", "AKIAREALKEYOFTHETEAM1", "AWS_SECRET_ACCESS_KEY", "real"));
        FAKE.entries.put("secret/ci/team/aws", e);
        return List.of(Map.of("path", "ci/team/aws"), Map.of("path", "../sys/seal"), Map.of("path", "ci/honeypot/aws"));
    }

    @Override
    protected String externalState() {
        StringBuilder sb = new StringBuilder();
        FAKE.entries.forEach((k, v) -> sb.append(k).append(' ').append(v.versions.hashCode()).append('\n'));
        return sb.toString();
    }
}
