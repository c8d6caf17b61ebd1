package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.internal.Durations;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.ReadResult;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CloudTrailScan;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detector {@code cloudtrail-s3}: reads the log files a trail delivers to its S3 bucket,
 * {@code [<prefix>/]AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<file>.json.gz}.
 *
 * <ul>
 *   <li>Accounts: the ones configured, else those of the watched canaries. Regions: the ones configured, else every
 *       region the bucket has logs for (listed with a delimiter).</li>
 *   <li>Days: from the first day not finished yet (first run: the earliest issue time of a watched canary, at most
 *       {@link Builder#lookback} ago) to today.</li>
 *   <li>Files: listed per day prefix and read through the scanning engine ({@link CloudTrailScan}, the one behind
 *       {@code canary scan}: the fast path, streamed from S3 with no temporary file, bounded memory whatever the number
 *       of sightings, decompression limits, reading on after a bad record), several at once (gzip recognised by its
 *       bytes, not the name), and handed over in key order: a file's sightings reach the sink before the prefix's
 *       checkpoint records the file as done.</li>
 *   <li>Checkpoint per day prefix ({@code <bucket>/<prefix>}): a key all files up to which are done, plus the files
 *       done after it. The key only moves past files whose name time is older than {@link Builder#settle} (CloudTrail
 *       names a file when it creates it and delivers it minutes later), so a file delivered late is never skipped; a
 *       restart reads exactly the files not recorded as done. A day is finished once it is older than the settle time
 *       and all its files are done.</li>
 * </ul>
 * Digest and Insight files ({@code CloudTrail-Digest/}, {@code CloudTrail-Insight/}) are never read. A file that is
 * malformed yields every record that can be read; the problem is logged, the file counted as done. A file whose
 * download fails (a reset connection) fails the poll after the files before it are done: it is read again next time.
 *
 * <p>Thread-safe for one poll at a time (the engine serialises them).
 *
 * @since 0.1.0
 */
public final class CloudTrailS3Detector implements Detector {
    private static final Logger LOG = LoggerFactory.getLogger(CloudTrailS3Detector.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd");
    private static final Pattern FILE_TIME = Pattern.compile("_(\\d{8}T\\d{4}Z)_");
    private static final DateTimeFormatter FILE_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmX").withZone(ZoneOffset.UTC);

    private final String source;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final @Nullable String organizationId;
    private final List<String> accounts;
    private final List<String> regions;
    private final Duration lookback;
    private final Duration settle;
    private final Duration clockSkew;
    private final int parallelism;
    private final CloudTrailReader reader;

    private CloudTrailS3Detector(Builder b) {
        this.source = b.source;
        this.s3 = Objects.requireNonNull(b.s3, "s3"); // build() checked it
        this.bucket = Objects.requireNonNull(b.bucket, "bucket"); // build() checked it
        this.prefix = b.prefix;
        this.organizationId = b.organizationId;
        this.accounts = List.copyOf(b.accounts);
        this.regions = List.copyOf(b.regions);
        this.lookback = b.lookback;
        this.settle = b.settle;
        this.clockSkew = b.clockSkew;
        this.parallelism = b.parallelism;
        this.reader = b.reader;
    }

    /** A builder; {@link Builder#s3Client} and {@link Builder#bucket} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String source() {
        return source;
    }

    /** Each account and region of the bucket ({@code bucket/111122223333/eu-west-1}) is a partition. */
    @Override
    public boolean partitioned() {
        return true;
    }

    @Override
    public void poll(DetectorContext context, Consumer<Sighting> sink) {
        List<CanaryRecord> watched = context.watchedCanaries();
        if (watched.isEmpty()) {
            LOG.debug("{}: no canary to watch", source);
            return;
        }
        CanaryIndex index = CanaryIndex.ofRecords(watched, clockSkew);
        CloudTrailScan engine = CloudTrailScan.of(index, reader, parallelism);
        Clock clock = context.clock();
        Instant now = clock.instant();
        Instant earliest = watched.stream().map(CanaryRecord::windowStart).min(Instant::compareTo).orElse(now);
        Instant floor = now.minus(lookback);
        LocalDate firstDay = LocalDate.ofInstant(earliest.isBefore(floor) ? floor : earliest, ZoneOffset.UTC);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (String account : accounts(watched)) {
            String accountRoot = prefix + "AWSLogs/" + (organizationId == null ? "" : organizationId + "/") + account
                    + "/CloudTrail/";
            for (String region : regions(accountRoot)) {
                if (context.claimPartition(bucket + "/" + account + "/" + region)) {
                    pollRegion(context, sink, engine, accountRoot + region + "/", firstDay, today, now);
                }
            }
        }
    }

    private Collection<String> accounts(List<CanaryRecord> watched) {
        if (!accounts.isEmpty()) {
            return accounts;
        }
        Set<String> out = new TreeSet<>();
        for (CanaryRecord r : watched) {
            out.add(r.accountId());
        }
        return out;
    }

    private Collection<String> regions(String accountRoot) {
        if (!regions.isEmpty()) {
            return regions;
        }
        Set<String> out = new TreeSet<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(accountRoot).delimiter("/");
            if (token != null) {
                req.continuationToken(token);
            }
            ListObjectsV2Response page = s3.listObjectsV2(req.build());
            for (CommonPrefix p : page.commonPrefixes()) {
                String region = p.prefix().substring(accountRoot.length());
                if (region.endsWith("/")) {
                    region = region.substring(0, region.length() - 1);
                }
                if (!region.isEmpty()) {
                    out.add(region);
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        LOG.debug("{}: regions under s3://{}/{}: {}", source, bucket, accountRoot, out);
        return out;
    }

    private void pollRegion(DetectorContext context, Consumer<Sighting> sink, CloudTrailScan engine, String regionRoot,
                            LocalDate firstDay, LocalDate today, Instant now) {
        String dayKey = bucket + "/" + regionRoot;
        LocalDate from = context.checkpoint(dayKey).map(LocalDate::parse).orElse(firstDay);
        LocalDate firstOpen = null;
        for (LocalDate day = from; !day.isAfter(today); day = day.plusDays(1)) {
            String dayPrefix = regionRoot + DAY.format(day) + "/";
            boolean finished = pollDay(context, sink, engine, dayPrefix, day, now);
            if (!finished && firstOpen == null) {
                firstOpen = day;
            }
        }
        LocalDate next = firstOpen != null ? firstOpen : today;
        if (!next.equals(from)) {
            context.saveCheckpoint(dayKey, next.toString());
        }
    }

    /** Reads the new files of one day prefix; true if the day is finished (no file of it can still arrive). */
    private boolean pollDay(DetectorContext context, Consumer<Sighting> sink, CloudTrailScan engine, String dayPrefix,
                            LocalDate day, Instant now) {
        String key = bucket + "/" + dayPrefix;
        PrefixCheckpoint cp = PrefixCheckpoint.decode(context.checkpoint(key).orElse(null));
        List<String> listed = new ArrayList<>();
        Map<String, Instant> delivered = new HashMap<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(dayPrefix);
            if (cp.after() != null) {
                req.startAfter(dayPrefix + cp.after());
            }
            if (token != null) {
                req.continuationToken(token);
            }
            ListObjectsV2Response page = s3.listObjectsV2(req.build());
            for (S3Object o : page.contents()) {
                String name = o.key().substring(dayPrefix.length());
                if (!name.contains("/")) {
                    listed.add(name);
                    if (o.lastModified() != null) {
                        delivered.put(name, o.lastModified());
                    }
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);

        List<String> fresh = new ArrayList<>();
        for (String name : listed) {
            if (!cp.done().contains(name)) {
                fresh.add(name);
            }
        }
        fresh.sort(null);
        Instant cutoff = now.minus(settle);
        if (!fresh.isEmpty()) {
            LOG.debug("{}: {} new file(s) under s3://{}/{}", source, fresh.size(), bucket, dayPrefix);
            List<LogFile> files = new ArrayList<>();
            for (String name : fresh) {
                files.add(new LogFile(name, dayPrefix + name));
            }
            TreeSet<String> done = new TreeSet<>(cp.done());
            String[] after = {cp.after()};
            // read through the scanning engine, several at once; each file's sightings reach the sink (which stores
            // them) before the checkpoint records the file as done, in key order
            engine.scanSources(files, new CloudTrailScan.SourceListener<LogFile>() {
                @Override
                public void match(LogFile f, CloudTrailScan.Match m) {
                    sink.accept(m.sighting(source)); // stored before it returns
                }

                @Override
                public void done(LogFile f, ReadResult r, long matches) {
                    if (r.malformed() > 0) {
                        LOG.warn("{}: {} has {} malformed part(s), first: {}; the rest was read", source, f.name(),
                                r.malformed(), r.problems().isEmpty() ? "?" : r.problems().get(0));
                    }
                    done.add(f.file());
                    Instant at = delivered.get(f.file());
                    if (at != null) {
                        context.readUpTo(at); // when CloudTrail delivered the file just read
                    }
                    PrefixCheckpoint next = PrefixCheckpoint.compact(after[0], done, listed, cutoff);
                    after[0] = next.after();
                    done.clear();
                    done.addAll(next.done());
                    context.saveCheckpoint(key, next.encode());
                }
            });
            cp = new PrefixCheckpoint(after[0], done);
        } else {
            PrefixCheckpoint next = PrefixCheckpoint.compact(cp.after(), new TreeSet<>(cp.done()), listed, cutoff);
            if (!next.equals(cp)) {
                context.saveCheckpoint(key, next.encode());
                cp = next;
            }
        }
        Instant dayEnd = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return dayEnd.isBefore(cutoff);
    }

    /** One log file of a day prefix, as the engine reads it: opened (a GET) when its turn comes. */
    private final class LogFile implements CloudTrailScan.Source {
        private final String file;
        private final String key;

        LogFile(String file, String key) {
            this.file = file;
            this.key = key;
        }

        String file() {
            return file;
        }

        @Override
        public String name() {
            return "s3://" + bucket + "/" + key;
        }

        @Override
        public InputStream open() {
            return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
        }
    }

    /** The time in a log file's name ({@code …_20250314T0930Z_…}), or {@code null}. */
    static @Nullable Instant fileTime(String name) {
        Matcher m = FILE_TIME.matcher(name);
        if (!m.find()) {
            return null;
        }
        try {
            return Instant.from(FILE_TIME_FORMAT.parse(m.group(1)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The state of one day prefix: every file up to {@code after} (by name) is done, and so are {@code done}.
     */
    record PrefixCheckpoint(@Nullable String after, Set<String> done) {
        static final PrefixCheckpoint EMPTY = new PrefixCheckpoint(null, Set.of());

        PrefixCheckpoint {
            done = Set.copyOf(done);
        }

        String encode() {
            return "after=" + (after == null ? "" : after) + ";done=" + String.join(",", new TreeSet<>(done));
        }

        static PrefixCheckpoint decode(@Nullable String text) {
            if (text == null || text.isBlank()) {
                return EMPTY;
            }
            String after = null;
            Set<String> done = new TreeSet<>();
            for (String part : text.split(";")) {
                if (part.startsWith("after=")) {
                    String v = part.substring("after=".length());
                    after = v.isEmpty() ? null : v;
                } else if (part.startsWith("done=")) {
                    for (String n : part.substring("done=".length()).split(",")) {
                        if (!n.isEmpty()) {
                            done.add(n);
                        }
                    }
                }
            }
            return new PrefixCheckpoint(after, done);
        }

        /**
         * Moves {@code after} as far as it safely can: over done files, in name order among those listed, while
         * their name time is before {@code cutoff}; forgets the done files it passed.
         */
        static PrefixCheckpoint compact(@Nullable String after, TreeSet<String> done, List<String> listed,
                                        Instant cutoff) {
            TreeSet<String> all = new TreeSet<>(listed);
            all.addAll(done);
            String newAfter = after;
            for (String name : all) {
                if (after != null && name.compareTo(after) <= 0) {
                    continue;
                }
                Instant t = fileTime(name);
                if (!done.contains(name) || t == null || !t.isBefore(cutoff)) {
                    break;
                }
                newAfter = name;
            }
            TreeSet<String> rest = new TreeSet<>();
            for (String name : done) {
                if (newAfter == null || name.compareTo(newAfter) > 0) {
                    rest.add(name);
                }
            }
            return new PrefixCheckpoint(newAfter, rest);
        }
    }

    @Override
    public String toString() {
        return "CloudTrailS3Detector[s3://" + bucket + "/" + prefix + "]";
    }

    /**
     * Builder for {@link CloudTrailS3Detector}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String source = "cloudtrail-s3";
        private @Nullable S3Client s3;
        private @Nullable String bucket;
        private String prefix = "";
        private @Nullable String organizationId;
        private final List<String> accounts = new ArrayList<>();
        private final List<String> regions = new ArrayList<>();
        private Duration lookback = Duration.ofDays(7);
        private Duration settle = Duration.ofHours(1);
        private Duration clockSkew = Duration.ofMinutes(1);
        private int parallelism = 4;
        private CloudTrailReader reader = CloudTrailReader.create();

        private Builder() {
        }

        /** The S3 client (required; the caller owns and closes it). */
        public Builder s3Client(S3Client v) {
            s3 = Objects.requireNonNull(v, "s3Client");
            return this;
        }

        /** The trail's bucket (required). */
        public Builder bucket(String v) {
            bucket = Objects.requireNonNull(v, "bucket");
            return this;
        }

        /** The trail's key prefix, if it has one (before {@code AWSLogs/}). */
        public Builder prefix(String v) {
            String p = Objects.requireNonNull(v, "prefix");
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
            return this;
        }

        /** The organisation id of an organisation trail ({@code o-…}), which adds it to every key. */
        public Builder organizationId(String v) {
            organizationId = Objects.requireNonNull(v, "organizationId");
            return this;
        }

        /** Accounts to read (default: those of the watched canaries). */
        public Builder accounts(Collection<String> v) {
            accounts.clear();
            accounts.addAll(v);
            return this;
        }

        /** Regions to read (default: every region the bucket has logs for). */
        public Builder regions(Collection<String> v) {
            regions.clear();
            regions.addAll(v);
            return this;
        }

        /** How far back a first run reads (default 7 days; never before the earliest watched canary's issue). */
        public Builder lookback(Duration v) {
            lookback = positive(v, "lookback");
            return this;
        }

        /** How long after its name time no file can arrive any more (default 1 hour). */
        public Builder settle(Duration v) {
            settle = positive(v, "settle");
            return this;
        }

        /** How far event times may fall outside a credential's validity window (default 1 minute). */
        public Builder clockSkew(Duration v) {
            Objects.requireNonNull(v, "clockSkew");
            if (v.isNegative()) {
                throw new CanaryConfigurationException("clockSkew must not be negative: " + v);
            }
            clockSkew = v;
            return this;
        }

        /** Files read at once (default 4). */
        public Builder parallelism(int v) {
            if (v < 1) {
                throw new CanaryConfigurationException("cloudtrail-s3 parallelism must be at least 1, was " + v);
            }
            parallelism = v;
            return this;
        }

        /** The source name recorded in sightings (default {@code cloudtrail-s3}). */
        public Builder source(String v) {
            source = Objects.requireNonNull(v, "source");
            return this;
        }

        /** The reader (default {@link CloudTrailReader#create()}). */
        public Builder reader(CloudTrailReader v) {
            reader = Objects.requireNonNull(v, "reader");
            return this;
        }

        private static Duration positive(Duration v, String name) {
            return Durations.positive(v, "cloudtrail-s3 " + name);
        }

        /**
         * Builds the detector.
         *
         * @throws CanaryConfigurationException if the client or the bucket is missing
         */
        public CloudTrailS3Detector build() {
            if (s3 == null) {
                throw new CanaryConfigurationException("the cloudtrail-s3 detector needs an S3 client");
            }
            if (bucket == null || bucket.isBlank()) {
                throw new CanaryConfigurationException("the cloudtrail-s3 detector needs the trail's bucket name");
            }
            return new CloudTrailS3Detector(this);
        }
    }
}
