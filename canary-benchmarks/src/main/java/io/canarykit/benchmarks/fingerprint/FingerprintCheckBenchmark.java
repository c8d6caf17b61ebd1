package io.canarykit.benchmarks.fingerprint;

import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.fingerprint.FingerprintCheck;
import io.canarykit.fingerprint.FingerprintContext;
import io.canarykit.internal.FingerprintJson;
import io.canarykit.fingerprint.FingerprintReport;
import io.canarykit.fingerprint.FingerprintTarget;
import io.canarykit.fingerprint.KeyId;
import io.canarykit.fingerprint.KeyIds;
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

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A whole {@link FingerprintCheck}: a key alone (as the {@code canary fingerprint KEY_ID} command does it), and a canary
 * before planting (principal ARN, kind, the organisation's accounts, 8 neighbour keys and 4 neighbour ARNs), plus the
 * JSON line the command prints. Baseline in the same run: {@link KeyIds#parse} alone, the floor of any check.
 * Targets rotate through 256 canaries: most clean, some with a Thinkst account, a canary word or a UUID name.
 *
 * @since 0.1.0
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FingerprintCheckBenchmark {
    private static final String ORG = "609629065308";

    private final FingerprintCheck check = FingerprintCheck.create();
    private final FingerprintTarget[] targets = new FingerprintTarget[256];
    private FingerprintContext context;
    private int i;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        String[] names = {"ci-deploy-7f3a9c", "build-runner", "svc-backup", "canary-01",
                "6f1c2b8e-1d2a-4c3b-9e8f-0a1b2c3d4e5f", "data-pipeline-etl", "jenkins", "terraform"};
        for (int n = 0; n < targets.length; n++) {
            String account = n % 16 == 0 ? "171436882533" : ORG;
            String key = KeyIds.generate(n % 2 == 0 ? "AKIA" : "ASIA", account, random);
            Principal p = n % 2 == 0 ? Principal.iamUser(account, "/", names[n % names.length])
                    : Principal.assumedRole(account, "deploy", names[n % names.length]);
            targets[n] = FingerprintTarget.ofKeyId(key).withPrincipal(p)
                    .withKind(n % 2 == 0 ? CredentialKind.IAM_USER : CredentialKind.ASSUMED_ROLE);
        }
        List<String> keys = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            keys.add(KeyIds.generate("ASIA", ORG, random));
        }
        context = FingerprintContext.builder().organisationAccounts(List.of(ORG, "123456789012"))
                .neighbourKeyIds(keys)
                .neighbourArn("arn:aws:iam::" + ORG + ":user/build-runner")
                .neighbourArn("arn:aws:sts::" + ORG + ":assumed-role/deploy/jenkins")
                .neighbourArn("arn:aws:iam::" + ORG + ":user/ops/backup-agent")
                .neighbourArn("arn:aws:sts::" + ORG + ":federated-user/alice")
                .build();
    }

    private FingerprintTarget next() {
        i = (i + 1) & 255;
        return targets[i];
    }

    /** Baseline: parsing the key id alone. */
    @Benchmark
    public KeyId baselineParseOnly() {
        return KeyIds.parse(next().keyId());
    }

    /** The whole check of a key alone. */
    @Benchmark
    public FingerprintReport checkKeyOnly() {
        return check.check(next().keyId());
    }

    /** The whole check of a canary with its principal and a full context. */
    @Benchmark
    public FingerprintReport checkWithPrincipalAndContext() {
        return check.check(next(), context);
    }

    /** The whole check plus the JSON line the command prints. */
    @Benchmark
    public String checkAndWriteJson() {
        return FingerprintJson.toJson(check.check(next(), context));
    }
}
