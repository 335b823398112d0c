//! The template gallery over real HTTP on both stores: list, get, and create a
//! draft from a template with review settings; bad settings, unknown
//! templates and roles that may not create are refused.

mod common;

use atlas::api::auth::Role;
use common::api::TestApi;
use common::engine::ORG;
use reqwest::StatusCode;
use serde_json::json;

on_both_stores!(
    the_gallery_lists_every_template_and_creates_drafts_from_them,
    |db| async move {
        let api = TestApi::start(db).await;
        let owner = api.owner();
        let list = api.get("/api/v2/templates", &owner).await;
        assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
        let items = list.body["items"].as_array().unwrap();
        let ids: Vec<&str> = items.iter().map(|t| t["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "new-member-onboarding",
                "class-booking-reminders",
                "no-show-follow-up",
                "membership-renewal",
                "lead-nurture",
                "review-request",
                "win-back",
                "birthday-greetings"
            ]
        );
        let no_show = &items[2];
        assert_eq!(no_show["trigger"], "class_no_show");
        assert_eq!(no_show["version"], "1.0.0");
        assert_eq!(
            no_show["actions"],
            json!([
                { "plugin": "atlas.crm.create-task", "version": "0.1.0" },
                { "plugin": "atlas.email.send", "version": "0.1.0" },
                { "plugin": "atlas.sms.send", "version": "0.1.0" }
            ])
        );
        // This server loads only the webhook and test actions.
        assert_eq!(no_show["missing_actions"], no_show["actions"]);
        assert_eq!(no_show["review"][0]["key"], "sms_from");
        assert_eq!(no_show["review"][0]["default"], "+15005550006");
        assert_eq!(no_show["review"][0]["nodes"], json!(["friendly_sms"]));

        let one = api.get("/api/v2/templates/win-back", &owner).await;
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.body["workflow"]["name"], "Win-back");
        assert_eq!(one.body["trigger"], "class_attended");

        let created = api
            .post(
                "/api/v2/templates/win-back/workflows",
                &owner,
                &json!({ "name": "Win-back (Leeds)", "settings": { "sms_from": "+447700900999" } }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        assert_eq!(created.headers["etag"], "\"1\"");
        assert_eq!(created.body["name"], "Win-back (Leeds)");
        assert_eq!(created.body["status"], "draft");
        let offer = created.body["document"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == "offer_2")
            .unwrap()
            .clone();
        assert_eq!(offer["config"]["input"]["from"], "+447700900999");
        // The missing actions are problems: the draft cannot be activated yet.
        let problems = created.body["problems"].as_array().unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p["node_id"] == "offer_1" && p["field"] == "config.version"),
            "{problems:?}"
        );
        let id = created.body["id"].as_str().unwrap();
        let activate = api
            .post(
                &format!("/api/v2/workflows/{id}/activate"),
                &owner,
                &json!({}),
            )
            .await;
        assert_eq!(activate.status, StatusCode::UNPROCESSABLE_ENTITY);
        let audit = api.get("/api/v2/audit", &owner).await;
        assert_eq!(
            audit.body["items"][0]["action"],
            "workflow.created_from_template"
        );

        // Another org sees the template but not this org's workflow.
        let other = api.token_for("org-other", Role::Owner, "o-2");
        assert_eq!(
            api.get("/api/v2/templates", &other).await.status,
            StatusCode::OK
        );
        assert_eq!(
            api.get(&format!("/api/v2/workflows/{id}"), &other)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        api.stop().await;
    }
);

on_both_stores!(bad_requests_and_roles_are_refused, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let missing = api.get("/api/v2/templates/yoga-retreat", &owner).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.problem_type(), "not-found");
    let path = "/api/v2/templates/birthday-greetings/workflows";

    let unknown = api
        .post(path, &owner, &json!({ "settings": { "colour": "red" } }))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.body["errors"][0]["field"], "settings.colour");
    let not_text = api
        .post(path, &owner, &json!({ "settings": { "sms_from": 447700 } }))
        .await;
    assert_eq!(not_text.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_text.body["errors"][0]["field"], "settings.sms_from");
    let blank = api.post(path, &owner, &json!({ "name": " " })).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let stray = api.post(path, &owner, &json!({ "colour": "red" })).await;
    assert_eq!(stray.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stray.body["errors"][0]["field"], "colour");

    let viewer = api.token_for(ORG, Role::Viewer, "v-1");
    assert_eq!(
        api.get("/api/v2/templates", &viewer).await.status,
        StatusCode::OK
    );
    let denied = api.post(path, &viewer, &json!({})).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let workflows = api.get("/api/v2/workflows", &owner).await;
    assert_eq!(workflows.body["items"], json!([]), "nothing was created");
    api.stop().await;
});
