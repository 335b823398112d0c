//! Turning a guest's core WebAssembly module into a component.

use std::path::Path;

use anyhow::{Context as _, bail};
use wasmparser::{Parser, Payload};
use wit_component::ComponentEncoder;

use super::BuiltComponent;

/// The functions every action module exports.
const ACTION_EXPORTS: [&str; 2] = ["manifest", "execute"];

/// Wraps the core module at `core_path` into a component written to `out_path`.
///
/// The module must carry the component-type section wit-bindgen embeds and
/// export the `action` world's functions.
pub(crate) fn write_component(
    name: &str,
    core_path: &Path,
    out_path: &Path,
) -> anyhow::Result<BuiltComponent> {
    let core =
        std::fs::read(core_path).with_context(|| format!("cannot read {}", core_path.display()))?;
    let component = componentize(&core).with_context(|| {
        format!(
            "cannot turn `{name}` ({}) into a component",
            core_path.display()
        )
    })?;
    std::fs::write(out_path, &component)
        .with_context(|| format!("cannot write {}", out_path.display()))?;
    Ok(BuiltComponent {
        name: name.to_owned(),
        path: out_path.to_owned(),
        size_bytes: component.len() as u64,
    })
}

/// The component for a core module that targets the `action` world.
pub(crate) fn componentize(core: &[u8]) -> anyhow::Result<Vec<u8>> {
    let exports = exported_functions(core)?;
    let missing: Vec<&str> = ACTION_EXPORTS
        .into_iter()
        .filter(|name| !exports.iter().any(|export| export == name))
        .collect();
    if !missing.is_empty() {
        bail!(
            "the module does not export {}: it does not implement the `action` world \
             (a Rust action calls `atlas_sdk::export_action!`)",
            missing.join(" and ")
        );
    }
    ComponentEncoder::default()
        .module(core)?
        .validate(true)
        .encode()
}

fn exported_functions(core: &[u8]) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for payload in Parser::new(0).parse_all(core) {
        if let Payload::ExportSection(exports) = payload.context("invalid WebAssembly module")? {
            for export in exports {
                names.push(export?.name.to_owned());
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_without_action_exports_is_explained() {
        // (module (func (export "manifest")))
        let core = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
            0x03, 0x02, 0x01, 0x00, // function section
            0x07, 0x0c, 0x01, 0x08, b'm', b'a', b'n', b'i', b'f', b'e', b's', b't', 0x00, 0x00,
            0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section
        ];
        let error = componentize(&core).unwrap_err().to_string();
        assert!(error.contains("does not export execute"), "{error}");
        assert!(componentize(b"not wasm").is_err());
    }
}
