package io.canarykit.issue;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A check an {@link AtomicIssuance} runs on every canary after AWS issued it and before the record is activated and
 * the credential handed out. A refused canary is removed from AWS and its record closed as {@code FAILED}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface IssuanceCheck {

    /**
     * Inspects one canary.
     *
     * @param canary       what the issuer made (the secret is there: never log it)
     * @param issuer       the issuer that made it
     * @param poolAccounts the accounts of the pool: the only accounts a canary may come from
     * @return accept (possibly with attributes added to the canary) or refuse, never {@code null}
     */
    Outcome check(IssuedCanary canary, CanaryIssuer issuer, Set<String> poolAccounts);

    /**
     * The verdict of a check.
     *
     * @param refused true to refuse the canary
     * @param summary why, one sentence; never a secret
     * @param canary  the canary to go on with (the input, or a copy with more attributes), or {@code null} when refused
     */
    record Outcome(boolean refused, String summary, @Nullable IssuedCanary canary) {
        public Outcome {
            Objects.requireNonNull(summary, "summary");
            if (!refused) {
                Objects.requireNonNull(canary, "canary");
            }
        }

        /** Accept the canary as it is, or with attributes added. */
        public static Outcome accept(IssuedCanary canary, String summary) {
            return new Outcome(false, summary, canary);
        }

        /** Refuse the canary. */
        public static Outcome refuse(String summary) {
            return new Outcome(true, summary, null);
        }
    }
}
