//! `GET /api/v2/workflows/{id}/analytics` on SQLite and PostgreSQL: real
//! workflows run by the engine (successes, an A/B split with a goal, delays
//! still waiting, failures of every category with retries), then exact
//! counts, rates, variants, the z-test, goals and buckets read over HTTP;
//! tenancy, roles and bad query parameters.

mod common;

use std::time::Duration;

use atlas::api::auth::Role;
use atlas::engine::CrmEvent;
use atlas::store::ExecutionStatus;
use atlas::store::analytics::two_proportion_z_test;
use common::api::TestApi;
use common::engine::{ORG, START_MS, contact};
use common::recorder::{Recorder, Reply};
use reqwest::StatusCode;
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;

fn node(id: &str, kind: &str, config: Value) -> Value {
    json!({ "id": id, "kind": kind, "position": {"x": 0, "y": 0}, "config": config })
}

fn webhook(id: &str, url: &str, max_attempts: u32) -> Value {
    node(
        id,
        "action",
        json!({ "plugin": "atlas.webhook.send", "version": "0.1.0",
                "input": { "url": url, "body": { "step": id } },
                "retry": { "max_attempts": max_attempts, "initial_interval_ms": 1000, "multiplier": 2.0, "max_interval_ms": 60000, "jitter": 0.0 } }),
    )
}

fn edge(source: &str, outcome: &str, target: &str) -> Value {
    json!({ "id": format!("{source}-{outcome}-{target}"), "source": source, "target": target, "outcome": outcome })
}

fn node_of<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["node_id"] == id)
        .unwrap_or_else(|| panic!("no node {id} in {report}"))
}

fn error_of<'a>(report: &'a Value, category: &str) -> &'a Value {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["category"] == category)
        .unwrap_or_else(|| panic!("no {category} errors in {}", report["errors"]))
}

async fn analytics(api: &TestApi, workflow: &str, query: &str) -> Value {
    let reply = api
        .get(
            &format!("/api/v2/workflows/{workflow}/analytics?{query}"),
            &api.owner(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body
}

on_both_stores!(a_split_with_a_goal_and_parked_executions, |db| async move {
    let api = TestApi::start(db).await;
    let t = &api.env;
    let server = Recorder::start(Reply::json(json!({}))).await;
    let workflow = t
            .workflow(
                "funnel",
                json!({ "name": "funnel", "nodes": [
                    node("start", "trigger", json!({ "event": "lead_created" })),
                    webhook("welcome", &server.url("/welcome"), 1),
                    node("split", "ab_split", json!({ "variants": [ { "name": "a", "weight": 50 }, { "name": "b", "weight": 50 } ] })),
                    webhook("offer_a", &server.url("/a"), 1),
                    webhook("offer_b", &server.url("/b"), 1),
                    node("pause", "delay", json!({ "duration": "1d" })),
                    webhook("follow", &server.url("/follow"), 1),
                    node("booked", "goal", json!({ "event": "booking_created" })),
                ], "edges": [
                    edge("start", "next", "welcome"),
                    edge("welcome", "success", "split"),
                    edge("split", "a", "offer_a"),
                    edge("split", "b", "offer_b"),
                    edge("offer_a", "success", "pause"),
                    edge("offer_b", "success", "pause"),
                    edge("pause", "next", "follow"),
                ] }),
            )
            .await;
    let mut variants = Vec::new();
    for n in 0..12 {
        let contact_id = format!("c{n}");
        let id = t.run(&workflow, contact(&contact_id), json!({})).await;
        let parked = t.wait_for(&id, ExecutionStatus::Waiting).await;
        let variant = parked.context["steps"]["split"]["outcome"]
            .as_str()
            .unwrap()
            .to_string();
        variants.push((contact_id, id, variant));
    }
    let count = |v: &str| variants.iter().filter(|(_, _, x)| x == v).count() as i64;
    let (entered_a, entered_b) = (count("a"), count("b"));
    assert!(entered_a > 0 && entered_b > 0, "{variants:?}");

    // An hour later, the first two contacts of each variant book.
    t.clock.advance(Duration::from_millis(HOUR as u64));
    let mut converted = Vec::new();
    for v in ["a", "b"] {
        for (contact_id, id, _) in variants.iter().filter(|(_, _, x)| x == v).take(2) {
            let outcome = t
                .engine
                .ingest(
                    ORG,
                    CrmEvent {
                        event: "booking_created".into(),
                        contact: Some(contact(contact_id)),
                        payload: json!({}),
                    },
                )
                .await
                .unwrap();
            assert_eq!(outcome.goals, vec![id.clone()]);
            t.wait_for(id, ExecutionStatus::Completed).await;
            converted.push(v);
        }
    }
    let reached = |v: &str| converted.iter().filter(|x| **x == v).count() as i64;
    let total_converted = converted.len() as i64;
    let waiting = 12 - total_converted;

    let report = analytics(
        &api,
        &workflow,
        &format!("from={START_MS}&to={}&bucket=hour", START_MS + 2 * HOUR),
    )
    .await;
    assert_eq!(report["from"], START_MS);
    assert_eq!(report["to"], START_MS + 2 * HOUR);
    let executions = &report["executions"];
    assert_eq!(executions["entered"], 12);
    assert_eq!(executions["completed"], total_converted);
    assert_eq!(executions["failed"], 0);
    assert_eq!(executions["cancelled"], 0);
    assert_eq!(executions["waiting_now"], waiting);
    assert_eq!(executions["success_rate"], 1.0);

    for (id, completed) in [("start", 12), ("welcome", 12), ("split", 12), ("pause", 12)] {
        let n = node_of(&report, id);
        assert_eq!(n["completed"], completed, "{id}: {n}");
        assert_eq!(n["entered"], completed, "{id}: {n}");
        assert_eq!(n["failed"], 0, "{id}");
    }
    assert_eq!(node_of(&report, "offer_a")["completed"], entered_a);
    assert_eq!(node_of(&report, "offer_b")["completed"], entered_b);
    assert_eq!(node_of(&report, "pause")["waiting_now"], waiting);
    // A goal jump skips the step the execution was due to run next.
    assert_eq!(node_of(&report, "follow")["skipped"], total_converted);
    assert_eq!(node_of(&report, "follow")["completed"], 0);
    assert_eq!(node_of(&report, "booked")["completed"], total_converted);
    let welcome = node_of(&report, "welcome");
    assert_eq!(welcome["success_rate"], 1.0);
    assert_eq!(welcome["duration"]["samples"], 12);
    assert_eq!(
        welcome["duration"]["p50_ms"], 0,
        "the manual clock stands still during a run"
    );
    assert_eq!(welcome["fuel"]["runs"], 12);
    assert!(welcome["fuel"]["total"].as_i64().unwrap() > 0);
    assert_eq!(node_of(&report, "split")["fuel"], Value::Null);
    assert_eq!(report["errors"], json!([]));

    let ab = &report["ab_tests"][0];
    assert_eq!(ab["node_id"], "split");
    assert_eq!(
        ab["variants"],
        json!([
            { "variant": "a", "entered": entered_a, "reached_goal": reached("a"), "conversion_rate": reached("a") as f64 / entered_a as f64 },
            { "variant": "b", "entered": entered_b, "reached_goal": reached("b"), "conversion_rate": reached("b") as f64 / entered_b as f64 },
        ])
    );
    let expected = two_proportion_z_test(reached("a"), entered_a, reached("b"), entered_b);
    let comparison = &ab["comparisons"][0];
    assert_eq!(comparison["control"], "a");
    assert_eq!(comparison["variant"], "b");
    assert_eq!(comparison["significant"], expected.significant);
    assert_eq!(comparison["z"].as_f64(), expected.z);
    assert_eq!(comparison["p_value"].as_f64(), expected.p_value);
    assert_eq!(
        comparison["significant"], false,
        "two conversions each prove nothing"
    );

    let goal = &report["goals"][0];
    assert_eq!(goal["node_id"], "booked");
    assert_eq!(goal["reached"], total_converted);
    assert_eq!(goal["conversion_rate"], total_converted as f64 / 12.0);
    assert_eq!(goal["time_to_goal"]["samples"], total_converted);
    let p50 = goal["time_to_goal"]["p50_ms"].as_i64().unwrap();
    assert!((HOUR * 84 / 100..HOUR * 119 / 100).contains(&p50), "{p50}");

    let series = report["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(
        series[0],
        json!({ "start": START_MS, "entered": 12, "completed": 0, "failed": 0, "cancelled": 0, "goals_reached": 0 })
    );
    assert_eq!(
        series[1],
        json!({ "start": START_MS + HOUR, "entered": 0, "completed": total_converted, "failed": 0, "cancelled": 0, "goals_reached": total_converted })
    );

    // Daily buckets over the same events; a later range sees none of them.
    let daily = analytics(
        &api,
        &workflow,
        &format!("from={START_MS}&to={}&bucket=day", START_MS + 1),
    )
    .await;
    let day_start = START_MS - START_MS.rem_euclid(24 * HOUR);
    assert_eq!(daily["from"], day_start);
    assert_eq!(daily["series"].as_array().unwrap().len(), 1);
    assert_eq!(daily["series"][0]["entered"], 12);
    assert_eq!(daily["series"][0]["goals_reached"], total_converted);
    let later = analytics(
        &api,
        &workflow,
        &format!("from={}&to={}", START_MS + 2 * HOUR, START_MS + 3 * HOUR),
    )
    .await;
    assert_eq!(later["executions"]["entered"], 0);
    assert_eq!(
        later["executions"]["waiting_now"], waiting,
        "waiting now ignores the range"
    );
    assert_eq!(
        node_of(&later, "welcome")["entered"],
        0,
        "every node is listed"
    );
    assert_eq!(later["ab_tests"], json!([]));
    api.stop().await;
});

on_both_stores!(failures_are_categorised_with_examples, |db| async move {
    let api = TestApi::start(db).await;
    let t = &api.env;
    let rejecting = Recorder::start(Reply::status(404, "no such hook")).await;
    let down = Recorder::start(Reply::status(503, "maintenance")).await;
    let limited = Recorder::start(Reply::status(429, "slow down")).await;
    let workflow = t
        .workflow(
            "errors",
            json!({ "name": "errors", "nodes": [
                node("start", "trigger", json!({ "event": "lead_created" })),
                webhook("rejected", &rejecting.url("/x"), 1),
                webhook("down", &down.url("/y"), 2),
                webhook("limited", &limited.url("/z"), 1),
                webhook("relative", "not-a-url", 1),
                webhook("metadata", "http://169.254.169.254/latest", 1),
            ], "edges": [
                edge("start", "next", "rejected"),
                edge("rejected", "error", "down"),
                edge("down", "error", "limited"),
                edge("limited", "error", "relative"),
                edge("relative", "error", "metadata"),
            ] }),
        )
        .await;
    let id = t.run(&workflow, contact("c1"), json!({})).await;
    let started = std::time::Instant::now();
    loop {
        let execution = t.store.execution(ORG, &id).await.unwrap().unwrap();
        if execution.status == ExecutionStatus::Failed {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{execution:?}");
        t.advance_when_idle(Duration::from_secs(60)).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(down.requests().len(), 2, "the 503 was retried once");

    let report = analytics(&api, &workflow, "").await;
    assert_eq!(report["executions"]["entered"], 1);
    assert_eq!(report["executions"]["failed"], 1);
    assert_eq!(report["executions"]["success_rate"], 0.0);
    for id in ["rejected", "down", "limited", "relative", "metadata"] {
        let n = node_of(&report, id);
        assert_eq!(n["failed"], 1, "{id}: {n}");
        assert_eq!(n["completed"], 0, "{id}");
        assert_eq!(n["success_rate"], 0.0, "{id}");
    }
    assert_eq!(node_of(&report, "down")["retried"], 1);
    let categories: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        [
            "provider_rejected",
            "provider_unavailable",
            "rate_limited",
            "permission_denied",
            "invalid_input"
        ]
    );
    for (category, node, count, kind) in [
        ("provider_rejected", "rejected", 1, "fatal"),
        ("provider_unavailable", "down", 2, "retryable"),
        ("rate_limited", "limited", 1, "retryable"),
        ("permission_denied", "metadata", 1, "fatal"),
        ("invalid_input", "relative", 1, "invalid_input"),
    ] {
        let group = error_of(&report, category);
        assert_eq!(group["count"], count, "{category}: {group}");
        assert_eq!(
            group["nodes"],
            json!([{ "node_id": node, "count": count }]),
            "{category}"
        );
        let examples = group["examples"].as_array().unwrap();
        assert_eq!(examples.len() as i64, count, "{category}");
        assert_eq!(examples[0]["execution_id"], id.as_str());
        assert_eq!(examples[0]["node_id"], node);
        assert_eq!(examples[0]["error_kind"], kind, "{category}: {group}");
    }
    assert!(
        error_of(&report, "provider_rejected")["examples"][0]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 404"),
    );
    api.stop().await;
});

on_both_stores!(tenancy_roles_and_bad_queries, |db| async move {
    let api = TestApi::start(db).await;
    let workflow = api
        .active_workflow(&common::api::noop_workflow("Analytics"))
        .await;
    let path = format!("/api/v2/workflows/{workflow}/analytics");

    let viewer = api.token_for(ORG, Role::Viewer, "viewer-1");
    let reply = api.get(&path, &viewer).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["workflow_id"], workflow.as_str());
    assert_eq!(reply.body["nodes"].as_array().unwrap().len(), 2);

    let stranger = api.token_for("org-other", Role::Owner, "owner-2");
    let reply = api.get(&path, &stranger).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{:?}", reply.body);
    let reply = api
        .get("/api/v2/workflows/no-such-workflow/analytics", &api.owner())
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    let partner = api.token_for(ORG, Role::Partner, "partner-1");
    assert_eq!(api.get(&path, &partner).await.status, StatusCode::FORBIDDEN);

    for (query, field) in [
        ("bucket=week", "bucket"),
        ("from=yesterday", "from"),
        ("to=1.5", "to"),
        ("from=2000&to=1000", "from"),
        ("from=0&to=86400000000", "from"),
        ("colour=red", ""),
    ] {
        let reply = api.get(&format!("{path}?{query}"), &api.owner()).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{query}: {:?}",
            reply.body
        );
        assert_eq!(reply.problem_type(), "invalid-query", "{query}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json"),
            "{query}"
        );
        if !field.is_empty() {
            assert_eq!(
                reply.body["errors"][0]["field"], field,
                "{query}: {:?}",
                reply.body
            );
        }
    }
    api.stop().await;
});
