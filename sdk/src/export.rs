//! The glue between an [`Action`] and the component's WIT exports.
//!
//! [`crate::export_action!`] expands to a `Guest` implementation that calls
//! [`manifest`] and [`execute`]; both are plain functions, so a plugin's unit
//! tests can call them natively as the host would.

use schemars::JsonSchema;

use crate::bindings::atlas::workflow::types as wit;
use crate::{Action, ActionError, Context};

/// The WIT manifest of `A`, with JSON Schemas derived from its input and output types.
pub fn manifest<A: Action>() -> wit::Manifest {
    A::manifest().into_wit(schema_of::<A::Input>(), schema_of::<A::Output>())
}

/// Runs `A` on one input document: parses it, executes, serialises the output.
///
/// An input that does not parse into `A::Input` is an invalid-input error
/// carrying serde's message; `A::execute` is not called then.
pub fn execute<A: Action>(
    ctx: wit::Context,
    input_json: String,
) -> Result<wit::Output, wit::ActionError> {
    run::<A>(ctx.into(), &input_json).map_err(wit::ActionError::from)
}

fn run<A: Action>(ctx: Context, input_json: &str) -> Result<wit::Output, ActionError> {
    let input: A::Input = serde_json::from_str(input_json)
        .map_err(|error| ActionError::invalid_input(error.to_string()))?;
    let outcome = A::execute(&ctx, input)?;
    let data_json = serde_json::to_string(&outcome.output).map_err(|error| {
        ActionError::fatal(format!("output is not serialisable as JSON: {error}"))
    })?;
    Ok(wit::Output {
        outcome: outcome.name,
        data_json,
    })
}

/// The JSON Schema (draft 2020-12) of `T`, as JSON text.
pub fn schema_of<T: JsonSchema>() -> String {
    schemars::schema_for!(T).as_value().to_string()
}

/// Exports a type implementing [`crate::Action`] as the component's `action` world.
///
/// Use it once per plugin crate, at the crate root or in any module, as in
/// `atlas_sdk::export_action!(SendWebhook);` (see the crate-level example).
#[macro_export]
macro_rules! export_action {
    ($action:ty) => {
        const _: () = {
            struct AtlasActionExport;

            impl $crate::bindings::Guest for AtlasActionExport {
                fn manifest() -> $crate::bindings::Manifest {
                    $crate::export::manifest::<$action>()
                }

                fn execute(
                    ctx: $crate::bindings::Context,
                    input_json: ::std::string::String,
                ) -> ::core::result::Result<$crate::bindings::Output, $crate::bindings::ActionError>
                {
                    $crate::export::execute::<$action>(ctx, input_json)
                }
            }

    $crate::bindings::export!(AtlasActionExport with_types_in $crate::bindings);
        };
    };
}

#[cfg(test)]
mod tests {
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};
    use serde_json::{Value, json};

    use super::*;
    use crate::{Capability, Category, Manifest, Outcome};

    #[derive(Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct GreetInput {
        name: String,
        #[serde(default)]
        shout: bool,
    }

    #[derive(Serialize, JsonSchema)]
    struct GreetOutput {
        greeting: String,
    }

    struct Greet;

    impl Action for Greet {
        type Input = GreetInput;
        type Output = GreetOutput;

        fn manifest() -> Manifest {
            Manifest::new("test.greet", "Greet", "1.2.3")
                .category(Category::Utility)
                .outcome("greeted", "Greeted")
                .capability(Capability::Kv)
        }

        fn execute(ctx: &Context, input: GreetInput) -> Result<Outcome<GreetOutput>, ActionError> {
            if input.name.is_empty() {
                return Err(ActionError::fatal("empty name"));
            }
            let mut greeting = format!("Hello, {}! (attempt {})", input.name, ctx.attempt);
            if input.shout {
                greeting = greeting.to_uppercase();
            }
            Ok(Outcome::new("greeted", GreetOutput { greeting }))
        }
    }

    fn wit_context() -> wit::Context {
        wit::Context {
            org_id: "org".into(),
            workflow_id: "wf".into(),
            execution_id: "ex".into(),
            step_id: "step".into(),
            attempt: 2,
            idempotency_key: "key".into(),
            test_mode: false,
            now_unix_ms: 1_700_000_000_000,
            trigger_json: "{}".into(),
            contact_json: None,
        }
    }

    #[test]
    fn manifest_carries_schemas_of_input_and_output() {
        let manifest = manifest::<Greet>();
        assert_eq!(manifest.id, "test.greet");
        assert_eq!(manifest.version, "1.2.3");

        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["type"], "object");
        assert_eq!(input["required"], json!(["name"]));
        assert_eq!(input["additionalProperties"], false);
        assert_eq!(input["properties"]["name"]["type"], "string");
        assert_eq!(input["properties"]["shout"]["type"], "boolean");

        let output: Value = serde_json::from_str(&manifest.output_schema).unwrap();
        assert_eq!(output["type"], "object");
        assert_eq!(output["required"], json!(["greeting"]));
    }

    #[test]
    fn execute_parses_input_and_serialises_output() {
        let output = execute::<Greet>(wit_context(), r#"{"name":"Ada","shout":true}"#.into())
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(output.outcome, "greeted");
        let data: Value = serde_json::from_str(&output.data_json).unwrap();
        assert_eq!(data, json!({"greeting": "HELLO, ADA! (ATTEMPT 2)"}));
    }

    #[test]
    fn unparsable_input_is_invalid_input_with_serde_message() {
        let error = execute::<Greet>(wit_context(), r#"{"nme":"Ada"}"#.into()).err();
        let Some(wit::ActionError::InvalidInput(message)) = error else {
            panic!("expected invalid-input, got {error:?}");
        };
        assert!(message.contains("unknown field `nme`"), "{message}");

        let error = execute::<Greet>(wit_context(), "not json".into()).err();
        assert!(matches!(error, Some(wit::ActionError::InvalidInput(_))));
    }

    #[test]
    fn action_errors_pass_through() {
        let error = execute::<Greet>(wit_context(), r#"{"name":""}"#.into()).err();
        assert!(matches!(error, Some(wit::ActionError::Fatal(message)) if message == "empty name"));
    }
}
