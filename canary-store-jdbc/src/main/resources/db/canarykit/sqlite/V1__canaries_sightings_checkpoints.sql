-- canarykit JDBC store, schema version 1 (SQLite 3.24+): canaries, their sightings, detector checkpoints.
-- Applied by JdbcCanaryStore.migrate(), or by Flyway/Liquibase from classpath:db/canarykit/sqlite.
-- No column holds a secret: secret access keys and session tokens never reach the store.
-- Instants are TEXT in UTC, always 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (microseconds), so they sort as text.
-- JSON columns hold JSON text written by canarykit. Foreign keys are enforced when PRAGMA foreign_keys is on;
-- JdbcCanaryStore turns it on for every connection it uses.

CREATE TABLE IF NOT EXISTS canary (
    id              TEXT     NOT NULL,
    version         INTEGER  NOT NULL,
    status          TEXT     NOT NULL,
    kind            TEXT     NOT NULL,
    issuer          TEXT     NOT NULL,
    account_id      TEXT     NOT NULL,
    principal_arn   TEXT     NOT NULL,
    principal_name  TEXT     NOT NULL,
    principal_path  TEXT,
    access_key_id   TEXT,
    asset_kind      TEXT     NOT NULL,
    asset_id        TEXT     NOT NULL,
    asset_labels    TEXT     NOT NULL,
    receipt         TEXT,
    created_at      TEXT     NOT NULL,
    issued_at       TEXT,
    expires_at      TEXT,
    closed_at       TEXT,
    triggered_at    TEXT,
    replaces        TEXT,
    replaced_by     TEXT,
    self_uses       TEXT     NOT NULL,
    attributes      TEXT     NOT NULL,
    CONSTRAINT canary_pk PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS canary_access_key_id_idx ON canary (access_key_id, id);
CREATE INDEX IF NOT EXISTS canary_principal_name_idx ON canary (principal_name, id);
CREATE INDEX IF NOT EXISTS canary_asset_idx ON canary (asset_kind, asset_id, id);
CREATE INDEX IF NOT EXISTS canary_status_idx ON canary (status, id);
CREATE INDEX IF NOT EXISTS canary_account_idx ON canary (account_id, status, id);

-- seq is the rowid: it orders sightings of one instant by arrival.
CREATE TABLE IF NOT EXISTS canary_sighting (
    seq              INTEGER  PRIMARY KEY,
    source           TEXT     NOT NULL,
    source_event_id  TEXT     NOT NULL,
    canary_id        TEXT     NOT NULL,
    event_time       TEXT     NOT NULL,
    kind             TEXT     NOT NULL,
    service          TEXT,
    call_name        TEXT,
    region           TEXT,
    source_ip        TEXT,
    user_agent       TEXT,
    error_code       TEXT,
    access_key_id    TEXT,
    principal_arn    TEXT,
    request_id       TEXT,
    CONSTRAINT canary_sighting_event_uq UNIQUE (source, source_event_id),
    CONSTRAINT canary_sighting_canary_fk FOREIGN KEY (canary_id) REFERENCES canary (id)
);

CREATE INDEX IF NOT EXISTS canary_sighting_canary_idx ON canary_sighting (canary_id, event_time, seq);

CREATE TABLE IF NOT EXISTS canary_checkpoint (
    checkpoint_key    TEXT  NOT NULL,
    checkpoint_value  TEXT  NOT NULL,
    updated_at        TEXT  NOT NULL,
    CONSTRAINT canary_checkpoint_pk PRIMARY KEY (checkpoint_key)
);
