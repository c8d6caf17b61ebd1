package io.canarykit.policy;

import java.util.List;
import java.util.Objects;

/**
 * One condition of a statement: an operator applied to one condition key with one or more values, as in
 * {@code "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}}. The operator is kept exactly as written
 * (with any {@code ForAnyValue:}/{@code ForAllValues:} prefix and {@code IfExists} suffix) so that an unknown operator
 * can be reported instead of silently changed.
 *
 * @param operator the condition operator as written, such as {@code ForAnyValue:StringLikeIfExists}
 * @param key      the condition key as written (keys are compared case-insensitively)
 * @param values   the values, as strings (JSON numbers and booleans are kept in their text form)
 *
 * @since 0.1.0
 */
public record PolicyCondition(String operator, String key, List<String> values) {
    public PolicyCondition {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(key, "key");
        values = List.copyOf(Objects.requireNonNull(values, "values"));
    }

    /** A condition with the given values. */
    public static PolicyCondition of(String operator, String key, String... values) {
        return new PolicyCondition(operator, key, List.of(values));
    }
}
