//! What the window remembers between runs: theme, recent files, the mapping last
//! used for each file, saved cohorts and view choices. Kept apart from the loaded
//! data and from running jobs, which are never persisted.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cohort::Cohort;
use crate::load::Mapping;

use crate::cli::ViewName;

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
    pub view: ViewName,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            dark: true,
            recent: Vec::new(),
            mappings: BTreeMap::new(),
            cohorts: BTreeMap::new(),
            view: ViewName::Overview,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_tolerate_missing_fields() {
        let mut s = Settings {
            dark: false,
            ..Default::default()
        };
        s.remember_file(std::path::Path::new("/data/a.csv"));
        s.remember_file(std::path::Path::new("/data/b.csv"));
        s.remember_file(std::path::Path::new("/data/a.csv"));
        assert_eq!(s.recent[0], PathBuf::from("/data/a.csv"));
        assert_eq!(s.recent.len(), 2);
        s.mappings.insert(
            "/data/a.csv".into(),
            Mapping {
                label: Some("truth".into()),
                ..Default::default()
            },
        );
        let text = serde_json::to_string(&s).unwrap();
        let back: Settings = serde_json::from_str(&text).unwrap();
        assert_eq!(back.recent, s.recent);
        assert_eq!(back.mappings, s.mappings);
        assert!(!back.dark);
        // Settings written by an older version (fewer fields) still load.
        let old: Settings = serde_json::from_str(r#"{"dark": false}"#).unwrap();
        assert!(old.recent.is_empty());
    }
}
