-- canarykit JDBC store, schema version 2 (SQLite 3.24+): the history of every canary.
-- Schema 1 kept only a canary's latest version, so a responder could not tell when it was triggered, revoked or
-- re-issued relative to other events. From schema 2 every create and every compare-and-set update also writes one
-- history row, in the same transaction.
-- Canaries written under schema 1 get one row for the version they hold now, stamped with the time of this migration.

CREATE TABLE IF NOT EXISTS canary_history (
    canary_id      TEXT     NOT NULL,
    version        INTEGER  NOT NULL,
    status         TEXT     NOT NULL,
    access_key_id  TEXT,
    recorded_at    TEXT     NOT NULL,
    CONSTRAINT canary_history_pk PRIMARY KEY (canary_id, version),
    CONSTRAINT canary_history_canary_fk FOREIGN KEY (canary_id) REFERENCES canary (id)
);

INSERT INTO canary_history (canary_id, version, status, access_key_id, recorded_at)
SELECT c.id, c.version, c.status, c.access_key_id, strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'
FROM canary c
WHERE NOT EXISTS (SELECT 1 FROM canary_history h WHERE h.canary_id = c.id AND h.version = c.version);
