//! One status vocabulary for every provider, and which receipt a step shows
//! as its current status. Providers report out of order (a late `sent` after
//! `delivered`), so the current status is the most advanced one, not the
//! last received.

use crate::store::DeliveryRecord;

/// Twilio's message statuses a status callback may carry, as recorded.
pub fn twilio(status: &str) -> Option<&'static str> {
    Some(match status {
        "accepted" => "accepted",
        "scheduled" => "scheduled",
        "queued" => "queued",
        "sending" => "sending",
        "sent" => "sent",
        "delivered" => "delivered",
        "undelivered" => "undelivered",
        "failed" => "failed",
        "read" => "read",
        "canceled" => "canceled",
        "partially_delivered" => "partially_delivered",
        _ => return None,
    })
}

/// SendGrid's event types, as recorded (past tense, like Twilio's).
pub fn sendgrid(event: &str) -> Option<&'static str> {
    Some(match event {
        "processed" => "processed",
        "deferred" => "deferred",
        "delivered" => "delivered",
        "bounce" => "bounced",
        "dropped" => "dropped",
        "open" => "opened",
        "click" => "clicked",
        "spamreport" => "spam_reported",
        "unsubscribe" => "unsubscribed",
        "group_unsubscribe" => "group_unsubscribed",
        "group_resubscribe" => "group_resubscribed",
        _ => return None,
    })
}

/// How far along a message a status is: accepted, in transit, handed over,
/// delivered or not, seen, acted on, and the recipient's later choices.
pub fn rank(status: &str) -> u8 {
    match status {
        "accepted" | "scheduled" | "queued" | "processed" => 1,
        "sending" | "deferred" => 2,
        "sent" => 3,
        "delivered"
        | "undelivered"
        | "failed"
        | "canceled"
        | "partially_delivered"
        | "bounced"
        | "dropped" => 4,
        "read" | "opened" => 5,
        "clicked" => 6,
        "spam_reported" | "unsubscribed" | "group_unsubscribed" | "group_resubscribed" => 7,
        _ => 0,
    }
}

/// The receipt a step shows as current: the highest [`rank`], then the
/// latest by the provider's time, then by arrival.
pub fn current<'a>(
    receipts: impl IntoIterator<Item = &'a DeliveryRecord>,
) -> Option<&'a DeliveryRecord> {
    receipts
        .into_iter()
        .max_by_key(|r| (rank(&r.status), r.occurred_at, r.id))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn receipt(id: i64, status: &str, occurred_at: i64) -> DeliveryRecord {
        DeliveryRecord {
            id,
            node_id: "sms".into(),
            provider: "twilio".into(),
            message_id: Some("SM1".into()),
            status: status.into(),
            error_code: None,
            detail: json!({}),
            occurred_at,
            received_at: occurred_at,
        }
    }

    #[test]
    fn a_late_sent_does_not_hide_delivered() {
        let history = [
            receipt(1, "queued", 10),
            receipt(2, "delivered", 30),
            receipt(3, "sent", 40),
        ];
        assert_eq!(current(&history).unwrap().status, "delivered");
        assert!(current(&[]).is_none());
    }

    #[test]
    fn email_engagement_ranks_above_delivery() {
        let history = [
            receipt(1, "delivered", 10),
            receipt(2, "clicked", 20),
            receipt(3, "opened", 30),
        ];
        assert_eq!(current(&history).unwrap().status, "clicked");
    }

    #[test]
    fn provider_names_map_to_the_vocabulary() {
        assert_eq!(sendgrid("open"), Some("opened"));
        assert_eq!(sendgrid("bounce"), Some("bounced"));
        assert_eq!(sendgrid("spamreport"), Some("spam_reported"));
        assert_eq!(sendgrid("newsletter"), None);
        assert_eq!(twilio("undelivered"), Some("undelivered"));
        assert_eq!(twilio("received"), None);
        assert!(rank("read") > rank("delivered"));
    }
}
