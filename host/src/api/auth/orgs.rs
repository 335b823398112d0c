//! Which orgs a credential may act in: never a reserved id (a platform
//! admin's token carries the reserved `platform` org and nothing else), and
//! only an org that exists as a row. Existence is cached, so the hot path
//! asks the database about an org at most once a minute (an unknown org
//! again after a few seconds, so one created meanwhile is admitted soon).

use std::time::Duration;

use axum::http::StatusCode;

use super::role::Role;
use super::ttl_cache::TtlCache;
use crate::api::problem::Problem;
use crate::store::{PLATFORM_ORG, Store, check_not_reserved};

/// How long an org found in the database is trusted to exist.
const PRESENT_TTL: Duration = Duration::from_secs(60);
/// How long an org not found is remembered as missing.
const ABSENT_TTL: Duration = Duration::from_secs(5);
/// Most orgs remembered.
const CAPACITY: usize = 50_000;

/// Orgs known to exist (or not), briefly.
#[derive(Debug)]
pub struct OrgDirectory {
    known: TtlCache<String, bool>,
}

impl Default for OrgDirectory {
    fn default() -> Self {
        Self {
            known: TtlCache::new(CAPACITY),
        }
    }
}

/// Why a credential may not act in its org.
#[derive(Debug)]
pub enum OrgRefusal {
    /// The refusal to send.
    Refused(Problem),
    /// The database failed.
    Store(anyhow::Error),
}

impl OrgDirectory {
    /// Whether `org` exists, from the cache or the database.
    pub async fn exists(&self, store: &Store, org: &str) -> anyhow::Result<bool> {
        if let Some(known) = self.known.get(&org.to_string()) {
            return Ok(known);
        }
        let exists = store.org_exists(org).await?;
        let ttl = if exists { PRESENT_TTL } else { ABSENT_TTL };
        self.known.put(org.to_string(), exists, ttl);
        Ok(exists)
    }

    /// Records an org created through this server, so it is admitted at once.
    pub fn created(&self, org: &str) {
        self.known.put(org.to_string(), true, PRESENT_TTL);
    }

    /// `Ok` when a credential for `org` with `role` may act; otherwise the
    /// 403 that says why.
    pub async fn admit(&self, store: &Store, org: &str, role: Role) -> Result<(), OrgRefusal> {
        if role == Role::PlatformAdmin {
            return if org == PLATFORM_ORG {
                Ok(())
            } else {
                Err(OrgRefusal::Refused(Problem::new(
                    StatusCode::FORBIDDEN,
                    "reserved-org",
                    "Reserved org",
                    format!(
                        "the role `platform-admin` acts only in the org `{PLATFORM_ORG}`, not in `{org}`"
                    ),
                )))
            };
        }
        if let Err(reason) = check_not_reserved(org) {
            return Err(OrgRefusal::Refused(Problem::new(
                StatusCode::FORBIDDEN,
                "reserved-org",
                "Reserved org",
                format!("{reason}; no tenant credential may name it"),
            )));
        }
        match self.exists(store, org).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(OrgRefusal::Refused(Problem::new(
                StatusCode::FORBIDDEN,
                "unknown-org",
                "Unknown org",
                format!(
                    "the org `{}` named by this credential does not exist; an operator creates orgs (`atlas org create`)",
                    org.chars().take(128).collect::<String>()
                ),
            ))),
            Err(e) => Err(OrgRefusal::Store(e)),
        }
    }
}
