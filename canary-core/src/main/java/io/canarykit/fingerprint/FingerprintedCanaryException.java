package io.canarykit.fingerprint;

import io.canarykit.CanaryException;

import java.util.Objects;

/**
 * A canary was refused because its fingerprint check found what gives it away. The message lists the findings (never
 * a secret); {@link #report()} has them all.
 *
 * @since 0.1.0
 */
public final class FingerprintedCanaryException extends CanaryException {
    private static final long serialVersionUID = 1L;

    private final transient FingerprintReport report;

    /** Wraps a report whose verdict was too bad to plant the canary. */
    public FingerprintedCanaryException(FingerprintReport report) {
        super(message(Objects.requireNonNull(report, "report")));
        this.report = report;
    }

    /** The report that caused the refusal. */
    public FingerprintReport report() {
        return report;
    }

    private static String message(FingerprintReport r) {
        StringBuilder sb = new StringBuilder("refusing to plant canary ").append(r.keyId().display()).append(": it is ")
                .append(r.verdict().jsonName());
        for (Finding f : r.findings()) {
            if (f.severity() != Severity.INFO) {
                sb.append("; ").append(f.severity().jsonName()).append(' ').append(f.code().code()).append(": ")
                        .append(f.message());
            }
        }
        return sb.append(". Issue it from another account or with another name, or set the fingerprint mode to warn.")
                .toString();
    }
}
