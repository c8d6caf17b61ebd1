package io.canarykit.benchmarks.scan;

import com.fasterxml.jackson.databind.node.ObjectNode;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whole-process benchmark of {@code canary scan --json} on gzipped S3 CloudTrail log files with 100,000 canaries, three
 * workloads, each side by side in one run with its baselines:
 * <ul>
 *   <li>{@code watch}: about 1.2 M records in 150 files, a few dozen sightings;</li>
 *   <li>{@code incident}: the same records with one canary key behind 8% of them (about 96,000 sightings);</li>
 *   <li>{@code small}: 20,000 files of 40 records (an organisation trail: one file per account, region and five
 *       minutes).</li>
 * </ul>
 * Each run times, one after the other: {@code gzip -dc FILES > /dev/null} (decompression alone: the ceiling),
 * {@code gzip -dc FILES | jq -c '.Records[] | select(.userIdentity.accessKeyId == "KEY")'} (one key: jq's best case),
 * the previous engine ({@code --baseline-jar}, a {@code canary.jar} built from an earlier commit) and the command line
 * under test ({@code --cli-jar}, by default {@code canary-cli/target/canary.jar}, else the canary command on this
 * benchmark's own class path), both as {@code java -Xmx64m -jar … scan --canaries C --json DIR}, and the {@code canary}
 * launcher beside the jar ({@code --launcher}, by default {@code canary-cli/target/canary}: the way the README runs the
 * command, with the JVM options it chooses for a command-line tool) as {@code CANARY_JAVA_OPTS=-Xmx64m canary scan …}.
 * Each incident run is paired with a run over the watch workload just before it (same command), and the incident's
 * "x the watch time" is against those paired runs: on a shared machine, whose speed drifts by 10-20% over minutes,
 * comparing runs minutes apart would measure the drift. Wall and CPU time
 * and peak RSS come from {@code /usr/bin/time}, the peak heap from the JVM's GC log (the most in use before a
 * collection). The command line's sightings are checked against the previous engine's, byte for byte.
 *
 * <p>The input is generated under {@code --data} (see {@link ScanData}) once and reused by later runs.
 *
 * <p>Usage (from the repository root, after {@code mvn -pl canary-benchmarks -am package -DskipTests}):
 * <pre>java -cp canary-benchmarks/target/benchmarks.jar io.canarykit.benchmarks.scan.ScanBenchmark \
 *     [--workloads watch,incident,small] [--baseline-jar /path/to/previous/canary.jar] [--runs 3] [--jq-runs 1] \
 *     [--heap 64m] [--threads N] [--cli-jar canary-cli/target/canary.jar] [--launcher canary-cli/target/canary] [--jvm-options "..."] \
 *     [--samples canary-core/src/test/resources/cloudtrail-samples] [--data /tmp/canarykit-scan-bench] \
 *     [--verify-general true]</pre>
 * With {@code --verify-general true}, each workload's output is also checked, byte for byte, against what the general
 * reader (every record read by Jackson) gives.
 *
 * @since 0.1.0
 */
public final class ScanBenchmark {
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private ScanBenchmark() {
    }

    /** One timed process. */
    record Timing(double seconds, double cpu, long maxRssKb, long peakHeapMb, int exit) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("workloads", "watch,incident,small");
        opt.put("samples", "canary-core/src/test/resources/cloudtrail-samples");
        opt.put("data", "/tmp/canarykit-scan-bench");
        opt.put("canaries", "100000");
        opt.put("runs", "3");
        opt.put("jq-runs", "1");
        opt.put("threads", "");
        opt.put("heap", "64m");
        opt.put("jvm-options", "");
        opt.put("cli-jar", "canary-cli/target/canary.jar");
        opt.put("baseline-jar", "");
        opt.put("launcher", "canary-cli/target/canary");
        opt.put("generate-only", "false");
        opt.put("verify-general", "false");
        for (int i = 0; i < args.length; i += 2) {
            String k = args[i].replaceFirst("^--", "");
            if (!opt.containsKey(k) || i + 1 >= args.length) {
                System.err.println("unknown or incomplete option " + args[i] + "; options: " + opt.keySet());
                System.exit(2);
            }
            opt.put(k, args[i + 1]);
        }
        Path data = Path.of(opt.get("data"));
        int canaryCount = Integer.parseInt(opt.get("canaries"));
        List<String> planted = ScanData.plantedKeys(20);
        String incidentKey = ScanData.incidentKey();
        Files.createDirectories(data);
        Path canaries = data.resolve("canaries-" + canaryCount + ".jsonl");
        if (!Files.exists(canaries)) {
            ScanData.writeCanaries(canaries, canaryCount, planted, incidentKey);
        }
        Map<String, ScanData.Shape> shapes = new LinkedHashMap<>();
        shapes.put("watch", new ScanData.Shape(150, 8000, 10, 40, 0));
        shapes.put("incident", new ScanData.Shape(150, 8000, 10, 40, 0.08));
        shapes.put("small", new ScanData.Shape(20_000, 40, 50, 40, 0));
        List<ObjectNode> samples = null;
        Map<String, Properties> metas = new LinkedHashMap<>();
        for (String w : opt.get("workloads").split(",")) {
            ScanData.Shape shape = shapes.get(w);
            if (shape == null) {
                throw new IllegalArgumentException("unknown workload " + w + "; known: " + shapes.keySet());
            }
            Path dir = data.resolve(w);
            Path metaFile = dir.resolve("workload.properties");
            Properties meta = new Properties();
            String id = shape + " seed 1, generator " + ScanData.VERSION;
            if (Files.exists(metaFile)) {
                try (var r = Files.newBufferedReader(metaFile)) {
                    meta.load(r);
                }
            }
            if (!id.equals(meta.getProperty("shape"))) {
                if (samples == null) {
                    samples = ScanData.sampleRecords(Path.of(opt.get("samples")));
                }
                deleteRecursively(dir);
                long t = System.nanoTime();
                ScanData.Generated g = ScanData.generate(dir.resolve("logs"), samples, shape, 1, planted, incidentKey,
                        Runtime.getRuntime().availableProcessors());
                meta = new Properties();
                meta.setProperty("shape", id);
                meta.setProperty("records", Long.toString(g.records()));
                meta.setProperty("plainBytes", Long.toString(g.plainBytes()));
                meta.setProperty("compressedBytes", Long.toString(g.compressedBytes()));
                meta.setProperty("planted", Long.toString(g.planted()));
                meta.setProperty("incident", Long.toString(g.incident()));
                try (var wr = Files.newBufferedWriter(metaFile)) {
                    meta.store(wr, "canarykit scan benchmark input");
                }
                System.out.printf(Locale.ROOT, "generated %s in %.0f s%n", w, seconds(t));
            }
            metas.put(w, meta);
        }
        if (Boolean.parseBoolean(opt.get("generate-only"))) {
            return;
        }
        System.out.printf(Locale.ROOT, "machine: %d processors; load average before: %s%n",
                Runtime.getRuntime().availableProcessors(), loadAverage());
        Map<String, Map<String, List<Timing>>> all = new LinkedHashMap<>();
        for (var e : metas.entrySet()) {
            all.put(e.getKey(), runWorkload(e.getKey(), data.resolve(e.getKey()), e.getValue(), canaries, incidentKey,
                    planted.get(0), opt));
        }
        System.out.printf(Locale.ROOT, "%nload average after: %s%n", loadAverage());
        summarise(all, metas);
    }

    private static Map<String, List<Timing>> runWorkload(String name, Path dir, Properties meta, Path canaries,
                                                         String incidentKey, String watchKey, Map<String, String> opt)
            throws Exception {
        Path logs = dir.resolve("logs");
        List<Path> files;
        try (Stream<Path> s = Files.walk(logs)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        long compressed = 0;
        for (Path f : files) {
            compressed += Files.size(f);
        }
        Path list = dir.resolve("files.list");
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            sb.append(f).append('\0');
        }
        Files.writeString(list, sb);
        long records = Long.parseLong(meta.getProperty("records"));
        long plain = Long.parseLong(meta.getProperty("plainBytes"));
        System.out.printf(Locale.ROOT, "%n== %s: %d files, %d records, %.1f MB gzipped (%.1fx), %.1f MB of JSON; "
                        + "planted %s, incident %s%n", name, files.size(), records, compressed / 1e6,
                (double) plain / compressed, plain / 1e6, meta.getProperty("planted"), meta.getProperty("incident"));
        String jqKey = name.equals("incident") ? incidentKey : watchKey;
        Map<String, List<Timing>> t = new LinkedHashMap<>();
        for (String k : List.of("gzip", "jq", "previous", "canary", "launcher", "canary-watch", "launcher-watch")) {
            t.put(k, new ArrayList<>());
        }
        int runs = Integer.parseInt(opt.get("runs"));
        int jqRuns = Integer.parseInt(opt.get("jq-runs"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> scanArgs = new ArrayList<>(List.of("scan", "--canaries", canaries.toString(), "--json"));
        if (!opt.get("threads").isBlank()) {
            scanArgs.addAll(List.of("--threads", opt.get("threads")));
        }
        // the incident's aim is relative to the watch time: each incident run is paired with a watch run just before it,
        // so that a machine that is faster or slower at one time than another (as a shared one is) skews no ratio
        Path watchLogs = dir.resolveSibling("watch").resolve("logs");
        List<String> watchArgs = null;
        if (name.equals("incident") && Files.isDirectory(watchLogs)) {
            watchArgs = new ArrayList<>(scanArgs);
            watchArgs.add(watchLogs.toString());
        }
        scanArgs.add(logs.toString());
        for (int run = 0; run < Math.max(runs, jqRuns); run++) {
            StringBuilder line = new StringBuilder("run " + (run + 1) + ":");
            if (run < runs) {
                Timing g = time(List.of("sh", "-c", "xargs -0 -a " + list + " gzip -dc > /dev/null"), dir, "gzip", null);
                t.get("gzip").add(g);
                line.append(String.format(Locale.ROOT, " gzip -dc %.2f s", g.seconds()));
            }
            if (run < jqRuns) {
                Timing j = time(List.of("sh", "-c", "xargs -0 -a " + list + " gzip -dc | jq -c '.Records[] | "
                        + "select(.userIdentity.accessKeyId == \"" + jqKey + "\")' > " + dir.resolve("jq.out")), dir, "jq",
                        null);
                t.get("jq").add(j);
                line.append(String.format(Locale.ROOT, ", jq %.2f s", j.seconds()));
            }
            if (run < runs && !opt.get("baseline-jar").isBlank()) {
                Timing b = time(javaCommand(java, opt, dir.resolve("previous.gc"), "-jar", opt.get("baseline-jar"), scanArgs),
                        dir, "previous", dir.resolve("previous.gc"));
                t.get("previous").add(b);
                line.append(String.format(Locale.ROOT, ", previous %s", b.exit() == 0 ? fmt(b.seconds()) + " s"
                        : "FAILED (exit " + b.exit() + ": " + firstError(dir.resolve("previous.err")) + ")"));
            }
            if (run < runs && watchArgs != null) {
                Timing w = time(cliCommand(java, opt, dir.resolve("canary-watch.gc"), watchArgs), dir, "canary-watch",
                        dir.resolve("canary-watch.gc"));
                t.get("canary-watch").add(w);
                line.append(String.format(Locale.ROOT, ", canary scan of watch %.2f s", w.seconds()));
            }
            if (run < runs) {
                Timing c = time(cliCommand(java, opt, dir.resolve("canary.gc"), scanArgs), dir, "canary",
                        dir.resolve("canary.gc"));
                if (c.exit() != 0) {
                    throw new IllegalStateException("canary scan failed: " + Files.readString(dir.resolve("canary.err")));
                }
                t.get("canary").add(c);
                line.append(String.format(Locale.ROOT, ", canary scan %.2f s (%s)", c.seconds(), summaryOf(dir)));
                if (!t.get("previous").isEmpty() && t.get("previous").get(t.get("previous").size() - 1).exit() == 0) {
                    boolean same = Arrays.equals(Files.readAllBytes(dir.resolve("previous.out")),
                            Files.readAllBytes(dir.resolve("canary.out")));
                    line.append(same ? ", same sightings as the previous engine" : ", OTHER SIGHTINGS THAN THE PREVIOUS ENGINE");
                }
            }
            if (run < runs && watchArgs != null && Files.isExecutable(Path.of(opt.get("launcher")))) {
                Timing w = time(launcherCommand(opt, dir.resolve("launcher-watch.gc"), watchArgs), dir, "launcher-watch",
                        dir.resolve("launcher-watch.gc"));
                t.get("launcher-watch").add(w);
                line.append(String.format(Locale.ROOT, ", launcher scan of watch %.2f s", w.seconds()));
            }
            if (run < runs && Files.isExecutable(Path.of(opt.get("launcher")))) {
                Timing l = time(launcherCommand(opt, dir.resolve("launcher.gc"), scanArgs), dir, "launcher",
                        dir.resolve("launcher.gc"));
                if (l.exit() != 0) {
                    throw new IllegalStateException("the canary launcher failed: "
                            + Files.readString(dir.resolve("launcher.err")));
                }
                t.get("launcher").add(l);
                boolean same = Arrays.equals(Files.readAllBytes(dir.resolve("canary.out")),
                        Files.readAllBytes(dir.resolve("launcher.out")));
                line.append(String.format(Locale.ROOT, ", canary launcher %.2f s%s", l.seconds(),
                        same ? "" : " WITH OTHER SIGHTINGS THAN JAVA -JAR"));
                if (!same) {
                    throw new IllegalStateException("the launcher printed other sightings than java -jar");
                }
            }
            System.out.println(line);
        }
        if (Boolean.parseBoolean(opt.get("verify-general"))) {
            long t0 = System.nanoTime();
            boolean same = Arrays.equals(Files.readAllBytes(dir.resolve("canary.out")), general(files, canaries));
            System.out.printf(Locale.ROOT, "%s: canary scan's sightings %s the general reader's (checked in %.0f s)%n",
                    name, same ? "are byte for byte" : "DIFFER FROM", seconds(t0));
            if (!same) {
                throw new IllegalStateException(name + ": canary scan printed other sightings than the general reader gives");
            }
        }
        return t;
    }

    /**
     * What the general reader gives for {@code files}: every record read by Jackson, matched with the canaries,
     * written as {@code canary scan --json} lines with Jackson's tree model.
     */
    static byte[] general(List<Path> files, Path canaries) {
        io.canarykit.detect.CanaryKeyFile.Canaries known = io.canarykit.detect.CanaryKeyFile.read(canaries, 2);
        io.canarykit.detect.CanaryIndex index = known.index();
        io.canarykit.cloudtrail.CloudTrailReader reader = io.canarykit.cloudtrail.CloudTrailReader.create();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Path f : files) {
            reader.read(f, r -> {
                io.canarykit.detect.CanaryKey k = index.match(r) != null ? index.match(r) : index.exposedBy(r);
                if (k == null) {
                    return;
                }
                ObjectNode o = json.createObjectNode();
                o.put("canaryId", known.label(k));
                o.put("eventId", r.eventId());
                o.put("eventTime", r.eventTime() == null ? null : r.eventTime().toString());
                o.put("eventSource", r.eventSource());
                o.put("eventName", r.eventName());
                o.put("awsRegion", r.awsRegion());
                o.put("sourceIPAddress", r.sourceIpAddress());
                o.put("userAgent", r.userAgent());
                o.put("errorCode", r.errorCode());
                o.put("accessKeyId", r.accessKeyId());
                o.put("principalArn", r.principalArn());
                try {
                    out.write(json.writeValueAsBytes(o));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                out.write('\n');
            });
        }
        return out.toByteArray();
    }

    /** The command line under test over {@code args}: the jar under {@code java -jar}, else this class path. */
    private static List<String> cliCommand(String java, Map<String, String> opt, Path gcLog, List<String> args) {
        return Files.exists(Path.of(opt.get("cli-jar"))) ? javaCommand(java, opt, gcLog, "-jar", opt.get("cli-jar"), args)
                : javaCommand(java, opt, gcLog, "-cp", System.getProperty("java.class.path"),
                prepend("io.canarykit.cli.CanaryMain", args));
    }

    /** The {@code canary} launcher over {@code args}, the heap and JVM options given through CANARY_JAVA_OPTS. */
    private static List<String> launcherCommand(Map<String, String> opt, Path gcLog, List<String> args) {
        StringBuilder javaOptions = new StringBuilder("-Xmx" + opt.get("heap") + " -Xlog:gc:file=" + gcLog);
        if (!opt.get("jvm-options").isBlank()) {
            javaOptions.append(' ').append(opt.get("jvm-options"));
        }
        return prepend("env", prepend("CANARY_JAVA_OPTS=" + javaOptions, prepend(opt.get("launcher"), args)));
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    private static List<String> javaCommand(String java, Map<String, String> opt, Path gcLog, String how, String what,
                                            List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + opt.get("heap"), "-Xlog:gc:file=" + gcLog));
        for (String o : opt.get("jvm-options").split("\\s+")) {
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        cmd.add(how);
        cmd.add(what);
        cmd.addAll(args);
        return cmd;
    }

    /** Runs {@code cmd} under {@code /usr/bin/time}, output to {@code dir/name.out}, errors to {@code name.err}. */
    private static Timing time(List<String> cmd, Path dir, String name, Path gcLog) throws Exception {
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "maxRssKb=%M cpu=%U+%S"));
        full.addAll(cmd);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        if (gcLog != null) {
            Files.deleteIfExists(gcLog);
        }
        long t = System.nanoTime();
        Process p = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int exit = p.waitFor();
        double s = seconds(t);
        long rss = -1;
        double cpu = Double.NaN;
        for (String l : Files.readAllLines(err, StandardCharsets.UTF_8)) {
            Matcher m = Pattern.compile("maxRssKb=(\\d+) cpu=([0-9.]+)\\+([0-9.]+)").matcher(l);
            if (m.find()) {
                rss = Long.parseLong(m.group(1));
                cpu = Double.parseDouble(m.group(2)) + Double.parseDouble(m.group(3));
            }
        }
        long heap = -1;
        if (gcLog != null && Files.exists(gcLog)) {
            for (String l : Files.readAllLines(gcLog)) {
                Matcher m = GC_LINE.matcher(l);
                if (m.find()) {
                    heap = Math.max(heap, Long.parseLong(m.group(1)));
                }
            }
        }
        return new Timing(s, cpu, rss, heap, exit);
    }

    private static String summaryOf(Path dir) throws IOException {
        for (String l : Files.readAllLines(dir.resolve("canary.err"))) {
            if (l.startsWith("{\"files\"")) {
                return l.replaceAll(",\"problems\".*", "}");
            }
        }
        return "?";
    }

    private static String firstError(Path err) throws IOException {
        for (String l : Files.readAllLines(err)) {
            if (l.contains("Error") || l.contains("Exception")) {
                return l.length() > 100 ? l.substring(0, 100) : l;
            }
        }
        return "?";
    }

    private static void summarise(Map<String, Map<String, List<Timing>>> all, Map<String, Properties> metas) {
        System.out.println();
        System.out.println("workload  what                    wall s   cpu s   peak RSS MB  peak heap MB");
        Map<String, Double> canaryTimes = new LinkedHashMap<>();
        Map<String, Double> launcherTimes = new LinkedHashMap<>();
        for (var w : all.entrySet()) {
            for (var e : w.getValue().entrySet()) {
                List<Timing> ok = e.getValue().stream().filter(x -> x.exit() == 0).toList();
                if (e.getValue().isEmpty()) {
                    continue;
                }
                if (ok.isEmpty()) {
                    System.out.printf(Locale.ROOT, "%-9s %-22s  failed in every run (exit %d)%n", w.getKey(), e.getKey(),
                            e.getValue().get(0).exit());
                    continue;
                }
                double wall = median(ok.stream().map(Timing::seconds).toList());
                System.out.printf(Locale.ROOT, "%-9s %-22s %7.2f %7.2f %12.0f %13s%n", w.getKey(), e.getKey(), wall,
                        median(ok.stream().map(Timing::cpu).toList()),
                        ok.stream().mapToLong(Timing::maxRssKb).max().orElse(-1) / 1024.0,
                        e.getKey().equals("gzip") || e.getKey().equals("jq") ? "-"
                                : Long.toString(ok.stream().mapToLong(Timing::peakHeapMb).max().orElse(-1)));
                if (e.getKey().equals("canary")) {
                    canaryTimes.put(w.getKey(), wall);
                } else if (e.getKey().equals("launcher")) {
                    launcherTimes.put(w.getKey(), wall);
                }
            }
        }
        System.out.println();
        ratios(all, metas, canaryTimes, "canary-watch", "java -jar canary.jar scan");
        ratios(all, metas, launcherTimes, "launcher-watch", "canary scan (launcher)");
    }

    private static void ratios(Map<String, Map<String, List<Timing>>> all, Map<String, Properties> metas,
                               Map<String, Double> canaryTimes, String pairedWatch, String what) {
        for (var w : all.entrySet()) {
            Double scan = canaryTimes.get(w.getKey());
            if (scan == null) {
                continue;
            }
            StringBuilder sb = new StringBuilder(w.getKey() + ": " + what + " " + fmt(scan) + " s;");
            for (String base : List.of("jq", "gzip", "previous")) {
                List<Timing> ok = w.getValue().get(base).stream().filter(x -> x.exit() == 0).toList();
                if (!ok.isEmpty()) {
                    double b = median(ok.stream().map(Timing::seconds).toList());
                    sb.append(String.format(Locale.ROOT, " %s %.2f s = %.2fx;", base, b, b / scan));
                }
            }
            long records = Long.parseLong(metas.get(w.getKey()).getProperty("records"));
            sb.append(String.format(Locale.ROOT, " %.0f records/s", records / scan));
            if (w.getKey().equals("incident")) {
                long sightings = Long.parseLong(metas.get(w.getKey()).getProperty("incident"))
                        + Long.parseLong(metas.get(w.getKey()).getProperty("planted"));
                sb.append(String.format(Locale.ROOT, "; %.0f sightings/s", sightings / scan));
                List<Timing> paired = w.getValue().get(pairedWatch).stream().filter(x -> x.exit() == 0).toList();
                if (!paired.isEmpty()) {
                    double watch = median(paired.stream().map(Timing::seconds).toList());
                    sb.append(String.format(Locale.ROOT, "; %.2fx the watch time of the runs paired with it (%.2f s)",
                            scan / watch, watch));
                }
                if (canaryTimes.containsKey("watch")) {
                    sb.append(String.format(Locale.ROOT, "; %.2fx the watch workload's time", scan / canaryTimes.get("watch")));
                }
            }
            System.out.println(sb);
        }
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

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
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
}
