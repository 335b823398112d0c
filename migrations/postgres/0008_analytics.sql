-- Execution analytics: hourly rollups of `execution_events`, kept up to date
-- by a catch-up pass from a watermark. Event ids are not assigned in commit
-- order when many workers write, so each event records the transaction that
-- wrote it (`tx`), and the watermark is a snapshot: every transaction below
-- `horizon` not listed in `pending` has been rolled up. Buckets are the start of
-- a UTC hour in ms since the Unix epoch. The counter tables leave room in each
-- page (fillfactor) so their in-place increments stay heap-only updates.
ALTER TABLE execution_events ADD COLUMN tx BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX execution_events_tx ON execution_events (tx, id);

CREATE TABLE analytics_watermark (
    name    TEXT PRIMARY KEY,
    horizon BIGINT NOT NULL,
    pending BIGINT[] NOT NULL
);
INSERT INTO analytics_watermark (name, horizon, pending) VALUES ('execution_events', 0, '{}');

-- Executions of a workflow by hour: started, and how they ended.
CREATE TABLE analytics_runs (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    bucket      BIGINT NOT NULL,
    started     BIGINT NOT NULL DEFAULT 0,
    completed   BIGINT NOT NULL DEFAULT 0,
    failed      BIGINT NOT NULL DEFAULT 0,
    cancelled   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, bucket)
) WITH (fillfactor = 80);

-- Steps of a node by hour: how each visit ended, failed attempts that were
-- retried, fuel and durations of action runs.
CREATE TABLE analytics_steps (
    org_id         TEXT NOT NULL,
    workflow_id    TEXT NOT NULL,
    node_id        TEXT NOT NULL,
    bucket         BIGINT NOT NULL,
    completed      BIGINT NOT NULL DEFAULT 0,
    failed         BIGINT NOT NULL DEFAULT 0,
    skipped        BIGINT NOT NULL DEFAULT 0,
    retried        BIGINT NOT NULL DEFAULT 0,
    fuel           BIGINT NOT NULL DEFAULT 0,
    fuel_runs      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, bucket)
) WITH (fillfactor = 80);

-- Log-scale histograms by hour: `step` durations of a node, `goal` times
-- from start to a goal node. `slot` is a fixed bucket (see histogram.rs).
CREATE TABLE analytics_histograms (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    metric      TEXT NOT NULL,
    bucket      BIGINT NOT NULL,
    slot        BIGINT NOT NULL,
    count       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, metric, slot, bucket)
) WITH (fillfactor = 80);

-- Failed action attempts by node, hour and category.
CREATE TABLE analytics_errors (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    bucket      BIGINT NOT NULL,
    category    TEXT NOT NULL,
    count       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, bucket, category)
) WITH (fillfactor = 80);

-- The latest few failures of each category per workflow.
CREATE TABLE analytics_error_examples (
    event_id     BIGINT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    category     TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    error_kind   TEXT NOT NULL,
    message      TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX analytics_error_examples_latest
    ON analytics_error_examples (org_id, workflow_id, category, at);

-- A/B assignments: one row per execution and split node (the first variant
-- it was given), and when it first reached a goal afterwards.
CREATE TABLE analytics_ab_assignments (
    execution_id TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    variant      TEXT NOT NULL,
    entered_at   BIGINT NOT NULL,
    converted_at BIGINT,
    PRIMARY KEY (execution_id, node_id)
);

-- A/B splits by variant and hour of assignment: assigned, and converted
-- (reached a goal after the split).
CREATE TABLE analytics_ab (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    variant     TEXT NOT NULL,
    bucket      BIGINT NOT NULL,
    entered     BIGINT NOT NULL DEFAULT 0,
    converted   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, variant, bucket)
) WITH (fillfactor = 80);

-- The first time each execution reached each goal node.
CREATE TABLE analytics_goal_hits (
    execution_id TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (execution_id, node_id)
);

-- Goals reached by hour (distinct executions).
CREATE TABLE analytics_goals (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    bucket      BIGINT NOT NULL,
    reached     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, bucket)
) WITH (fillfactor = 80);

-- Executions parked now, by workflow: the "waiting now" figures.
CREATE INDEX executions_waiting ON executions (org_id, workflow_id) WHERE status = 'waiting';

-- Tenant reads of the rollups run as atlas_app under row-level security.
GRANT SELECT, INSERT, UPDATE, DELETE ON analytics_runs, analytics_steps, analytics_histograms,
    analytics_errors, analytics_error_examples, analytics_ab_assignments, analytics_ab,
    analytics_goal_hits, analytics_goals TO atlas_app;
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['analytics_runs', 'analytics_steps', 'analytics_histograms',
                             'analytics_errors', 'analytics_error_examples',
                             'analytics_ab_assignments', 'analytics_ab',
                             'analytics_goal_hits', 'analytics_goals']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I TO atlas_app
                 USING (org_id = current_setting(''atlas.org_id'', true))
                 WITH CHECK (org_id = current_setting(''atlas.org_id'', true))', t);
    END LOOP;
END
$$;
