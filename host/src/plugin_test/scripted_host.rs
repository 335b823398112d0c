//! The host an action meets under `atlas plugin test`: the real runtime and
//! capabilities over a temporary in-memory store, with HTTP and the language
//! model answered by an [`HttpScript`]. Nothing reaches the network.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use serde_json::{Value, json};

use super::case_file::{AiReply, HttpExchange, ScriptedReply, TestCase};
use crate::capabilities::{
    AiConfig, HostServices, HttpScript, NetworkPolicy, OutboundHttp, ScriptedExchange,
    ScriptedResponse,
};
use crate::crm::Crm;
use crate::runtime::{LoadOptions, Plugin, Runtime, RuntimeConfig};
use crate::store::{SecretCipher, Store};

/// The language-model base URL of the scripted host; the `ai` replies of a
/// case answer `POST {SCRIPTED_AI_BASE_URL}/chat/completions`.
pub const SCRIPTED_AI_BASE_URL: &str = "https://ai.atlas.test/v1";

/// Runtime, store and script shared by the cases of one test file. Each case
/// runs in an org of its own, so nothing one case seeds or writes is seen by
/// another.
pub struct ScriptedHost {
    runtime: Runtime,
    script: Arc<HttpScript>,
    store: Store,
}

impl ScriptedHost {
    /// A host with an empty store; compiled components are cached in
    /// `cache_dir` when given.
    pub async fn new(cache_dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let store = Store::open("sqlite::memory:", SecretCipher::ephemeral()).await?;
        let script = Arc::new(HttpScript::new());
        let services = Arc::new(HostServices {
            store: store.clone(),
            http: OutboundHttp::scripted(NetworkPolicy::default(), script.clone())?,
            ai: AiConfig {
                base_url: SCRIPTED_AI_BASE_URL.into(),
                api_key: Some("scripted".into()),
                ..AiConfig::default()
            },
        });
        let runtime = Runtime::new(
            RuntimeConfig {
                // The store is in memory, so its key changes every run: the
                // cache's key lives beside the cache in the work directory.
                cache_key: cache_dir
                    .as_deref()
                    .map(|dir| crate::store::load_or_create_master_key(None, dir))
                    .transpose()?,
                cache_dir,
                ..RuntimeConfig::default()
            },
            services,
        )?;
        Ok(Self {
            runtime,
            script,
            store,
        })
    }

    /// The runtime that loads and runs the component.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The script answering HTTP and the language model.
    pub fn script(&self) -> &HttpScript {
        &self.script
    }

    /// The store behind kv, secrets and the CRM.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Loads the component under test.
    pub async fn load(&self, path: &std::path::Path) -> anyhow::Result<Plugin> {
        self.runtime
            .load_file(path, LoadOptions { limits: None })
            .await
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    /// Seeds `case`'s secrets, kv and CRM into `org`, scripts its exchanges,
    /// and returns the run's context document with a named contact resolved.
    pub async fn prepare(
        &self,
        case: &TestCase,
        org: &str,
        plugin: &Plugin,
    ) -> anyhow::Result<Value> {
        let plugin_id = &plugin.manifest.id;
        for (name, value) in &case.secrets {
            self.store.secret_put(org, plugin_id, name, value).await?;
        }
        for (key, value) in &case.kv {
            self.store
                .kv_set(org, plugin_id, key, &kv_bytes(value))
                .await?;
        }
        let crm = Crm::detached(self.store.clone());
        let mut contacts = serde_json::Map::new();
        for (name, new) in &case.crm.contacts {
            let contact = crm
                .create_contact(org, new.clone(), "atlas plugin test")
                .await
                .with_context(|| format!("cannot seed the CRM contact `{name}`"))?;
            contacts.insert(name.clone(), serde_json::to_value(contact)?);
        }
        self.script.reset(exchanges(case));

        let mut context = case.context.clone();
        let Some(fields) = context.as_object_mut() else {
            anyhow::bail!("`context` must be an object");
        };
        if let Some(Value::String(name)) = fields.get("contact") {
            let contact = contacts.get(name).cloned().with_context(|| {
                format!("`context.contact` names `{name}`, which `crm.contacts` does not define")
            })?;
            fields.insert("contact".into(), contact);
        }
        fields.insert("org_id".into(), Value::String(org.to_owned()));
        Ok(context)
    }
}

/// The bytes a kv value is stored as: a string's text, anything else's JSON.
pub fn kv_bytes(value: &Value) -> Vec<u8> {
    match value {
        Value::String(text) => text.as_bytes().to_vec(),
        other => other.to_string().into_bytes(),
    }
}

/// The case's HTTP exchanges, then its language-model replies, in the
/// order the verdict refers to them by index.
fn exchanges(case: &TestCase) -> Vec<ScriptedExchange> {
    case.http
        .iter()
        .map(http_exchange)
        .chain(case.ai.iter().map(ai_exchange))
        .collect()
}

fn http_exchange(exchange: &HttpExchange) -> ScriptedExchange {
    ScriptedExchange {
        method: exchange.request.method.to_ascii_uppercase(),
        url: exchange.request.url.clone(),
        response: scripted_response(&exchange.response),
    }
}

fn scripted_response(reply: &ScriptedReply) -> ScriptedResponse {
    let mut headers: Vec<(String, String)> = reply
        .headers
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let body = match (&reply.json, &reply.body) {
        (Some(json), _) => {
            if !reply
                .headers
                .keys()
                .any(|name| name.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("content-type".into(), "application/json".into()));
            }
            json.to_string().into_bytes()
        }
        (None, Some(text)) => text.clone().into_bytes(),
        (None, None) => Vec::new(),
    };
    ScriptedResponse {
        status: reply.status,
        headers,
        body,
    }
}

fn ai_exchange(reply: &AiReply) -> ScriptedExchange {
    let body = if (200..300).contains(&reply.status) {
        json!({
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": 0,
            "model": "scripted",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": reply.reply, "refusal": null},
                "logprobs": null,
                "finish_reason": "stop"
            }],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        })
    } else {
        json!({"error": {"message": reply.reply, "type": "scripted", "code": null}})
    };
    ScriptedExchange {
        method: "POST".into(),
        url: format!("{SCRIPTED_AI_BASE_URL}/chat/completions"),
        response: ScriptedResponse {
            status: reply.status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        },
    }
}
