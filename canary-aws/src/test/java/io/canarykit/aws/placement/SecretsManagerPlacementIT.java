package io.canarykit.aws.placement;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.CanaryException;
import io.canarykit.PlacementReceipt;
import io.canarykit.aws.issue.Emulated;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.internal.CredentialText;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementProvider;
import io.canarykit.testkit.aws.AwsEmulatorExtension;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.SecretView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@code aws-secrets-manager} against the emulator's Secrets Manager through the real SDK client. */
class SecretsManagerPlacementIT extends StoredSecretsContract {
    static final String PREFIX = "canary.placement.aws-secrets-manager.";

    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create().resetBeforeEach();

    private SecretsManagerClient client;
    private SecretsManagerPlacement placement;

    SecretsManagerClient client(RetryStrategy retry) {
        return aws.emulator().configure(SecretsManagerClient.builder(), aws.adminCredentials(), Region.EU_WEST_1)
                .overrideConfiguration(o -> o.retryStrategy(retry)).build();
    }

    @BeforeEach
    void setUp() {
        client = client(Emulated.fastRetries(3));
        placement = SecretsManagerPlacement.builder().client(client).recoveryWindowDays(0).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Override
    Placement placement() {
        return placement;
    }

    @Override
    Map<String, String> options(String name) {
        return Map.of("name", name);
    }

    @Override
    String name(String base) {
        return "prod/" + base;
    }

    @Override
    List<String> stored() {
        return aws.emulator().secrets(aws.accountId()).stream()
                .map(s -> s.name() + " -> " + (s.scheduledForDeletion() ? "(scheduled for deletion)"
                        : s.currentValue() == null ? "-" : CredentialText.accessKeyId(s.currentValue().reveal())))
                .toList();
    }

    @Override
    void plantForeign(String name, String value) {
        client.createSecret(r -> r.name(name).secretString(value));
    }

    private SecretView only() {
        return aws.emulator().secrets(aws.accountId()).get(0);
    }

    @Test
    void theSecretHoldsTheShapeTeamsUseWithItsDescriptionTagsAndKey() throws Exception {
        Map<String, String> o = new LinkedHashMap<>(options("prod/billing/exporter"));
        o.put("description", "Billing exporter deploy key");
        o.put("tags", "team=billing,env=prod");
        o.put("kms-key-id", "alias/billing");
        PlacementReceipt r = place(request(SECOND, o));
        SecretView s = only();
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.description()).isEqualTo("Billing exporter deploy key");
        assertThat(s.kmsKeyId()).isEqualTo("alias/billing");
        assertThat(s.tags()).containsExactly(Map.entry("team", "billing"), Map.entry("env", "prod"));
        assertThat(new ObjectMapper().readTree(s.currentValue().reveal()).properties()).extracting(Map.Entry::getKey)
                .containsExactly("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
        assertThat(r.location()).isEqualTo(s.arn());
        assertThat(r.details()).containsEntry("region", "eu-west-1").containsEntry("name", "prod/billing/exporter")
                .containsEntry("accessKeyId", SECOND.accessKeyId()).containsKeys("canaryId", "versionId");

        placement.remove(r);
        o.put("name", "prod/billing/exporter-env");
        o.put("format", "env");
        o.put("keys", "snake");
        place(request(FIRST, o));
        assertThat(only().currentValue().reveal()).isEqualTo("aws_access_key_id=" + FIRST.accessKeyId()
                + "\naws_secret_access_key=" + FIRST.secretAccessKey().reveal() + "\n");
    }

    @Test
    void removalKeepsAwsRecoveryWindowUnlessZeroIsConfigured() {
        SecretsManagerPlacement defaults = SecretsManagerPlacement.builder().client(client).build();
        PlacementReceipt r = defaults.place(request(FIRST, options("prod/a")));
        receipts.add(r);
        defaults.remove(r);
        assertThat(only().scheduledForDeletion()).isTrue();
        assertThat(only().deletionDate()).isEqualTo(only().deletedDate().plus(java.time.Duration.ofDays(30)));
        assertThat(defaults.verify(r).present()).isFalse();
        defaults.remove(r); // idempotent on a scheduled secret

        SecretsManagerPlacement week = SecretsManagerPlacement.builder().client(client).recoveryWindowDays(7).build();
        PlacementReceipt w = week.place(request(FIRST, options("prod/b")));
        week.remove(w);
        SecretView b = aws.emulator().secrets(aws.accountId()).stream().filter(s -> s.name().equals("prod/b")).findFirst()
                .orElseThrow();
        assertThat(b.deletionDate()).isEqualTo(b.deletedDate().plus(java.time.Duration.ofDays(7)));
        assertThat(catchThrowable(() -> SecretsManagerPlacement.builder().client(client).recoveryWindowDays(3)))
                .hasMessageContaining("0 (delete at once) or 7-30");
    }

    @Test
    void aReadBackThatFailsAfterTheCreationLeavesNoSecretAndAClearError() {
        SecretsManagerClient once = client(Emulated.noRetries());
        SecretsManagerPlacement p = SecretsManagerPlacement.builder().client(once).build();
        aws.emulator().faults().add(FaultRule.on("secretsmanager:GetSecretValue").onCall(1)
                .then(FaultAction.error(400, "AccessDeniedException", "User is not authorized to perform: "
                        + "secretsmanager:GetSecretValue")));
        Throwable e = catchThrowable(() -> p.place(request(FIRST, options("prod/half"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryException.class).hasMessageContaining("reading secret arn:aws:secretsmanager:eu-west-1:")
                .hasMessageContaining(":secret:prod/half-")
                .hasMessageContaining("AccessDeniedException");
        assertThat(aws.emulator().secrets(aws.accountId())).as("deleted at once, not scheduled").isEmpty();
        once.close();
    }

    @Test
    void tagsThatDidNotStickUndoTheCreation() {
        aws.emulator().faults().add(FaultRule.on("secretsmanager:DescribeSecret").always()
                .then(FaultAction.error(400, "AccessDeniedException", "not authorized to perform DescribeSecret")));
        Map<String, String> o = new LinkedHashMap<>(options("prod/tagged"));
        o.put("tags", "team=billing");
        Throwable e = catchThrowable(() -> place(request(FIRST, o)));
        errors.add(e);
        assertThat(e).hasMessageContaining("reading back the tags");
        assertThat(stored()).isEmpty();
    }

    @Test
    void aCreateWhoseAnswerWasLostIsRecognisedAsOursOnRetry() {
        aws.emulator().faults().add(FaultRule.on("secretsmanager:CreateSecret").onCall(1).afterApplying()
                .then(FaultAction.connectionReset()));
        PlacementReceipt r = place(request(FIRST, options("prod/lost")));
        assertThat(stored()).containsExactly("prod/lost -> " + FIRST.accessKeyId());
        assertThat(placement.verify(r).present()).isTrue();
    }

    @Test
    void aReplacementThatCannotBeConfirmedPutsThePreviousValueBack() {
        PlacementReceipt first = place(request(FIRST, options("prod/rot")));
        SecretsManagerClient once = client(Emulated.noRetries());
        SecretsManagerPlacement p = SecretsManagerPlacement.builder().client(once).build();
        aws.emulator().faults().add(FaultRule.on("secretsmanager:PutSecretValue").onCall(1).afterApplying()
                .then(FaultAction.serverError()));
        Throwable e = catchThrowable(() -> p.replace(first, request(SECOND, options("prod/rot"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryException.class).hasMessageContaining("writing the new value");
        assertThat(placement.verify(first).present()).as("the old canary is in place again").isTrue();
        assertThat(stored()).containsExactly("prod/rot -> " + FIRST.accessKeyId());
        once.close();
    }

    @Test
    void theProviderBuildsTheClientFromItsSettingsAndRefusesUnknownOnes() {
        var creds = aws.adminCredentials();
        CanaryConfig config = CanaryConfig.of(Map.of(
                "canary.placement.aws-secrets-manager.region", "eu-west-1",
                "canary.placement.aws-secrets-manager.endpoint", aws.emulator().endpoint().toString(),
                "canary.placement.aws-secrets-manager.access-key-id", creds.accessKeyId(),
                "canary.placement.aws-secrets-manager.secret-access-key", creds.secretAccessKey().reveal(),
                "canary.placement.aws-secrets-manager.recovery-window-days", "0"));
        ProviderRegistry<Placement, PlacementProvider> registry = ProviderRegistry.load(PlacementProvider.class);
        try (Placement p = registry.create("aws-secrets-manager", config)) {
            PlacementReceipt r = p.place(request(FIRST, options("prod/provided")));
            receipts.add(r);
            assertThat(r.details()).containsEntry("region", "eu-west-1");
            p.remove(r);
            assertThat(stored()).isEmpty();
        }
        Throwable e = catchThrowable(() -> registry.create("aws-secrets-manager",
                config.with("canary.placement.aws-secrets-manager.recovery-window", "0")));
        errors.add(e);
        assertThat(e).hasMessageContaining("recovery-window").hasMessageContaining("recovery-window-days")
                .hasMessageNotContaining(creds.secretAccessKey().reveal());
        // the same settings already scoped, with the request's options beside them (as canary place passes them)
        try (Placement p = registry.provider("aws-secrets-manager")
                .create(config.scoped(PREFIX).with("name", "prod/ignored-here"))) {
            assertThat(p.name()).isEqualTo("aws-secrets-manager");
        }
    }

    @Test
    void rotationKeepsTheSecretAndItsTags() {
        Map<String, String> o = new LinkedHashMap<>(options("prod/keep"));
        o.put("tags", "team=billing");
        PlacementReceipt first = place(request(FIRST, o));
        PlacementReceipt second = placement.replace(first, request(SECOND, o));
        receipts.add(second);
        assertThat(client.describeSecret(r -> r.secretId("prod/keep")).tags())
                .containsExactly(Tag.builder().key("team").value("billing").build());
        assertThat(only().versions()).isEqualTo(2);
        assertThat(second.detail("arn")).isEqualTo(first.detail("arn"));
    }

    @Test
    void twoPlacersRacingForOneNameLeaveExactlyOneCanaryAndTheLoserChangesNothing() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<PlacementReceipt>> results = new java.util.ArrayList<>();
            for (var c : List.of(FIRST, SECOND)) {
                var r = request(c, options("prod/contested"));
                results.add(pool.submit(() -> {
                    go.await();
                    return placement.place(r);
                }));
            }
            go.countDown();
            List<PlacementReceipt> won = new java.util.ArrayList<>();
            for (var f : results) {
                try {
                    won.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    errors.add(e.getCause());
                    assertThat(e.getCause()).isInstanceOf(io.canarykit.CanaryConfigurationException.class)
                            .hasMessageContaining("already exists");
                }
            }
            receipts.addAll(won);
            assertThat(won).hasSize(1);
            assertThat(stored()).containsExactly("prod/contested -> " + won.get(0).detail("accessKeyId"));
            assertThat(placement.verify(won.get(0)).present()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
