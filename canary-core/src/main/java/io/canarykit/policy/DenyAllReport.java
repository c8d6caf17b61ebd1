package io.canarykit.policy;

import java.util.List;
import java.util.Objects;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link PolicySimulator#checkDeniesEverything}: which requests (if any) would be allowed, and the
 * blanket explicit deny (if any) that proves the denial for every action.
 *
 * @param principalArn    the principal checked
 * @param requestsChecked how many action and resource pairs were evaluated
 * @param blanketDeny     an unconditional {@code Deny * on *} that always applies to the principal, or {@code null}
 * @param allowed         the requests that would be allowed (worst case), empty when everything is denied
 *
 * @since 0.1.0
 */
public record DenyAllReport(String principalArn, int requestsChecked, @Nullable StatementRef blanketDeny,
                            List<Finding> allowed) {
    public DenyAllReport {
        Objects.requireNonNull(principalArn, "principalArn");
        allowed = List.copyOf(allowed);
    }

    /** True if no checked request but {@code sts:GetCallerIdentity} is allowed. */
    public boolean deniesEverything() {
        return allowed.isEmpty();
    }

    /** True if a blanket explicit deny proves the denial for every action, sampled or not. */
    public boolean proven() {
        return allowed.isEmpty() && blanketDeny != null;
    }

    /** A readable account: what decided, and each allowed request with the statement that allowed it. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (allowed.isEmpty()) {
            sb.append("every one of ").append(requestsChecked).append(" requests by ").append(principalArn)
                    .append(" is denied");
            if (blanketDeny != null) {
                sb.append(", and ").append(blanketDeny.describe()).append(" denies every action: ")
                        .append(blanketDeny.json());
            }
            return sb.toString();
        }
        sb.append(allowed.size()).append(" of ").append(requestsChecked).append(" requests by ").append(principalArn)
                .append(" would be allowed");
        Map<String, List<Finding>> byAction = new LinkedHashMap<>();
        for (Finding f : allowed) {
            byAction.computeIfAbsent(f.action(), k -> new ArrayList<>()).add(f);
        }
        int shown = 0;
        for (List<Finding> fs : byAction.values()) {
            if (shown++ == 10) {
                sb.append("\n  ... and ").append(byAction.size() - 10).append(" more actions");
                break;
            }
            Finding f = fs.get(0);
            sb.append("\n  ").append(f.action()).append(" on ").append(f.resource());
            if (fs.size() > 1) {
                sb.append(" (and ").append(fs.size() - 1).append(" more resources)");
            }
            sb.append(": ").append(f.decision().reason());
            if (f.decision().statement() != null) {
                sb.append("\n    ").append(f.decision().statement().json());
            }
        }
        return sb.toString();
    }

    /**
     * One request that would be allowed.
     *
     * @param action   the action
     * @param resource the resource
     * @param decision the decision, naming the statement that allowed it
     *
     * @since 0.1.0
     */
    public record Finding(String action, String resource, Decision decision) {
        public Finding {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(decision, "decision");
        }
    }
}
