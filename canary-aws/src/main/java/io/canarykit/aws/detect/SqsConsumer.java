package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Competing consumers of one SQS queue, shared by the SQS detectors: {@link #run} starts {@code consumers} threads that
 * each long-poll the queue and hand every message to the handler, until the queue has been empty for a receive or the
 * pass's time is up, and returns when all have stopped.
 *
 * <ul>
 *   <li>A message is deleted only after its handler returned: what it stored is stored. The messages of one receive
 *       are deleted together, in one batch call, once each was handled. A consumer that dies in the middle (the
 *       process is killed) deletes nothing it had not finished, and the message reappears after the visibility
 *       timeout for any consumer, in this process or another.</li>
 *   <li>While a handler runs, its message's visibility timeout is extended every third of the timeout, so a large file
 *       is never handed to a second consumer while the first still reads it.</li>
 *   <li>A message whose handler fails is left for a later receive; once it has been received
 *       {@code maxReceiveCount} times and fails again it is sent to the dead-letter queue (with the reason, the
 *       receive count and the original message id as message attributes), then deleted, and reported. Without a
 *       dead-letter queue of our own it is left for the queue's redrive policy, and reported.</li>
 *   <li>A {@link StoreFailure} (the sink could not store) is not the message's fault: it never counts towards
 *       dead-lettering and stops the pass.</li>
 * </ul>
 * Thread-safe; one {@link #run} at a time per instance is expected (the engine serialises passes).
 */
final class SqsConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(SqsConsumer.class);
    static final String ATTR_REASON = "canarykit-reason";
    static final String ATTR_RECEIVE_COUNT = "canarykit-receive-count";
    static final String ATTR_MESSAGE_ID = "canarykit-message-id";
    static final String ATTR_SOURCE_QUEUE = "canarykit-source-queue";
    private static final int MAX_REASON = 1000;

    /** What the handler made of a message. */
    enum Outcome { PROCESSED, SKIPPED }

    /** Handles one message body; returns when done (the message is then deleted); throws to leave it for later. */
    @FunctionalInterface
    interface Handler {
        Outcome handle(String body, String messageId) throws Exception;
    }

    /** Thrown (wrapping the cause) when the sink could not store: the pass stops, nothing is dead-lettered. */
    static final class StoreFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreFailure(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * A message sent to the dead-letter queue (or left for the queue's redrive policy).
     *
     * @param messageId    the SQS message id
     * @param receiveCount how often it had been received
     * @param reason       why it failed (the last error)
     * @param movedByUs    true if this consumer moved it; false if the queue's redrive policy will
     */
    record DeadLetter(String messageId, int receiveCount, String reason, boolean movedByUs) {
    }

    /** What a run did. */
    record Report(long received, long processed, long skipped, long failed, List<DeadLetter> deadLetters,
                  long deadLetterQueueDepth) {
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final @Nullable String deadLetterQueueUrl;
    private final int consumers;
    private final int maxReceiveCount;
    private final Duration visibilityTimeout;
    private final int waitSeconds;
    private final Duration maxPassDuration;
    private final Clock clock;
    private final String name;

    SqsConsumer(String name, SqsClient sqs, String queueUrl, @Nullable String deadLetterQueueUrl, int consumers,
                int maxReceiveCount, Duration visibilityTimeout, int waitSeconds, Duration maxPassDuration, Clock clock) {
        this.name = name;
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.consumers = consumers;
        this.maxReceiveCount = maxReceiveCount;
        this.visibilityTimeout = visibilityTimeout;
        this.waitSeconds = waitSeconds;
        this.maxPassDuration = maxPassDuration;
        this.clock = clock;
    }

    /** Checks the settings every SQS detector shares. */
    static void check(String detector, int consumers, int maxReceiveCount, Duration visibility, int waitSeconds) {
        if (consumers < 1 || consumers > 64) {
            throw new CanaryConfigurationException(detector + " consumers must be 1-64, was " + consumers);
        }
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new CanaryConfigurationException(detector + " max-receive-count must be 1-1000, was " + maxReceiveCount);
        }
        if (visibility.compareTo(Duration.ofSeconds(3)) < 0 || visibility.compareTo(Duration.ofHours(12)) > 0) {
            throw new CanaryConfigurationException(detector + " visibility-timeout must be 3s to 12h (SQS allows 0-12h;"
                    + " below 3s it could not be extended in time), was " + visibility);
        }
        if (waitSeconds < 0 || waitSeconds > 20) {
            throw new CanaryConfigurationException(detector + " wait-time must be 0-20s (SQS long polling), was "
                    + waitSeconds + "s");
        }
    }

    /** Runs the consumers until the queue is drained or the pass's time is up. */
    Report run(Handler handler) {
        Counters c = new Counters();
        Instant deadline = clock.instant().plus(maxPassDuration);
        AtomicBoolean stop = new AtomicBoolean();
        ScheduledExecutorService heartbeat = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-visibility");
            t.setDaemon(true);
            return t;
        });
        List<Thread> threads = new ArrayList<>();
        List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
        try {
            for (int i = 0; i < consumers; i++) {
                Thread t = new Thread(() -> {
                    try {
                        consume(handler, c, deadline, stop, heartbeat);
                    } catch (Throwable e) {
                        stop.set(true);
                        thrown.add(e);
                    }
                }, name + "-consumer-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    stop.set(true);
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while consuming " + queueUrl, e);
                }
            }
        } finally {
            heartbeat.shutdownNow();
        }
        if (!thrown.isEmpty()) {
            Throwable first = thrown.get(0);
            for (int i = 1; i < thrown.size(); i++) {
                first.addSuppressed(thrown.get(i));
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(first);
        }
        long depth = -1;
        if (deadLetterQueueUrl != null) {
            try {
                String n = sqs.getQueueAttributes(b -> b.queueUrl(deadLetterQueueUrl)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                        .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
                depth = n == null ? -1 : Long.parseLong(n);
            } catch (SdkException | NumberFormatException e) {
                LOG.debug("{}: could not read the dead-letter queue's depth: {}", name, e.getMessage());
            }
        }
        return new Report(c.received.get(), c.processed.get(), c.skipped.get(), c.failed.get(),
                List.copyOf(c.deadLetters), depth);
    }

    private static final class Counters {
        final AtomicLong received = new AtomicLong();
        final AtomicLong processed = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());
    }

    private void consume(Handler handler, Counters c, Instant deadline, AtomicBoolean stop,
                         ScheduledExecutorService heartbeat) {
        int visibility = (int) visibilityTimeout.toSeconds();
        while (!stop.get() && clock.instant().isBefore(deadline)) {
            ReceiveMessageResponse r = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(waitSeconds).visibilityTimeout(visibility)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            if (!r.hasMessages() || r.messages().isEmpty()) {
                return; // drained (for now): another consumer or the next pass takes what comes later
            }
            List<Handled> done = new ArrayList<>();
            try {
                for (int i = 0; i < r.messages().size(); i++) {
                    Message m = r.messages().get(i);
                    if (stop.get() || !clock.instant().isBefore(deadline)) {
                        release(r.messages().subList(i, r.messages().size()));
                        return;
                    }
                    c.received.incrementAndGet();
                    Handled h = handle(handler, m, c, heartbeat, stop);
                    if (h != null) {
                        done.add(h);
                    }
                }
            } finally {
                delete(done, c); // what was handled is deleted even when a later message stops the pass
            }
        }
    }

    /** A message whose handler returned: deleted with its receive's others, its visibility extended until then. */
    private record Handled(Message message, Outcome outcome, ScheduledFuture<?> extend) {
    }

    /** Deletes handled messages in one batch call; a message the batch could not delete reappears and is read again. */
    private void delete(List<Handled> done, Counters c) {
        if (done.isEmpty()) {
            return;
        }
        try {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < done.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(done.get(i).message().receiptHandle()).build());
            }
            DeleteMessageBatchResponse r = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            java.util.Set<String> failed = new java.util.HashSet<>();
            r.failed().forEach(f -> failed.add(f.id()));
            for (int i = 0; i < done.size(); i++) {
                Handled h = done.get(i);
                if (failed.contains(Integer.toString(i))) {
                    LOG.warn("{}: message {} was handled but could not be deleted; it will be read again (nothing is"
                            + " stored twice)", name, h.message().messageId());
                } else {
                    (h.outcome() == Outcome.SKIPPED ? c.skipped : c.processed).incrementAndGet();
                }
            }
        } finally {
            done.forEach(h -> h.extend().cancel(false));
        }
    }

    /** Makes messages this consumer will not handle visible again at once. */
    private void release(List<Message> messages) {
        for (Message m : messages) {
            try {
                sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())
                        .visibilityTimeout(0));
            } catch (SdkException e) {
                LOG.debug("{}: releasing message {} failed (it reappears after its timeout): {}", name, m.messageId(),
                        e.getMessage());
            }
        }
    }

    /** Handles one message; the handled message (not yet deleted), or {@code null} if it failed. */
    private @Nullable Handled handle(Handler handler, Message m, Counters c, ScheduledExecutorService heartbeat,
                           AtomicBoolean stop) {
        int visibility = (int) visibilityTimeout.toSeconds();
        long period = Math.max(1000, visibilityTimeout.toMillis() / 3);
        ScheduledFuture<?> extend = heartbeat.scheduleAtFixedRate(() -> {
            try {
                sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())
                        .visibilityTimeout(visibility));
                LOG.debug("{}: extended the visibility of message {} by {}s", name, m.messageId(), visibility);
            } catch (RuntimeException e) {
                LOG.debug("{}: extending message {} failed: {}", name, m.messageId(), e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        try {
            return new Handled(m, handler.handle(m.body(), m.messageId()), extend);
        } catch (StoreFailure e) {
            extend.cancel(false);
            stop.set(true);
            throw e;
        } catch (Exception e) {
            extend.cancel(false);
            failed(m, e, c);
            return null;
        } catch (Error e) {
            extend.cancel(false);
            throw e; // the process is dying: delete nothing, the message reappears after its timeout
        }
    }

    private void failed(Message m, Exception e, Counters c) {
        c.failed.incrementAndGet();
        int count = receiveCount(m);
        String reason = describe(e);
        if (count < maxReceiveCount) {
            LOG.warn("{}: message {} failed (receive {} of {}; it is retried after the visibility timeout): {}", name,
                    m.messageId(), count, maxReceiveCount, reason);
            return;
        }
        if (deadLetterQueueUrl == null) {
            c.deadLetters.add(new DeadLetter(m.messageId(), count, reason, false));
            return; // left for the queue's redrive policy
        }
        Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
        attrs.put(ATTR_REASON, text(reason));
        attrs.put(ATTR_RECEIVE_COUNT, MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(count)).build());
        attrs.put(ATTR_MESSAGE_ID, text(m.messageId()));
        attrs.put(ATTR_SOURCE_QUEUE, text(queueUrl));
        try {
            sqs.sendMessage(b -> b.queueUrl(deadLetterQueueUrl).messageBody(m.body()).messageAttributes(attrs));
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            c.deadLetters.add(new DeadLetter(m.messageId(), count, reason, true));
        } catch (SdkException sendFailed) {
            LOG.warn("{}: could not move message {} to the dead-letter queue ({}); it stays in the queue", name,
                    m.messageId(), sendFailed.getMessage());
        }
    }

    private static MessageAttributeValue text(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    private static int receiveCount(Message m) {
        String v = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        try {
            return v == null ? 1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String s = m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "…" : s;
    }

    @Override
    public String toString() {
        return "SqsConsumer[" + queueUrl + ", " + consumers + " consumers]";
    }
}
