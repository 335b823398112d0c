//! Starting, cancelling, retrying and replaying executions.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Engine;
use crate::graph::{NodeKind, ReentryPolicy};
use crate::store::{
    AdvancedSchedule, ExecutionRecord, ExecutionStatus, ExecutionUpdate, Job, NewEvent, NewJob,
    NewWait, Transition, WaitRemoval,
};

/// A request to start a workflow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StartRequest {
    /// Tenant.
    pub org_id: String,
    /// Workflow to run (its current version).
    pub workflow_id: String,
    /// Trigger payload.
    pub trigger: Value,
    /// Contact snapshot; its `id` is the contact id.
    pub contact: Option<Value>,
    /// Test run: actions must not send.
    pub test_mode: bool,
    /// Ignore the re-entry policy (manual and test runs).
    pub force: bool,
}

impl Engine {
    /// Starts an execution of the workflow's current version. `Ok(None)` when
    /// the workflow's re-entry policy keeps this contact out.
    pub async fn start(&self, request: StartRequest) -> anyhow::Result<Option<String>> {
        self.start_claiming(request, None).await
    }

    /// [`Engine::start`] for a caller that has just read the workflow's
    /// current version (the API checks the status first): saves a read.
    pub async fn start_version(
        &self,
        request: StartRequest,
        version: i64,
    ) -> anyhow::Result<Option<String>> {
        self.start_at(request, None, version).await
    }

    /// Starts an execution; with `schedule`, only if this call claims that firing.
    pub(crate) async fn start_claiming(
        &self,
        request: StartRequest,
        schedule: Option<AdvancedSchedule>,
    ) -> anyhow::Result<Option<String>> {
        let (version, _) = self
            .inner
            .store
            .workflow_head(&request.org_id, &request.workflow_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("workflow {} does not exist", request.workflow_id))?;
        self.start_at(request, schedule, version).await
    }

    async fn start_at(
        &self,
        request: StartRequest,
        schedule: Option<AdvancedSchedule>,
        version: i64,
    ) -> anyhow::Result<Option<String>> {
        let inner = &self.inner;
        let workflow = inner
            .workflows
            .get(&request.org_id, &request.workflow_id, version)
            .await?;
        let contact_id = request
            .contact
            .as_ref()
            .and_then(|c| c.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let now = self.now();
        if let Some(contact) = &contact_id
            && !request.force
            && !request.test_mode
        {
            let last = inner
                .store
                .last_entry(&request.org_id, &request.workflow_id, contact)
                .await?;
            let blocked = match (&workflow.graph.document().settings.reentry, last) {
                (_, None) | (ReentryPolicy::Always, _) => false,
                (ReentryPolicy::Never, Some(_)) => true,
                (ReentryPolicy::AfterDays { days }, Some(at)) => {
                    now - at < i64::from(*days) * 86_400_000
                }
            };
            if blocked {
                return Ok(None);
            }
        }
        let trigger_node = workflow
            .graph
            .trigger_nodes()
            .next()
            .ok_or_else(|| anyhow::anyhow!("workflow {} has no trigger", request.workflow_id))?
            .id
            .clone();
        let id = uuid::Uuid::now_v7().to_string();
        let execution = ExecutionRecord {
            id: id.clone(),
            org_id: request.org_id.clone(),
            workflow_id: request.workflow_id.clone(),
            workflow_version: version,
            contact_id: contact_id.clone(),
            status: ExecutionStatus::Running,
            test_mode: request.test_mode,
            trigger: request.trigger,
            contact: request.contact,
            context: json!({}),
            current_node: Some(trigger_node.clone()),
            next_seq: 1,
            error: None,
            started_at: now,
            updated_at: now,
            finished_at: None,
        };
        let waits = match &contact_id {
            Some(contact) => workflow
                .graph
                .document()
                .nodes
                .iter()
                .filter_map(|node| match &node.kind {
                    NodeKind::Goal(goal) => Some(NewWait {
                        execution_id: id.clone(),
                        org_id: request.org_id.clone(),
                        contact_id: contact.clone(),
                        event: goal.event.as_str().to_string(),
                        node_id: node.id.clone(),
                        kind: "goal".into(),
                    }),
                    _ => None,
                })
                .collect(),
            None => Vec::new(),
        };
        let inline = match self.inner.local_worker.get() {
            Some(()) => self.inner.slots.clone().try_acquire_owned().ok(),
            None => None,
        };
        let transition = Transition {
            new_execution: Some(execution.clone()),
            jobs: vec![NewJob {
                org_id: request.org_id.clone(),
                execution_id: id.clone(),
                node_id: trigger_node.clone(),
                seq: 1,
                attempt: 1,
                reason: "step".into(),
                run_at: now,
                lease_owner: inline.as_ref().map(|_| self.inner.config.worker_id.clone()),
                lease_until: if inline.is_some() {
                    now + self.inner.config.lease.as_millis() as i64
                } else {
                    0
                },
            }],
            waits,
            events: vec![NewEvent {
                org_id: request.org_id,
                workflow_id: request.workflow_id,
                execution_id: id.clone(),
                node_id: Some(trigger_node.clone()),
                kind: "execution.started".into(),
                detail: json!({ "version": version, "test_mode": request.test_mode, "contact_id": contact_id }),
                at: now,
            }],
            advance_schedule: schedule,
            ..Transition::default()
        };
        if !self.commit(transition).await? {
            // Another worker claimed this schedule firing first.
            return Ok(None);
        }
        match inline {
            // This process runs a worker with room: run the execution now,
            // without waiting for a claim.
            Some(permit) => {
                let engine = self.clone();
                let job = Job {
                    id: 0,
                    org_id: execution.org_id.clone(),
                    execution_id: execution.id.clone(),
                    node_id: trigger_node,
                    seq: 1,
                    attempt: 1,
                    reason: "step".into(),
                    run_at: now,
                };
                tokio::spawn(async move {
                    if let Err(e) = engine.run_job(job, Some(execution)).await {
                        tracing::error!(error = %format!("{e:#}"), "execution start failed; it runs again when its lease expires");
                    }
                    drop(permit);
                });
            }
            None => self.inner.wake.notify_one(),
        }
        Ok(Some(id))
    }

    /// Cancels a running or waiting execution; false when it was already over.
    pub async fn cancel(&self, org: &str, execution_id: &str) -> anyhow::Result<bool> {
        let Some(execution) = self.inner.store.execution(org, execution_id).await? else {
            return Ok(false);
        };
        if execution.status.is_finished() {
            return Ok(false);
        }
        let now = self.now();
        let transition = Transition {
            update: Some(ExecutionUpdate {
                id: execution.id.clone(),
                status: ExecutionStatus::Cancelled,
                current_node: execution.current_node.clone(),
                context: None,
                next_seq: execution.next_seq,
                error: None,
                finished_at: Some(now),
                updated_at: now,
            }),
            clear_jobs_of: Some(execution.id.clone()),
            clear_waits_of: Some((execution.id.clone(), WaitRemoval::All)),
            events: vec![
                self.lifecycle_event(&execution, "step.skipped", json!({ "reason": "cancelled" })),
                self.lifecycle_event(&execution, "execution.cancelled", json!({})),
            ],
            ..Transition::default()
        };
        self.commit(transition).await
    }

    /// Runs a failed execution again from the step that failed.
    pub async fn retry(&self, org: &str, execution_id: &str) -> anyhow::Result<bool> {
        let store = &self.inner.store;
        let Some(execution) = store.execution(org, execution_id).await? else {
            return Ok(false);
        };
        if execution.status != ExecutionStatus::Failed {
            return Ok(false);
        }
        let steps = store.steps(org, execution_id).await?;
        let Some(failed) = steps.iter().rev().find(|s| s.status == "failed") else {
            return Ok(false);
        };
        let now = self.now();
        let transition = Transition {
            update: Some(ExecutionUpdate {
                id: execution.id.clone(),
                status: ExecutionStatus::Running,
                current_node: Some(failed.node_id.clone()),
                context: None,
                next_seq: execution.next_seq,
                error: None,
                finished_at: None,
                updated_at: now,
            }),
            jobs: vec![NewJob {
                org_id: execution.org_id.clone(),
                execution_id: execution.id.clone(),
                node_id: failed.node_id.clone(),
                seq: execution.next_seq,
                attempt: 1,
                reason: "step".into(),
                run_at: now,
                lease_owner: None,
                lease_until: 0,
            }],
            events: vec![self.lifecycle_event(
                &execution,
                "execution.retried",
                json!({ "from_node": failed.node_id }),
            )],
            ..Transition::default()
        };
        let applied = self.commit(transition).await?;
        self.inner.wake.notify_one();
        Ok(applied)
    }

    /// Starts a test-mode copy of an execution (same trigger and contact).
    pub async fn replay_in_test_mode(
        &self,
        org: &str,
        execution_id: &str,
    ) -> anyhow::Result<Option<String>> {
        let Some(execution) = self.inner.store.execution(org, execution_id).await? else {
            return Ok(None);
        };
        self.start(StartRequest {
            org_id: execution.org_id,
            workflow_id: execution.workflow_id,
            trigger: execution.trigger,
            contact: execution.contact,
            test_mode: true,
            force: true,
        })
        .await
    }

    pub(crate) fn lifecycle_event(
        &self,
        execution: &ExecutionRecord,
        kind: &str,
        detail: Value,
    ) -> NewEvent {
        NewEvent {
            org_id: execution.org_id.clone(),
            workflow_id: execution.workflow_id.clone(),
            execution_id: execution.id.clone(),
            node_id: execution.current_node.clone(),
            kind: kind.to_string(),
            detail,
            at: self.now(),
        }
    }
}
