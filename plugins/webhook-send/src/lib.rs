//! `atlas.webhook.send`: sends an HTTP request to any URL, optionally with
//! bearer, basic or HMAC-signed authentication, and reports the response.

mod auth;
mod input;
mod output;
mod request;
mod response;
mod signature;

use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome, secrets};
use provider_common::{host_failure, status};

use crate::input::WebhookInput;
use crate::output::WebhookOutput;

/// The outcome of every successful run.
const SUCCESS: &str = "success";

/// The webhook action.
pub struct SendWebhook;

impl Action for SendWebhook {
    type Input = WebhookInput;
    type Output = WebhookOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.webhook.send",
            "Send webhook",
            env!("CARGO_PKG_VERSION"),
        )
        .description(
            "Sends an HTTP request to any URL, optionally authenticated or HMAC-signed, \
                 and passes on the response.",
        )
        .category(Category::Integration)
        .icon("webhook")
        .outcome(SUCCESS, "Success")
        .capability(Capability::Http("*".into()))
        .capability(Capability::Secret("*".into()))
    }

    fn execute(ctx: &Context, input: WebhookInput) -> Result<Outcome<WebhookOutput>, ActionError> {
        if !(input.url.starts_with("https://") || input.url.starts_with("http://")) {
            return Err(ActionError::invalid_input(format!(
                "url must be an absolute http or https URL, got `{}`",
                input.url
            )));
        }
        if ctx.test_mode {
            atlas_sdk::info!(
                "test mode: not sending {} {}",
                input.method.as_str(),
                input.url
            );
            return Ok(Outcome::new(SUCCESS, WebhookOutput::skipped()));
        }

        let body = input
            .body
            .as_ref()
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|error| ActionError::invalid_input(format!("body: {error}")))?;
        let auth_headers = auth::auth_headers(
            &input.auth,
            body.as_deref().unwrap_or_default(),
            ctx.now_unix_ms,
            |name| secrets::get(name).map_err(|error| host_failure::secret_failure(name, error)),
        )?;
        let idempotency_key = input
            .send_idempotency_key
            .then_some(ctx.idempotency_key.as_str());
        let request = request::webhook_request(&input, body, auth_headers, idempotency_key);

        let response = request
            .send()
            .map_err(|error| host_failure::request_failure(&input.url, error))?;
        atlas_sdk::debug!(
            "{} {} -> {}",
            input.method.as_str(),
            input.url,
            response.status
        );
        status::check_status(&response, ctx.now_unix_ms)?;
        Ok(Outcome::new(SUCCESS, response::webhook_output(&response)))
    }
}

atlas_sdk::export_action!(SendWebhook);

#[cfg(test)]
mod tests {
    use atlas_sdk::bindings::atlas::workflow::types as wit;
    use serde_json::{Value, json};

    use super::*;

    fn test_mode_context() -> wit::Context {
        wit::Context {
            org_id: "org".into(),
            workflow_id: "wf".into(),
            execution_id: "ex".into(),
            step_id: "step".into(),
            attempt: 1,
            idempotency_key: "idem".into(),
            test_mode: true,
            now_unix_ms: 0,
            trigger_json: "{}".into(),
            contact_json: None,
        }
    }

    #[test]
    fn manifest_declares_id_outcome_and_capabilities() {
        let manifest = atlas_sdk::export::manifest::<SendWebhook>();
        assert_eq!(manifest.id, "atlas.webhook.send");
        assert_eq!(manifest.category, Category::Integration);
        assert_eq!(manifest.icon, "webhook");
        assert_eq!(manifest.outcomes.len(), 1);
        assert_eq!(manifest.outcomes[0].name, "success");
        assert!(
            matches!(&manifest.capabilities[..], [Capability::Http(h), Capability::Secret(s)] if h == "*" && s == "*")
        );

        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["required"], json!(["url"]));
        assert_eq!(input["additionalProperties"], false);
        let output: Value = serde_json::from_str(&manifest.output_schema).unwrap();
        assert!(output["properties"]["skipped"].is_object());
    }

    #[test]
    fn test_mode_sends_nothing() {
        let input = json!({"url": "https://hooks.example.com", "auth": {"type": "bearer", "token_secret": "t"}});
        let output =
            atlas_sdk::export::execute::<SendWebhook>(test_mode_context(), input.to_string())
                .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(output.outcome, "success");
        let data: Value = serde_json::from_str(&output.data_json).unwrap();
        assert_eq!(
            data,
            json!({"status": 0, "headers": {}, "body": "", "json": null, "truncated": false, "skipped": true})
        );
    }

    #[test]
    fn relative_url_is_invalid_input() {
        let input = json!({"url": "/hooks"});
        let error =
            atlas_sdk::export::execute::<SendWebhook>(test_mode_context(), input.to_string()).err();
        assert!(matches!(error, Some(wit::ActionError::InvalidInput(_))));
    }
}
