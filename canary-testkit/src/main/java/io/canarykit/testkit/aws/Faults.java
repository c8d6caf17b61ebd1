package io.canarykit.testkit.aws;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The emulator's fault injection: {@link FaultRule}s (errors, throttling, connection resets, latency, on the Nth call
 * or at a rate) and eventual consistency (new access keys and roles not yet usable). Thread-safe; changes apply to the
 * next call.
 *
 * @since 0.1.0
 */
public final class Faults {
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final Duration defaultKeyPropagationDelay;
    private final Duration defaultRolePropagationDelay;
    private volatile Duration keyPropagationDelay;
    private volatile Duration rolePropagationDelay;

    Faults(Duration defaultKeyPropagationDelay, Duration defaultRolePropagationDelay) {
        this.defaultKeyPropagationDelay = defaultKeyPropagationDelay;
        this.defaultRolePropagationDelay = defaultRolePropagationDelay;
        this.keyPropagationDelay = defaultKeyPropagationDelay;
        this.rolePropagationDelay = defaultRolePropagationDelay;
    }

    /** Adds a rule; returns it so the test can read its counters later. */
    public FaultRule add(FaultRule rule) {
        rules.add(Objects.requireNonNull(rule, "rule"));
        return rule;
    }

    /** Shortcut: {@code action} on the {@code n}th call of {@code operation} ({@code "iam:CreateAccessKey"}). */
    public FaultRule failNthCall(String operation, int n, FaultAction action) {
        return add(FaultRule.on(operation).onCall(n).then(action));
    }

    /** Shortcut: {@code action} on every call of {@code operation}. */
    public FaultRule failEvery(String operation, FaultAction action) {
        return add(FaultRule.on(operation).then(action));
    }

    /** Shortcut: adds {@code delay} to every call of {@code operation}. */
    public FaultRule latency(String operation, Duration delay) {
        return add(FaultRule.on(operation).then(FaultAction.latency(delay)));
    }

    /** Shortcut: answers the service's throttling error beyond {@code perSecond} calls per account and region. */
    public FaultRule throttle(String operation, int perSecond) {
        return add(FaultRule.on(operation).rateLimit(perSecond).then(FaultAction.throttle()));
    }

    /** Removes one rule. */
    public void remove(FaultRule rule) {
        rules.remove(rule);
    }

    /** The rules in force, in the order added. */
    public List<FaultRule> rules() {
        return List.copyOf(rules);
    }

    /**
     * Eventual consistency for access keys: a key created less than {@code delay} ago (emulator clock) is refused with
     * {@code InvalidClientTokenId}, as IAM does while a new key propagates.
     */
    public Faults keyPropagationDelay(Duration delay) {
        this.keyPropagationDelay = nonNegative(delay);
        return this;
    }

    /**
     * Eventual consistency for roles: {@code sts:AssumeRole} on a role created less than {@code delay} ago is refused
     * with {@code AccessDenied}.
     */
    public Faults rolePropagationDelay(Duration delay) {
        this.rolePropagationDelay = nonNegative(delay);
        return this;
    }

    /**
     * Removes every rule and puts both propagation delays back to the emulator's configured defaults
     * ({@link AwsEmulator.Builder#keyPropagationDelay(Duration)}, zero unless set).
     */
    public void clear() {
        rules.clear();
        keyPropagationDelay = defaultKeyPropagationDelay;
        rolePropagationDelay = defaultRolePropagationDelay;
    }

    Duration keyPropagationDelay() {
        return keyPropagationDelay;
    }

    Duration rolePropagationDelay() {
        return rolePropagationDelay;
    }

    List<FaultRule> active() {
        return rules;
    }

    private static Duration nonNegative(Duration d) {
        Objects.requireNonNull(d, "delay");
        if (d.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + d);
        }
        return d;
    }
}
