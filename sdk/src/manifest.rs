//! The description of an action that the host and the builder read.

use crate::bindings::atlas::workflow::types as wit;
use crate::{Capability, Category};

/// Describes an action: identity, palette entry, outcomes and capabilities.
///
/// The input and output JSON Schemas are not set here: the SDK derives them
/// from the [`crate::Action`]'s input and output types.
///
/// ```
/// use atlas_sdk::{Capability, Category, Manifest};
///
/// let manifest = Manifest::new("acme.sms.send", "Send SMS", "1.0.0")
///     .description("Sends a text message through Acme.")
///     .category(Category::Communication)
///     .icon("message")
///     .outcome("sent", "Sent")
///     .capability(Capability::Http("api.acme.example".into()))
///     .capability(Capability::Secret("acme_api_key".into()));
/// assert_eq!(manifest.id(), "acme.sms.send");
/// ```
#[derive(Debug, Clone)]
pub struct Manifest {
    id: String,
    name: String,
    version: String,
    description: String,
    category: Category,
    icon: String,
    outcomes: Vec<wit::OutcomeSpec>,
    capabilities: Vec<Capability>,
}

impl Manifest {
    /// A manifest with a dotted `id` (`acme.crm.sync`), a display `name` and a
    /// semver `version`; category utility, no outcomes, no capabilities.
    pub fn new(id: impl Into<String>, name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            version: version.into(),
            description: String::new(),
            category: Category::Utility,
            icon: String::new(),
            outcomes: Vec::new(),
            capabilities: Vec::new(),
        }
    }

    /// One or two sentences for the palette and the catalog.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// What the action is for; the builder groups its palette by it.
    pub fn category(mut self, category: Category) -> Self {
        self.category = category;
        self
    }

    /// An icon name from the builder's icon set, or a `data:image/svg+xml` URI.
    pub fn icon(mut self, icon: impl Into<String>) -> Self {
        self.icon = icon.into();
        self
    }

    /// Adds an outcome: `name` is the stable identifier `execute` returns,
    /// `label` is shown on the builder's edge.
    pub fn outcome(mut self, name: impl Into<String>, label: impl Into<String>) -> Self {
        self.outcomes.push(wit::OutcomeSpec {
            name: name.into(),
            label: label.into(),
        });
        self
    }

    /// Requests a capability; anything not requested is denied at run time.
    pub fn capability(mut self, capability: Capability) -> Self {
        self.capabilities.push(capability);
        self
    }

    /// The action's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The action's semantic version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The outcome names, in declaration order.
    pub fn outcome_names(&self) -> impl Iterator<Item = &str> {
        self.outcomes.iter().map(|outcome| outcome.name.as_str())
    }

    /// The requested capabilities, in declaration order.
    pub fn capabilities(&self) -> &[Capability] {
        &self.capabilities
    }

    /// The WIT manifest, completed with the input and output JSON Schemas.
    pub(crate) fn into_wit(self, input_schema: String, output_schema: String) -> wit::Manifest {
        wit::Manifest {
            id: self.id,
            name: self.name,
            description: self.description,
            version: self.version,
            category: self.category,
            icon: self.icon,
            input_schema,
            output_schema,
            outcomes: self.outcomes,
            capabilities: self.capabilities,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_fills_every_field() {
        let manifest = Manifest::new("acme.crm.sync", "Sync", "2.1.0")
            .description("Copies contacts.")
            .category(Category::Integration)
            .icon("refresh")
            .outcome("synced", "Synced")
            .outcome("skipped", "Skipped")
            .capability(Capability::Http("api.acme.example".into()))
            .capability(Capability::Kv);
        assert_eq!(
            manifest.outcome_names().collect::<Vec<_>>(),
            ["synced", "skipped"]
        );

        let wit = manifest.into_wit("{\"type\":\"object\"}".into(), "true".into());
        assert_eq!(wit.id, "acme.crm.sync");
        assert_eq!(wit.name, "Sync");
        assert_eq!(wit.version, "2.1.0");
        assert_eq!(wit.description, "Copies contacts.");
        assert_eq!(wit.category, Category::Integration);
        assert_eq!(wit.icon, "refresh");
        assert_eq!(wit.input_schema, "{\"type\":\"object\"}");
        assert_eq!(wit.output_schema, "true");
        assert_eq!(wit.outcomes.len(), 2);
        assert_eq!(wit.outcomes[1].label, "Skipped");
        assert!(
            matches!(&wit.capabilities[0], Capability::Http(host) if host == "api.acme.example")
        );
        assert!(matches!(wit.capabilities[1], Capability::Kv));
    }

    #[test]
    fn defaults_to_utility_without_outcomes() {
        let manifest = Manifest::new("a.b", "B", "0.1.0");
        assert_eq!(manifest.id(), "a.b");
        assert_eq!(manifest.name(), "B");
        assert_eq!(manifest.version(), "0.1.0");
        assert!(manifest.capabilities().is_empty());
        let wit = manifest.into_wit(String::new(), String::new());
        assert_eq!(wit.category, Category::Utility);
        assert!(wit.outcomes.is_empty());
    }
}
