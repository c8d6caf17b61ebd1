-- canarykit JDBC store, schema version 1 (H2 2.x, any compatibility mode): canaries, their sightings, detector checkpoints.
-- Applied by JdbcCanaryStore.migrate(), or by Flyway/Liquibase from classpath:db/canarykit/h2.
-- No column holds a secret: secret access keys and session tokens never reach the store.
-- Instants are TIMESTAMP(6) WITH TIME ZONE (microseconds). JSON columns hold JSON text written by canarykit.

CREATE TABLE IF NOT EXISTS canary (
    id              VARCHAR(26)   NOT NULL,
    version         BIGINT        NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    kind            VARCHAR(32)   NOT NULL,
    issuer          VARCHAR(128)  NOT NULL,
    account_id      VARCHAR(12)   NOT NULL,
    principal_arn   VARCHAR(2048) NOT NULL,
    principal_name  VARCHAR(256)  NOT NULL,
    principal_path  VARCHAR(512),
    access_key_id   VARCHAR(128),
    asset_kind      VARCHAR(64)   NOT NULL,
    asset_id        VARCHAR(512)  NOT NULL,
    asset_labels    VARCHAR       NOT NULL,
    receipt         VARCHAR,
    created_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    issued_at       TIMESTAMP(6) WITH TIME ZONE,
    expires_at      TIMESTAMP(6) WITH TIME ZONE,
    closed_at       TIMESTAMP(6) WITH TIME ZONE,
    triggered_at    TIMESTAMP(6) WITH TIME ZONE,
    replaces        VARCHAR(26),
    replaced_by     VARCHAR(26),
    self_uses       VARCHAR       NOT NULL,
    attributes      VARCHAR       NOT NULL,
    CONSTRAINT canary_pk PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS canary_access_key_id_idx ON canary (access_key_id, id);
CREATE INDEX IF NOT EXISTS canary_principal_name_idx ON canary (principal_name, id);
CREATE INDEX IF NOT EXISTS canary_asset_idx ON canary (asset_kind, asset_id, id);
CREATE INDEX IF NOT EXISTS canary_status_idx ON canary (status, id);
CREATE INDEX IF NOT EXISTS canary_account_idx ON canary (account_id, status, id);

-- Sighting fields come from whoever used the credential: unbounded text, so that no sighting is refused for length.
CREATE TABLE IF NOT EXISTS canary_sighting (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY,
    source           VARCHAR(128)  NOT NULL,
    source_event_id  VARCHAR(512)  NOT NULL,
    canary_id        VARCHAR(26)   NOT NULL,
    event_time       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    kind             VARCHAR(32)   NOT NULL,
    service          VARCHAR,
    call_name        VARCHAR,
    region           VARCHAR,
    source_ip        VARCHAR,
    user_agent       VARCHAR,
    error_code       VARCHAR,
    access_key_id    VARCHAR,
    principal_arn    VARCHAR,
    request_id       VARCHAR,
    CONSTRAINT canary_sighting_pk PRIMARY KEY (seq),
    CONSTRAINT canary_sighting_event_uq UNIQUE (source, source_event_id),
    CONSTRAINT canary_sighting_canary_fk FOREIGN KEY (canary_id) REFERENCES canary (id)
);

CREATE INDEX IF NOT EXISTS canary_sighting_canary_idx ON canary_sighting (canary_id, event_time, seq);

CREATE TABLE IF NOT EXISTS canary_checkpoint (
    checkpoint_key    VARCHAR(1024) NOT NULL,
    checkpoint_value  VARCHAR       NOT NULL,
    updated_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT canary_checkpoint_pk PRIMARY KEY (checkpoint_key)
);
