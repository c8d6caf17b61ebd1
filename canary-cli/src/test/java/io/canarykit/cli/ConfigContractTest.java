package io.canarykit.cli;

import io.canarykit.config.ConfigCheck;
import io.canarykit.config.ConfigKey;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one configuration contract over every module the command line ships: each provider of each plug-in point
 * declares its keys (so unknown keys get "did you mean" and values are checked), and the README's configuration-key
 * reference lists every key.
 */
class ConfigContractTest {
    private final ConfigCheck check = ConfigCheck.load(ConfigContractTest.class.getClassLoader());

    @Test
    void everyProviderDeclaresItsKeys() {
        List<String> undeclared = new ArrayList<>();
        check.providerKeys().forEach(p -> {
            if (!p.keys().declared()) {
                undeclared.add(p.scope());
            }
        });
        assertThat(check.providerKeys()).extracting(ConfigCheck.ProviderKeys::scope).contains(
                "canary.store.jdbc.", "canary.issuer.iam-user.", "canary.placement.vault-kv.",
                "canary.alert.pagerduty.", "canary.alert.sns.", "canary.detector.cloudtrail-sqs.",
                "canary.pool.organization.", "canary.namer.hmac.", "canary.hardener.deny-all.",
                "canary.inventory.csv.");
        assertThat(undeclared).as("providers that declare no keys").isEmpty();
    }

    @Test
    void theReadmeListsEveryKey() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> missing = new ArrayList<>();
        for (ConfigKey k : check.knownKeys().keys()) {
            if (!readme.contains("`" + k.name() + "`")) {
                missing.add(k.name());
            }
        }
        assertThat(missing).as("keys missing from the README's configuration-key reference").isEmpty();
    }
}
