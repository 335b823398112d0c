//! The CRM sweeper: emits the events that come from the passing of time, each
//! exactly once, and delivers recorded events to the engine.
//!
//! - `class_no_show`: a booking still `booked` when its class has ended is
//!   marked `no_show`; the conditional update (`WHERE status = 'booked'`) is
//!   the claim, and the event is written in the same transaction.
//! - `membership_expiring`: for each configured number of days N (and each
//!   `days_before` an active workflow's trigger asks for), an active
//!   membership whose end is at most N days away; the event's dedupe key
//!   (membership, end, N) makes a second insert a no-op.
//! - `birthday`: on the contact's birthday in their own time zone (else the
//!   org's, else UTC), once per contact and year (dedupe key); a 29 February
//!   birthday is celebrated on 28 February in other years.
//!
//! Several sweepers (processes sharing PostgreSQL, or one restarted) may run at
//! once: the claims above are decided by the database, so each event exists
//! once, and delivery claims each event before handing it to the engine.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Crm;
use super::events::{class_fields, event, membership_fields};
use crate::graph::{NodeKind, TriggerConfig, TriggerEvent};
use crate::store::crm::Contact;

const DAY_MS: i64 = 86_400_000;

/// What the sweeper looks for and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweeperConfig {
    /// Fire `membership_expiring` this many days before a membership ends;
    /// one event per entry (`trigger.days_before` says which). Over an
    /// engine, the `days_before` of every active workflow's
    /// `membership_expiring` trigger is added.
    pub expiring_days: Vec<u32>,
    /// Time between scans for time-based events.
    pub scan_interval: Duration,
    /// Time between deliveries of recorded events to the engine.
    pub deliver_interval: Duration,
    /// Bookings marked per org and pass.
    pub batch: i64,
}

impl Default for SweeperConfig {
    fn default() -> Self {
        Self {
            expiring_days: vec![7],
            scan_interval: Duration::from_secs(60),
            deliver_interval: Duration::from_secs(1),
            batch: 500,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// `class_no_show` events emitted.
    pub no_shows: usize,
    /// `membership_expiring` events emitted.
    pub expiring: usize,
    /// `birthday` events emitted.
    pub birthdays: usize,
    /// Events handed to the engine.
    pub delivered: usize,
}

impl SweepReport {
    fn add(&mut self, other: SweepReport) {
        self.no_shows += other.no_shows;
        self.expiring += other.expiring;
        self.birthdays += other.birthdays;
        self.delivered += other.delivered;
    }
}

/// Emits time-based CRM events and delivers recorded ones.
#[derive(Debug, Clone)]
pub struct Sweeper {
    crm: Crm,
    config: SweeperConfig,
}

/// A running sweeper loop.
#[derive(Debug)]
pub struct SweeperHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SweeperHandle {
    /// Stops the loop after its current pass.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

impl Sweeper {
    /// A sweeper over `crm` (whose clock it reads; build it with
    /// [`Crm::with_engine`] so events are delivered).
    pub fn new(crm: Crm, config: SweeperConfig) -> Self {
        Self { crm, config }
    }

    /// One scan and delivery over every org.
    pub async fn run_once(&self) -> anyhow::Result<SweepReport> {
        let mut report = SweepReport::default();
        for org in self.crm.store.org_ids().await? {
            report.add(self.sweep_org(&org).await?);
        }
        Ok(report)
    }

    /// Delivers every org's recorded events; returns how many.
    pub async fn deliver_all(&self) -> anyhow::Result<usize> {
        let mut delivered = 0;
        for org in self.crm.store.org_ids().await? {
            delivered += self.crm.deliver_pending(&org).await?;
        }
        Ok(delivered)
    }

    /// One scan of `org` for time-based events, then delivery of its events.
    pub async fn sweep_org(&self, org: &str) -> anyhow::Result<SweepReport> {
        let now = self.crm.now_ms();
        let report = SweepReport {
            no_shows: self.no_shows(org, now).await?,
            expiring: self.expiring(org, now).await?,
            birthdays: self.birthdays(org, now).await?,
            delivered: 0,
        };
        Ok(SweepReport {
            delivered: self.crm.deliver_pending(org).await?,
            ..report
        })
    }

    async fn no_shows(&self, org: &str, now: i64) -> anyhow::Result<usize> {
        let store = &self.crm.store;
        let mut emitted = 0;
        for booking in store
            .crm_overdue_bookings(org, now, self.config.batch)
            .await?
        {
            let Some(class) = store.crm_class(org, &booking.class_id).await? else {
                continue;
            };
            let contact = store.crm_contact(org, &booking.contact_id).await?;
            let no_show = event(
                TriggerEvent::ClassNoShow,
                contact.as_ref(),
                Value::Object(class_fields(&booking, &class)),
                now,
                Some(format!("class_no_show:{}", booking.id)),
            );
            if store
                .crm_mark_no_show(org, &booking.id, now, &no_show)
                .await?
            {
                emitted += 1;
            }
        }
        Ok(emitted)
    }

    /// The configured notice days plus those of the org's active workflows'
    /// `membership_expiring` triggers (when the sweeper runs over an engine).
    async fn notice_days(&self, org: &str) -> anyhow::Result<Vec<u32>> {
        let mut days = self.config.expiring_days.clone();
        if let Some(engine) = &self.crm.engine {
            for (id, version) in self.crm.store.active_workflow_versions(org).await? {
                let loaded = engine.inner.workflows.get(org, &id, version).await?;
                for node in loaded.graph.trigger_nodes() {
                    if let NodeKind::Trigger(TriggerConfig::MembershipExpiring { days_before }) =
                        &node.kind
                    {
                        days.push(*days_before);
                    }
                }
            }
        }
        days.sort_unstable();
        days.dedup();
        Ok(days)
    }

    async fn expiring(&self, org: &str, now: i64) -> anyhow::Result<usize> {
        let store = &self.crm.store;
        let mut emitted = 0;
        for days in self.notice_days(org).await? {
            let horizon = now + i64::from(days) * DAY_MS;
            for membership in store.crm_memberships_ending(org, now, horizon).await? {
                let contact = store.crm_contact(org, &membership.contact_id).await?;
                let days_left = (membership.ends_at - now + DAY_MS - 1) / DAY_MS;
                let mut fields = membership_fields(&membership);
                fields.insert("days_before".into(), Value::from(days));
                fields.insert("days_left".into(), Value::from(days_left));
                fields.insert("auto_renew".into(), Value::Bool(membership.auto_renew));
                fields.insert(
                    "end_date".into(),
                    Value::String(
                        DateTime::<Utc>::from_timestamp_millis(membership.ends_at)
                            .unwrap_or_default()
                            .format("%Y-%m-%d")
                            .to_string(),
                    ),
                );
                let expiring = event(
                    TriggerEvent::MembershipExpiring,
                    contact.as_ref(),
                    Value::Object(fields),
                    now,
                    Some(format!(
                        "membership_expiring:{}:{}:{days}",
                        membership.id, membership.ends_at
                    )),
                );
                if store.crm_record_event(org, &expiring).await? {
                    emitted += 1;
                }
            }
        }
        Ok(emitted)
    }

    async fn birthdays(&self, org: &str, now: i64) -> anyhow::Result<usize> {
        let store = &self.crm.store;
        let org_zone = store
            .org(org)
            .await?
            .and_then(|o| o.time_zone.parse::<chrono_tz::Tz>().ok());
        let utc_today = DateTime::<Utc>::from_timestamp_millis(now)
            .unwrap_or_default()
            .date_naive();
        // Every time zone's date is within a day of UTC's.
        let mut days: Vec<String> = [utc_today.pred_opt(), Some(utc_today), utc_today.succ_opt()]
            .into_iter()
            .flatten()
            .map(|d| d.format("%m-%d").to_string())
            .collect();
        if days.iter().any(|d| d == "02-28") {
            days.push("02-29".into());
        }
        let mut emitted = 0;
        for contact in store.crm_contacts_born_on(org, &days).await? {
            let zone = contact
                .time_zone
                .as_deref()
                .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
                .or(org_zone)
                .unwrap_or(chrono_tz::UTC);
            let local_today = DateTime::<Utc>::from_timestamp_millis(now)
                .unwrap_or_default()
                .with_timezone(&zone)
                .date_naive();
            let Some(born) = contact
                .birthday
                .as_deref()
                .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
            else {
                continue;
            };
            if !is_birthday(born, local_today) {
                continue;
            }
            if self
                .record_birthday(org, &contact, born, local_today, now)
                .await?
            {
                emitted += 1;
            }
        }
        Ok(emitted)
    }

    async fn record_birthday(
        &self,
        org: &str,
        contact: &Contact,
        born: NaiveDate,
        today: NaiveDate,
        now: i64,
    ) -> anyhow::Result<bool> {
        let age = today.year() - born.year();
        let birthday = event(
            TriggerEvent::Birthday,
            Some(contact),
            json!({
                "birthday": born.format("%Y-%m-%d").to_string(),
                "age": age,
            }),
            now,
            Some(format!("birthday:{}:{}", contact.id, today.year())),
        );
        self.crm.store.crm_record_event(org, &birthday).await
    }

    /// Runs in the background: delivery every `deliver_interval`, a scan every
    /// `scan_interval`, until [`SweeperHandle::shutdown`].
    pub fn spawn(self) -> SweeperHandle {
        let (stop, mut stopped) = watch::channel(false);
        let sweeper = Arc::new(self);
        let task = tokio::spawn(async move {
            let mut last_scan: Option<tokio::time::Instant> = None;
            loop {
                let due = last_scan.is_none_or(|at| at.elapsed() >= sweeper.config.scan_interval);
                let result = if due {
                    last_scan = Some(tokio::time::Instant::now());
                    sweeper.run_once().await.map(|_| ())
                } else {
                    sweeper.deliver_all().await.map(|_| ())
                };
                if let Err(e) = result {
                    tracing::warn!(error = %e, "CRM sweep failed; retrying on the next pass");
                }
                tokio::select! {
                    _ = tokio::time::sleep(sweeper.config.deliver_interval) => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        SweeperHandle { stop, task }
    }
}

/// Whether `today` is the birthday of someone born on `born`.
fn is_birthday(born: NaiveDate, today: NaiveDate) -> bool {
    if (born.month(), born.day()) == (today.month(), today.day()) {
        return true;
    }
    // A leap-day birthday falls on 28 February in other years.
    born.month() == 2
        && born.day() == 29
        && today.month() == 2
        && today.day() == 28
        && today.checked_add_days(Days::new(1)).map(|d| d.month()) == Some(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn birthdays_match_month_and_day() {
        assert!(is_birthday(date("1990-04-21"), date("2026-04-21")));
        assert!(!is_birthday(date("1990-04-21"), date("2026-04-22")));
    }

    #[test]
    fn leap_day_birthdays_fall_on_28_february_in_common_years() {
        assert!(is_birthday(date("2000-02-29"), date("2026-02-28")));
        assert!(!is_birthday(date("2000-02-29"), date("2028-02-28")));
        assert!(is_birthday(date("2000-02-29"), date("2028-02-29")));
    }
}
