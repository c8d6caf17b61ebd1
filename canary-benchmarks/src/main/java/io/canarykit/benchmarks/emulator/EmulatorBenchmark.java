package io.canarykit.benchmarks.emulator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

/**
 * What one call through the real SDK client costs against the AWS emulator (SigV4 check, policy simulation, state,
 * CloudTrail record, answer) next to the baseline: the same SDK client against a WireMock server answering every
 * request with one fixed body (HTTP + SDK cost only). Also an issuance-and-revocation cycle of six IAM calls (create user,
 * put inline policy, create key, delete key, delete policy, delete user), with six fixed-body calls as its baseline, and
 * a denied call (AccessDenied answered, recorded, raised by the SDK).
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class EmulatorBenchmark {
    private static final String DENY_ALL =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    private static final String FIXED = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/issuer</Arn><UserId>AIDAEXAMPLEEXAMPLE123</UserId>"
            + "<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>"
            + "</ResponseMetadata></GetCallerIdentityResponse>";

    private AwsEmulator aws;
    private WireMockServer stub;
    private StsClient emulatorSts;
    private IamClient emulatorIam;
    private StsClient stubSts;
    private IamClient stubIam;
    private IamClient canaryIam;
    private long n;

    @Setup(Level.Trial)
    public void start() {
        aws = AwsEmulator.builder().callLogLimit(1000).maxTrailRecords(10_000).start();
        stub = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").jettyAcceptors(1)
                .disableRequestJournal().gzipDisabled(true).stubRequestLoggingDisabled(true));
        stub.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(FIXED)));
        stub.start();
        emulatorSts = aws.sts();
        emulatorIam = aws.iam();
        EmulatedCredentials admin = aws.adminCredentials();
        stubSts = aws.configure(StsClient.builder(), admin, Region.US_EAST_1)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:" + stub.port())).build();
        stubIam = aws.configure(IamClient.builder(), admin, Region.US_EAST_1)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:" + stub.port())).build();
    }

    @Setup(Level.Iteration)
    public void reset() {
        aws.reset(); // keeps memory flat: state, trail and call log start empty each iteration
        EmulatedCredentials canary = aws.createUserWithKey(aws.accountId(), "canary", Map.of("deny", DENY_ALL));
        if (canaryIam != null) {
            canaryIam.close();
        }
        canaryIam = aws.iam(canary);
    }

    @TearDown(Level.Trial)
    public void stop() {
        stubSts.close();
        stubIam.close();
        stub.stop();
        aws.close();
    }

    /** Baseline: one SDK call answered with a fixed body. */
    @Benchmark
    public Object baselineFixedBodyCall() {
        return stubSts.getCallerIdentity();
    }

    /** One emulated sts:GetCallerIdentity. */
    @Benchmark
    public Object emulatorGetCallerIdentity() {
        return emulatorSts.getCallerIdentity();
    }

    /** One call by a deny-all canary: AccessDenied, a CloudTrail record, an SDK exception. */
    @Benchmark
    public Object emulatorAccessDenied() {
        try {
            return canaryIam.listUsers();
        } catch (IamException e) {
            return e;
        }
    }

    /** Baseline for the cycle: six SDK calls answered with a fixed body. */
    @Benchmark
    public Object baselineSixFixedBodyCalls() {
        Object last = null;
        for (int i = 0; i < 6; i++) {
            last = stubIam.getAccountSummary();
        }
        return last;
    }

    /** Issue and revoke one IAM-user canary: six emulated IAM calls. */
    @Benchmark
    public Object emulatorIssueAndRevokeCycle() {
        String name = "b-" + (n++);
        emulatorIam.createUser(b -> b.userName(name));
        emulatorIam.putUserPolicy(b -> b.userName(name).policyName("deny").policyDocument(DENY_ALL));
        String key = emulatorIam.createAccessKey(b -> b.userName(name)).accessKey().accessKeyId();
        emulatorIam.deleteAccessKey(b -> b.userName(name).accessKeyId(key));
        emulatorIam.deleteUserPolicy(b -> b.userName(name).policyName("deny"));
        return emulatorIam.deleteUser(b -> b.userName(name));
    }
}
