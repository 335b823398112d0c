-- Workflows and their versions, executions, their steps, the job queue
-- (durable timers are jobs with a future run_at), event waits, and the
-- transition events every execution emits.
CREATE TABLE workflows (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'draft',
    version     BIGINT NOT NULL,
    document    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE INDEX workflows_org ON workflows (org_id, updated_at DESC);

CREATE TABLE workflow_versions (
    workflow_id TEXT NOT NULL,
    version     BIGINT NOT NULL,
    org_id      TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (workflow_id, version)
);

CREATE TABLE executions (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL,
    workflow_id      TEXT NOT NULL,
    workflow_version BIGINT NOT NULL,
    contact_id       TEXT,
    status           TEXT NOT NULL,
    test_mode        BOOLEAN NOT NULL DEFAULT FALSE,
    trigger_data     TEXT NOT NULL,
    contact          TEXT,
    context          TEXT NOT NULL DEFAULT '{}',
    current_node     TEXT,
    next_seq         BIGINT NOT NULL DEFAULT 1,
    error            TEXT,
    started_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    finished_at      BIGINT
);
CREATE INDEX executions_workflow ON executions (org_id, workflow_id, started_at DESC);
CREATE INDEX executions_contact ON executions (org_id, contact_id, started_at DESC);

CREATE TABLE steps (
    execution_id TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    org_id       TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempt      BIGINT NOT NULL,
    outcome      TEXT,
    input        TEXT,
    output       TEXT,
    error        TEXT,
    error_kind   TEXT,
    fuel         BIGINT NOT NULL DEFAULT 0,
    worker       TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    finished_at  BIGINT NOT NULL,
    PRIMARY KEY (execution_id, seq)
);

CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    org_id       TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    attempt      BIGINT NOT NULL DEFAULT 1,
    reason       TEXT NOT NULL,
    run_at       BIGINT NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX jobs_due ON jobs (run_at);
CREATE INDEX jobs_lease ON jobs (lease_until);
CREATE UNIQUE INDEX jobs_execution ON jobs (execution_id, seq);

CREATE TABLE waits (
    execution_id TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    event        TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    PRIMARY KEY (execution_id, node_id)
);
CREATE INDEX waits_lookup ON waits (org_id, contact_id, event);

CREATE TABLE execution_events (
    id           BIGSERIAL PRIMARY KEY,
    org_id       TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    node_id      TEXT,
    kind         TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '{}',
    at           BIGINT NOT NULL
);
CREATE INDEX execution_events_execution ON execution_events (execution_id, id);
CREATE INDEX execution_events_workflow ON execution_events (org_id, workflow_id, id);

-- Cron triggers of active workflows: when each fires next.
CREATE TABLE schedules (
    workflow_id  TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    cron         TEXT NOT NULL,
    next_fire_at BIGINT NOT NULL,
    PRIMARY KEY (workflow_id, node_id)
);
CREATE INDEX schedules_due ON schedules (next_fire_at);

-- Idle workers LISTEN on this channel; every new due job NOTIFYs it.
CREATE FUNCTION atlas_notify_job() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('atlas_jobs', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_notify AFTER INSERT ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION atlas_notify_job();
