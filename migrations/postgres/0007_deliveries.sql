-- Delivery receipts: what a provider (Twilio status callbacks, SendGrid's
-- event webhook) reported about a message a step sent. `event_key` names the
-- report (Twilio: message SID and status; SendGrid: sg_event_id), so a
-- repeated or replayed report is recorded once.
CREATE TABLE step_deliveries (
    id            BIGSERIAL PRIMARY KEY,
    org_id        TEXT NOT NULL,
    execution_id  TEXT NOT NULL,
    node_id       TEXT NOT NULL,
    provider      TEXT NOT NULL,
    event_key     TEXT NOT NULL,
    message_id    TEXT,
    status        TEXT NOT NULL,
    error_code    TEXT,
    detail        TEXT NOT NULL DEFAULT '{}',
    occurred_at   BIGINT NOT NULL,
    received_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX step_deliveries_event ON step_deliveries (org_id, provider, event_key);
CREATE INDEX step_deliveries_execution ON step_deliveries (org_id, execution_id, id);

-- The same row-level security as every other tenant table.
GRANT SELECT, INSERT, UPDATE, DELETE ON step_deliveries TO atlas_app;
GRANT USAGE, SELECT ON SEQUENCE step_deliveries_id_seq TO atlas_app;
ALTER TABLE step_deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON step_deliveries TO atlas_app
    USING (org_id = current_setting('atlas.org_id', true))
    WITH CHECK (org_id = current_setting('atlas.org_id', true));
