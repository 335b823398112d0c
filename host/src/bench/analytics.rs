//! `atlas bench analytics`: seeds one workflow with a given number of step
//! events (1,000,000 by default) over 30 days, as the engine would have
//! written them (executions, A/B assignments, goals, failures of every
//! category), builds the rollups with the same pass production runs, then
//! times the workflow's analytics query over the whole range.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use crate::store::analytics::{BucketSize, DAY_MS};
use crate::store::{Org, SecretCipher, Store, with_pool};

/// The org the benchmark writes to.
const ORG: &str = "bench-analytics";

/// Days the seeded events span.
const DAYS: i64 = 30;

/// Rows per multi-row insert.
const ROWS: usize = 1_000;

/// What to measure.
#[derive(Debug, Clone)]
pub struct AnalyticsBenchConfig {
    /// `sqlite` (a fresh temp file) or a `postgres://` URL.
    pub db: String,
    /// Step events to seed.
    pub step_events: usize,
    /// Timed analytics queries.
    pub repetitions: usize,
}

/// The figures.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticsBenchReport {
    /// `sqlite` or `postgres`.
    pub db: &'static str,
    /// Step events seeded (`step.*`).
    pub step_events: usize,
    /// All events seeded (step, execution, A/B and goal events).
    pub events: usize,
    /// Executions seeded.
    pub executions: usize,
    /// Time to insert the events and executions.
    pub seed_ms: f64,
    /// Time the rollup pass took to roll up every seeded event.
    pub rollup_ms: f64,
    /// Events rolled up per second by that pass.
    pub rollup_events_per_s: f64,
    /// Median time of the analytics query (30 days, hourly series).
    pub query_ms: f64,
    /// 95th percentile of the query time.
    pub query_p95_ms: f64,
    /// Queries timed.
    pub repetitions: usize,
    /// Executions the query reported, as a check that it saw everything.
    pub reported_executions: i64,
}

/// A deterministic pseudo-random sequence (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One seeded event.
struct Event {
    execution: usize,
    node: &'static str,
    kind: &'static str,
    detail: String,
    at: i64,
}

/// One seeded execution.
struct Execution {
    status: &'static str,
    started_at: i64,
    current_node: &'static str,
}

const FAILURES: [(&str, &str); 6] = [
    (
        "fatal",
        "failed: provider_rejected: Twilio refused the message (HTTP 400): invalid number",
    ),
    (
        "retryable",
        "retryable failure: provider_unavailable: Twilio is unavailable (HTTP 503): down",
    ),
    ("retryable", "retryable failure: HTTP 429: slow down"),
    ("timeout", "timed out after 5000 ms"),
    (
        "fatal",
        "failed: no_consent: contact has not consented to sms messages; nothing was sent",
    ),
    ("invalid_input", "invalid input: `to` is not a phone number"),
];

fn document() -> serde_json::Value {
    let action = |id: &str| json!({ "id": id, "kind": "action", "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } });
    json!({
        "name": "analytics bench",
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
            action("welcome"),
            { "id": "split", "kind": "ab_split", "config": { "variants": [ { "name": "a", "weight": 50 }, { "name": "b", "weight": 50 } ] } },
            action("sms_a"),
            action("sms_b"),
            { "id": "wait", "kind": "delay", "config": { "duration": "1d" } },
            action("follow_up"),
            { "id": "booked", "kind": "goal", "config": { "event": "booking_created" } }
        ],
        "edges": [
            { "id": "e1", "source": "start", "target": "welcome", "outcome": "next" },
            { "id": "e2", "source": "welcome", "target": "split", "outcome": "done" },
            { "id": "e3", "source": "split", "target": "sms_a", "outcome": "a" },
            { "id": "e4", "source": "split", "target": "sms_b", "outcome": "b" },
            { "id": "e5", "source": "sms_a", "target": "wait", "outcome": "done" },
            { "id": "e6", "source": "sms_b", "target": "wait", "outcome": "done" },
            { "id": "e7", "source": "wait", "target": "follow_up", "outcome": "next" },
            { "id": "e8", "source": "follow_up", "target": "booked", "outcome": "done" }
        ]
    })
}

/// Writes the events of one execution after another.
struct Generator {
    rng: Lcg,
    events: Vec<Event>,
    steps: usize,
    execution: usize,
}

impl Generator {
    fn push(&mut self, node: &'static str, kind: &'static str, detail: serde_json::Value, at: i64) {
        if kind_is_step(kind) {
            self.steps += 1;
        }
        self.events.push(Event {
            execution: self.execution,
            node,
            kind,
            detail: detail.to_string(),
            at,
        });
    }

    /// An action run: 8% fail (retryable ones after one retried attempt).
    fn action(&mut self, node: &'static str, at: &mut i64) -> bool {
        let duration = 5 + self.rng.below(400) as i64;
        *at += duration;
        let fuel = 20_000 + self.rng.below(80_000) as i64;
        if self.rng.below(100) < 8 {
            let (kind, message) = FAILURES[self.rng.below(FAILURES.len() as u64) as usize];
            if kind == "retryable" {
                self.push(node, "step.retried", json!({ "attempt": 1, "error": message, "error_kind": kind, "retry_in_ms": 1000 }), *at);
            }
            self.push(node, "step.failed", json!({ "error": message, "error_kind": kind, "attempt": 1, "fuel": fuel, "duration_ms": duration }), *at);
            false
        } else {
            self.push(
                node,
                "step.completed",
                json!({ "outcome": "done", "fuel": fuel, "duration_ms": duration }),
                *at,
            );
            true
        }
    }

    /// One execution's events; returns how it stands.
    fn execution(&mut self, start: i64) -> Execution {
        let mut at = start + self.rng.below((DAYS - 2) as u64 * DAY_MS as u64) as i64;
        let started_at = at;
        self.push("start", "execution.started", json!({}), at);
        self.push("start", "step.completed", json!({ "outcome": "next" }), at);
        let (status, current) = 'run: {
            if !self.action("welcome", &mut at) {
                break 'run ("failed", "welcome");
            }
            let variant = if self.rng.below(2) == 0 { "a" } else { "b" };
            self.push("split", "ab.assigned", json!({ "variant": variant }), at);
            self.push("split", "step.completed", json!({ "outcome": variant }), at);
            let sms = if variant == "a" { "sms_a" } else { "sms_b" };
            if !self.action(sms, &mut at) {
                break 'run ("failed", sms);
            }
            self.push("wait", "step.completed", json!({ "outcome": "next" }), at);
            if self.rng.below(100) < 2 {
                break 'run ("waiting", "follow_up");
            }
            at += DAY_MS;
            if !self.action("follow_up", &mut at) {
                break 'run ("failed", "follow_up");
            }
            let conversion_percent = if variant == "a" { 30 } else { 36 };
            if self.rng.below(100) < conversion_percent {
                at += self.rng.below(DAY_MS as u64 / 2) as i64;
                self.push(
                    "booked",
                    "goal.reached",
                    json!({ "since_start_ms": at - started_at }),
                    at,
                );
                self.push("booked", "step.completed", json!({ "outcome": "next" }), at);
                ("completed", "booked")
            } else {
                ("completed", "follow_up")
            }
        };
        match status {
            "completed" => self.push(current, "execution.completed", json!({}), at),
            "failed" => self.push(
                current,
                "execution.failed",
                json!({ "error": "step failed" }),
                at,
            ),
            _ => {}
        }
        Execution {
            status,
            started_at,
            current_node: current,
        }
    }
}

/// Generates executions until `step_events` step events exist.
fn generate(step_events: usize, start: i64) -> (Vec<Execution>, Vec<Event>) {
    let mut generator = Generator {
        rng: Lcg(42),
        events: Vec::with_capacity(step_events * 3 / 2),
        steps: 0,
        execution: 0,
    };
    let mut executions = Vec::new();
    while generator.steps < step_events {
        generator.execution = executions.len();
        executions.push(generator.execution(start));
    }
    // The engine writes events as they happen: in time order.
    let mut events = generator.events;
    events.sort_by_key(|e| e.at);
    (executions, events)
}

fn kind_is_step(kind: &str) -> bool {
    kind.starts_with("step.")
}

/// Writes the executions (with a timer job for each waiting one) and events.
async fn seed(
    store: &Store,
    workflow: &str,
    executions: &[Execution],
    events: &[Event],
) -> anyhow::Result<()> {
    let execution_id = |n: usize| format!("{workflow}-x{n}");
    with_pool!(store.pool(), p => {
        let mut tx = p.begin().await?;
        for (offset, chunk) in executions.chunks(ROWS).enumerate() {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO executions (id, org_id, workflow_id, workflow_version, contact_id, status, trigger_data, current_node, next_seq, started_at, updated_at, finished_at) ",
            );
            q.push_values(chunk.iter().enumerate(), |mut b, (i, e)| {
                let n = offset * ROWS + i;
                b.push_bind(execution_id(n))
                    .push_bind(ORG)
                    .push_bind(workflow)
                    .push_bind(1i64)
                    .push_bind(format!("contact-{n}"))
                    .push_bind(e.status)
                    .push_bind("{}")
                    .push_bind(e.current_node)
                    .push_bind(9i64)
                    .push_bind(e.started_at)
                    .push_bind(e.started_at)
                    .push_bind((e.status != "waiting").then_some(e.started_at));
            });
            q.build().execute(&mut *tx).await?;
        }
        let waiting: Vec<usize> = executions.iter().enumerate().filter(|(_, e)| e.status == "waiting").map(|(n, _)| n).collect();
        for chunk in waiting.chunks(ROWS) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO jobs (org_id, execution_id, node_id, seq, attempt, reason, run_at) ",
            );
            q.push_values(chunk, |mut b, n| {
                b.push_bind(ORG)
                    .push_bind(execution_id(*n))
                    .push_bind("follow_up")
                    .push_bind(9i64)
                    .push_bind(1i64)
                    .push_bind("timer")
                    .push_bind(i64::MAX / 2);
            });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in events.chunks(ROWS) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO execution_events (org_id, workflow_id, execution_id, node_id, kind, detail, at) ",
            );
            q.push_values(chunk, |mut b, e| {
                b.push_bind(ORG)
                    .push_bind(workflow)
                    .push_bind(execution_id(e.execution))
                    .push_bind(e.node)
                    .push_bind(e.kind)
                    .push_bind(e.detail.as_str())
                    .push_bind(e.at);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Deletes what the benchmark wrote (a PostgreSQL database is kept).
async fn clean_up(store: &Store, workflow: &str) -> anyhow::Result<()> {
    with_pool!(store.pool(), p => {
        let mut tx = p.begin().await?;
        for table in [
            "execution_events", "executions", "jobs", "analytics_runs", "analytics_steps",
            "analytics_histograms", "analytics_errors", "analytics_error_examples",
            "analytics_ab_assignments", "analytics_ab", "analytics_goal_hits", "analytics_goals",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE org_id = $1"))
                .bind(ORG)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM workflows WHERE org_id = $1 AND id = $2")
            .bind(ORG)
            .bind(workflow)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM workflow_versions WHERE org_id = $1 AND workflow_id = $2")
            .bind(ORG)
            .bind(workflow)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    Ok(())
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// Runs the benchmark.
pub async fn run(config: &AnalyticsBenchConfig) -> anyhow::Result<AnalyticsBenchReport> {
    let temp = tempfile::tempdir()?;
    let url = if config.db == "sqlite" {
        format!("sqlite://{}", temp.path().join("bench.db").display())
    } else {
        config.db.clone()
    };
    let store = Store::open(&url, SecretCipher::ephemeral()).await?;
    store
        .ensure_org(&Org {
            id: ORG.into(),
            name: "Analytics bench".into(),
            time_zone: "UTC".into(),
        })
        .await?;
    // Whatever the database already holds is rolled up first, untimed.
    store.roll_up_analytics().await?;

    let workflow = format!("analytics-{}", uuid::Uuid::now_v7().simple());
    store
        .save_workflow(ORG, &workflow, "analytics bench", &document(), "bench")
        .await?;
    let now = crate::store::now_ms();
    let start = now - now.rem_euclid(DAY_MS) - DAYS * DAY_MS;
    let (executions, events) = generate(config.step_events, start);

    let result = async {
        let seeding = Instant::now();
        seed(&store, &workflow, &executions, &events).await?;
        let seed_ms = millis(seeding.elapsed());

        let rolling = Instant::now();
        let rolled = store.roll_up_analytics().await?;
        let rollup = rolling.elapsed();

        let mut samples = Vec::with_capacity(config.repetitions);
        let mut reported = 0;
        for _ in 0..config.repetitions.max(1) {
            let began = Instant::now();
            let report = store
                .workflow_analytics(
                    ORG,
                    &workflow,
                    start,
                    start + DAYS * DAY_MS,
                    BucketSize::Hour,
                )
                .await?;
            samples.push(began.elapsed());
            reported = report.executions.entered;
        }
        samples.sort_unstable();
        let at = |q: f64| {
            let idx = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1;
            millis(samples[idx])
        };
        Ok::<_, anyhow::Error>(AnalyticsBenchReport {
            db: store.dialect(),
            step_events: events.iter().filter(|e| kind_is_step(e.kind)).count(),
            events: events.len(),
            executions: executions.len(),
            seed_ms,
            rollup_ms: millis(rollup),
            rollup_events_per_s: (rolled as f64 / rollup.as_secs_f64()).round(),
            query_ms: at(0.5),
            query_p95_ms: at(0.95),
            repetitions: samples.len(),
            reported_executions: reported,
        })
    }
    .await;
    if store.dialect() == "postgres" {
        clean_up(&store, &workflow).await?;
    }
    store.close().await;
    result
}
