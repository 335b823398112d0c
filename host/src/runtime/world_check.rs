//! Load-time checks that a component targets the `action` world: it imports only
//! `atlas:workflow` interfaces of a supported version (and WASI, for components
//! built by standard toolchains), and exports `manifest` and `execute`.

use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime::component::types::ComponentItem;

use super::bindings::{WIT_PACKAGE, WIT_VERSION};

/// Interfaces of the `action` world a component may import.
pub const ACTION_INTERFACES: [&str; 7] = ["types", "logging", "http", "kv", "secrets", "crm", "ai"];

/// What the checks learned about a component that passed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldInfo {
    /// The `atlas:workflow` version the component was built against.
    pub wit_version: String,
    /// True when it imports WASI (built by componentize-py, componentize-js, wasip2 cargo).
    pub uses_wasi: bool,
}

/// Checks one import name: `Ok(Some(version))` for an `atlas:workflow`
/// interface, `Ok(None)` for WASI, else the reason it is refused.
pub fn check_import(name: &str) -> Result<Option<String>, String> {
    if name.starts_with("wasi:") {
        return Ok(None);
    }
    let Some(rest) = name.strip_prefix(&format!("{WIT_PACKAGE}/")) else {
        return Err(format!(
            "the component imports `{name}`, which is not part of the {WIT_PACKAGE} `action` world; \
             actions may import only {WIT_PACKAGE} interfaces ({}) and WASI",
            ACTION_INTERFACES.join(", ")
        ));
    };
    let (interface, version) = rest.split_once('@').unwrap_or((rest, ""));
    if !ACTION_INTERFACES.contains(&interface) {
        return Err(format!(
            "the component imports `{name}`, an interface the `action` world does not have"
        ));
    }
    if version != WIT_VERSION {
        return Err(format!(
            "the component imports `{name}`, built against {WIT_PACKAGE}@{}; this host supports {WIT_PACKAGE}@{WIT_VERSION}",
            if version.is_empty() {
                "an unversioned package"
            } else {
                version
            }
        ));
    }
    Ok(Some(version.to_string()))
}

/// Checks imports and exports; the error names the offending item.
pub fn check_world(engine: &Engine, component: &Component) -> Result<WorldInfo, String> {
    let ty = component.component_type();
    let mut wit_version = None;
    let mut uses_wasi = false;
    for (name, _) in ty.imports(engine) {
        match check_import(name)? {
            None => uses_wasi = true,
            Some(version) => wit_version = Some(version),
        }
    }
    for export in ["manifest", "execute"] {
        match ty.get_export(engine, export).map(|e| e.ty) {
            Some(ComponentItem::ComponentFunc(_)) => {}
            Some(_) => {
                return Err(format!(
                    "the component exports `{export}` but it is not a function: it does not target the `action` world"
                ));
            }
            None => {
                return Err(format!(
                    "the component does not export `{export}`: it does not target the {WIT_PACKAGE} `action` world"
                ));
            }
        }
    }
    Ok(WorldInfo {
        wit_version: wit_version.unwrap_or_else(|| WIT_VERSION.to_string()),
        uses_wasi,
    })
}
