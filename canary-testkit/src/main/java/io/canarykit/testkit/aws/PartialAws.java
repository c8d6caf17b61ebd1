package io.canarykit.testkit.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * "Partial AWS": how an independent, incomplete implementation of IAM and STS (moto, LocalStack, an old region, a
 * proxy) behaves, so that tests can prove code that must survive it. Three behaviours, each configurable per emulator
 * instance and changeable at any time (the next call sees the change):
 *
 * <ul>
 *   <li><b>Unimplemented operations</b> ({@link #unimplemented}): the call is answered as an implementation that lacks
 *       it answers, {@link Unimplemented#EMPTY_500 HTTP 500 without a body} (the SDK sees no error code, no message
 *       and no request id) or {@linkplain Unimplemented#NOT_IMPLEMENTED a 501 NotImplemented error}. Nothing is
 *       changed and nothing is written to CloudTrail.</li>
 *   <li><b>Ignored parameters</b> ({@link #ignoreParameter}): the call succeeds, but the named request parameter is
 *       dropped before the call is served, as if it had never been sent: {@code PermissionsBoundary} on
 *       {@code iam:CreateUser} (moto), {@code Tags} on {@code iam:CreateUser}, {@code Policy} on
 *       {@code sts:GetFederationToken}, ... Query-protocol services only (IAM, STS); the parameter and its members
 *       ({@code Tags.member.1.Key}, ...) go.</li>
 *   <li><b>Eventually consistent deletes</b> ({@link #eventuallyConsistentDeletes}): a deleted IAM user is still
 *       returned by {@code GetUser}, {@code ListUsers} and {@code ListUserTags} (as it was when deleted) for a while
 *       on the emulator's clock, while every call that would change it answers {@code NoSuchEntity}, and its name can
 *       be used again at once.</li>
 * </ul>
 *
 * <pre>{@code
 * AwsEmulator aws = AwsEmulator.builder().partialAws(PartialAws.motoLike()).start();
 * aws.partialAws().unimplemented("iam:ListSigningCertificates", PartialAws.Unimplemented.NOT_IMPLEMENTED);
 * }</pre>
 *
 * <p>Patterns are {@code service:Operation} with {@code *} wildcards, case-insensitive, as in {@link FaultRule}.
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class PartialAws {
    /**
     * How an unimplemented operation is answered.
     *
     * @since 0.1.0
     */
    public enum Unimplemented {
        /** HTTP 500 with an empty body: no error code, no message, no request id. */
        EMPTY_500,
        /** HTTP 501 with the service's error shape and code {@code NotImplemented}. */
        NOT_IMPLEMENTED
    }

    private record UnimplementedRule(String pattern, Unimplemented how) {
    }

    private record IgnoreRule(String pattern, String parameter) {
    }

    private final List<UnimplementedRule> unimplemented = new CopyOnWriteArrayList<>();
    private final List<IgnoreRule> ignored = new CopyOnWriteArrayList<>();
    private volatile Duration deleteVisibility = Duration.ZERO;

    private PartialAws() {
    }

    /** A complete AWS: nothing missing, nothing ignored, deletes visible at once. */
    public static PartialAws none() {
        return new PartialAws();
    }

    /**
     * What was seen of moto (issue 15): {@code iam:ListServiceSpecificCredentials} answered with an HTTP 500 without a
     * body, and {@code PermissionsBoundary} on {@code iam:CreateUser} silently ignored (a later
     * {@code PutUserPermissionsBoundary} works).
     */
    public static PartialAws motoLike() {
        return none().unimplemented("iam:ListServiceSpecificCredentials", Unimplemented.EMPTY_500)
                .ignoreParameter("iam:CreateUser", "PermissionsBoundary");
    }

    /** Answers calls matching {@code pattern} ({@code "iam:ListServiceSpecificCredentials"}) as unimplemented. */
    public PartialAws unimplemented(String pattern, Unimplemented how) {
        unimplemented.add(new UnimplementedRule(checkPattern(pattern), Objects.requireNonNull(how, "how")));
        return this;
    }

    /**
     * Drops request parameter {@code parameter} (and its members) from calls matching {@code pattern} before they are
     * served: {@code ignoreParameter("iam:CreateUser", "PermissionsBoundary")}.
     */
    public PartialAws ignoreParameter(String pattern, String parameter) {
        Objects.requireNonNull(parameter, "parameter");
        if (parameter.isEmpty() || parameter.contains(".")) {
            throw new IllegalArgumentException("name a top-level parameter such as Tags or PermissionsBoundary, not '"
                    + parameter + "'");
        }
        ignored.add(new IgnoreRule(checkPattern(pattern), parameter));
        return this;
    }

    /**
     * Deleted IAM users stay visible to reads for {@code stillVisibleFor} on the emulator's clock (zero: deletes are
     * seen at once, the default).
     */
    public PartialAws eventuallyConsistentDeletes(Duration stillVisibleFor) {
        Objects.requireNonNull(stillVisibleFor, "stillVisibleFor");
        if (stillVisibleFor.isNegative()) {
            throw new IllegalArgumentException("the visibility of deleted users must not be negative: " + stillVisibleFor);
        }
        this.deleteVisibility = stillVisibleFor;
        return this;
    }

    /** Back to a complete AWS. */
    public PartialAws clear() {
        unimplemented.clear();
        ignored.clear();
        deleteVisibility = Duration.ZERO;
        return this;
    }

    /** An independent copy of this configuration. */
    public PartialAws copy() {
        PartialAws p = new PartialAws();
        p.restore(this);
        return p;
    }

    /** Makes this configuration equal to {@code other}'s. */
    void restore(PartialAws other) {
        List<UnimplementedRule> u = new ArrayList<>(other.unimplemented);
        List<IgnoreRule> i = new ArrayList<>(other.ignored);
        Duration d = other.deleteVisibility;
        unimplemented.clear();
        unimplemented.addAll(u);
        ignored.clear();
        ignored.addAll(i);
        deleteVisibility = d;
    }

    /** How a call of {@code qualifiedOperation} is answered when unimplemented, or {@code null}. */
    @Nullable Unimplemented unimplementedAs(String qualifiedOperation) {
        for (UnimplementedRule r : unimplemented) {
            if (Glob.matches(r.pattern(), qualifiedOperation, true)) {
                return r.how();
            }
        }
        return null;
    }

    /** Drops the ignored parameters of a Query-protocol request; returns the names dropped. */
    List<String> dropIgnored(String qualifiedOperation, Map<String, String> form) {
        List<String> dropped = new ArrayList<>();
        if (form == null) {
            return dropped;
        }
        for (IgnoreRule r : ignored) {
            if (Glob.matches(r.pattern(), qualifiedOperation, true)) {
                String p = r.parameter();
                if (form.keySet().removeIf(k -> k.equals(p) || k.startsWith(p + "."))) {
                    dropped.add(p);
                }
            }
        }
        return dropped;
    }

    Duration deleteVisibility() {
        return deleteVisibility;
    }

    private static String checkPattern(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.contains(":")) {
            throw new IllegalArgumentException("a pattern is service:Operation (e.g. iam:CreateUser), not '" + pattern
                    + "'");
        }
        return pattern;
    }

    @Override
    public String toString() {
        return "PartialAws[unimplemented=" + unimplemented + ", ignored=" + ignored + ", deletesVisibleFor="
                + deleteVisibility + "]";
    }
}
