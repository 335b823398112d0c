//! Components stored by content address: `sha256/<hex>` under one directory,
//! opened with cap-std so no path a caller supplies can leave it. A blob is
//! written to a temporary name and renamed into place, so a reader never sees
//! half a file; it is checked against its address when read.

use std::io::{Read as _, Write as _};
use std::path::Path;

use cap_std::ambient_authority;
use cap_std::fs::Dir;
use sha2::{Digest as _, Sha256};

/// The sha256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A directory of content-addressed blobs.
#[derive(Debug)]
pub struct BlobStore {
    dir: Dir,
}

impl BlobStore {
    /// Opens (creating when needed) the blob directory at `path`.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(path.join("sha256"))?;
        let dir = Dir::open_ambient_dir(path, ambient_authority())?;
        Ok(Self { dir })
    }

    fn name(digest: &str) -> std::io::Result<String> {
        if digest.len() != 64
            || !digest
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{digest}` is not a sha256 in lowercase hex"),
            ));
        }
        Ok(format!("sha256/{digest}"))
    }

    /// Stores `bytes` and returns their address; storing the same bytes again
    /// is a no-op.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let digest = sha256_hex(bytes);
        let name = Self::name(&digest)?;
        if self.dir.exists(&name) {
            return Ok(digest);
        }
        let tmp = format!("sha256/.{digest}.{}.tmp", rand::random::<u64>());
        {
            let mut file = self.dir.create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
        }
        self.dir.rename(&tmp, &self.dir, &name)?;
        Ok(digest)
    }

    /// The blob at `digest`, verified; `NotFound` when absent, `InvalidData`
    /// when the file no longer matches its address.
    pub fn get(&self, digest: &str) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.dir
            .open(Self::name(digest)?)?
            .read_to_end(&mut bytes)?;
        if sha256_hex(&bytes) != digest {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("blob {digest} does not match its address"),
            ));
        }
        Ok(bytes)
    }

    /// Whether a blob is stored at `digest`.
    pub fn contains(&self, digest: &str) -> bool {
        Self::name(digest).is_ok_and(|n| self.dir.exists(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_round_trip_and_are_verified() {
        let tmp = tempfile::tempdir().unwrap();
        let store = BlobStore::open(tmp.path()).unwrap();
        let digest = store.put(b"hello").unwrap();
        assert_eq!(digest, sha256_hex(b"hello"));
        assert_eq!(store.put(b"hello").unwrap(), digest);
        assert_eq!(store.get(&digest).unwrap(), b"hello");
        assert!(store.contains(&digest));
        std::fs::write(tmp.path().join("sha256").join(&digest), b"tampered").unwrap();
        assert_eq!(
            store.get(&digest).unwrap_err().kind(),
            std::io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn addresses_are_only_hex_digests() {
        let tmp = tempfile::tempdir().unwrap();
        let store = BlobStore::open(tmp.path()).unwrap();
        for bad in ["../../etc/passwd", "abc", &"G".repeat(64)] {
            assert_eq!(
                store.get(bad).unwrap_err().kind(),
                std::io::ErrorKind::InvalidInput
            );
        }
        assert_eq!(
            store.get(&"0".repeat(64)).unwrap_err().kind(),
            std::io::ErrorKind::NotFound
        );
    }
}
