package io.canarykit.fingerprint;

import java.util.List;
import java.util.Objects;

/**
 * The result of a {@link FingerprintCheck}: the parsed key id, every finding (most severe first) and the verdict.
 *
 * @param keyId    the parsed key id (prefix, type, format, strict and lenient account)
 * @param findings the findings, most severe first; empty when nothing was found
 * @param verdict  the overall verdict, {@link Verdict#of(java.util.Collection)} of the findings
 *
 * @since 0.1.0
 */
public record FingerprintReport(KeyId keyId, List<Finding> findings, Verdict verdict) {
    public FingerprintReport {
        Objects.requireNonNull(keyId, "keyId");
        findings = List.copyOf(findings);
        Objects.requireNonNull(verdict, "verdict");
        if (verdict != Verdict.of(findings)) {
            throw new IllegalArgumentException("verdict " + verdict + " does not follow from the findings");
        }
    }

    /** A report whose verdict follows from the findings. */
    public static FingerprintReport of(KeyId keyId, List<Finding> findings) {
        return new FingerprintReport(keyId, findings, Verdict.of(findings));
    }

    /** True when a finding with this code is present. */
    public boolean has(FindingCode code) {
        return findings.stream().anyMatch(f -> f.code() == code);
    }

    /** The findings with this code. */
    public List<Finding> findings(FindingCode code) {
        return findings.stream().filter(f -> f.code() == code).toList();
    }

    /** True when the verdict is {@code verdict} or worse. */
    public boolean isAtLeast(Verdict verdict) {
        return this.verdict.compareTo(verdict) >= 0;
    }

    /** One line per finding under a heading line, for people. */
    public String describe() {
        StringBuilder sb = new StringBuilder(keyId.display()).append(": ").append(verdict.jsonName());
        for (Finding f : findings) {
            sb.append(System.lineSeparator()).append("  ").append(f);
        }
        return sb.toString();
    }
}
