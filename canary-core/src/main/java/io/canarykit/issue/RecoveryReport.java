package io.canarykit.issue;

import java.util.List;

/**
 * What a recovery pass ({@link AtomicIssuance#recover()}) or a residue sweep ({@link AtomicIssuance#sweep()}) did.
 *
 * @param examined             records (or principals, for a sweep) looked at
 * @param abandonedIssuances   pending intents whose AWS remains were removed and that are now {@code FAILED}
 * @param completedRevocations revocations left half-way that were completed
 * @param residueRemoved       principals of closed records that still existed in AWS and were removed (sweep)
 * @param tooYoung             intents younger than the minimum age, left for a later pass
 * @param unknownPrincipals    principals found in AWS that no record names (sweep; reported, never touched)
 * @param problems             what could not be done, one sentence each; a later pass retries
 *
 * @since 0.1.0
 */
public record RecoveryReport(int examined, int abandonedIssuances, int completedRevocations, int residueRemoved,
                             int tooYoung, List<String> unknownPrincipals, List<String> problems) {
    public RecoveryReport {
        unknownPrincipals = List.copyOf(unknownPrincipals);
        problems = List.copyOf(problems);
    }

    /** True when nothing failed. */
    public boolean clean() {
        return problems.isEmpty();
    }
}
