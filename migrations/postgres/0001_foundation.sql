-- Organisations (tenants), plugin key-value data, encrypted plugin secrets, audit log.
CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'UTC',
    created_at  BIGINT NOT NULL
);

CREATE TABLE plugin_kv (
    org_id      TEXT NOT NULL,
    plugin_id   TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       BYTEA NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, plugin_id, key)
);

CREATE TABLE plugin_secrets (
    org_id      TEXT NOT NULL,
    plugin_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    nonce       BYTEA NOT NULL,
    ciphertext  BYTEA NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, plugin_id, name)
);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    org_id      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    at          BIGINT NOT NULL
);
CREATE INDEX audit_log_org_at ON audit_log (org_id, at DESC);
