package io.canarykit.issue;

import io.canarykit.CanaryException;

import java.util.List;

/**
 * Every issuing account is full: no canary of the requested kind can be issued until an account is added to the pool
 * or canaries are revoked. Nothing was written.
 *
 * @since 0.1.0
 */
public final class QuotaExhaustedException extends CanaryException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> accounts;

    /**
     * @param message  what is full and what to do
     * @param accounts one line per account describing its usage, such as {@code 123456789012: 5000/5000 users}
     */
    public QuotaExhaustedException(String message, List<String> accounts) {
        super(message);
        this.accounts = List.copyOf(accounts);
    }

    /** One line per account describing its usage. */
    public List<String> accounts() {
        return accounts == null ? List.of() : accounts;
    }
}
