package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.CredentialKind;
import io.canarykit.Sighting;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorContext;
import io.canarykit.detect.UnloggedUseRule;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.GetAccessKeyLastUsedResponse;
import software.amazon.awssdk.services.iam.model.IamException;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Detector {@code access-key-last-used}, a safety net: asks IAM when each watched long-term canary key was last used
 * ({@code GetAccessKeyLastUsed}), paced, and turns a last use that no stored sighting explains into an
 * {@link io.canarykit.SightingKind#UNLOGGED_USE} sighting ("used through an API that is not logged"; see
 * {@link UnloggedUseRule}). Short-term canaries have no last-used data and are skipped. It runs after the CloudTrail
 * detectors of a pass ({@link Detector#ORDER_SAFETY_NET}), so that what they stored explains what it can.
 *
 * <p>Stateless between passes: the sighting's id is derived from the key and the time, so asking again stores
 * nothing twice. Thread-safe for one poll at a time.
 *
 * @since 0.1.0
 */
public final class AccessKeyLastUsedDetector implements Detector {
    private static final Logger LOG = LoggerFactory.getLogger(AccessKeyLastUsedDetector.class);

    private final String source;
    private final Function<String, IamClient> clients;
    private final Duration pace;
    private final UnloggedUseRule rule;
    private final Sleeper sleeper;

    /**
     * Waits between calls; tests pass one that does not.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits for {@code d}. */
        void sleep(Duration d) throws InterruptedException;
    }

    private AccessKeyLastUsedDetector(Builder b) {
        this.source = b.source;
        this.clients = Objects.requireNonNull(b.clients, "clients"); // build() checked it
        this.pace = b.pace;
        this.rule = b.rule;
        this.sleeper = b.sleeper;
    }

    /** A builder; {@link Builder#clients} (or {@link Builder#client}) is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int order() {
        return ORDER_SAFETY_NET;
    }

    @Override
    public void poll(DetectorContext context, Consumer<Sighting> sink) {
        boolean first = true;
        for (CanaryRecord c : context.watchedCanaries()) {
            if (c.kind() != CredentialKind.IAM_USER || c.accessKeyId() == null) {
                continue;
            }
            IamClient iam = clients.apply(c.accountId());
            if (iam == null) {
                LOG.debug("{}: no IAM client for account {}; canary {} skipped", source, c.accountId(), c.id());
                continue;
            }
            if (!first) {
                pause();
            }
            first = false;
            GetAccessKeyLastUsedResponse r;
            try {
                r = iam.getAccessKeyLastUsed(b -> b.accessKeyId(c.accessKeyId()));
            } catch (IamException e) {
                if (!c.status().isLive()) {
                    LOG.debug("{}: closed canary {} has no last-used data any more: {}", source, c.id(), e.getMessage());
                    continue;
                }
                throw e;
            }
            context.readUpTo(context.clock().instant()); // IAM answers as of now (its own data lags up to hours)
            AccessKeyLastUsed used = r.accessKeyLastUsed();
            if (used == null || used.lastUsedDate() == null) {
                continue;
            }
            Instant now = context.clock().instant();
            rule.evaluate(source, c, used.lastUsedDate(), used.serviceName(), used.region(), context.sightings(c.id()), now)
                    .ifPresent(s -> {
                        LOG.debug("{}: canary {} was last used at {} ({}, {}) and no CloudTrail record explains it",
                                source, c.id(), used.lastUsedDate(), used.serviceName(), used.region());
                        sink.accept(s);
                    });
        }
    }

    private void pause() {
        if (pace.isZero()) {
            return;
        }
        try {
            sleeper.sleep(pace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pacing GetAccessKeyLastUsed", e);
        }
    }

    @Override
    public String toString() {
        return "AccessKeyLastUsedDetector[pace " + pace + "]";
    }

    /**
     * Builder for {@link AccessKeyLastUsedDetector}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String source = "access-key-last-used";
        private @Nullable Function<String, IamClient> clients;
        private Duration pace = Duration.ofMillis(200);
        private UnloggedUseRule rule = UnloggedUseRule.create();
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder() {
        }

        /** The IAM client of an account (required), or {@code null} if the account is not reachable. */
        public Builder clients(Function<String, IamClient> v) {
            clients = Objects.requireNonNull(v, "clients");
            return this;
        }

        /** One IAM client for every account (its credentials must reach the canaries' accounts). */
        public Builder client(IamClient v) {
            Objects.requireNonNull(v, "client");
            clients = account -> v;
            return this;
        }

        /** The wait between two calls (default 200 ms: 5 per second, well inside IAM's limits). */
        public Builder pace(Duration v) {
            Objects.requireNonNull(v, "pace");
            if (v.isNegative()) {
                throw new CanaryConfigurationException("access-key-last-used pace must not be negative: " + v);
            }
            pace = v;
            return this;
        }

        /** The rule that decides what is unlogged (default {@link UnloggedUseRule#create()}). */
        public Builder rule(UnloggedUseRule v) {
            rule = Objects.requireNonNull(v, "rule");
            return this;
        }

        /** How to wait (default {@link Thread#sleep}). */
        public Builder sleeper(Sleeper v) {
            sleeper = Objects.requireNonNull(v, "sleeper");
            return this;
        }

        /** The source name recorded in sightings (default {@code access-key-last-used}). */
        public Builder source(String v) {
            source = Objects.requireNonNull(v, "source");
            return this;
        }

        /**
         * Builds the detector.
         *
         * @throws CanaryConfigurationException if no IAM client was given
         */
        public AccessKeyLastUsedDetector build() {
            if (clients == null) {
                throw new CanaryConfigurationException("the access-key-last-used detector needs an IAM client");
            }
            return new AccessKeyLastUsedDetector(this);
        }
    }
}
