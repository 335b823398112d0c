//! `atlas::toolchain::build` turns the built-in plugins, the test guests and the
//! Python example into valid components that target the `action` world.

use std::path::{Path, PathBuf};

use atlas::toolchain::{BuildOptions, BuiltComponent, build};
use wasmparser::{ComponentTypeRef, Parser, Payload, Validator, WasmFeatures};

/// The repository root.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host has a parent")
        .to_path_buf()
}

/// A fresh output directory per test; the guest target directory the
/// Makefile uses, so the guests' standard library is compiled once.
fn options(test: &str) -> BuildOptions {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("toolchain")
        .join(test);
    if out_dir.exists() {
        std::fs::remove_dir_all(&out_dir).expect("clearing the output directory");
    }
    BuildOptions {
        out_dir,
        target_dir: Some(repo_root().join("target/guests")),
    }
}

/// The top-level import and export names of a component, which must validate.
///
/// Type imports are left out: a world that `use`s types (here `context`,
/// `manifest`, `output`, `action-error`) imports them by plain name.
fn component_interface(bytes: &[u8]) -> (Vec<String>, Vec<String>) {
    Validator::new_with_features(WasmFeatures::default() | WasmFeatures::COMPONENT_MODEL)
        .validate_all(bytes)
        .expect("a valid component");
    assert!(
        Parser::is_component(bytes),
        "a component, not a core module"
    );
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.expect("parsable component") {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(section) if depth == 0 => {
                for import in section {
                    let import = import.expect("import");
                    if !matches!(import.ty, ComponentTypeRef::Type(_)) {
                        imports.push(import.name.full_name().into_owned());
                    }
                }
            }
            Payload::ComponentExportSection(section) if depth == 0 => {
                for export in section {
                    exports.push(export.expect("export").name.full_name().into_owned());
                }
            }
            _ => {}
        }
    }
    (imports, exports)
}

/// Checks a built component on disk; returns its imports.
fn check_action_component(component: &BuiltComponent, out_dir: &Path) -> Vec<String> {
    assert_eq!(
        component.path,
        out_dir.join(format!("{}.wasm", component.name))
    );
    let bytes = std::fs::read(&component.path).expect("the component was written");
    assert_eq!(bytes.len() as u64, component.size_bytes);
    let (imports, exports) = component_interface(&bytes);
    for export in ["manifest", "execute"] {
        assert!(
            exports.iter().any(|name| name == export),
            "{} does not export {export}: {exports:?}",
            component.name
        );
    }
    imports
}

fn is_atlas_import(name: &str) -> bool {
    name.strip_prefix("atlas:workflow/")
        .is_some_and(|rest| rest.ends_with("@0.1.0"))
}

#[test]
fn rust_plugins_and_test_guests_build_into_action_components() {
    let projects: [(&str, &[&str]); 2] = [
        (
            "plugins",
            &[
                "ai-generate-message",
                "ai-lead-score",
                "ai-sentiment",
                "booking-cancel",
                "booking-create",
                "campaign-add-contact",
                "campaign-remove-contact",
                "crm-add-note",
                "crm-add-tag",
                "crm-create-opportunity",
                "crm-create-task",
                "crm-move-opportunity",
                "crm-remove-tag",
                "crm-update-contact",
                "email-send",
                "sms-send",
                "webhook-send",
                "whatsapp-send",
            ],
        ),
        (
            "host/tests/guests",
            &[
                "test-bad-output",
                "test-crm",
                "test-flood",
                "test-flood-manifest",
                "test-hog",
                "test-message",
                "test-noop",
                "test-partner",
                "test-prober",
                "test-prober-twin",
                "test-spin",
            ],
        ),
    ];
    for (dir, expected) in projects {
        let opts = options(&dir.replace('/', "-"));
        let built =
            build(&repo_root().join(dir), &opts).unwrap_or_else(|error| panic!("{error:#}"));
        let mut names: Vec<&str> = built.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, expected, "components built from {dir}");
        for component in &built {
            let imports =
                check_action_component(component, &std::path::absolute(&opts.out_dir).unwrap());
            assert!(!imports.is_empty(), "{} imports nothing", component.name);
            for import in imports {
                assert!(
                    is_atlas_import(&import),
                    "{} imports {import}",
                    component.name
                );
            }
        }
    }
}

#[test]
fn python_example_builds_into_an_action_component() {
    let opts = options("python-hello");
    let built = build(&repo_root().join("sdk/examples/python-hello"), &opts)
        .unwrap_or_else(|error| panic!("{error:#}"));
    assert_eq!(built.len(), 1);
    assert_eq!(built[0].name, "python-hello");
    let imports = check_action_component(&built[0], &std::path::absolute(&opts.out_dir).unwrap());
    assert!(
        imports
            .iter()
            .any(|name| name == "atlas:workflow/logging@0.1.0"),
        "{imports:?}"
    );
    for import in imports {
        assert!(
            is_atlas_import(&import) || import.starts_with("wasi:"),
            "python-hello imports {import}"
        );
    }
}

#[test]
fn a_directory_without_a_project_is_refused() {
    let opts = options("empty");
    std::fs::create_dir_all(&opts.out_dir).unwrap();
    let error = build(&opts.out_dir, &opts).unwrap_err().to_string();
    assert!(error.contains("neither a Cargo.toml"), "{error}");
}

#[test]
fn a_compile_error_quotes_cargo() {
    let opts = options("broken");
    let project = opts.out_dir.join("broken-action");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        "[package]\nname = \"broken-action\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [lib]\ncrate-type = [\"cdylib\"]\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        project.join("src/lib.rs"),
        "pub fn broken() -> u32 { \"text\" }\n",
    )
    .unwrap();
    let error = format!("{:#}", build(&project, &opts).unwrap_err());
    assert!(error.contains("cargo build failed"), "{error}");
    assert!(error.contains("mismatched types"), "{error}");
}
