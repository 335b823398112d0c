//! The `atlas:workflow@0.1.0` WIT package, compiled into the binary.

use std::io;
use std::path::Path;

/// The package's files: name and contents.
const WIT_FILES: [(&str, &str); 2] = [
    ("types.wit", include_str!("../../../wit/v0.1.0/types.wit")),
    ("host.wit", include_str!("../../../wit/v0.1.0/host.wit")),
];

/// Writes the `atlas:workflow@0.1.0` WIT package (the `action` world and its
/// interfaces) into `dir`, creating it when missing.
pub fn write_wit(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, contents) in WIT_FILES {
        std::fs::write(dir.join(name), contents)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolchain::scratch_dir::ScratchDir;

    #[test]
    fn written_package_declares_the_action_world() {
        let scratch = ScratchDir::new("wit-test").unwrap();
        let dir = scratch.path().join("wit");
        write_wit(&dir).unwrap();
        let host = std::fs::read_to_string(dir.join("host.wit")).unwrap();
        let types = std::fs::read_to_string(dir.join("types.wit")).unwrap();
        assert!(host.starts_with("package atlas:workflow@0.1.0;"));
        assert!(host.contains("world action"));
        assert!(types.contains("interface types"));
    }
}
