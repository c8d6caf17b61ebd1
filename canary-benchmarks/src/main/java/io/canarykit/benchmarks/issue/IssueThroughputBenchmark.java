package io.canarykit.benchmarks.issue;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.aws.account.AwsClients;
import io.canarykit.aws.account.RequestPacer;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.BulkOutcome;
import io.canarykit.issue.IssueRequest;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.ApiCall;
import io.canarykit.testkit.aws.AwsEmulator;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues long-term canaries against the AWS emulator with added IAM latency and an IAM request-rate limit, and reports
 * the achieved IAM throughput as a fraction of the limit and the CPU spent per canary. Two workloads run side by side
 * in one process, on the same emulator settings, clients and concurrency:
 * <ol>
 *   <li>baseline: the three raw SDK calls per canary ({@code CreateUser}, {@code PutUserPolicy},
 *       {@code CreateAccessKey}), no store, no checks;</li>
 *   <li>canarykit: {@link AtomicIssuance#issueAll} with the {@code iam-user} issuer, an in-memory store, the write-ahead
 *       intent, the fingerprint check and the activation.</li>
 * </ol>
 *
 * <p>Run: {@code java -cp canary-benchmarks/target/benchmarks.jar io.canarykit.benchmarks.issue.IssueThroughputBenchmark
 * [--canaries 1000] [--parallelism 8] [--latency-ms 50] [--limit 20] [--pace 19] [--no-baseline]}: each workload
 * runs with the SDK's adaptive retry strategy alone, then with a {@link RequestPacer} at {@code --pace} calls per second
 * (default 95% of the limit; 0 skips it).
 *
 * <p>CPU is reported twice: the issuing threads' own CPU time ({@link ThreadMXBean}: the library and the SDK client,
 * which run on those threads with the URL-connection HTTP client) and the whole process's ({@code OperatingSystemMXBean},
 * which includes the in-process emulator).
 *
 * @since 0.1.0
 */
public final class IssueThroughputBenchmark {
    private static final String ACCOUNT = "123456789012";

    private IssueThroughputBenchmark() {
    }

    /** Entry point; see the class documentation for the options. */
    public static void main(String[] args) throws Exception {
        int canaries = intOption(args, "--canaries", 1000);
        int parallelism = intOption(args, "--parallelism", 8);
        int latencyMs = intOption(args, "--latency-ms", 50);
        int limit = intOption(args, "--limit", 20);
        boolean baseline = !List.of(args).contains("--no-baseline");
        double pace = doubleOption(args, "--pace", limit * 0.95);
        System.out.printf(Locale.ROOT, "issuing %d long-term canaries, IAM latency %d ms, IAM limit %d req/s,"
                + " parallelism %d, adaptive retry%n", canaries, latencyMs, limit, parallelism);
        try (AwsEmulator aws = AwsEmulator.builder().account(ACCOUNT).callLogLimit(canaries * 12 + 1000).start()) {
            List<Result> results = new ArrayList<>();
            if (baseline) {
                results.add(run(aws, "baseline: raw SDK, adaptive", canaries, parallelism, latencyMs, limit, true, 0));
            }
            results.add(run(aws, "canarykit, adaptive", canaries, parallelism, latencyMs, limit, false, 0));
            if (pace > 0) {
                if (baseline) {
                    results.add(run(aws, "baseline: raw SDK, adaptive+pacer", canaries, parallelism, latencyMs, limit,
                            true, pace));
                }
                results.add(run(aws, "canarykit, adaptive+pacer", canaries, parallelism, latencyMs, limit, false,
                        pace));
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%-36s %8s %8s %9s %10s %9s %8s %11s %11s%n", "workload", "canaries", "secs",
                    "canary/s", "IAM ok/s", "fraction", "throttled", "cpu/canary", "proc/canary");
            for (Result r : results) {
                System.out.printf(Locale.ROOT, "%-36s %8d %8.1f %9.2f %10.2f %9.3f %8d %9.2fms %9.2fms%n", r.name,
                        r.issued, r.seconds, r.issued / r.seconds, r.iamOk / r.seconds, r.iamOk / r.seconds / limit,
                        r.throttled, r.threadCpuNanos / 1e6 / r.issued, r.processCpuNanos / 1e6 / r.issued);
            }
        }
    }

    private record Result(String name, int issued, double seconds, long iamOk, long throttled, long threadCpuNanos,
                          long processCpuNanos) {
    }

    private static Result run(AwsEmulator aws, String name, int canaries, int parallelism, int latencyMs, int limit,
                              boolean raw, double pace) throws Exception {
        aws.reset();
        aws.faults().latency("iam:*", Duration.ofMillis(latencyMs));
        aws.faults().throttle("iam:*", limit);
        CpuCountingThreads threads = new CpuCountingThreads(name);
        try (IamClient iam = aws.configure(IamClient.builder(), aws.adminCredentials(), Region.US_EAST_1)
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsClients.retryStrategy("adaptive", 20));
                    if (pace > 0) {
                        o.addExecutionInterceptor(RequestPacer.perSecond(pace).interceptor());
                    }
                }).build()) {
            IamUserIssuer issuer = IamUserIssuer.builder().iam(iam).accountId(ACCOUNT).path("/automation/").build();
            DenyAllPolicyHardener hardener = DenyAllPolicyHardener.create();
            Random random = new Random(42);
            List<IssueRequest> requests = new ArrayList<>();
            for (int i = 0; i < canaries; i++) {
                String user = "svc-build-" + i;
                requests.add(new IssueRequest(CanaryId.generate(Instant.now(), random), user,
                        hardener.harden(issuer.hardeningRequest(user)), Asset.of("ci-build", "build-" + i), null,
                        Map.of()));
            }
            // the boundary policy is account set-up, not per canary: create it before timing
            CanaryPolicySet first = requests.get(0).policies();
            iam.createPolicy(b -> b.policyName(first.boundaryPolicyName()).policyDocument(first.boundaryPolicy()));
            int before = aws.calls().size();

            long processCpu0 = processCpu();
            long wall0 = System.nanoTime();
            int issued;
            if (raw) {
                issued = runRaw(iam, requests, parallelism, threads);
            } else {
                AtomicIssuance coordinator = AtomicIssuance.builder().store(InMemoryCanaryStore.create())
                        .issuers(issuer).threadFactory(threads).build();
                List<BulkOutcome> outcomes = coordinator.issueAll(requests, parallelism);
                issued = (int) outcomes.stream().filter(BulkOutcome::succeeded).count();
                outcomes.stream().filter(o -> !o.succeeded()).limit(3)
                        .forEach(o -> System.out.println("  failed: " + o.error().getMessage()));
            }
            double seconds = (System.nanoTime() - wall0) / 1e9;
            long processCpu = processCpu() - processCpu0;
            List<ApiCall> calls = aws.calls().subList(before, aws.calls().size());
            long ok = calls.stream().filter(c -> "iam".equals(c.service()) && c.status() == 200).count();
            long throttled = calls.stream().filter(c -> "Throttling".equals(c.errorCode())).count();
            System.out.printf(Locale.ROOT, "%s: %d canaries in %.1f s%n", name, issued, seconds);
            return new Result(name, issued, seconds, ok, throttled, threads.cpuNanos(), processCpu);
        }
    }

    private static int runRaw(IamClient iam, List<IssueRequest> requests, int parallelism, ThreadFactory threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, threads);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (IssueRequest r : requests) {
                futures.add(pool.submit(() -> {
                    CanaryPolicySet p = r.policies();
                    iam.createUser(b -> b.userName(r.principalName()).path("/automation/")
                            .permissionsBoundary(p.boundaryArn()));
                    iam.putUserPolicy(b -> b.userName(r.principalName()).policyName(p.inlinePolicyName())
                            .policyDocument(p.inlinePolicy()));
                    iam.createAccessKey(b -> b.userName(r.principalName()));
                    return true;
                }));
            }
            int ok = 0;
            for (Future<Boolean> f : futures) {
                try {
                    if (f.get()) {
                        ok++;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    System.out.println("  failed: " + e.getCause());
                }
            }
            return ok;
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        }
    }

    /** Threads that add their own CPU time to a total when they end. */
    private static final class CpuCountingThreads implements ThreadFactory {
        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final AtomicLong nanos = new AtomicLong();
        private final AtomicInteger live = new AtomicInteger();
        private final AtomicInteger n = new AtomicInteger();
        private final String name;

        CpuCountingThreads(String name) {
            this.name = name;
        }

        @Override
        public Thread newThread(Runnable r) {
            live.incrementAndGet();
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    nanos.addAndGet(mx.getCurrentThreadCpuTime());
                    live.decrementAndGet();
                }
            }, "bench-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }

        long cpuNanos() throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (live.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return nanos.get();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static long processCpu() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static double doubleOption(String[] args, String name, double defaultValue) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Double.parseDouble(args[i + 1]);
            }
        }
        return defaultValue;
    }

    private static int intOption(String[] args, String name, int defaultValue) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return defaultValue;
    }
}
