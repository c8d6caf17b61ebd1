package io.canarykit.detect;

import io.canarykit.CanaryRecord;
import io.canarykit.internal.Durations;
import io.canarykit.SelfUse;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The safety net's rule: a key's last-used time (from {@code GetAccessKeyLastUsed} or the credential report) that no
 * stored sighting and no recorded self-use explains means the key was used through an API CloudTrail does not log,
 * and becomes an {@link SightingKind#UNLOGGED_USE} sighting.
 *
 * <ul>
 *   <li>A use explains the last-used time if it lies within {@link Builder#explainTolerance} of it (default 15
 *       minutes: IAM records only the first use in a 15-minute span).</li>
 *   <li>A last-used time younger than {@link Builder#deliveryGrace} (default 20 minutes) is not judged yet: CloudTrail
 *       delivers its records about 5 minutes after the call, not guaranteed, so the record that explains it may still
 *       be on its way. The next poll judges it.</li>
 *   <li>The sighting's id is derived from the key and the time, so polling again never stores it twice; a second
 *       safety net reporting the same use finds it explained by the first one's sighting.</li>
 * </ul>
 * Limits that no polling can lift: last-used data keeps only the latest use, so an unlogged call followed within the
 * same 15 minutes by a logged one (or by the issuer's own check) is not seen separately; the logged one alerts anyway.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class UnloggedUseRule {
    private final Duration explainTolerance;
    private final Duration deliveryGrace;

    private UnloggedUseRule(Builder b) {
        this.explainTolerance = b.explainTolerance;
        this.deliveryGrace = b.deliveryGrace;
    }

    /** The rule with default tolerances. */
    public static UnloggedUseRule create() {
        return builder().build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** How long after the last use it is judged. */
    public Duration deliveryGrace() {
        return deliveryGrace;
    }

    /**
     * Judges one key's last use.
     *
     * @param source   the detector's source name
     * @param canary   the canary the key belongs to
     * @param lastUsed the last-used time, or {@code null} if never used
     * @param service  the service the key was last used with ({@code N/A} and {@code null} mean unknown)
     * @param region   the region, or {@code null}
     * @param stored   the canary's stored sightings
     * @param now      the current time
     * @return the unlogged-use sighting (matched to {@code canary}), or empty if the use is explained, too recent, or
     *         there is none
     */
    public Optional<Sighting> evaluate(String source, CanaryRecord canary, @Nullable Instant lastUsed,
                                       @Nullable String service, @Nullable String region, List<Sighting> stored,
                                       Instant now) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(canary, "canary");
        if (lastUsed == null || canary.accessKeyId() == null) {
            return Optional.empty();
        }
        if (now.isBefore(lastUsed.plus(deliveryGrace))) {
            return Optional.empty();
        }
        if (lastUsed.plus(explainTolerance).isBefore(canary.windowStart())) {
            return Optional.empty(); // a use before the key existed: stale data about another key
        }
        for (Sighting s : stored) {
            if (near(s.time(), lastUsed)) {
                return Optional.empty();
            }
        }
        for (SelfUse u : canary.selfUses()) {
            if (near(u.at(), lastUsed)) {
                return Optional.empty();
            }
        }
        return Optional.of(Sighting.builder()
                .source(source)
                .sourceEventId("unlogged:" + canary.accessKeyId() + ":" + lastUsed)
                .time(lastUsed)
                .kind(SightingKind.UNLOGGED_USE)
                .service(known(service))
                .region(known(region))
                .accessKeyId(canary.accessKeyId())
                .principalArn(canary.principal().arn())
                .canaryId(canary.id())
                .build());
    }

    private boolean near(Instant a, Instant b) {
        return Duration.between(a, b).abs().compareTo(explainTolerance) <= 0;
    }

    private static @Nullable String known(@Nullable String v) {
        return v == null || v.isBlank() || "N/A".equalsIgnoreCase(v) ? null : v;
    }

    /**
     * Builder for {@link UnloggedUseRule}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private Duration explainTolerance = Duration.ofMinutes(15);
        private Duration deliveryGrace = Duration.ofMinutes(20);

        private Builder() {
        }

        /** How far from the last-used time a sighting or self-use may be and still explain it (default 15 min). */
        public Builder explainTolerance(Duration v) {
            explainTolerance = nonNegative(v, "explainTolerance");
            return this;
        }

        /** How old a last-used time must be before it is judged (default 20 min). */
        public Builder deliveryGrace(Duration v) {
            deliveryGrace = nonNegative(v, "deliveryGrace");
            return this;
        }

        private static Duration nonNegative(Duration v, String name) {
            return Durations.nonNegative(v, name);
        }

        /** Builds the immutable {@link UnloggedUseRule}. */
        public UnloggedUseRule build() {
            return new UnloggedUseRule(this);
        }
    }
}
