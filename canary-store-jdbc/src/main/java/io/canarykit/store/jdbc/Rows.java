package io.canarykit.store.jdbc;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.PlacementReceipt;
import io.canarykit.Principal;
import io.canarykit.SelfUse;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.store.CanaryStoreException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Maps records and sightings to and from rows. */
final class Rows {
    private final Sql sql;

    Rows(Sql sql) {
        this.sql = sql;
    }

    /**
     * The record as the store keeps it: every instant cut to microseconds (see {@link Sql#truncate}). What
     * {@code create} and {@code update} return, and what {@code find} will read back.
     */
    static CanaryRecord normalize(CanaryRecord r) {
        List<SelfUse> uses = new ArrayList<>();
        for (SelfUse u : r.selfUses()) {
            uses.add(new SelfUse(u.eventName(), Sql.truncateSet(u.at()), u.requestId(), u.userAgent()));
        }
        PlacementReceipt receipt = r.receipt() == null ? null : new PlacementReceipt(r.receipt().placement(),
                r.receipt().location(), r.receipt().details(), Sql.truncateSet(r.receipt().placedAt()));
        return r.toBuilder()
                .createdAt(Sql.truncateSet(r.createdAt()))
                .issuedAt(Sql.truncate(r.issuedAt()))
                .expiresAt(Sql.truncate(r.expiresAt()))
                .closedAt(Sql.truncate(r.closedAt()))
                .triggeredAt(Sql.truncate(r.triggeredAt()))
                .receipt(receipt)
                .selfUses(uses)
                .build();
    }

    /** A sighting as the store keeps it (its time cut to microseconds). */
    static Sighting normalize(Sighting s) {
        return new Sighting(s.source(), s.sourceEventId(), Sql.truncateSet(s.time()), s.kind(), s.service(), s.call(),
                s.region(), s.sourceIp(), s.userAgent(), s.errorCode(), s.accessKeyId(), s.principalArn(),
                s.requestId(), s.canaryId());
    }

    /** Binds every column but {@code id} and {@code version}, starting at {@code index}; returns the next index. */
    int bindFields(PreparedStatement ps, int index, CanaryRecord r) throws SQLException {
        int i = index;
        ps.setString(i++, r.status().name());
        ps.setString(i++, r.kind().name());
        ps.setString(i++, r.issuer());
        ps.setString(i++, r.accountId());
        ps.setString(i++, r.principal().arn());
        ps.setString(i++, r.principal().name());
        ps.setString(i++, r.principal().path());
        ps.setString(i++, r.accessKeyId());
        ps.setString(i++, r.asset().kind());
        ps.setString(i++, r.asset().id());
        ps.setString(i++, JsonColumns.writeMap(r.asset().labels()));
        ps.setString(i++, JsonColumns.writeReceipt(r.receipt()));
        sql.setInstant(ps, i++, r.createdAt());
        sql.setInstant(ps, i++, r.issuedAt());
        sql.setInstant(ps, i++, r.expiresAt());
        sql.setInstant(ps, i++, r.closedAt());
        sql.setInstant(ps, i++, r.triggeredAt());
        ps.setString(i++, r.replaces() == null ? null : r.replaces().value());
        ps.setString(i++, r.replacedBy() == null ? null : r.replacedBy().value());
        ps.setString(i++, JsonColumns.writeSelfUses(r.selfUses()));
        ps.setString(i++, JsonColumns.writeMap(r.attributes()));
        return i;
    }

    /** Binds a whole row for {@link Sql#insertCanary}. */
    void bindInsert(PreparedStatement ps, CanaryRecord r) throws SQLException {
        ps.setString(1, r.id().value());
        ps.setLong(2, r.version());
        bindFields(ps, 3, r);
    }

    /** Reads the current row of a {@link Sql#CANARY_COLUMNS} query. */
    CanaryRecord readCanary(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        try {
            String accountId = rs.getString("account_id");
            String replaces = rs.getString("replaces");
            String replacedBy = rs.getString("replaced_by");
            return CanaryRecord.builder()
                    .id(new CanaryId(id))
                    .version(rs.getLong("version"))
                    .status(CanaryStatus.valueOf(rs.getString("status")))
                    .kind(CredentialKind.valueOf(rs.getString("kind")))
                    .issuer(rs.getString("issuer"))
                    .accountId(accountId)
                    .principal(new Principal(accountId, rs.getString("principal_arn"), rs.getString("principal_name"),
                            rs.getString("principal_path")))
                    .accessKeyId(rs.getString("access_key_id"))
                    .asset(new Asset(rs.getString("asset_kind"), rs.getString("asset_id"),
                            JsonColumns.readMap(rs.getString("asset_labels"), "asset_labels")))
                    .receipt(JsonColumns.readReceipt(rs.getString("receipt")))
                    .createdAt(sql.getSetInstant(rs, "created_at"))
                    .issuedAt(sql.getInstant(rs, "issued_at"))
                    .expiresAt(sql.getInstant(rs, "expires_at"))
                    .closedAt(sql.getInstant(rs, "closed_at"))
                    .triggeredAt(sql.getInstant(rs, "triggered_at"))
                    .replaces(replaces == null ? null : new CanaryId(replaces))
                    .replacedBy(replacedBy == null ? null : new CanaryId(replacedBy))
                    .selfUses(JsonColumns.readSelfUses(rs.getString("self_uses")))
                    .attributes(JsonColumns.readMap(rs.getString("attributes"), "attributes"))
                    .build();
        } catch (RuntimeException e) {
            throw corrupt("canary " + id, e);
        }
    }

    /** Binds a sighting for {@link Sql#insertSighting}. */
    void bindSighting(PreparedStatement ps, Sighting s) throws SQLException {
        int i = 1;
        ps.setString(i++, s.source());
        ps.setString(i++, s.sourceEventId());
        ps.setString(i++, Objects.requireNonNull(s.canaryId(), "canaryId").value()); // addSighting refuses one without
        sql.setInstant(ps, i++, s.time());
        ps.setString(i++, s.kind().name());
        ps.setString(i++, s.service());
        ps.setString(i++, s.call());
        ps.setString(i++, s.region());
        ps.setString(i++, s.sourceIp());
        ps.setString(i++, s.userAgent());
        ps.setString(i++, s.errorCode());
        ps.setString(i++, s.accessKeyId());
        ps.setString(i++, s.principalArn());
        ps.setString(i, s.requestId());
    }

    /** Reads the current row of a {@link Sql#SIGHTING_COLUMNS} query. */
    Sighting readSighting(ResultSet rs) throws SQLException {
        String source = rs.getString("source");
        String eventId = rs.getString("source_event_id");
        try {
            return new Sighting(source, eventId, sql.getSetInstant(rs, "event_time"),
                    SightingKind.valueOf(rs.getString("kind")), rs.getString("service"), rs.getString("call_name"),
                    rs.getString("region"), rs.getString("source_ip"), rs.getString("user_agent"),
                    rs.getString("error_code"), rs.getString("access_key_id"), rs.getString("principal_arn"),
                    rs.getString("request_id"), new CanaryId(rs.getString("canary_id")));
        } catch (RuntimeException e) {
            throw corrupt("sighting " + source + "/" + eventId, e);
        }
    }

    private CanaryStoreException corrupt(String what, RuntimeException e) {
        return new CanaryStoreException("canary store (" + sql.dialect.configName() + "): the stored row of " + what
                + " cannot be read (" + e.getMessage() + "); it was changed outside canarykit: repair the row by hand",
                false, e);
    }
}
