//! Delivery receipts recorded against the step that sent a message: what
//! Twilio's status callbacks and SendGrid's event webhook reported. A receipt
//! is written once per provider report (its `event_key`), together with the
//! `step.delivery` execution event that live views show.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::Row;

use super::tenant::with_tenant;
use super::transitions::NewEvent;
use super::{Store, now_ms};

/// The execution event kind of a recorded receipt.
pub const DELIVERY_EVENT: &str = "step.delivery";

/// A receipt to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDelivery {
    /// Tenant.
    pub org_id: String,
    /// Workflow of the execution (for the execution event).
    pub workflow_id: String,
    /// Execution.
    pub execution_id: String,
    /// The step's node.
    pub node_id: String,
    /// `twilio` or `sendgrid`.
    pub provider: String,
    /// Names the provider's report; a second receipt with the same key is ignored.
    pub event_key: String,
    /// The provider's message id (Twilio `SM...`, SendGrid `sg_message_id`).
    pub message_id: Option<String>,
    /// Normalised status: `delivered`, `failed`, `opened`, `bounced`, ...
    pub status: String,
    /// The provider's error code, when it gave one.
    pub error_code: Option<String>,
    /// Further fields of the report (reason, URL clicked, raw event name, ...).
    pub detail: Value,
    /// When the provider says it happened (ms since the Unix epoch).
    pub occurred_at: i64,
}

/// A recorded receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryRecord {
    /// Sequence number.
    pub id: i64,
    /// The step's node.
    pub node_id: String,
    /// `twilio` or `sendgrid`.
    pub provider: String,
    /// The provider's message id.
    pub message_id: Option<String>,
    /// Normalised status.
    pub status: String,
    /// The provider's error code.
    pub error_code: Option<String>,
    /// Further fields of the report.
    pub detail: Value,
    /// When it happened, by the provider (ms since the Unix epoch).
    pub occurred_at: i64,
    /// When it was received (ms since the Unix epoch).
    pub received_at: i64,
}

/// Where a receipt for a step of an execution goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryTarget {
    /// Workflow of the execution.
    pub workflow_id: String,
    /// The version the execution runs.
    pub workflow_version: i64,
}

impl Store {
    /// The execution's workflow when `execution` exists in `org` and ran an
    /// action at `node`; `None` otherwise.
    pub async fn delivery_target(
        &self,
        org: &str,
        execution: &str,
        node: &str,
    ) -> anyhow::Result<Option<DeliveryTarget>> {
        let row = with_tenant!(&self.pool, org, c => sqlx::query(
            "SELECT e.workflow_id, e.workflow_version FROM executions e
             WHERE e.org_id = $1 AND e.id = $2 AND EXISTS (
                 SELECT 1 FROM steps s WHERE s.org_id = $1 AND s.execution_id = $2 AND s.node_id = $3 AND s.kind = 'action')",
        )
        .bind(org)
        .bind(execution)
        .bind(node)
        .fetch_optional(c)
        .await
        .and_then(|r| {
            r.map(|r| {
                Ok(DeliveryTarget {
                    workflow_id: r.try_get("workflow_id")?,
                    workflow_version: r.try_get("workflow_version")?,
                })
            })
            .transpose()
        }))?;
        Ok(row)
    }

    /// Records the receipts of one org in one transaction, each with its
    /// `step.delivery` event; a receipt whose provider report was recorded
    /// before is skipped. Returns the events written, for the live broadcast.
    pub async fn record_deliveries(
        &self,
        org: &str,
        deliveries: &[NewDelivery],
    ) -> anyhow::Result<Vec<NewEvent>> {
        if deliveries.is_empty() {
            return Ok(Vec::new());
        }
        anyhow::ensure!(
            deliveries.iter().all(|d| d.org_id == org),
            "every receipt of a batch belongs to the batch's org"
        );
        let received_at = now_ms();
        let mut events = Vec::new();
        with_tenant!(&self.pool, org, c => {
            let mut tx = sqlx::Acquire::begin(c).await?;
            for d in deliveries {
                let inserted = sqlx::query(
                    "INSERT INTO step_deliveries (org_id, execution_id, node_id, provider, event_key, message_id, status, error_code, detail, occurred_at, received_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                     ON CONFLICT (org_id, provider, event_key) DO NOTHING RETURNING id",
                )
                .bind(&d.org_id)
                .bind(&d.execution_id)
                .bind(&d.node_id)
                .bind(&d.provider)
                .bind(&d.event_key)
                .bind(&d.message_id)
                .bind(&d.status)
                .bind(&d.error_code)
                .bind(d.detail.to_string())
                .bind(d.occurred_at)
                .bind(received_at)
                .fetch_optional(&mut *tx)
                .await?;
                if inserted.is_none() {
                    continue;
                }
                let event = NewEvent {
                    org_id: d.org_id.clone(),
                    workflow_id: d.workflow_id.clone(),
                    execution_id: d.execution_id.clone(),
                    node_id: Some(d.node_id.clone()),
                    kind: DELIVERY_EVENT.into(),
                    detail: json!({
                        "provider": d.provider,
                        "message_id": d.message_id,
                        "status": d.status,
                        "error_code": d.error_code,
                        "occurred_at": d.occurred_at,
                    }),
                    at: received_at,
                };
                sqlx::query(
                    "INSERT INTO execution_events (org_id, workflow_id, execution_id, node_id, kind, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&event.org_id)
                .bind(&event.workflow_id)
                .bind(&event.execution_id)
                .bind(&event.node_id)
                .bind(&event.kind)
                .bind(event.detail.to_string())
                .bind(event.at)
                .execute(&mut *tx)
                .await?;
                events.push(event);
            }
            tx.commit().await?;
        });
        Ok(events)
    }

    /// The receipts of an execution, oldest first.
    pub async fn deliveries(
        &self,
        org: &str,
        execution: &str,
    ) -> anyhow::Result<Vec<DeliveryRecord>> {
        let rows = with_tenant!(&self.pool, org, c => sqlx::query(
            "SELECT id, node_id, provider, message_id, status, error_code, detail, occurred_at, received_at
             FROM step_deliveries WHERE org_id = $1 AND execution_id = $2 ORDER BY id",
        )
        .bind(org)
        .bind(execution)
        .fetch_all(c)
        .await
        .and_then(|rows| {
            rows.iter()
                .map(|r| {
                    let detail: String = r.try_get("detail")?;
                    Ok(DeliveryRecord {
                        id: r.try_get("id")?,
                        node_id: r.try_get("node_id")?,
                        provider: r.try_get("provider")?,
                        message_id: r.try_get("message_id")?,
                        status: r.try_get("status")?,
                        error_code: r.try_get("error_code")?,
                        detail: serde_json::from_str(&detail).unwrap_or(Value::Null),
                        occurred_at: r.try_get("occurred_at")?,
                        received_at: r.try_get("received_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
        }))?;
        Ok(rows)
    }
}
