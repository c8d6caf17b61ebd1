package io.canarykit.store.jdbc;

import io.canarykit.CanaryConfigurationException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The databases {@link JdbcCanaryStore} speaks. Each has its own SQL and its own migration scripts, shipped as
 * resources under {@link #scriptLocation()}.
 *
 * @since 0.1.0
 */
public enum JdbcDialect {
    /** H2 2.x, file or in-memory, in any compatibility mode: the embedded default. */
    H2("h2", "H2"),
    /** PostgreSQL 10 or later. */
    POSTGRESQL("postgresql", "PostgreSQL"),
    /** SQLite 3.24 or later (for {@code ON CONFLICT}), through sqlite-jdbc. */
    SQLITE("sqlite", "SQLite");

    private final String configName;
    private final String productName;

    JdbcDialect(String configName, String productName) {
        this.configName = configName;
        this.productName = productName;
    }

    /** The lower-case name used in configuration ({@code canary.store.jdbc.dialect}): h2, postgresql or sqlite. */
    public String configName() {
        return configName;
    }

    /**
     * The class-path folder holding this dialect's migration scripts, named the way Flyway expects
     * ({@code V1__canaries_sightings_checkpoints.sql}, ...). Point Flyway at {@code classpath:} plus this value, or a
     * Liquibase {@code sqlFile} change at each script, to manage the schema yourself instead of calling
     * {@link JdbcCanaryStore#migrate()}.
     *
     * @return a folder such as {@code db/canarykit/postgresql}, without leading or trailing slash
     */
    public String scriptLocation() {
        return "db/canarykit/" + configName;
    }

    /**
     * Parses a configuration name ({@code h2}, {@code postgresql} or {@code postgres}, {@code sqlite}), ignoring
     * case.
     *
     * @throws CanaryConfigurationException naming the supported dialects if {@code name} is none of them
     */
    public static JdbcDialect fromConfigName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("postgres")) {
            return POSTGRESQL;
        }
        for (JdbcDialect d : values()) {
            if (d.configName.equals(n)) {
                return d;
            }
        }
        throw new CanaryConfigurationException("unknown JDBC dialect '" + name + "': expected one of "
                + Arrays.stream(values()).map(JdbcDialect::configName).collect(Collectors.joining(", ")));
    }

    /**
     * The dialect of a database, from its JDBC metadata ({@code DatabaseMetaData.getDatabaseProductName()}).
     *
     * @throws CanaryConfigurationException if the database is not one canarykit supports
     */
    public static JdbcDialect fromProductName(String productName) {
        for (JdbcDialect d : values()) {
            if (d.productName.equalsIgnoreCase(productName == null ? "" : productName.trim())) {
                return d;
            }
        }
        throw new CanaryConfigurationException("the DataSource connects to '" + productName
                + "', which the canarykit JDBC store does not support: use H2, PostgreSQL or SQLite"
                + " (or another CanaryStore, such as canary-store-dynamodb)");
    }
}
