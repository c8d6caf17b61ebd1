package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.internal.Durations;
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
import software.amazon.awssdk.services.iam.model.CredentialReportExpiredException;
import software.amazon.awssdk.services.iam.model.CredentialReportNotPresentException;
import software.amazon.awssdk.services.iam.model.CredentialReportNotReadyException;
import software.amazon.awssdk.services.iam.model.GenerateCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.GetCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.ReportStateType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Detector {@code credential-report}, a safety net like {@link AccessKeyLastUsedDetector} with one IAM call per account
 * instead of one per key: reads the account's credential report (CSV), reusing a report for 4 hours (as IAM itself
 * does: a report younger than that is not generated again), and turns a canary user's last key use that no stored
 * sighting explains into an {@link io.canarykit.SightingKind#UNLOGGED_USE} sighting (see {@link UnloggedUseRule}).
 *
 * <p>The report carries no access key ids: a canary is found by its user's ARN (or name), and the latest use of any of
 * the user's keys counts. It records only the first use in each 15-minute span.
 *
 * <p>Thread-safe for one poll at a time; the reports it holds are shared by later polls.
 *
 * @since 0.1.0
 */
public final class CredentialReportDetector implements Detector {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialReportDetector.class);

    private final String source;
    private final Function<String, IamClient> clients;
    private final Duration reuse;
    private final Duration generationPoll;
    private final Duration maxWait;
    private final UnloggedUseRule rule;
    private final AccessKeyLastUsedDetector.Sleeper sleeper;
    private final Map<String, CredentialReport> reports = new ConcurrentHashMap<>();

    private CredentialReportDetector(Builder b) {
        this.source = b.source;
        this.clients = Objects.requireNonNull(b.clients, "clients"); // build() checked it
        this.reuse = b.reuse;
        this.generationPoll = b.generationPoll;
        this.maxWait = b.maxWait;
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
        Map<String, List<CanaryRecord>> byAccount = new TreeMap<>();
        for (CanaryRecord c : context.watchedCanaries()) {
            if (c.kind() == CredentialKind.IAM_USER && c.accessKeyId() != null) {
                byAccount.computeIfAbsent(c.accountId(), k -> new ArrayList<>()).add(c);
            }
        }
        for (Map.Entry<String, List<CanaryRecord>> e : byAccount.entrySet()) {
            IamClient iam = clients.apply(e.getKey());
            if (iam == null) {
                LOG.debug("{}: no IAM client for account {}; skipped", source, e.getKey());
                continue;
            }
            Instant now = context.clock().instant();
            CredentialReport report = report(e.getKey(), iam, now);
            context.readUpTo(report.generatedAt()); // the report is IAM's view as of then
            for (CanaryRecord c : e.getValue()) {
                report.row(c.principal().arn(), c.principal().name()).flatMap(CredentialReport.Row::lastUse).ifPresent(use ->
                        rule.evaluate(source, c, use.lastUsed(), use.service(), use.region(), context.sightings(c.id()), now)
                                .ifPresent(sink));
            }
        }
    }

    /** The account's report: the one held if younger than the reuse time, else IAM's (generated if needed). */
    private CredentialReport report(String account, IamClient iam, Instant now) {
        CredentialReport held = reports.get(account);
        if (held != null && now.isBefore(held.generatedAt().plus(reuse))) {
            return held;
        }
        CredentialReport fetched = fetch(iam, now);
        if (fetched == null) {
            generate(iam);
            fetched = fetch(iam, now);
            if (fetched == null) {
                throw new IllegalStateException("IAM generated a credential report for account " + account
                        + " but does not return it");
            }
        }
        reports.put(account, fetched);
        LOG.debug("{}: credential report of {} generated at {} ({} users)", source, account, fetched.generatedAt(),
                fetched.size());
        return fetched;
    }

    /** The current report if it is younger than the reuse time, else null. */
    private @Nullable CredentialReport fetch(IamClient iam, Instant now) {
        GetCredentialReportResponse r;
        try {
            r = iam.getCredentialReport();
        } catch (CredentialReportNotPresentException | CredentialReportExpiredException | CredentialReportNotReadyException e) {
            return null;
        }
        Instant generated = r.generatedTime();
        if (generated == null || !now.isBefore(generated.plus(reuse))) {
            return null;
        }
        return CredentialReport.parse(r.content().asString(StandardCharsets.UTF_8), generated);
    }

    private void generate(IamClient iam) {
        long waited = 0;
        while (true) {
            GenerateCredentialReportResponse g = iam.generateCredentialReport();
            if (g.state() == ReportStateType.COMPLETE) {
                return;
            }
            if (waited >= maxWait.toMillis()) {
                throw new IllegalStateException("the credential report is still " + g.stateAsString() + " after "
                        + maxWait + "; the next pass tries again");
            }
            try {
                sleeper.sleep(generationPoll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a credential report", e);
            }
            waited += generationPoll.toMillis();
        }
    }

    @Override
    public String toString() {
        return "CredentialReportDetector[reuse " + reuse + "]";
    }

    /**
     * Builder for {@link CredentialReportDetector}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String source = "credential-report";
        private @Nullable Function<String, IamClient> clients;
        private Duration reuse = Duration.ofHours(4);
        private Duration generationPoll = Duration.ofSeconds(2);
        private Duration maxWait = Duration.ofMinutes(2);
        private UnloggedUseRule rule = UnloggedUseRule.create();
        private AccessKeyLastUsedDetector.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder() {
        }

        /** The IAM client of an account (required), or {@code null} if the account is not reachable. */
        public Builder clients(Function<String, IamClient> v) {
            clients = Objects.requireNonNull(v, "clients");
            return this;
        }

        /** One IAM client for every account. */
        public Builder client(IamClient v) {
            Objects.requireNonNull(v, "client");
            clients = account -> v;
            return this;
        }

        /** How long a report is used before a new one is asked for (default 4 hours, as IAM). */
        public Builder reuse(Duration v) {
            reuse = positive(v, "reuse");
            return this;
        }

        /** The wait between polls while a report is generated (default 2 s). */
        public Builder generationPoll(Duration v) {
            generationPoll = positive(v, "generationPoll");
            return this;
        }

        /** How long to wait for a report to be generated (default 2 minutes). */
        public Builder maxWait(Duration v) {
            maxWait = positive(v, "maxWait");
            return this;
        }

        /** The rule that decides what is unlogged (default {@link UnloggedUseRule#create()}). */
        public Builder rule(UnloggedUseRule v) {
            rule = Objects.requireNonNull(v, "rule");
            return this;
        }

        /** How to wait (default {@link Thread#sleep}). */
        public Builder sleeper(AccessKeyLastUsedDetector.Sleeper v) {
            sleeper = Objects.requireNonNull(v, "sleeper");
            return this;
        }

        /** The source name recorded in sightings (default {@code credential-report}). */
        public Builder source(String v) {
            source = Objects.requireNonNull(v, "source");
            return this;
        }

        private static Duration positive(Duration v, String name) {
            return Durations.positive(v, "credential-report " + name);
        }

        /**
         * Builds the detector.
         *
         * @throws CanaryConfigurationException if no IAM client was given
         */
        public CredentialReportDetector build() {
            if (clients == null) {
                throw new CanaryConfigurationException("the credential-report detector needs an IAM client");
            }
            return new CredentialReportDetector(this);
        }
    }
}
