package io.canarykit.store.jdbc;

/**
 * What {@link JdbcCanaryStore#migrate()} did.
 *
 * @param fromVersion the schema version the database had before (0 for an empty database)
 * @param toVersion   the schema version it has now
 *
 * @since 0.1.0
 */
public record MigrationResult(int fromVersion, int toVersion) {
    /** Checks that versions are not negative and do not go down. */
    public MigrationResult {
        if (fromVersion < 0 || toVersion < fromVersion) {
            throw new IllegalArgumentException("invalid migration " + fromVersion + " -> " + toVersion);
        }
    }

    /** True if at least one script was applied. */
    public boolean changed() {
        return toVersion != fromVersion;
    }
}
