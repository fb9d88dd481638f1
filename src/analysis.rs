//! What the workbench views show, computed in one call each so that the GUI can run
//! them off its UI thread and the tests and benchmarks can run them directly. No
//! GUI types here.

use crate::curves::{self, CalibrationBin, RankCurves};
use crate::grouping::{Grouping, group_by};
use crate::load::roles::Task;
use crate::load::table::EvalTable;
use crate::metrics::{self, Evaluation, MetricSet};
use crate::slice_report::{self, SliceRow};
use crate::stats::Bootstrap;

/// The table with predictions re-made at `threshold`, or the table itself when the
/// threshold is the one it was decoded with (so given prediction columns stand).
pub fn at_threshold(table: &EvalTable, threshold: f64) -> std::borrow::Cow<'_, EvalTable> {
    if moves_predictions(table, threshold) {
        std::borrow::Cow::Owned(table.with_threshold(threshold))
    } else {
        std::borrow::Cow::Borrowed(table)
    }
}

/// Whether `threshold` re-makes any prediction of `table`.
fn moves_predictions(table: &EvalTable, threshold: f64) -> bool {
    table.task == Task::Binary && threshold != table.threshold
}

/// A table at a threshold, made at most once however many computations ask for
/// it: [`at_threshold`] remakes every scored model's predictions (about 40 ms
/// at 10M rows and two models), which the window's views would otherwise pay
/// in every job after a threshold move. Clones share the made table; the first
/// caller makes it and concurrent callers wait for it.
#[derive(Debug, Clone)]
pub struct TableAtThreshold {
    table: std::sync::Arc<EvalTable>,
    threshold: f64,
    moved: std::sync::Arc<std::sync::OnceLock<EvalTable>>,
}

impl TableAtThreshold {
    /// `table` at `threshold`, not made until [`TableAtThreshold::get`] is called
    /// (in a job, off the frame).
    pub fn new(table: std::sync::Arc<EvalTable>, threshold: f64) -> TableAtThreshold {
        TableAtThreshold {
            table,
            threshold,
            moved: Default::default(),
        }
    }

    /// Whether this is `table` at `threshold` (the same table, not an equal one).
    pub fn is_of(&self, table: &std::sync::Arc<EvalTable>, threshold: f64) -> bool {
        std::sync::Arc::ptr_eq(&self.table, table)
            && self.threshold.to_bits() == threshold.to_bits()
    }

    /// [`at_threshold`] of the table, made on the first call.
    pub fn get(&self) -> &EvalTable {
        if !moves_predictions(&self.table, self.threshold) {
            return &self.table;
        }
        self.moved
            .get_or_init(|| self.table.with_threshold(self.threshold))
    }
}

/// Classes up to which the overview draws the confusion matrix.
pub const MAX_DRAWN_CLASSES: usize = 50;

/// Reliability curves named by their slice (`feature = value`).
pub type SliceCurves = Vec<(String, Vec<CalibrationBin>)>;

/// Everything the Overview view draws for the active cohort.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub rows: usize,
    /// Overall metrics per model.
    pub metrics: Vec<MetricSet>,
    /// Binary: `[tn, fp, fn, tp]` per model. Multiclass: the `k x (k + 1)` matrix.
    pub confusion: Vec<Vec<u64>>,
    pub curves: Vec<RankCurves>,
    pub calibration: Vec<Vec<CalibrationBin>>,
    /// Binary: each model's score histogram by true class.
    pub histograms: Vec<curves::ScoreHistogram>,
    /// Binary: each model's confusion counts at thresholds 0, 0.01, ..., 1.
    pub sweeps: Vec<Vec<curves::ThresholdPoint>>,
    /// Regression: `(actual, predicted)` samples per model.
    pub scatter: Vec<Vec<[f64; 2]>>,
    /// Graded: score histograms, a breakdown by category, judge-human agreement.
    pub graded: Option<GradedOverview>,
    /// Ranking: the spread of the headline metric over queries.
    pub ranking: Option<RankingOverview>,
    /// Binary: each scored model's rows of this cohort by descending score,
    /// from which [`overview_at_threshold`] recounts the confusion cells.
    pub scored_cohorts: Vec<Option<metrics::binary::ScoredCohort>>,
}

/// What the Overview shows of a ranking evaluation.
#[derive(Debug, Clone, Default)]
pub struct RankingOverview {
    /// The headline metric (NDCG@10).
    pub metric: &'static str,
    /// Per model, the histogram of that metric over the cohort's judged queries
    /// (shared bins).
    pub histograms: Vec<(String, curves::Histogram)>,
}

fn ranking_overview(
    table: &EvalTable,
    mask: Option<&[bool]>,
    per_query: &[Option<metrics::ranking::QueryMetrics>],
) -> Option<RankingOverview> {
    use crate::metrics::ranking;
    let queries = table.queries.as_deref()?;
    let metric = ranking::headline(&table.params.ranking_ks());
    let values: Vec<(String, Vec<f64>)> = (0..table.models.len())
        .filter_map(|m| {
            let qm = per_query.get(m)?.as_ref()?;
            let h = qm.index(metric)?;
            let v = (0..queries.len())
                .filter(|&q| {
                    qm.judged[q]
                        && queries
                            .rows(q)
                            .first()
                            .is_some_and(|&r| mask.is_none_or(|k| k[r as usize]))
                })
                .map(|q| qm.row(q)[h])
                .collect();
            Some((table.models[m].name.clone(), v))
        })
        .collect();
    // A non-integer point keeps the bins fractional (see `curves::histogram`).
    let all = [0.0, 0.5, 1.0];
    Some(RankingOverview {
        metric,
        histograms: values
            .iter()
            .map(|(n, v)| (n.clone(), curves::histogram(v, &all, 20)))
            .collect(),
    })
}

/// What the Overview shows of a graded evaluation.
#[derive(Debug, Clone, Default)]
pub struct GradedOverview {
    /// Per model, the histogram of its per-example mean scores (None without scores),
    /// all on the same bins.
    pub histograms: Vec<Option<curves::Histogram>>,
    /// Pass rate and mean score per model and value of a category-like feature.
    pub breakdown: Option<Breakdown>,
    /// Per model with a human verdict column: the judge's pass (the majority of
    /// runs) against the human's.
    pub agreement: Vec<Option<crate::agreement::Agreement>>,
}

/// Metrics per value of one feature.
#[derive(Debug, Clone, Default)]
pub struct Breakdown {
    pub feature: String,
    pub labels: Vec<String>,
    pub eval: Evaluation,
}

/// The feature a graded overview breaks down by: one named like a category
/// (category, task, subject, topic, type), else the first with 2 to 12 values.
pub fn category_feature(table: &EvalTable) -> Option<usize> {
    use crate::load::table::FeatureKind;
    let usable = |i: usize| {
        let f = &table.features[i];
        let levels = f.codes.levels.len();
        f.kind == FeatureKind::Categorical
            && (2..=30).contains(&levels)
            && !f.name.contains(" contains \"")
            && !f.name.ends_with(')')
    };
    let named = [
        "category", "task", "subject", "topic", "type", "domain", "skill",
    ];
    (0..table.features.len())
        .find(|&i| {
            usable(i) && named.contains(&table.features[i].name.to_ascii_lowercase().as_str())
        })
        .or_else(|| {
            (0..table.features.len())
                .find(|&i| usable(i) && table.features[i].codes.levels.len() <= 12)
        })
}

fn graded_overview(table: &EvalTable, mask: Option<&[bool]>) -> GradedOverview {
    let grades: Vec<_> = table.models.iter().map(|m| m.grades.as_deref()).collect();
    let keep = |r: usize| mask.is_none_or(|m| m[r]);
    let scores: Vec<Option<Vec<f64>>> = grades
        .iter()
        .map(|g| {
            g.and_then(|g| g.score.as_ref()).map(|s| {
                s.iter()
                    .enumerate()
                    .filter(|&(r, x)| keep(r) && !x.is_nan())
                    .map(|(_, &x)| x)
                    .collect()
            })
        })
        .collect();
    let all: Vec<f64> = scores.iter().flatten().flatten().copied().collect();
    let histograms = scores
        .iter()
        .map(|s| s.as_ref().map(|s| curves::histogram(s, &all, 20)))
        .collect();
    let breakdown = category_feature(table).map(|f| {
        let grouping = group_by(table, &[f], mask);
        let labels = grouping
            .labels(table)
            .into_iter()
            .map(|l| {
                l.into_iter()
                    .map(|(_, v)| v)
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .collect();
        Breakdown {
            feature: table.features[f].name.clone(),
            labels,
            eval: metrics::evaluate(table, &grouping, Bootstrap::default()),
        }
    });
    let agreement = grades
        .iter()
        .map(|g| {
            let g = (*g)?;
            let (pass, human) = (g.pass.as_ref()?, g.human.as_ref()?);
            let ratings = crate::agreement::from_verdicts(pass, human, mask);
            crate::agreement::agreement(
                &ratings,
                None,
                crate::agreement::Weights::None,
                Bootstrap::default(),
            )
            .pop()
        })
        .collect();
    GradedOverview {
        histograms,
        breakdown,
        agreement,
    }
}

/// Categorical features with 2 to 12 values (at most 8 of them): the ones a
/// per-slice reliability overlay can draw legibly.
pub fn overlay_features(table: &EvalTable) -> Vec<usize> {
    (0..table.features.len())
        .filter(|&f| {
            let ft = &table.features[f];
            ft.is_sliceable() && (2..=12).contains(&ft.codes.levels.len())
        })
        .take(8)
        .collect()
}

/// Computes the overview of every model on the rows `mask` keeps.
pub fn overview(table: &EvalTable, mask: Option<&[bool]>, threshold: f64) -> Overview {
    let table = at_threshold(table, threshold);
    let table = table.as_ref();
    // A binary table's counts and walks read the cohort's bitset: no row ids.
    let grouping = if table.task == Task::Binary {
        Grouping::whole_rows(table.len(), mask)
    } else {
        Grouping::whole(table.len(), mask)
    };
    let rows = grouping.sizes[0] as usize;
    // Metrics and curves are independent walks: run them side by side.
    type Shapes = (
        Vec<RankCurves>,
        Vec<Vec<CalibrationBin>>,
        Vec<curves::ScoreHistogram>,
        Vec<Vec<curves::ThresholdPoint>>,
    );
    // Ranking: each model's per-query metrics serve its means and the histogram.
    let per_query: Vec<Option<metrics::ranking::QueryMetrics>> = if table.task == Task::Ranking {
        use rayon::prelude::*;
        (0..table.models.len())
            .into_par_iter()
            .map(|m| metrics::ranking::per_query(table, m))
            .collect()
    } else {
        Vec::new()
    };
    // The first overview sorts each model's scores: side by side, one model per
    // thread, when every thread has one (`ModelData::sorts_side_by_side`). What only
    // later changes read (each model's log losses and confusion cells, a
    // cohort's buffer) is made once the first overview is on screen
    // (`EvalTable::prepare_cohort_changes`): until then a walk takes the
    // logarithms itself and a count reads the labels and predictions, the same
    // values, without their fresh pages.
    //
    // Binary: each model on its own, side by side: its cohort rows by
    // descending score with their score sums, taken once from its cached order
    // (sorted first, if the first overview, `side_by_side`) and shared by the
    // metrics, calibration, curves and later threshold moves; beside them, the
    // cohort's rows whose score is null, `(positives, negatives)`. A model
    // done taking its rows goes on to its walks without waiting for the
    // other's: taking them is bound by memory and the walks by arithmetic, and
    // a barrier between the two left a core idle for 10-20 ms of a cohort
    // change at 10M rows (and ~0.15 s of the first overview, after the sorts).
    let side_by_side = table.task == Task::Binary
        && crate::load::table::ModelData::sorts_side_by_side(&table.models);
    let (eval, (curves, calibration, histograms, sweeps), scored_cohorts): (_, Shapes, _) =
        if table.task == Task::Binary {
            use rayon::prelude::*;
            let per_model: Vec<BinaryModelOverview> = (0..table.models.len())
                .into_par_iter()
                .map(|m| binary_model_overview(table, m, &grouping, mask, rows, side_by_side))
                .collect();
            let mut shapes: Shapes = Default::default();
            let mut metrics = Vec::with_capacity(per_model.len());
            let mut scored_cohorts = Vec::with_capacity(per_model.len());
            for p in per_model {
                metrics.push(p.metrics);
                scored_cohorts.push(p.scored_cohort);
                let (ranked, s) = p.shapes.unwrap_or_default();
                shapes.0.push(ranked);
                shapes.1.push(s.calibration);
                shapes.2.push(s.histogram);
                shapes.3.push(s.sweep);
            }
            (
                metrics::Evaluation::from_models(metrics, grouping.len()),
                shapes,
                scored_cohorts,
            )
        } else if table.task != Task::Ranking {
            (
                metrics::evaluate(table, &grouping, Bootstrap::default()),
                Default::default(),
                Vec::new(),
            )
        } else {
            use rayon::prelude::*;
            let per_model = per_query
                .par_iter()
                .enumerate()
                .map(|(m, qm)| {
                    qm.as_ref().map_or_else(Vec::new, |qm| {
                        metrics::ranking::evaluate_queries(
                            table,
                            m,
                            qm,
                            &grouping,
                            Bootstrap::default(),
                        )
                    })
                })
                .collect();
            (
                metrics::Evaluation::from_models(per_model, grouping.len()),
                Default::default(),
                Vec::new(),
            )
        };
    let models = 0..table.models.len();
    let confusion = match table.task {
        // The metrics pass counted them already.
        Task::Binary => eval
            .overall
            .iter()
            .map(|s| s.cells.map(|c| c.to_vec()).unwrap_or_default())
            .collect(),
        Task::Multiclass => models
            .clone()
            .map(|m| {
                metrics::multiclass::confusion(table, m, &grouping)
                    .pop()
                    .filter(|c| c.k <= MAX_DRAWN_CLASSES)
                    .map(|c| c.dense())
                    .unwrap_or_default()
            })
            .collect(),
        Task::Regression | Task::Graded | Task::Ranking => Vec::new(),
    };
    let scatter = if table.task == Task::Regression {
        models
            .map(|m| curves::regression_points(table, m, mask, 3000))
            .collect()
    } else {
        Vec::new()
    };
    let graded = (table.task == Task::Graded).then(|| graded_overview(table, mask));
    let ranking = if table.task == Task::Ranking {
        ranking_overview(table, mask, &per_query)
    } else {
        None
    };
    Overview {
        rows,
        ranking,
        metrics: eval.overall,
        confusion,
        curves,
        calibration,
        histograms,
        sweeps,
        scatter,
        graded,
        scored_cohorts,
    }
}

/// One binary model's share of an [`overview`].
struct BinaryModelOverview {
    metrics: Vec<MetricSet>,
    /// Its ROC and precision-recall curves and score shapes (None unscored).
    shapes: Option<(RankCurves, curves::ScoreShapes)>,
    /// What a threshold move on these rows recounts from (None unscored).
    scored_cohort: Option<metrics::binary::ScoredCohort>,
}

/// Model `m`'s metrics, curves and score shapes on the cohort (`grouping`,
/// `mask`, `rows` rows): its rows by descending score taken once and walked by
/// the metrics and by the curves side by side.
fn binary_model_overview(
    table: &EvalTable,
    m: usize,
    grouping: &Grouping,
    mask: Option<&[bool]>,
    rows: usize,
    sort_here: bool,
) -> BinaryModelOverview {
    let evaluate = |kept| {
        metrics::evaluate_model_sorted(
            table,
            m,
            grouping,
            Bootstrap::default(),
            metrics::Scope::ALL,
            kept,
        )
    };
    if table.models[m].score.is_none() {
        return BinaryModelOverview {
            metrics: evaluate(None),
            shapes: None,
            scored_cohort: None,
        };
    }
    if sort_here {
        table.models[m].sort_sequential(&table.target);
    }
    let nulls = curves::null_scores(table, m, mask);
    let members = grouping.members.as_ref();
    let totals =
        members.and_then(|set| metrics::binary::cohort_scored_labels(&table.models[m], set, nulls));
    let kept = metrics::binary::kept_rows_ranked(table, m, members, totals);
    let (metrics, shapes) = rayon::join(
        || evaluate(Some(&kept)),
        || {
            let k = &*kept.rows;
            // Thinned by the cohort's rows, or every scored row.
            let ranked = curves::rank_curves_of(k, mask.map_or(k.len(), |_| rows));
            let bins = table.params.bins();
            (ranked, curves::score_shapes(k, nulls, bins, 20, 100))
        },
    );
    BinaryModelOverview {
        metrics,
        shapes: Some(shapes),
        scored_cohort: Some(metrics::binary::ScoredCohort::new(
            kept,
            &table.models[m],
            nulls,
        )),
    }
}

/// The overview at another threshold, from one computed on the same rows: only
/// what the threshold changes is recomputed (each scored model's confusion
/// counts, from the cohort's rows by descending score that `prev` kept, or in
/// one pass over its scores when it kept none, and the metrics made from them: accuracy,
/// error rate, precision, recall, F1, specificity, expected cost). Curves, ROC
/// AUC, average precision, log loss, Brier and calibration stay. The numbers equal
/// [`overview`]'s at `threshold`.
pub fn overview_at_threshold(
    prev: &Overview,
    table: &EvalTable,
    mask: Option<&[bool]>,
    threshold: f64,
) -> Overview {
    use rayon::prelude::*;
    let mut ov = prev.clone();
    if table.task != Task::Binary {
        return ov;
    }
    // At the table's own threshold, given prediction columns stand (as in
    // `at_threshold`); elsewhere a scored model predicts `score >= threshold`.
    let own = threshold == table.threshold;
    let counts: Vec<Option<metrics::binary::Counts>> = (0..table.models.len())
        .into_par_iter()
        .map(|m| {
            let model = &table.models[m];
            model.score.as_ref()?;
            if own && model.columns.pred.is_some() {
                let grouping = Grouping::whole(table.len(), mask);
                return metrics::binary::counts(table, m, &grouping).pop();
            }
            match prev.scored_cohorts.get(m).and_then(Option::as_ref) {
                Some(cohort) => Some(cohort.counts_at(threshold)),
                None => metrics::binary::counts_at(table, m, mask, threshold),
            }
        })
        .collect();
    let boot = Bootstrap::default();
    for (m, c) in counts.into_iter().enumerate() {
        let (Some(c), Some(set)) = (c, ov.metrics.get_mut(m)) else {
            continue;
        };
        // The overview's grouping is one group and the overall slot (index 1).
        let mut fresh = MetricSet::default();
        metrics::binary::push_threshold_metrics(&mut fresh, &c, m, 1, 1, boot);
        let cells = [c.tn, c.fp, c.fn_, c.tp];
        if let Some(costs) = table.params.cost {
            let cost = metrics::cost::expected_cost(cells, costs);
            fresh.push("expected_cost", cost, None);
        }
        for new in fresh.metrics {
            if let Some(old) = set.metrics.iter_mut().find(|x| x.name == new.name) {
                *old = new;
            }
        }
        set.null_predictions = c.nulls;
        set.cells = Some(cells);
        if let Some(cm) = ov.confusion.get_mut(m) {
            *cm = cells.to_vec();
        }
    }
    ov
}

/// Everything the Slices view draws.
#[derive(Debug, Clone, Default)]
pub struct SliceTable {
    /// The slices' keys and sizes; its per-row ids are handed back to the
    /// table's spare once counted ([`Grouping::give_ids`]).
    pub grouping: Grouping,
    pub eval: Evaluation,
    pub rows: Vec<SliceRow>,
    /// `(feature name, value)` pairs per group.
    pub labels: Vec<Vec<(String, String)>>,
}

/// Metrics of every slice of `features` within the cohort, with the significance
/// table for one model and metric.
pub fn slices(
    table: &EvalTable,
    mask: Option<&[bool]>,
    threshold: f64,
    features: &[usize],
    model: usize,
    metric: &str,
) -> SliceTable {
    let table = at_threshold(table, threshold);
    let table = table.as_ref();
    let mut grouping = group_by(table, features, mask);
    let eval = metrics::evaluate_with(
        table,
        &grouping,
        Bootstrap::default(),
        metrics::Scope::for_metric(metric),
    );
    let rows = slice_report::slice_rows(&grouping, &eval, model, metric);
    let labels = grouping.labels(table);
    // Counted: the next slice table writes its ids into the same pages.
    grouping.give_ids(&table.group_ids_spare);
    SliceTable {
        grouping,
        eval,
        rows,
        labels,
    }
}

/// Everything the Failure clusters view draws.
#[derive(Debug, Clone, Default)]
pub struct Clusters {
    pub found: crate::discovery::sliceline::Found,
    pub tree: Vec<crate::discovery::error_tree::Node>,
    /// The slices shown: those scoring above 0, or when there are none, the most
    /// significant ones (`by_significance`).
    pub listed: Vec<crate::discovery::sliceline::Slice>,
    pub by_significance: bool,
    /// Each listed slice's predicates as `(column, value)` text pairs.
    pub slice_labels: Vec<Vec<(String, String)>>,
    /// Each listed slice's other descriptions of the same rows, as text.
    pub equivalents: Vec<Vec<String>>,
    /// How many features the search took.
    pub searched_features: usize,
    /// Overall metrics of the searched cohort, per model.
    pub overall: Vec<MetricSet>,
    /// The settings the search ran with.
    pub params: crate::discovery::sliceline::Params,
    pub elapsed_ms: f64,
}

/// Settings of one failure search.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterRequest {
    pub model: usize,
    pub against: Option<usize>,
    pub features: Vec<usize>,
    pub params: crate::discovery::sliceline::Params,
    pub tree: crate::discovery::error_tree::TreeParams,
}

/// SliceLine's top slices and the error tree on the cohort; an error if cancelled
/// or if the search is too large to count.
pub fn clusters(
    table: &EvalTable,
    mask: Option<&[bool]>,
    threshold: f64,
    req: &ClusterRequest,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Clusters, crate::discovery::sliceline::SearchError> {
    use crate::discovery::{error_tree, row_errors, sliceline};
    let start = std::time::Instant::now();
    let table = at_threshold(table, threshold);
    let table = table.as_ref();
    let errors = if req.params.excess {
        crate::discovery::overconfidence(table, req.model, mask)
            .unwrap_or_else(|| vec![f64::NAN; table.len()])
    } else {
        row_errors(table, req.model, req.against, mask)
    };
    let found = sliceline::search(table, &req.features, &errors, &req.params, cancel)?;
    let tree = error_tree::fit(table, &req.features, &errors, req.tree);
    let grouping = Grouping::whole(table.len(), mask);
    let overall = metrics::evaluate(table, &grouping, Bootstrap::default()).overall;
    let mut c = clusters_from(table, found, tree, req.features.len(), overall, &req.params);
    c.elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
    Ok(c)
}

/// What the views and briefs show of a finished search (in memory or counted by
/// Spark): the listed slices, their labels and equivalent descriptions.
pub fn clusters_from(
    table: &EvalTable,
    found: crate::discovery::sliceline::Found,
    tree: Vec<crate::discovery::error_tree::Node>,
    searched_features: usize,
    overall: Vec<MetricSet>,
    params: &crate::discovery::sliceline::Params,
) -> Clusters {
    use crate::discovery::sliceline;
    let by_significance = found.slices.is_empty() && !found.by_significance.is_empty();
    let listed = if by_significance {
        found.by_significance.clone()
    } else {
        found.slices.clone()
    };
    let equivalents = listed
        .iter()
        .map(|s| {
            s.equivalent
                .iter()
                .map(|p| sliceline::predicate_pairs_text(table, p))
                .collect()
        })
        .collect();
    let slice_labels = listed
        .iter()
        .map(|s| {
            s.predicates
                .iter()
                .map(|&(f, c)| {
                    (
                        table.features[f].name.clone(),
                        table.features[f].level(c).to_string(),
                    )
                })
                .collect()
        })
        .collect();
    Clusters {
        found,
        tree,
        listed,
        by_significance,
        slice_labels,
        equivalents,
        searched_features,
        overall,
        params: params.clone(),
        elapsed_ms: 0.0,
    }
}

/// Everything the Compare view draws beyond the overview.
#[derive(Debug, Clone, Default)]
pub struct ComparisonView {
    pub overall: crate::compare::Comparison,
    pub slices: Vec<crate::compare::SliceComparison>,
    /// `(feature, value)` pairs per slice group.
    pub labels: Vec<Vec<(String, String)>>,
    /// Graded: the examples where the baseline passes and the candidate fails, the
    /// largest score drop first (the review queue).
    pub review: Vec<ReviewItem>,
}

/// An example for review: its row in the table and how far the candidate's
/// grade fell below the baseline's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReviewItem {
    pub row: u32,
    pub drop: f64,
}

/// Rows where the baseline passes (at least half its runs) and the candidate does
/// not, by the candidate's score (else pass rate) minus the baseline's, lowest first.
pub fn review_queue(
    table: &EvalTable,
    mask: Option<&[bool]>,
    baseline: usize,
    candidate: usize,
) -> Vec<ReviewItem> {
    let grades = |m: usize| table.models.get(m).and_then(|x| x.grades.as_deref());
    let (Some(gb), Some(gc)) = (grades(baseline), grades(candidate)) else {
        return Vec::new();
    };
    let (Some(pb), Some(pc)) = (&gb.pass, &gc.pass) else {
        return Vec::new();
    };
    let drops = crate::compare::graded::drops(table, baseline, candidate).unwrap_or_default();
    let mut items: Vec<ReviewItem> = (0..table.len())
        .filter(|&r| mask.is_none_or(|m| m[r]) && pb[r] >= 0.5 && pc[r] < 0.5)
        .map(|r| ReviewItem {
            row: r as u32,
            drop: drops.get(r).copied().unwrap_or(f64::NAN),
        })
        .collect();
    items.sort_by(|a, b| a.drop.total_cmp(&b.drop).then(a.row.cmp(&b.row)));
    items
}

/// The paired comparison of two models on the cohort, per slice of `features`.
pub fn comparison(
    table: &EvalTable,
    mask: Option<&[bool]>,
    threshold: f64,
    baseline: usize,
    candidate: usize,
    features: &[usize],
) -> ComparisonView {
    let table = at_threshold(table, threshold);
    let table = table.as_ref();
    let grouping = group_by(table, features, mask);
    let mut all =
        crate::compare::compare(table, &grouping, baseline, candidate, Bootstrap::default());
    let slices = crate::compare::slice_verdicts(&all);
    let overall = all.pop().unwrap_or_default();
    let labels = grouping.labels(table);
    let review = review_queue(table, mask, baseline, candidate);
    ComparisonView {
        overall,
        slices,
        labels,
        review,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary table of `n` rows: model `a` with scores only, model `b` with a
    /// prediction column and scores (some null), and a region feature.
    fn table(n: usize) -> EvalTable {
        use polars::prelude::*;
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut label, mut sa, mut sb, mut pb, mut region) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let y = next() < 0.4;
            let a = (next() * 0.6 + if y { 0.35 } else { 0.0 }).min(1.0);
            let b = (next() * 0.5 + if y { 0.4 } else { 0.05 }).min(1.0);
            label.push(i64::from(y));
            sa.push((a * 100.0).round() / 100.0);
            sb.push(if i % 17 == 0 { None } else { Some(b) });
            pb.push(if i % 23 == 0 {
                None
            } else {
                Some(i64::from(b >= 0.45))
            });
            region.push(["north", "south", "east"][i % 3]);
        }
        let df = df!(
            "label" => label,
            "score_a" => sa,
            "score_b" => sb,
            "pred_b" => pb,
            "region" => region
        )
        .unwrap();
        crate::load::open::decode(
            std::path::Path::new("t.csv"),
            &df,
            String::new().into(),
            &crate::load::Mapping::default(),
            &crate::load::LoadOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn cells_at_a_moved_threshold_equal_the_cells_of_the_scores_at_it() {
        // A move makes the cells from the score order and the cells as loaded:
        // model a's labels are its scores at 0.5 (tied in hundredths), model b's
        // come from a prediction column with nulls of its own, and its scores
        // have nulls too. Thresholds on ties, between them, outside [0, 1] and
        // NaN; every move from the loaded table and from a moved one; without
        // the loaded cells, from every score and label.
        use crate::load::encode::NULL_CODE;
        use crate::load::table::{Prediction, Target, confusion_cell};
        let t = table(3000);
        let Target::Classes(y) = t.target.as_ref() else {
            panic!("binary table");
        };
        // The window's first overview builds the score orders, and its
        // preparation for cohort changes the cells.
        let _ = overview(&t, None, t.threshold);
        assert!(t.models.iter().all(|m| m.cells_cache.get().is_none()));
        t.prepare_cohort_changes();
        assert!(t.models.iter().all(|m| m.cells_cache.get().is_some()));
        let naive = |m: usize, th: f64| -> (Vec<u8>, usize) {
            let score = t.models[m].score.as_ref().unwrap();
            let cells = score
                .iter()
                .zip(y.iter())
                .map(|(&s, &y)| {
                    let p = if s.is_nan() {
                        NULL_CODE
                    } else {
                        u32::from(s >= th)
                    };
                    confusion_cell(p, y)
                })
                .collect();
            (cells, score.iter().filter(|s| s.is_nan()).count())
        };
        let check = |table: &EvalTable, th: f64| {
            for m in 0..table.models.len() {
                let (cells, nulls) = naive(m, th);
                let got = &table.models[m];
                assert_eq!(got.cells(&table.target), cells, "model {m}, threshold {th}");
                assert_eq!(got.null_predictions, nulls, "model {m}, threshold {th}");
                // Correctness read from the cells equals label == prediction.
                let Prediction::Classes(p) = got.pred() else {
                    panic!("binary table");
                };
                let naive: Vec<bool> = y.iter().zip(p).map(|(a, b)| a == b).collect();
                assert_eq!(table.correct(m), Some(naive), "model {m}, threshold {th}");
            }
        };
        let thresholds = [
            0.0,
            0.3,
            0.37,
            0.375,
            0.45,
            0.5,
            0.500001,
            0.71,
            0.99,
            1.0,
            -1.0,
            2.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for &th in &thresholds {
            let moved = t.with_threshold(th);
            check(&moved, th);
            for th2 in [0.2, 0.62, th, 0.5] {
                check(&moved.with_threshold(th2), th2);
            }
            let cold = table(3000).with_threshold(th);
            assert!(
                cold.models
                    .iter()
                    .all(|m| m.score_order_cache.get().is_none())
            );
            check(&cold, th);
        }
    }

    #[test]
    fn a_moved_thresholds_slice_counts_without_its_cells_equal_those_with_them() {
        // A slice table at a moved threshold counts from the loaded cells' labels
        // and the score order (`tally_moved`) instead of making the cells: the
        // same counts as from the made cells, with and without a cohort, with
        // byte and wide group ids, scored rows counted or not, on either side
        // of the half-way cut, and the cells are still not made after.
        use crate::grouping::SKIP;
        use crate::load::encode::{BYTE_NULL, Codes};
        let t = table(3000);
        let _ = overview(&t, None, t.threshold);
        t.prepare_cohort_changes();
        let region = t.feature_index("region").unwrap();
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 7 != 3).collect();
        for th in [0.0, 0.3, 0.375, 0.5, 0.71, 0.99, 1.0, 2.0, f64::NAN] {
            for mask in [None, Some(mask.as_slice())] {
                let bytes = crate::grouping::group_by(&t, &[region], mask);
                let Codes::Byte(ids) = &bytes.ids else {
                    panic!("a few regions take byte ids");
                };
                let wide = crate::grouping::Grouping {
                    ids: Codes::Wide(
                        ids.iter()
                            .map(|&g| if g == BYTE_NULL { SKIP } else { u32::from(g) })
                            .collect(),
                    ),
                    ..bytes.clone()
                };
                for grouping in [&bytes, &wide] {
                    let moved = t.with_threshold(th);
                    for m in 0..t.models.len() {
                        let lazy = metrics::binary::counts(&moved, m, grouping);
                        let accuracy = metrics::evaluate_with(
                            &moved,
                            grouping,
                            Bootstrap::default(),
                            metrics::Scope::for_metric("accuracy"),
                        );
                        assert!(moved.models[m].cells_cache.get().is_none());
                        assert!(!moved.models[m].predictions.is_made());
                        let _ = moved.models[m].cells(&moved.target);
                        let made = metrics::binary::counts(&moved, m, grouping);
                        assert_eq!(format!("{lazy:?}"), format!("{made:?}"), "{th} {m}");
                        let again = metrics::evaluate_with(
                            &moved,
                            grouping,
                            Bootstrap::default(),
                            metrics::Scope::for_metric("accuracy"),
                        );
                        assert_eq!(
                            format!("{:?}", accuracy.groups),
                            format!("{:?}", again.groups),
                            "{th} {m}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_threshold_change_recomputes_only_the_counts_and_equals_a_full_overview() {
        let full_table = table(3000);
        let mask: Vec<bool> = (0..full_table.len()).map(|r| r % 5 != 0).collect();
        let prev = overview(&full_table, Some(&mask), 0.5);
        for t in [0.3, 0.5, 0.71, 0.5] {
            // A fresh table: its score order was never built, and must not be.
            let fresh = table(3000);
            let fast = overview_at_threshold(&prev, &fresh, Some(&mask), t);
            for m in &fresh.models {
                assert!(
                    m.score_order_cache.get().is_none(),
                    "threshold {t}: the score order was walked"
                );
            }
            let full = overview(&full_table, Some(&mask), t);
            assert_eq!(fast.metrics, full.metrics, "threshold {t}");
            assert_eq!(fast.confusion, full.confusion, "threshold {t}");
        }
    }

    #[test]
    fn a_table_at_a_threshold_is_made_once_and_shared_by_its_clones() {
        let t = std::sync::Arc::new(table(500));
        // At the table's own threshold it is the table itself.
        let own = TableAtThreshold::new(t.clone(), t.threshold);
        assert!(std::ptr::eq(own.get(), &*t));
        let at = TableAtThreshold::new(t.clone(), 0.7);
        assert!(at.is_of(&t, 0.7) && !at.is_of(&t, 0.5));
        let copy = at.clone();
        let made = at.get();
        assert!(std::ptr::eq(made, copy.get()), "made twice");
        assert_eq!(made.threshold, 0.7);
        // The slice table and the overview at the threshold count from the
        // cells; neither makes the models' labels (80 MB at 10M rows).
        let region = t.feature_index("region").unwrap();
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 3 != 0).collect();
        let _ = slices(made, Some(&mask), 0.7, &[region], 0, "accuracy");
        let _ = overview(made, Some(&mask), 0.7);
        assert!(made.models.iter().all(|m| !m.predictions.is_made()));
        let expected = t.with_threshold(0.7);
        let classes = |t: &EvalTable| match t.models[1].pred() {
            crate::load::table::Prediction::Classes(p) => p.clone(),
            crate::load::table::Prediction::Values(_) => panic!("binary table"),
        };
        assert_eq!(classes(made), classes(&expected));
        // The slices of the table made once equal those at the threshold.
        let a = slices(made, None, 0.7, &[region], 0, "accuracy");
        let b = slices(&t, None, 0.7, &[region], 0, "accuracy");
        assert_eq!(a.eval.overall, b.eval.overall);
    }

    #[test]
    fn counts_from_the_kept_score_order_equal_a_pass_over_every_row() {
        // A threshold move counts from the rows the overview kept (a binary search
        // and a count of positives); the pass over every row's score is the
        // reference. Scores of model a are tied in hundredths, so the thresholds
        // below fall on tie values as well as between them; model b has nulls.
        let t = table(3000);
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 5 != 0).collect();
        let thresholds: Vec<f64> = (0..=100)
            .map(|i| f64::from(i) / 100.0)
            .chain([0.005, 0.333, 0.999, -1.0, 2.0, f64::NAN])
            .collect();
        for mask in [None, Some(&mask[..])] {
            let ov = overview(&t, mask, 0.5);
            for m in 0..t.models.len() {
                let cohort = ov.scored_cohorts[m].as_ref().expect("a scored model");
                for &th in &thresholds {
                    let fast = cohort.counts_at(th);
                    let slow = metrics::binary::counts_at(&t, m, mask, th).unwrap();
                    let cells = |c: metrics::binary::Counts| (c.tp, c.fp, c.tn, c.fn_, c.nulls);
                    assert_eq!(cells(fast), cells(slow), "model {m}, threshold {th}");
                }
            }
        }
    }

    #[test]
    fn a_cohort_overview_from_its_kept_rows_equals_the_walk_with_group_lookups() {
        // The overview takes each model's cohort rows from the score order once;
        // the slice path walks the whole order and looks each row's group up.
        // Their overall slots must agree to the bit (metrics, calibration).
        let t = table(3000);
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 7 != 3).collect();
        let ov = overview(&t, Some(&mask), 0.5);
        let region = t.feature_index("region").unwrap();
        let grouping = crate::grouping::group_by(&t, &[region], Some(&mask));
        let eval = metrics::evaluate(&t, &grouping, Bootstrap::default());
        assert_eq!(ov.metrics, eval.overall);
        assert!(ov.metrics[0].value("roc_auc").is_some());
        assert!(ov.metrics[0].value("ece").is_some());
        // With a cost and a sensitive column the overview's grouping (a bitset,
        // no row ids) takes the cost curve and fairness from the cohort's rows.
        let mut priced = t.clone();
        priced.params.cost = Some((1.0, 4.0));
        priced.params.sensitive = vec!["region".into()];
        let ov = overview(&priced, Some(&mask), 0.5);
        let eval = metrics::evaluate(&priced, &grouping, Bootstrap::default());
        assert_eq!(ov.metrics, eval.overall);
        assert!(ov.metrics[1].cost.is_some() && !ov.metrics[1].fairness.is_empty());
        // The curves equal those of a table holding only the cohort's rows.
        let order = t.models[1].score_order(&t.target);
        let set = crate::grouping::RowSet::from_mask(&mask);
        let kept = crate::grouping::kept_order(order, Some(&set));
        let naive: Vec<_> = (order.scored.iter().zip(&order.rows))
            .filter(|(_, row)| mask[**row as usize])
            .map(|(r, _)| *r)
            .collect();
        assert_eq!(kept[..], naive[..]);
        let rows = mask.iter().filter(|&&k| k).count();
        assert_eq!(ov.curves[1], curves::rank_curves_of(&kept, rows));
    }

    #[test]
    fn a_cohorts_rank_walked_along_its_copy_is_the_walk_of_the_copy() {
        // With the cells as bits (made by the preparation), a cohort's scored
        // positives and negatives are counted first and its rank sums walked
        // along the copy: the same sums as a walk of the copy after it, to the
        // bit, for a model with tied scores and one with null scores.
        let t = table(3000);
        let _ = overview(&t, None, 0.5);
        t.prepare_cohort_changes();
        let masks: [Vec<bool>; 3] = [
            (0..t.len()).map(|r| r % 7 != 3).collect(),
            (0..t.len()).map(|r| r % 3 == 1).collect(),
            (0..t.len()).map(|r| r % 17 == 0).collect(),
        ];
        for mask in &masks {
            let set = crate::grouping::RowSet::from_mask(mask);
            for m in 0..2 {
                let nulls = curves::null_scores(&t, m, Some(mask));
                let totals = metrics::binary::cohort_scored_labels(&t.models[m], &set, nulls);
                let kept = metrics::binary::kept_rows_ranked(&t, m, Some(&set), totals);
                let rank = kept.rank.expect("walked along the copy");
                let s = &kept.sums;
                let after =
                    metrics::binary::Rank::walk(&kept.rows, s.scored_pos, s.scored - s.scored_pos);
                assert_eq!(format!("{rank:?}"), format!("{after:?}"));
            }
        }
        // Totals that are not the rows' own are not used.
        let set = crate::grouping::RowSet::from_mask(&masks[0]);
        let kept = metrics::binary::kept_rows_ranked(&t, 0, Some(&set), Some((1, 1)));
        assert!(kept.rank.is_none());
    }

    #[test]
    fn a_cohort_copies_its_rows_into_the_prepared_buffer_and_gives_it_back() {
        // The window prepares a buffer and the log losses per model; a cohort's
        // overview copies its rows into the buffer (same numbers as without
        // either) and, dropped, gives it back for the next change.
        let t = table(3000);
        let reference = table(3000);
        let n = |m: usize| t.models[m].score_order(&t.target).len();
        let spare = |m: usize| t.models[m].cohort_rows_spare.capacity();
        let _ = overview(&t, None, 0.5);
        assert!(!t.cohort_changes_prepared());
        t.prepare_cohort_changes();
        assert!(t.cohort_changes_prepared());
        assert!((0..2).all(|m| spare(m) >= n(m)));
        let east: Vec<bool> = (0..t.len()).map(|r| r % 7 != 3).collect();
        let west: Vec<bool> = (0..t.len()).map(|r| r % 3 == 1).collect();
        let first = overview(&t, Some(&east), 0.5);
        assert!((0..2).all(|m| spare(m) == 0));
        assert!(!t.cohort_changes_prepared());
        let without = overview(&reference, Some(&east), 0.5);
        // Without the preparation the walk took the log losses itself.
        assert!(
            reference
                .models
                .iter()
                .all(|m| m.log_loss_cache.get().is_none())
        );
        assert!(t.models.iter().all(|m| m.log_loss_cache.get().is_some()));
        assert_eq!(first.metrics, without.metrics);
        assert_eq!(first.curves, without.curves);
        for m in 0..2 {
            let (a, b) = (&first.scored_cohorts[m], &without.scored_cohorts[m]);
            let cells = |c: metrics::binary::Counts| (c.tp, c.fp, c.tn, c.fn_, c.nulls);
            let at = |c: &Option<metrics::binary::ScoredCohort>, th| {
                cells(c.as_ref().unwrap().counts_at(th))
            };
            assert_eq!(at(a, 0.3), at(b, 0.3));
        }
        // The next cohort finds no spare and makes its own; the first one's
        // buffer comes back when its overview is replaced.
        let second = overview(&t, Some(&west), 0.5);
        assert!((0..2).all(|m| spare(m) == 0));
        drop(first);
        assert!((0..2).all(|m| spare(m) >= n(m)));
        assert!(t.cohort_changes_prepared());
        assert_eq!(
            second.metrics,
            overview(&reference, Some(&west), 0.5).metrics
        );
    }

    #[test]
    fn a_slice_table_hands_its_ids_to_the_next_grouping_which_is_the_same() {
        use crate::load::encode::Codes;
        let t = table(3000);
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 4 != 1).collect();
        let region = t.feature_index("region").unwrap();
        t.group_ids_spare.fill(t.len(), u8::MAX);
        // A slice table takes the spare and gives it back once counted.
        let st = slices(&t, Some(&mask), 0.5, &[region], 1, "accuracy");
        assert!(st.grouping.ids.is_empty());
        assert!(t.group_ids_spare.capacity() >= t.len());
        // The next grouping (of every row, where the table left out a
        // quarter) writes over the last table's ids; one made in fresh memory
        // (the spare is taken now) must be the same.
        let reused = crate::grouping::group_by(&t, &[region], None);
        assert_eq!(t.group_ids_spare.capacity(), 0);
        let fresh = crate::grouping::group_by(&t, &[region], None);
        let bytes = |g: &Grouping| match &g.ids {
            Codes::Byte(ids) => ids.clone(),
            Codes::Wide(_) => panic!("byte ids"),
        };
        assert_eq!(bytes(&reused), bytes(&fresh));
        assert_eq!((&reused.keys, &reused.sizes), (&fresh.keys, &fresh.sizes));
    }

    #[test]
    fn a_slice_table_computes_only_its_metric_and_equals_the_full_evaluation() {
        let t = table(3000);
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 4 != 1).collect();
        let region = t.feature_index("region").unwrap();
        let grouping = crate::grouping::group_by(&t, &[region], Some(&mask));
        let full = metrics::evaluate(&t, &grouping, Bootstrap::default());
        for metric in ["accuracy", "precision", "f1", "roc_auc", "log_loss", "ece"] {
            let st = slices(&t, Some(&mask), 0.5, &[region], 1, metric);
            for (g, sets) in st.eval.groups.iter().enumerate() {
                assert_eq!(
                    sets[1].get(metric),
                    full.groups[g][1].get(metric),
                    "{metric}, slice {g}"
                );
            }
            let scoped = &st.eval.overall[1];
            // A table of accuracy walks no score order and draws no bootstrap.
            if metric == "accuracy" {
                assert!(scoped.get("roc_auc").is_none() && scoped.get("ece").is_none());
                assert!(scoped.get("f1").is_some_and(|m| m.ci.is_none()));
            }
        }
    }

    #[test]
    fn confusion_counts_per_slice_equal_a_naive_count() {
        // The tally is branch-free (cells indexed by prediction kind and label,
        // rows outside the cohort in a spare slot): check it against the rule.
        use crate::load::encode::NULL_CODE;
        use crate::load::table::{Prediction, Target};
        let t = table(3000);
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 6 != 2).collect();
        let region = t.feature_index("region").unwrap();
        let (Target::Classes(y), Prediction::Classes(p)) = (t.target.as_ref(), t.models[1].pred())
        else {
            panic!("binary table");
        };
        assert!(p.contains(&NULL_CODE), "the table has null predictions");
        let score = t.models[1].score.as_deref().unwrap();
        let whole = Grouping::whole(t.len(), Some(&mask));
        // A whole grouping counts from its bitset, or from its ids without one.
        let whole_by_ids = Grouping {
            members: None,
            ..whole.clone()
        };
        // First from the labels and predictions, then from the kept cells.
        for cached in [false, true] {
            if cached {
                assert_eq!(t.models[1].cells(&t.target).len(), t.len());
            }
            for grouping in [
                crate::grouping::group_by(&t, &[region], Some(&mask)),
                whole.clone(),
                whole_by_ids.clone(),
            ] {
                let counts = metrics::binary::counts(&t, 1, &grouping);
                assert_eq!(counts.len(), grouping.len() + 1);
                for (s, c) in counts.iter().enumerate() {
                    let rows: Vec<usize> = (0..t.len())
                        .filter(|&r| {
                            mask[r] && (s == grouping.len() || grouping.ids[r] as usize == s)
                        })
                        .collect();
                    let n =
                        |f: &dyn Fn(usize) -> bool| rows.iter().filter(|&&r| f(r)).count() as u64;
                    assert_eq!(c.tp, n(&|r| p[r] == 1 && y[r] == 1), "slot {s}");
                    assert_eq!(c.fp, n(&|r| p[r] != 0 && y[r] == 0), "slot {s}");
                    assert_eq!(c.tn, n(&|r| p[r] == 0 && y[r] == 0), "slot {s}");
                    assert_eq!(c.fn_, n(&|r| p[r] != 1 && y[r] == 1), "slot {s}");
                    assert_eq!(c.nulls, n(&|r| p[r] == NULL_CODE), "slot {s}");
                    assert_eq!(c.scored, n(&|r| !score[r].is_nan()), "slot {s}");
                    assert_eq!(
                        c.scored_pos,
                        n(&|r| !score[r].is_nan() && y[r] == 1),
                        "slot {s}"
                    );
                }
            }
        }
        // At another threshold the cells are made with it, straight from the
        // scores; the labels wait for a reader, and agree with the cells.
        let moved = t.with_threshold(0.6);
        assert!(moved.models[1].cells_cache.get().is_some());
        assert!(!moved.models[1].predictions.is_made());
        let cells = moved.models[1].cells(&moved.target).to_vec();
        let Prediction::Classes(p6) = moved.models[1].pred() else {
            panic!("binary table");
        };
        for (r, &p) in p6.iter().enumerate() {
            let s = t.models[1].score.as_ref().unwrap()[r];
            let at = if s.is_nan() {
                NULL_CODE
            } else {
                u32::from(s >= 0.6)
            };
            assert_eq!(p, at, "row {r}");
        }
        let naive: Vec<u8> = (0..t.len())
            .map(|r| crate::load::table::confusion_cell(p6[r], y[r]))
            .collect();
        assert_eq!(cells, naive);
        assert_ne!(
            moved.models[1].cells(&moved.target),
            t.models[1].cells(&t.target)
        );
    }

    #[test]
    fn groupings_of_small_and_large_key_spaces_equal_a_naive_grouping() {
        // Small key spaces take one counting pass (`group_small`, keys of a byte
        // or of two), larger ones number the occurring keys (dense or hashed);
        // all must number groups in key order, whatever the codes' width.
        use crate::load::encode::{Codes, Encoded, NULL_CODE};
        use crate::load::table::{Feature, FeatureKind};
        let mut t = table(3000);
        // A feature of `levels` levels, row r's code `r * step % levels`, null
        // on every `null_every`-th row.
        let feature = |name: &str, levels: u32, step: u32, null_every: u32| Feature {
            name: name.into(),
            kind: FeatureKind::Categorical,
            codes: Encoded::<Vec<u32>> {
                codes: (0..t.len() as u32)
                    .map(|r| {
                        if r % null_every == 0 {
                            NULL_CODE
                        } else {
                            (r * step) % levels
                        }
                    })
                    .collect(),
                levels: (0..levels).map(|k| format!("{name}{k}")).collect(),
            }
            .into(),
        };
        let mut features = (*t.features).clone();
        // 5000 levels: u32 codes; a hundred levels: byte codes. Both with nulls.
        features.push(feature("many", 5000, 7, 11));
        features.push(feature("hundred", 100, 3, 13));
        t.features = std::sync::Arc::new(features);
        let region = t.feature_index("region").unwrap();
        let many = t.feature_index("many").unwrap();
        let hundred = t.feature_index("hundred").unwrap();
        assert!(matches!(t.features[many].codes.codes, Codes::Wide(_)));
        assert!(matches!(t.features[hundred].codes.codes, Codes::Byte(_)));
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 5 != 1).collect();
        for (features, cohort) in [
            (vec![region], None),
            (vec![region], Some(mask.as_slice())),
            (vec![hundred], Some(mask.as_slice())),
            (vec![region, hundred], None),
            (vec![hundred, region], Some(mask.as_slice())),
            (vec![region, many], Some(mask.as_slice())),
            (vec![many, region], None),
            (vec![many, hundred], Some(mask.as_slice())),
            (vec![many, many], Some(mask.as_slice())),
        ] {
            let g = crate::grouping::group_by(&t, &features, cohort);
            // Naive: the key tuple of each kept row (nulls last), sorted.
            let key = |r: usize| -> Vec<u64> {
                features
                    .iter()
                    .map(|&f| match t.features[f].codes.codes[r] {
                        NULL_CODE => u64::MAX,
                        c => u64::from(c),
                    })
                    .collect()
            };
            let kept: Vec<usize> = (0..t.len())
                .filter(|&r| cohort.is_none_or(|c| c[r]))
                .collect();
            let mut keys: Vec<Vec<u64>> = kept.iter().map(|&r| key(r)).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(g.len(), keys.len(), "{features:?}");
            for r in 0..t.len() {
                let want = if cohort.is_none_or(|c| c[r]) {
                    keys.binary_search(&key(r)).unwrap() as u32
                } else {
                    crate::grouping::SKIP
                };
                assert_eq!(g.ids[r], want, "{features:?}, row {r}");
            }
            for (slot, k) in keys.iter().enumerate() {
                let size = kept.iter().filter(|&&r| &key(r) == k).count() as u64;
                assert_eq!(g.sizes[slot], size, "{features:?}, slot {slot}");
                let decoded: Vec<u64> = g.keys[slot]
                    .iter()
                    .map(|&c| {
                        if c == NULL_CODE {
                            u64::MAX
                        } else {
                            u64::from(c)
                        }
                    })
                    .collect();
                assert_eq!(&decoded, k);
            }
        }
    }

    #[test]
    fn slice_calibration_by_stretches_equals_the_ascending_walk() {
        // Each slot's calibration from its rows of the score order (the path
        // without a cost curve) equals the one from its rows sorted ascending,
        // bootstrap interval included.
        use crate::metrics::calibration;
        let t = table(3000);
        let region = t.feature_index("region").unwrap();
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 7 != 3).collect();
        for cohort in [None, Some(mask.as_slice())] {
            let g = crate::grouping::group_by(&t, &[region], cohort);
            let by_rows = metrics::slot_scored_rows(&t, 0, &g);
            let sorted = metrics::slot_sorted_scores(&t, 0, &g);
            assert_eq!(by_rows.len(), g.len() + 1);
            // Every row has a region: without a cohort the overall slot is the
            // order itself, borrowed; with one, the cohort's rows copied.
            let borrowed = matches!(by_rows.last(), Some(std::borrow::Cow::Borrowed(_)));
            assert_eq!(borrowed, cohort.is_none());
            for (rows, asc) in by_rows.iter().zip(&sorted) {
                assert_eq!(rows.len(), asc.len());
                assert!(!rows.is_empty());
                for bins in [1, 3, 10] {
                    let a =
                        calibration::calibration_of_descending(rows, bins, Bootstrap::default(), 7);
                    let b = calibration::calibration(asc, bins, Bootstrap::default(), 7);
                    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{bins} bins");
                }
            }
        }
    }

    #[test]
    fn rank_sums_agree_whatever_the_width_of_the_group_ids() {
        // 300 slices need 16-bit ids; the same rows in 3 slices fit a byte. The
        // overall slot's rank metrics must not depend on the width.
        let t = table(3000);
        let region = t.feature_index("region").unwrap();
        let narrow = crate::grouping::group_by(&t, &[region], None);
        let mut wide = narrow.clone();
        wide.ids = crate::load::encode::Codes::Wide((0..t.len() as u32).map(|r| r % 300).collect());
        wide.keys = vec![Vec::new(); 300];
        wide.sizes = vec![10; 300];
        assert!(matches!(
            wide.slot_ids(),
            crate::grouping::SlotIds::Short(_)
        ));
        assert!(matches!(
            narrow.slot_ids(),
            crate::grouping::SlotIds::Byte(_)
        ));
        let a = metrics::binary::evaluate(&t, 0, &narrow, Bootstrap::default());
        let b = metrics::binary::evaluate(&t, 0, &wide, Bootstrap::default());
        let last = |v: &[MetricSet]| v.last().cloned().unwrap();
        for m in ["roc_auc", "average_precision", "log_loss", "brier"] {
            assert_eq!(last(&a).get(m), last(&b).get(m), "{m}");
        }
        // The same groups with `u32` ids (and a cohort) count and walk alike.
        let mask: Vec<bool> = (0..t.len()).map(|r| r % 7 != 3).collect();
        let narrow = crate::grouping::group_by(&t, &[region], Some(&mask));
        assert!(matches!(narrow.ids, crate::load::encode::Codes::Byte(_)));
        let mut wide = narrow.clone();
        wide.ids = crate::load::encode::Codes::Wide(narrow.ids.to_wide());
        let a = metrics::evaluate(&t, &narrow, Bootstrap::default());
        let b = metrics::evaluate(&t, &wide, Bootstrap::default());
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert!(a.groups.len() > 2 && a.overall.len() == t.models.len());
    }
}
