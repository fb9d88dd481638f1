//! The one registry of background work. Everything that grows with the data
//! (loading, cohorts, re-decoding, every view's numbers, the default brief, tagging
//! a cohort, exports, screenshots) runs on its own thread under a [`Control`], and
//! reports back a [`Done`] that the app polls once per frame, whatever view is
//! visible. Cancel sets the job's control, so the work itself stops at its next
//! check; its result, if it still comes, is dropped.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Instant;

use super::results::{
    BaseKey, ClusterKey, ComparisonKey, ExampleKey, FairnessKey, ReliabilityKey, SliceKey, TagKey,
    WhatIf, WhatIfKey,
};
use crate::analysis::{Clusters, ComparisonView, Overview, SliceTable};
use crate::annotations::TagStats;
use crate::brief::Brief;
use crate::cohort::{Cohort, CohortError};
use crate::control::Control;
use crate::join::JoinReport;
use crate::load::{EvalTable, Loaded, Mapping};
use crate::session::Session;

/// What a background job is for; at most one job of each kind runs at a time (a new
/// one replaces the old), and Cancel names a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    Load,
    Session,
    Cohort,
    Remap,
    Overview,
    Slices,
    Examples,
    Clusters,
    Comparison,
    TagStats,
    Reliability,
    Fairness,
    FairnessWhatIf,
    DefaultBrief,
    TagCohort,
    Export,
    Screenshot,
    /// Connecting to a Spark source and reading its roles.
    SparkOpen,
    /// A Spark source's metrics for a cohort and slice columns.
    SparkQuery,
    /// A page of a Spark source's rows.
    SparkRows,
    /// Making, once the window is idle, what later cohort changes read
    /// ([`crate::load::table::EvalTable::prepare_cohort_changes`]).
    Prepare,
    /// Reading, once the window is idle, the columns a load left for later
    /// ([`crate::load::kept_frame::KeptFrame`]).
    Columns,
    /// Taking, once the window is idle, the sha256 a load left for later
    /// ([`crate::load::file_hash::FileHash`]).
    Hash,
}

impl TaskKind {
    /// Whether the status bar offers Cancel for it (view results restart on their own).
    pub fn user_cancellable(self) -> bool {
        matches!(
            self,
            TaskKind::Load
                | TaskKind::Session
                | TaskKind::Cohort
                | TaskKind::Remap
                | TaskKind::Clusters
                | TaskKind::DefaultBrief
                | TaskKind::TagCohort
                | TaskKind::Export
                | TaskKind::SparkOpen
                | TaskKind::SparkQuery
                | TaskKind::SparkRows
        )
    }
}

/// A file (or several joined) that finished loading.
pub struct LoadDone {
    pub paths: Vec<PathBuf>,
    pub name: String,
    pub mapping: Mapping,
    pub result: crate::Result<(Loaded, Option<JoinReport>)>,
}

/// A session read from disk with the datasets that changed since it was saved:
/// `(dataset, saved sha256, current sha256)`.
pub struct SessionCheck {
    pub session: Session,
    /// Where it was read from (empty for a recovered session).
    pub path: PathBuf,
    pub changed: Vec<(PathBuf, String, String)>,
}

/// The first rows of a file for the mapping form: paths, the mapping to start
/// from, why the form opens, the rows.
pub type PreviewDone = (
    Vec<PathBuf>,
    Mapping,
    Option<String>,
    crate::Result<polars::prelude::DataFrame>,
);

/// A cohort's overview computed in the cohort's own job, right after its mask,
/// and the inputs it was computed for (shown only if they are still current).
pub struct CohortOverview {
    pub table_version: u64,
    pub threshold_bits: u64,
    pub overview: Overview,
}

/// The result of a finished job.
pub enum Done {
    Load(Box<LoadDone>),
    /// The first rows of a file for the mapping form: paths, the mapping to start
    /// from, why the form opens, the rows.
    Preview(Box<PreviewDone>),
    Session(crate::Result<Box<SessionCheck>>),
    /// A cohort's mask with how many rows it keeps (counted in the job, not in
    /// the frame), and its overview when the job was asked for it.
    Cohort(
        Cohort,
        Result<(Vec<bool>, usize), CohortError>,
        Option<Box<CohortOverview>>,
    ),
    Remap(Mapping, Box<crate::Result<EvalTable>>),
    Overview(BaseKey, Overview),
    Slices(SliceKey, SliceTable),
    Examples(ExampleKey, Vec<u32>),
    Clusters(ClusterKey, Result<Clusters, String>),
    Comparison(ComparisonKey, ComparisonView),
    TagStats(TagKey, TagStats),
    Reliability(ReliabilityKey, crate::analysis::SliceCurves),
    Fairness(FairnessKey, Option<crate::metrics::fairness::Fairness>),
    FairnessWhatIf(WhatIfKey, Option<WhatIf>),
    DefaultBrief(Option<Brief>),
    /// The tag and the file rows (1-based) of the cohort to tag.
    TagCohort(String, Vec<u32>),
    Export(crate::Result<Vec<PathBuf>>),
    Screenshot(PathBuf, Result<(), String>),
    /// A Spark source opened (or why not).
    #[cfg(feature = "spark")]
    SparkOpened(Box<crate::Result<crate::spark::remote::RemoteTable>>),
    #[cfg(feature = "spark")]
    SparkMetrics(Box<super::spark_panel::MetricsDone>),
    #[cfg(feature = "spark")]
    SparkRows(
        Box<(
            super::spark_panel::PageKey,
            crate::Result<crate::spark::remote::RowPage>,
        )>,
    ),
    /// [`TaskKind::Prepare`] or [`TaskKind::Hash`] is done: nothing to show.
    Prepared,
    /// [`TaskKind::Columns`] is done: the frame it completed, or why it could
    /// not; and the features decoded from it, if the load left them for later.
    Columns(Box<ColumnsDone>),
    /// The job's thread ended without a result (a panic).
    Failed(TaskKind),
}

/// What reading the columns a load left for later gave
/// ([`crate::load::kept_frame::KeptFrame`]).
pub struct ColumnsDone {
    pub kept: Arc<crate::load::kept_frame::KeptFrame>,
    pub read: Result<Arc<polars::prelude::DataFrame>, String>,
    /// The table with its features and the frame with the derived text
    /// columns ([`crate::load::open::decode_deferred_features`]), if asked for.
    pub features: Option<crate::Result<(crate::load::EvalTable, polars::prelude::DataFrame)>>,
}

/// One running job.
pub struct Task {
    pub kind: TaskKind,
    /// What the status bar says, e.g. "Loading eval.parquet".
    pub label: String,
    pub control: Control,
    pub started: Instant,
    rx: Receiver<Done>,
}

/// The running jobs.
pub struct Tasks {
    running: Vec<Task>,
    ctx: Option<egui::Context>,
    live: Arc<AtomicUsize>,
}

impl Tasks {
    /// `ctx` is asked to repaint whenever a job ends (None in unit tests).
    pub fn new(ctx: Option<egui::Context>) -> Tasks {
        Tasks {
            running: Vec::new(),
            ctx,
            live: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Starts `work` on its own thread, replacing (cancelling) any job of the same
    /// kind.
    pub fn start(
        &mut self,
        kind: TaskKind,
        label: impl Into<String>,
        work: impl FnOnce(&Control) -> Done + Send + 'static,
    ) {
        self.cancel(kind);
        let (tx, rx) = mpsc::channel();
        let control = Control::none();
        let theirs = control.clone();
        let ctx = self.ctx.clone();
        let live = self.live.clone();
        live.fetch_add(1, Ordering::SeqCst);
        std::thread::spawn(move || {
            super::priority::lower_current_thread();
            let out = work(&theirs);
            if !theirs.is_cancelled() {
                // The receiver is gone only if the app dropped the task: nothing to do.
                tx.send(out).ok();
            }
            live.fetch_sub(1, Ordering::SeqCst);
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
        // A frame when the quiet start ends, for the spinners (`busy`): the one
        // place it is asked for, as no other frame may come before the job ends.
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint_after(super::busy::QUIET);
        }
        self.running.push(Task {
            kind,
            label: label.into(),
            control,
            started: Instant::now(),
            rx,
        });
    }

    /// Stops the job of this kind (its thread stops at its next check). True if one ran.
    pub fn cancel(&mut self, kind: TaskKind) -> bool {
        let before = self.running.len();
        self.running.retain(|t| {
            if t.kind == kind {
                t.control.cancel();
                false
            } else {
                true
            }
        });
        self.running.len() != before
    }

    /// Stops every job (new data replaces the old).
    pub fn cancel_all(&mut self) {
        for t in self.running.drain(..) {
            t.control.cancel();
        }
    }

    /// Takes the results of the jobs that finished since the last call.
    pub fn poll(&mut self) -> Vec<Done> {
        let mut done = Vec::new();
        self.running.retain(|t| match t.rx.try_recv() {
            Ok(d) => {
                done.push(d);
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => {
                done.push(Done::Failed(t.kind));
                false
            }
        });
        done
    }

    pub fn get(&self, kind: TaskKind) -> Option<&Task> {
        self.running.iter().find(|t| t.kind == kind)
    }

    pub fn is_running(&self, kind: TaskKind) -> bool {
        self.get(kind).is_some()
    }

    pub fn is_busy(&self) -> bool {
        !self.running.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Task> {
        self.running.iter()
    }

    /// Threads still running, cancelled ones included (tests check that Cancel
    /// stops the work itself).
    pub fn live_threads(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn cancel_stops_the_thread_and_drops_its_result() {
        let mut tasks = Tasks::new(None);
        tasks.start(TaskKind::Export, "spin", |c: &Control| {
            while !c.is_cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            Done::Export(Ok(Vec::new()))
        });
        assert!(tasks.is_running(TaskKind::Export));
        assert!(tasks.cancel(TaskKind::Export));
        let start = Instant::now();
        while tasks.live_threads() > 0 {
            assert!(
                start.elapsed() < Duration::from_secs(1),
                "the thread stopped"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(tasks.poll().is_empty());
    }

    #[test]
    fn a_new_job_replaces_one_of_the_same_kind() {
        let mut tasks = Tasks::new(None);
        tasks.start(TaskKind::DefaultBrief, "first", |c: &Control| {
            while !c.is_cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            Done::DefaultBrief(None)
        });
        tasks.start(TaskKind::DefaultBrief, "second", |_: &Control| {
            Done::DefaultBrief(Some(Brief::default()))
        });
        let start = Instant::now();
        loop {
            let done = tasks.poll();
            if let Some(Done::DefaultBrief(b)) = done.into_iter().next() {
                assert!(b.is_some(), "the second job's result");
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(5));
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(!tasks.is_busy());
    }
}
