-- The HTTP API: the columns workflow lists filter on, API keys (hashed),
-- idempotent event ingest, and per-workflow inbound webhook URLs.
ALTER TABLE workflows ADD COLUMN triggers TEXT NOT NULL DEFAULT '';
ALTER TABLE workflows ADD COLUMN tags TEXT NOT NULL DEFAULT '';
CREATE INDEX workflows_org_id ON workflows (org_id, id);
CREATE INDEX executions_org_id ON executions (org_id, id);
CREATE INDEX executions_org_started ON executions (org_id, started_at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);

CREATE TABLE ingested_events (
    org_id      TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    event       TEXT NOT NULL,
    outcome     TEXT,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, event_id)
) WITHOUT ROWID;

CREATE TABLE workflow_hooks (
    token_hash  TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX workflow_hooks_workflow ON workflow_hooks (org_id, workflow_id);
