package io.canarykit.config;

/**
 * A provider that could not be loaded: its class is missing or broken, or its constructor or {@code name()} threw.
 * The registry isolates it and reports it here instead of failing every lookup.
 *
 * @param type        the provider interface
 * @param description the service entry or class involved
 * @param cause       what went wrong
 *
 * @since 0.1.0
 */
public record ProviderProblem(Class<?> type, String description, Throwable cause) {
    /** One line a person can read. */
    public String message() {
        StringBuilder sb = new StringBuilder(type.getSimpleName()).append(' ').append(description)
                .append(" could not be loaded: ").append(cause);
        for (Throwable t = cause.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            sb.append("; caused by ").append(t);
        }
        return sb.toString();
    }
}
