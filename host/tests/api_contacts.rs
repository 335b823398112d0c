//! CRM contacts over real HTTP on both stores: create (firing `lead_created`),
//! read, change, tag, list, and another org's contact answering 404.

mod common;

use atlas::api::auth::Role;
use common::api::{TestApi, noop_workflow};
use common::engine::ORG;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_stores!(
    contacts_are_created_changed_tagged_and_kept_per_org,
    |db| async move {
        let api = TestApi::start(db).await;
        let owner = api.owner();
        let workflow = api.active_workflow(&noop_workflow("Welcome leads")).await;
        let created = api
        .post(
            "/api/v2/contacts",
            &owner,
            &json!({ "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
                     "consent": { "email": true }, "time_zone": "Europe/London", "tags": ["trial"] }),
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        let id = created.body["id"].as_str().unwrap().to_string();
        assert_eq!(created.body["status"], "lead");
        assert_eq!(created.body["consent"]["email"], true);
        assert_eq!(created.body["consent"]["sms"], false);

        // lead_created started the active workflow for this contact.
        let mut started = json!([]);
        for _ in 0..200 {
            started = api
                .get(
                    &format!("/api/v2/executions?workflow_id={workflow}&contact_id={id}"),
                    &owner,
                )
                .await
                .body["items"]
                .clone();
            if started.as_array().is_some_and(|a| !a.is_empty()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(
            started.as_array().unwrap().len(),
            1,
            "lead_created started the workflow"
        );

        let path = format!("/api/v2/contacts/{id}");
        assert_eq!(
            api.get(&path, &owner).await.body["email"],
            "ada@example.com"
        );
        let patched = api
            .send(
                Method::PATCH,
                &path,
                Some(&owner),
                Some(&json!({ "status": "member", "phone": "+447700900001" })),
                &[],
            )
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
        assert_eq!(patched.body["status"], "member");
        let tagged = api
            .post(&format!("{path}/tags"), &owner, &json!({ "tag": "vip" }))
            .await;
        assert_eq!(tagged.status, StatusCode::OK);
        assert_eq!(tagged.body["tags"], json!(["trial", "vip"]));

        let members = api.get("/api/v2/contacts?status=member", &owner).await;
        assert_eq!(members.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(
            api.get("/api/v2/contacts?tag=nobody", &owner).await.body["items"],
            json!([])
        );

        for (body, words) in [
            (
                json!({ "first_name": "X", "favourite_colour": "red" }),
                "favourite_colour",
            ),
            (
                json!({ "first_name": "X", "time_zone": "Mars/Olympus" }),
                "time zone",
            ),
            (
                json!({ "first_name": "X", "birthday": "31/12/1990" }),
                "birthday",
            ),
        ] {
            let reply = api.post("/api/v2/contacts", &owner, &body).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(
                reply.body.to_string().contains(words),
                "{body}: {:?}",
                reply.body
            );
        }
        let viewer = api.token_for(ORG, Role::Viewer, "v1");
        assert_eq!(api.get(&path, &viewer).await.status, StatusCode::OK);
        assert_eq!(
            api.post("/api/v2/contacts", &viewer, &json!({ "first_name": "No" }))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let intruder = api.token_for("org-other", Role::Owner, "mallory");
        assert_eq!(
            api.get(&path, &intruder).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api.send(
                Method::PATCH,
                &path,
                Some(&intruder),
                Some(&json!({ "status": "lapsed" })),
                &[]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api.post(
                &format!("{path}/tags"),
                &intruder,
                &json!({ "tag": "pwned" })
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api.get("/api/v2/contacts", &intruder).await.body["items"],
            json!([])
        );
        assert_eq!(api.get(&path, &owner).await.body["status"], "member");
        assert_eq!(
            api.get("/api/v2/contacts/bad%20id", &owner).await.status,
            StatusCode::BAD_REQUEST
        );
        api.stop().await;
    }
);
