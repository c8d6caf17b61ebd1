-- canarykit JDBC store, schema version 3 (PostgreSQL 10+): conditional entries.
-- Small values under keys, written only by compare-and-set (insert if absent, update/delete where the value is the
-- expected one): the primitive that leases, one-time claims (alerts delivered once across processes) and replay
-- protection are built on. An entry may expire; expired entries are deleted by JdbcCanaryStore.purgeExpiredEntries.
-- No column holds a secret.

CREATE TABLE IF NOT EXISTS canary_entry (
    entry_key    VARCHAR(256)  NOT NULL,
    entry_value  TEXT          NOT NULL,
    expires_at   TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ   NOT NULL,
    CONSTRAINT canary_entry_pk PRIMARY KEY (entry_key)
);

CREATE INDEX IF NOT EXISTS canary_entry_expires_idx ON canary_entry (expires_at);
