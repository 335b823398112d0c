//! The master key that encrypts secrets at rest: from `ATLAS_MASTER_KEY`
//! (64 hex characters) or a `master.key` file in the data directory, created
//! with owner-only permissions on first start.

use std::path::Path;

use anyhow::Context as _;
use rand::RngCore;

/// Reads the master key from `env_value` when set, else from (or into) `data_dir/master.key`.
pub fn load_or_create_master_key(
    env_value: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<[u8; 32]> {
    if let Some(hex_key) = env_value {
        return parse_key(hex_key.trim()).context("ATLAS_MASTER_KEY must be 64 hex characters");
    }
    let path = data_dir.join("master.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return parse_key(text.trim())
            .with_context(|| format!("{} is not 64 hex characters", path.display()));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    write_private(&path, &hex::encode(key))?;
    Ok(key)
}

fn parse_key(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text)?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("expected 32 bytes"))
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_created_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("atlas-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = load_or_create_master_key(None, &dir).unwrap();
        let second = load_or_create_master_key(None, &dir).unwrap();
        assert_eq!(first, second);
        let from_env = load_or_create_master_key(Some(&hex::encode([7u8; 32])), &dir).unwrap();
        assert_eq!(from_env, [7u8; 32]);
        assert!(load_or_create_master_key(Some("nope"), &dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
