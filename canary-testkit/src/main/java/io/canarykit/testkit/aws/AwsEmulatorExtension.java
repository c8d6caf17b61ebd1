package io.canarykit.testkit.aws;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * JUnit 5 extension running an {@link AwsEmulator} on a free port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static AwsEmulatorExtension aws = AwsEmulatorExtension.create();
 *
 * @Test
 * void createsUser() {
 *     aws.iam().createUser(b -> b.userName("ci-deploy-7f3a"));
 *     assertThat(aws.emulator().user(aws.accountId(), "ci-deploy-7f3a")).isPresent();
 * }
 * }</pre>
 *
 * As a {@code static} field the emulator lives for the test class; as an instance field, for each test. Before each
 * test the fault rules and partial-AWS changes are cleared (state is kept unless {@link #resetBeforeEach()} is set).
 *
 * @since 0.1.0
 */
public final class AwsEmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final Consumer<AwsEmulator.Builder> configuration;
    private boolean resetBeforeEach;
    /** Running while a test class (or, per test, a test) runs; null otherwise. */
    private @Nullable AwsEmulator emulator;
    private boolean perTest;

    private AwsEmulatorExtension(Consumer<AwsEmulator.Builder> configuration) {
        this.configuration = configuration;
    }

    /** An extension with the emulator's defaults. */
    public static AwsEmulatorExtension create() {
        return new AwsEmulatorExtension(b -> { });
    }

    /** An extension whose emulator is configured by {@code configuration} (accounts, clock, delays, ...). */
    public static AwsEmulatorExtension create(Consumer<AwsEmulator.Builder> configuration) {
        return new AwsEmulatorExtension(Objects.requireNonNull(configuration, "configuration"));
    }

    /** Resets the emulator's state (users, roles, trail, call log, faults) before each test. */
    public AwsEmulatorExtension resetBeforeEach() {
        this.resetBeforeEach = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator = start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (emulator == null) {
            emulator = start();
            perTest = true;
        } else if (resetBeforeEach) {
            emulator.reset();
        } else {
            emulator.faults().clear();
            emulator.restorePartialAws();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest && emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    private AwsEmulator start() {
        AwsEmulator.Builder b = AwsEmulator.builder();
        configuration.accept(b);
        return b.start();
    }

    /**
     * The running emulator.
     *
     * @throws IllegalStateException outside a test's lifecycle
     */
    public AwsEmulator emulator() {
        if (emulator == null) {
            throw new IllegalStateException("the AWS emulator runs only while a test class or test is running; "
                    + "register the extension with @RegisterExtension");
        }
        return emulator;
    }

    /** See {@link AwsEmulator#endpoint()}. */
    public URI endpoint() {
        return emulator().endpoint();
    }

    /** See {@link AwsEmulator#accountId()}. */
    public String accountId() {
        return emulator().accountId();
    }

    /** See {@link AwsEmulator#adminCredentials()}. */
    public EmulatedCredentials adminCredentials() {
        return emulator().adminCredentials();
    }

    /** See {@link AwsEmulator#faults()}. */
    public Faults faults() {
        return emulator().faults();
    }

    /** See {@link AwsEmulator#iam()}. */
    public IamClient iam() {
        return emulator().iam();
    }

    /** See {@link AwsEmulator#iam(EmulatedCredentials)}. */
    public IamClient iam(EmulatedCredentials credentials) {
        return emulator().iam(credentials);
    }

    /** See {@link AwsEmulator#sts()}. */
    public StsClient sts() {
        return emulator().sts();
    }

    /** See {@link AwsEmulator#sts(EmulatedCredentials)}. */
    public StsClient sts(EmulatedCredentials credentials) {
        return emulator().sts(credentials);
    }

    /** See {@link AwsEmulator#cloudTrail()}. */
    public CloudTrailClient cloudTrail() {
        return emulator().cloudTrail();
    }

    /** See {@link AwsEmulator#s3()}. */
    public S3Client s3() {
        return emulator().s3();
    }

    /** See {@link AwsEmulator#client(AwsClientBuilder, EmulatedCredentials)}. */
    public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder,
                                                                                     EmulatedCredentials credentials) {
        return emulator().client(builder, credentials);
    }
}
