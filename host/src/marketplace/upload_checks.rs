//! The checks an upload gets before anything expensive: its top-level imports
//! and exports, read with wasmparser, must be those of the `action` world. Only
//! an upload that passes these (and the size and signature checks before them)
//! is handed to Cranelift.

use wasmparser::{ComponentTypeRef, Parser, Payload};

use crate::runtime::world_check::check_import;

/// Why an upload failed the pre-compile checks.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadProblem {
    /// The bytes are not a readable component (the `component` check).
    Unreadable(String),
    /// Its imports or exports are not the `action` world's (the `world` check).
    World(String),
}

/// Refuses a component whose outermost imports or exports cannot be an action.
/// Bytes that are not a component at all are left to the loader's own checks.
pub fn check_world_names(bytes: &[u8]) -> Result<(), UploadProblem> {
    if !Parser::is_component(bytes) {
        return Ok(());
    }
    let unreadable = |what: &str, e: wasmparser::BinaryReaderError| {
        UploadProblem::Unreadable(format!("{what} cannot be read: {e}"))
    };
    let mut depth = 0u32;
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| unreadable("the component", e))? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) if depth > 0 => depth -= 1,
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let import = import.map_err(|e| unreadable("an import", e))?;
                    // Type imports (`context`, `manifest`, ...) name the world's
                    // own types, not a host interface.
                    if matches!(import.ty, ComponentTypeRef::Type(_)) {
                        continue;
                    }
                    check_import(&import.name.full_name()).map_err(UploadProblem::World)?;
                    if let Some(implements) = import.name.implements {
                        check_import(implements).map_err(UploadProblem::World)?;
                    }
                }
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    let export = export.map_err(|e| unreadable("an export", e))?;
                    exports.push(export.name.name.to_string());
                }
            }
            _ => {}
        }
    }
    for needed in ["manifest", "execute"] {
        if !exports.iter().any(|e| e == needed) {
            return Err(UploadProblem::World(format!(
                "the component does not export `{needed}`: it does not target the `action` world"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_imports_and_missing_exports_are_refused_before_compiling() {
        let foreign =
            wat::parse_str(r#"(component (import "evil:host/fs@1.0.0" (instance)))"#).unwrap();
        let Err(UploadProblem::World(err)) = check_world_names(&foreign) else {
            panic!("a foreign import must be refused");
        };
        assert!(err.contains("evil:host/fs@1.0.0"), "{err}");

        let empty = wat::parse_str("(component)").unwrap();
        let Err(UploadProblem::World(err)) = check_world_names(&empty) else {
            panic!("a component without exports must be refused");
        };
        assert!(err.contains("does not export `manifest`"), "{err}");

        let garbage = b"\0asm\x0d\x00\x01\x00\xff\xff\xff";
        assert!(matches!(
            check_world_names(garbage),
            Err(UploadProblem::Unreadable(_))
        ));
        let module = wat::parse_str("(module)").unwrap();
        assert_eq!(check_world_names(&module), Ok(()), "left to the loader");
    }
}
