//! Running a built-in action through the real runtime, with its install
//! secrets in a temp store and a loopback provider, as the message and AI
//! action tests do.

use atlas::capabilities::NetworkPolicy;
use atlas::runtime::{ActionContext, RunError, RunReport, RunRequest, Runtime};
use atlas::store::Store;
use serde_json::Value;

use super::crm_world::CrmWorld;
use super::{grants, load, runtime};

/// Org every run belongs to.
pub const ORG: &str = "org-a";
/// Idempotency key of every run.
pub const IDEMPOTENCY_KEY: &str = "exec-1:step-2";
/// Engine clock of every run.
pub const NOW_MS: u64 = 1_764_000_000_123;

/// A runtime whose HTTP may reach loopback, over a temp SQLite store.
pub struct ActionHarness {
    pub rt: Runtime,
    pub store: Store,
    component: &'static str,
    plugin_id: &'static str,
    _dir: tempfile::TempDir,
}

impl ActionHarness {
    /// A harness for the built component `component` whose manifest id is `plugin_id`.
    pub async fn new(component: &'static str, plugin_id: &'static str) -> Self {
        let (rt, store, dir) = runtime(NetworkPolicy::allowing_loopback()).await;
        Self::over(rt, store, dir, component, plugin_id)
    }

    /// A harness over an existing runtime and store.
    pub fn over(
        rt: Runtime,
        store: Store,
        dir: tempfile::TempDir,
        component: &'static str,
        plugin_id: &'static str,
    ) -> Self {
        Self {
            rt,
            store,
            component,
            plugin_id,
            _dir: dir,
        }
    }

    /// Enters the action's install secrets for the org.
    pub async fn secrets(&self, secrets: &[(&str, &str)]) {
        for (name, value) in secrets {
            self.store
                .secret_put(ORG, self.plugin_id, name, value)
                .await
                .expect("storing a secret");
        }
    }

    /// Creates a CRM contact in the org with this consent; returns its snapshot.
    pub async fn contact(&self, email: bool, sms: bool, whatsapp: bool) -> Value {
        let crm = atlas::crm::Crm::detached(self.store.clone());
        let contact = crm
            .create_contact(
                ORG,
                atlas::crm::NewContact {
                    first_name: "Ada".into(),
                    status: "member".into(),
                    consent: atlas::store::crm::Consent {
                        email,
                        sms,
                        whatsapp,
                    },
                    ..Default::default()
                },
                "test",
            )
            .await
            .expect("creating a contact");
        serde_json::json!({ "id": contact.id, "first_name": "Ada" })
    }

    /// The CRM objects the CRM, booking and campaign actions act on, in this store.
    pub async fn world(&self) -> CrmWorld {
        CrmWorld::create(&self.store).await
    }

    /// Runs the action once with `granted` capabilities (CLI words).
    pub async fn run(
        &self,
        input: Value,
        granted: &[&str],
        test_mode: bool,
        contact: Option<Value>,
    ) -> RunReport {
        self.run_component(self.component, input, granted, test_mode, contact)
            .await
    }

    /// Runs another built component once, over this harness's runtime and
    /// store (an action that continues what the harness's action started).
    pub async fn run_component(
        &self,
        component: &str,
        input: Value,
        granted: &[&str],
        test_mode: bool,
        contact: Option<Value>,
    ) -> RunReport {
        let plugin = load(&self.rt, component, None).await;
        let request = RunRequest {
            context: ActionContext {
                org_id: ORG.into(),
                idempotency_key: IDEMPOTENCY_KEY.into(),
                now_unix_ms: NOW_MS,
                test_mode,
                contact,
                ..ActionContext::default()
            },
            input,
            grants: grants(granted),
        };
        self.rt.run(&plugin, request).await
    }
}

/// The message of a fatal error; panics on anything else.
pub fn fatal_message(report: &RunReport) -> String {
    match &report.result {
        Err(RunError::Fatal { message }) => message.clone(),
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

/// The message of an invalid-input error; panics on anything else.
pub fn invalid_input_message(report: &RunReport) -> String {
    match &report.result {
        Err(RunError::InvalidInput { message }) => message.clone(),
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}

/// The message and requested wait of a retryable error; panics on anything else.
pub fn retryable(report: &RunReport) -> (String, Option<u64>) {
    match &report.result {
        Err(RunError::Retryable {
            message,
            retry_after_ms,
        }) => (message.clone(), *retry_after_ms),
        other => panic!("expected a retryable error, got {other:?}"),
    }
}
