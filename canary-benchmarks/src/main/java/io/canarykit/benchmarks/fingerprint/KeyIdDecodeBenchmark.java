package io.canarykit.benchmarks.fingerprint;

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

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Key-id decode throughput: {@link KeyIds#parse} (strict + lenient, the whole record) and {@link KeyIds#account}
 * against a baseline written the way public tools do it (trufflehog/pacu style: upper-case, base32-decode the body via
 * {@code String.indexOf}, mask, {@code String.format("%012d")}). Inputs rotate through 1024 ids: 90% new-format keys,
 * the rest old-format, placeholder and too-short ids.
 *
 * @since 0.1.0
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class KeyIdDecodeBenchmark {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final String[] ids = new String[1024];
    private int i;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        String[] odd = {"AKIAIOSFODNN7EXAMPLE", "AIDACKCEVSQ6C2EXAMPLE", "AKIASP2TPHJS", "AKIA77777777QAAAAAAA"};
        for (int n = 0; n < ids.length; n++) {
            if (n % 10 == 9) {
                ids[n] = odd[(n / 10) % odd.length];
            } else {
                String account = String.format(Locale.ROOT, "%012d", random.nextLong(1_000_000_000_000L));
                ids[n] = KeyIds.generate(n % 2 == 0 ? "AKIA" : "ASIA", account, random);
                if (!account.equals(naive(ids[n])) || !account.equals(KeyIds.account(ids[n]))) {
                    throw new IllegalStateException("baseline and parser disagree on " + ids[n]);
                }
            }
        }
    }

    private String next() {
        i = (i + 1) & 1023;
        return ids[i];
    }

    /** The full parse: prefix, type, format, strict and lenient account, reason. */
    @Benchmark
    public KeyId parse() {
        return KeyIds.parse(next());
    }

    /** Strict account only (goes through the same parse). */
    @Benchmark
    public String account() {
        return KeyIds.account(next());
    }

    /** Baseline: the usual public implementation (lenient, allocation-heavy). */
    @Benchmark
    public String baselineNaiveDecode() {
        return naive(next());
    }

    static String naive(String keyId) {
        if (keyId.length() < 14) {
            return null;
        }
        String body = keyId.substring(4).toUpperCase(Locale.ROOT);
        if (body.charAt(0) == 'I' || body.charAt(0) == 'J') {
            return null;
        }
        // base32-decode the first 10 characters into 6 bytes
        long bits = 0;
        for (int n = 0; n < 10; n++) {
            int v = ALPHABET.indexOf(body.charAt(n));
            if (v < 0) {
                return null;
            }
            bits = (bits << 5) | v;
        }
        long z = bits >>> 2; // 50 bits -> 48 bits (6 bytes)
        long account = (z & 0x7FFFFFFFFF80L) >>> 7;
        return String.format("%012d", account);
    }
}
