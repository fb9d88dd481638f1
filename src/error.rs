//! Errors of the engine. Each variant is a message a user can act on: it names the
//! file, the column and, where it applies, the first offending row.

use std::path::PathBuf;

/// Everything that can go wrong between a file on disk and a computed result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: unsupported file extension {ext:?} (use .csv, .tsv, .parquet, .json, .jsonl, .ndjson, .arrow, .ipc or .feather)"
    )]
    UnsupportedFormat { path: PathBuf, ext: String },
    #[error("{path}: not a readable {format} file: {detail}")]
    Unreadable {
        path: PathBuf,
        format: &'static str,
        detail: String,
    },
    #[error("{path}: the file has no rows")]
    Empty { path: PathBuf },
    #[error("{path}: no column {column:?} ({hint})")]
    MissingColumn {
        path: PathBuf,
        column: String,
        hint: String,
    },
    #[error("{path}: column {column:?}: {detail}")]
    BadColumn {
        path: PathBuf,
        column: String,
        detail: String,
    },
    #[error("{path}: column {column:?}, row {row}: {detail}")]
    BadValue {
        path: PathBuf,
        column: String,
        /// 1-based data row (the header is not counted).
        row: usize,
        detail: String,
    },
    #[error("{path}: unknown model {model:?} (models in this file: {known})")]
    UnknownModel {
        path: PathBuf,
        model: String,
        known: String,
    },
    #[error("{0}")]
    Usage(String),
    /// A Spark source failed: the server unreachable, a table or column missing, a
    /// query rejected, a connection dropped. Exit code 2, as for a bad file.
    #[error("{source_name} (Spark Connect {remote}): {detail}")]
    Spark {
        source_name: String,
        remote: String,
        detail: String,
    },
    /// Writing the output failed (a full disk, a closed device): not the input's fault.
    #[error("cannot write {what}: {source}")]
    Write {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// The user cancelled the work (the window's Cancel); never shown as a failure.
    #[error("cancelled")]
    Cancelled,
}

impl From<crate::control::Cancelled> for Error {
    fn from(_: crate::control::Cancelled) -> Error {
        Error::Cancelled
    }
}

impl Error {
    /// The process exit code the contract assigns: 2 for bad input or usage, 1 for
    /// any other failure (the output could not be written, the work was stopped).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Write { .. } | Error::Cancelled => 1,
            _ => 2,
        }
    }
}

/// Result alias used across the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;
