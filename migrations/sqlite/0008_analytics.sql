-- Execution analytics: hourly rollups of `execution_events`, kept up to date
-- by a catch-up pass from a watermark (the last event id rolled up; SQLite
-- has one writer, so ids are assigned in commit order). Buckets are the
-- start of a UTC hour in ms since the Unix epoch.
CREATE TABLE analytics_watermark (
    name    TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
);
INSERT INTO analytics_watermark (name, last_id) VALUES ('execution_events', 0);

-- Executions of a workflow by hour: started, and how they ended.
CREATE TABLE analytics_runs (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    bucket      INTEGER NOT NULL,
    started     INTEGER NOT NULL DEFAULT 0,
    completed   INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    cancelled   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, bucket)
) WITHOUT ROWID;

-- Steps of a node by hour: how each visit ended, failed attempts that were
-- retried, fuel and durations of action runs.
CREATE TABLE analytics_steps (
    org_id         TEXT NOT NULL,
    workflow_id    TEXT NOT NULL,
    node_id        TEXT NOT NULL,
    bucket         INTEGER NOT NULL,
    completed      INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    skipped        INTEGER NOT NULL DEFAULT 0,
    retried        INTEGER NOT NULL DEFAULT 0,
    fuel           INTEGER NOT NULL DEFAULT 0,
    fuel_runs      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, bucket)
) WITHOUT ROWID;

-- Log-scale histograms by hour: `step` durations of a node, `goal` times
-- from start to a goal node. `slot` is a fixed bucket (see histogram.rs).
CREATE TABLE analytics_histograms (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    metric      TEXT NOT NULL,
    bucket      INTEGER NOT NULL,
    slot        INTEGER NOT NULL,
    count       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, metric, slot, bucket)
) WITHOUT ROWID;

-- Failed action attempts by node, hour and category.
CREATE TABLE analytics_errors (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    bucket      INTEGER NOT NULL,
    category    TEXT NOT NULL,
    count       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, bucket, category)
) WITHOUT ROWID;

-- The latest few failures of each category per workflow.
CREATE TABLE analytics_error_examples (
    event_id     INTEGER PRIMARY KEY,
    org_id       TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    category     TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    error_kind   TEXT NOT NULL,
    message      TEXT NOT NULL,
    at           INTEGER NOT NULL
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
    entered_at   INTEGER NOT NULL,
    converted_at INTEGER,
    PRIMARY KEY (execution_id, node_id)
) WITHOUT ROWID;

-- A/B splits by variant and hour of assignment: assigned, and converted
-- (reached a goal after the split).
CREATE TABLE analytics_ab (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    variant     TEXT NOT NULL,
    bucket      INTEGER NOT NULL,
    entered     INTEGER NOT NULL DEFAULT 0,
    converted   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, variant, bucket)
) WITHOUT ROWID;

-- The first time each execution reached each goal node.
CREATE TABLE analytics_goal_hits (
    execution_id TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (execution_id, node_id)
) WITHOUT ROWID;

-- Goals reached by hour (distinct executions).
CREATE TABLE analytics_goals (
    org_id      TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    bucket      INTEGER NOT NULL,
    reached     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, workflow_id, node_id, bucket)
) WITHOUT ROWID;

-- Executions parked now, by workflow: the "waiting now" figures.
CREATE INDEX executions_waiting ON executions (org_id, workflow_id) WHERE status = 'waiting';
