package io.canarykit.policy;

import io.canarykit.CanaryConfigurationException;
import org.jspecify.annotations.Nullable;

/**
 * An IAM policy document that cannot be parsed or is not valid. The message names the policy (when known), the
 * statement ({@code Statement[2]}, 0-based, with its {@code Sid} if it has one) and the field, says what is wrong and
 * how to fix it.
 *
 * @since 0.1.0
 */
public final class PolicyParseException extends CanaryConfigurationException {
    private static final long serialVersionUID = 1L;

    private final @Nullable Integer statementIndex;
    private final @Nullable String field;

    PolicyParseException(String message, @Nullable Integer statementIndex, @Nullable String field) {
        super(message);
        this.statementIndex = statementIndex;
        this.field = field;
    }

    PolicyParseException(String message, @Nullable Integer statementIndex, @Nullable String field, Throwable cause) {
        super(message, cause);
        this.statementIndex = statementIndex;
        this.field = field;
    }

    /** The 0-based index of the statement at fault, or {@code null} when the problem is outside any statement. */
    public @Nullable Integer statementIndex() {
        return statementIndex;
    }

    /** The field at fault ({@code Action}, {@code Condition}, {@code Version}, ...), or {@code null}. */
    public @Nullable String field() {
        return field;
    }
}
