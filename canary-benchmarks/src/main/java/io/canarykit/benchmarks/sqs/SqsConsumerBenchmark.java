package io.canarykit.benchmarks.sqs;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.aws.detect.CloudTrailSqsDetector;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CloudTrailScan;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.store.InMemoryCanaryStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * Whole-process benchmark of the {@code cloudtrail-sqs} detector on a simulated organisation trail: {@code accounts} ×
 * {@code regions} small 5-minute log files (default 1,000 × 17 = 17,000 files, one delivery interval of the whole
 * organisation), each announced by an S3 notification on a queue of a real ElasticMQ server (in a JVM of its own, so
 * that its CPU is not counted here), consumed with 1, 2 and 4 consumer threads side by side in one run. The log files
 * are served from memory by a stand-in S3 client, so the numbers are the consumer's own: SQS receive/delete round
 * trips, the scanning engine, correlation and the store. Baselines in the same run: the scanning engine alone over
 * the same bytes (in this JVM, one thread), and {@code gzip -dc} over the same files written to disk.
 *
 * <p>Usage (after {@code mvn -pl canary-benchmarks -am package -DskipTests}):
 * <pre>java -cp canary-benchmarks/target/benchmarks.jar io.canarykit.benchmarks.sqs.SqsConsumerBenchmark \
 *     [--accounts 1000] [--regions 17] [--records-max 40] [--canaries 1000] [--consumers 1,2,4]</pre>
 *
 * @since 0.1.0
 */
public final class SqsConsumerBenchmark {
    private static final String BUCKET = "org-trail";
    private static final String ORG = "o-benchmark01";
    private static final List<String> REGIONS = List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private SqsConsumerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("accounts", "1000");
        opt.put("regions", "17");
        opt.put("records-max", "40");
        opt.put("canaries", "1000");
        opt.put("consumers", "1,2,4");
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int accounts = Integer.parseInt(opt.get("accounts"));
        int regions = Math.min(REGIONS.size(), Integer.parseInt(opt.get("regions")));
        Random random = new Random(42);
        Instant now = Instant.now();

        // the organisation: one canary per account, files of 1..records-max records, a few uses of canaries
        InMemoryCanaryStore store = InMemoryCanaryStore.create();
        List<String> canaryKeys = new ArrayList<>();
        int canaries = Integer.parseInt(opt.get("canaries"));
        for (int i = 0; i < canaries; i++) {
            String account = account(i % accounts);
            String key = keyId("AKIA", random);
            canaryKeys.add(key);
            store.create(CanaryRecord.builder().id(CanaryId.generate(now.minusSeconds(3600), random))
                    .status(CanaryStatus.ACTIVE).kind(CredentialKind.IAM_USER).issuer("iam-user")
                    .principal(Principal.iamUser(account, "/", "svc-" + i)).accessKeyId(key)
                    .asset(Asset.of("host", "host-" + i)).createdAt(now.minusSeconds(3600))
                    .issuedAt(now.minusSeconds(3600)).build());
        }
        Map<String, byte[]> objects = new ConcurrentHashMap<>();
        Path dir = Files.createTempDirectory("canarykit-sqs-bench");
        long records = 0;
        long plain = 0;
        long compressed = 0;
        int uses = 0;
        for (int a = 0; a < accounts; a++) {
            for (int r = 0; r < regions; r++) {
                String account = account(a);
                String region = REGIONS.get(r);
                int n = 1 + random.nextInt(Integer.parseInt(opt.get("records-max")));
                StringBuilder json = new StringBuilder("{\"Records\":[");
                for (int k = 0; k < n; k++) {
                    boolean canary = random.nextInt(2000) == 0;
                    String key = canary ? canaryKeys.get(random.nextInt(canaryKeys.size())) : keyId("ASIA", random);
                    uses += canary ? 1 : 0;
                    if (k > 0) {
                        json.append(',');
                    }
                    json.append(record(account, region, key, now.minusSeconds(random.nextInt(300)), random));
                }
                json.append("]}");
                byte[] raw = json.toString().getBytes(StandardCharsets.UTF_8);
                byte[] gz = gzip(raw);
                String key = "AWSLogs/" + ORG + "/" + account + "/CloudTrail/" + region + "/"
                        + DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC).format(now) + "/" + account
                        + "_CloudTrail_" + region + "_" + STAMP.format(now) + "_" + alnum(random, 16) + ".json.gz";
                objects.put(key, gz);
                Files.write(dir.resolve(account + "_" + region + ".json.gz"), gz);
                records += n;
                plain += raw.length;
                compressed += gz.length;
            }
        }
        int files = objects.size();
        System.out.printf(Locale.ROOT, "organisation: %d accounts x %d regions = %d files, %d records (%.1f per file),"
                        + " %.1f MB gzipped, %.1f MB JSON, %d canaries, %d canary uses%n", accounts, regions, files,
                records, records / (double) files, compressed / 1e6, plain / 1e6, canaries, uses);
        System.out.printf(Locale.ROOT, "machine: %d processors, load average %s%n",
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim());

        Process elasticMq = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), ElasticMqServer.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String endpoint = new BufferedReader(new InputStreamReader(elasticMq.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        System.out.println("ElasticMQ (own JVM) at " + endpoint);
        List<String[]> rows = new ArrayList<>();
        try (SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            S3Client s3 = memoryS3(objects);
            // warm-up: the JIT sees every path once before anything is measured
            run(sqs, s3, store, objects, 2, "warm-up", Math.min(files, 2000));
            for (String c : opt.get("consumers").split(",")) {
                int consumers = Integer.parseInt(c.trim());
                rows.add(run(sqs, s3, store, objects, consumers, "consumers-" + consumers, files));
            }
        } finally {
            elasticMq.getOutputStream().close();
            elasticMq.waitFor();
        }

        // baselines over the same bytes
        List<CanaryRecord> all = new ArrayList<>();
        io.canarykit.store.CanaryQuery q = io.canarykit.store.CanaryQuery.all().limit(1000);
        while (true) {
            var page = store.list(q);
            all.addAll(page.items());
            if (!page.hasMore()) {
                break;
            }
            q = q.after(page.nextCursor());
        }
        CanaryIndex index = CanaryIndex.ofRecords(all, Duration.ofMinutes(1));
        CloudTrailScan scan = CloudTrailScan.of(index, io.canarykit.cloudtrail.CloudTrailReader.create(), 1);
        double[] scanOnly = measure(() -> {
            long m = 0;
            for (Map.Entry<String, byte[]> e : objects.entrySet()) {
                long[] count = {0};
                scan.scan(new ByteArrayInputStream(e.getValue()), e.getKey(), x -> count[0]++);
                m += count[0];
            }
            return m;
        });
        double[] gzip = gzipDc(dir);

        System.out.println();
        System.out.println("| run | files | wall s | files/s | speed-up vs 1 | CPU ms per 1,000 files | CPU per file vs gzip -dc |");
        System.out.println("|---|---|---|---|---|---|---|");
        double one = rows.isEmpty() ? Double.NaN : Double.parseDouble(rows.get(0)[3]);
        double gzipPerFile = gzip[1] * 1000 / files;
        for (String[] r : rows) {
            double cpuPerThousand = Double.parseDouble(r[4]);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.2fx | %.0f | %.1fx |%n", r[0], r[1], r[2], r[3],
                    Double.parseDouble(r[3]) / one, cpuPerThousand, cpuPerThousand / 1000 / gzipPerFile);
        }
        System.out.printf(Locale.ROOT, "| scanning engine alone (no SQS) | %d | %.2f | %.0f | | %.0f | %.1fx |%n", files,
                scanOnly[0], files / scanOnly[0], scanOnly[1] * 1e6 / files, scanOnly[1] * 1000 / files / gzipPerFile);
        System.out.printf(Locale.ROOT, "| gzip -dc (same files) | %d | %.2f | %.0f | | %.0f | 1.0x |%n", files, gzip[0],
                files / gzip[0], gzip[1] * 1e6 / files);
        deleteTree(dir);
    }

    /** One pass of consumers over a fresh queue holding one notification per file; {name, files, wall, files/s, cpu ms per 1000}. */
    private static String[] run(SqsClient sqs, S3Client s3, InMemoryCanaryStore store, Map<String, byte[]> objects,
                                int consumers, String name, int limit) {
        String queue = sqs.createQueue(b -> b.queueName("bench-" + name + "-" + System.nanoTime())).queueUrl();
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        int sent = 0;
        for (Map.Entry<String, byte[]> e : objects.entrySet()) {
            if (sent++ >= limit) {
                break;
            }
            batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size()))
                    .messageBody(notification(e.getKey(), e.getValue().length)).build());
            if (batch.size() == 10) {
                List<SendMessageBatchRequestEntry> b = List.copyOf(batch);
                sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(b));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(batch));
        }
        int files = Math.min(limit, objects.size());
        CloudTrailSqsDetector d = CloudTrailSqsDetector.builder().sqsClient(sqs).s3Client(s3).queueUrl(queue)
                .buckets(List.of(BUCKET)).consumers(consumers).waitTime(Duration.ofSeconds(1))
                .visibilityTimeout(Duration.ofMinutes(5)).maxPassDuration(Duration.ofHours(1)).build();
        DetectionEngine engine = DetectionEngine.builder().store(store).detector(d).build();
        double[] m = measure(() -> {
            while (d.filesRead() < files) {
                engine.runOnce();
            }
            return d.filesRead();
        });
        sqs.deleteQueue(r -> r.queueUrl(queue));
        System.out.printf(Locale.ROOT, "%s: %d files in %.2f s (%.0f files/s), CPU %.2f s%n", name, files, m[0],
                files / m[0], m[1]);
        return new String[]{name, Integer.toString(files), String.format(Locale.ROOT, "%.2f", m[0]),
                String.format(Locale.ROOT, "%.0f", files / m[0]), String.format(Locale.ROOT, "%.1f", m[1] * 1e6 / files)};
    }

    /** {wall seconds, process CPU seconds} of one task. */
    private static double[] measure(java.util.concurrent.Callable<Long> task) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long t = System.nanoTime();
        try {
            task.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new double[]{(System.nanoTime() - t) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9};
    }

    /** {wall, user+sys CPU} of {@code gzip -dc} over every file, through xargs. */
    private static double[] gzipDc(Path dir) throws IOException, InterruptedException {
        Path err = dir.resolve("gzip.err");
        long t = System.nanoTime();
        Process p = new ProcessBuilder(List.of("/usr/bin/time", "-f", "cpu=%U+%S", "sh", "-c",
                "find . -name '*.json.gz' -print0 | xargs -0 gzip -dc > /dev/null")).directory(dir.toFile())
                .redirectError(err.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("gzip -dc failed: " + Files.readString(err));
        }
        double wall = (System.nanoTime() - t) / 1e9;
        for (String line : Files.readAllLines(err)) {
            int at = line.indexOf("cpu=");
            if (at >= 0) {
                String[] parts = line.substring(at + 4).trim().split("\\+");
                return new double[]{wall, Double.parseDouble(parts[0]) + Double.parseDouble(parts[1].trim())};
            }
        }
        return new double[]{wall, Double.NaN};
    }

    private static String notification(String key, int size) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"" + Instant.now() + "\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":"
                + "\"1.0\",\"bucket\":{\"name\":\"" + BUCKET + "\",\"arn\":\"arn:aws:s3:::" + BUCKET + "\"},\"object\":"
                + "{\"key\":\"" + key + "\",\"size\":" + size + ",\"eTag\":\"e\",\"sequencer\":\"1\"}}}]}";
    }

    /** An S3 client serving the generated objects from memory. */
    private static S3Client memoryS3(Map<String, byte[]> objects) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[]{S3Client.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getObject") || args == null || args.length != 1) {
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    }
                    GetObjectRequest req;
                    if (args[0] instanceof GetObjectRequest r) {
                        req = r;
                    } else {
                        GetObjectRequest.Builder b = GetObjectRequest.builder();
                        @SuppressWarnings("unchecked")
                        Consumer<GetObjectRequest.Builder> c = (Consumer<GetObjectRequest.Builder>) args[0];
                        c.accept(b);
                        req = b.build();
                    }
                    byte[] bytes = objects.get(req.key());
                    return new ResponseInputStream<>(GetObjectResponse.builder().contentLength((long) bytes.length).build(),
                            AbortableInputStream.create(new ByteArrayInputStream(bytes)));
                });
    }

    private static String record(String account, String region, String key, Instant time, Random random) {
        String user = "svc-" + random.nextInt(500);
        String[] calls = {"DescribeInstances", "GetObject", "AssumeRole", "PutMetricData", "ListBuckets",
                "GetCallerIdentity", "DescribeLogStreams", "Decrypt"};
        String call = calls[random.nextInt(calls.length)];
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROA"
                + alnum(random, 17) + ":" + user + "\",\"arn\":\"arn:aws:sts::" + account + ":assumed-role/app/" + user
                + "\",\"accountId\":\"" + account + "\",\"accessKeyId\":\"" + key + "\",\"sessionContext\":{"
                + "\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROA" + alnum(random, 17) + "\",\"arn\":"
                + "\"arn:aws:iam::" + account + ":role/app\",\"accountId\":\"" + account + "\",\"userName\":\"app\"},"
                + "\"attributes\":{\"creationDate\":\"" + time.minusSeconds(600) + "\",\"mfaAuthenticated\":\"false\"}}},"
                + "\"eventTime\":\"" + time.toString().replaceAll("\\.\\d+Z$", "Z") + "\",\"eventSource\":\"ec2.amazonaws.com\","
                + "\"eventName\":\"" + call + "\",\"awsRegion\":\"" + region + "\",\"sourceIPAddress\":\"10.0."
                + random.nextInt(255) + "." + random.nextInt(255) + "\",\"userAgent\":\"aws-sdk-java/2.20.0 Linux/5.10"
                + " OpenJDK_64-Bit_Server_VM/17\",\"requestParameters\":{\"maxResults\":100},\"responseElements\":null,"
                + "\"requestID\":\"" + java.util.UUID.randomUUID() + "\",\"eventID\":\"" + java.util.UUID.randomUUID()
                + "\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\""
                + account + "\",\"eventCategory\":\"Management\"}";
    }

    private static String account(int i) {
        return String.format("%012d", 200_000_000_000L + i * 7919L);
    }

    private static String keyId(String prefix, Random random) {
        return prefix + alnum(random, 16);
    }

    private static String alnum(Random random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 5 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
