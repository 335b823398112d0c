//! Executions, events and inbound webhooks over real HTTP on both stores:
//! manual and test runs, the step log, filters, cancel, retry, idempotent
//! event ingest, the secret webhook URL, and the metrics they move.

mod common;

use atlas::store::ExecutionStatus;
use common::api::{TestApi, noop_workflow};
use common::engine::contact;
use common::recorder::{Recorder, Reply};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn webhook_workflow(url: &str) -> Value {
    json!({
        "name": "Notify",
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
            { "id": "call", "kind": "action", "config": { "plugin": "atlas.webhook.send", "version": "0.1.0",
              "input": { "url": url, "body": { "who": "{{contact.first_name}}" } } } }
        ],
        "edges": [ { "id": "e1", "source": "start", "target": "call", "outcome": "next" } ]
    })
}

fn delayed_workflow() -> Value {
    json!({
        "name": "Later",
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
            { "id": "wait", "kind": "delay", "config": { "duration": "1d" } },
            { "id": "act", "kind": "action", "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } }
        ],
        "edges": [
            { "id": "e1", "source": "start", "target": "wait", "outcome": "next" },
            { "id": "e2", "source": "wait", "target": "act", "outcome": "next" }
        ]
    })
}

on_both_stores!(
    execute_read_the_step_log_and_list_with_filters,
    |db| async move {
        let api = TestApi::start(db).await;
        let owner = api.owner();
        let server = Recorder::start(Reply::json(json!({ "ok": true }))).await;
        let workflow = api
            .active_workflow(&webhook_workflow(&server.url("/hook")))
            .await;
        let started = api
            .post(
                &format!("/api/v2/workflows/{workflow}/execute"),
                &owner,
                &json!({ "contact": contact("c1"), "trigger": { "source": "walk-in" } }),
            )
            .await;
        assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
        assert_eq!(started.body["test_mode"], false);
        let id = started.body["execution_id"].as_str().unwrap().to_string();
        api.env.wait_for(&id, ExecutionStatus::Completed).await;
        assert_eq!(server.requests().len(), 1);

        let detail = api.get(&format!("/api/v2/executions/{id}"), &owner).await;
        assert_eq!(detail.status, StatusCode::OK);
        assert_eq!(detail.body["status"], "completed");
        assert_eq!(detail.body["trigger"]["source"], "walk-in");
        assert_eq!(detail.body["trigger"]["event"], "manual");
        assert_eq!(detail.body["trigger"]["started_by"], "owner-1");
        let steps = detail.body["steps"].as_array().unwrap();
        let call = steps.iter().find(|s| s["node_id"] == "call").unwrap();
        assert_eq!(
            call["input"]["body"]["who"], "Ada",
            "the input is shown after templating"
        );
        assert_eq!(call["status"], "completed");
        assert_eq!(call["attempt"], 1);
        assert!(call["fuel"].as_i64().unwrap() > 0);
        assert!(call["output"].is_object());

        // A test run sends nothing.
        let test = api
            .post(
                &format!("/api/v2/workflows/{workflow}/test-run"),
                &owner,
                &json!({ "contact": contact("c2") }),
            )
            .await;
        assert_eq!(test.body["test_mode"], true);
        let test_id = test.body["execution_id"].as_str().unwrap().to_string();
        api.env.wait_for(&test_id, ExecutionStatus::Completed).await;
        assert_eq!(server.requests().len(), 1);

        let all = api.get("/api/v2/executions", &owner).await;
        assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(all.body["items"][0]["id"], test_id);
        let by_contact = api.get("/api/v2/executions?contact_id=c1", &owner).await;
        assert_eq!(by_contact.body["items"].as_array().unwrap().len(), 1);
        let by_status = api
            .get(
                &format!("/api/v2/executions?status=completed&workflow_id={workflow}"),
                &owner,
            )
            .await;
        assert_eq!(by_status.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(
            api.get("/api/v2/executions?status=failed", &owner)
                .await
                .body["items"],
            json!([])
        );
        let started_at = detail.body["started_at"].as_i64().unwrap();
        let window = api
            .get(
                &format!(
                    "/api/v2/executions?from={}&to={}",
                    started_at,
                    started_at + 1
                ),
                &owner,
            )
            .await;
        assert_eq!(
            window.body["items"].as_array().unwrap().len(),
            2,
            "the manual clock stands still"
        );
        assert_eq!(
            api.get(&format!("/api/v2/executions?to={started_at}"), &owner)
                .await
                .body["items"],
            json!([])
        );
        let page = api.get("/api/v2/executions?limit=1", &owner).await;
        let cursor = page.body["next_cursor"].as_str().unwrap();
        let next = api
            .get(
                &format!("/api/v2/executions?limit=1&cursor={cursor}"),
                &owner,
            )
            .await;
        assert_eq!(next.body["items"][0]["id"], id);

        // Success rate shows in the workflow list (test runs excluded).
        let listed = api.get("/api/v2/workflows", &owner).await;
        assert_eq!(listed.body["items"][0]["stats"]["runs"], 1);
        assert_eq!(listed.body["items"][0]["success_rate"], 1.0);

        let metrics = api
            .client
            .get(format!("{}/metrics", api.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.contains("atlas_executions_started_total 2"),
            "{metrics}"
        );
        assert!(
            metrics.contains("atlas_executions_finished_total{status=\"completed\"} 2"),
            "{metrics}"
        );
        assert!(
            metrics.contains("atlas_step_duration_seconds_count 2"),
            "{metrics}"
        );
        assert!(
            metrics.contains("atlas_queue_jobs{state=\"waiting\"}"),
            "{metrics}"
        );
        api.stop().await;
    }
);

on_both_stores!(drafts_and_broken_workflows_do_not_run, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let draft = api.create_workflow(&noop_workflow("Draft")).await;
    let refused = api
        .post(
            &format!("/api/v2/workflows/{draft}/execute"),
            &owner,
            &json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.problem_type(), "workflow-not-active");
    let mut broken = noop_workflow("Broken");
    broken["nodes"][1]["config"]["plugin"] = json!("atlas.nope");
    let broken = api.create_workflow(&broken).await;
    let refused = api
        .post(
            &format!("/api/v2/workflows/{broken}/test-run"),
            &owner,
            &json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["errors"][0]["node_id"], "act");
    let bad_contact = api
        .post(
            &format!("/api/v2/workflows/{draft}/test-run"),
            &owner,
            &json!({ "contact": { "id": 7 } }),
        )
        .await;
    assert_eq!(bad_contact.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown_field = api
        .post(
            &format!("/api/v2/workflows/{draft}/test-run"),
            &owner,
            &json!({ "contacts": [] }),
        )
        .await;
    assert_eq!(unknown_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown_field.body["detail"]
            .as_str()
            .unwrap()
            .contains("contacts")
    );
    api.stop().await;
});

on_both_stores!(cancel_and_retry, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let later = api.active_workflow(&delayed_workflow()).await;
    let started = api
        .post(
            &format!("/api/v2/workflows/{later}/execute"),
            &owner,
            &json!({ "contact": contact("c1") }),
        )
        .await;
    let id = started.body["execution_id"].as_str().unwrap().to_string();
    api.env.wait_for(&id, ExecutionStatus::Waiting).await;
    assert_eq!(
        api.post(
            &format!("/api/v2/executions/{id}/retry"),
            &owner,
            &Value::Null
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let cancelled = api
        .post(
            &format!("/api/v2/executions/{id}/cancel"),
            &owner,
            &Value::Null,
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    let again = api
        .post(
            &format!("/api/v2/executions/{id}/cancel"),
            &owner,
            &Value::Null,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.problem_type(), "execution-finished");

    let server = Recorder::scripted(vec![
        Reply::status(400, "bad address"),
        Reply::json(json!({ "ok": true })),
    ])
    .await;
    let notify = api
        .active_workflow(&webhook_workflow(&server.url("/x")))
        .await;
    let started = api
        .post(
            &format!("/api/v2/workflows/{notify}/execute"),
            &owner,
            &json!({ "contact": contact("c2") }),
        )
        .await;
    let id = started.body["execution_id"].as_str().unwrap().to_string();
    api.env.wait_for(&id, ExecutionStatus::Failed).await;
    let failed = api.get(&format!("/api/v2/executions/{id}"), &owner).await;
    let step = failed.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node_id"] == "call")
        .unwrap()
        .clone();
    assert_eq!(step["status"], "failed");
    assert!(
        step["error"].as_str().unwrap().contains("bad address"),
        "{step}"
    );
    let retried = api
        .post(
            &format!("/api/v2/executions/{id}/retry"),
            &owner,
            &Value::Null,
        )
        .await;
    assert_eq!(retried.status, StatusCode::OK, "{:?}", retried.body);
    api.env.wait_for(&id, ExecutionStatus::Completed).await;
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        api.post("/api/v2/executions/nope/cancel", &owner, &Value::Null)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    api.stop().await;
});

on_both_stores!(events_fire_triggers_once_per_event_id, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let workflow = api.active_workflow(&noop_workflow("On lead")).await;
    let event = json!({ "id": "crm-123", "event": "lead_created", "contact": contact("c7"), "payload": { "source": "web" } });
    let first = api.post("/api/v2/events", &owner, &event).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{:?}", first.body);
    assert_eq!(first.body["duplicate"], false);
    let started = first.body["started"].as_array().unwrap().clone();
    assert_eq!(started.len(), 1);
    let repeat = api.post("/api/v2/events", &owner, &event).await;
    assert_eq!(repeat.status, StatusCode::OK);
    assert_eq!(repeat.body["duplicate"], true);
    assert_eq!(repeat.body["started"], json!(started));
    let executions = api
        .get(
            &format!("/api/v2/executions?workflow_id={workflow}"),
            &owner,
        )
        .await;
    assert_eq!(executions.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(executions.body["items"][0]["trigger"]["source"], "web");
    assert_eq!(
        executions.body["items"][0]["trigger"]["event_id"],
        "crm-123"
    );

    for (body, field) in [
        (
            json!({ "id": "e2", "event": "lead_teleported", "contact": contact("c") }),
            "event",
        ),
        (json!({ "id": "e3", "event": "lead_created" }), "contact.id"),
        (
            json!({ "id": "e4", "event": "manual", "contact": contact("c") }),
            "event",
        ),
        (
            json!({ "id": "e5", "event": "lead_created", "contact": { "id": ["x"] } }),
            "contact.id",
        ),
    ] {
        let reply = api.post("/api/v2/events", &owner, &body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.body["errors"][0]["field"], field, "{body}");
    }
    let no_id = api
        .post(
            "/api/v2/events",
            &owner,
            &json!({ "event": "lead_created" }),
        )
        .await;
    assert_eq!(no_id.status, StatusCode::UNPROCESSABLE_ENTITY);
    api.stop().await;
});

on_both_stores!(
    the_inbound_webhook_url_starts_its_workflow,
    |db| async move {
        let api = TestApi::start(db).await;
        let owner = api.owner();
        let document = json!({
            "name": "From Typeform",
            "nodes": [
                { "id": "hook", "kind": "trigger", "config": { "event": "inbound_webhook" } },
                { "id": "act", "kind": "action", "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } }
            ],
            "edges": [ { "id": "e1", "source": "hook", "target": "act", "outcome": "next" } ]
        });
        let workflow = api.create_workflow(&document).await;
        let hook = api
            .post(
                &format!("/api/v2/workflows/{workflow}/webhook"),
                &owner,
                &Value::Null,
            )
            .await;
        assert_eq!(hook.status, StatusCode::CREATED);
        let url = hook.body["url"].as_str().unwrap().to_string();
        assert!(url.starts_with(&api.base));
        let post = |url: String, body: Value| {
            let client = api.client.clone();
            async move {
                let response = client.post(url).json(&body).send().await.unwrap();
                let status = response.status();
                (
                    status,
                    response.json::<Value>().await.unwrap_or(Value::Null),
                )
            }
        };
        let (status, body) = post(url.clone(), json!({ "answer": 42 })).await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "inactive workflows ignore their webhook: {body}"
        );
        api.post(
            &format!("/api/v2/workflows/{workflow}/activate"),
            &owner,
            &Value::Null,
        )
        .await;
        let (status, body) = post(
            url.clone(),
            json!({ "answer": 42, "contact": contact("c3") }),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let id = body["execution_id"].as_str().unwrap().to_string();
        let execution = api.env.wait_for(&id, ExecutionStatus::Completed).await;
        assert_eq!(execution.trigger["body"]["answer"], 42);
        assert_eq!(execution.contact_id.as_deref(), Some("c3"));

        let (status, _) = post(format!("{}/api/v2/hooks/wh_guess", api.base), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Rotating the URL retires the old one.
        let rotated = api
            .post(
                &format!("/api/v2/workflows/{workflow}/webhook"),
                &owner,
                &Value::Null,
            )
            .await;
        let (status, _) = post(url, json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = post(rotated.body["url"].as_str().unwrap().to_string(), json!({})).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let (status, _) = {
            let response = api
                .client
                .post(rotated.body["url"].as_str().unwrap())
                .header("content-type", "application/json")
                .body("{nope")
                .send()
                .await
                .unwrap();
            (response.status(), ())
        };
        assert_eq!(status, StatusCode::BAD_REQUEST);
        api.stop().await;
    }
);
