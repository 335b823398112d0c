-- The HTTP API: the columns workflow lists filter on, API keys (hashed),
-- idempotent event ingest, per-workflow inbound webhook URLs, and row-level
-- security for the `atlas_app` role the API's tenant reads run as.
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
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);

CREATE TABLE ingested_events (
    org_id      TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    event       TEXT NOT NULL,
    outcome     TEXT,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, event_id)
);

CREATE TABLE workflow_hooks (
    token_hash  TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX workflow_hooks_workflow ON workflow_hooks (org_id, workflow_id);

-- The role tenant-scoped reads switch to (`SET LOCAL ROLE atlas_app`) after
-- setting `atlas.org_id`. Roles are cluster-wide: another database may have
-- created it already, possibly at the same moment.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atlas_app') THEN
        CREATE ROLE atlas_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
DO $$
BEGIN
    EXECUTE format('GRANT atlas_app TO %I', current_user);
EXCEPTION WHEN OTHERS THEN
    NULL;
END
$$;
GRANT USAGE ON SCHEMA public TO atlas_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO atlas_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO atlas_app;

-- Every tenant table: rows are visible to atlas_app only for the org in
-- `atlas.org_id`. The owner (the server's own connection) is not subject to
-- these policies; the engine scopes its statements by org itself.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['workflows', 'workflow_versions', 'executions', 'steps', 'jobs',
                             'waits', 'execution_events', 'schedules', 'plugin_kv',
                             'plugin_secrets', 'audit_log', 'api_keys', 'ingested_events',
                             'workflow_hooks']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I TO atlas_app
                 USING (org_id = current_setting(''atlas.org_id'', true))
                 WITH CHECK (org_id = current_setting(''atlas.org_id'', true))', t);
    END LOOP;
END
$$;
ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON orgs TO atlas_app
    USING (id = current_setting('atlas.org_id', true));
