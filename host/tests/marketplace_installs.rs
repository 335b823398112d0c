//! Installing marketplace actions and running them in workflows: grants,
//! upgrades that ask for more, the kill switch, yanks, secrets, tenancy.

#[macro_use]
mod common;

use atlas::api::auth::Role;
use atlas::store::ExecutionStatus;
use common::api::TestApi;
use common::engine::{Db, contact};
use common::marketplace::{
    Partner, approve, echo_component, install, partner_component, partner_workflow, platform_admin,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const ECHO: &str = "acme.partner.echo";

/// Runs workflow `id` once and returns the execution id.
async fn execute(api: &TestApi, workflow: &str) -> String {
    let started = api
        .post(
            &format!("/api/v2/workflows/{workflow}/execute"),
            &api.owner(),
            &json!({ "contact": contact("c1"), "trigger": {} }),
        )
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    started.body["execution_id"].as_str().unwrap().to_string()
}

/// The error of the execution's failed step.
async fn failed_step_error(api: &TestApi, execution: &str) -> (String, String) {
    api.env.wait_for(execution, ExecutionStatus::Failed).await;
    let steps = api.env.steps(execution).await;
    let step = steps
        .iter()
        .find(|s| s.node_id == "act")
        .expect("the action step");
    (
        step.error_kind.clone().unwrap_or_default(),
        step.error.clone().unwrap_or_default(),
    )
}

on_both_stores!(
    an_installed_action_runs_in_a_workflow_with_what_was_granted,
    |db| async move {
        let api = TestApi::start(db).await;
        let acme = Partner::register(&api, "acme").await;
        acme.published(
            &api,
            &partner_component(&json!({
                "id": ECHO, "version": "1.0.0", "capabilities": ["kv", "secret:api_key"]
            })),
        )
        .await;
        approve(&api, ECHO, "1.0.0").await;
        let owner = api.owner();

        // Not installed: not in the catalog, and a workflow using it does not validate.
        let catalog = api.get("/api/v2/catalog", &owner).await;
        assert!(!catalog.body.to_string().contains(ECHO));
        let draft = api
            .post(
                "/api/v2/workflows/validate",
                &owner,
                &partner_workflow("Echo", ECHO, "1.0.0", json!({})),
            )
            .await;
        assert_eq!(draft.body["valid"], false, "{:?}", draft.body);

        let reply = api
        .post(
            "/api/v2/installs",
            &owner,
            &json!({ "plugin_id": ECHO, "version": "1.0.0", "grants": ["kv", "secret:api_key"], "secrets": { "api_key": "sk-live-1" } }),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        assert_eq!(reply.body["install"]["status"], "active");
        assert_eq!(reply.body["missing"], json!([]));
        assert_eq!(
            reply.body["requested"]["secret:api_key"],
            "Read the secret \"api_key\" you enter for it"
        );
        // The secret is stored encrypted and readable by the action only.
        let secret = api
            .env
            .store
            .secret_get("org-test", ECHO, "api_key")
            .await
            .unwrap();
        assert_eq!(secret.as_deref(), Some("sk-live-1"));

        let catalog = api.get(&format!("/api/v2/catalog/{ECHO}"), &owner).await;
        assert_eq!(catalog.status, StatusCode::OK, "{:?}", catalog.body);
        assert_eq!(catalog.body["items"][0]["install_status"], "active");
        assert_eq!(catalog.body["items"][0]["publisher"], "acme Ltd");
        let market = api
            .get(&format!("/api/v2/marketplace/plugins/{ECHO}"), &owner)
            .await;
        assert_eq!(market.body["install_count"], 1);
        assert_eq!(market.body["installed_versions"], json!(["1.0.0"]));

        let workflow = api
            .active_workflow(&partner_workflow(
                "Echo",
                ECHO,
                "1.0.0",
                json!({ "greeting": "hi {{contact.first_name}}" }),
            ))
            .await;
        let execution = execute(&api, &workflow).await;
        api.env
            .wait_for(&execution, ExecutionStatus::Completed)
            .await;
        let steps = api.env.steps(&execution).await;
        let act = steps.iter().find(|s| s.node_id == "act").unwrap();
        assert_eq!(act.output.as_ref().unwrap()["echo"]["greeting"], "hi Ada");

        // The audit log has the install.
        let audit = api.get("/api/v2/audit", &owner).await;
        assert!(
            audit.body.to_string().contains("plugin.installed"),
            "{:?}",
            audit.body
        );
        api.stop().await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgrade_that_asks_for_more_waits_for_a_grant_and_reports_breaking_nodes() {
    let api = TestApi::start(Db::Sqlite).await;
    let acme = Partner::register(&api, "acme").await;
    let owner = api.owner();
    acme.published(&api, &echo_component(ECHO, "1.0.0", &["kv"]))
        .await;
    approve(&api, ECHO, "1.0.0").await;
    assert_eq!(
        install(&api, &owner, ECHO, "1.0.0", &["kv"]).await.status,
        StatusCode::CREATED
    );
    let old = api
        .active_workflow(&partner_workflow(
            "Old",
            ECHO,
            "1.0.0",
            json!({ "body": "Hello" }),
        ))
        .await;

    // 2.0.0 asks for HTTP and requires a `channel` the old node does not set.
    acme.published(&api, &partner_component(&json!({
        "id": ECHO, "version": "2.0.0", "capabilities": ["kv", "http:api.acme.test"],
        "input_schema": r#"{"type":"object","required":["channel"],"properties":{"channel":{"type":"string"},"body":{"type":"string"}}}"#
    })))
    .await;
    approve(&api, ECHO, "2.0.0").await;
    let preview = api
        .get(
            &format!("/api/v2/marketplace/plugins/{ECHO}/versions/2.0.0/upgrade-report"),
            &owner,
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{:?}", preview.body);
    assert_eq!(
        preview.body["added_capabilities"],
        json!(["http:api.acme.test"])
    );
    assert_eq!(
        preview.body["breaking_nodes"][0]["workflow_id"],
        old.as_str()
    );
    assert_eq!(preview.body["breaking_nodes"][0]["field"], "channel");

    let upgraded = install(&api, &owner, ECHO, "2.0.0", &["kv"]).await;
    assert_eq!(upgraded.status, StatusCode::CREATED, "{:?}", upgraded.body);
    assert_eq!(upgraded.body["install"]["status"], "awaiting_grant");
    assert_eq!(upgraded.body["missing"], json!(["http:api.acme.test"]));
    assert_eq!(upgraded.body["upgrade"]["from_versions"], json!(["1.0.0"]));
    assert_eq!(
        upgraded.body["upgrade"]["breaking_nodes"][0]["node_id"],
        "act"
    );

    // Not active until granted: a workflow pinned to 2.0.0 fails that step...
    let new = api
        .active_workflow(&partner_workflow(
            "New",
            ECHO,
            "2.0.0",
            json!({ "channel": "sms" }),
        ))
        .await;
    let (kind, message) = failed_step_error(&api, &execute(&api, &new).await).await;
    assert_eq!(kind, "not_granted");
    assert!(message.contains("http:api.acme.test"), "{message}");
    // ...while the old workflow keeps its pinned version and runs.
    let run = execute(&api, &old).await;
    api.env.wait_for(&run, ExecutionStatus::Completed).await;

    // A grant of something not requested is refused; the real grant activates it.
    let wrong = api
        .post(
            &format!("/api/v2/installs/{ECHO}/2.0.0/grant"),
            &owner,
            &json!({ "grants": ["ai"] }),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.body["errors"][0]["field"], "grants/1");
    let granted = api
        .post(
            &format!("/api/v2/installs/{ECHO}/2.0.0/grant"),
            &owner,
            &json!({ "grants": ["http:api.acme.test"] }),
        )
        .await;
    assert_eq!(granted.status, StatusCode::OK, "{:?}", granted.body);
    assert_eq!(granted.body["install"]["status"], "active");
    let run = execute(&api, &new).await;
    api.env.wait_for(&run, ExecutionStatus::Completed).await;
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kill_switch_stops_a_version_everywhere_and_yanked_versions_cannot_be_installed() {
    let api = TestApi::start(Db::Sqlite).await;
    let acme = Partner::register(&api, "acme").await;
    let owner = api.owner();
    acme.published(&api, &echo_component(ECHO, "1.0.0", &[]))
        .await;
    approve(&api, ECHO, "1.0.0").await;
    assert_eq!(
        install(&api, &owner, ECHO, "1.0.0", &[]).await.status,
        StatusCode::CREATED
    );
    let workflow = api
        .active_workflow(&partner_workflow("Echo", ECHO, "1.0.0", json!({})))
        .await;
    let run = execute(&api, &workflow).await;
    api.env.wait_for(&run, ExecutionStatus::Completed).await;

    let admin = platform_admin(&api);
    let kill = api
        .post(
            &format!("/api/v2/review/{ECHO}/1.0.0/kill"),
            &admin,
            &json!({ "reason": "Sends data to an unknown host." }),
        )
        .await;
    assert_eq!(kill.status, StatusCode::NO_CONTENT, "{:?}", kill.body);
    let (kind, message) = failed_step_error(&api, &execute(&api, &workflow).await).await;
    assert_eq!(kind, "killed");
    assert!(
        message.contains("disabled by the platform: Sends data to an unknown host."),
        "{message}"
    );
    // Killed versions leave the catalog and cannot be installed.
    let catalog = api.get("/api/v2/catalog", &owner).await;
    assert!(!catalog.body.to_string().contains(ECHO));
    let other = api.token_for("org-other", Role::Owner, "owner-2");
    assert_eq!(
        install(&api, &other, ECHO, "1.0.0", &[]).await.status,
        StatusCode::CONFLICT
    );
    let audit = api.get("/api/v2/audit", &admin).await;
    assert!(
        audit.body.to_string().contains("plugin.killed"),
        "{:?}",
        audit.body
    );

    // Lifting the switch restores it.
    let revive = api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v2/review/{ECHO}/1.0.0/kill"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(revive.status, StatusCode::NO_CONTENT);
    let run = execute(&api, &workflow).await;
    api.env.wait_for(&run, ExecutionStatus::Completed).await;

    // The publisher yanks it: installed orgs keep running it, nobody installs it anew.
    let yank = api
        .post(
            &format!("/api/v2/marketplace/plugins/{ECHO}/versions/1.0.0/yank"),
            &acme.token,
            &Value::Null,
        )
        .await;
    assert_eq!(yank.status, StatusCode::NO_CONTENT, "{:?}", yank.body);
    let refused = install(&api, &other, ECHO, "1.0.0", &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body["detail"].as_str().unwrap().contains("yanked"));
    let run = execute(&api, &workflow).await;
    api.env.wait_for(&run, ExecutionStatus::Completed).await;
    // Another partner cannot yank it.
    let globex = Partner::register(&api, "globex").await;
    let foreign = api
        .post(
            &format!("/api/v2/marketplace/plugins/{ECHO}/versions/1.0.0/yank"),
            &globex.token,
            &Value::Null,
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installs_belong_to_one_org_and_bad_requests_are_clear() {
    let api = TestApi::start(Db::Sqlite).await;
    let acme = Partner::register(&api, "acme").await;
    let owner = api.owner();
    acme.published(&api, &echo_component(ECHO, "1.0.0", &["kv"]))
        .await;

    // Pending versions cannot be installed; unknown ones neither.
    assert_eq!(
        install(&api, &owner, ECHO, "1.0.0", &["kv"]).await.status,
        StatusCode::NOT_FOUND
    );
    approve(&api, ECHO, "1.0.0").await;
    assert_eq!(
        install(&api, &owner, ECHO, "9.9.9", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let bad_grant = install(&api, &owner, ECHO, "1.0.0", &["root"]).await;
    assert_eq!(bad_grant.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_grant.body["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("unknown capability")
    );
    let bad_secret = api
        .post("/api/v2/installs", &owner, &json!({ "plugin_id": ECHO, "version": "1.0.0", "grants": ["kv"], "secrets": { "password": "x" } }))
        .await;
    assert_eq!(bad_secret.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_secret.body["errors"][0]["field"], "secrets/password");
    let unknown_field = api
        .post(
            "/api/v2/installs",
            &owner,
            &json!({ "plugin_id": ECHO, "version": "1.0.0", "grant": ["kv"] }),
        )
        .await;
    assert_eq!(unknown_field.status.as_u16() / 100, 4);
    let builtin = install(&api, &owner, "atlas.webhook.send", "0.1.0", &[]).await;
    assert_eq!(builtin.status, StatusCode::CONFLICT, "{:?}", builtin.body);
    let staff = api.token_for("org-test", Role::Staff, "staff-1");
    assert_eq!(
        install(&api, &staff, ECHO, "1.0.0", &["kv"]).await.status,
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        install(&api, &owner, ECHO, "1.0.0", &["kv"]).await.status,
        StatusCode::CREATED
    );
    // Another org sees none of it, and cannot run or uninstall it.
    let other = api.token_for("org-other", Role::Owner, "owner-2");
    let list = api.get("/api/v2/installs", &other).await;
    assert_eq!(list.body["items"], json!([]));
    let catalog = api.get("/api/v2/catalog", &other).await;
    assert!(!catalog.body.to_string().contains(ECHO));
    let gone = api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v2/installs/{ECHO}/1.0.0"),
            Some(&other),
            None,
            &[],
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let denied = api
        .env
        .engine
        .marketplace()
        .resolve("org-other", ECHO, "1.0.0")
        .await
        .err()
        .unwrap();
    assert_eq!(denied.kind, "unavailable");
    assert!(
        denied
            .message
            .contains("not installed in this organisation"),
        "{}",
        denied.message
    );

    // Uninstalling stops it in the org that had it.
    let removed = api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v2/installs/{ECHO}/1.0.0"),
            Some(&owner),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert!(
        api.env
            .engine
            .marketplace()
            .resolve("org-test", ECHO, "1.0.0")
            .await
            .is_err()
    );
    api.stop().await;
}
