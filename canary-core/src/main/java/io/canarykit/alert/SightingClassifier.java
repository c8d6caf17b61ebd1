package io.canarykit.alert;

import io.canarykit.CanaryRecord;
import io.canarykit.Classification;
import io.canarykit.SightingClass;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.internal.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.time.Instant;
import java.util.AbstractList;
import java.util.HashSet;
import org.jspecify.annotations.Nullable;

/**
 * Tells what a sighting was ({@link SightingClass}) and why. The rules, in order:
 * <ol>
 *   <li>{@code self-use}: the library's own call ({@link SightingKind#SELF_USE}).</li>
 *   <li>{@code exposed-publicly}: an {@link SightingKind#EXPOSURE_NOTICE} (AWS attached its quarantine policy, or
 *       AWS Health reported the key exposed); or, as AWS did before managed quarantine policies, a successful IAM
 *       policy write signed with the canary key by {@code aws-internal}: the canary denies everything, so only AWS
 *       itself can have made it succeed.</li>
 *   <li>{@code secret-scanner-verification}: a known scanner user agent (default {@code TruffleHog}); an unlogged use
 *       through SNS in last-used data (trufflehog verifies keys of known canary accounts with an {@code sns:Publish}
 *       to phone number "1", which CloudTrail does not log); or a {@code GetCallerIdentity} with no other call before
 *       it (how scanners verify other keys).</li>
 *   <li>{@code enumeration}: at least {@link Builder#enumerationCalls} distinct read calls ({@code Get}, {@code List},
 *       {@code Describe}, ...) within {@link Builder#enumerationWindow} around the sighting, as pacu or ScoutSuite
 *       make.</li>
 *   <li>{@code api-use}: anything else.</li>
 * </ol>
 * It reads only the sighting, the canary and the canary's other sightings: no network, no clock. Immutable and
 * thread-safe.
 *
 * @since 0.1.0
 */
public final class SightingClassifier {
    private static final Set<String> READ_PREFIXES = Set.of("Get", "List", "Describe", "Head", "Search", "Scan",
            "Query", "Lookup", "BatchGet", "Select");
    private static final Comparator<Sighting> TIME = Comparator.comparing(Sighting::time)
            .thenComparing(Sighting::source).thenComparing(Sighting::sourceEventId);

    private final List<String> scannerAgents;
    private final int enumerationCalls;
    private final Duration enumerationWindow;

    private SightingClassifier(Builder b) {
        this.scannerAgents = List.copyOf(b.scannerAgents);
        this.enumerationCalls = b.enumerationCalls;
        this.enumerationWindow = b.enumerationWindow;
    }

    /** The classifier with its defaults. */
    public static SightingClassifier create() {
        return builder().build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Classifies {@code s}, a sighting of {@code canary}.
     *
     * @param history the canary's stored sightings (any order; {@code s} may be among them)
     */
    public Classification classify(CanaryRecord canary, Sighting s, List<Sighting> history) {
        Objects.requireNonNull(s, "sighting");
        if (s.kind() == SightingKind.SELF_USE) {
            return Classification.of(SightingClass.SELF_USE, "the library's own " + call(s) + " with the canary"
                    + (s.requestId() == null ? "" : " (request " + s.requestId() + ")") + ", recorded when it was made");
        }
        if (s.kind() == SightingKind.EXPOSURE_NOTICE) {
            return exposureNotice(s);
        }
        if (legacyQuarantine(s)) {
            return new Classification(SightingClass.EXPOSED_PUBLICLY, List.of(
                    "a successful " + call(s) + " signed with the canary key by " + s.userAgent() + ": the canary denies"
                            + " every action, so only AWS itself can make an IAM policy write succeed",
                    "AWS puts a quarantine policy on keys it finds published (GitHub and other public sources)"));
        }
        String agent = s.userAgent() == null ? "" : s.userAgent();
        for (String scanner : scannerAgents) {
            if (agent.toLowerCase(Locale.ROOT).contains(scanner.toLowerCase(Locale.ROOT))) {
                return Classification.of(SightingClass.SECRET_SCANNER_VERIFICATION, "user agent '" + clip(agent)
                        + "' is the secret scanner " + scanner + ", which verifies every key it finds");
            }
        }
        if (s.kind() == SightingKind.UNLOGGED_USE && s.service() != null
                && s.service().toLowerCase(Locale.ROOT).startsWith("sns")) {
            return new Classification(SightingClass.SECRET_SCANNER_VERIFICATION, List.of(
                    "last-used data shows the key used with " + s.service() + " and CloudTrail logged no call",
                    "trufflehog verifies keys of known canary accounts with an sns:Publish to phone number \"1\","
                            + " which CloudTrail does not log"));
        }
        History h = history instanceof History known ? known : new History(history);
        Set<String> reads = h.readsAround(s, enumerationWindow);
        if (s.kind() == SightingKind.API_CALL && reads.size() >= enumerationCalls && (isRead(s.call())
                || "GetCallerIdentity".equals(s.call()))) {
            return new Classification(SightingClass.ENUMERATION, List.of(
                    (reads.size() >= History.ENOUGH ? "at least " : "") + reads.size() + " distinct read calls within "
                            + Durations.format(enumerationWindow) + " of this one: " + String.join(", ", first(new TreeSet<>(reads), 12)),
                    "many distinct reads in a short time is how pacu, ScoutSuite and similar tools enumerate"));
        }
        if (s.kind() == SightingKind.API_CALL && "GetCallerIdentity".equals(s.call())) {
            boolean anythingBefore = h.otherCallBefore(s);
            if (!anythingBefore) {
                return new Classification(SightingClass.SECRET_SCANNER_VERIFICATION, List.of(
                        "the use so far is only sts:GetCallerIdentity, which secret scanners call to verify a key"
                                + " they found",
                        "attackers call it first too: later calls reclassify what follows"));
            }
        }
        return Classification.of(SightingClass.API_USE, (s.kind() == SightingKind.UNLOGGED_USE
                ? "last-used data shows a use CloudTrail did not log" + (s.service() == null ? "" : " (" + s.service() + ")")
                : call(s) + (s.errorCode() == null ? " succeeded" : " was refused with " + s.errorCode()))
                + (s.sourceIp() == null ? "" : " from " + s.sourceIp()));
    }

    /**
     * Classifies each of {@code subjects} against one history (faster than one {@link #classify} call each: the history
     * is sorted once).
     */
    public List<Classification> classifyAll(CanaryRecord canary, List<Sighting> subjects, List<Sighting> history) {
        History h = new History(history);
        List<Classification> out = new ArrayList<>(subjects.size());
        for (Sighting s : subjects) {
            out.add(classify(canary, s, h));
        }
        return out;
    }

    /** A canary's API-call sightings in time order, with their read-call names worked out once. */
    private static final class History extends AbstractList<Sighting> {
        static final int ENOUGH = 50;
        private final List<Sighting> all;
        private final Sighting[] calls;
        private final String[] readNames;

        History(List<Sighting> history) {
            this.all = history;
            List<Sighting> api = new ArrayList<>();
            for (Sighting x : history) {
                if (x.kind() == SightingKind.API_CALL) {
                    api.add(x);
                }
            }
            api.sort(TIME);
            calls = api.toArray(new Sighting[0]);
            readNames = new String[calls.length];
            for (int i = 0; i < calls.length; i++) {
                readNames[i] = isRead(calls[i].call()) ? call(calls[i]) : null;
            }
        }

        /** The distinct read calls within {@code window} either side of {@code s} (at most {@link #ENOUGH}). */
        Set<String> readsAround(Sighting s, Duration window) {
            Instant from = s.time().minus(window);
            Instant to = s.time().plus(window);
            int lo = 0;
            int hi = calls.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (calls[mid].time().isBefore(from)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            Set<String> reads = new HashSet<>();
            for (int i = lo; i < calls.length && !calls[i].time().isAfter(to) && reads.size() < ENOUGH; i++) {
                if (readNames[i] != null) {
                    reads.add(readNames[i]);
                }
            }
            return reads;
        }

        /** True if a call other than GetCallerIdentity came before {@code s}. */
        boolean otherCallBefore(Sighting s) {
            for (Sighting x : calls) {
                if (!x.time().isBefore(s.time())) {
                    return false;
                }
                if (!"GetCallerIdentity".equals(x.call())) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Sighting get(int index) {
            return all.get(index);
        }

        @Override
        public int size() {
            return all.size();
        }
    }

    /** The class of an alert: the most severe of its sightings' (ties: the first in alert order). */
    public static Classification overall(List<Classification> each) {
        Classification best = null;
        for (Classification c : each) {
            if (best == null || c.severity().compareTo(best.severity()) > 0) {
                best = c;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("an alert has at least one sighting");
        }
        return best;
    }

    private static Classification exposureNotice(Sighting s) {
        if ("aws.health".equals(s.service())) {
            return new Classification(SightingClass.EXPOSED_PUBLICLY, List.of(
                    "AWS Health reported " + s.call() + " for key " + s.accessKeyId(),
                    "AWS sends it when it finds a key published"));
        }
        return new Classification(SightingClass.EXPOSED_PUBLICLY, List.of(
                "AWS attached its compromised-key quarantine policy to the canary's user (" + call(s) + " by "
                        + (s.userAgent() == null ? "AWS" : s.userAgent()) + ")",
                "AWS does this when it finds a key published (GitHub and other public sources)"));
    }

    private static boolean legacyQuarantine(Sighting s) {
        String agent = s.userAgent() == null ? "" : s.userAgent();
        // aws-internal/<n> is AWS's own SDK; "AWS Internal" is also what console calls record, so it proves nothing
        return s.kind() == SightingKind.API_CALL && s.errorCode() == null && "iam.amazonaws.com".equals(s.service())
                && ("PutUserPolicy".equals(s.call()) || "AttachUserPolicy".equals(s.call()))
                && agent.startsWith("aws-internal/") && s.principalArn() != null && s.principalArn().contains(":user/");
    }

    private static boolean isRead(@Nullable String call) {
        if (call == null) {
            return false;
        }
        for (String p : READ_PREFIXES) {
            if (call.startsWith(p) && call.length() > p.length() && Character.isUpperCase(call.charAt(p.length()))) {
                return true;
            }
        }
        return false;
    }

    private static String call(Sighting s) {
        String service = s.service() == null ? "?" : s.service().replace(".amazonaws.com", "");
        return service + ":" + (s.call() == null ? "?" : s.call());
    }

    private static List<String> first(Set<String> set, int n) {
        List<String> out = new ArrayList<>();
        for (String x : set) {
            if (out.size() == n) {
                out.add("...");
                break;
            }
            out.add(x);
        }
        return out;
    }

    private static String clip(String v) {
        return v.length() > 120 ? v.substring(0, 120) + "..." : v;
    }

    @Override
    public String toString() {
        return "SightingClassifier[scanners " + scannerAgents + ", enumeration " + enumerationCalls + " reads in "
                + enumerationWindow + "]";
    }

    /**
     * Builder for {@link SightingClassifier}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private List<String> scannerAgents = List.of("TruffleHog");
        private int enumerationCalls = 8;
        private Duration enumerationWindow = Duration.ofMinutes(10);

        private Builder() {
        }

        /** User-agent fragments of secret scanners that verify keys (case-insensitive; default {@code TruffleHog}). */
        public Builder scannerUserAgents(List<String> v) {
            scannerAgents = List.copyOf(v);
            return this;
        }

        /** Distinct read calls that make a burst enumeration (default 8). */
        public Builder enumerationCalls(int v) {
            if (v < 2) {
                throw new io.canarykit.CanaryConfigurationException("enumeration needs at least 2 distinct calls, was " + v);
            }
            enumerationCalls = v;
            return this;
        }

        /** The time either side of a sighting in which the reads are counted (default 10 minutes). */
        public Builder enumerationWindow(Duration v) {
            enumerationWindow = Durations.positive(v, "enumerationWindow");
            return this;
        }

        /** The classifier. */
        public SightingClassifier build() {
            return new SightingClassifier(this);
        }
    }
}
