//! Evaluating parsed templates against an execution's scope.

use serde_json::Value;

use super::ast::{Expression, Operand, Part};
use super::error::RenderError;
use super::filters::text_of;

/// The value of one expression: the variable (null when missing) or literal,
/// passed through each filter in turn.
pub(super) fn evaluate(expression: &Expression, scope: &Value) -> Result<Value, RenderError> {
    let mut value = match &expression.operand {
        Operand::Variable(path) => path.lookup(scope).cloned().unwrap_or(Value::Null),
        Operand::Literal(literal) => literal.clone(),
    };
    for call in &expression.filters {
        value = call.filter.apply(value, call.offset)?;
    }
    Ok(value)
}

/// Renders all parts as text.
pub(super) fn render_text(parts: &[Part], scope: &Value) -> Result<String, RenderError> {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Expression(expression) => out.push_str(&text_of(&evaluate(expression, scope)?)),
        }
    }
    Ok(out)
}

/// Renders parts to a JSON value: a lone expression keeps its value's type,
/// anything else becomes text.
pub(super) fn render_value(parts: &[Part], scope: &Value) -> Result<Value, RenderError> {
    match parts {
        [Part::Expression(expression)] => evaluate(expression, scope),
        _ => render_text(parts, scope).map(Value::String),
    }
}

/// Renders every string inside a JSON document; object keys stay as they are.
pub(super) fn render_document(
    input: &Value,
    scope: &Value,
    render_string: &dyn Fn(&str, &Value) -> Result<Value, RenderError>,
) -> Result<Value, RenderError> {
    Ok(match input {
        Value::String(text) => render_string(text, scope)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| render_document(item, scope, render_string))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| {
                    Ok((key.clone(), render_document(value, scope, render_string)?))
                })
                .collect::<Result<_, RenderError>>()?,
        ),
        scalar => scalar.clone(),
    })
}
