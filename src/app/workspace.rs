//! One open dataset: the raw frame, the decoded table, the active cohort and the
//! results the views show, each recomputed in the background when its inputs
//! change.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use polars::prelude::DataFrame;

use super::jobs::{Job, Keyed};
use crate::analysis::{self, ClusterRequest, Clusters, ComparisonView, Overview, SliceTable};
use crate::cohort::{self, Cohort, CohortError, FilterGroup};
use crate::examples::{self, ExampleQuery};
use crate::load::table::{EvalTable, LoadOptions, Loaded};
use crate::load::{Mapping, table};

/// The active cohort and its row mask (None: every row).
#[derive(Clone)]
pub struct ActiveCohort {
    pub cohort: Cohort,
    pub mask: Option<Arc<Vec<bool>>>,
    pub rows: usize,
    pub version: u64,
}

/// Inputs of the slice table.
#[derive(Clone, PartialEq, Debug)]
pub struct SliceKey {
    pub table: u64,
    pub cohort: u64,
    pub threshold: u64,
    pub features: Vec<usize>,
    pub model: usize,
    pub metric: String,
}

pub type BaseKey = (u64, u64, u64);
type CohortJob = (Cohort, Job<Result<Vec<bool>, CohortError>>);

pub struct Workspace {
    pub path: PathBuf,
    /// What the title bar and status show (a bundled sample says so).
    pub name: String,
    pub frame: Arc<DataFrame>,
    pub table: Arc<EvalTable>,
    pub mapping: Mapping,
    pub table_version: u64,
    pub threshold: f64,
    pub active: ActiveCohort,
    pub cohort_job: Option<CohortJob>,
    pub cohort_error: Option<String>,
    pub remap_job: Option<(Mapping, Job<crate::Result<EvalTable>>)>,
    pub mapping_error: Option<String>,
    pub overview: Keyed<BaseKey, Overview>,
    pub slices: Keyed<SliceKey, SliceTable>,
    pub examples: Keyed<(u64, u64, u64, ExampleQuery), Vec<u32>>,
    pub clusters: Keyed<ClusterKey, Option<Clusters>>,
    pub comparison: Keyed<(BaseKey, usize, usize, Vec<usize>), ComparisonView>,
    /// What joining several inputs kept and left out (shown before any number).
    pub join: Option<crate::join::JoinReport>,
    /// The brief being written, with its pinned findings.
    pub brief: crate::brief::Brief,
    /// The failure-mode taxonomy and the tags and notes on examples.
    pub tags: Vec<crate::session::Tag>,
    pub example_tags: std::collections::BTreeMap<u32, Vec<String>>,
    pub notes: std::collections::BTreeMap<u32, String>,
    /// Every input file, for sessions and provenance.
    pub inputs: Vec<PathBuf>,
}

/// Inputs of the failure search.
#[derive(Clone, PartialEq, Debug)]
pub struct ClusterKey {
    pub base: BaseKey,
    pub request: ClusterRequest,
}

impl Workspace {
    pub fn new(loaded: Loaded, name: String, mapping: Mapping) -> Workspace {
        let table = loaded.table;
        let rows = table.len();
        Workspace {
            path: table.dataset.path.clone(),
            name,
            frame: Arc::new(loaded.frame),
            threshold: table.threshold,
            table: Arc::new(table),
            mapping,
            table_version: 1,
            active: ActiveCohort {
                cohort: Cohort {
                    name: "All rows".into(),
                    filter: FilterGroup::default(),
                },
                mask: None,
                rows,
                version: 1,
            },
            cohort_job: None,
            cohort_error: None,
            remap_job: None,
            mapping_error: None,
            overview: Keyed::default(),
            slices: Keyed::default(),
            examples: Keyed::default(),
            clusters: Keyed::default(),
            comparison: Keyed::default(),
            join: None,
            brief: crate::brief::Brief::default(),
            tags: default_tags(),
            example_tags: Default::default(),
            notes: Default::default(),
            inputs: Vec::new(),
        }
    }

    /// The sha256 of each input file, as computed when it was loaded (a join keeps
    /// them joined by `+`).
    pub fn input_hashes(&self) -> Vec<String> {
        self.table
            .dataset
            .sha256
            .split('+')
            .map(str::to_string)
            .collect()
    }

    /// The session that restores this workspace.
    pub fn to_session(
        &self,
        cohorts: Vec<Cohort>,
        baseline: Option<String>,
        candidate: Option<String>,
    ) -> crate::session::Session {
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
            .map(|(i, p)| crate::session::DatasetRef {
                path: std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
                sha256: hashes.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        let mut s = crate::session::Session::new(datasets);
        s.mapping = self.mapping.clone();
        s.threshold = Some(self.threshold);
        s.active_cohort =
            (!self.active.cohort.filter.is_empty()).then(|| self.active.cohort.clone());
        s.cohorts = cohorts;
        s.tags = self.tags.clone();
        s.example_tags = self.example_tags.clone();
        s.notes = self.notes.clone();
        s.brief = self.brief.clone();
        s.baseline = baseline;
        s.candidate = candidate;
        s
    }

    /// Restores the parts of a session that live in the workspace.
    pub fn apply_session(&mut self, s: &crate::session::Session, ctx: &egui::Context) {
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
        self.brief = s.brief.clone();
        if let Some(c) = &s.active_cohort {
            self.set_cohort(c.clone(), ctx);
        }
    }

    pub fn base_key(&self) -> BaseKey {
        (
            self.table_version,
            self.active.version,
            self.threshold.to_bits(),
        )
    }

    /// Starts evaluating a cohort; it becomes active only if it evaluates.
    pub fn set_cohort(&mut self, cohort: Cohort, ctx: &egui::Context) {
        if cohort.filter.is_empty() {
            self.cohort_job = None;
            self.cohort_error = None;
            self.activate(cohort, None);
            return;
        }
        let (table, frame, filter) = (
            self.table.clone(),
            self.frame.clone(),
            cohort.filter.clone(),
        );
        let job = Job::spawn(Some(ctx.clone()), move |cancel: &AtomicBool| {
            cohort::evaluate(&filter, &table, &frame, cancel)
        });
        self.cohort_job = Some((cohort, job));
    }

    fn activate(&mut self, cohort: Cohort, mask: Option<Vec<bool>>) {
        let rows = mask
            .as_ref()
            .map_or(self.table.len(), |m| m.iter().filter(|&&k| k).count());
        self.active = ActiveCohort {
            cohort,
            mask: mask.map(Arc::new),
            rows,
            version: self.active.version + 1,
        };
    }

    /// Re-decodes the kept frame with a new mapping; the old table stays until the
    /// new one decodes, and a mapping that does not decode changes nothing.
    pub fn remap(&mut self, mapping: Mapping, ctx: &egui::Context) {
        let frame = self.frame.clone();
        let path = self.path.clone();
        let sha = self.table.dataset.sha256.clone();
        let m = mapping.clone();
        let job = Job::spawn(Some(ctx.clone()), move |_: &AtomicBool| {
            table::decode(&path, &frame, sha, &m, &LoadOptions::default())
        });
        self.remap_job = Some((mapping, job));
    }

    /// Takes finished background results. Returns notices for the user.
    pub fn poll(&mut self) -> Vec<String> {
        let mut notices = Vec::new();
        if let Some((_, job)) = &self.cohort_job
            && let Some(result) = job.poll()
            && let Some((cohort, _)) = self.cohort_job.take()
        {
            match result {
                Ok(Ok(mask)) => {
                    self.cohort_error = None;
                    self.activate(cohort, Some(mask));
                }
                Ok(Err(e)) => {
                    let msg = format!("Cohort not applied: {e}");
                    self.cohort_error = Some(msg.clone());
                    notices.push(msg);
                }
                Err(()) => notices.push("Cohort evaluation failed".into()),
            }
        }
        if let Some((_, job)) = &self.remap_job
            && let Some(result) = job.poll()
            && let Some((mapping, _)) = self.remap_job.take()
        {
            match result {
                Ok(Ok(table)) => {
                    self.mapping_error = None;
                    self.threshold = table.threshold;
                    self.table = Arc::new(table);
                    self.mapping = mapping;
                    self.table_version += 1;
                    // The cohort's mask is per row of the same file: it stays valid.
                    let cohort = self.active.cohort.clone();
                    if !cohort.filter.is_empty() {
                        self.set_cohort_pending(cohort);
                    }
                }
                Ok(Err(e)) => {
                    let msg = format!("Mapping not applied: {e}");
                    self.mapping_error = Some(msg.clone());
                    notices.push(msg);
                }
                Err(()) => notices.push("Mapping failed".into()),
            }
        }
        self.overview.poll();
        self.slices.poll();
        self.examples.poll();
        self.clusters.poll();
        self.comparison.poll();
        notices
    }

    /// Re-evaluates the active cohort after a re-decode (rows are the same file's).
    fn set_cohort_pending(&mut self, cohort: Cohort) {
        let (table, frame, filter) = (
            self.table.clone(),
            self.frame.clone(),
            cohort.filter.clone(),
        );
        let job = Job::spawn(None, move |cancel: &AtomicBool| {
            cohort::evaluate(&filter, &table, &frame, cancel)
        });
        self.cohort_job = Some((cohort, job));
    }

    /// Makes sure the overview for the current inputs is there or under way.
    pub fn ensure_overview(&mut self, ctx: &egui::Context) {
        let key = self.base_key();
        let (table, mask, t) = (self.table.clone(), self.active.mask.clone(), self.threshold);
        self.overview.ensure(key, ctx, move |_: &AtomicBool| {
            analysis::overview(&table, mask.as_deref().map(Vec::as_slice), t)
        });
    }

    pub fn ensure_slices(
        &mut self,
        ctx: &egui::Context,
        features: Vec<usize>,
        model: usize,
        metric: &str,
    ) {
        let (table_v, cohort_v, t) = self.base_key();
        let key = SliceKey {
            table: table_v,
            cohort: cohort_v,
            threshold: t,
            features: features.clone(),
            model,
            metric: metric.to_string(),
        };
        let (table, mask, threshold, metric) = (
            self.table.clone(),
            self.active.mask.clone(),
            self.threshold,
            metric.to_string(),
        );
        self.slices.ensure(key, ctx, move |_: &AtomicBool| {
            analysis::slices(
                &table,
                mask.as_deref().map(Vec::as_slice),
                threshold,
                &features,
                model,
                &metric,
            )
        });
    }

    pub fn ensure_examples(&mut self, ctx: &egui::Context, query: ExampleQuery) {
        let (a, b, c) = self.base_key();
        let key = (a, b, c, query.clone());
        let (table, frame, mask, threshold) = (
            self.table.clone(),
            self.frame.clone(),
            self.active.mask.clone(),
            self.threshold,
        );
        self.examples.ensure(key, ctx, move |cancel: &AtomicBool| {
            let table = analysis::at_threshold(&table, threshold);
            examples::select_rows(
                &table,
                &frame,
                mask.as_deref().map(Vec::as_slice),
                &query,
                cancel,
            )
            .unwrap_or_default()
        });
    }

    /// True while anything is being computed.
    pub fn is_busy(&self) -> bool {
        self.cohort_job.is_some()
            || self.remap_job.is_some()
            || self.overview.is_busy()
            || self.slices.is_busy()
            || self.examples.is_busy()
            || self.clusters.is_busy()
            || self.comparison.is_busy()
    }

    /// Starts (or keeps) the paired comparison of two models on the active cohort.
    pub fn ensure_comparison(
        &mut self,
        ctx: &egui::Context,
        baseline: usize,
        candidate: usize,
        features: Vec<usize>,
    ) {
        let key = (self.base_key(), baseline, candidate, features.clone());
        let (table, mask, threshold) =
            (self.table.clone(), self.active.mask.clone(), self.threshold);
        self.comparison.ensure(key, ctx, move |_: &AtomicBool| {
            analysis::comparison(
                &table,
                mask.as_deref().map(Vec::as_slice),
                threshold,
                baseline,
                candidate,
                &features,
            )
        });
    }

    /// Starts (or keeps) the failure search for `request` on the cohort whose
    /// inputs are `base` (the view may hold it on an earlier cohort).
    pub fn ensure_clusters(
        &mut self,
        ctx: &egui::Context,
        base: BaseKey,
        mask: Option<Arc<Vec<bool>>>,
        request: ClusterRequest,
    ) {
        let key = ClusterKey {
            base,
            request: request.clone(),
        };
        let (table, threshold) = (self.table.clone(), self.threshold);
        self.clusters.ensure(key, ctx, move |cancel: &AtomicBool| {
            analysis::clusters(
                &table,
                mask.as_deref().map(Vec::as_slice),
                threshold,
                &request,
                cancel,
            )
        });
    }

    /// Stops the running failure search.
    pub fn cancel_clusters(&mut self) {
        self.clusters.cancel();
    }
}

/// A starting failure-mode taxonomy; the user renames, recolours or removes them.
pub fn default_tags() -> Vec<crate::session::Tag> {
    [
        ("label noise", "#a855f7"),
        ("ambiguous input", "#f59e0b"),
        ("model error", "#ef4444"),
        ("out of scope", "#64748b"),
    ]
    .iter()
    .map(|(n, c)| crate::session::Tag {
        name: n.to_string(),
        color: c.to_string(),
    })
    .collect()
}
