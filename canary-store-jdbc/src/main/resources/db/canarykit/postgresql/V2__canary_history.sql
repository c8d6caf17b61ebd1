-- canarykit JDBC store, schema version 2 (PostgreSQL 10+): the history of every canary.
-- Schema 1 kept only a canary's latest version, so a responder could not tell when it was triggered, revoked or
-- re-issued relative to other events. From schema 2 every create and every compare-and-set update also writes one
-- history row, in the same transaction.
-- Canaries written under schema 1 get one row for the version they hold now, stamped with the time of this migration.

CREATE TABLE IF NOT EXISTS canary_history (
    canary_id      VARCHAR(26)   NOT NULL,
    version        BIGINT        NOT NULL,
    status         VARCHAR(16)   NOT NULL,
    access_key_id  VARCHAR(128),
    recorded_at    TIMESTAMPTZ   NOT NULL,
    CONSTRAINT canary_history_pk PRIMARY KEY (canary_id, version),
    CONSTRAINT canary_history_canary_fk FOREIGN KEY (canary_id) REFERENCES canary (id)
);

INSERT INTO canary_history (canary_id, version, status, access_key_id, recorded_at)
SELECT c.id, c.version, c.status, c.access_key_id, CURRENT_TIMESTAMP
FROM canary c
WHERE NOT EXISTS (SELECT 1 FROM canary_history h WHERE h.canary_id = c.id AND h.version = c.version);
