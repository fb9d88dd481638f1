//! The window's raw frame when its load left a column for later
//! ([`super::LoadOptions::defer_id`]): at 10M rows a file's id text was a sixth of the
//! load, and no number reads it, so the first overview is drawn without it and
//! the column is read afterwards. Drawing takes the columns read so far and
//! never waits; a job that reads cells (a cohort's filter, a remap, an examples
//! search) takes the whole frame, reading the rest itself if the background
//! read has not, so every result is the one a whole frame gives.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use polars::prelude::*;

use super::read;
use crate::control::Control;
use crate::error::Result;

/// `frame` with the columns its load left out (`deferred`) read from the file
/// now, each put back at its place in the file's order: the frame a load
/// without [`super::LoadOptions::defer_id`] makes. A file that has changed since (other
/// rows or columns) is an error, and `frame` stays as it is.
pub fn read_deferred(
    path: &Path,
    frame: &DataFrame,
    deferred: &[String],
    control: &Control,
) -> Result<DataFrame> {
    let changed = |detail: String| crate::error::Error::Unreadable {
        path: path.to_path_buf(),
        format: "Parquet",
        detail: format!("the file changed after it was opened: {detail}; open it again"),
    };
    let names = read::parquet_column_names(path)?;
    let mut placed: Vec<(usize, &String)> = Vec::with_capacity(deferred.len());
    for name in deferred {
        let at = names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| changed(format!("it has no column {name:?} now")))?;
        placed.push((at, name));
    }
    placed.sort_unstable();
    let read = read::read_parquet_columns(path, deferred, control)?;
    if read.height() != frame.height() {
        return Err(changed(format!(
            "{} rows now, {} then",
            read.height(),
            frame.height()
        )));
    }
    let mut whole = frame.clone();
    for (at, name) in placed {
        // Its place among the columns the frame holds (derived ones come last).
        let index = names[..at]
            .iter()
            .filter(|n| whole.get_column_index(n).is_some())
            .count();
        let column = read
            .column(name)
            .map_err(|e| changed(read::polars_message(&e)))?
            .clone();
        whole
            .insert_column(index, column)
            .map_err(|e| changed(read::polars_message(&e)))?;
    }
    Ok(whole)
}

/// A loaded frame and the columns its load left for later.
pub struct KeptFrame {
    early: Arc<DataFrame>,
    path: PathBuf,
    deferred: Vec<String>,
    /// The whole frame once read, or why it could not be.
    whole: OnceLock<std::result::Result<Arc<DataFrame>, String>>,
}

impl KeptFrame {
    /// `frame` as loaded from `path`, without its `deferred` columns.
    pub fn new(frame: DataFrame, path: PathBuf, deferred: Vec<String>) -> KeptFrame {
        let early = Arc::new(frame);
        let whole = if deferred.is_empty() {
            OnceLock::from(Ok(early.clone()))
        } else {
            OnceLock::new()
        };
        KeptFrame {
            early,
            path,
            deferred,
            whole,
        }
    }

    /// The columns read so far: what drawing shows (it never waits).
    pub fn shown(&self) -> Arc<DataFrame> {
        match self.whole.get() {
            Some(Ok(whole)) => whole.clone(),
            _ => self.early.clone(),
        }
    }

    /// Whether columns are still to be read.
    pub fn is_pending(&self) -> bool {
        self.whole.get().is_none()
    }

    /// The columns left for later.
    pub fn deferred(&self) -> &[String] {
        &self.deferred
    }

    /// Every column, read now if no one has yet (a job's call: it waits for a
    /// read under way rather than reading twice), or why they could not be.
    pub fn read(&self) -> std::result::Result<Arc<DataFrame>, String> {
        self.whole
            .get_or_init(|| {
                read_deferred(&self.path, &self.early, &self.deferred, &Control::default())
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
    }

    /// Every column if they can be read, else the columns read so far (a job
    /// then reports a filter on a missing column as it would any other).
    pub fn whole(&self) -> Arc<DataFrame> {
        self.read().unwrap_or_else(|_| self.early.clone())
    }

    /// A frame that holds `columns`: the columns read so far when none of
    /// them is still to be read (a cohort on `region` right after the first
    /// overview does not wait for the id), else [`KeptFrame::whole`].
    pub fn with_columns<'a>(&self, mut columns: impl Iterator<Item = &'a str>) -> Arc<DataFrame> {
        if columns.any(|c| self.deferred.iter().any(|d| d == c)) {
            self.whole()
        } else {
            self.shown()
        }
    }
}
