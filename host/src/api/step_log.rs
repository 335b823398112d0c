//! The step log of an execution as the API shows it: each step row with the
//! delivery receipts providers reported for the message it sent, the
//! current status first. Receipts are recorded by node; when a node ran more
//! than once, a receipt goes to the visit whose output names its message
//! (Twilio's `sid`, the email action's `message_id`), else to the latest.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::receipts::status;
use crate::store::{DeliveryRecord, StepRecord};

/// What providers reported about the message a step sent.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StepDelivery {
    /// The current status: the most advanced one reported (`delivered`,
    /// `failed`, `opened`, `clicked`, `bounced`, ...).
    pub status: String,
    /// The provider's error code with that status, if any.
    pub error_code: Option<String>,
    /// `twilio` or `sendgrid`.
    pub provider: String,
    /// Every receipt, in the order received.
    pub history: Vec<DeliveryRecord>,
}

/// One entry of the step log.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StepEntry {
    /// The step.
    #[serde(flatten)]
    pub step: StepRecord,
    /// Delivery receipts of the message it sent; absent when none arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<StepDelivery>,
}

/// The steps in order, each with its receipts.
pub fn step_log(steps: Vec<StepRecord>, deliveries: Vec<DeliveryRecord>) -> Vec<StepEntry> {
    let mut by_step: Vec<Vec<DeliveryRecord>> = vec![Vec::new(); steps.len()];
    for receipt in deliveries {
        let visits: Vec<usize> = steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.node_id == receipt.node_id && s.kind == "action")
            .map(|(i, _)| i)
            .collect();
        let chosen = visits
            .iter()
            .copied()
            .find(|&i| sent(&steps[i], &receipt))
            .or_else(|| visits.last().copied());
        if let Some(i) = chosen {
            by_step[i].push(receipt);
        }
    }
    steps
        .into_iter()
        .zip(by_step)
        .map(|(step, history)| StepEntry {
            step,
            delivery: status::current(&history)
                .cloned()
                .map(|current| StepDelivery {
                    status: current.status,
                    error_code: current.error_code,
                    provider: current.provider,
                    history,
                }),
        })
        .collect()
}

/// Whether `step`'s output names the receipt's message. SendGrid's event
/// message ids extend the id its API returned with `.`-separated parts.
fn sent(step: &StepRecord, receipt: &DeliveryRecord) -> bool {
    let Some(message) = receipt.message_id.as_deref() else {
        return false;
    };
    let Some(output) = step.output.as_ref() else {
        return false;
    };
    ["sid", "message_id"]
        .iter()
        .filter_map(|key| output.get(*key).and_then(Value::as_str))
        .any(|id| {
            message == id
                || message
                    .strip_prefix(id)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn step(seq: i64, node: &str, output: Value) -> StepRecord {
        StepRecord {
            execution_id: "ex".into(),
            seq,
            org_id: "org".into(),
            node_id: node.into(),
            kind: "action".into(),
            status: "completed".into(),
            attempt: 1,
            outcome: Some("sent".into()),
            input: None,
            output: Some(output),
            error: None,
            error_kind: None,
            fuel: 0,
            worker: "w".into(),
            started_at: 0,
            finished_at: 0,
        }
    }

    fn receipt(id: i64, node: &str, message: &str, status: &str) -> DeliveryRecord {
        DeliveryRecord {
            id,
            node_id: node.into(),
            provider: "sendgrid".into(),
            message_id: Some(message.into()),
            status: status.into(),
            error_code: None,
            detail: json!({}),
            occurred_at: id,
            received_at: id,
        }
    }

    #[test]
    fn receipts_go_to_the_visit_that_sent_the_message() {
        let steps = vec![
            step(1, "mail", json!({ "message_id": "first" })),
            step(2, "wait", json!({})),
            step(3, "mail", json!({ "message_id": "second" })),
        ];
        let log = step_log(
            steps,
            vec![
                receipt(1, "mail", "first.filter0001.1", "delivered"),
                receipt(2, "mail", "second.filter0001.2", "delivered"),
                receipt(3, "mail", "first.filter0001.1", "opened"),
                receipt(4, "mail", "unknown", "processed"),
            ],
        );
        let first = log[0].delivery.as_ref().unwrap();
        assert_eq!(first.status, "opened");
        assert_eq!(first.history.len(), 2);
        assert!(log[1].delivery.is_none());
        let second = log[2].delivery.as_ref().unwrap();
        assert_eq!(second.status, "delivered");
        assert_eq!(second.history.len(), 2);
        assert!(!sent(
            &log[0].step,
            &receipt(9, "mail", "firstly", "opened")
        ));
    }
}
