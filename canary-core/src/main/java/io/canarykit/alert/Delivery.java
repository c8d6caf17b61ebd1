package io.canarykit.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.internal.Durations;
import io.canarykit.metrics.AlertOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The delivery guarantees every sink shares: it hands {@link DeliveryMessage}s to a {@link Transport} with
 * <ul>
 *   <li>retries of retryable failures (timeouts, connection failures, throttling, 5xx) with exponential backoff from
 *       {@link Builder#initialBackoff} up to {@link Builder#maxBackoff}, honouring a {@code Retry-After} the receiver
 *       sent (up to the maximum backoff), at most {@link Builder#maxAttempts} attempts per message;</li>
 *   <li>a spool on disk ({@link Builder#spoolDirectory}): a message that could not be delivered is written there
 *       atomically (one file per message, exactly the bytes that will be sent) and retried, oldest first, before every
 *       later message and on {@link #flush()}; a message is never sent ahead of an older one still waiting;</li>
 *   <li>nothing lost silently: without a spool, a message that could not be delivered is thrown to the caller (the
 *       detection engine sends it again next pass); with one, every message still waiting is counted by
 *       {@link #flush()} and logged.</li>
 * </ul>
 * Each step can be reported for metrics ({@link #reportTo}): a message taken ({@link AlertOutcome#SENT}, also when
 * taken from the spool), an attempt retried ({@link AlertOutcome#RETRIED}), a message spooled
 * ({@link AlertOutcome#SPOOLED}) or thrown ({@link AlertOutcome#FAILED}); digests are messages too.
 *
 * <p>Several processes may share a spool directory: a lock on a file inside it (never beside what is being watched)
 * lets one process at a time deliver from it, so no spooled message is sent twice.
 *
 * <p>Thread-safe: deliveries are serialised.
 *
 * @since 0.1.0
 */
public final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Spooled messages (an envelope with the id, type, attributes and body). */
    static final String SPOOL_SUFFIX = ".msg";
    /** Spool files of the webhook sink before this class existed: the body alone, id in the name. */
    static final String LEGACY_SUFFIX = ".json";
    private static final String LOCK_FILE = "spool.lock";

    private final String name;
    private final Transport transport;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final @Nullable Path spool;
    private final Sleeper sleeper;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final ReentrantLock lock;
    private volatile Consumer<AlertOutcome> report = o -> { };
    /** One lock per spool directory in this JVM (a file lock cannot be held twice by one JVM). */
    private static final ConcurrentHashMap<Path, ReentrantLock> SPOOL_LOCKS =
            new ConcurrentHashMap<>();

    /**
     * Waits between attempts; tests pass one that does not sleep.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits for {@code d}. */
        void sleep(Duration d) throws InterruptedException;
    }

    private Delivery(Builder b, String name, Transport transport) {
        this.name = name;
        this.transport = transport;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.spool = b.spool;
        this.sleeper = b.sleeper;
        this.clock = b.clock;
        this.lock = spool == null ? new ReentrantLock()
                : SPOOL_LOCKS.computeIfAbsent(spool.toAbsolutePath().normalize(), k -> new ReentrantLock());
    }

    /** A builder; {@link Builder#name} and {@link Builder#transport} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reports every step of every delivery from now on to {@code listener} (replacing any listener before), on the
     * delivering thread; what it throws is ignored. For metrics: see {@link AlertSink#reportTo}.
     */
    public void reportTo(Consumer<AlertOutcome> listener) {
        report = Objects.requireNonNull(listener, "listener");
    }

    private void report(AlertOutcome outcome) {
        try {
            report.accept(outcome);
        } catch (RuntimeException e) {
            LOG.debug("{}: the delivery listener failed: {}", name, e.toString());
        }
    }

    /**
     * Delivers one message, or spools it.
     *
     * @throws CanaryException if it could not be delivered and there is no spool (or the spool cannot be written)
     */
    public void deliver(DeliveryMessage message) {
        Objects.requireNonNull(message, "message");
        lock.lock();
        try (SpoolLock held = lockSpool()) {
            boolean backlog = spool != null && flushSpool() > 0;
            DeliveryAttempt result = backlog ? DeliveryAttempt.retry("earlier messages are still waiting in the spool", null)
                    : deliverWithRetries(message);
            if (result.delivered()) {
                report(AlertOutcome.SENT);
                return;
            }
            if (spool == null) {
                report(AlertOutcome.FAILED);
                throw new CanaryException(name + " did not take message " + message.id() + " after " + maxAttempts
                        + (maxAttempts == 1 ? " attempt (" : " attempts (") + result.reason()
                        + "); it is sent again on the next pass");
            }
            Path file;
            try {
                file = spoolMessage(message, spool);
            } catch (RuntimeException e) {
                report(AlertOutcome.FAILED);
                throw e;
            }
            report(AlertOutcome.SPOOLED);
            LOG.warn("{} did not take message {} ({}); kept in {} and retried before the next message", name,
                    message.id(), result.reason(), file);
        } finally {
            lock.unlock();
        }
    }

    /** Retries the spooled messages, oldest first, until one fails; returns how many are still waiting. */
    public int flush() {
        if (spool == null) {
            return 0;
        }
        lock.lock();
        try (SpoolLock held = lockSpool()) {
            return flushSpool();
        } finally {
            lock.unlock();
        }
    }

    /** How many messages wait in the spool. */
    public int spooled() {
        lock.lock();
        try {
            return spool == null ? 0 : spoolFiles().size();
        } finally {
            lock.unlock();
        }
    }

    private int flushSpool() {
        List<Path> files = spoolFiles();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            DeliveryMessage m;
            try {
                m = readSpooled(f);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: cannot read spooled message {}: {}", name, f, e.getMessage());
                return files.size() - i;
            }
            DeliveryAttempt a = attempt(m);
            if (!a.delivered()) {
                LOG.debug("{}: spooled message {} still not delivered: {}", name, m.id(), a.reason());
                return files.size() - i;
            }
            report(AlertOutcome.SENT);
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("{} took spooled message {} but {} cannot be deleted; it may be delivered again: {}", name,
                        m.id(), f, e.getMessage());
            }
        }
        return 0;
    }

    private List<Path> spoolFiles() {
        List<Path> out = new ArrayList<>();
        Path dir = spool;
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && (n.endsWith(SPOOL_SUFFIX) || n.endsWith(LEGACY_SUFFIX))) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new CanaryException("cannot list the spool " + spool + " of " + name + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    private DeliveryMessage readSpooled(Path f) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        String fileName = f.getFileName().toString();
        if (fileName.endsWith(LEGACY_SUFFIX)) {
            String id = fileName.substring(fileName.indexOf('-', fileName.indexOf('-') + 1) + 1,
                    fileName.length() - LEGACY_SUFFIX.length());
            return DeliveryMessage.json(id, bytes);
        }
        JsonNode n = JSON.readTree(bytes);
        Map<String, String> attributes = new LinkedHashMap<>();
        n.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
        return new DeliveryMessage(n.path("id").asText(), n.path("contentType").asText(),
                Base64.getDecoder().decode(n.path("body").asText()), attributes);
    }

    private Path spoolMessage(DeliveryMessage m, Path dir) {
        try {
            Files.createDirectories(dir);
            ObjectNode o = JSON.createObjectNode();
            o.put("id", m.id());
            o.put("contentType", m.contentType());
            ObjectNode attributes = o.putObject("attributes");
            m.attributes().forEach(attributes::put);
            o.put("body", Base64.getEncoder().encodeToString(m.body()));
            String safeId = m.id().replaceAll("[^A-Za-z0-9._-]", "_");
            String fileName = String.format(Locale.ROOT, "%013d-%06d-%s%s", clock.millis(),
                    sequence.incrementAndGet() % 1_000_000, safeId.length() > 80 ? safeId.substring(0, 80) : safeId,
                    SPOOL_SUFFIX);
            Path tmp = dir.resolve("." + fileName + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(o), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Path target = dir.resolve(fileName);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new CanaryException(name + " did not take message " + m.id() + " and it cannot be spooled in " + dir
                    + " (" + e.getMessage() + "); it is sent again on the next pass", e);
        }
    }

    private DeliveryAttempt deliverWithRetries(DeliveryMessage m) {
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            DeliveryAttempt last = attempt(m);
            if (last.delivered() || !last.retryable() || attempt == maxAttempts) {
                return last;
            }
            Duration wait = backoff(attempt, last.retryAfter());
            report(AlertOutcome.RETRIED);
            LOG.debug("{}: attempt {} for message {} failed ({}); retrying in {}", name, attempt, m.id(), last.reason(), wait);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return DeliveryAttempt.refused(last.reason() + "; interrupted while waiting to retry");
            }
        }
        throw new IllegalStateException(name + ": maxAttempts is " + maxAttempts + ", below 1"); // the builder refuses it
    }

    private DeliveryAttempt attempt(DeliveryMessage m) {
        try {
            DeliveryAttempt a = transport.attempt(m);
            if (a.delivered()) {
                LOG.debug("{} took message {}", name, m.id());
            }
            return a;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeliveryAttempt.refused("interrupted");
        } catch (RuntimeException e) {
            return DeliveryAttempt.retry(e.getClass().getSimpleName(), null); // the message may hold a secret: not shown
        }
    }

    Duration backoff(int attempt, @Nullable Duration retryAfter) {
        Duration d = initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        if (retryAfter != null && retryAfter.compareTo(d) > 0) {
            d = retryAfter;
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /** Holds the spool's cross-process lock while a delivery or flush runs; nothing when there is no spool. */
    private SpoolLock lockSpool() {
        if (spool == null) {
            return new SpoolLock(null, null);
        }
        try {
            Files.createDirectories(spool);
            FileChannel ch = FileChannel.open(spool.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new SpoolLock(ch, ch.lock());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new CanaryException("cannot lock the spool " + spool + " of " + name + ": " + e.getMessage()
                    + "; check that the directory is writable", e);
        }
    }

    private record SpoolLock(@Nullable FileChannel channel, @Nullable FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                if (lock != null) {
                    lock.release();
                }
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                LOG.debug("releasing a spool lock failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "Delivery[" + name + (spool == null ? "" : ", spool " + spool) + "]";
    }

    /**
     * Builder for {@link Delivery}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable String name;
        private @Nullable Transport transport;
        private int maxAttempts = 4;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private @Nullable Path spool;
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** What logs and messages call the receiver, such as {@code slack (hooks.slack.com)}; never a secret. */
        public Builder name(String v) {
            name = Objects.requireNonNull(v, "name");
            return this;
        }

        /** The transport making each attempt (required). */
        public Builder transport(Transport v) {
            transport = Objects.requireNonNull(v, "transport");
            return this;
        }

        /** Attempts per message before it is spooled or thrown (default 4). */
        public Builder maxAttempts(int v) {
            if (v < 1) {
                throw new CanaryConfigurationException("max-attempts must be at least 1, was " + v);
            }
            maxAttempts = v;
            return this;
        }

        /** The wait before the second attempt, doubled for each one after (default 500 ms). */
        public Builder initialBackoff(Duration v) {
            initialBackoff = Durations.positive(v, "backoff");
            return this;
        }

        /** The longest wait between attempts, also for a {@code Retry-After} (default 30 s). */
        public Builder maxBackoff(Duration v) {
            maxBackoff = Durations.positive(v, "max-backoff");
            return this;
        }

        /** Where undelivered messages are kept until delivered; without one, an undelivered message is thrown. */
        public Builder spoolDirectory(Path v) {
            spool = Objects.requireNonNull(v, "spoolDirectory");
            return this;
        }

        /** How to wait between attempts (default {@link Thread#sleep}). */
        public Builder sleeper(Sleeper v) {
            sleeper = Objects.requireNonNull(v, "sleeper");
            return this;
        }

        /** The clock spool file names are stamped with. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * Builds the delivery.
         *
         * @throws CanaryConfigurationException if the name or the transport is missing
         */
        public Delivery build() {
            if (name == null || transport == null) {
                throw new CanaryConfigurationException("a Delivery needs a name and a transport");
            }
            return new Delivery(this, name, transport);
        }
    }
}
