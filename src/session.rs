//! Sessions: everything an analyst did on a dataset (mapping, cohorts, tags, notes,
//! pinned findings, brief text), saved as JSON next to the sha256 of each dataset so
//! that a changed file is flagged before anything is shown. Writes are atomic
//! (temporary file, then rename), so a crash never leaves half a session.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::brief::Brief;
use crate::cohort::Cohort;
use crate::error::{Error, Result};
use crate::load::Mapping;

/// The session file format's version.
pub const VERSION: u32 = 1;

/// A dataset the session refers to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatasetRef {
    pub path: PathBuf,
    pub sha256: String,
}

/// A failure-mode tag of the user's taxonomy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

impl Tag {
    /// A starting failure-mode taxonomy; the user renames, recolours or removes them.
    pub fn defaults() -> Vec<Tag> {
        [
            ("label noise", "#a855f7"),
            ("ambiguous input", "#f59e0b"),
            ("model error", "#ef4444"),
            ("out of scope", "#64748b"),
        ]
        .iter()
        .map(|(n, c)| Tag {
            name: n.to_string(),
            color: c.to_string(),
        })
        .collect()
    }
}

/// Everything that is saved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    pub faultline_session: u32,
    pub datasets: Vec<DatasetRef>,
    pub mapping: Mapping,
    pub threshold: Option<f64>,
    pub active_cohort: Option<Cohort>,
    pub cohorts: Vec<Cohort>,
    pub tags: Vec<Tag>,
    /// Tags per example, keyed by the example's file row (1-based, as shown).
    pub example_tags: BTreeMap<u32, Vec<String>>,
    /// A note per example, keyed like `example_tags`.
    pub notes: BTreeMap<u32, String>,
    pub brief: Brief,
    pub baseline: Option<String>,
    pub candidate: Option<String>,
    /// Examples marked reviewed in the review queue, keyed like `example_tags`.
    pub reviewed: std::collections::BTreeSet<u32>,
    /// Metric parameters chosen in the window (pass@k's k).
    pub params: crate::load::table::MetricParams,
}

impl Session {
    pub fn new(datasets: Vec<DatasetRef>) -> Session {
        Session {
            faultline_session: VERSION,
            datasets,
            ..Default::default()
        }
    }

    /// Whether it holds anything a user would miss if it were lost: a cohort, a
    /// mapping change, saved cohorts, tags, notes, pins or brief text. Only such a
    /// session is autosaved and offered for recovery.
    pub fn has_work(&self) -> bool {
        let b = &self.brief;
        self.active_cohort.is_some()
            || self.mapping != Mapping::default()
            || !self.cohorts.is_empty()
            || !(self.tags.is_empty() || self.tags == Tag::defaults())
            || !self.example_tags.is_empty()
            || !self.notes.is_empty()
            || !self.reviewed.is_empty()
            || !b.findings.is_empty()
            || !b.title.trim().is_empty()
            || !b.summary.trim().is_empty()
            || !b.risks.trim().is_empty()
            || b.recommendation != crate::brief::Recommendation::Undecided
    }

    /// Reads a session file.
    pub fn load(path: &Path) -> Result<Session> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        // An editor may have saved it with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let s: Session = serde_json::from_str(text).map_err(|e| Error::Unreadable {
            path: path.to_path_buf(),
            format: "faultline session",
            detail: e.to_string(),
        })?;
        if s.faultline_session == 0 || s.datasets.is_empty() {
            return Err(Error::Unreadable {
                path: path.to_path_buf(),
                format: "faultline session",
                detail: "not a session file (no datasets)".into(),
            });
        }
        Ok(s)
    }

    /// Writes the session atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::Usage(e.to_string()))?;
        crate::atomic::write_atomic(path, text.as_bytes()).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Datasets whose file changed (or vanished) since the session was saved:
    /// `(path, expected sha256, found)`.
    pub fn changed_datasets(&self) -> Vec<(PathBuf, String, String)> {
        self.datasets
            .iter()
            .filter_map(|d| {
                let now = crate::load::read::sha256_file(&d.path)
                    .unwrap_or_else(|e| format!("unreadable ({e})"));
                (now != d.sha256).then(|| (d.path.clone(), d.sha256.clone(), now))
            })
            .collect()
    }
}

/// Where the window autosaves: `$XDG_STATE_HOME/faultline/recovery.json` (or
/// `~/.local/state/...`, or the temporary directory). `FAULTLINE_RECOVERY` overrides.
pub fn recovery_path() -> PathBuf {
    if let Some(p) = std::env::var_os("FAULTLINE_RECOVERY") {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("faultline").join("recovery.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_round_trips() {
        let dir = std::env::temp_dir().join(format!("faultline-session-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let data = dir.join("d.csv");
        std::fs::write(&data, "label,pred\n1,1\n").unwrap();
        let sha = crate::load::read::sha256_file(&data).unwrap();
        let mut s = Session::new(vec![DatasetRef {
            path: data.clone(),
            sha256: sha,
        }]);
        s.tags.push(Tag {
            name: "ocr error".into(),
            color: "#ff0000".into(),
        });
        s.example_tags.insert(3, vec!["ocr error".into()]);
        s.notes.insert(3, "blurry scan".into());
        s.brief.title = "Release 2.1".into();
        s.mapping.label = Some("label".into());
        let path = dir.join("s.faultline");
        s.save(&path).unwrap();
        let back = Session::load(&path).unwrap();
        assert_eq!(back, s);
        assert!(back.changed_datasets().is_empty());
        // A byte-order mark (an editor's) is read past.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
        assert_eq!(Session::load(&path).unwrap(), s);
        std::fs::write(&data, "label,pred\n1,0\n").unwrap();
        assert_eq!(back.changed_datasets().len(), 1);
        assert!(Session::load(&data).is_err());
    }
}
