//! The engine on SQLite and PostgreSQL: paths, delays, retries, error edges,
//! waits, goals, cancel, retry-from-failure, test mode and re-entry. The clock
//! is moved by hand; actions are real components calling loopback servers.

mod common;

use std::time::Duration;

use atlas::engine::{CrmEvent, StartRequest};
use atlas::store::ExecutionStatus;
use common::engine::{ORG, TestEngine, contact, path};
use common::recorder::{Recorder, Reply};
use serde_json::{Value, json};

fn webhook(id: &str, url: &str) -> Value {
    json!({ "id": id, "kind": "action", "position": {"x": 0, "y": 0},
            "config": { "plugin": "atlas.webhook.send", "version": "0.1.0",
                        "input": { "url": url, "body": { "contact": "{{contact.first_name}}", "step": id } },
                        "retry": { "max_attempts": 3, "initial_interval_ms": 1000, "multiplier": 2.0, "max_interval_ms": 60000, "jitter": 0.0 } } })
}

fn node(id: &str, kind: &str, config: Value) -> Value {
    json!({ "id": id, "kind": kind, "position": {"x": 0, "y": 0}, "config": config })
}

fn edge(source: &str, outcome: &str, target: &str) -> Value {
    json!({ "id": format!("{source}-{outcome}-{target}"), "source": source, "target": target, "outcome": outcome })
}

fn document(nodes: Vec<Value>, edges: Vec<Value>) -> Value {
    json!({ "name": "test", "nodes": nodes, "edges": edges })
}

on_both_stores!(a_linear_path_with_a_branch_completes, |db| async move {
    let t = TestEngine::start(db).await;
    let server = Recorder::start(Reply::json(json!({ "score": 80 }))).await;
    let wf = t
        .workflow(
            "linear",
            document(
                vec![
                    node("start", "trigger", json!({ "event": "lead_created" })),
                    webhook("notify", &server.url("/notify")),
                    node("check", "if_else", json!({ "condition": { "left": "{{steps.notify.output.json.score}}", "op": "greater_than", "right": 50 } })),
                    webhook("hot", &server.url("/hot")),
                    webhook("cold", &server.url("/cold")),
                ],
                vec![
                    edge("start", "next", "notify"),
                    edge("notify", "success", "check"),
                    edge("check", "true", "hot"),
                    edge("check", "false", "cold"),
                ],
            ),
        )
        .await;
    let id = t
        .run(&wf, contact("c1"), json!({ "source": "website" }))
        .await;
    let done = t.wait_for(&id, ExecutionStatus::Completed).await;
    assert!(done.finished_at.is_some());
    let steps = t.steps(&id).await;
    assert_eq!(path(&steps), ["start", "notify", "check", "hot"]);
    assert_eq!(
        steps.iter().map(|s| s.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(steps[2].outcome.as_deref(), Some("true"));
    assert!(steps[1].fuel > 0);
    assert_eq!(steps[1].input.as_ref().unwrap()["body"]["contact"], "Ada");
    let seen = server.requests();
    assert_eq!(
        seen.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(),
        ["/notify", "/hot"]
    );
    assert_eq!(seen[0].header("idempotency-key"), Some(format!("{id}:2")));
    let events = t.store.execution_events(ORG, &id, 0, 100).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"execution.started"));
    assert_eq!(kinds.last(), Some(&"execution.completed"));
    t.stop().await;
});

on_both_stores!(a_delay_is_a_durable_timer, |db| async move {
    let t = TestEngine::start(db).await;
    let server = Recorder::start(Reply::json(json!({}))).await;
    let wf = t
        .workflow(
            "delayed",
            document(
                vec![
                    node("start", "trigger", json!({ "event": "lead_created" })),
                    node("wait", "delay", json!({ "duration": "10m" })),
                    webhook("sms", &server.url("/sms")),
                ],
                vec![edge("start", "next", "wait"), edge("wait", "next", "sms")],
            ),
        )
        .await;
    let id = t.run(&wf, contact("c1"), json!({})).await;
    t.wait_for(&id, ExecutionStatus::Waiting).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.requests().is_empty(), "not before the delay");
    t.advance(Duration::from_secs(9 * 60));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.requests().is_empty(), "not after 9 minutes");
    t.advance(Duration::from_secs(60));
    t.wait_for(&id, ExecutionStatus::Completed).await;
    assert_eq!(server.requests().len(), 1);
    t.stop().await;
});

on_both_stores!(
    retries_back_off_keep_the_idempotency_key_and_then_succeed,
    |db| async move {
        let t = TestEngine::start(db).await;
        let server = Recorder::scripted(vec![
            Reply::status(503, "busy"),
            Reply::status(429, "slow down").header("retry-after", "5"),
            Reply::json(json!({ "ok": true })),
        ])
        .await;
        let wf = t
            .workflow(
                "retrying",
                document(
                    vec![
                        node("start", "trigger", json!({ "event": "lead_created" })),
                        webhook("call", &server.url("/x")),
                    ],
                    vec![edge("start", "next", "call")],
                ),
            )
            .await;
        let id = t.run(&wf, contact("c1"), json!({})).await;
        let wait_requests = |n: usize| {
            let server = server.clone();
            async move {
                for _ in 0..500 {
                    if server.requests().len() >= n {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                panic!("expected {n} requests");
            }
        };
        wait_requests(1).await;
        t.wait_for(&id, ExecutionStatus::Waiting).await;
        t.advance(Duration::from_millis(999));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(server.requests().len(), 1, "backoff of 1 s not yet over");
        t.advance(Duration::from_millis(1));
        wait_requests(2).await;
        t.wait_until(&id, |e| e.status == ExecutionStatus::Waiting)
            .await;
        // 429 says Retry-After: 5 s, longer than the 2 s backoff.
        t.advance(Duration::from_secs(4));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(server.requests().len(), 2, "Retry-After honoured");
        t.advance(Duration::from_secs(1));
        t.wait_for(&id, ExecutionStatus::Completed).await;
        let keys: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.header("idempotency-key").unwrap())
            .collect();
        assert_eq!(keys, vec![format!("{id}:2"); 3]);
        let steps = t.steps(&id).await;
        assert_eq!(steps[1].attempt, 3);
        let events = t.store.execution_events(ORG, &id, 0, 100).await.unwrap();
        assert_eq!(
            events.iter().filter(|e| e.kind == "step.retried").count(),
            2
        );
        t.stop().await;
    }
);

on_both_stores!(
    failures_follow_the_error_edge_or_fail_and_can_be_retried,
    |db| async move {
        let t = TestEngine::start(db).await;
        let rejecting = Recorder::start(Reply::status(404, "no such hook")).await;
        let fallback = Recorder::start(Reply::json(json!({}))).await;
        let with_edge = t
            .workflow(
                "with-error-edge",
                document(
                    vec![
                        node("start", "trigger", json!({ "event": "lead_created" })),
                        webhook("call", &rejecting.url("/x")),
                        webhook("fallback", &fallback.url("/fallback")),
                    ],
                    vec![
                        edge("start", "next", "call"),
                        edge("call", "error", "fallback"),
                    ],
                ),
            )
            .await;
        let id = t.run(&with_edge, contact("c1"), json!({})).await;
        t.wait_for(&id, ExecutionStatus::Completed).await;
        let steps = t.steps(&id).await;
        assert_eq!(path(&steps), ["start", "call", "fallback"]);
        assert_eq!(steps[1].status, "failed");
        assert_eq!(steps[1].error_kind.as_deref(), Some("fatal"));
        assert_eq!(rejecting.requests().len(), 1, "a 4xx is not retried");

        let flaky =
            Recorder::scripted(vec![Reply::status(400, "bad"), Reply::json(json!({}))]).await;
        let without = t
            .workflow(
                "without-error-edge",
                document(
                    vec![
                        node("start", "trigger", json!({ "event": "lead_created" })),
                        webhook("call", &flaky.url("/y")),
                    ],
                    vec![edge("start", "next", "call")],
                ),
            )
            .await;
        let id = t.run(&without, contact("c2"), json!({})).await;
        let failed = t.wait_for(&id, ExecutionStatus::Failed).await;
        assert!(
            failed.error.as_deref().unwrap().contains("HTTP 400"),
            "{failed:?}"
        );
        assert!(t.engine.retry(ORG, &id).await.unwrap());
        t.wait_for(&id, ExecutionStatus::Completed).await;
        let steps = t.steps(&id).await;
        assert_eq!(path(&steps), ["start", "call", "call"]);
        assert_eq!(steps.last().unwrap().status, "completed");
        t.stop().await;
    }
);

on_both_stores!(
    waiting_for_an_event_takes_the_event_or_the_timeout_path,
    |db| async move {
        let t = TestEngine::start(db).await;
        let server = Recorder::start(Reply::json(json!({}))).await;
        let wf = t
            .workflow(
                "wait-booking",
                document(
                    vec![
                        node("start", "trigger", json!({ "event": "lead_created" })),
                        node(
                            "wait",
                            "wait_for_event",
                            json!({ "event": "booking_created", "timeout": "2d" }),
                        ),
                        webhook("booked", &server.url("/booked")),
                        webhook("nudge", &server.url("/nudge")),
                    ],
                    vec![
                        edge("start", "next", "wait"),
                        edge("wait", "event", "booked"),
                        edge("wait", "timeout", "nudge"),
                    ],
                ),
            )
            .await;
        let booked = t.run(&wf, contact("c-booked"), json!({})).await;
        let idle = t.run(&wf, contact("c-idle"), json!({})).await;
        t.wait_for(&booked, ExecutionStatus::Waiting).await;
        t.wait_for(&idle, ExecutionStatus::Waiting).await;
        let outcome = t
            .engine
            .ingest(
                ORG,
                CrmEvent {
                    event: "booking_created".into(),
                    contact: Some(contact("c-booked")),
                    payload: json!({ "class_id": "yoga" }),
                },
            )
            .await
            .unwrap();
        assert_eq!(outcome.resumed, vec![booked.clone()]);
        t.wait_for(&booked, ExecutionStatus::Completed).await;
        t.advance(Duration::from_secs(2 * 86_400));
        t.wait_for(&idle, ExecutionStatus::Completed).await;
        let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
        assert_eq!(paths, ["/booked", "/nudge"]);
        assert_eq!(t.steps(&booked).await[1].outcome.as_deref(), Some("event"));
        assert_eq!(t.steps(&idle).await[1].outcome.as_deref(), Some("timeout"));
        // The timed-out wait no longer answers events.
        let late = t
            .engine
            .ingest(
                ORG,
                CrmEvent {
                    event: "booking_created".into(),
                    contact: Some(contact("c-idle")),
                    payload: json!({}),
                },
            )
            .await
            .unwrap();
        assert!(late.resumed.is_empty());
        t.stop().await;
    }
);

on_both_stores!(
    a_goal_event_jumps_the_contact_to_the_goal,
    |db| async move {
        let t = TestEngine::start(db).await;
        let server = Recorder::start(Reply::json(json!({}))).await;
        t.workflow(
            "renewal",
            document(
                vec![
                    node(
                        "start",
                        "trigger",
                        json!({ "event": "membership_expiring", "days_before": 30 }),
                    ),
                    webhook("reminder", &server.url("/reminder-30")),
                    node("wait", "delay", json!({ "duration": "16d" })),
                    webhook("second", &server.url("/reminder-14")),
                    node("renewed", "goal", json!({ "event": "membership_renewed" })),
                    webhook("thanks", &server.url("/thanks")),
                ],
                vec![
                    edge("start", "next", "reminder"),
                    edge("reminder", "success", "wait"),
                    edge("wait", "next", "second"),
                    edge("renewed", "next", "thanks"),
                ],
            ),
        )
        .await;
        let started = t
            .engine
            .ingest(
                ORG,
                CrmEvent {
                    event: "membership_expiring".into(),
                    contact: Some(contact("c1")),
                    payload: json!({ "days_before": 30 }),
                },
            )
            .await
            .unwrap();
        assert_eq!(started.started.len(), 1);
        let id = started.started[0].clone();
        t.wait_for(&id, ExecutionStatus::Waiting).await;
        let jumped = t
            .engine
            .ingest(
                ORG,
                CrmEvent {
                    event: "membership_renewed".into(),
                    contact: Some(contact("c1")),
                    payload: json!({}),
                },
            )
            .await
            .unwrap();
        assert_eq!(jumped.goals, vec![id.clone()]);
        t.wait_for(&id, ExecutionStatus::Completed).await;
        t.advance(Duration::from_secs(20 * 86_400));
        tokio::time::sleep(Duration::from_millis(150)).await;
        let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
        assert_eq!(
            paths,
            ["/reminder-30", "/thanks"],
            "the second reminder never went out"
        );
        let events = t.store.execution_events(ORG, &id, 0, 100).await.unwrap();
        let skipped: Vec<_> = events.iter().filter(|e| e.kind == "step.skipped").collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(
            skipped[0].node_id.as_deref(),
            Some("second"),
            "the delay's next step was skipped"
        );
        t.stop().await;
    }
);

on_both_stores!(
    cancel_stops_a_waiting_execution_and_test_mode_sends_nothing,
    |db| async move {
        let t = TestEngine::start(db).await;
        let server = Recorder::start(Reply::json(json!({}))).await;
        let wf = t
            .workflow(
                "cancellable",
                document(
                    vec![
                        node("start", "trigger", json!({ "event": "lead_created" })),
                        node("wait", "delay", json!({ "duration": "1h" })),
                        webhook("sms", &server.url("/sms")),
                    ],
                    vec![edge("start", "next", "wait"), edge("wait", "next", "sms")],
                ),
            )
            .await;
        let id = t.run(&wf, contact("c1"), json!({})).await;
        t.wait_for(&id, ExecutionStatus::Waiting).await;
        assert!(t.engine.cancel(ORG, &id).await.unwrap());
        assert!(
            !t.engine.cancel(ORG, &id).await.unwrap(),
            "already cancelled"
        );
        t.advance(Duration::from_secs(2 * 3600));
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            t.store.execution(ORG, &id).await.unwrap().unwrap().status,
            ExecutionStatus::Cancelled
        );
        assert!(server.requests().is_empty());

        let test_run = t
            .engine
            .start(StartRequest {
                org_id: ORG.into(),
                workflow_id: wf.clone(),
                trigger: json!({}),
                contact: Some(contact("c9")),
                test_mode: true,
                force: true,
            })
            .await
            .unwrap()
            .unwrap();
        t.wait_for(&test_run, ExecutionStatus::Waiting).await;
        t.advance(Duration::from_secs(3600));
        t.wait_for(&test_run, ExecutionStatus::Completed).await;
        assert!(server.requests().is_empty(), "test mode sends nothing");
        let steps = t.steps(&test_run).await;
        assert_eq!(
            steps.last().unwrap().output.as_ref().unwrap()["skipped"],
            true
        );
        t.stop().await;
    }
);

on_both_stores!(
    ab_splits_are_sticky_and_reentry_is_enforced,
    |db| async move {
        let t = TestEngine::start(db).await;
        let wf = t
        .workflow(
            "split",
            json!({
                "name": "split",
                "settings": { "reentry": { "policy": "never" } },
                "nodes": [
                    node("start", "trigger", json!({ "event": "lead_created" })),
                    node("ab", "ab_split", json!({ "variants": [{ "name": "a", "weight": 50 }, { "name": "b", "weight": 50 }] })),
                    node("end_a", "exit", json!({})),
                    node("end_b", "exit", json!({})),
                ],
                "edges": [edge("start", "next", "ab"), edge("ab", "a", "end_a"), edge("ab", "b", "end_b")],
            }),
        )
        .await;
        let first = t.run(&wf, contact("c-ab"), json!({})).await;
        t.wait_for(&first, ExecutionStatus::Completed).await;
        let chosen = t.steps(&first).await[1].outcome.clone().unwrap();
        let again = t
            .engine
            .start(StartRequest {
                org_id: ORG.into(),
                workflow_id: wf.clone(),
                trigger: json!({}),
                contact: Some(contact("c-ab")),
                test_mode: false,
                force: false,
            })
            .await
            .unwrap();
        assert_eq!(again, None, "re-entry `never` keeps the contact out");
        let forced = t
            .engine
            .start(StartRequest {
                org_id: ORG.into(),
                workflow_id: wf,
                trigger: json!({}),
                contact: Some(contact("c-ab")),
                test_mode: false,
                force: true,
            })
            .await
            .unwrap()
            .unwrap();
        t.wait_for(&forced, ExecutionStatus::Completed).await;
        assert_eq!(
            t.steps(&forced).await[1].outcome.clone().unwrap(),
            chosen,
            "same contact, same variant"
        );
        t.stop().await;
    }
);

on_both_stores!(
    cron_triggers_fire_once_per_period_in_the_org_time_zone,
    |db| async move {
        let t = TestEngine::start(db).await;
        let wf = t
            .workflow(
                "nightly",
                document(
                    vec![
                        node(
                            "tick",
                            "trigger",
                            json!({ "event": "schedule", "cron": "30 9 * * *" }),
                        ),
                        node("end", "exit", json!({})),
                    ],
                    vec![edge("tick", "next", "end")],
                ),
            )
            .await;
        // The clock reads 09:00 UTC, which is 09:00 in London in early March.
        assert!(t.engine.activate(ORG, &wf).await.unwrap());
        t.advance(Duration::from_secs(29 * 60));
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(
            t.store
                .executions(ORG, Some(&wf), None, 10)
                .await
                .unwrap()
                .is_empty(),
            "not before 09:30"
        );
        t.advance(Duration::from_secs(60));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let runs = t
                .store
                .executions(ORG, Some(&wf), Some(ExecutionStatus::Completed), 10)
                .await
                .unwrap();
            if runs.len() == 1 {
                assert_eq!(runs[0].trigger["event"], "schedule");
                assert!(
                    runs[0].trigger["scheduled_at"]
                        .as_str()
                        .unwrap()
                        .contains("T09:30:00")
                );
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the schedule did not fire"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        t.advance(Duration::from_secs(3600));
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            t.store
                .executions(ORG, Some(&wf), None, 10)
                .await
                .unwrap()
                .len(),
            1,
            "once a day"
        );
        t.advance(Duration::from_secs(86_400));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while t
            .store
            .executions(ORG, Some(&wf), None, 10)
            .await
            .unwrap()
            .len()
            < 2
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the next day's firing is missing"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(t.engine.deactivate(ORG, &wf).await.unwrap());
        t.advance(Duration::from_secs(86_400));
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            t.store
                .executions(ORG, Some(&wf), None, 10)
                .await
                .unwrap()
                .len(),
            2,
            "deactivated"
        );
        t.stop().await;
    }
);

on_both_stores!(
    a_reply_stops_workflows_set_to_stop_on_reply_and_replays_run_in_test_mode,
    |db| async move {
        let t = TestEngine::start(db).await;
        let server = Recorder::start(Reply::json(json!({}))).await;
        let wf = t
        .workflow(
            "nurture",
            json!({
                "name": "nurture",
                "settings": { "stop_on_reply": true },
                "nodes": [
                    node("start", "trigger", json!({ "event": "lead_created" })),
                    webhook("first", &server.url("/first")),
                    node("wait", "delay", json!({ "duration": "2d" })),
                    webhook("second", &server.url("/second")),
                ],
                "edges": [edge("start", "next", "first"), edge("first", "success", "wait"), edge("wait", "next", "second")],
            }),
        )
        .await;
        let id = t.run(&wf, contact("c-reply"), json!({})).await;
        t.wait_for(&id, ExecutionStatus::Waiting).await;
        let outcome = t
            .engine
            .ingest(
                ORG,
                CrmEvent {
                    event: "contact_replied".into(),
                    contact: Some(contact("c-reply")),
                    payload: json!({ "channel": "sms", "message": "stop" }),
                },
            )
            .await
            .unwrap();
        assert_eq!(outcome.stopped, vec![id.clone()]);
        t.advance(Duration::from_secs(3 * 86_400));
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            t.store.execution(ORG, &id).await.unwrap().unwrap().status,
            ExecutionStatus::Cancelled
        );
        assert_eq!(
            server.requests().len(),
            1,
            "the second message never went out"
        );

        let replay = t
            .engine
            .replay_in_test_mode(ORG, &id)
            .await
            .unwrap()
            .unwrap();
        t.wait_for(&replay, ExecutionStatus::Waiting).await;
        t.advance(Duration::from_secs(2 * 86_400));
        let replayed = t.wait_for(&replay, ExecutionStatus::Completed).await;
        assert!(replayed.test_mode);
        assert_eq!(
            server.requests().len(),
            1,
            "a test-mode replay sends nothing"
        );
        t.stop().await;
    }
);

on_both_stores!(
    messages_wait_out_quiet_hours_in_the_contact_time_zone,
    |db| async move {
        let t = TestEngine::start(db).await;
        let wf = t
        .workflow(
            "quiet",
            json!({
                "name": "quiet",
                "settings": { "quiet_hours": { "start": "21:00", "end": "08:00" } },
                "nodes": [
                    node("start", "trigger", json!({ "event": "lead_created" })),
                    node("wait", "delay", json!({ "duration": "12h" })),
                    node("sms", "action", json!({ "plugin": "atlas.test.message", "version": "0.1.0", "input": {} })),
                ],
                "edges": [edge("start", "next", "wait"), edge("wait", "next", "sms")],
            }),
        )
        .await;
        // 09:00 in London; the delay ends at 21:00, inside quiet hours.
        let id = t.run(&wf, contact("c-quiet"), json!({})).await;
        t.wait_for(&id, ExecutionStatus::Waiting).await;
        t.advance(Duration::from_secs(12 * 3600));
        t.wait_until(&id, |e| {
            e.status == ExecutionStatus::Waiting && e.current_node.as_deref() == Some("sms")
        })
        .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            t.steps(&id).await.iter().all(|s| s.node_id != "sms"),
            "nothing sent at 21:00"
        );
        t.advance(Duration::from_secs(11 * 3600));
        t.wait_for(&id, ExecutionStatus::Completed).await;
        let steps = t.steps(&id).await;
        let sent_at = steps.last().unwrap().output.as_ref().unwrap()["at"]
            .as_i64()
            .unwrap();
        assert_eq!(
            sent_at,
            common::engine::START_MS + 23 * 3_600_000,
            "sent at 08:00 the next morning"
        );
        t.stop().await;
    }
);

on_both_stores!(business_hours_wait_in_its_own_time_zone, |db| async move {
    let t = TestEngine::start(db).await;
    let hours = |zone: Option<&str>| {
        let mut config = json!({
            "mode": "business_hours",
            "windows": { "mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]] },
        });
        if let Some(zone) = zone {
            config["time_zone"] = json!(zone);
        }
        document(
            vec![
                node("start", "trigger", json!({ "event": "lead_created" })),
                node("open", "wait_until", config),
                node(
                    "sms",
                    "action",
                    json!({ "plugin": "atlas.test.message", "version": "0.1.0", "input": {} }),
                ),
            ],
            vec![edge("start", "next", "open"), edge("open", "next", "sms")],
        )
    };
    let sent_at = |steps: Vec<atlas::store::StepRecord>| {
        steps.last().unwrap().output.as_ref().unwrap()["at"]
            .as_i64()
            .unwrap()
    };
    // Monday 09:00 in London, the org's zone: open, so no wait.
    let london = t.workflow("hours-org", hours(None)).await;
    let id = t.run(&london, contact("c-london"), json!({})).await;
    t.wait_for(&id, ExecutionStatus::Completed).await;
    assert_eq!(sent_at(t.steps(&id).await), common::engine::START_MS);
    // 04:00 in New York (EST, UTC-5): it opens at 09:00 there, 14:00 UTC.
    let new_york = t
        .workflow("hours-ny", hours(Some("America/New_York")))
        .await;
    let id = t.run(&new_york, contact("c-ny"), json!({})).await;
    t.wait_for(&id, ExecutionStatus::Waiting).await;
    t.advance(Duration::from_secs(5 * 3600 - 60));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        t.steps(&id).await.iter().all(|s| s.node_id != "sms"),
        "still closed at 08:59 in New York"
    );
    t.advance(Duration::from_secs(60));
    t.wait_for(&id, ExecutionStatus::Completed).await;
    assert_eq!(
        sent_at(t.steps(&id).await),
        common::engine::START_MS + 5 * 3_600_000,
        "sent at 09:00 in New York"
    );
    t.stop().await;
});
