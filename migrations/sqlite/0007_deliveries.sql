-- Delivery receipts: what a provider (Twilio status callbacks, SendGrid's
-- event webhook) reported about a message a step sent. `event_key` names the
-- report (Twilio: message SID and status; SendGrid: sg_event_id), so a
-- repeated or replayed report is recorded once.
CREATE TABLE step_deliveries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        TEXT NOT NULL,
    execution_id  TEXT NOT NULL,
    node_id       TEXT NOT NULL,
    provider      TEXT NOT NULL,
    event_key     TEXT NOT NULL,
    message_id    TEXT,
    status        TEXT NOT NULL,
    error_code    TEXT,
    detail        TEXT NOT NULL DEFAULT '{}',
    occurred_at   INTEGER NOT NULL,
    received_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX step_deliveries_event ON step_deliveries (org_id, provider, event_key);
CREATE INDEX step_deliveries_execution ON step_deliveries (org_id, execution_id, id);
