//! Server-Sent Events over real HTTP: an execution's transitions arrive live,
//! a reconnect with `Last-Event-ID` resumes exactly after the last one seen,
//! and the stream ends with the execution.

mod common;

use std::time::Duration;

use atlas::store::ExecutionStatus;
use common::api::TestApi;
use common::engine::contact;
use futures::StreamExt as _;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// One SSE frame.
#[derive(Debug, Clone)]
struct Frame {
    id: Option<i64>,
    event: String,
    data: Value,
}

/// Reads frames until `stop` accepts one or the stream ends (10 s at most).
async fn read_frames(
    response: reqwest::Response,
    stop: impl Fn(&Frame) -> bool,
) -> (Vec<Frame>, bool) {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let mut frames = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let chunk = match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(chunk)) => chunk.unwrap(),
            Ok(None) => return (frames, true),
            Err(_) => panic!("no end of stream; frames so far: {frames:?}"),
        };
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let raw: String = buffer.drain(..end + 2).collect();
            let mut frame = Frame {
                id: None,
                event: String::new(),
                data: Value::Null,
            };
            for line in raw.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    frame.id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("event:") {
                    frame.event = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    frame.data = serde_json::from_str(v.trim()).unwrap_or(Value::Null);
                }
            }
            if frame.event.is_empty() {
                continue; // keep-alive comment
            }
            let done = stop(&frame);
            frames.push(frame);
            if done {
                return (frames, false);
            }
        }
    }
}

fn delayed() -> Value {
    json!({
        "name": "Live",
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
            { "id": "first", "kind": "action", "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } },
            { "id": "wait", "kind": "delay", "config": { "duration": "2h" } },
            { "id": "second", "kind": "action", "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } }
        ],
        "edges": [
            { "id": "e1", "source": "start", "target": "first", "outcome": "next" },
            { "id": "e2", "source": "first", "target": "wait", "outcome": "done" },
            { "id": "e3", "source": "wait", "target": "second", "outcome": "next" }
        ]
    })
}

on_both_stores!(
    an_execution_streams_live_and_resumes_after_last_event_id,
    |db| async move {
        let api = TestApi::start(db).await;
        let owner = api.owner();
        let workflow = api.active_workflow(&delayed()).await;
        let started = api
            .post(
                &format!("/api/v2/workflows/{workflow}/execute"),
                &owner,
                &json!({ "contact": contact("c1") }),
            )
            .await;
        let id = started.body["execution_id"].as_str().unwrap().to_string();
        let url = format!("{}/api/v2/executions/{id}/stream", api.base);

        let response = api
            .client
            .get(&url)
            .bearer_auth(&owner)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let (frames, ended) = read_frames(response, |f| f.event == "execution.waiting").await;
        assert!(!ended);
        let kinds: Vec<&str> = frames
            .iter()
            .filter(|f| f.id.is_some())
            .map(|f| f.event.as_str())
            .collect();
        assert_eq!(kinds.first(), Some(&"execution.started"), "{kinds:?}");
        assert!(kinds.contains(&"step.completed"), "{kinds:?}");
        let ids: Vec<i64> = frames.iter().filter_map(|f| f.id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
        let last_seen = *ids.last().unwrap();
        assert_eq!(frames.last().unwrap().data["execution_id"], id);

        // Reconnect where we left off while the execution moves on.
        api.env.advance(Duration::from_secs(2 * 3600 + 1));
        let response = api
            .client
            .get(&url)
            .bearer_auth(&owner)
            .header("last-event-id", last_seen.to_string())
            .send()
            .await
            .unwrap();
        let (rest, ended) = read_frames(response, |_| false).await;
        assert!(ended, "the stream ends with the execution");
        let resumed: Vec<i64> = rest.iter().filter_map(|f| f.id).collect();
        assert!(
            resumed.iter().all(|i| *i > last_seen),
            "{resumed:?} after {last_seen}"
        );
        assert_eq!(
            rest.iter().rfind(|f| f.id.is_some()).unwrap().event,
            "execution.completed"
        );
        api.env.wait_for(&id, ExecutionStatus::Completed).await;

        // Replaying from the start gives every event once, the same ids.
        let all = api
            .client
            .get(format!("{url}?after=0"))
            .bearer_auth(&owner)
            .send()
            .await
            .unwrap();
        let (all, _) = read_frames(all, |_| false).await;
        let all_ids: Vec<i64> = all.iter().filter_map(|f| f.id).collect();
        let mut expected = ids.clone();
        expected.extend(resumed);
        assert_eq!(all_ids, expected);

        let bad = api
            .client
            .get(&url)
            .bearer_auth(&owner)
            .header("last-event-id", "yesterday")
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        api.stop().await;
    }
);

on_both_stores!(a_workflow_stream_shows_every_execution, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let workflow = api.active_workflow(&delayed()).await;
    let response = api
        .client
        .get(format!("{}/api/v2/workflows/{workflow}/stream", api.base))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let starter = {
        let api_base = api.base.clone();
        let client = api.client.clone();
        let owner = owner.clone();
        let workflow = workflow.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            for c in ["a", "b"] {
                client
                    .post(format!("{api_base}/api/v2/workflows/{workflow}/execute"))
                    .bearer_auth(&owner)
                    .json(&json!({ "contact": { "id": c } }))
                    .send()
                    .await
                    .unwrap();
            }
        })
    };
    let waiting = std::sync::atomic::AtomicUsize::new(0);
    let (frames, _) = read_frames(response, |f| {
        f.event == "execution.waiting"
            && waiting.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 1
    })
    .await;
    starter.await.unwrap();
    let executions: std::collections::BTreeSet<&str> = frames
        .iter()
        .filter_map(|f| f.data["execution_id"].as_str())
        .collect();
    assert_eq!(executions.len(), 2, "{frames:?}");
    assert!(
        frames
            .iter()
            .any(|f| f.event == "step.started" && f.id.is_none()),
        "step.started is sent live without an id"
    );
    api.stop().await;
});
