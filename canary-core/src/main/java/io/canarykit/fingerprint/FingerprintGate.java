package io.canarykit.fingerprint;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Principal;
import io.canarykit.config.CanaryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the issuance flow calls on every canary before planting it: runs a {@link FingerprintCheck} with the
 * organisation's accounts and, by {@link FingerprintMode}, warns about or refuses a canary whose verdict is at or above
 * a threshold. Immutable and thread-safe.
 *
 * <p>Configuration keys ({@link #fromConfig(CanaryConfig)}):
 * <ul>
 *   <li>{@code fingerprint.mode}: {@code off}, {@code warn} or {@code refuse} (default {@code refuse})</li>
 *   <li>{@code fingerprint.threshold}: {@code suspicious} or {@code fingerprinted} (default {@code fingerprinted})</li>
 *   <li>{@code fingerprint.organisation-accounts}: comma-separated 12-digit account ids</li>
 *   <li>{@code fingerprint.organisation-accounts-file}: a file of account ids, one per line</li>
 *   <li>{@code fingerprint.known-accounts-file}: a file of extra known canary accounts, added to the bundled lists</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class FingerprintGate {
    private static final Logger LOG = LoggerFactory.getLogger(FingerprintGate.class);

    private final FingerprintCheck check;
    private final FingerprintMode mode;
    private final Verdict threshold;
    private final Set<String> organisationAccounts;

    private FingerprintGate(Builder b) {
        this.check = b.check == null ? FingerprintCheck.create() : b.check;
        this.mode = b.mode;
        this.threshold = b.threshold;
        this.organisationAccounts = Set.copyOf(b.organisationAccounts);
    }

    /** A builder: the default check, mode {@code refuse}, threshold {@code fingerprinted}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A gate from configuration (keys in the class documentation).
     *
     * @throws CanaryConfigurationException for a bad mode, threshold, account id or file
     */
    public static FingerprintGate fromConfig(CanaryConfig config) {
        Builder b = builder()
                .mode(FingerprintMode.fromConfigName(config.getString("fingerprint.mode", "refuse")))
                .threshold(verdict(config.getString("fingerprint.threshold", "fingerprinted")));
        b.organisationAccounts(config.getList("fingerprint.organisation-accounts", List.of()));
        if (config.has("fingerprint.organisation-accounts-file")) {
            // has(...) is true, so the path is set
            Path file = Objects.requireNonNull(config.getPath("fingerprint.organisation-accounts-file"),
                    "fingerprint.organisation-accounts-file");
            b.organisationAccounts(FingerprintContext.readAccounts(file));
        }
        if (config.has("fingerprint.known-accounts-file")) {
            // has(...) is true, so the path is set
            Path file = Objects.requireNonNull(config.getPath("fingerprint.known-accounts-file"),
                    "fingerprint.known-accounts-file");
            b.check(FingerprintCheck.builder()
                    .knownAccounts(KnownCanaryAccounts.builder().addBundled().addFile(file).build()).build());
        }
        return b.build();
    }

    /** The mode. */
    public FingerprintMode mode() {
        return mode;
    }

    /**
     * Checks a canary about to be planted. With {@code off} nothing is checked and the result is {@code null}; with
     * {@code warn} a verdict at or above the threshold is logged at WARN and the report returned; with {@code refuse}
     * it is thrown.
     *
     * @param target  the canary, not {@code null}
     * @param context its surroundings, may be {@code null}; the gate's organisation accounts are added to it
     * @return the report, or {@code null} when the mode is {@code off}
     * @throws FingerprintedCanaryException in {@code refuse} mode when the verdict is at or above the threshold
     */
    public @Nullable FingerprintReport admit(FingerprintTarget target, @Nullable FingerprintContext context) {
        Objects.requireNonNull(target, "target");
        if (mode == FingerprintMode.OFF) {
            return null;
        }
        FingerprintContext ctx = context == null ? FingerprintContext.none() : context;
        if (!organisationAccounts.isEmpty()) {
            Set<String> org = new LinkedHashSet<>(ctx.organisationAccounts());
            org.addAll(organisationAccounts);
            ctx = new FingerprintContext(org, ctx.neighbourKeyIds(), ctx.neighbourArns(), ctx.neighboursShortTerm());
        }
        FingerprintReport report = check.check(target, ctx);
        if (report.isAtLeast(threshold)) {
            if (mode == FingerprintMode.REFUSE) {
                throw new FingerprintedCanaryException(report);
            }
            LOG.warn("planting canary {} although it is {}: {}", report.keyId().display(),
                    report.verdict().jsonName(), report.findings());
        }
        return report;
    }

    private static Verdict verdict(String name) {
        for (Verdict v : Verdict.values()) {
            if (v != Verdict.CLEAN && v.jsonName().equalsIgnoreCase(name.trim())) {
                return v;
            }
        }
        throw new CanaryConfigurationException("unknown fingerprint threshold '" + name
                + "': expected suspicious or fingerprinted");
    }

    /**
     * Builds a {@link FingerprintGate}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable FingerprintCheck check;
        private FingerprintMode mode = FingerprintMode.REFUSE;
        private Verdict threshold = Verdict.FINGERPRINTED;
        private final Set<String> organisationAccounts = new LinkedHashSet<>();

        private Builder() {
        }

        /** The check to run; {@link FingerprintCheck#create()} when not set. */
        public Builder check(FingerprintCheck check) {
            this.check = Objects.requireNonNull(check, "check");
            return this;
        }

        /** Off, warn or refuse. */
        public Builder mode(FingerprintMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The verdict at which to warn or refuse: {@link Verdict#SUSPICIOUS} or {@link Verdict#FINGERPRINTED}.
         *
         * @throws CanaryConfigurationException for {@link Verdict#CLEAN}, which would refuse every canary
         */
        public Builder threshold(Verdict threshold) {
            Objects.requireNonNull(threshold, "threshold");
            if (threshold == Verdict.CLEAN) {
                throw new CanaryConfigurationException("a fingerprint threshold of clean would refuse every canary:"
                        + " use suspicious or fingerprinted");
            }
            this.threshold = threshold;
            return this;
        }

        /** The organisation's accounts, added to every check's context. */
        public Builder organisationAccounts(Collection<String> accountIds) {
            for (String a : accountIds) {
                organisationAccounts.add(Principal.requireAccount(a.trim()));
            }
            return this;
        }

        /** The gate. */
        public FingerprintGate build() {
            return new FingerprintGate(this);
        }
    }
}
