package io.canarykit.benchmarks.scan;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Whole-process benchmark of {@code canary scan} on gzipped S3 CloudTrail log files, side by side in one run with
 * {@code jq} doing the same match and with plain {@code gzip -dc} as the ceiling:
 * <ol>
 *   <li>{@code gzip -dc FILES > /dev/null} (decompression alone: the ceiling);</li>
 *   <li>{@code gzip -dc FILES | jq -c '.Records[] | select(.userIdentity.accessKeyId == "KEY")'} (one key: jq's
 *       best case);</li>
 *   <li>{@code java -Xmx256m … ScanMain CANARIES THREADS DIR} with 100,000 canaries in the index, the work of
 *       {@code canary scan --json}.</li>
 * </ol>
 * The input (default at least 300 MB of {@code .json.gz} on disk) is generated under {@code /tmp} by replicating the
 * records of the sample corpus, once, and reused by later runs with the same parameters.
 *
 * <p>Usage (from the repository root, after {@code mvn -pl canary-benchmarks -am package -DskipTests}):
 * <pre>java -cp canary-benchmarks/target/benchmarks.jar io.canarykit.benchmarks.scan.ScanBenchmark \
 *     [--samples canary-core/src/test/resources/cloudtrail-samples] [--data /tmp/canarykit-scan-bench] \
 *     [--size-mb 300] [--canaries 100000] [--runs 3] [--jq-runs 1] [--threads N] [--heap 256m]
 *     [--scanner-jvm-options "-XX:+UseSerialGC ..."] [--cli-jar examples/target/canary.jar]</pre>
 * With {@code --cli-jar}, each run also times the command line itself ({@code java -Xmx256m -jar canary.jar scan
 * --canaries CANARIES --json --threads THREADS DIR}, the same JVM options) beside {@code ScanMain}, and checks that it
 * prints the same sightings.
 */
public final class ScanBenchmark {
    private ScanBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("samples", "canary-core/src/test/resources/cloudtrail-samples");
        opt.put("data", "/tmp/canarykit-scan-bench");
        opt.put("size-mb", "300");
        opt.put("canaries", "100000");
        opt.put("runs", "3");
        opt.put("jq-runs", "1");
        opt.put("threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        opt.put("heap", "256m");
        opt.put("records-per-file", "10000");
        opt.put("scanner-jvm-options", "");
        opt.put("cli-jar", "");
        for (int i = 0; i < args.length; i += 2) {
            String k = args[i].replaceFirst("^--", "");
            if (!opt.containsKey(k) || i + 1 >= args.length) {
                System.err.println("unknown or incomplete option " + args[i] + "; options: " + opt.keySet());
                System.exit(2);
            }
            opt.put(k, args[i + 1]);
        }
        Path data = Path.of(opt.get("data"));
        Path logs = data.resolve("logs");
        Path canaries = data.resolve("canaries.jsonl");
        long target = Long.parseLong(opt.get("size-mb")) << 20;
        int canaryCount = Integer.parseInt(opt.get("canaries"));
        List<String> planted = ScanData.plantedKeys(20);
        Properties meta = prepare(Path.of(opt.get("samples")), data, logs, canaries, target, canaryCount, planted,
                Integer.parseInt(opt.get("records-per-file")));
        long records = Long.parseLong(meta.getProperty("records"));
        long plain = Long.parseLong(meta.getProperty("plainBytes"));
        List<Path> files;
        try (Stream<Path> s = Files.walk(logs)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        long compressed = 0;
        for (Path f : files) {
            compressed += Files.size(f);
        }
        System.out.printf(Locale.ROOT, "input: %d files, %d records, %.1f MB gzipped on disk, %.1f MB of JSON; %d canaries%n",
                files.size(), records, mb(compressed), mb(plain), canaryCount);
        System.out.printf(Locale.ROOT, "machine: %d processors, load average %s%n", Runtime.getRuntime().availableProcessors(),
                loadAverage());

        String key = planted.get(0);
        List<String> fileArgs = files.stream().map(Path::toString).toList();
        int runs = Integer.parseInt(opt.get("runs"));
        int jqRuns = Integer.parseInt(opt.get("jq-runs"));
        List<Double> gzipTimes = new ArrayList<>();
        List<Double> jqTimes = new ArrayList<>();
        List<Double> scanTimes = new ArrayList<>();
        List<Double> gzipCpu = new ArrayList<>();
        List<Double> jqCpu = new ArrayList<>();
        List<Double> scanCpu = new ArrayList<>();
        List<Double> cliTimes = new ArrayList<>();
        List<Double> cliCpu = new ArrayList<>();
        String cliSame = "";
        long jqMatches = -1;
        long scanMatchesOfKey = -1;
        String scanStats = "";
        String scanRss = "";
        for (int run = 0; run < Math.max(runs, jqRuns); run++) {
            if (run < runs) {
                List<String> gz = new ArrayList<>(timed());
                gz.addAll(List.of("gzip", "-dc"));
                gz.addAll(fileArgs);
                Path err = data.resolve("gzip.err");
                long t = System.nanoTime();
                Process p = new ProcessBuilder(gz).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(err.toFile()).start();
                check(p.waitFor(), "gzip -dc");
                gzipTimes.add(seconds(t));
                gzipCpu.add(cpu(err));
            }
            if (run < jqRuns) {
                List<String> gz = new ArrayList<>(timed());
                gz.addAll(List.of("gzip", "-dc"));
                gz.addAll(fileArgs);
                List<String> jqCmd = new ArrayList<>(timed());
                jqCmd.addAll(List.of("jq", "-c", ".Records[] | select(.userIdentity.accessKeyId == \"" + key + "\")"));
                Path out = data.resolve("jq.out");
                Path gzErr = data.resolve("jq-gzip.err");
                Path jqErr = data.resolve("jq.err");
                long t = System.nanoTime();
                List<Process> pipe = ProcessBuilder.startPipeline(List.of(
                        new ProcessBuilder(gz).redirectError(gzErr.toFile()),
                        new ProcessBuilder(jqCmd).redirectOutput(out.toFile()).redirectError(jqErr.toFile())));
                for (Process p : pipe) {
                    check(p.waitFor(), "gzip -dc | jq");
                }
                jqTimes.add(seconds(t));
                jqCpu.add(cpu(jqErr));
                try (Stream<String> lines = Files.lines(out)) {
                    jqMatches = lines.count();
                }
            }
            if (run < runs) {
                Path out = data.resolve("scan.out");
                Path err = data.resolve("scan.err");
                List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "maxRssKb=%M cpu=%U+%S",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + opt.get("heap")));
                for (String o : opt.get("scanner-jvm-options").split("\\s+")) {
                    if (!o.isBlank()) {
                        cmd.add(o);
                    }
                }
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ScanMain.class.getName(),
                        canaries.toString(), opt.get("threads"), logs.toString()));
                if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
                    cmd = cmd.subList(3, cmd.size());
                }
                long t = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                check(p.waitFor(), "ScanMain (see " + err + ")");
                scanTimes.add(seconds(t));
                try (Stream<String> lines = Files.lines(out)) {
                    scanMatchesOfKey = lines.filter(l -> l.contains("\"accessKeyId\":\"" + key + "\"")).count();
                }
                List<String> errLines = Files.readAllLines(err, StandardCharsets.UTF_8);
                scanStats = errLines.stream().filter(l -> l.startsWith("files=")).findFirst().orElse("");
                scanRss = String.join(" ", errLines.stream().filter(l -> l.startsWith("maxRssKb") || l.startsWith("VmHWM")).toList());
                scanCpu.add(cpu(err));
            }
            if (run < runs && !opt.get("cli-jar").isBlank()) {
                Path out = data.resolve("cli.out");
                Path err = data.resolve("cli.err");
                List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "maxRssKb=%M cpu=%U+%S",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + opt.get("heap")));
                for (String o : opt.get("scanner-jvm-options").split("\\s+")) {
                    if (!o.isBlank()) {
                        cmd.add(o);
                    }
                }
                cmd.addAll(List.of("-jar", opt.get("cli-jar"), "scan", "--canaries", canaries.toString(), "--json",
                        "--threads", opt.get("threads"), logs.toString()));
                if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
                    cmd = cmd.subList(3, cmd.size());
                }
                long t = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                check(p.waitFor(), "canary scan (see " + err + ")");
                cliTimes.add(seconds(t));
                cliCpu.add(cpu(err));
                cliSame = Files.readAllLines(out).equals(Files.readAllLines(data.resolve("scan.out")))
                        ? " (the same sightings as ScanMain)" : " (OTHER SIGHTINGS THAN ScanMain)";
            }
            System.out.printf(Locale.ROOT, "run %d: gzip %s s, jq %s s, scan %s s%s%n", run + 1,
                    run < gzipTimes.size() ? fmt(gzipTimes.get(run)) : "-", run < jqTimes.size() ? fmt(jqTimes.get(run)) : "-",
                    run < scanTimes.size() ? fmt(scanTimes.get(run)) : "-",
                    run < cliTimes.size() ? ", canary.jar scan " + fmt(cliTimes.get(run)) + " s" : "");
        }
        double gzip = median(gzipTimes);
        double jq = median(jqTimes);
        double scan = median(scanTimes);
        System.out.println();
        System.out.println("scanner: " + scanStats);
        System.out.println("scanner memory: " + scanRss + " (heap limit -Xmx" + opt.get("heap") + ")"
                + (opt.get("scanner-jvm-options").isBlank() ? "" : "; scanner JVM options: " + opt.get("scanner-jvm-options")));
        System.out.printf(Locale.ROOT, "best of runs: gzip %.2f s, jq %.2f s, scan %.2f s%n", min(gzipTimes), min(jqTimes),
                min(scanTimes));
        System.out.printf(Locale.ROOT, "matches of %s: jq %d, scanner %d%s%n", key, jqMatches, scanMatchesOfKey,
                jqMatches == scanMatchesOfKey ? " (agree)" : " (DISAGREE)");
        System.out.println();
        System.out.printf(Locale.ROOT, "%-30s %10s %10s %14s %16s %14s%n", "median of runs", "wall s", "cpu s",
                "records/s", "MB/s (gzipped)", "MB/s (JSON)");
        row("gzip -dc (ceiling)", gzip, median(gzipCpu), records, compressed, plain);
        row("gzip -dc | jq (1 key)", jq, median(jqCpu), records, compressed, plain);
        row("canary scan (" + canaryCount + " canaries)", scan, median(scanCpu), records, compressed, plain);
        if (!cliTimes.isEmpty()) {
            row("canary.jar scan (the CLI)", median(cliTimes), median(cliCpu), records, compressed, plain);
        }
        System.out.println("(cpu s: user+sys of the process; for the jq pipeline, of jq alone)");
        System.out.println();
        System.out.printf(Locale.ROOT, "scan vs jq: %.1fx faster (aim: >= 10x)%n", jq / scan);
        System.out.printf(Locale.ROOT, "scan vs gzip -dc ceiling: %.2f of its throughput (aim: >= 0.5)%n", gzip / scan);
        if (!cliTimes.isEmpty()) {
            double cli = median(cliTimes);
            System.out.printf(Locale.ROOT, "canary.jar scan vs jq: %.1fx faster, vs gzip -dc: %.2f%s%n", jq / cli, gzip / cli,
                    cliSame);
        }
    }

    private static Properties prepare(Path samples, Path data, Path logs, Path canaries, long target, int canaryCount,
                                      List<String> planted, int recordsPerFile) throws Exception {
        Path metaFile = data.resolve("generated.properties");
        String params = target + "/" + canaryCount + "/" + recordsPerFile + "/v1";
        Properties meta = new Properties();
        if (Files.exists(metaFile)) {
            try (var r = Files.newBufferedReader(metaFile)) {
                meta.load(r);
            }
            if (params.equals(meta.getProperty("params")) && Files.exists(canaries)) {
                return meta;
            }
        }
        if (!Files.isDirectory(samples)) {
            throw new IllegalArgumentException("no sample corpus at " + samples.toAbsolutePath()
                    + ": run from the repository root or pass --samples");
        }
        deleteRecursively(logs);
        Files.createDirectories(data);
        List<ObjectNode> sample = ScanData.sampleRecords(samples);
        System.out.printf(Locale.ROOT, "generating >= %.0f MB of gzipped log files from %d sample records under %s ...%n",
                mb(target), sample.size(), logs);
        long t = System.nanoTime();
        ScanData.Generated g = ScanData.generate(logs, sample, target, recordsPerFile, planted, 50_000,
                Runtime.getRuntime().availableProcessors());
        ScanData.writeCanaries(canaries, canaryCount, planted);
        System.out.printf(Locale.ROOT, "generated %d files, %d records (%d with planted canary keys) in %.0f s%n",
                g.files().size(), g.records(), g.plantedRecords(), seconds(t));
        meta.setProperty("params", params);
        meta.setProperty("records", Long.toString(g.records()));
        meta.setProperty("plainBytes", Long.toString(g.plainBytes()));
        meta.setProperty("compressedBytes", Long.toString(g.compressedBytes()));
        try (var w = Files.newBufferedWriter(metaFile)) {
            meta.store(w, "canarykit scan benchmark input");
        }
        return meta;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void row(String name, double seconds, double cpu, long records, long compressed, long plain) {
        System.out.printf(Locale.ROOT, "%-30s %10.2f %10.2f %14.0f %16.1f %14.1f%n", name, seconds, cpu, records / seconds,
                mb(compressed) / seconds, mb(plain) / seconds);
    }

    /** {@code /usr/bin/time -f cpu=%U+%S} in front of a command, when there is one. */
    private static List<String> timed() {
        return Files.isExecutable(Path.of("/usr/bin/time")) ? List.of("/usr/bin/time", "-f", "cpu=%U+%S") : List.of();
    }

    /** The user+sys seconds {@code /usr/bin/time} wrote to {@code err}, or NaN. */
    private static double cpu(Path err) throws IOException {
        for (String line : Files.readAllLines(err)) {
            int at = line.indexOf("cpu=");
            if (at >= 0) {
                String[] parts = line.substring(at + 4).trim().split("\\+");
                return Double.parseDouble(parts[0]) + Double.parseDouble(parts[1].split("\\s")[0]);
            }
        }
        return Double.NaN;
    }

    private static void check(int code, String what) {
        if (code != 0) {
            throw new IllegalStateException(what + " exited with " + code);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double mb(long bytes) {
        return bytes / 1e6;
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String classPath() {
        return System.getProperty("java.class.path").replace(File.pathSeparatorChar, ':');
    }
}
