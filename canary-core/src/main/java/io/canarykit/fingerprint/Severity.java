package io.canarykit.fingerprint;

/**
 * How much a finding gives a canary away, lowest first.
 *
 * @since 0.1.0
 */
public enum Severity {
    /** Worth knowing, gives nothing away on its own; does not change the verdict. */
    INFO("info"),
    /** A weak sign, or something that could not be checked; makes the verdict at least suspicious. */
    LOW("low"),
    /** A sign a careful attacker would notice; makes the verdict at least suspicious. */
    MEDIUM("medium"),
    /** A sign attacker tools check for, or an obvious giveaway; makes the verdict fingerprinted. */
    HIGH("high");

    private final String jsonName;

    Severity(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The lower-case name used in JSON: {@code info}, {@code low}, {@code medium} or {@code high}. */
    public String jsonName() {
        return jsonName;
    }
}
