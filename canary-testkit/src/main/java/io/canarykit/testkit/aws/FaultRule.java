package io.canarykit.testkit.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * One fault to inject: which calls it matches ({@code service:Operation} with {@code *} wildcards, where service is
 * the SigV4 signing name), on which of them it fires (the Nth, the first N, every one, a fraction, or those beyond a
 * rate), and what it does. Calls are counted from the moment the rule is added. Rules are cheap; add them per test
 * with {@link Faults#add(FaultRule)}. Thread-safe.
 *
 * <pre>{@code
 * aws.faults().add(FaultRule.on("iam:CreateAccessKey").onCall(3).then(FaultAction.connectionReset()));
 * aws.faults().add(FaultRule.on("iam:CreateAccessKey").onCall(1).afterApplying().then(FaultAction.serverError()));
 * aws.faults().add(FaultRule.on("iam:*").rateLimit(5).then(FaultAction.throttle()));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FaultRule {
    private enum Mode { EVERY, ON_CALLS, FIRST, PROBABILITY, RATE }

    private final String pattern;
    private final Mode mode;
    private final int[] calls;
    private final int first;
    private final double probability;
    /** Set for {@link Mode#PROBABILITY} only. */
    private final @Nullable Random random;
    private final int perSecond;
    private final boolean afterApplying;
    private final @Nullable String accountId;
    private final @Nullable String accessKeyId;
    private final FaultAction action;

    private final AtomicInteger matched = new AtomicInteger();
    private final AtomicInteger fired = new AtomicInteger();
    private final Map<String, ArrayDeque<Instant>> windows = new HashMap<>();

    private FaultRule(Builder b, FaultAction action) {
        this.pattern = b.pattern;
        this.mode = b.mode;
        this.calls = b.calls;
        this.first = b.first;
        this.probability = b.probability;
        this.random = b.random;
        this.perSecond = b.perSecond;
        this.afterApplying = b.afterApplying;
        this.accountId = b.accountId;
        this.accessKeyId = b.accessKeyId;
        this.action = action;
    }

    /**
     * Starts a rule for calls matching {@code pattern}: {@code "iam:CreateAccessKey"}, {@code "iam:*"},
     * {@code "*:*"} (case-insensitive; the service is the SigV4 signing name: {@code iam}, {@code sts},
     * {@code cloudtrail}, {@code s3}, {@code ec2}, ...).
     */
    public static Builder on(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.contains(":")) {
            throw new IllegalArgumentException("a fault pattern is service:Operation (e.g. iam:CreateAccessKey), not '"
                    + pattern + "'");
        }
        return new Builder(pattern);
    }

    /** How many calls matched this rule so far (whether or not it fired). */
    public int matchedCalls() {
        return matched.get();
    }

    /** How many times this rule fired. */
    public int firedCount() {
        return fired.get();
    }

    /** What the rule does when it fires. */
    public FaultAction action() {
        return action;
    }

    /** Whether the fault hits after the call took effect (the answer is lost, the change is kept). */
    public boolean afterApplying() {
        return afterApplying;
    }

    /** Counts a call and says whether the rule fires for it. */
    boolean evaluate(String qualifiedOperation, @Nullable String account, @Nullable String keyId, @Nullable String region,
                     Instant now) {
        if (!Glob.matches(pattern, qualifiedOperation, true)) {
            return false;
        }
        if (accountId != null && !accountId.equals(account)) {
            return false;
        }
        if (accessKeyId != null && !accessKeyId.equals(keyId)) {
            return false;
        }
        int n = matched.incrementAndGet();
        boolean fire = switch (mode) {
            case EVERY -> true;
            case ON_CALLS -> Arrays.binarySearch(calls, n) >= 0;
            case FIRST -> n <= first;
            case PROBABILITY -> {
                Random r = Objects.requireNonNull(random, "a probability rule always has its generator");
                synchronized (r) {
                    yield r.nextDouble() < probability;
                }
            }
            case RATE -> overRate(account + "|" + region, now);
        };
        if (fire) {
            fired.incrementAndGet();
        }
        return fire;
    }

    private synchronized boolean overRate(String key, Instant now) {
        ArrayDeque<Instant> window = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        Instant from = now.minus(Duration.ofSeconds(1));
        while (!window.isEmpty() && !window.peekFirst().isAfter(from)) {
            window.pollFirst();
        }
        if (window.size() >= perSecond) {
            return true;
        }
        window.addLast(now);
        return false;
    }

    @Override
    public String toString() {
        return "FaultRule[" + pattern + " " + mode.name().toLowerCase(Locale.ROOT)
                + (afterApplying ? " after applying" : "") + " -> " + action + "]";
    }

    /**
     * Builds a {@link FaultRule}; by default it fires on every matching call, before the call takes effect.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String pattern;
        private Mode mode = Mode.EVERY;
        private int[] calls = new int[0];
        private int first;
        private double probability;
        private @Nullable Random random;
        private int perSecond;
        private boolean afterApplying;
        private @Nullable String accountId;
        private @Nullable String accessKeyId;

        private Builder(String pattern) {
            this.pattern = pattern;
        }

        /** Fires on every matching call (the default). */
        public Builder always() {
            mode = Mode.EVERY;
            return this;
        }

        /** Fires on the given matching calls only (1-based: {@code onCall(3)} is the third call). */
        public Builder onCall(int... nth) {
            if (nth.length == 0) {
                throw new IllegalArgumentException("onCall needs at least one call number");
            }
            int[] sorted = nth.clone();
            Arrays.sort(sorted);
            if (sorted[0] < 1) {
                throw new IllegalArgumentException("call numbers start at 1, not " + sorted[0]);
            }
            mode = Mode.ON_CALLS;
            calls = sorted;
            return this;
        }

        /** Fires on the first {@code n} matching calls, then never again. */
        public Builder firstCalls(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("firstCalls needs n >= 1, not " + n);
            }
            mode = Mode.FIRST;
            first = n;
            return this;
        }

        /** Fires on each matching call with probability {@code p}, from a generator seeded with {@code seed}. */
        public Builder withProbability(double p, long seed) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probability must be within [0, 1], not " + p);
            }
            mode = Mode.PROBABILITY;
            probability = p;
            random = new Random(seed);
            return this;
        }

        /**
         * Fires for calls beyond {@code perSecond} within any one-second window of the emulator's clock, per account
         * and region (as AWS's API rate limits work). With a {@link MutableClock} that does not move, the window
         * never passes.
         */
        public Builder rateLimit(int perSecond) {
            if (perSecond < 1) {
                throw new IllegalArgumentException("rateLimit needs at least 1 call per second, not " + perSecond);
            }
            mode = Mode.RATE;
            this.perSecond = perSecond;
            return this;
        }

        /**
         * Lets the call take effect first, then replaces its answer (a lost response: the access key exists but the
         * caller never saw it). Without this the fault hits before the call does anything.
         */
        public Builder afterApplying() {
            afterApplying = true;
            return this;
        }

        /** Only calls by principals of this account. */
        public Builder inAccount(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /** Only calls signed with this access key id. */
        public Builder forAccessKey(String accessKeyId) {
            this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            return this;
        }

        /** Finishes the rule with what it does when it fires. */
        public FaultRule then(FaultAction action) {
            Objects.requireNonNull(action, "action");
            if (afterApplying && !action.terminal()) {
                throw new IllegalArgumentException("afterApplying needs an action that replaces the answer, not " + action);
            }
            return new FaultRule(this, action);
        }
    }
}
