//! File dialogs behind a small trait: the system's (rfd, through the xdg portal)
//! where there is one; tests use [`NoDialog`], and a machine without a portal gets
//! a typed-path box instead (see `Dialogs`).

use std::path::{Path, PathBuf};

/// The extensions of evaluation files.
pub const EVAL_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "parquet", "json", "jsonl", "ndjson", "arrow", "ipc", "feather", "eval",
];

pub trait FileDialog {
    /// A file the user picked, or None if cancelled or unavailable.
    fn pick_file(&self) -> Option<PathBuf>;
    /// Several files (a baseline file and a candidate file, say), or None.
    fn pick_files(&self) -> Option<Vec<PathBuf>> {
        self.pick_file().map(|p| vec![p])
    }
    /// A saved session (`.faultline`).
    fn pick_session(&self) -> Option<PathBuf> {
        None
    }
    /// Where to save a file, starting from `default`; `what` names its kind.
    fn save_file(&self, _what: &str, _default: &Path, _extensions: &[&str]) -> Option<PathBuf> {
        None
    }
    /// False where no dialog can be shown (no portal); the window then asks for a path.
    fn available(&self) -> bool {
        true
    }
}

/// The system dialog (xdg portal on Linux).
pub struct NativeDialog;

impl FileDialog for NativeDialog {
    fn pick_file(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .add_filter("Evaluation files", EVAL_EXTENSIONS)
            .pick_file()
    }

    fn pick_files(&self) -> Option<Vec<PathBuf>> {
        rfd::FileDialog::new()
            .add_filter("Evaluation files", EVAL_EXTENSIONS)
            .set_title("Pick the files to join on their id (a baseline file and a candidate file)")
            .pick_files()
    }

    fn pick_session(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .add_filter("faultline sessions", &["faultline", "json"])
            .set_title("Open a faultline session")
            .pick_file()
    }

    fn save_file(&self, what: &str, default: &Path, extensions: &[&str]) -> Option<PathBuf> {
        let mut d = rfd::FileDialog::new()
            .set_title(format!("Save {what}"))
            .add_filter(what, extensions);
        if let Some(dir) = default.parent().filter(|p| !p.as_os_str().is_empty()) {
            d = d.set_directory(dir);
        }
        if let Some(name) = default.file_name() {
            d = d.set_file_name(name.to_string_lossy());
        }
        d.save_file()
    }

    fn available(&self) -> bool {
        // Without a desktop session there is no portal to answer.
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
    }
}

/// No dialog at all (tests, screenshots).
pub struct NoDialog;

impl FileDialog for NoDialog {
    fn pick_file(&self) -> Option<PathBuf> {
        None
    }
    fn available(&self) -> bool {
        false
    }
}
