package io.canarykit.benchmarks.emulator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

/**
 * Process CPU time per call (client and server share the process), which unlike wall time hardly depends on how busy
 * the machine is: the emulator against the same SDK client talking to a WireMock server that answers a fixed body.
 * Rounds alternate baseline and emulator so that both see the same conditions.
 *
 * <pre>java -cp canary-benchmarks/target/benchmarks.jar io.canarykit.benchmarks.emulator.EmulatorCpuMain [calls per round]</pre>
 *
 * @since 0.1.0
 */
public final class EmulatorCpuMain {
    private static final String DENY_ALL =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    private static final String FIXED = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/issuer</Arn><UserId>AIDAEXAMPLEEXAMPLE123</UserId>"
            + "<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>"
            + "</ResponseMetadata></GetCallerIdentityResponse>";

    private EmulatorCpuMain() {
    }

    /** Runs the comparison and prints one line per measurement. */
    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        WireMockServer stub = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .jettyAcceptors(1).disableRequestJournal().gzipDisabled(true).stubRequestLoggingDisabled(true));
        stub.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(FIXED)));
        stub.start();
        try (AwsEmulator aws = AwsEmulator.builder().callLogLimit(1000).maxTrailRecords(10_000).start()) {
            EmulatedCredentials admin = aws.adminCredentials();
            URI stubUri = URI.create("http://127.0.0.1:" + stub.port());
            StsClient stubSts = aws.configure(StsClient.builder(), admin, Region.US_EAST_1).endpointOverride(stubUri).build();
            StsClient sts = aws.sts();
            IamClient iam = aws.iam();
            IamClient warmCanary = aws.iam(aws.createUserWithKey(aws.accountId(), "canary", Map.of("deny", DENY_ALL)));
            Runnable baseline = stubSts::getCallerIdentity;
            Runnable identity = sts::getCallerIdentity;
            Runnable denied = () -> {
                try {
                    warmCanary.listUsers();
                } catch (IamException expected) {
                    // the AccessDenied is the point
                }
            };
            long[] n = {0};
            Runnable cycle = () -> {
                String name = "b-" + (n[0]++);
                iam.createUser(b -> b.userName(name));
                iam.putUserPolicy(b -> b.userName(name).policyName("deny").policyDocument(DENY_ALL));
                String key = iam.createAccessKey(b -> b.userName(name)).accessKey().accessKeyId();
                iam.deleteAccessKey(b -> b.userName(name).accessKeyId(key));
                iam.deleteUserPolicy(b -> b.userName(name).policyName("deny"));
                iam.deleteUser(b -> b.userName(name));
            };
            // warm-up
            for (int i = 0; i < calls; i++) {
                baseline.run();
                identity.run();
                denied.run();
                if (i % 6 == 0) {
                    cycle.run();
                }
            }
            for (int round = 1; round <= 3; round++) {
                aws.reset();
                IamClient canary = aws.iam(aws.createUserWithKey(aws.accountId(), "canary", Map.of("deny", DENY_ALL)));
                IamClient c = canary;
                Runnable deniedNow = () -> {
                    try {
                        c.listUsers();
                    } catch (IamException expected) {
                        // the AccessDenied is the point
                    }
                };
                report(os, "round " + round + " baseline fixed-body call", calls, 1, baseline);
                report(os, "round " + round + " emulator GetCallerIdentity", calls, 1, identity);
                report(os, "round " + round + " emulator AccessDenied", calls, 1, deniedNow);
                report(os, "round " + round + " emulator issue+revoke (6 calls)", calls / 6, 6, cycle);
            }
            stubSts.close();
        } finally {
            stub.stop();
        }
    }

    private static void report(com.sun.management.OperatingSystemMXBean os, String what, int times, int callsPerOp,
                               Runnable op) {
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < times; i++) {
            op.run();
        }
        long cpu = os.getProcessCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        System.out.printf(Locale.ROOT, "%-45s %6d ops  CPU %7.1f us/call  wall %7.1f us/call%n", what, times,
                cpu / 1000.0 / times / callsPerOp, wall / 1000.0 / times / callsPerOp);
    }
}
