package io.canarykit.store.jdbc;

import io.canarykit.CanaryStatus;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The SQL one dialect runs, and how it binds and reads instants. Each statement here has been run against the real
 * database of its dialect (H2 in its regular and PostgreSQL modes, PostgreSQL 15, SQLite 3.54).
 */
final class Sql {
    /** Every column of table {@code canary}, in binding order. */
    static final String CANARY_COLUMNS = "id, version, status, kind, issuer, account_id, principal_arn, principal_name,"
            + " principal_path, access_key_id, asset_kind, asset_id, asset_labels, receipt, created_at, issued_at,"
            + " expires_at, closed_at, triggered_at, replaces, replaced_by, self_uses, attributes";
    static final int CANARY_COLUMN_COUNT = 23;

    static final String SIGHTING_COLUMNS = "source, source_event_id, canary_id, event_time, kind, service, call_name,"
            + " region, source_ip, user_agent, error_code, access_key_id, principal_arn, request_id";
    static final int SIGHTING_COLUMN_COUNT = 14;

    /** The statuses {@link CanaryStatus#isLive()} counts, bound in this order by {@link #countLive}. */
    static final List<CanaryStatus> LIVE = Arrays.stream(CanaryStatus.values()).filter(CanaryStatus::isLive).toList();

    /** SQLite has no time type: instants are fixed-width UTC text, which sorts like time. */
    private static final DateTimeFormatter SQLITE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    final JdbcDialect dialect;

    final String insertCanary;
    final String updateCanary;
    final String selectById;
    final String selectVersion;
    final String selectByAccessKeyId;
    final String selectByPrincipalName;
    final String selectByAsset;
    final String countLive;
    final String insertHistory;
    final String selectHistory;
    final String insertSighting;
    final String selectSightings;
    final String selectCheckpoint;
    final String upsertCheckpoint;
    final String selectEntry;
    final String insertEntry;
    final String replaceEntry;
    final String deleteEntry;
    final String purgeEntries;

    Sql(JdbcDialect dialect) {
        this.dialect = dialect;
        insertCanary = "INSERT INTO canary (" + CANARY_COLUMNS + ") VALUES (" + marks(CANARY_COLUMN_COUNT) + ")";
        updateCanary = "UPDATE canary SET version = ?, status = ?, kind = ?, issuer = ?, account_id = ?,"
                + " principal_arn = ?, principal_name = ?, principal_path = ?, access_key_id = ?, asset_kind = ?,"
                + " asset_id = ?, asset_labels = ?, receipt = ?, created_at = ?, issued_at = ?, expires_at = ?,"
                + " closed_at = ?, triggered_at = ?, replaces = ?, replaced_by = ?, self_uses = ?, attributes = ?"
                + " WHERE id = ? AND version = ?";
        String select = "SELECT " + CANARY_COLUMNS + " FROM canary";
        selectById = select + " WHERE id = ?";
        selectVersion = "SELECT version FROM canary WHERE id = ?";
        selectByAccessKeyId = select + " WHERE access_key_id = ? ORDER BY id";
        selectByPrincipalName = select + " WHERE principal_name = ? ORDER BY id";
        selectByAsset = select + " WHERE asset_kind = ? AND asset_id = ? ORDER BY id";
        countLive = "SELECT COUNT(*) FROM canary WHERE account_id = ? AND status IN (" + marks(LIVE.size()) + ")";
        insertHistory = "INSERT INTO canary_history (canary_id, version, status, access_key_id, recorded_at)"
                + " VALUES (?, ?, ?, ?, ?)";
        selectHistory = "SELECT canary_id, version, status, access_key_id, recorded_at FROM canary_history"
                + " WHERE canary_id = ? ORDER BY version";
        String insertSightingValues = "INSERT INTO canary_sighting (" + SIGHTING_COLUMNS + ") VALUES ("
                + marks(SIGHTING_COLUMN_COUNT) + ")";
        insertSighting = switch (dialect) {
            // H2 knows ON CONFLICT only in its PostgreSQL mode: insert, and read a unique violation as "already there"
            case H2 -> insertSightingValues;
            case POSTGRESQL, SQLITE -> insertSightingValues + " ON CONFLICT (source, source_event_id) DO NOTHING";
        };
        selectSightings = "SELECT " + SIGHTING_COLUMNS + " FROM canary_sighting WHERE canary_id = ?"
                + " ORDER BY event_time, seq";
        selectCheckpoint = "SELECT checkpoint_value FROM canary_checkpoint WHERE checkpoint_key = ?";
        upsertCheckpoint = switch (dialect) {
            // H2's PostgreSQL mode does not understand ON CONFLICT ... DO UPDATE; MERGE ... KEY works in every mode
            case H2 -> "MERGE INTO canary_checkpoint (checkpoint_key, checkpoint_value, updated_at)"
                    + " KEY (checkpoint_key) VALUES (?, ?, ?)";
            case POSTGRESQL, SQLITE -> "INSERT INTO canary_checkpoint (checkpoint_key, checkpoint_value, updated_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (checkpoint_key) DO UPDATE"
                    + " SET checkpoint_value = excluded.checkpoint_value, updated_at = excluded.updated_at";
        };
        selectEntry = "SELECT entry_value, expires_at FROM canary_entry WHERE entry_key = ?";
        String insertEntryValues = "INSERT INTO canary_entry (entry_key, entry_value, expires_at, updated_at)"
                + " VALUES (?, ?, ?, ?)";
        insertEntry = switch (dialect) {
            // as for sightings: on H2 a unique violation means "already there"
            case H2 -> insertEntryValues;
            case POSTGRESQL, SQLITE -> insertEntryValues + " ON CONFLICT (entry_key) DO NOTHING";
        };
        replaceEntry = "UPDATE canary_entry SET entry_value = ?, expires_at = ?, updated_at = ?"
                + " WHERE entry_key = ? AND entry_value = ?";
        deleteEntry = "DELETE FROM canary_entry WHERE entry_key = ? AND entry_value = ?";
        purgeEntries = "DELETE FROM canary_entry WHERE expires_at IS NOT NULL AND expires_at <= ?";
    }

    /** A page of the listing: optional filters, then {@code id > cursor}, in id order, {@code limit} rows. */
    String list(int statuses, boolean account, boolean kind, boolean cursor) {
        StringBuilder sb = new StringBuilder("SELECT ").append(CANARY_COLUMNS).append(" FROM canary WHERE 1 = 1");
        if (statuses > 0) {
            sb.append(" AND status IN (").append(marks(statuses)).append(')');
        }
        if (account) {
            sb.append(" AND account_id = ?");
        }
        if (kind) {
            sb.append(" AND kind = ?");
        }
        if (cursor) {
            sb.append(" AND id > ?");
        }
        return sb.append(" ORDER BY id LIMIT ?").toString();
    }

    /** Binds an instant (or SQL NULL) in this dialect's time representation. */
    void setInstant(PreparedStatement ps, int index, @Nullable Instant instant) throws SQLException {
        if (dialect == JdbcDialect.SQLITE) {
            ps.setString(index, instant == null ? null : SQLITE_TIME.format(instant));
        } else if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    /** Reads an instant, or {@code null}. */
    @Nullable Instant getInstant(ResultSet rs, String column) throws SQLException {
        if (dialect == JdbcDialect.SQLITE) {
            String text = rs.getString(column);
            return text == null ? null : Instant.parse(text);
        }
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** What the store keeps of an instant: microseconds, the finest precision all three dialects hold. */
    static @Nullable Instant truncate(@Nullable Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** {@link #truncate} of an instant that is never null. */
    static Instant truncateSet(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** Reads an instant from a {@code NOT NULL} column. */
    Instant getSetInstant(ResultSet rs, String column) throws SQLException {
        Instant at = getInstant(rs, column);
        if (at == null) {
            throw new SQLException("column " + column + " is NULL; the schema declares it NOT NULL");
        }
        return at;
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
