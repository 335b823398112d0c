//! CRM events entering the engine: they start the active workflows whose
//! trigger matches, resume executions waiting for that event, and make
//! executions watching a goal on that event jump to the goal.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use std::sync::Arc;

use super::Engine;
use super::lifecycle::StartRequest;
use super::scope::scope;
use super::workflow_cache::LoadedWorkflow;
use crate::graph::{NodeKind, TriggerConfig};
use crate::store::{
    ConsumedWait, ExecutionRecord, ExecutionStatus, ExecutionUpdate, NewJob, NewWait, StepRecord,
    Transition, WaitRemoval,
};

/// A CRM event: `lead_created`, `booking_created`, `tag_added`, ...
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CrmEvent {
    /// Event name (a trigger event).
    pub event: String,
    /// The contact it concerns (snapshot; `id` is the contact id).
    pub contact: Option<Value>,
    /// Event data (`tag`, `booking_id`, `class_start`, ...).
    pub payload: Value,
}

/// What an event did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestOutcome {
    /// Executions started.
    pub started: Vec<String>,
    /// Executions resumed from a wait.
    pub resumed: Vec<String>,
    /// Executions that jumped to a goal.
    pub goals: Vec<String>,
    /// Executions stopped because the contact replied (workflows set to stop on reply).
    pub stopped: Vec<String>,
}

impl Engine {
    /// Applies a CRM event in `org`.
    pub async fn ingest(&self, org: &str, event: CrmEvent) -> anyhow::Result<IngestOutcome> {
        let mut outcome = IngestOutcome::default();
        let contact_id = event
            .contact
            .as_ref()
            .and_then(|c| c.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(contact) = &contact_id
            && event.event == "contact_replied"
        {
            for execution in self.inner.store.open_executions_of(org, contact).await? {
                let workflow = self
                    .inner
                    .workflows
                    .get(org, &execution.workflow_id, execution.workflow_version)
                    .await?;
                if workflow.graph.settings().stop_on_reply
                    && self.cancel(org, &execution.id).await?
                {
                    outcome.stopped.push(execution.id);
                }
            }
        }
        if let Some(contact) = &contact_id {
            for wait in self
                .inner
                .store
                .waits_for(org, contact, &event.event)
                .await?
            {
                let applied = if wait.kind == "goal" {
                    self.jump_to_goal(&wait, &event).await?
                } else {
                    self.resume_wait(&wait, &event).await?
                };
                if applied {
                    if wait.kind == "goal" {
                        outcome.goals.push(wait.execution_id);
                    } else {
                        outcome.resumed.push(wait.execution_id);
                    }
                }
            }
        }
        for (workflow_id, version) in self.inner.store.active_workflow_versions(org).await? {
            let loaded = self.inner.workflows.get(org, &workflow_id, version).await?;
            let matches = loaded.graph.trigger_nodes().any(|node| match &node.kind {
                NodeKind::Trigger(trigger) => trigger_matches(trigger, &event),
                _ => false,
            });
            if !matches {
                continue;
            }
            let started = self
                .start(StartRequest {
                    org_id: org.to_string(),
                    workflow_id: workflow_id.clone(),
                    trigger: event.payload.clone(),
                    contact: event.contact.clone(),
                    test_mode: false,
                    force: false,
                })
                .await?;
            outcome.started.extend(started);
        }
        if !outcome.resumed.is_empty() || !outcome.goals.is_empty() {
            self.inner.wake.notify_waiters();
        }
        Ok(outcome)
    }

    /// The waiting execution and its workflow, unless it is already over.
    async fn open_execution(
        &self,
        wait: &NewWait,
    ) -> anyhow::Result<Option<(ExecutionRecord, Arc<LoadedWorkflow>)>> {
        let Some(execution) = self
            .inner
            .store
            .execution(&wait.org_id, &wait.execution_id)
            .await?
        else {
            return Ok(None);
        };
        if execution.status.is_finished() {
            return Ok(None);
        }
        let workflow = self
            .inner
            .workflows
            .get(
                &execution.org_id,
                &execution.workflow_id,
                execution.workflow_version,
            )
            .await?;
        Ok(Some((execution, workflow)))
    }

    /// Resolves a wait-for-event node with the `event` outcome.
    async fn resume_wait(&self, wait: &NewWait, event: &CrmEvent) -> anyhow::Result<bool> {
        let Some((execution, workflow)) = self.open_execution(wait).await? else {
            return Ok(false);
        };
        let now = self.now();
        let seq = execution.next_seq;
        let next = workflow
            .graph
            .next(&wait.node_id, "event")
            .map(str::to_string);
        let step = StepRecord {
            execution_id: execution.id.clone(),
            seq,
            org_id: execution.org_id.clone(),
            node_id: wait.node_id.clone(),
            kind: "wait_for_event".into(),
            status: "completed".into(),
            attempt: 1,
            outcome: Some("event".into()),
            input: None,
            output: Some(event.payload.clone()),
            error: None,
            error_kind: None,
            fuel: 0,
            worker: self.inner.config.worker_id.clone(),
            started_at: now,
            finished_at: now,
        };
        let mut context = execution.context.clone();
        super::executor::set_step_context(
            &mut context,
            &wait.node_id,
            json!({ "outcome": "event", "output": event.payload }),
        );
        let (status, jobs, finished_at) = match &next {
            Some(node) => (
                ExecutionStatus::Running,
                vec![NewJob {
                    org_id: execution.org_id.clone(),
                    execution_id: execution.id.clone(),
                    node_id: node.clone(),
                    seq: seq + 1,
                    attempt: 1,
                    reason: "resume".into(),
                    run_at: now,
                    lease_owner: None,
                    lease_until: 0,
                }],
                None,
            ),
            None => (ExecutionStatus::Completed, Vec::new(), Some(now)),
        };
        let mut completed =
            self.lifecycle_event(&execution, "step.completed", json!({ "outcome": "event" }));
        completed.node_id = Some(wait.node_id.clone());
        let mut events = vec![
            completed,
            self.lifecycle_event(
                &execution,
                "execution.resumed",
                json!({ "event": event.event, "node": wait.node_id }),
            ),
        ];
        if finished_at.is_some() {
            events.push(self.lifecycle_event(&execution, "execution.completed", json!({})));
        }
        let transition = Transition {
            consume_wait: Some(ConsumedWait {
                execution_id: execution.id.clone(),
                node_id: wait.node_id.clone(),
            }),
            steps: vec![step],
            update: Some(ExecutionUpdate {
                id: execution.id.clone(),
                status,
                current_node: next.clone().or(Some(wait.node_id.clone())),
                context: Some(context),
                next_seq: seq + 1,
                error: None,
                finished_at,
                updated_at: now,
            }),
            clear_jobs_of: Some(execution.id.clone()),
            jobs,
            clear_waits_of: finished_at.map(|_| (execution.id.clone(), WaitRemoval::All)),
            events,
            ..Transition::default()
        };
        self.commit(transition).await
    }

    /// Moves an execution to its goal node from wherever it is.
    async fn jump_to_goal(&self, wait: &NewWait, event: &CrmEvent) -> anyhow::Result<bool> {
        let Some((execution, workflow)) = self.open_execution(wait).await? else {
            return Ok(false);
        };
        if let Some(node) = workflow.graph.node(&wait.node_id)
            && let NodeKind::Goal(goal) = &node.kind
            && let Some(condition) = &goal.condition
        {
            let org = self.inner.workflows.org(&execution.org_id).await?;
            let mut scope = scope(&execution, &execution.context, &workflow, &org);
            scope["event"] = event.payload.clone();
            if !crate::graph::evaluate(condition, &scope) {
                return Ok(false);
            }
        }
        let now = self.now();
        let transition = Transition {
            consume_wait: Some(ConsumedWait {
                execution_id: execution.id.clone(),
                node_id: wait.node_id.clone(),
            }),
            update: Some(ExecutionUpdate {
                id: execution.id.clone(),
                status: ExecutionStatus::Running,
                current_node: Some(wait.node_id.clone()),
                context: None,
                next_seq: execution.next_seq,
                error: None,
                finished_at: None,
                updated_at: now,
            }),
            clear_jobs_of: Some(execution.id.clone()),
            jobs: vec![NewJob {
                org_id: execution.org_id.clone(),
                execution_id: execution.id.clone(),
                node_id: wait.node_id.clone(),
                seq: execution.next_seq,
                attempt: 1,
                reason: "goal".into(),
                run_at: now,
                lease_owner: None,
                lease_until: 0,
            }],
            clear_waits_of: Some((execution.id.clone(), WaitRemoval::EventWaits)),
            events: vec![
                // The step it was at (waiting or running) will not complete.
                self.lifecycle_event(&execution, "step.skipped", json!({ "reason": "goal" })),
                self.lifecycle_event(
                    &execution,
                    "goal.triggered",
                    json!({ "event": event.event, "goal": wait.node_id }),
                ),
            ],
            ..Transition::default()
        };
        self.commit(transition).await
    }
}

/// True when `event` fires a trigger configured as `trigger`.
fn trigger_matches(trigger: &TriggerConfig, event: &CrmEvent) -> bool {
    if trigger.event().as_str() != event.event {
        return false;
    }
    match trigger {
        TriggerConfig::TagAdded { tag } => {
            event.payload.get("tag").and_then(Value::as_str) == Some(tag.as_str())
        }
        TriggerConfig::FormSubmitted {
            form_id: Some(form),
        } => event.payload.get("form_id").and_then(Value::as_str) == Some(form.as_str()),
        TriggerConfig::MembershipExpiring { days_before } => {
            event.payload.get("days_before").and_then(Value::as_u64)
                == Some(u64::from(*days_before))
        }
        _ => true,
    }
}
