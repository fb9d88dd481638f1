//! The open analysis: the data (raw frame and decoded table), the mapping, the
//! threshold, the active cohort, the compared pair, saved cohorts, tags, notes and
//! the brief. Views only read it; commands change it at the end of the frame. A
//! session is written from it and restored to it, and nowhere else.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use polars::prelude::DataFrame;

use super::results::{BaseKey, Results};
use super::tasks::{CohortOverview, Done, TaskKind, Tasks};
use crate::cohort::{self, Cohort, CohortError, FilterGroup};
use crate::join::JoinReport;
use crate::load::Mapping;
use crate::load::kept_frame::KeptFrame;
use crate::load::table::{EvalTable, LoadOptions, Loaded};
use crate::session::{DatasetRef, Session, Tag};

/// The active cohort and its row mask (None: every row).
#[derive(Clone)]
pub struct ActiveCohort {
    pub cohort: Cohort,
    pub mask: Option<Arc<Vec<bool>>>,
    pub rows: usize,
    pub version: u64,
}

pub struct Workspace {
    pub path: PathBuf,
    /// What the title bar and status show (a bundled sample says so).
    pub name: String,
    /// The raw frame the views draw rows from: its columns read so far (the
    /// id comes once [`Workspace::kept`] has read it).
    pub frame: Arc<DataFrame>,
    /// The same frame for jobs, which read every column ([`KeptFrame::whole`]).
    pub kept: Arc<KeptFrame>,
    /// Whether `frame` has every column `kept` could read (or why not was said).
    pub columns_read: bool,
    /// Whether the table's features are still to be decoded from the columns
    /// `kept` reads later ([`crate::load::table::LoadOptions::defer_features`]):
    /// until then the table has none, and the views that list them say so.
    pub features_pending: bool,
    pub table: Arc<EvalTable>,
    pub mapping: Mapping,
    pub table_version: u64,
    pub threshold: f64,
    pub active: ActiveCohort,
    /// A cohort being evaluated; it becomes active only if it evaluates.
    pub pending_cohort: Option<Cohort>,
    pub cohort_error: Option<String>,
    /// A mapping being applied; the table changes only if it decodes.
    pub pending_mapping: Option<Mapping>,
    pub mapping_error: Option<String>,
    /// The compared pair `(baseline, candidate)`, model indices.
    pub pair: (usize, usize),
    /// What joining several inputs kept and left out (shown before any number).
    pub join: Option<JoinReport>,
    /// Every input file, for sessions and provenance.
    pub inputs: Vec<PathBuf>,
    /// Named cohorts saved for this file.
    pub saved_cohorts: Vec<Cohort>,
    /// The brief being written, with its pinned findings.
    pub brief: crate::brief::Brief,
    /// The failure-mode taxonomy and the tags and notes on examples (keyed by
    /// 1-based file row).
    pub tags: Vec<Tag>,
    pub example_tags: BTreeMap<u32, Vec<String>>,
    pub notes: BTreeMap<u32, String>,
    /// Examples marked reviewed (review queue), keyed like `example_tags`.
    pub reviewed: std::collections::BTreeSet<u32>,
    /// The table at the threshold last asked for, shared by the jobs that
    /// need it ([`Workspace::table_at_threshold`]).
    at_threshold: std::sync::Mutex<Option<crate::analysis::TableAtThreshold>>,
}

impl Workspace {
    /// The table at the current threshold, for a job to resolve off the frame:
    /// the same handle until the table or the threshold changes, so the jobs of
    /// every view share one remaking of the predictions.
    pub fn table_at_threshold(&self) -> crate::analysis::TableAtThreshold {
        let mut cached = self
            .at_threshold
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match cached.as_ref() {
            Some(at) if at.is_of(&self.table, self.threshold) => at.clone(),
            _ => {
                let at = crate::analysis::TableAtThreshold::new(self.table.clone(), self.threshold);
                *cached = Some(at.clone());
                at
            }
        }
    }

    pub fn new(
        loaded: Loaded,
        name: String,
        mapping: Mapping,
        join: Option<JoinReport>,
        inputs: Vec<PathBuf>,
    ) -> Workspace {
        let table = loaded.table;
        let rows = table.len();
        let n = table.models.len();
        let kept = Arc::new(KeptFrame::new(
            loaded.frame,
            table.dataset.path.clone(),
            loaded.deferred,
        ));
        Workspace {
            path: table.dataset.path.clone(),
            name,
            frame: kept.shown(),
            columns_read: kept.deferred().is_empty(),
            features_pending: loaded.features_deferred,
            kept,
            threshold: table.threshold,
            table: Arc::new(table),
            mapping,
            table_version: 1,
            active: ActiveCohort {
                cohort: all_rows(),
                mask: None,
                rows,
                version: 1,
            },
            pending_cohort: None,
            cohort_error: None,
            pending_mapping: None,
            mapping_error: None,
            // A candidate usually follows its baseline.
            pair: (0, n.saturating_sub(1)),
            join,
            inputs,
            saved_cohorts: Vec::new(),
            brief: crate::brief::Brief::default(),
            tags: default_tags(),
            example_tags: BTreeMap::new(),
            notes: BTreeMap::new(),
            reviewed: Default::default(),
            at_threshold: Default::default(),
        }
    }

    pub fn base_key(&self) -> BaseKey {
        (
            self.table_version,
            self.active.version,
            self.threshold.to_bits(),
        )
    }

    /// The sha256 of each input file, as computed when it was loaded (a join keeps
    /// them joined by `+`).
    pub fn input_hashes(&self) -> Vec<String> {
        self.table
            .dataset
            .sha256
            .get()
            .split('+')
            .map(str::to_string)
            .collect()
    }

    /// The session that restores this workspace.
    pub fn to_session(&self) -> Session {
        let inputs = if self.inputs.is_empty() {
            vec![self.path.clone()]
        } else {
            self.inputs.clone()
        };
        // The hashes taken at load time: autosave never re-reads the data.
        let hashes = self.input_hashes();
        let datasets = inputs
            .iter()
            .enumerate()
            .map(|(i, p)| DatasetRef {
                path: std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
                sha256: hashes.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        let name = |i: usize| self.table.models.get(i).map(|m| m.name.clone());
        let mut s = Session::new(datasets);
        s.mapping = self.mapping.clone();
        s.threshold = Some(self.threshold);
        s.active_cohort =
            (!self.active.cohort.filter.is_empty()).then(|| self.active.cohort.clone());
        s.cohorts = self.saved_cohorts.clone();
        s.tags = self.tags.clone();
        s.example_tags = self.example_tags.clone();
        s.notes = self.notes.clone();
        s.reviewed = self.reviewed.clone();
        s.params = self.table.params.clone();
        s.brief = self.brief.clone();
        s.baseline = name(self.pair.0);
        s.candidate = name(self.pair.1);
        s
    }

    /// Restores a session on the data it names (already loaded).
    pub fn apply_session(&mut self, s: &Session, tasks: &mut Tasks) {
        if let Some(t) = s.threshold {
            self.threshold = t;
        }
        self.tags = if s.tags.is_empty() {
            default_tags()
        } else {
            s.tags.clone()
        };
        self.example_tags = s.example_tags.clone();
        self.notes = s.notes.clone();
        self.reviewed = s.reviewed.clone();
        self.set_params(s.params.clone());
        self.brief = s.brief.clone();
        self.saved_cohorts = s.cohorts.clone();
        let index =
            |name: &Option<String>| name.as_deref().and_then(|n| self.table.model_index(n).ok());
        if let (Some(b), Some(c)) = (index(&s.baseline), index(&s.candidate)) {
            self.pair = (b, c);
        }
        if let Some(c) = &s.active_cohort {
            self.start_cohort(c.clone(), tasks);
        }
    }

    /// Starts evaluating a cohort; it becomes active only if it evaluates.
    pub fn start_cohort(&mut self, cohort: Cohort, tasks: &mut Tasks) {
        self.start_cohort_with(cohort, false, tasks);
    }

    /// [`Workspace::start_cohort`]; with `with_overview` (the Overview is on
    /// screen) the same job then computes the cohort's overview, so the new
    /// numbers reach the frame in one hand-over instead of two (mask, then a
    /// separate overview job started by the next frame).
    pub fn start_cohort_with(&mut self, cohort: Cohort, with_overview: bool, tasks: &mut Tasks) {
        if cohort.filter.is_empty() {
            tasks.cancel(TaskKind::Cohort);
            self.pending_cohort = None;
            self.cohort_error = None;
            self.activate(cohort, None);
            return;
        }
        let (table, kept, filter) = (self.table.clone(), self.kept.clone(), cohort.filter.clone());
        let (table_version, threshold) = (self.table_version, self.threshold);
        let c = cohort.clone();
        tasks.start(TaskKind::Cohort, "Applying the cohort", move |control| {
            let frame = kept.with_columns(filter.columns().into_iter());
            let mask = cohort::evaluate(&filter, &table, &frame, control.flag());
            let overview = match &mask {
                Ok(m) if with_overview && !control.is_cancelled() => {
                    Some(Box::new(CohortOverview {
                        table_version,
                        threshold_bits: threshold.to_bits(),
                        overview: crate::analysis::overview(&table, Some(m), threshold),
                    }))
                }
                _ => None,
            };
            // The overview counted the cohort's rows: no second pass for it.
            let mask = mask.map(|m| {
                let rows = match &overview {
                    Some(o) => o.overview.rows,
                    None => {
                        use rayon::prelude::*;
                        m.par_iter().filter(|&&k| k).count()
                    }
                };
                (m, rows)
            });
            Done::Cohort(c, mask, overview)
        });
        self.pending_cohort = Some(cohort);
    }

    /// The key an overview computed with a cohort's job is shown under: the
    /// current one, if that cohort is the active one and the table and threshold
    /// are still those it was computed for.
    pub fn cohort_overview_key(&self, cohort: &Cohort, o: &CohortOverview) -> Option<BaseKey> {
        (self.active.cohort == *cohort
            && self.table_version == o.table_version
            && self.threshold.to_bits() == o.threshold_bits)
            .then(|| self.base_key())
    }

    /// A cohort finished evaluating; returns a message if it did not apply.
    pub fn cohort_done(
        &mut self,
        cohort: Cohort,
        result: Result<(Vec<bool>, usize), CohortError>,
    ) -> Option<String> {
        if self.pending_cohort.as_ref() != Some(&cohort) {
            return None;
        }
        self.pending_cohort = None;
        match result {
            Ok(mask) => {
                self.cohort_error = None;
                self.activate(cohort, Some(mask));
                None
            }
            Err(e) => {
                let msg = format!("Cohort not applied: {e}");
                self.cohort_error = Some(msg.clone());
                Some(msg)
            }
        }
    }

    /// Makes `cohort` the active one: its mask and how many rows it keeps, or
    /// every row.
    fn activate(&mut self, cohort: Cohort, mask: Option<(Vec<bool>, usize)>) {
        let (mask, rows) = match mask {
            Some((mask, rows)) => (Some(mask), rows),
            None => (None, self.table.len()),
        };
        self.active = ActiveCohort {
            cohort,
            mask: mask.map(Arc::new),
            rows,
            version: self.active.version + 1,
        };
    }

    /// The features a load left for later, decoded, with the frame they came
    /// from (holding every column, and the derived text columns): the table
    /// gains them, and every result is recomputed but the overview, which does
    /// not read them and is carried over.
    pub fn features_done(&mut self, table: EvalTable, frame: DataFrame, results: &mut Results) {
        if !self.features_pending {
            return;
        }
        self.features_pending = false;
        let mut t = (*self.table).clone();
        t.features = table.features;
        self.table = Arc::new(t);
        let frame = Arc::new(frame);
        self.kept = Arc::new(KeptFrame::new(
            (*frame).clone(),
            self.path.clone(),
            Vec::new(),
        ));
        self.frame = frame;
        self.columns_read = true;
        let before = self.base_key();
        self.table_version += 1;
        results.carry_overview(&before, self.base_key());
    }

    /// New metric parameters: the same data, every result recomputed.
    pub fn set_params(&mut self, params: crate::load::table::MetricParams) {
        if self.table.params == params {
            return;
        }
        let mut t = (*self.table).clone();
        t.params = params;
        self.table = Arc::new(t);
        self.table_version += 1;
    }

    /// Re-decodes the kept frame with a new mapping; the old table stays until the
    /// new one decodes, and a mapping that does not decode changes nothing.
    pub fn start_remap(&mut self, mapping: Mapping, tasks: &mut Tasks) {
        let kept = self.kept.clone();
        let path = self.path.clone();
        let sha = self.table.dataset.sha256.clone();
        let m = mapping.clone();
        tasks.start(TaskKind::Remap, "Applying the mapping", move |_| {
            let frame = kept.whole();
            let table = crate::load::open::decode(&path, &frame, sha, &m, &LoadOptions::default());
            Done::Remap(m, Box::new(table))
        });
        self.pending_mapping = Some(mapping);
    }

    /// A mapping finished decoding; returns a message if it did not apply.
    pub fn remap_done(
        &mut self,
        mapping: Mapping,
        result: crate::Result<EvalTable>,
        tasks: &mut Tasks,
    ) -> Option<String> {
        if self.pending_mapping.as_ref() != Some(&mapping) {
            return None;
        }
        self.pending_mapping = None;
        match result {
            Ok(mut table) => {
                table.params = self.table.params.clone();
                // Decoded from every column: features a load left are in it.
                self.features_pending = false;
                self.mapping_error = None;
                self.threshold = table.threshold;
                let n = table.models.len();
                self.table = Arc::new(table);
                self.mapping = mapping;
                self.table_version += 1;
                // A mapping change can remove models: keep the pair in range.
                let last = n.saturating_sub(1);
                self.pair = (self.pair.0.min(last), self.pair.1.min(last));
                // The cohort's mask is per row of the same file, but the filter may
                // read a column whose role changed: evaluate it again.
                let cohort = self.active.cohort.clone();
                if !cohort.filter.is_empty() {
                    self.start_cohort(cohort, tasks);
                }
                None
            }
            Err(e) => {
                let msg = format!("Mapping not applied: {e}");
                self.mapping_error = Some(msg.clone());
                Some(msg)
            }
        }
    }
}

/// The cohort of every row.
pub fn all_rows() -> Cohort {
    Cohort {
        name: "All rows".into(),
        filter: FilterGroup::default(),
    }
}

/// A starting failure-mode taxonomy; the user renames, recolours or removes them.
pub fn default_tags() -> Vec<Tag> {
    Tag::defaults()
}
