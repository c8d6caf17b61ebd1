package io.canarykit.aws.placement;

import io.canarykit.CanaryConfigurationException;
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
import io.canarykit.testkit.aws.ParameterView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@code ssm-parameter} against the emulator's Parameter Store through the real SDK client. */
class SsmParameterPlacementIT extends StoredSecretsContract {
    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create().resetBeforeEach();

    private SsmClient client;
    private SsmParameterPlacement placement;

    SsmClient client(RetryStrategy retry) {
        return aws.emulator().configure(SsmClient.builder(), aws.adminCredentials(), Region.US_WEST_2)
                .overrideConfiguration(o -> o.retryStrategy(retry)).build();
    }

    @BeforeEach
    void setUp() {
        client = client(Emulated.fastRetries(3));
        placement = SsmParameterPlacement.builder().client(client).build();
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
        return "/prod/" + base;
    }

    @Override
    List<String> stored() {
        return aws.emulator().parameters(aws.accountId()).stream()
                .map(p -> p.name() + " -> " + CredentialText.accessKeyId(p.value().reveal())).toList();
    }

    @Override
    void plantForeign(String name, String value) {
        client.putParameter(r -> r.name(name).value(value).type(ParameterType.SECURE_STRING));
    }

    private ParameterView only() {
        return aws.emulator().parameters(aws.accountId()).get(0);
    }

    @Test
    void aSecureStringWithTheShapeTeamsUseItsKeyTierDescriptionAndTags() {
        Map<String, String> o = new LinkedHashMap<>(options("/prod/billing/exporter/aws"));
        o.put("format", "env");
        o.put("description", "exporter deploy key");
        o.put("kms-key-id", "alias/billing");
        o.put("tier", "advanced");
        o.put("tags", "team=billing");
        PlacementReceipt r = place(request(SECOND, o));
        ParameterView p = only();
        assertThat(p.type()).isEqualTo("SecureString");
        assertThat(p.region()).isEqualTo("us-west-2");
        assertThat(p.keyId()).isEqualTo("alias/billing");
        assertThat(p.tier()).isEqualTo("Advanced");
        assertThat(p.description()).isEqualTo("exporter deploy key");
        assertThat(p.tags()).containsExactly(Map.entry("team", "billing"));
        assertThat(p.value().reveal()).startsWith("AWS_ACCESS_KEY_ID=" + SECOND.accessKeyId() + "\n")
                .contains("AWS_SESSION_TOKEN=");
        assertThat(r.location()).isEqualTo(p.arn());
        assertThat(r.details()).containsEntry("version", "1").containsEntry("region", "us-west-2");
    }

    @Test
    void awsNameRulesAreCheckedBeforeAnyCall() {
        for (String bad : new String[] {"/aws/reserved", "not/qualified", "/a//b", "/ssm/x"}) {
            Throwable e = catchThrowable(() -> place(request(FIRST, options(bad))));
            errors.add(e);
            assertThat(e).as(bad).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("not a valid parameter name");
        }
        assertThat(aws.emulator().calls()).noneMatch(c -> "ssm".equals(c.service()));
        place(request(FIRST, options("/prod/ok")));
    }

    @Test
    void aFailedReadBackAfterTheCreationLeavesNoParameter() {
        SsmClient once = client(Emulated.noRetries());
        SsmParameterPlacement p = SsmParameterPlacement.builder().client(once).build();
        aws.emulator().faults().add(FaultRule.on("ssm:GetParameter").onCall(1).then(FaultAction.serverError()));
        Throwable e = catchThrowable(() -> p.place(request(FIRST, options("/prod/half"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryException.class).hasMessageContaining("reading parameter /prod/half failed");
        assertThat(stored()).isEmpty();
        once.close();
    }

    @Test
    void aCreateWhoseAnswerWasLostIsRecognisedAsOursOnRetry() {
        aws.emulator().faults().add(FaultRule.on("ssm:PutParameter").onCall(1).afterApplying()
                .then(FaultAction.connectionReset()));
        PlacementReceipt r = place(request(FIRST, options("/prod/lost")));
        assertThat(stored()).containsExactly("/prod/lost -> " + FIRST.accessKeyId());
        assertThat(only().version()).isEqualTo(1);
        assertThat(placement.verify(r).present()).isTrue();
    }

    @Test
    void aReplacementThatCannotBeConfirmedWritesThePreviousValueBack() {
        PlacementReceipt first = place(request(FIRST, options("/prod/rot")));
        SsmClient once = client(Emulated.noRetries());
        SsmParameterPlacement p = SsmParameterPlacement.builder().client(once).build();
        aws.emulator().faults().add(FaultRule.on("ssm:PutParameter").onCall(1).afterApplying()
                .then(FaultAction.serverError()));
        Throwable e = catchThrowable(() -> p.replace(first, request(SECOND, options("/prod/rot"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryException.class).hasMessageContaining("writing the new value");
        assertThat(placement.verify(first).present()).isTrue();
        assertThat(stored()).containsExactly("/prod/rot -> " + FIRST.accessKeyId());
        once.close();
    }

    @Test
    void theProviderBuildsTheClientFromItsSettings() {
        var creds = aws.adminCredentials();
        CanaryConfig config = CanaryConfig.of(Map.of(
                "canary.placement.ssm-parameter.region", "us-west-2",
                "canary.placement.ssm-parameter.endpoint", aws.emulator().endpoint().toString(),
                "canary.placement.ssm-parameter.access-key-id", creds.accessKeyId(),
                "canary.placement.ssm-parameter.secret-access-key", creds.secretAccessKey().reveal()));
        try (Placement p = ProviderRegistry.load(PlacementProvider.class).create("ssm-parameter", config)) {
            PlacementReceipt r = p.place(request(FIRST, options("/prod/provided")));
            receipts.add(r);
            assertThat(stored()).containsExactly("/prod/provided -> " + FIRST.accessKeyId());
            p.remove(r);
        }
        assertThat(stored()).isEmpty();
    }
}
