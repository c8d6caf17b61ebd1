package io.canarykit.fingerprint;

import java.util.Collection;

/**
 * The overall result of a fingerprint check.
 *
 * @since 0.1.0
 */
public enum Verdict {
    /** Nothing above {@link Severity#INFO} was found. */
    CLEAN("clean"),
    /** At least one {@link Severity#LOW} or {@link Severity#MEDIUM} finding, none {@link Severity#HIGH}. */
    SUSPICIOUS("suspicious"),
    /** At least one {@link Severity#HIGH} finding: an attacker (or their tool) will recognise the canary. */
    FINGERPRINTED("fingerprinted");

    private final String jsonName;

    Verdict(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The lower-case name used in JSON: {@code clean}, {@code suspicious} or {@code fingerprinted}. */
    public String jsonName() {
        return jsonName;
    }

    /** The verdict for a set of findings: any high → fingerprinted, any low or medium → suspicious, else clean. */
    public static Verdict of(Collection<Finding> findings) {
        Verdict v = CLEAN;
        for (Finding f : findings) {
            if (f.severity() == Severity.HIGH) {
                return FINGERPRINTED;
            }
            if (f.severity() != Severity.INFO) {
                v = SUSPICIOUS;
            }
        }
        return v;
    }
}
