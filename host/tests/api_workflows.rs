//! The workflow endpoints over real HTTP on both stores: CRUD, optimistic
//! concurrency, versions, validation, activation, export/import, and every
//! kind of bad input answered with a 4xx problem document.

mod common;

use common::api::{TestApi, noop_workflow};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn broken_workflow() -> Value {
    json!({
        "name": "broken",
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
            { "id": "act", "kind": "action", "config": { "plugin": "atlas.missing", "version": "9.9.9", "input": {} } }
        ],
        "edges": [ { "id": "e1", "source": "start", "target": "act", "outcome": "next" } ]
    })
}

on_both_stores!(
    create_get_update_with_etags_and_conflicts,
    |db| async move {
        let api = TestApi::start(db).await;
        let owner = api.owner();
        let created = api
            .post("/api/v2/workflows", &owner, &noop_workflow("Welcome"))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        assert_eq!(created.header("etag"), Some("\"1\""));
        assert_eq!(created.body["status"], "draft");
        assert_eq!(created.body["problems"], json!([]));
        let id = created.body["id"].as_str().unwrap().to_string();
        let path = format!("/api/v2/workflows/{id}");

        let got = api.get(&path, &owner).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.body["document"]["name"], "Welcome");
        assert_eq!(got.body["version"], 1);

        let mut edited = noop_workflow("Welcome v2");
        let put = |doc: Value, etag: Option<&'static str>| {
            let api = &api;
            let owner = owner.clone();
            let path = path.clone();
            async move {
                let headers: Vec<(&str, &str)> =
                    etag.map(|e| vec![("if-match", e)]).unwrap_or_default();
                api.send(Method::PUT, &path, Some(&owner), Some(&doc), &headers)
                    .await
            }
        };
        let saved = put(edited.clone(), Some("\"1\"")).await;
        assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
        assert_eq!(saved.header("etag"), Some("\"2\""));
        assert_eq!(saved.body["name"], "Welcome v2");

        // Someone else's editor still holds version 1.
        edited["name"] = json!("Stale edit");
        let stale = put(edited.clone(), Some("\"1\"")).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.problem_type(), "version-conflict");
        assert_eq!(stale.body["current_version"], 2);
        assert_eq!(api.get(&path, &owner).await.body["name"], "Welcome v2");

        let unconditional = put(edited.clone(), None).await;
        assert_eq!(unconditional.status, StatusCode::PRECONDITION_REQUIRED);
        let garbage = put(edited, Some("yesterday")).await;
        assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
        assert_eq!(garbage.problem_type(), "invalid-if-match");

        // Versions: list, read, restore.
        let versions = api.get(&format!("{path}/versions"), &owner).await;
        assert_eq!(versions.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(versions.body["items"][0]["version"], 2);
        assert_eq!(versions.body["items"][0]["created_by"], "owner-1");
        let v1 = api.get(&format!("{path}/versions/1"), &owner).await;
        assert_eq!(v1.body["document"]["name"], "Welcome");
        assert_eq!(
            api.get(&format!("{path}/versions/7"), &owner).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api.get(&format!("{path}/versions/zero"), &owner)
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
        let restored = api
            .send(
                Method::POST,
                &format!("{path}/versions/1/restore"),
                Some(&owner),
                None,
                &[("if-match", "\"2\"")],
            )
            .await;
        assert_eq!(restored.status, StatusCode::OK, "{:?}", restored.body);
        assert_eq!(restored.body["version"], 3);
        assert_eq!(restored.body["name"], "Welcome");
        api.stop().await;
    }
);

on_both_stores!(list_filters_searches_and_pages, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let mut ids = Vec::new();
    for name in ["Alpha welcome", "Beta nurture", "Gamma welcome"] {
        ids.push(api.create_workflow(&noop_workflow(name)).await);
    }
    let mut tagged = noop_workflow("Delta birthday");
    tagged["tags"] = json!(["birthday", "promo"]);
    tagged["nodes"][0]["config"] = json!({ "event": "birthday" });
    let delta = api.create_workflow(&tagged).await;
    api.post(
        &format!("/api/v2/workflows/{}/activate", ids[0]),
        &owner,
        &Value::Null,
    )
    .await;

    let names = |reply: &common::api::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = api.get("/api/v2/workflows", &owner).await;
    assert_eq!(
        names(&all),
        vec![
            "Delta birthday",
            "Gamma welcome",
            "Beta nurture",
            "Alpha welcome"
        ]
    );
    assert_eq!(
        names(&api.get("/api/v2/workflows?status=active", &owner).await),
        vec!["Alpha welcome"]
    );
    assert_eq!(
        names(&api.get("/api/v2/workflows?q=WELCOME", &owner).await),
        vec!["Gamma welcome", "Alpha welcome"]
    );
    assert_eq!(
        names(&api.get("/api/v2/workflows?tag=promo", &owner).await),
        vec!["Delta birthday"]
    );
    assert_eq!(
        names(&api.get("/api/v2/workflows?trigger=birthday", &owner).await),
        vec!["Delta birthday"]
    );
    assert_eq!(
        names(
            &api.get(
                "/api/v2/workflows?trigger=lead_created&tag=onboarding",
                &owner
            )
            .await
        )
        .len(),
        3
    );
    assert_eq!(
        names(&api.get("/api/v2/workflows?q=100%25", &owner).await),
        Vec::<String>::new()
    );

    let first = api.get("/api/v2/workflows?limit=3", &owner).await;
    assert_eq!(names(&first).len(), 3);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_string();
    let second = api
        .get(
            &format!("/api/v2/workflows?limit=3&cursor={cursor}"),
            &owner,
        )
        .await;
    assert_eq!(names(&second), vec!["Alpha welcome"]);
    assert!(second.body["next_cursor"].is_null());
    assert_eq!(all.body["items"][0]["id"], delta);
    assert_eq!(all.body["items"][0]["stats"]["runs"], 0);
    api.stop().await;
});

on_both_stores!(validate_activate_deactivate_delete, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let report = api
        .post("/api/v2/workflows/validate", &owner, &broken_workflow())
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(report.body["valid"], false);
    let problem = &report.body["problems"][0];
    assert_eq!(problem["node_id"], "act");
    assert!(
        problem["field"].as_str().unwrap().starts_with("config"),
        "{problem}"
    );
    let ok = api
        .post("/api/v2/workflows/validate", &owner, &noop_workflow("fine"))
        .await;
    assert_eq!(ok.body, json!({ "valid": true, "problems": [] }));
    let not_a_workflow = api
        .post(
            "/api/v2/workflows/validate",
            &owner,
            &json!({ "name": "x", "nodes": [{ "id": "a", "kind": "teleport" }] }),
        )
        .await;
    assert_eq!(not_a_workflow.status, StatusCode::OK);
    assert_eq!(not_a_workflow.body["valid"], false);

    // A draft may hold problems; activation refuses them.
    let broken = api.create_workflow(&broken_workflow()).await;
    let path = format!("/api/v2/workflows/{broken}");
    assert_eq!(
        api.get(&path, &owner).await.body["problems"][0]["node_id"],
        "act"
    );
    let refused = api
        .post(&format!("{path}/activate"), &owner, &Value::Null)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["errors"][0]["node_id"], "act");
    assert_eq!(api.get(&path, &owner).await.body["status"], "draft");

    // Fix it, activate it; an active workflow refuses a save with problems.
    let fixed = api
        .send(
            Method::PUT,
            &path,
            Some(&owner),
            Some(&noop_workflow("fixed")),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(fixed.status, StatusCode::OK);
    let active = api
        .post(&format!("{path}/activate"), &owner, &Value::Null)
        .await;
    assert_eq!(active.status, StatusCode::OK);
    assert_eq!(active.body["status"], "active");
    let regress = api
        .send(
            Method::PUT,
            &path,
            Some(&owner),
            Some(&broken_workflow()),
            &[("if-match", "\"2\"")],
        )
        .await;
    assert_eq!(regress.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.get(&path, &owner).await.body["version"], 2);
    let inactive = api
        .post(&format!("{path}/deactivate"), &owner, &Value::Null)
        .await;
    assert_eq!(inactive.body["status"], "inactive");

    let deleted = api
        .send(Method::DELETE, &path, Some(&owner), None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(api.get(&path, &owner).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.send(Method::DELETE, &path, Some(&owner), None, &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        api.get("/api/v2/workflows", &owner).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    api.stop().await;
});

on_both_stores!(export_and_import_resolve_plugins, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let id = api.create_workflow(&noop_workflow("Exported")).await;
    let export = api
        .get(&format!("/api/v2/workflows/{id}/export"), &owner)
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.body["format"], "atlas.workflow");
    assert_eq!(export.body["plugins"][0]["id"], "atlas.test.noop");
    assert_eq!(
        export.body["plugins"][0]["sha256"].as_str().unwrap().len(),
        64
    );

    let imported = api
        .post("/api/v2/workflows/import", &owner, &export.body)
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{:?}", imported.body);
    assert_ne!(imported.body["workflow"]["id"], id);
    assert_eq!(imported.body["workflow"]["status"], "draft");
    assert_eq!(imported.body["workflow"]["problems"], json!([]));
    assert_eq!(imported.body["plugins"][0]["status"], "installed");
    assert_eq!(imported.body["plugins"][0]["content_differs"], false);

    let mut foreign = export.body.clone();
    foreign["document"]["nodes"][1]["config"]["version"] = json!("0.9.0");
    foreign["plugins"] = json!([]);
    let report = api.post("/api/v2/workflows/import", &owner, &foreign).await;
    assert_eq!(report.status, StatusCode::CREATED);
    assert_eq!(
        report.body["plugins"][0]["status"],
        "other_versions_installed"
    );
    assert_eq!(
        report.body["plugins"][0]["available_versions"],
        json!(["0.1.0"])
    );
    assert_eq!(report.body["workflow"]["problems"][0]["node_id"], "act");

    let mut wrong = export.body.clone();
    wrong["format"] = json!("zapier");
    let refused = api.post("/api/v2/workflows/import", &owner, &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["errors"][0]["field"], "format");
    let mut malformed = export.body.clone();
    malformed["document"] = json!({ "name": 5 });
    assert_eq!(
        api.post("/api/v2/workflows/import", &owner, &malformed)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    api.stop().await;
});

on_both_stores!(bad_input_is_always_a_useful_4xx, |db| async move {
    let api = TestApi::start_with(
        db,
        atlas::api::ApiSettings {
            max_body_bytes: 4096,
            ..common::api::test_settings()
        },
    )
    .await;
    let owner = api.owner();
    let url = format!("{}/api/v2/workflows", api.base);
    let raw = |body: &'static str, content_type: &'static str| {
        let request = api
            .client
            .post(&url)
            .bearer_auth(&owner)
            .header("content-type", content_type)
            .body(body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let ct = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_string();
            let body: Value = response.json().await.unwrap();
            (status, ct, body)
        }
    };
    let (status, ct, body) = raw("{\"name\": \"x\", \"nodes\": [", "application/json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(ct, "application/problem+json");
    assert!(
        body["detail"].as_str().unwrap().contains("line 1"),
        "{body}"
    );
    let (status, _, _) = raw("{}", "text/plain").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, body) = raw(
        "{\"name\": \"x\", \"nodes\": [], \"colour\": \"red\"}",
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{body}"
    );
    let (status, _, body) = raw("{\"name\": 42, \"nodes\": []}", "application/json").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "name");

    let huge = json!({ "name": "x".repeat(10_000), "nodes": [] });
    let too_big = api.post("/api/v2/workflows", &owner, &huge).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_big.problem_type(), "body-too-large");

    for (path, status, kind) in [
        (
            "/api/v2/workflows?cursor=not-a-cursor",
            StatusCode::BAD_REQUEST,
            "invalid-cursor",
        ),
        (
            "/api/v2/workflows?limit=0",
            StatusCode::BAD_REQUEST,
            "invalid-limit",
        ),
        (
            "/api/v2/workflows?limit=many",
            StatusCode::BAD_REQUEST,
            "invalid-query",
        ),
        (
            "/api/v2/workflows?status=paused",
            StatusCode::BAD_REQUEST,
            "invalid-query",
        ),
        (
            "/api/v2/workflows?colour=red",
            StatusCode::BAD_REQUEST,
            "invalid-query",
        ),
        (
            "/api/v2/workflows/no%20such%20id",
            StatusCode::BAD_REQUEST,
            "invalid-id",
        ),
        (
            "/api/v2/workflows/0190a0a0-0000-7000-8000-000000000000",
            StatusCode::NOT_FOUND,
            "not-found",
        ),
        (
            "/api/v2/executions?from=yesterday",
            StatusCode::BAD_REQUEST,
            "invalid-query",
        ),
        ("/api/v2/nothing-here", StatusCode::NOT_FOUND, "not-found"),
    ] {
        let reply = api.get(path, &owner).await;
        assert_eq!(reply.status, status, "{path}: {:?}", reply.body);
        assert_eq!(reply.problem_type(), kind, "{path}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json"),
            "{path}"
        );
    }
    let wrong_method = api
        .send(Method::PATCH, "/api/v2/workflows", Some(&owner), None, &[])
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.problem_type(), "method-not-allowed");
    api.stop().await;
});
