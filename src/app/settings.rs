//! What the window remembers between runs: theme, recent files, the mapping last
//! used for each file, saved cohorts and view choices. Kept apart from the loaded
//! data and from running jobs, which are never persisted.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cohort::Cohort;
use crate::load::Mapping;

use super::View;

/// Recent files kept at most.
const MAX_RECENT: usize = 10;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub dark: bool,
    pub recent: Vec<PathBuf>,
    /// The mapping last used per file path.
    pub mappings: BTreeMap<String, Mapping>,
    /// Saved cohorts per file path.
    pub cohorts: BTreeMap<String, Vec<Cohort>>,
    pub view: View,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            dark: true,
            recent: Vec::new(),
            mappings: BTreeMap::new(),
            cohorts: BTreeMap::new(),
            view: View::Overview,
        }
    }
}

impl Settings {
    pub fn remember_file(&mut self, path: &std::path::Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }

    pub fn key(path: &std::path::Path) -> String {
        path.to_string_lossy().into_owned()
    }
}
