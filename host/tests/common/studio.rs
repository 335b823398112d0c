//! A gym on a real engine: the built-in actions loaded from their built
//! components, Twilio, SendGrid and an OpenAI-compatible provider stood in for
//! by loopback servers speaking their wire formats, a CRM whose changes fire
//! triggers, and a clock the test moves.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use atlas::crm::{Crm, NewContact, Sweeper, SweeperConfig};
use atlas::store::crm::{Consent, Contact, Task};
use atlas::store::{ExecutionRecord, ExecutionStatus};
use serde_json::{Map, Value, json};

use super::engine::{Db, ORG, TestEngine};
use super::openai::{completion, host_config};
use super::recorder::{Recorder, Reply};

/// The built-in actions the templates and example workflows use.
pub const COMPONENTS: [&str; 6] = [
    "email-send",
    "sms-send",
    "ai-generate-message",
    "ai-sentiment",
    "crm-create-task",
    "crm-update-contact",
];

/// An SMS Twilio accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// `To` as sent.
    pub to: String,
    /// `Body` as sent.
    pub body: String,
}

/// An email SendGrid accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    /// The first recipient.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
}

/// The engine, the CRM over it and the three loopback providers.
pub struct Studio {
    pub engine: TestEngine,
    pub crm: Crm,
    pub twilio: Recorder,
    pub sendgrid: Recorder,
    pub openai: Recorder,
    contacts: AtomicU32,
}

impl Studio {
    /// A studio whose language model answers `ai_replies` in turn (the last repeats).
    pub async fn open(db: Db, ai_replies: Vec<Reply>) -> Self {
        let twilio = Recorder::start(Reply {
            status: 201,
            ..Reply::json(json!({
                "sid": "SM5ef8732a3c49700934481addd5ce1659",
                "status": "queued",
                "error_code": null,
                "error_message": null
            }))
        })
        .await;
        let sendgrid =
            Recorder::start(Reply::status(202, "").header("x-message-id", "sg-msg-1")).await;
        let ai_replies = if ai_replies.is_empty() {
            vec![completion("Welcome!", 10, 2)]
        } else {
            ai_replies
        };
        let openai = Recorder::scripted(ai_replies).await;
        let engine = TestEngine::start_with(db, &COMPONENTS, Some(host_config(&openai))).await;
        let store = &engine.store;
        for (plugin, name, value) in [
            (
                "atlas.sms.send",
                "twilio_account_sid",
                "AC0123456789abcdef".to_owned(),
            ),
            (
                "atlas.sms.send",
                "twilio_auth_token",
                "auth-token-1".to_owned(),
            ),
            ("atlas.sms.send", "twilio_base_url", twilio.url("")),
            (
                "atlas.email.send",
                "sendgrid_api_key",
                "SG.test-key".to_owned(),
            ),
            ("atlas.email.send", "sendgrid_base_url", sendgrid.url("")),
        ] {
            store.secret_put(ORG, plugin, name, &value).await.unwrap();
        }
        let crm = Crm::with_engine(&engine.engine);
        Self {
            engine,
            crm,
            twilio,
            sendgrid,
            openai,
            contacts: AtomicU32::new(0),
        }
    }

    /// Saves and activates workflow `id` made from template `template` with
    /// `settings` for its review settings.
    pub async fn workflow_from_template(&self, template: &str, settings: Value) -> String {
        let template = atlas::templates::template(template).expect("template exists");
        let settings: Map<String, Value> = settings.as_object().cloned().unwrap_or_default();
        let document = atlas::templates::instantiate(template, None, &settings).unwrap();
        let typed = atlas::graph::parse_workflow(&document.to_string()).expect("well-formed");
        let usable = self.engine.marketplace.org_plugins(ORG).await.unwrap();
        let problems = atlas::graph::validate(&typed, &usable);
        assert!(problems.is_empty(), "{}: {problems:?}", template.id);
        self.engine.workflow(&template.id, document).await
    }

    /// A contact in the CRM who consented to email and SMS, with
    /// `{first_name}@example.com` and the next number of +44 7700 900101,
    /// 900102, ...; fields of `extra` other than those fill the rest.
    pub async fn contact(&self, first_name: &str, status: &str, extra: NewContact) -> Contact {
        let slug = first_name.to_lowercase();
        let number = 101 + self.contacts.fetch_add(1, Ordering::Relaxed);
        self.crm
            .create_contact(
                ORG,
                NewContact {
                    first_name: first_name.into(),
                    last_name: "Lovelace".into(),
                    email: Some(format!("{slug}@example.com")),
                    phone: Some(format!("+447700900{number}")),
                    status: status.into(),
                    source: "website".into(),
                    consent: Consent {
                        email: true,
                        sms: true,
                        whatsapp: false,
                    },
                    ..extra
                },
                "staff",
            )
            .await
            .expect("creating a contact")
    }

    /// Every SMS sent so far, in order.
    pub fn texts(&self) -> Vec<Text> {
        self.twilio
            .requests()
            .iter()
            .map(|request| {
                let form: Vec<(String, String)> =
                    form_urlencoded::parse(&request.body).into_owned().collect();
                let field = |name: &str| {
                    form.iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                Text {
                    to: field("To"),
                    body: field("Body"),
                }
            })
            .collect()
    }

    /// Every email sent so far, in order.
    pub fn emails(&self) -> Vec<Email> {
        self.sendgrid
            .requests()
            .iter()
            .map(|request| {
                let body = request.json();
                let text = body["content"]
                    .as_array()
                    .and_then(|parts| parts.iter().find(|p| p["type"] == "text/plain"))
                    .and_then(|part| part["value"].as_str())
                    .unwrap_or_default()
                    .to_owned();
                Email {
                    to: body["personalizations"][0]["to"][0]["email"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    subject: body["subject"].as_str().unwrap_or_default().to_owned(),
                    text,
                }
            })
            .collect()
    }

    /// The contact's tasks.
    pub async fn tasks(&self, contact: &str) -> Vec<Task> {
        self.engine
            .store
            .crm_tasks(ORG, None, Some(contact), None)
            .await
            .unwrap()
    }

    /// The workflow's executions, newest first.
    pub async fn executions(&self, workflow: &str) -> Vec<ExecutionRecord> {
        self.engine
            .store
            .executions(ORG, Some(workflow), None, 100)
            .await
            .unwrap()
    }

    /// The only execution of `workflow` for `contact`.
    pub async fn execution_of(&self, workflow: &str, contact: &str) -> ExecutionRecord {
        let mut found: Vec<ExecutionRecord> = self
            .executions(workflow)
            .await
            .into_iter()
            .filter(|e| e.contact_id.as_deref() == Some(contact))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "executions of {workflow} for {contact}: {found:?}"
        );
        found.remove(0)
    }

    /// Waits until the execution is parked before `node` (the node a delay,
    /// a wait-until or quiet hours will resume at, or a wait-for-event node).
    pub async fn parked_at(&self, execution: &str, node: &str) -> ExecutionRecord {
        self.engine
            .wait_until(execution, |e| {
                e.status == ExecutionStatus::Waiting && e.current_node.as_deref() == Some(node)
            })
            .await
    }

    /// Waits until the execution has finished with `status`.
    pub async fn finished(&self, execution: &str, status: ExecutionStatus) -> ExecutionRecord {
        self.engine.wait_for(execution, status).await
    }

    /// Moves the clock by `by` and wakes the worker.
    pub fn advance(&self, by: Duration) {
        self.engine.advance(by);
    }

    /// Runs the CRM sweeper once (no-shows, expiring memberships, birthdays)
    /// and hands its events to the engine.
    pub async fn sweep(&self) {
        let sweeper = Sweeper::new(self.crm.clone(), SweeperConfig::default());
        sweeper.sweep_org(ORG).await.expect("sweeping");
        sweeper.deliver_all().await.expect("delivering");
    }

    /// The prompt's messages the language model received, in order.
    pub fn prompts(&self) -> Vec<Value> {
        self.openai.requests().iter().map(|r| r.json()).collect()
    }

    /// Stops the worker.
    pub async fn stop(self) {
        self.engine.stop().await;
    }
}

/// Days as a duration.
pub fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86_400)
}

/// Hours as a duration.
pub fn hours(n: u64) -> Duration {
    Duration::from_secs(n * 3_600)
}
