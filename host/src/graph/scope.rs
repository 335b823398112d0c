//! The variables a template can read: the roots of an execution's scope and
//! the fields known under each.
//!
//! At run time the scope is one JSON object
//! `{ "contact": …, "trigger": …, "steps": …, "workflow": …, "org": …, "execution": … }`;
//! `steps.<id>` holds `{ "output": …, "outcome": "…" }` for each completed action.

/// The top-level names of an execution's scope.
pub const ROOTS: &[&str] = &[
    "contact",
    "trigger",
    "steps",
    "workflow",
    "org",
    "execution",
];

/// Fields of `contact`. `custom` and `consent` are objects; `tags` is a list.
pub const CONTACT_FIELDS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "source",
    "status",
    "lifecycle_stage",
    "owner_id",
    "tags",
    "time_zone",
    "birthday",
    "consent",
    "custom",
];

/// Channels under `contact.consent`.
pub const CONSENT_CHANNELS: &[&str] = &["email", "sms", "whatsapp"];

/// Fields of `workflow`.
pub const WORKFLOW_FIELDS: &[&str] = &["id", "name", "version"];

/// Fields of `org`.
pub const ORG_FIELDS: &[&str] = &["id", "name", "time_zone"];

/// Fields of `execution`.
pub const EXECUTION_FIELDS: &[&str] = &["id", "started_at"];

/// Fields of `steps.<id>`.
pub const STEP_FIELDS: &[&str] = &["output", "outcome"];
