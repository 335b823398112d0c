//! Running one job: the node it names, then every pure flow node after it
//! (trigger, if/else, switch, A/B split, goal, go-to) until a node that must be
//! committed before going on: an action (after it ran), a delay or wait, or the
//! end. Flow nodes are deterministic given the committed state, so evaluating
//! them again after a crash takes the same path.

use std::sync::Arc;

use chrono::{DateTime, TimeZone as _, Utc};
use serde_json::{Value, json};

use super::scope::scope;
use super::workflow_cache::LoadedWorkflow;
use super::{Engine, backoff_ms};
use crate::graph::{Node, NodeKind};
use crate::runtime::{ActionContext, RunError, RunRequest};
use crate::store::{
    ConsumedJob, ExecutionRecord, ExecutionStatus, ExecutionUpdate, Job, NewEvent, NewJob, NewWait,
    Org, StepRecord, StepStatus, Transition, WaitRemoval,
};

/// Flow nodes evaluated in one pass, at most; validation rejects cycles
/// without a wait, this guards against anything that slipped through.
const MAX_FLOW_STEPS: usize = 1_000;

/// What happened to a job.
pub(crate) enum Advance {
    /// The next node is due now and leased to this worker: run it. The
    /// execution's state as just committed comes along, saving a read.
    Continue(Job, Box<ExecutionRecord>),
    /// Nothing more to do now.
    Done,
}

/// The state of an execution while a worker moves it.
struct Cursor {
    execution: ExecutionRecord,
    workflow: Arc<LoadedWorkflow>,
    org: Arc<Org>,
    context: Value,
    consumed: ConsumedJob,
    node: String,
    seq: i64,
    attempt: i64,
    reason: String,
    steps: Vec<StepRecord>,
    events: Vec<NewEvent>,
    context_changed: bool,
    /// A wait-for-event timed out: its wait row goes with the next commit.
    clear_event_waits: bool,
}

impl Engine {
    /// Runs a claimed job and every job it chains to. `known` is the
    /// execution's committed state when the caller has it.
    pub(crate) async fn run_job(
        &self,
        job: Job,
        known: Option<ExecutionRecord>,
    ) -> anyhow::Result<()> {
        let mut job = job;
        let mut known = known;
        loop {
            match self.advance(job, known.take()).await? {
                Advance::Continue(next, execution) => {
                    job = next;
                    known = Some(*execution);
                }
                Advance::Done => return Ok(()),
            }
        }
    }

    async fn advance(&self, job: Job, known: Option<ExecutionRecord>) -> anyhow::Result<Advance> {
        let inner = &self.inner;
        let consumed = ConsumedJob {
            execution_id: job.execution_id.clone(),
            seq: job.seq,
            lease_owner: inner.config.worker_id.clone(),
        };
        let execution = match known {
            Some(execution) => Some(execution),
            None => {
                inner
                    .store
                    .execution(&job.org_id, &job.execution_id)
                    .await?
            }
        };
        let Some(execution) = execution else {
            self.commit(Transition {
                consume_job: Some(consumed),
                ..Transition::default()
            })
            .await?;
            return Ok(Advance::Done);
        };
        if execution.status.is_finished() {
            self.commit(Transition {
                consume_job: Some(consumed),
                ..Transition::default()
            })
            .await?;
            return Ok(Advance::Done);
        }
        let workflow = inner
            .workflows
            .get(
                &execution.org_id,
                &execution.workflow_id,
                execution.workflow_version,
            )
            .await?;
        let org = inner.workflows.org(&execution.org_id).await?;
        let mut cursor = Cursor {
            context: execution.context.clone(),
            execution,
            workflow,
            org,
            consumed,
            node: job.node_id.clone(),
            seq: job.seq,
            attempt: job.attempt,
            reason: job.reason.clone(),
            steps: Vec::new(),
            events: Vec::new(),
            context_changed: false,
            clear_event_waits: false,
        };
        if cursor.reason == "timer" || cursor.reason == "timeout" || cursor.reason == "quiet_hours"
        {
            let kind = cursor.reason.clone();
            self.event(&mut cursor, "execution.resumed", json!({ "reason": kind }));
        }

        for _ in 0..MAX_FLOW_STEPS {
            let workflow = cursor.workflow.clone();
            let Some(node) = workflow.graph.node(&cursor.node) else {
                let message = format!(
                    "node `{}` does not exist in version {}",
                    cursor.node, cursor.workflow.version
                );
                return self.fail(cursor, message).await;
            };
            match &node.kind {
                NodeKind::Action(_) => return self.run_action(cursor, node).await,
                NodeKind::Delay(config) => {
                    let wait = match crate::graph::parse_duration(&config.duration) {
                        Ok(wait) => wait,
                        Err(e) => {
                            return self.fail(cursor, format!("node `{}`: {e}", node.id)).await;
                        }
                    };
                    let due = self.now() + wait.as_millis() as i64;
                    return self.park_until(cursor, node, due).await;
                }
                NodeKind::WaitUntil(config) => {
                    let due = match self.wait_until_due(&cursor, config) {
                        Ok(due) => due,
                        Err(e) => {
                            return self
                                .fail(cursor, format!("node `{}`: {e:#}", node.id))
                                .await;
                        }
                    };
                    return self.park_until(cursor, node, due).await;
                }
                NodeKind::WaitForEvent(config) => {
                    if cursor.reason == "timeout" {
                        cursor.clear_event_waits = true;
                        self.flow_step(&mut cursor, node, "timeout");
                        if !self.follow(&mut cursor, node, "timeout") {
                            return self.complete(cursor).await;
                        }
                        continue;
                    }
                    let timeout = match crate::graph::parse_duration(&config.timeout) {
                        Ok(timeout) => timeout,
                        Err(e) => {
                            return self.fail(cursor, format!("node `{}`: {e}", node.id)).await;
                        }
                    };
                    return self
                        .park_on_event(
                            cursor,
                            node,
                            config.event.as_str(),
                            timeout.as_millis() as i64,
                        )
                        .await;
                }
                NodeKind::Exit(_) => {
                    self.flow_step(&mut cursor, node, "exit");
                    return self.complete(cursor).await;
                }
                NodeKind::Goto(config) => {
                    self.flow_step(&mut cursor, node, "goto");
                    cursor.node = config.target.clone();
                    cursor.seq += 1;
                    cursor.attempt = 1;
                    continue;
                }
                _ => {
                    let outcome = self.flow_outcome(&mut cursor, node);
                    self.flow_step(&mut cursor, node, &outcome);
                    if !self.follow(&mut cursor, node, &outcome) {
                        return self.complete(cursor).await;
                    }
                }
            }
        }
        self.fail(
            cursor,
            format!("more than {MAX_FLOW_STEPS} flow steps without a wait"),
        )
        .await
    }

    /// The outcome of a pure flow node.
    fn flow_outcome(&self, cursor: &mut Cursor, node: &Node) -> String {
        let scope = scope(
            &cursor.execution,
            &cursor.context,
            &cursor.workflow,
            &cursor.org,
        );
        match &node.kind {
            NodeKind::IfElse(config) => if crate::graph::evaluate(&config.condition, &scope) {
                "true"
            } else {
                "false"
            }
            .to_string(),
            NodeKind::Switch(config) => config
                .cases
                .iter()
                .find(|case| crate::graph::evaluate(&case.condition, &scope))
                .map(|case| case.name.clone())
                .unwrap_or_else(|| "default".to_string()),
            NodeKind::AbSplit(config) => {
                let subject = cursor
                    .execution
                    .contact_id
                    .clone()
                    .unwrap_or_else(|| cursor.execution.id.clone());
                let variant =
                    crate::graph::ab_variant(&subject, &node.id, &config.variants).to_string();
                set_step_context(&mut cursor.context, &node.id, json!({ "outcome": variant }));
                cursor.context_changed = true;
                self.event(cursor, "ab.assigned", json!({ "variant": variant }));
                variant
            }
            NodeKind::Goal(_) => {
                let since_start_ms = self.now() - cursor.execution.started_at;
                self.event(
                    cursor,
                    "goal.reached",
                    json!({ "since_start_ms": since_start_ms }),
                );
                "next".to_string()
            }
            _ => "next".to_string(),
        }
    }

    fn wait_until_due(
        &self,
        cursor: &Cursor,
        config: &crate::graph::WaitUntilConfig,
    ) -> anyhow::Result<i64> {
        let now = self.now();
        let tz = time_zone(&cursor.execution, &cursor.org);
        match config {
            crate::graph::WaitUntilConfig::BusinessHours {
                windows,
                holidays,
                time_zone: zone,
            } => {
                let tz = match zone {
                    Some(zone) => zone
                        .parse()
                        .map_err(|_| anyhow::anyhow!("unknown time zone `{zone}`"))?,
                    None => tz,
                };
                let hours =
                    crate::graph::WeeklyHours::from_windows(windows).map_err(anyhow::Error::msg)?;
                let holidays: Vec<chrono::NaiveDate> = holidays
                    .iter()
                    .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .collect();
                let at = crate::graph::next_business_time(utc(now), tz, &hours, &holidays)
                    .ok_or_else(|| anyhow::anyhow!("no business hours in the next year"))?;
                Ok(at.timestamp_millis().max(now))
            }
            crate::graph::WaitUntilConfig::DateTime { at, offset } => {
                let scope = scope(
                    &cursor.execution,
                    &cursor.context,
                    &cursor.workflow,
                    &cursor.org,
                );
                let text = crate::graph::Template::parse(at)?.render_string(&scope)?;
                let when = crate::graph::DateValue::parse(&text)
                    .ok_or_else(|| anyhow::anyhow!("`{text}` is not a date or date-time"))?
                    .start_instant();
                let offset = match offset {
                    Some(o) => crate::graph::parse_offset(o).map_err(anyhow::Error::msg)?,
                    None => chrono::TimeDelta::zero(),
                };
                Ok((when + offset).timestamp_millis().max(now))
            }
        }
    }

    async fn run_action(&self, mut cursor: Cursor, node: &Node) -> anyhow::Result<Advance> {
        let NodeKind::Action(config) = &node.kind else {
            unreachable!("run_action takes action nodes")
        };
        let inner = &self.inner;
        let started = self.now();
        let resolved = inner
            .marketplace
            .resolve(&cursor.execution.org_id, &config.plugin, &config.version)
            .await;
        let (plugin, grants) = match resolved {
            Ok(r) => (r.plugin, r.grants),
            Err(denied) => {
                return self
                    .action_failed(cursor, node, None, denied.kind, denied.message, 0, started)
                    .await;
            }
        };
        if let Some(quiet) = &cursor.workflow.graph.document().settings.quiet_hours
            && plugin.manifest.category == "communication"
            && let Ok(quiet) = crate::graph::QuietHours::from_config(quiet)
        {
            let tz = time_zone(&cursor.execution, &cursor.org);
            if crate::graph::in_quiet_hours(utc(started), tz, &quiet)
                && let Some(end) = crate::graph::end_of_quiet_hours(utc(started), tz, &quiet)
            {
                let attempt = cursor.attempt;
                return self
                    .reschedule(cursor, node, end.timestamp_millis(), "quiet_hours", attempt)
                    .await;
            }
        }
        let scope = scope(
            &cursor.execution,
            &cursor.context,
            &cursor.workflow,
            &cursor.org,
        );
        let input = match crate::graph::render_json(&config.input, &scope) {
            Ok(input) => input,
            Err(e) => {
                let message = format!("rendering the input failed: {e}");
                return self
                    .action_failed(cursor, node, None, "invalid_input", message, 0, started)
                    .await;
            }
        };
        let _ = inner.events.send(NewEvent {
            org_id: cursor.execution.org_id.clone(),
            workflow_id: cursor.execution.workflow_id.clone(),
            execution_id: cursor.execution.id.clone(),
            node_id: Some(node.id.clone()),
            kind: "step.started".into(),
            detail: json!({ "attempt": cursor.attempt }),
            at: started,
        });
        let request = RunRequest {
            context: ActionContext {
                org_id: cursor.execution.org_id.clone(),
                workflow_id: cursor.execution.workflow_id.clone(),
                execution_id: cursor.execution.id.clone(),
                step_id: node.id.clone(),
                attempt: cursor.attempt as u32,
                idempotency_key: format!("{}:{}", cursor.execution.id, cursor.seq),
                test_mode: cursor.execution.test_mode,
                now_unix_ms: started as u64,
                trigger: cursor.execution.trigger.clone(),
                contact: cursor.execution.contact.clone(),
            },
            input: input.clone(),
            grants,
        };
        let report = inner.runtime.run(&plugin, request).await;
        let fuel = report.fuel_consumed as i64;
        match report.result {
            Ok(output) => {
                let finished = self.now();
                set_step_context(
                    &mut cursor.context,
                    &node.id,
                    json!({ "output": output.data, "outcome": output.outcome }),
                );
                cursor.context_changed = true;
                cursor.steps.push(self.step_record(
                    &cursor,
                    node,
                    StepStatus::Completed,
                    Some(output.outcome.clone()),
                    Some(input),
                    Some(output.data),
                    None,
                    fuel,
                    started,
                    finished,
                ));
                self.event(&mut cursor, "step.completed", json!({ "outcome": output.outcome, "fuel": fuel, "duration_ms": finished - started }));
                let has_next = self.follow(&mut cursor, node, &output.outcome);
                self.commit_and_continue(cursor, has_next).await
            }
            Err(error) => {
                let policy = config.retry_policy();
                if error.is_retryable() && (cursor.attempt as u32) < policy.max_attempts {
                    let retry_after = match &error {
                        RunError::Retryable { retry_after_ms, .. } => *retry_after_ms,
                        _ => None,
                    };
                    let delay = backoff_ms(
                        &policy,
                        cursor.attempt as u32 + 1,
                        retry_after,
                        rand::random::<f64>(),
                    );
                    let detail = json!({ "attempt": cursor.attempt, "error": error.to_string(), "error_kind": error.kind(), "retry_in_ms": delay });
                    self.event(&mut cursor, "step.retried", detail);
                    let next_attempt = cursor.attempt + 1;
                    return self
                        .reschedule(
                            cursor,
                            node,
                            self.now() + delay as i64,
                            "retry",
                            next_attempt,
                        )
                        .await;
                }
                self.action_failed(
                    cursor,
                    node,
                    Some(input),
                    error.kind(),
                    error.to_string(),
                    fuel,
                    started,
                )
                .await
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn action_failed(
        &self,
        mut cursor: Cursor,
        node: &Node,
        input: Option<Value>,
        kind: &str,
        message: String,
        fuel: i64,
        started: i64,
    ) -> anyhow::Result<Advance> {
        let finished = self.now();
        let mut step = self.step_record(
            &cursor,
            node,
            StepStatus::Failed,
            None,
            input,
            None,
            Some(message.clone()),
            fuel,
            started,
            finished,
        );
        step.error_kind = Some(kind.to_string());
        cursor.steps.push(step);
        let detail = json!({ "error": message, "error_kind": kind, "attempt": cursor.attempt, "fuel": fuel, "duration_ms": finished - started });
        self.event(&mut cursor, "step.failed", detail);
        if cursor.workflow.graph.next(&node.id, "error").is_some() {
            set_step_context(
                &mut cursor.context,
                &node.id,
                json!({ "outcome": "error", "error": message }),
            );
            cursor.context_changed = true;
            let has_next = self.follow(&mut cursor, node, "error");
            return self.commit_and_continue(cursor, has_next).await;
        }
        self.fail(cursor, format!("step `{}` failed: {message}", node.id))
            .await
    }

    /// Commits the pending steps and, when there is a next node, a job for it
    /// leased to this worker, which then runs it without a queue round trip.
    async fn commit_and_continue(
        &self,
        mut cursor: Cursor,
        has_next: bool,
    ) -> anyhow::Result<Advance> {
        if !has_next {
            return self.complete(cursor).await;
        }
        let now = self.now();
        let lease_until = now + self.inner.config.lease.as_millis() as i64;
        let job = NewJob {
            org_id: cursor.execution.org_id.clone(),
            execution_id: cursor.execution.id.clone(),
            node_id: cursor.node.clone(),
            seq: cursor.seq,
            attempt: 1,
            reason: "step".into(),
            run_at: now,
            lease_owner: Some(self.inner.config.worker_id.clone()),
            lease_until,
        };
        let update = self.update(&cursor, ExecutionStatus::Running, None, None);
        let transition = Transition {
            consume_job: Some(cursor.consumed.clone()),
            steps: std::mem::take(&mut cursor.steps),
            update: Some(update),
            jobs: vec![job.clone()],
            clear_waits_of: event_wait_removal(&cursor),
            events: std::mem::take(&mut cursor.events),
            ..Transition::default()
        };
        let committed = transition.update.clone();
        if !self.commit(transition).await? {
            return Ok(Advance::Done);
        }
        let mut execution = cursor.execution;
        if let Some(update) = committed {
            execution.status = update.status;
            execution.current_node = update.current_node;
            execution.next_seq = update.next_seq;
            execution.updated_at = update.updated_at;
            if let Some(context) = update.context {
                execution.context = context;
            }
        }
        Ok(Advance::Continue(
            Job {
                id: 0,
                org_id: job.org_id,
                execution_id: job.execution_id,
                node_id: job.node_id,
                seq: job.seq,
                attempt: 1,
                reason: job.reason,
                run_at: job.run_at,
            },
            Box::new(execution),
        ))
    }

    /// Parks the execution until `due`, then resumes at the node after `node`.
    async fn park_until(
        &self,
        mut cursor: Cursor,
        node: &Node,
        due: i64,
    ) -> anyhow::Result<Advance> {
        self.flow_step(&mut cursor, node, "next");
        if let Some(step) = cursor.steps.last_mut() {
            step.output = Some(json!({ "until": due }));
        }
        if !self.follow(&mut cursor, node, "next") {
            return self.complete(cursor).await;
        }
        if due <= self.now() {
            return self.commit_and_continue(cursor, true).await;
        }
        self.event(
            &mut cursor,
            "execution.waiting",
            json!({ "until": due, "node": node.id }),
        );
        let job = self.new_job(&cursor, &cursor.node, cursor.seq, 1, "timer", due);
        self.commit_parked(cursor, vec![job], Vec::new()).await
    }

    /// Parks on a CRM event with a timeout; the step is recorded when it resolves.
    async fn park_on_event(
        &self,
        mut cursor: Cursor,
        node: &Node,
        event: &str,
        timeout_ms: i64,
    ) -> anyhow::Result<Advance> {
        let Some(contact) = cursor.execution.contact_id.clone() else {
            let message = "waiting for an event needs a contact".to_string();
            return self.fail(cursor, message).await;
        };
        let due = self.now() + timeout_ms;
        self.event(
            &mut cursor,
            "execution.waiting",
            json!({ "event": event, "until": due, "node": node.id }),
        );
        let wait = NewWait {
            execution_id: cursor.execution.id.clone(),
            org_id: cursor.execution.org_id.clone(),
            contact_id: contact,
            event: event.to_string(),
            node_id: node.id.clone(),
            kind: "wait".into(),
        };
        let job = self.new_job(&cursor, &node.id, cursor.seq, 1, "timeout", due);
        self.commit_parked(cursor, vec![job], vec![wait]).await
    }

    /// Puts the job back for later: a retry, or quiet hours.
    async fn reschedule(
        &self,
        mut cursor: Cursor,
        node: &Node,
        due: i64,
        reason: &str,
        attempt: i64,
    ) -> anyhow::Result<Advance> {
        if reason == "quiet_hours" {
            self.event(
                &mut cursor,
                "execution.waiting",
                json!({ "until": due, "reason": "quiet_hours", "node": node.id }),
            );
        }
        let job = self.new_job(&cursor, &node.id, cursor.seq, attempt, reason, due);
        cursor.node = node.id.clone();
        self.commit_parked(cursor, vec![job], Vec::new()).await
    }

    async fn commit_parked(
        &self,
        mut cursor: Cursor,
        jobs: Vec<NewJob>,
        waits: Vec<NewWait>,
    ) -> anyhow::Result<Advance> {
        let update = self.update(&cursor, ExecutionStatus::Waiting, None, None);
        let transition = Transition {
            consume_job: Some(cursor.consumed.clone()),
            steps: std::mem::take(&mut cursor.steps),
            update: Some(update),
            jobs,
            waits,
            clear_waits_of: event_wait_removal(&cursor),
            events: std::mem::take(&mut cursor.events),
            ..Transition::default()
        };
        self.commit(transition).await?;
        Ok(Advance::Done)
    }

    async fn complete(&self, mut cursor: Cursor) -> anyhow::Result<Advance> {
        self.event(&mut cursor, "execution.completed", json!({}));
        self.finish(cursor, ExecutionStatus::Completed, None).await
    }

    async fn fail(&self, mut cursor: Cursor, message: String) -> anyhow::Result<Advance> {
        self.event(&mut cursor, "execution.failed", json!({ "error": message }));
        self.finish(cursor, ExecutionStatus::Failed, Some(message))
            .await
    }

    async fn finish(
        &self,
        mut cursor: Cursor,
        status: ExecutionStatus,
        error: Option<String>,
    ) -> anyhow::Result<Advance> {
        let now = self.now();
        let update = self.update(&cursor, status, error, Some(now));
        let transition = Transition {
            consume_job: Some(cursor.consumed.clone()),
            steps: std::mem::take(&mut cursor.steps),
            update: Some(update),
            clear_waits_of: Some((cursor.execution.id.clone(), WaitRemoval::All)),
            events: std::mem::take(&mut cursor.events),
            ..Transition::default()
        };
        self.commit(transition).await?;
        Ok(Advance::Done)
    }

    fn update(
        &self,
        cursor: &Cursor,
        status: ExecutionStatus,
        error: Option<String>,
        finished_at: Option<i64>,
    ) -> ExecutionUpdate {
        ExecutionUpdate {
            id: cursor.execution.id.clone(),
            status,
            current_node: Some(cursor.node.clone()),
            context: cursor.context_changed.then(|| cursor.context.clone()),
            // Past every step recorded so far, so a retry never reuses a number.
            next_seq: cursor
                .steps
                .last()
                .map_or(cursor.seq, |s| s.seq + 1)
                .max(cursor.seq),
            error,
            finished_at,
            updated_at: self.now(),
        }
    }

    fn new_job(
        &self,
        cursor: &Cursor,
        node: &str,
        seq: i64,
        attempt: i64,
        reason: &str,
        run_at: i64,
    ) -> NewJob {
        NewJob {
            org_id: cursor.execution.org_id.clone(),
            execution_id: cursor.execution.id.clone(),
            node_id: node.to_string(),
            seq,
            attempt,
            reason: reason.to_string(),
            run_at,
            lease_owner: None,
            lease_until: 0,
        }
    }

    /// Records a completed flow step.
    fn flow_step(&self, cursor: &mut Cursor, node: &Node, outcome: &str) {
        let now = self.now();
        let step = self.step_record(
            cursor,
            node,
            StepStatus::Completed,
            Some(outcome.to_string()),
            None,
            None,
            None,
            0,
            now,
            now,
        );
        cursor.steps.push(step);
        self.event(cursor, "step.completed", json!({ "outcome": outcome }));
    }

    /// Moves the cursor along `outcome`; false at the end of a path.
    fn follow(&self, cursor: &mut Cursor, node: &Node, outcome: &str) -> bool {
        match cursor.workflow.graph.next(&node.id, outcome) {
            Some(next) => {
                cursor.node = next.to_string();
                cursor.seq += 1;
                cursor.attempt = 1;
                cursor.reason = "step".into();
                true
            }
            None => {
                cursor.seq += 1;
                false
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn step_record(
        &self,
        cursor: &Cursor,
        node: &Node,
        status: StepStatus,
        outcome: Option<String>,
        input: Option<Value>,
        output: Option<Value>,
        error: Option<String>,
        fuel: i64,
        started_at: i64,
        finished_at: i64,
    ) -> StepRecord {
        StepRecord {
            execution_id: cursor.execution.id.clone(),
            seq: cursor.seq,
            org_id: cursor.execution.org_id.clone(),
            node_id: node.id.clone(),
            kind: node.kind.name().to_string(),
            status: status.as_str().to_string(),
            attempt: cursor.attempt,
            outcome,
            input,
            output,
            error,
            error_kind: None,
            fuel,
            worker: self.inner.config.worker_id.clone(),
            started_at,
            finished_at,
        }
    }

    fn event(&self, cursor: &mut Cursor, kind: &str, detail: Value) {
        cursor.events.push(NewEvent {
            org_id: cursor.execution.org_id.clone(),
            workflow_id: cursor.execution.workflow_id.clone(),
            execution_id: cursor.execution.id.clone(),
            node_id: Some(cursor.node.clone()),
            kind: kind.to_string(),
            detail,
            at: self.now(),
        });
    }

    pub(crate) async fn commit(&self, transition: Transition) -> anyhow::Result<bool> {
        self.inner.committer.commit(transition).await
    }

    pub(crate) fn now(&self) -> i64 {
        self.inner.clock.now_ms()
    }
}

fn event_wait_removal(cursor: &Cursor) -> Option<(String, WaitRemoval)> {
    cursor
        .clear_event_waits
        .then(|| (cursor.execution.id.clone(), WaitRemoval::EventWaits))
}

/// Records a step's output (or split choice) in the execution context.
pub(crate) fn set_step_context(context: &mut Value, node: &str, value: Value) {
    if !context.is_object() {
        *context = json!({});
    }
    let steps = context
        .as_object_mut()
        .expect("context is an object")
        .entry("steps")
        .or_insert_with(|| json!({}));
    if let Some(steps) = steps.as_object_mut() {
        steps.insert(node.to_string(), value);
    }
}

fn utc(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// The contact's time zone when known, else the org's, else UTC.
fn time_zone(execution: &ExecutionRecord, org: &Org) -> chrono_tz::Tz {
    execution
        .contact
        .as_ref()
        .and_then(|c| c.get("time_zone"))
        .and_then(Value::as_str)
        .and_then(|tz| tz.parse().ok())
        .or_else(|| org.time_zone.parse().ok())
        .unwrap_or(chrono_tz::UTC)
}
