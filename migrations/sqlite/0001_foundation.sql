-- Organisations (tenants), plugin key-value data, encrypted plugin secrets, audit log.
CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'UTC',
    created_at  INTEGER NOT NULL
);

CREATE TABLE plugin_kv (
    org_id      TEXT NOT NULL,
    plugin_id   TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       BLOB NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, plugin_id, key)
) WITHOUT ROWID;

CREATE TABLE plugin_secrets (
    org_id      TEXT NOT NULL,
    plugin_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    nonce       BLOB NOT NULL,
    ciphertext  BLOB NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, plugin_id, name)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    at          INTEGER NOT NULL
);
CREATE INDEX audit_log_org_at ON audit_log (org_id, at DESC);
