//! Scheduled classes and bookings into them. A class counts the seats taken
//! (`booked_count`), claimed with a conditional update so concurrent bookings
//! never exceed its capacity. A booking is `booked`, then `cancelled`,
//! `attended` (checked in) or `no_show` (the class ended without a check-in).

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::NewCrmEvent;
use super::outbox::insert_crm_event;
use crate::store::{Store, with_pool};

/// A scheduled class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Class {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// Name, such as `Spin 45`.
    pub name: String,
    /// Start (ms).
    pub starts_at: i64,
    /// End (ms).
    pub ends_at: i64,
    /// Seats.
    pub capacity: i64,
    /// Seats taken by bookings that were not cancelled.
    pub booked_count: i64,
    /// Room or studio.
    pub location: String,
    /// Who teaches it.
    pub instructor: String,
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Booked, class not over.
    Booked,
    /// Cancelled before the class.
    Cancelled,
    /// Checked in.
    Attended,
    /// The class ended without a check-in.
    NoShow,
}

impl BookingStatus {
    /// `booked`, `cancelled`, `attended` or `no_show`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Cancelled => "cancelled",
            Self::Attended => "attended",
            Self::NoShow => "no_show",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "cancelled" => Self::Cancelled,
            "attended" => Self::Attended,
            "no_show" => Self::NoShow,
            _ => Self::Booked,
        }
    }
}

/// A booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// The class.
    pub class_id: String,
    /// Who booked.
    pub contact_id: String,
    /// Status.
    pub status: BookingStatus,
    /// Where the booking came from: `app`, `front-desk`, `workflow`, ...
    pub source: String,
    /// Who cancelled it.
    pub cancelled_by: Option<String>,
    /// Why.
    pub cancel_reason: Option<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
    /// Cancelled (ms).
    pub cancelled_at: Option<i64>,
    /// Checked in (ms).
    pub checked_in_at: Option<i64>,
}

/// A booking to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    /// Id.
    pub id: String,
    /// The class.
    pub class_id: String,
    /// Who books.
    pub contact_id: String,
    /// Where the booking came from.
    pub source: String,
    /// Now (ms).
    pub now: i64,
}

/// What an attempt to book did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingWrite {
    /// Booked (and the event stored).
    Booked,
    /// The class has no seat left.
    ClassFull,
    /// The contact already holds a booking for the class.
    AlreadyBooked,
    /// No such class in the org.
    NoSuchClass,
}

const BOOKING_COLUMNS: &str = "org_id, id, class_id, contact_id, status, source, cancelled_by, cancel_reason, created_at, updated_at, cancelled_at, checked_in_at";
const CLASS_COLUMNS: &str =
    "org_id, id, name, starts_at, ends_at, capacity, booked_count, location, instructor";

macro_rules! booking_from_row {
    ($r:expr) => {{
        let r = $r;
        let status: String = r.try_get("status")?;
        Booking {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            class_id: r.try_get("class_id")?,
            contact_id: r.try_get("contact_id")?,
            status: BookingStatus::parse(&status),
            source: r.try_get("source")?,
            cancelled_by: r.try_get("cancelled_by")?,
            cancel_reason: r.try_get("cancel_reason")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            cancelled_at: r.try_get("cancelled_at")?,
            checked_in_at: r.try_get("checked_in_at")?,
        }
    }};
}

macro_rules! class_from_row {
    ($r:expr) => {{
        let r = $r;
        Class {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            name: r.try_get("name")?,
            starts_at: r.try_get("starts_at")?,
            ends_at: r.try_get("ends_at")?,
            capacity: r.try_get("capacity")?,
            booked_count: r.try_get("booked_count")?,
            location: r.try_get("location")?,
            instructor: r.try_get("instructor")?,
        }
    }};
}

impl Store {
    /// Schedules a class (its `booked_count` is ignored: a new class has no bookings).
    pub async fn crm_create_class(&self, class: &Class, now: i64) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO classes (org_id, id, name, starts_at, ends_at, capacity, booked_count, location, instructor, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9)",
        )
        .bind(&class.org_id)
        .bind(&class.id)
        .bind(&class.name)
        .bind(class.starts_at)
        .bind(class.ends_at)
        .bind(class.capacity)
        .bind(&class.location)
        .bind(&class.instructor)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// One class of `org`.
    pub async fn crm_class(&self, org: &str, id: &str) -> anyhow::Result<Option<Class>> {
        let sql = format!("SELECT {CLASS_COLUMNS} FROM classes WHERE org_id = $1 AND id = $2");
        let class = with_pool!(&self.pool, p => {
            let row = sqlx::query(&sql).bind(org).bind(id).fetch_optional(p).await?;
            match row {
                Some(r) => Some(Ok::<_, sqlx::Error>(class_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        Ok(class)
    }

    /// Books a seat: takes one if the class has one left, refuses a second
    /// live booking of the same contact, and stores the booking and `event`
    /// in one transaction.
    pub async fn crm_create_booking(
        &self,
        org: &str,
        booking: &NewBooking,
        event: Option<&NewCrmEvent>,
    ) -> anyhow::Result<BookingWrite> {
        let result = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let seat = sqlx::query(
                "UPDATE classes SET booked_count = booked_count + 1 WHERE org_id = $1 AND id = $2 AND booked_count < capacity",
            )
            .bind(org)
            .bind(&booking.class_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if seat == 0 {
                let exists = sqlx::query("SELECT 1 AS one FROM classes WHERE org_id = $1 AND id = $2")
                    .bind(org)
                    .bind(&booking.class_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_some();
                tx.rollback().await?;
                if exists { BookingWrite::ClassFull } else { BookingWrite::NoSuchClass }
            } else {
                let duplicate = sqlx::query(
                    "SELECT 1 AS one FROM bookings WHERE org_id = $1 AND class_id = $2 AND contact_id = $3 AND status IN ('booked', 'attended')",
                )
                .bind(org)
                .bind(&booking.class_id)
                .bind(&booking.contact_id)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
                if duplicate {
                    tx.rollback().await?;
                    BookingWrite::AlreadyBooked
                } else {
                    sqlx::query(
                        "INSERT INTO bookings (org_id, id, class_id, contact_id, status, source, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, 'booked', $5, $6, $6)",
                    )
                    .bind(org)
                    .bind(&booking.id)
                    .bind(&booking.class_id)
                    .bind(&booking.contact_id)
                    .bind(&booking.source)
                    .bind(booking.now)
                    .execute(&mut *tx)
                    .await?;
                    if let Some(event) = event {
                        insert_crm_event!(&mut *tx, org, event)?;
                    }
                    tx.commit().await?;
                    BookingWrite::Booked
                }
            }
        });
        Ok(result)
    }

    /// One booking of `org`.
    pub async fn crm_booking(&self, org: &str, id: &str) -> anyhow::Result<Option<Booking>> {
        let sql = format!("SELECT {BOOKING_COLUMNS} FROM bookings WHERE org_id = $1 AND id = $2");
        let booking = with_pool!(&self.pool, p => {
            let row = sqlx::query(&sql).bind(org).bind(id).fetch_optional(p).await?;
            match row {
                Some(r) => Some(Ok::<_, sqlx::Error>(booking_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        Ok(booking)
    }

    /// The contact's bookings, newest first.
    pub async fn crm_bookings_of(&self, org: &str, contact: &str) -> anyhow::Result<Vec<Booking>> {
        let sql = format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE org_id = $1 AND contact_id = $2 ORDER BY created_at DESC, id DESC"
        );
        let bookings = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(contact).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(booking_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(bookings)
    }

    /// Cancels a `booked` booking, frees its seat and stores `event`, in one
    /// transaction; false when the booking is not in `org` or not `booked`.
    pub async fn crm_cancel_booking(
        &self,
        org: &str,
        id: &str,
        cancelled_by: &str,
        reason: Option<&str>,
        now: i64,
        event: Option<&NewCrmEvent>,
    ) -> anyhow::Result<bool> {
        let cancelled = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE bookings SET status = 'cancelled', cancelled_by = $1, cancel_reason = $2, cancelled_at = $3, updated_at = $3
                 WHERE org_id = $4 AND id = $5 AND status = 'booked'",
            )
            .bind(cancelled_by)
            .bind(reason)
            .bind(now)
            .bind(org)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query(
                    "UPDATE classes SET booked_count = booked_count - 1
                     WHERE org_id = $1 AND id = (SELECT class_id FROM bookings WHERE org_id = $1 AND id = $2)",
                )
                .bind(org)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if let Some(event) = event {
                    insert_crm_event!(&mut *tx, org, event)?;
                }
            }
            tx.commit().await?;
            n == 1
        });
        Ok(cancelled)
    }

    /// Checks a `booked` (or `no_show`, for a late arrival) booking in and stores
    /// `event`, in one transaction; false when there was nothing to check in.
    pub async fn crm_check_in(
        &self,
        org: &str,
        id: &str,
        now: i64,
        event: Option<&NewCrmEvent>,
    ) -> anyhow::Result<bool> {
        let checked = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE bookings SET status = 'attended', checked_in_at = $1, updated_at = $1
                 WHERE org_id = $2 AND id = $3 AND status IN ('booked', 'no_show')",
            )
            .bind(now)
            .bind(org)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 && let Some(event) = event {
                insert_crm_event!(&mut *tx, org, event)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(checked)
    }

    /// How many classes the contact attended.
    pub async fn crm_attended_count(&self, org: &str, contact: &str) -> anyhow::Result<i64> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "SELECT COUNT(*) AS n FROM bookings WHERE org_id = $1 AND contact_id = $2 AND status = 'attended'",
        )
        .bind(org)
        .bind(contact)
        .fetch_one(p)
        .await
        .and_then(|r| r.try_get::<i64, _>("n")))?;
        Ok(n)
    }

    /// Bookings still `booked` for classes that ended by `now`, at most `limit`.
    pub async fn crm_overdue_bookings(
        &self,
        org: &str,
        now: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<Booking>> {
        let sql = format!(
            "SELECT {} FROM bookings b WHERE b.org_id = $1 AND b.status = 'booked'
             AND EXISTS (SELECT 1 FROM classes c WHERE c.org_id = b.org_id AND c.id = b.class_id AND c.ends_at <= $2)
             ORDER BY b.id LIMIT $3",
            BOOKING_COLUMNS
                .split(", ")
                .map(|c| format!("b.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let bookings = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(now).bind(limit).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(booking_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(bookings)
    }

    /// Marks a still-`booked` booking `no_show` and stores `event`, in one
    /// transaction: the conditional update is the claim, so of several sweepers
    /// exactly one gets true.
    pub async fn crm_mark_no_show(
        &self,
        org: &str,
        id: &str,
        now: i64,
        event: &NewCrmEvent,
    ) -> anyhow::Result<bool> {
        let marked = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE bookings SET status = 'no_show', updated_at = $1 WHERE org_id = $2 AND id = $3 AND status = 'booked'",
            )
            .bind(now)
            .bind(org)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                insert_crm_event!(&mut *tx, org, event)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(marked)
    }
}
