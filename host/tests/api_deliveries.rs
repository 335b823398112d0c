//! Delivery receipts over real HTTP on both stores: an SMS step sends its
//! status callback URL to a loopback Twilio, Twilio's signed callbacks are
//! recorded against the step and shown in the step log and the live stream;
//! SendGrid's signed event batches likewise for an email step. Unsigned,
//! badly signed, tampered and misdirected requests record nothing.

mod common;

use atlas::store::ExecutionStatus;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::api::TestApi;
use common::component_bytes;
use common::engine::ORG;
use common::recorder::{Recorder, Reply};
use hmac::{Hmac, Mac};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey as _;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha1::Sha1;

const AUTH_TOKEN: &str = "twilio-auth-token-1";
const ACCOUNT_SID: &str = "AC0123456789abcdef";

/// Publishes the built-in messaging actions to the served marketplace.
async fn load_messaging(api: &TestApi) {
    for name in ["sms-send", "email-send"] {
        api.env
            .marketplace
            .publish_builtin(&component_bytes(name))
            .await
            .unwrap();
    }
}

/// A CRM contact of the test org who consented to email and SMS.
async fn consenting_contact(api: &TestApi) -> Value {
    let crm = atlas::crm::Crm::detached(api.env.store.clone());
    let contact = crm
        .create_contact(
            ORG,
            atlas::crm::NewContact {
                first_name: "Ada".into(),
                email: Some("ada@example.com".into()),
                phone: Some("+447700900123".into()),
                status: "member".into(),
                consent: atlas::store::crm::Consent {
                    email: true,
                    sms: true,
                    whatsapp: false,
                },
                ..Default::default()
            },
            "test",
        )
        .await
        .unwrap();
    json!({ "id": contact.id, "first_name": "Ada" })
}

fn one_action(node: &str, plugin: &str, input: Value) -> Value {
    json!({
        "name": format!("Send with {plugin}"),
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
            { "id": node, "kind": "action", "config": { "plugin": plugin, "version": "0.1.0", "input": input } }
        ],
        "edges": [ { "id": "e1", "source": "start", "target": node, "outcome": "next" } ]
    })
}

/// Runs an active workflow for `contact` to completion; returns the execution id.
async fn run(api: &TestApi, workflow: &str, contact: &Value) -> String {
    let started = api
        .post(
            &format!("/api/v2/workflows/{workflow}/execute"),
            &api.owner(),
            &json!({ "contact": contact }),
        )
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    let id = started.body["execution_id"].as_str().unwrap().to_string();
    let done = api.env.wait_until(&id, |e| e.status.is_finished()).await;
    assert_eq!(done.status, ExecutionStatus::Completed, "{done:?}");
    id
}

/// The step log entry of `node`.
async fn step(api: &TestApi, execution: &str, node: &str) -> Value {
    let reply = api
        .get(&format!("/api/v2/executions/{execution}"), &api.owner())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node_id"] == node)
        .cloned()
        .unwrap_or_else(|| panic!("no step {node}: {:?}", reply.body))
}

/// Twilio's signature, computed here from its definition: base64 HMAC-SHA1
/// with the auth token over the URL and the parameters sorted by name.
fn twilio_signature(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_string();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// POSTs a Twilio status callback to `path`, signed with `token` (or not at all).
async fn callback(
    api: &TestApi,
    path: &str,
    params: &[(&str, &str)],
    token: Option<&str>,
) -> (StatusCode, Value) {
    let url = format!("{}{path}", api.base);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    let mut request = api
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(token) = token {
        request = request.header("X-Twilio-Signature", twilio_signature(token, &url, params));
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    if status != StatusCode::NO_CONTENT {
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

on_both_stores!(
    twilio_status_callbacks_are_verified_and_recorded_against_the_sms_step,
    |db| async move {
        let twilio = Recorder::start(Reply {
            status: 201,
            ..Reply::json(json!({ "sid": "SM5f3d1e0c2b", "status": "queued" }))
        })
        .await;
        let api = TestApi::start(db).await;
        load_messaging(&api).await;
        let hooks = format!("{}/api/v2/hooks/twilio/status", api.base);
        for (name, value) in [
            ("twilio_account_sid", ACCOUNT_SID),
            ("twilio_auth_token", AUTH_TOKEN),
            ("twilio_base_url", &twilio.url("")),
            ("twilio_status_callback_url", &hooks),
        ] {
            api.env
                .store
                .secret_put(ORG, "atlas.sms.send", name, value)
                .await
                .unwrap();
        }
        let contact = consenting_contact(&api).await;
        let workflow = api
            .active_workflow(&one_action(
                "text",
                "atlas.sms.send",
                json!({ "to": "+447700900123", "from": "+15005550006", "body": "See you at 6pm!" }),
            ))
            .await;
        let execution = run(&api, &workflow, &contact).await;

        // The action named this step's callback URL to Twilio.
        let path = format!("/api/v2/hooks/twilio/status/{ORG}/{execution}/text");
        let sent = twilio.requests();
        assert_eq!(sent.len(), 1);
        let form: Vec<(String, String)> =
            form_urlencoded::parse(&sent[0].body).into_owned().collect();
        assert!(
            form.contains(&("StatusCallback".into(), format!("{}{path}", api.base))),
            "{form:?}"
        );
        assert!(
            step(&api, &execution, "text")
                .await
                .get("delivery")
                .is_none()
        );

        let delivered = [
            ("MessageSid", "SM5f3d1e0c2b"),
            ("MessageStatus", "delivered"),
            ("SmsStatus", "delivered"),
            ("To", "+447700900123"),
            ("From", "+15005550006"),
            ("AccountSid", ACCOUNT_SID),
            ("ApiVersion", "2010-04-01"),
        ];
        // Unsigned, signed with another token, or with changed parameters: 403.
        let (status, body) = callback(&api, &path, &delivered, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            body["type"],
            "https://atlasflow.dev/problems/invalid-signature"
        );
        let (status, _) = callback(&api, &path, &delivered, Some("another-token")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let url = format!("{}{path}", api.base);
        let forged = api
            .client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header(
                "X-Twilio-Signature",
                twilio_signature(
                    AUTH_TOKEN,
                    &url,
                    &[("MessageSid", "SM5f3d1e0c2b"), ("MessageStatus", "failed")],
                ),
            )
            .body("MessageSid=SM5f3d1e0c2b&MessageStatus=delivered")
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert!(
            step(&api, &execution, "text")
                .await
                .get("delivery")
                .is_none()
        );

        // Another org's path: its own auth token (none here) is what the
        // signature is checked with, before anything is looked up: 403.
        let (status, _) = callback(
            &api,
            &format!("/api/v2/hooks/twilio/status/org-other/{execution}/text"),
            &delivered,
            Some(AUTH_TOKEN),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Validly signed, but an unknown step or execution: 404.
        for other in [
            format!("/api/v2/hooks/twilio/status/{ORG}/{execution}/start"),
            format!("/api/v2/hooks/twilio/status/{ORG}/no-such-execution/text"),
        ] {
            let (status, body) = callback(&api, &other, &delivered, Some(AUTH_TOKEN)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{other}: {body:?}");
        }

        // Signed callbacks are recorded; a repeat is recorded once; a late
        // `sent` does not hide `delivered`.
        for params in [&delivered[..], &delivered[..]] {
            let (status, body) = callback(&api, &path, params, Some(AUTH_TOKEN)).await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body:?}");
        }
        let late = [
            ("MessageSid", "SM5f3d1e0c2b"),
            ("MessageStatus", "sent"),
            ("AccountSid", ACCOUNT_SID),
        ];
        let (status, _) = callback(&api, &path, &late, Some(AUTH_TOKEN)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let text = step(&api, &execution, "text").await;
        let delivery = &text["delivery"];
        assert_eq!(delivery["status"], "delivered", "{text:?}");
        assert_eq!(delivery["provider"], "twilio");
        let history = delivery["history"].as_array().unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| h["status"].clone())
                .collect::<Vec<_>>(),
            vec![json!("delivered"), json!("sent")]
        );
        assert_eq!(history[0]["message_id"], "SM5f3d1e0c2b");
        assert_eq!(history[0]["detail"]["to"], "+447700900123");

        // The live stream shows the receipts as `step.delivery` events.
        let stream = api
            .client
            .get(format!("{}/api/v2/executions/{execution}/stream", api.base))
            .bearer_auth(api.owner())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            stream.matches("event: step.delivery").count(),
            2,
            "{stream}"
        );
        assert!(stream.contains(r#""status":"delivered""#), "{stream}");

        // An undelivered message carries Twilio's error code.
        let failed = [
            ("MessageSid", "SM000failed"),
            ("MessageStatus", "undelivered"),
            ("ErrorCode", "30003"),
        ];
        let (status, _) = callback(&api, &path, &failed, Some(AUTH_TOKEN)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let text = step(&api, &execution, "text").await;
        let last = text["delivery"]["history"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["status"], "undelivered");
        assert_eq!(last["error_code"], "30003");
        api.stop().await;
    }
);

/// Signs `body` as SendGrid does: ECDSA P-256 over timestamp + body, DER, base64.
fn sendgrid_signature(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    let mut signed = timestamp.as_bytes().to_vec();
    signed.extend_from_slice(body);
    let signature: Signature = key.sign(&signed);
    STANDARD.encode(signature.to_der().as_bytes())
}

async fn post_events(
    api: &TestApi,
    org: &str,
    body: &[u8],
    timestamp: &str,
    signature: &str,
) -> StatusCode {
    api.client
        .post(format!("{}/api/v2/hooks/sendgrid/events/{org}", api.base))
        .header("content-type", "application/json")
        .header("X-Twilio-Email-Event-Webhook-Signature", signature)
        .header("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
        .status()
}

on_both_stores!(
    sendgrid_signed_events_are_recorded_against_the_email_step,
    |db| async move {
        let sendgrid =
            Recorder::start(Reply::status(202, "").header("x-message-id", "14c5d75ce93")).await;
        let api = TestApi::start(db).await;
        load_messaging(&api).await;
        let signing = SigningKey::from_slice(&rand::random::<[u8; 32]>()).unwrap();
        let public = p256::PublicKey::from(signing.verifying_key())
            .to_public_key_der()
            .unwrap();
        for (name, value) in [
            ("sendgrid_api_key", "SG.test-key".to_string()),
            ("sendgrid_base_url", sendgrid.url("")),
            (
                "sendgrid_webhook_verification_key",
                STANDARD.encode(public.as_bytes()),
            ),
        ] {
            api.env
                .store
                .secret_put(ORG, "atlas.email.send", name, &value)
                .await
                .unwrap();
        }
        let contact = consenting_contact(&api).await;
        let workflow = api
            .active_workflow(&one_action(
                "welcome",
                "atlas.email.send",
                json!({ "from": "studio@gym.example", "to": "ada@example.com", "subject": "Welcome", "text": "Hi Ada" }),
            ))
            .await;
        let execution = run(&api, &workflow, &contact).await;
        let custom_args = sendgrid.requests()[0].json()["custom_args"].clone();
        assert_eq!(custom_args["atlas_org_id"], ORG);
        assert_eq!(custom_args["atlas_execution_id"], execution);
        assert_eq!(custom_args["atlas_step_id"], "welcome");

        let event = |kind: &str, id: &str, at: i64, extra: Value| {
            let mut event = json!({
                "email": "ada@example.com",
                "timestamp": at,
                "event": kind,
                "sg_event_id": id,
                "sg_message_id": "14c5d75ce93.filterdrecv-p3las1-5bf99c48d-vvfs4-19-5F0CF9E5-5.0",
            });
            event
                .as_object_mut()
                .unwrap()
                .extend(custom_args.as_object().unwrap().clone());
            event
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            event
        };
        let batch = json!([
            event("delivered", "ev-1", 1_772_442_010, json!({ "response": "250 OK" })),
            event("open", "ev-2", 1_772_442_100, json!({ "useragent": "Mozilla/5.0" })),
            event("click", "ev-3", 1_772_442_160, json!({ "url": "https://gym.example/book" })),
            { "email": "bob@example.com", "timestamp": 1_772_442_000, "event": "open", "sg_event_id": "ev-4" },
        ]);
        let body = serde_json::to_vec(&batch).unwrap();
        let timestamp = "1772442200";
        let signature = sendgrid_signature(&signing, timestamp, &body);

        // A tampered body, another timestamp, another org or no signature: 403.
        let mut tampered = body.clone();
        let at = tampered.iter().position(|&b| b == b'6').unwrap();
        tampered[at] = b'7';
        assert_eq!(
            post_events(&api, ORG, &tampered, timestamp, &signature).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_events(&api, ORG, &body, "1772442201", &signature).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_events(&api, "org-other", &body, timestamp, &signature).await,
            StatusCode::FORBIDDEN
        );
        let unsigned = api
            .client
            .post(format!("{}/api/v2/hooks/sendgrid/events/{ORG}", api.base))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
        assert!(
            step(&api, &execution, "welcome")
                .await
                .get("delivery")
                .is_none()
        );

        // Signed: recorded against the step, once however often it is sent.
        for _ in 0..2 {
            assert_eq!(
                post_events(&api, ORG, &body, timestamp, &signature).await,
                StatusCode::NO_CONTENT
            );
        }
        let welcome = step(&api, &execution, "welcome").await;
        let delivery = &welcome["delivery"];
        assert_eq!(delivery["status"], "clicked", "{welcome:?}");
        assert_eq!(delivery["provider"], "sendgrid");
        let history = delivery["history"].as_array().unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| h["status"].clone())
                .collect::<Vec<_>>(),
            vec![json!("delivered"), json!("opened"), json!("clicked")]
        );
        assert_eq!(history[1]["occurred_at"], 1_772_442_100_000i64);
        assert_eq!(history[2]["detail"]["url"], "https://gym.example/book");
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
            metrics.contains(
                r#"atlas_delivery_receipts_total{provider="sendgrid",outcome="recorded"} 3"#
            ),
            "{metrics}"
        );
        assert!(
            metrics.contains(
                r#"atlas_delivery_receipts_total{provider="sendgrid",outcome="duplicate"} 3"#
            ),
            "{metrics}"
        );
        assert!(
            metrics.contains(
                r#"atlas_delivery_receipts_total{provider="sendgrid",outcome="ignored"} 2"#
            ),
            "{metrics}"
        );
        api.stop().await;
    }
);
