//! Roles and what each may do. Every endpoint names the permission it needs;
//! this table is the one place that maps roles to permissions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A caller's role in its org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Owns the org: everything.
    Owner,
    /// Administers the org: everything but ownership.
    Admin,
    /// Gym staff: build and run workflows.
    Staff,
    /// Read-only access.
    Viewer,
    /// Publishes plugins to the marketplace.
    Partner,
    /// Administers a reseller org and its sub-accounts.
    ResellerAdmin,
    /// Operates the platform (reviews plugins).
    PlatformAdmin,
}

/// Something an endpoint lets a caller do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// List and read workflows, versions and exports.
    ReadWorkflows,
    /// Create, edit, import, activate and deactivate workflows.
    EditWorkflows,
    /// Delete workflows and manage their webhook URLs.
    DeleteWorkflows,
    /// Start, cancel, retry and test-run executions.
    RunWorkflows,
    /// List and read executions and their live streams.
    ReadExecutions,
    /// Send CRM events.
    IngestEvents,
    /// Create, list and revoke API keys.
    ManageApiKeys,
    /// Read the audit log.
    ReadAudit,
    /// Read the action catalog.
    ReadCatalog,
    /// List and read CRM contacts.
    ReadContacts,
    /// Create and change CRM contacts.
    EditContacts,
    /// Read workflow analytics.
    ReadAnalytics,
    /// Install marketplace actions, grant their capabilities, enter their secrets.
    ManageInstalls,
    /// Hold a publisher account: register keys, publish and yank versions.
    Publish,
    /// Review published versions, yank any version, use the kill switch.
    ReviewPlugins,
    /// Manage a reseller's sub-accounts, branding and preinstalls.
    ManageResale,
    /// Create and list the platform's orgs (tenants).
    ManageOrgs,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 17] = [
        Self::ReadWorkflows,
        Self::EditWorkflows,
        Self::DeleteWorkflows,
        Self::RunWorkflows,
        Self::ReadExecutions,
        Self::IngestEvents,
        Self::ManageApiKeys,
        Self::ReadAudit,
        Self::ReadCatalog,
        Self::ReadContacts,
        Self::EditContacts,
        Self::ReadAnalytics,
        Self::ManageInstalls,
        Self::Publish,
        Self::ReviewPlugins,
        Self::ManageResale,
        Self::ManageOrgs,
    ];

    /// What it allows, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ReadWorkflows => "read workflows",
            Self::EditWorkflows => "edit workflows",
            Self::DeleteWorkflows => "delete workflows",
            Self::RunWorkflows => "run workflows",
            Self::ReadExecutions => "read executions",
            Self::IngestEvents => "send CRM events",
            Self::ManageApiKeys => "manage API keys",
            Self::ReadAudit => "read the audit log",
            Self::ReadCatalog => "read the action catalog",
            Self::ReadContacts => "read contacts",
            Self::EditContacts => "edit contacts",
            Self::ReadAnalytics => "read analytics",
            Self::ManageInstalls => "install marketplace actions",
            Self::Publish => "publish actions",
            Self::ReviewPlugins => "review published actions",
            Self::ManageResale => "manage sub-accounts and branding",
            Self::ManageOrgs => "create and list the platform's orgs",
        }
    }
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Self::Owner,
        Self::Admin,
        Self::Staff,
        Self::Viewer,
        Self::Partner,
        Self::ResellerAdmin,
        Self::PlatformAdmin,
    ];

    /// The stored and claimed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Staff => "staff",
            Self::Viewer => "viewer",
            Self::Partner => "partner",
            Self::ResellerAdmin => "reseller-admin",
            Self::PlatformAdmin => "platform-admin",
        }
    }

    /// Parses a stored or claimed name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Whether this role has `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Owner | Self::Admin => !matches!(
                permission,
                Publish | ReviewPlugins | ManageResale | ManageOrgs
            ),
            Self::ResellerAdmin => !matches!(permission, ReviewPlugins | ManageOrgs),
            Self::Staff => matches!(
                permission,
                ReadWorkflows
                    | EditWorkflows
                    | RunWorkflows
                    | ReadExecutions
                    | IngestEvents
                    | ReadCatalog
                    | ReadContacts
                    | EditContacts
                    | ReadAnalytics
            ),
            Self::Viewer => matches!(
                permission,
                ReadWorkflows | ReadExecutions | ReadCatalog | ReadContacts | ReadAnalytics
            ),
            Self::Partner => matches!(permission, ReadCatalog | Publish | ReadAudit),
            Self::PlatformAdmin => {
                matches!(
                    permission,
                    ReadCatalog | ReviewPlugins | ReadAudit | ManageOrgs
                )
            }
        }
    }

    /// The roles that have `permission`, for messages and documentation.
    pub fn holders(permission: Permission) -> Vec<&'static str> {
        Self::ALL
            .into_iter()
            .filter(|r| r.allows(permission))
            .map(Role::as_str)
            .collect()
    }

    /// True when everything `other` may do, this role may do too.
    pub fn covers(self, other: Role) -> bool {
        Permission::ALL
            .into_iter()
            .all(|p| !other.allows(p) || self.allows(p))
    }

    /// True when this role may hand `other` to an API key: it covers
    /// `other`, and ownership is handed only by an owner (an admin has the
    /// same permissions but is not the org's owner).
    pub fn may_grant(self, other: Role) -> bool {
        self.covers(other) && (other != Role::Owner || self == Role::Owner)
    }
}
