//! The marketplace API: publisher accounts and keys, publishing, review and
//! the kill switch, the browsable catalog, installs with grants, and
//! resellers' sub-accounts, branding and preinstalls. One file per concept.

mod branding;
mod browse;
mod installs;
mod publish;
mod publisher;
mod reseller;
mod review;

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::problem::{FieldError, Problem};
use crate::marketplace::{InstallError, PublishError};

/// Largest publish request: a 32 MiB component, base64-encoded, plus JSON.
const PUBLISH_BODY_BYTES: usize = 48 * 1024 * 1024;

/// The marketplace's routes (all authenticated).
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(publisher::get))
        .routes(routes!(publisher::add_key))
        .routes(routes!(publisher::revoke_key))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(publish::publish))
                .layer(DefaultBodyLimit::max(PUBLISH_BODY_BYTES)),
        )
        .routes(routes!(publish::yank))
        .routes(routes!(browse::list))
        .routes(routes!(browse::get))
        .routes(routes!(browse::upgrade_report))
        .routes(routes!(review::pending))
        .routes(routes!(review::approve))
        .routes(routes!(review::reject))
        .routes(routes!(review::kill, review::revive))
        .routes(routes!(installs::list, installs::install))
        .routes(routes!(installs::grant))
        .routes(routes!(installs::uninstall))
        .routes(routes!(
            reseller::sub_accounts,
            reseller::create_sub_account
        ))
        .routes(routes!(reseller::brand, reseller::set_brand))
        .routes(routes!(reseller::set_branding, reseller::delete_branding))
        .routes(routes!(reseller::brandings))
        .routes(routes!(reseller::preinstalls, reseller::preinstall))
        .routes(routes!(branding::get))
}

impl From<PublishError> for Problem {
    fn from(error: PublishError) -> Self {
        match error {
            PublishError::Rejected(r) => Problem::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "publish-check-failed",
                "Publish check failed",
                r.to_string(),
            )
            .with("check", r.check.name()),
            PublishError::Busy(detail) => Problem::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "compiler-busy",
                "Compiler busy",
                detail,
            )
            .with_header(axum::http::header::RETRY_AFTER, "30"),
            PublishError::Internal(e) => Problem::internal(&e),
        }
    }
}

impl From<InstallError> for Problem {
    fn from(error: InstallError) -> Self {
        match error {
            InstallError::NotFound(detail) => Problem::not_found(detail),
            InstallError::Conflict(detail) => Problem::conflict("not-installable", detail),
            InstallError::Invalid { field, reason } => Problem::validation(
                "the install request is not valid",
                vec![FieldError {
                    node_id: None,
                    field,
                    reason,
                }],
            ),
            InstallError::Internal(e) => Problem::internal(&e),
        }
    }
}

/// A 422 naming one field.
fn invalid(field: &str, reason: impl Into<String>) -> Problem {
    Problem::validation(
        format!("`{field}` is not valid"),
        vec![FieldError {
            node_id: None,
            field: field.into(),
            reason: reason.into(),
        }],
    )
}
