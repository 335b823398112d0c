//! Contacts: the people a gym talks to (leads, trials, members), with their
//! messaging consent per channel, custom fields, time zone and birthday.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

use super::NewCrmEvent;
use super::outbox::insert_crm_event;
use crate::store::{Store, with_pool};

/// A messaging channel that needs the contact's consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email.
    Email,
    /// SMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
}

impl Channel {
    /// The channel's name: `email`, `sms` or `whatsapp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
        }
    }
}

impl std::str::FromStr for Channel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "email" => Ok(Self::Email),
            "sms" => Ok(Self::Sms),
            "whatsapp" => Ok(Self::Whatsapp),
            other => Err(format!(
                "unknown channel `{other}`: use email, sms or whatsapp"
            )),
        }
    }
}

/// What the contact agreed to be messaged on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Consent {
    /// Email.
    pub email: bool,
    /// SMS.
    pub sms: bool,
    /// WhatsApp.
    pub whatsapp: bool,
}

impl Consent {
    /// Whether the contact consented to `channel`.
    pub fn allows(self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email,
            Channel::Sms => self.sms,
            Channel::Whatsapp => self.whatsapp,
        }
    }
}

/// A contact as stored, with its tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address.
    pub email: Option<String>,
    /// Phone number (E.164).
    pub phone: Option<String>,
    /// Where the lead came from: `website`, `walk-in`, `referral`, ...
    pub source: String,
    /// `lead`, `trial`, `member`, `lapsed`, ...
    pub status: String,
    /// Marketing lifecycle stage.
    pub lifecycle_stage: String,
    /// Custom fields, a JSON object.
    pub custom_fields: Value,
    /// The staff member who owns the contact.
    pub owner_id: Option<String>,
    /// Messaging consent per channel.
    pub consent: Consent,
    /// IANA time zone, such as `Europe/London`.
    pub time_zone: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
}

impl Contact {
    /// First and last name joined by a space (either may be empty).
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }

    /// The snapshot workflows see as `contact.*`: every field plus `name`.
    pub fn snapshot(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.insert("name".into(), Value::String(self.full_name()));
        }
        value
    }
}

/// Which contacts to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactFilter {
    /// Only contacts with this status.
    pub status: Option<String>,
    /// Only contacts carrying this tag.
    pub tag: Option<String>,
    /// At most this many (100 when 0).
    pub limit: i64,
    /// Skip this many (newest first).
    pub offset: i64,
}

const CONTACT_COLUMNS: &str = "org_id, id, first_name, last_name, email, phone, source, status, lifecycle_stage, custom_fields, owner_id, consent_email, consent_sms, consent_whatsapp, time_zone, birthday, created_at, updated_at";

macro_rules! contact_from_row {
    ($r:expr) => {{
        let r = $r;
        let custom: String = r.try_get("custom_fields")?;
        Contact {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            first_name: r.try_get("first_name")?,
            last_name: r.try_get("last_name")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
            source: r.try_get("source")?,
            status: r.try_get("status")?,
            lifecycle_stage: r.try_get("lifecycle_stage")?,
            custom_fields: serde_json::from_str(&custom)
                .unwrap_or(Value::Object(Default::default())),
            owner_id: r.try_get("owner_id")?,
            consent: Consent {
                email: r.try_get("consent_email")?,
                sms: r.try_get("consent_sms")?,
                whatsapp: r.try_get("consent_whatsapp")?,
            },
            time_zone: r.try_get("time_zone")?,
            birthday: r.try_get("birthday")?,
            tags: Vec::new(),
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        }
    }};
}

impl Store {
    /// Inserts a contact (its `tags` too) and, in the same transaction, `event`.
    pub async fn crm_insert_contact(
        &self,
        contact: &Contact,
        event: Option<&NewCrmEvent>,
    ) -> anyhow::Result<()> {
        let org = contact.org_id.as_str();
        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            sqlx::query(&format!(
                "INSERT INTO contacts ({CONTACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
            ))
            .bind(org)
            .bind(&contact.id)
            .bind(&contact.first_name)
            .bind(&contact.last_name)
            .bind(&contact.email)
            .bind(&contact.phone)
            .bind(&contact.source)
            .bind(&contact.status)
            .bind(&contact.lifecycle_stage)
            .bind(contact.custom_fields.to_string())
            .bind(&contact.owner_id)
            .bind(contact.consent.email)
            .bind(contact.consent.sms)
            .bind(contact.consent.whatsapp)
            .bind(&contact.time_zone)
            .bind(&contact.birthday)
            .bind(contact.created_at)
            .bind(contact.updated_at)
            .execute(&mut *tx)
            .await?;
            for tag in &contact.tags {
                sqlx::query(
                    "INSERT INTO contact_tags (org_id, contact_id, tag, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(org)
                .bind(&contact.id)
                .bind(tag)
                .bind(contact.created_at)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(event) = event {
                insert_crm_event!(&mut *tx, org, event)?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The contact with its tags, if it exists in `org`.
    pub async fn crm_contact(&self, org: &str, id: &str) -> anyhow::Result<Option<Contact>> {
        let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE org_id = $1 AND id = $2");
        let contact = with_pool!(&self.pool, p => {
            let row = sqlx::query(&sql).bind(org).bind(id).fetch_optional(p).await?;
            match row {
                Some(r) => Some(Ok::<_, sqlx::Error>(contact_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        let Some(mut contact) = contact else {
            return Ok(None);
        };
        contact.tags = self.crm_tags(org, id).await?;
        Ok(Some(contact))
    }

    /// The org's contacts matching `filter`, newest first, with their tags.
    pub async fn crm_contacts(
        &self,
        org: &str,
        filter: &ContactFilter,
    ) -> anyhow::Result<Vec<Contact>> {
        let limit = if filter.limit <= 0 { 100 } else { filter.limit };
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE org_id = $1
             AND ($2 IS NULL OR status = $2)
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.org_id = c.org_id AND t.contact_id = c.id AND t.tag = $3))
             ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5"
        );
        let mut contacts = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql)
                .bind(org)
                .bind(&filter.status)
                .bind(&filter.tag)
                .bind(limit)
                .bind(filter.offset.max(0))
                .fetch_all(p)
                .await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(contact_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        for contact in &mut contacts {
            contact.tags = self.crm_tags(org, &contact.id).await?;
        }
        Ok(contacts)
    }

    /// Contacts of `org` whose birthday (`YYYY-MM-DD`) falls on one of the
    /// `MM-DD` days given.
    pub async fn crm_contacts_born_on(
        &self,
        org: &str,
        month_days: &[String],
    ) -> anyhow::Result<Vec<Contact>> {
        let mut found = Vec::new();
        for day in month_days {
            let sql = format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts WHERE org_id = $1 AND substr(birthday, 6, 5) = $2 ORDER BY id"
            );
            let rows = with_pool!(&self.pool, p => {
                let rows = sqlx::query(&sql).bind(org).bind(day).fetch_all(p).await?;
                rows.iter().map(|r| Ok::<_, sqlx::Error>(contact_from_row!(r))).collect::<Result<Vec<_>, _>>()?
            });
            found.extend(rows);
        }
        Ok(found)
    }

    /// Writes every field of `contact` except its tags and creation time, and
    /// `event` in the same transaction; false when the contact is not in its org.
    pub async fn crm_update_contact(
        &self,
        contact: &Contact,
        event: Option<&NewCrmEvent>,
    ) -> anyhow::Result<bool> {
        let org = contact.org_id.as_str();
        let updated = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE contacts SET first_name = $1, last_name = $2, email = $3, phone = $4, source = $5, status = $6,
                 lifecycle_stage = $7, custom_fields = $8, owner_id = $9, consent_email = $10, consent_sms = $11,
                 consent_whatsapp = $12, time_zone = $13, birthday = $14, updated_at = $15
                 WHERE org_id = $16 AND id = $17",
            )
            .bind(&contact.first_name)
            .bind(&contact.last_name)
            .bind(&contact.email)
            .bind(&contact.phone)
            .bind(&contact.source)
            .bind(&contact.status)
            .bind(&contact.lifecycle_stage)
            .bind(contact.custom_fields.to_string())
            .bind(&contact.owner_id)
            .bind(contact.consent.email)
            .bind(contact.consent.sms)
            .bind(contact.consent.whatsapp)
            .bind(&contact.time_zone)
            .bind(&contact.birthday)
            .bind(contact.updated_at)
            .bind(org)
            .bind(&contact.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 && let Some(event) = event {
                insert_crm_event!(&mut *tx, org, event)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(updated)
    }

    /// Deletes a contact and everything hanging off it; false when it was not in `org`.
    pub async fn crm_delete_contact(&self, org: &str, id: &str) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query("DELETE FROM contacts WHERE org_id = $1 AND id = $2")
            .bind(org)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The contact's consent on `channel`; `None` when the contact is not in `org`.
    pub async fn crm_has_consent(
        &self,
        org: &str,
        id: &str,
        channel: Channel,
    ) -> anyhow::Result<Option<bool>> {
        let column = match channel {
            Channel::Email => "consent_email",
            Channel::Sms => "consent_sms",
            Channel::Whatsapp => "consent_whatsapp",
        };
        let sql = format!("SELECT {column} AS allowed FROM contacts WHERE org_id = $1 AND id = $2");
        let allowed = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(org)
            .bind(id)
            .fetch_optional(p)
            .await
            .and_then(|r| r.map(|r| r.try_get::<bool, _>("allowed")).transpose()))?;
        Ok(allowed)
    }
}
