package io.canarykit.store.jdbc;

import java.util.List;
import java.util.Objects;

/**
 * One versioned schema script, {@code V<version>__<description>.sql} in each dialect's
 * {@link JdbcDialect#scriptLocation()}.
 */
record Migration(int version, String description) {
    /** The scripts canarykit ships, in order. A test checks that every dialect has exactly these files. */
    static final List<Migration> ALL = List.of(
            new Migration(1, "canaries_sightings_checkpoints"),
            new Migration(2, "canary_history"),
            new Migration(3, "conditional_entries"));

    Migration {
        Objects.requireNonNull(description, "description");
        if (version < 1) {
            throw new IllegalArgumentException("migration versions start at 1");
        }
    }

    /** The latest schema version this library knows. */
    static int latest(List<Migration> migrations) {
        return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    }

    /** The class-path resource of this script in {@code location}. */
    String resource(String location) {
        return location + "/V" + version + "__" + description + ".sql";
    }
}
