//! Cron triggers: activating a workflow registers its schedules; workers fire
//! the due ones. Each firing starts exactly one execution (the start claims it
//! atomically) and computes the next firing in the org's time zone.

use chrono::{TimeZone as _, Utc};
use serde_json::json;

use super::Engine;
use super::lifecycle::StartRequest;
use crate::graph::{CronSchedule, NodeKind, TriggerConfig};
use crate::store::{AdvancedSchedule, Schedule};

impl Engine {
    /// Activates a workflow and registers its cron triggers.
    pub async fn activate(&self, org: &str, workflow: &str) -> anyhow::Result<bool> {
        let store = &self.inner.store;
        let Some(record) = store.workflow(org, workflow).await? else {
            return Ok(false);
        };
        store.set_workflow_status(org, workflow, "active").await?;
        let loaded = self
            .inner
            .workflows
            .get(org, workflow, record.version)
            .await?;
        let tz = self.org_time_zone(org).await?;
        let now = self.now();
        let mut schedules = Vec::new();
        for node in loaded.graph.trigger_nodes() {
            if let NodeKind::Trigger(TriggerConfig::Schedule { cron }) = &node.kind {
                let schedule = CronSchedule::parse(cron).map_err(anyhow::Error::msg)?;
                if let Some(next) = schedule.next_fire_after(local(tz, now)) {
                    schedules.push(Schedule {
                        workflow_id: workflow.to_string(),
                        node_id: node.id.clone(),
                        org_id: org.to_string(),
                        cron: cron.clone(),
                        next_fire_at: next.timestamp_millis(),
                    });
                }
            }
        }
        store.replace_schedules(org, workflow, &schedules).await?;
        Ok(true)
    }

    /// Deactivates a workflow: its trigger stops firing; running executions go on.
    pub async fn deactivate(&self, org: &str, workflow: &str) -> anyhow::Result<bool> {
        let store = &self.inner.store;
        let changed = store.set_workflow_status(org, workflow, "inactive").await?;
        store.replace_schedules(org, workflow, &[]).await?;
        Ok(changed)
    }

    /// Fires every due cron trigger; returns the executions started.
    pub(crate) async fn fire_due_schedules(&self) -> anyhow::Result<Vec<String>> {
        let now = self.now();
        let mut started = Vec::new();
        for due in self.inner.store.due_schedules(now, 100).await? {
            let tz = self.org_time_zone(&due.org_id).await?;
            let after = local(tz, now.max(due.next_fire_at));
            let next = CronSchedule::parse(&due.cron)
                .ok()
                .and_then(|c| c.next_fire_after(after))
                .map(|t| t.timestamp_millis())
                .unwrap_or(i64::MAX);
            let request = StartRequest {
                org_id: due.org_id.clone(),
                workflow_id: due.workflow_id.clone(),
                trigger: json!({
                    "event": "schedule",
                    "scheduled_at": Utc.timestamp_millis_opt(due.next_fire_at).single().unwrap_or_default().to_rfc3339(),
                }),
                contact: None,
                test_mode: false,
                force: true,
            };
            let claim = AdvancedSchedule {
                workflow_id: due.workflow_id.clone(),
                node_id: due.node_id.clone(),
                fired: due.next_fire_at,
                next,
            };
            if let Some(id) = self.start_claiming(request, Some(claim)).await? {
                started.push(id);
            }
        }
        Ok(started)
    }

    async fn org_time_zone(&self, org: &str) -> anyhow::Result<chrono_tz::Tz> {
        let org = self.inner.workflows.org(org).await?;
        Ok(org.time_zone.parse().unwrap_or(chrono_tz::UTC))
    }
}

/// `ms` since the Unix epoch as a time in `tz`.
fn local(tz: chrono_tz::Tz, ms: i64) -> chrono::DateTime<chrono_tz::Tz> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz)
}
