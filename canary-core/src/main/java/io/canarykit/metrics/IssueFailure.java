package io.canarykit.metrics;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.fingerprint.FingerprintedCanaryException;
import io.canarykit.issue.CanaryIssuerException;
import io.canarykit.issue.IssuanceException;
import io.canarykit.issue.QuotaExhaustedException;
import io.canarykit.store.CanaryStoreException;

import java.util.Locale;

/**
 * Why an issuance failed, as a small fixed set of values fit for a metric tag ({@link #label()}).
 *
 * @since 0.1.0
 */
public enum IssueFailure {
    /** Every account that could issue the kind is full. */
    QUOTA_EXHAUSTED,
    /** AWS kept throttling. */
    THROTTLED,
    /** Every name tried was taken. */
    NAME_TAKEN,
    /** AWS refused the request (access denied, invalid input): the setup needs fixing. */
    REFUSED,
    /** AWS or the network failed. */
    UNAVAILABLE,
    /** The new key never authenticated within the wait. */
    KEY_NOT_ACTIVE,
    /** AWS did not apply what was asked (read back). */
    NOT_APPLIED,
    /** The issued credential failed a check, or the fingerprint gate refused it. */
    CHECK_FAILED,
    /** The request or the configuration is wrong (an unknown placement, policies that would allow something). */
    CONFIGURATION,
    /** Planting the credential failed. */
    PLACEMENT,
    /** The store failed. */
    STORE,
    /** Anything else. */
    OTHER;

    /** The lower-case, dashed name used as a metric tag, such as {@code quota-exhausted}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The cause of a failed issuance from what it threw.
     *
     * @param e       what the issuance threw
     * @param placing true if it failed while planting the credential (after AWS had issued it)
     */
    public static IssueFailure of(Throwable e, boolean placing) {
        if (e instanceof QuotaExhaustedException) {
            return QUOTA_EXHAUSTED;
        }
        CanaryIssuerException.Reason reason = null;
        if (e instanceof IssuanceException ie) {
            reason = ie.reason();
        } else if (e instanceof CanaryIssuerException ce) {
            reason = ce.reason();
        }
        if (reason != null) {
            switch (reason) {
                case QUOTA_EXCEEDED: return QUOTA_EXHAUSTED;
                case THROTTLED: return THROTTLED;
                case NAME_TAKEN: return NAME_TAKEN;
                case REFUSED: return REFUSED;
                case UNAVAILABLE: return UNAVAILABLE;
                case KEY_NOT_ACTIVE: return KEY_NOT_ACTIVE;
                case NOT_APPLIED: return NOT_APPLIED;
                case CHECK_FAILED: return CHECK_FAILED;
                default: return OTHER;
            }
        }
        if (placing) {
            return PLACEMENT;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FingerprintedCanaryException) {
                return CHECK_FAILED;
            }
            if (t instanceof CanaryStoreException) {
                return STORE;
            }
        }
        if (e instanceof CanaryConfigurationException) {
            return CONFIGURATION;
        }
        return OTHER;
    }
}
