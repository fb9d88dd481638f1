//! The sha256 that names an input file in JSON output, sessions and briefs,
//! taken during the load or, for the window, once the first overview is on
//! screen ([`super::read::ReadOptions::defer_hash`]): no number reads it, and
//! at 10M rows hashing the file took ~0.24 s of CPU from a load that keeps
//! both cores busy.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::control::Control;
use crate::error::{Error, Result};

/// A file's sha256 as lowercase hex (a join's files' joined by `+`), or the
/// file to take it from when first asked. Clones share the one hash.
#[derive(Clone)]
pub struct FileHash(Arc<Shared>);

struct Shared {
    later: Option<Later>,
    hex: OnceLock<String>,
}

/// A file whose hash was left for later, as it was when it was read.
struct Later {
    path: PathBuf,
    seen: Option<(u64, SystemTime)>,
}

impl FileHash {
    /// A hash already taken.
    pub fn of(hex: impl Into<String>) -> FileHash {
        FileHash(Arc::new(Shared {
            later: None,
            hex: OnceLock::from(hex.into()),
        }))
    }

    /// The hash of `path`, taken when first asked for. Called right after the
    /// file was read: if its size or time of change differs then, the hash
    /// would not be of the data read, and it is given as unavailable.
    pub fn later(path: &Path) -> FileHash {
        FileHash(Arc::new(Shared {
            later: Some(Later {
                path: path.to_path_buf(),
                seen: stamp(path),
            }),
            hex: OnceLock::new(),
        }))
    }

    /// The hash, taken now if it was left for later (on the calling thread:
    /// the window takes it in a background job before anything asks).
    pub fn get(&self) -> &str {
        self.0.hex.get_or_init(|| match &self.0.later {
            Some(later) => later.take(),
            None => String::from("unavailable"),
        })
    }

    /// Whether [`FileHash::get`] returns at once.
    pub fn is_taken(&self) -> bool {
        self.0.hex.get().is_some()
    }
}

impl Later {
    fn take(&self) -> String {
        let changed = || {
            format!(
                "unavailable: {} changed after it was opened",
                self.path.display()
            )
        };
        if stamp(&self.path) != self.seen {
            return changed();
        }
        match sha256_file(&self.path) {
            Ok(hex) if stamp(&self.path) == self.seen => hex,
            Ok(_) => changed(),
            Err(e) => format!("unavailable: {e}"),
        }
    }
}

/// A file's size and time of last change, to tell that it changed.
fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// The sha256 of the file's bytes, as lowercase hex; it identifies the dataset in
/// JSON output, sessions and briefs. Read in blocks, never whole.
pub fn sha256_file(path: &Path) -> Result<String> {
    sha256_file_with(path, &Control::none())
}

/// [`sha256_file`], stopped by `control` between blocks.
pub fn sha256_file_with(path: &Path, control: &Control) -> Result<String> {
    let mut file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|source| Error::Io {
            path: PathBuf::from(path),
            source,
        })?;
        if n == 0 {
            break;
        }
        control.check()?;
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Bytes as lowercase hex.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl From<String> for FileHash {
    fn from(hex: String) -> FileHash {
        FileHash::of(hex)
    }
}

impl From<&str> for FileHash {
    fn from(hex: &str) -> FileHash {
        FileHash::of(hex)
    }
}

impl PartialEq for FileHash {
    fn eq(&self, other: &FileHash) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for FileHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.hex.get() {
            Some(hex) => write!(f, "{hex:?}"),
            None => write!(f, "FileHash(not taken yet)"),
        }
    }
}

impl serde::Serialize for FileHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("faultline-file-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        dir.join(name)
    }

    #[test]
    fn a_hash_taken_later_is_the_files_sha256_and_clones_share_it() {
        let path = scratch("later.txt");
        std::fs::write(&path, b"abc").unwrap();
        let hash = FileHash::later(&path);
        let clone = hash.clone();
        assert!(!clone.is_taken());
        // sha256("abc"), FIPS 180-2's first example.
        let want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(hash.get(), want);
        assert!(clone.is_taken());
        assert_eq!(clone.get(), want);
        assert_eq!(
            serde_json::to_string(&clone).unwrap(),
            format!("\"{want}\"")
        );
        assert_eq!(FileHash::of(want), hash);
    }

    #[test]
    fn a_file_changed_before_its_hash_is_taken_gives_no_hash() {
        let path = scratch("changed.txt");
        std::fs::write(&path, b"abc").unwrap();
        let hash = FileHash::later(&path);
        std::fs::write(&path, b"abcd").unwrap();
        assert!(
            hash.get().starts_with("unavailable: ")
                && hash.get().ends_with("changed after it was opened"),
            "{}",
            hash.get()
        );
        let gone = scratch("gone.txt");
        std::fs::write(&gone, b"abc").unwrap();
        let hash = FileHash::later(&gone);
        std::fs::remove_file(&gone).unwrap();
        assert!(hash.get().starts_with("unavailable"), "{}", hash.get());
    }
}
