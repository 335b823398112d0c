-- The CRM core: contacts and what hangs off them (tags, notes, tasks,
-- opportunities in pipelines, class bookings, memberships, campaign
-- membership), plus the outbox of CRM events waiting for the engine.
-- Every table carries org_id; every key and index leads with it, and every
-- reference between CRM rows includes it, so a row can only ever point at a
-- row of the same org.
CREATE TABLE contacts (
    org_id           TEXT NOT NULL,
    id               TEXT NOT NULL,
    first_name       TEXT NOT NULL DEFAULT '',
    last_name        TEXT NOT NULL DEFAULT '',
    email            TEXT,
    phone            TEXT,
    source           TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'lead',
    lifecycle_stage  TEXT NOT NULL DEFAULT 'lead',
    custom_fields    TEXT NOT NULL DEFAULT '{}',
    owner_id         TEXT,
    consent_email    BOOLEAN NOT NULL DEFAULT FALSE,
    consent_sms      BOOLEAN NOT NULL DEFAULT FALSE,
    consent_whatsapp BOOLEAN NOT NULL DEFAULT FALSE,
    time_zone        TEXT,
    birthday         TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX contacts_org_created ON contacts (org_id, created_at DESC);
CREATE INDEX contacts_org_email ON contacts (org_id, email);
CREATE INDEX contacts_org_phone ON contacts (org_id, phone);
CREATE INDEX contacts_org_birthday ON contacts (org_id, (substr(birthday, 6, 5)));

CREATE TABLE contact_tags (
    org_id      TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    tag         TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, contact_id, tag),
    FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_tags_org_tag ON contact_tags (org_id, tag);

CREATE TABLE notes (
    org_id      TEXT NOT NULL,
    id          TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX notes_org_contact ON notes (org_id, contact_id, created_at DESC);

CREATE TABLE tasks (
    org_id       TEXT NOT NULL,
    id           TEXT NOT NULL,
    contact_id   TEXT,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    assignee_id  TEXT,
    due_at       BIGINT,
    priority     TEXT NOT NULL DEFAULT 'normal',
    status       TEXT NOT NULL DEFAULT 'open',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    completed_at BIGINT,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX tasks_org_assignee ON tasks (org_id, assignee_id, status, due_at);
CREATE INDEX tasks_org_contact ON tasks (org_id, contact_id);

CREATE TABLE pipelines (
    org_id      TEXT NOT NULL,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE pipeline_stages (
    org_id      TEXT NOT NULL,
    id          TEXT NOT NULL,
    pipeline_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    position    BIGINT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, pipeline_id) REFERENCES pipelines (org_id, id) ON DELETE CASCADE
);
CREATE INDEX pipeline_stages_org_pipeline ON pipeline_stages (org_id, pipeline_id, position);

CREATE TABLE opportunities (
    org_id      TEXT NOT NULL,
    id          TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    pipeline_id TEXT NOT NULL,
    stage_id    TEXT NOT NULL,
    title       TEXT NOT NULL,
    value_minor BIGINT NOT NULL DEFAULT 0,
    currency    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, pipeline_id) REFERENCES pipelines (org_id, id),
    FOREIGN KEY (org_id, stage_id) REFERENCES pipeline_stages (org_id, id)
);
CREATE INDEX opportunities_org_stage ON opportunities (org_id, pipeline_id, stage_id);
CREATE INDEX opportunities_org_contact ON opportunities (org_id, contact_id);

CREATE TABLE classes (
    org_id       TEXT NOT NULL,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL,
    capacity     BIGINT NOT NULL,
    booked_count BIGINT NOT NULL DEFAULT 0,
    location     TEXT NOT NULL DEFAULT '',
    instructor   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX classes_org_starts ON classes (org_id, starts_at);
CREATE INDEX classes_org_ends ON classes (org_id, ends_at);

CREATE TABLE bookings (
    org_id        TEXT NOT NULL,
    id            TEXT NOT NULL,
    class_id      TEXT NOT NULL,
    contact_id    TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'booked',
    source        TEXT NOT NULL DEFAULT '',
    cancelled_by  TEXT,
    cancel_reason TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    cancelled_at  BIGINT,
    checked_in_at BIGINT,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, class_id) REFERENCES classes (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX bookings_org_class ON bookings (org_id, class_id, status);
CREATE INDEX bookings_org_contact ON bookings (org_id, contact_id, status);
CREATE INDEX bookings_org_status ON bookings (org_id, status);

CREATE TABLE memberships (
    org_id        TEXT NOT NULL,
    id            TEXT NOT NULL,
    contact_id    TEXT NOT NULL,
    plan_name     TEXT NOT NULL,
    starts_at     BIGINT NOT NULL,
    ends_at       BIGINT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active',
    auto_renew    BOOLEAN NOT NULL DEFAULT FALSE,
    cancelled_at  BIGINT,
    cancel_reason TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX memberships_org_contact ON memberships (org_id, contact_id);
CREATE INDEX memberships_org_status_ends ON memberships (org_id, status, ends_at);

CREATE TABLE campaigns (
    org_id        TEXT NOT NULL,
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active',
    members_count BIGINT NOT NULL DEFAULT 0,
    added_count   BIGINT NOT NULL DEFAULT 0,
    removed_count BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE campaign_members (
    org_id      TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    added_at    BIGINT NOT NULL,
    removed_at  BIGINT,
    PRIMARY KEY (org_id, campaign_id, contact_id),
    FOREIGN KEY (org_id, campaign_id) REFERENCES campaigns (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX campaign_members_org_contact ON campaign_members (org_id, contact_id);

-- CRM events, written in the same transaction as the change (or the sweeper's
-- claim) that caused them, then delivered to the engine. dedupe_key makes a
-- time-based event exist at most once, however many sweepers run.
CREATE TABLE crm_events (
    org_id        TEXT NOT NULL,
    id            TEXT NOT NULL,
    event         TEXT NOT NULL,
    contact_id    TEXT,
    contact       TEXT,
    payload       TEXT NOT NULL,
    dedupe_key    TEXT,
    created_at    BIGINT NOT NULL,
    claimed_by    TEXT,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    delivered_at  BIGINT,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX crm_events_org_dedupe ON crm_events (org_id, dedupe_key);
CREATE INDEX crm_events_org_pending ON crm_events (org_id, delivered_at, id);
