package io.canarykit.benchmarks.policy;

import io.canarykit.CredentialKind;
import io.canarykit.policy.AccessRequest;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.Decision;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.policy.DenyAllReport;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.policy.NamedPolicy;
import io.canarykit.policy.Policies;
import io.canarykit.policy.PolicySimulator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The policy simulator's cost, as the AWS emulator (one evaluation per emulated call) and the issuance flow (one
 * deny-everything check per canary) pay it.
 *
 * <ul>
 *   <li>{@code evaluateParsed}: one request against pre-parsed policies (a user with four policies, a boundary, a
 *       conditional bucket policy);</li>
 *   <li>{@code evaluateFromJson}: the baseline a caller without a parse cache pays: parse every document, then
 *       evaluate;</li>
 *   <li>{@code denyEverythingCheck}: the whole deny-everything check of a hardened IAM-user set next to a bucket policy
 *       granting {@code *}.</li>
 * </ul>
 * Run: {@code java -jar canary-benchmarks/target/benchmarks.jar PolicySimulatorBenchmark -f 1 -wi 2 -i 3}.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PolicySimulatorBenchmark {
    private static final String USER = "arn:aws:iam::111122223333:user/alice";
    private static final String[] IDENTITY = {
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Read\",\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\","
                + "\"s3:List*\"],\"Resource\":[\"arn:aws:s3:::reports\",\"arn:aws:s3:::reports/*\"]}]}",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ec2:Describe*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"ec2:*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":"
                + "{\"aws:RequestedRegion\":[\"eu-west-1\",\"eu-central-1\"]}}}]}",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"iam:*\",\"Resource\":\"*\","
                + "\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
                + "\"arn:aws:s3:::home/${aws:username}/*\"}]}"};
    private static final String BOUNDARY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":[\"s3:*\",\"ec2:*\"],\"Resource\":\"*\"}]}";
    private static final String BUCKET = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
            + "{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports/*\","
            + "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}}]}";
    private static final String STAR = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
            + "\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private PolicySimulator simulator;
    private Policies parsed;
    private AccessRequest request;
    private Policies hardened;
    private String canaryArn;

    @Setup
    public void setUp() {
        simulator = PolicySimulator.create();
        parsed = parse();
        request = AccessRequest.builder().principalArn(USER).action("s3:GetObject")
                .resource("arn:aws:s3:::reports/2026/q3.csv").context("aws:SourceIp", "203.0.113.7")
                .context("aws:MultiFactorAuthPresent", "true").build();
        HardeningRequest r = HardeningRequest.iamUser("111122223333", "jenkins-deploy-7f3k", "/");
        CanaryPolicySet set = DenyAllPolicyHardener.create().harden(r);
        canaryArn = r.principalArn();
        hardened = set.toPolicies().withResourcePolicies(List.of(NamedPolicy.parse("star", STAR)));
        if (!simulator.evaluate(parsed, request).allowed()) {
            throw new IllegalStateException("the benchmark request should be allowed");
        }
        if (!simulator.checkDeniesEverything(hardened, canaryArn).proven()) {
            throw new IllegalStateException("the hardened set should be proven");
        }
    }

    private static Policies parse() {
        Policies.Builder b = Policies.builder();
        for (int i = 0; i < IDENTITY.length; i++) {
            b.identityPolicy("identity-" + i, IDENTITY[i]);
        }
        return b.boundary("boundary", BOUNDARY).resourcePolicy("bucket", BUCKET).build();
    }

    @Benchmark
    public Decision evaluateParsed() {
        return simulator.evaluate(parsed, request);
    }

    @Benchmark
    public Decision evaluateFromJson() {
        return simulator.evaluate(parse(), request);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public DenyAllReport denyEverythingCheck() {
        return simulator.checkDeniesEverything(hardened, canaryArn);
    }
}
