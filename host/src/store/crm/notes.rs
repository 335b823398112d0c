//! Notes: free text staff (or actions) attach to a contact.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::store::{Store, with_pool};

/// A note on a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// The contact it is about.
    pub contact_id: String,
    /// The text.
    pub body: String,
    /// Who wrote it: a user id, `plugin:<id>` or `system`.
    pub author: String,
    /// Written (ms).
    pub created_at: i64,
}

impl Store {
    /// Stores a note.
    pub async fn crm_add_note(&self, note: &Note) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO notes (org_id, id, contact_id, body, author, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&note.org_id)
        .bind(&note.id)
        .bind(&note.contact_id)
        .bind(&note.body)
        .bind(&note.author)
        .bind(note.created_at)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The contact's notes, newest first.
    pub async fn crm_notes(
        &self,
        org: &str,
        contact: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<Note>> {
        let notes = with_pool!(&self.pool, p => sqlx::query(
            "SELECT org_id, id, contact_id, body, author, created_at FROM notes
             WHERE org_id = $1 AND contact_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3",
        )
        .bind(org)
        .bind(contact)
        .bind(limit)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| Ok(Note {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            contact_id: r.try_get("contact_id")?,
            body: r.try_get("body")?,
            author: r.try_get("author")?,
            created_at: r.try_get("created_at")?,
        })).collect::<Result<Vec<_>, sqlx::Error>>()))?;
        Ok(notes)
    }
}
