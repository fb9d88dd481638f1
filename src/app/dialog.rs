//! File dialogs behind a small trait, so tests never open one and machines without
//! a file portal fall back to typing a path.

use std::path::PathBuf;

pub trait FileDialog {
    /// A file the user picked, or None if cancelled or unavailable.
    fn pick_file(&self) -> Option<PathBuf>;
    /// Several files (a baseline file and a candidate file, say), or None.
    fn pick_files(&self) -> Option<Vec<PathBuf>> {
        self.pick_file().map(|p| vec![p])
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
            .add_filter(
                "Evaluation files",
                &[
                    "csv", "tsv", "parquet", "json", "jsonl", "ndjson", "arrow", "ipc", "feather",
                ],
            )
            .pick_file()
    }
    fn pick_files(&self) -> Option<Vec<PathBuf>> {
        rfd::FileDialog::new()
            .add_filter(
                "Evaluation files",
                &[
                    "csv", "tsv", "parquet", "json", "jsonl", "ndjson", "arrow", "ipc", "feather",
                ],
            )
            .set_title("Pick the files to join on their id (a baseline file and a candidate file)")
            .pick_files()
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
