//! Metrics per model, overall and per group, with 95% intervals (contract section 4).
//! Each task has its own module; all of them take the same [`Grouping`] so that one
//! pass over the rows fills every slice and the overall slot at once.

pub mod binary;
pub mod calibration;
pub mod cost;
pub mod fairness;
pub mod graded;
pub mod multiclass;
pub mod ranking;
pub mod regression;

use std::borrow::Cow;

use rayon::prelude::*;

use crate::grouping::{Grouping, SKIP, SlotIds, SlotOf, for_each_slotted};
use crate::load::encode::{Code, Codes};
use crate::load::roles::Task;
use crate::load::scores::ScoreOrder;
use crate::load::table::EvalTable;
use crate::stats::{Bootstrap, Interval};

/// One metric's value (None where undefined) and interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: &'static str,
    pub value: Option<f64>,
    pub ci: Option<Interval>,
}

/// Every metric of one model on one group of rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricSet {
    pub n: u64,
    pub null_predictions: u64,
    pub metrics: Vec<Metric>,
    /// Facts that are not metrics but qualify them (graded: `k`, the examples
    /// pass@k covers, the clusters), written as plain keys of the JSON object.
    pub extras: Vec<(&'static str, f64)>,
    /// Binary with `--sensitive`: fairness across each sensitive feature (on the
    /// overall slot).
    pub fairness: Vec<fairness::Fairness>,
    /// Binary with scores and `--cost-fp/--cost-fn`: the cost-minimizing threshold.
    pub cost: Option<cost::CostCurve>,
    /// Binary: the confusion cells `[tn, fp, fn, tp]` (a null prediction is wrong).
    pub cells: Option<[u64; 4]>,
}

impl MetricSet {
    pub fn get(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.name == name)
    }

    pub fn value(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(|m| m.value)
    }

    pub(crate) fn push(&mut self, name: &'static str, value: Option<f64>, ci: Option<Interval>) {
        let value = value.filter(|v| v.is_finite());
        let ci = ci.filter(|c| value.is_some() && c[0].is_finite() && c[1].is_finite());
        self.metrics.push(Metric { name, value, ci });
    }
}

/// Metrics of every model: `overall[model]` and `groups[group][model]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evaluation {
    pub overall: Vec<MetricSet>,
    pub groups: Vec<Vec<MetricSet>>,
}

/// The metric names of a table, in display order.
pub fn metric_names(table: &EvalTable) -> Vec<&'static str> {
    if table.task == Task::Graded {
        let has = |f: fn(&crate::load::table::Grades) -> bool| {
            table
                .models
                .iter()
                .any(|m| m.grades.as_deref().is_some_and(f))
        };
        let mut v = Vec::new();
        if has(|g| g.pass.is_some()) {
            v.push("pass_rate");
        }
        if has(|g| g.score.is_some()) {
            v.push("mean_score");
        }
        if table.params.k.is_some() && has(|g| g.pass.is_some()) {
            v.push("pass_at_k");
        }
        if has(|g| g.pass.is_some()) {
            v.push("within_variance_pass");
        }
        if has(|g| g.score.is_some()) {
            v.push("within_variance_score");
        }
        return v;
    }
    if table.task == Task::Ranking {
        return ranking::metric_names(&table.params.ranking_ks());
    }
    let has_scores = table.models.iter().any(|m| m.score.is_some());
    let mut v = task_metric_names(table.task, has_scores);
    if table.task == Task::Binary {
        if table.params.cost.is_some() {
            v.push("expected_cost");
        }
        if has_scores {
            v.extend(calibration::NAMES);
        }
    }
    v
}

/// The metric names of a task, in display order (graded: those of a model with
/// both grades and no pass@k).
pub fn task_metric_names(task: Task, has_scores: bool) -> Vec<&'static str> {
    match task {
        Task::Binary => {
            let mut v = binary::THRESHOLD_METRICS.to_vec();
            if has_scores {
                v.extend(["roc_auc", "average_precision", "log_loss", "brier"]);
            }
            v
        }
        Task::Multiclass => vec![
            "accuracy",
            "error_rate",
            "macro_f1",
            "weighted_f1",
            "micro_f1",
        ],
        Task::Regression => vec!["mae", "rmse", "r2", "mean_error"],
        Task::Ranking => ranking::metric_names(&[5, 10]),
        Task::Graded => vec![
            "pass_rate",
            "mean_score",
            "within_variance_pass",
            "within_variance_score",
        ],
    }
}

/// Computes every model's metrics on every group and on all grouped rows.
pub fn evaluate(table: &EvalTable, grouping: &Grouping, boot: Bootstrap) -> Evaluation {
    evaluate_with(table, grouping, boot, Scope::ALL)
}

/// Which of a binary model's costlier metrics a caller shows; the others are not
/// computed (other tasks compute everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// ROC AUC, average precision, log loss and Brier: a walk of the score order.
    pub ranks: bool,
    /// Calibration, cost and fairness: another walk and their bootstraps.
    pub extras: bool,
    /// F1's bootstrap interval (a thousand multinomial draws per slot).
    pub f1_interval: bool,
}

impl Scope {
    pub const ALL: Scope = Scope {
        ranks: true,
        extras: true,
        f1_interval: true,
    };
    /// Everything but the extras (a paired comparison).
    pub const NO_EXTRAS: Scope = Scope {
        ranks: true,
        extras: false,
        f1_interval: true,
    };

    /// What a view showing one metric needs: a slice table of accuracy needs
    /// neither walk nor F1's bootstrap.
    pub fn for_metric(name: &str) -> Scope {
        Scope {
            ranks: !binary::THRESHOLD_METRICS.contains(&name) && name != "expected_cost",
            extras: is_extra_metric(name),
            f1_interval: name == "f1",
        }
    }
}

/// [`evaluate`] of what `scope` asks for.
pub fn evaluate_with(
    table: &EvalTable,
    grouping: &Grouping,
    boot: Bootstrap,
    scope: Scope,
) -> Evaluation {
    // The walks read each model's score order: sorted side by side first, one
    // model a thread, rather than each with a parallel sort inside the
    // per-model jobs (less CPU in all).
    if scope.ranks || scope.extras {
        crate::load::table::ModelData::sort_scores(&table.models, &table.target);
    }
    let per_model: Vec<Vec<MetricSet>> = (0..table.models.len())
        .into_par_iter()
        .map(|m| evaluate_model_with(table, m, grouping, boot, scope))
        .collect();
    Evaluation::from_models(per_model, grouping.len())
}

impl Evaluation {
    /// Arranges each model's metric sets (groups, then overall) by group.
    pub fn from_models(per_model: Vec<Vec<MetricSet>>, n_groups: usize) -> Evaluation {
        let at = |slots: &[MetricSet], s: usize| slots.get(s).cloned().unwrap_or_default();
        let overall = per_model.iter().map(|slots| at(slots, n_groups)).collect();
        let groups = (0..n_groups)
            .map(|g| per_model.iter().map(|slots| at(slots, g)).collect())
            .collect();
        Evaluation { overall, groups }
    }
}

/// One model's metric sets: one per group, then the overall one.
pub fn evaluate_model(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
) -> Vec<MetricSet> {
    evaluate_model_with(table, model, grouping, boot, Scope::ALL)
}

/// [`evaluate_model`] of what `scope` asks for.
pub fn evaluate_model_with(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
    scope: Scope,
) -> Vec<MetricSet> {
    evaluate_model_sorted(table, model, grouping, boot, scope, None)
}

/// [`evaluate_model_with`] on a whole grouping (one group, a cohort) whose scored
/// rows by descending score are `kept` ([`binary::kept_rows`]): the window's
/// overview takes them once per cohort for metrics and curves alike.
pub fn evaluate_model_sorted(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
    scope: Scope,
    kept: Option<&binary::Kept>,
) -> Vec<MetricSet> {
    let kept = kept.filter(|_| grouping.is_whole());
    match table.task {
        Task::Binary => {
            let m = &table.models[model];
            let taken;
            let kept = match kept {
                Some(k) => Some(k),
                None if grouping.is_whole()
                    && m.score.is_some()
                    && (scope.ranks || scope.extras) =>
                {
                    taken = binary::kept_rows(table, model, grouping.row_set().as_ref());
                    Some(&taken)
                }
                None => None,
            };
            // Without F1's interval, its bootstrap draws nothing.
            let f1_boot = Bootstrap {
                resamples: if scope.f1_interval { boot.resamples } else { 0 },
                ..boot
            };
            let mut sets =
                binary::evaluate_sorted(table, model, grouping, f1_boot, kept, scope.ranks);
            if scope.extras {
                binary_extras(table, model, grouping, boot, kept, &mut sets);
            }
            sets
        }
        Task::Multiclass => multiclass::evaluate(table, model, grouping, boot),
        Task::Regression => regression::evaluate(table, model, grouping, boot),
        Task::Graded => graded::evaluate(table, model, grouping),
        Task::Ranking => ranking::evaluate(table, model, grouping, boot),
    }
}

/// True for the metrics that only [`evaluate_with`]'s extras compute.
pub fn is_extra_metric(name: &str) -> bool {
    name == "expected_cost" || calibration::NAMES.contains(&name)
}

/// Checks the metric parameters against the table: fairness needs a binary task
/// and sensitive columns of at least two groups; calibration and the cost
/// optimum need a binary task.
pub fn check_params(table: &EvalTable) -> crate::error::Result<()> {
    use crate::error::Error;
    let p = &table.params;
    let binary_only = |what: &str| -> crate::error::Result<()> {
        if table.task != Task::Binary {
            return Err(Error::Usage(format!(
                "{what} is for binary tasks; {} is {}",
                table.dataset.path.display(),
                table.task.as_str()
            )));
        }
        Ok(())
    };
    if !p.sensitive.is_empty() {
        binary_only("--sensitive")?;
    }
    if p.cost.is_some() {
        binary_only("--cost-fp/--cost-fn")?;
    }
    if p.calibration_bins.is_some() {
        binary_only("--calibration-bins")?;
    }
    for col in &p.sensitive {
        let f = table.feature_index(col)?;
        let codes = &table.features[f].codes;
        let mut seen = vec![false; codes.levels.len() + 1];
        for c in codes.codes.iter() {
            let i = if c == crate::load::encode::NULL_CODE {
                codes.levels.len()
            } else {
                c as usize
            };
            seen[i] = true;
        }
        let groups = seen.iter().filter(|&&s| s).count();
        if groups < 2 {
            return Err(Error::BadColumn {
                path: table.dataset.path.clone(),
                column: table.features[f].name.clone(),
                detail: "the sensitive column has one group; fairness compares at least two".into(),
            });
        }
    }
    Ok(())
}

/// Calibration, cost and fairness of a binary model, added to its metric sets.
fn binary_extras(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
    kept: Option<&binary::Kept>,
    sets: &mut [MetricSet],
) {
    let n_groups = grouping.len();
    let params = &table.params;
    if let Some(costs) = params.cost {
        // From the confusion cells the metrics pass counted.
        for set in sets.iter_mut() {
            let cost = set.cells.and_then(|c| cost::expected_cost(c, costs));
            set.push("expected_cost", cost, None);
        }
    }
    let whole = grouping.is_whole();
    if let Some(kept) = kept.filter(|_| whole && params.cost.is_none()) {
        // One group of every row (the window's cohort, `metrics` without `--by`):
        // the cohort's scored rows by ascending score, ties in row order.
        let (bins, stream) = (params.bins(), stream_id(model, n_groups, n_groups, 0xca));
        let cal = calibration::calibration_of_descending(&kept.rows, bins, boot, stream);
        for set in sets.iter_mut() {
            calibration::push(set, &cal);
        }
    } else if table.models[model].score.is_some() {
        // Per slot (all rows of a whole grouping once). Calibration alone takes
        // each slot's rows of the score order as they come, binned by stretches
        // (`calibration_of_descending`: the same cells as the ascending walk);
        // a cost curve needs each slot's rows sorted ascending.
        let bins = params.bins();
        let keep = |s: usize| !whole || s == n_groups;
        let cal_stream = |s: usize| stream_id(model, s, n_groups, 0xca);
        let mut results: Vec<(calibration::Calibration, Option<cost::CostCurve>)> =
            match params.cost {
                None => {
                    // Two slots a task, their bootstraps side by side.
                    let rows = slot_scored_rows(table, model, grouping);
                    let slots: Vec<(&[crate::load::scores::ScoredRow], u64)> = (rows.iter())
                        .enumerate()
                        .filter(|&(s, _)| keep(s))
                        .map(|(s, rows)| (&rows[..], cal_stream(s)))
                        .collect();
                    slots
                        .par_chunks(2)
                        .flat_map_iter(|pair| {
                            calibration::calibrations_of_descending(pair, bins, boot)
                                .into_iter()
                                .map(|cal| (cal, None))
                        })
                        .collect()
                }
                Some((a, b)) => slot_sorted_scores(table, model, grouping)
                    .par_iter()
                    .enumerate()
                    .filter(|&(s, _)| keep(s))
                    .map(|(s, rows)| {
                        let cal = calibration::calibration(rows, bins, boot, cal_stream(s));
                        let mut c =
                            cost::cost_curve(rows, a, b, boot, stream_id(model, s, n_groups, 0xc0));
                        // Every distinct score is too many to keep: a 101-point grid.
                        c.points = c.grid(100);
                        (cal, Some(c))
                    })
                    .collect(),
            };
        if whole && let Some(first) = results.first().cloned() {
            results.insert(0, first);
        }
        for (set, (cal, curve)) in sets.iter_mut().zip(results) {
            calibration::push(set, &cal);
            set.cost = curve;
        }
    }
    if let Some(overall) = sets.last_mut()
        && !params.sensitive.is_empty()
    {
        // The cohort's rows as a mask, for the fairness of each sensitive column.
        let mask: Option<Vec<bool>> = match &grouping.members {
            Some(set) => {
                let mut mask = vec![false; table.len()];
                set.for_each(|r| mask[r] = true);
                Some(mask)
            }
            None => (n_groups != 1 || grouping.ids.contains_null())
                .then(|| grouping.ids.iter().map(|g| g != SKIP).collect()),
        };
        for col in &params.sensitive {
            if let Ok(f) = table.feature_index(col)
                && let Some(fair) = fairness::fairness(table, model, f, mask.as_deref(), boot)
            {
                overall.fairness.push(fair);
            }
        }
    }
}

/// Per slot (groups, then overall), the rows' `(score, positive)` by ascending
/// score, tied scores in row order (numpy's stable argsort); null scores left out.
pub fn slot_sorted_scores(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
) -> Vec<Vec<(f64, bool)>> {
    let m = &table.models[model];
    let order = m.score_order(&table.target);
    let n_groups = grouping.len();
    let mut out: Vec<Vec<(f64, bool)>> = vec![Vec::new(); n_groups + 1];
    out[n_groups].reserve(order.len());
    let whole = grouping.features.is_empty() && n_groups == 1;
    if whole {
        // Its rows (a bitset, or every row) with no group to look up.
        out[n_groups] = crate::load::scores::ascending(&grouping.kept_rows(order)).collect();
        return out;
    }
    for (v, &size) in out.iter_mut().zip(&grouping.sizes) {
        v.reserve_exact(size as usize);
    }
    match grouping.slot_ids() {
        SlotIds::Byte(ids) => fill_sorted(order, ids, &mut out),
        SlotIds::Short(ids) => fill_sorted(order, &ids[..], &mut out),
        SlotIds::Wide(ids) => fill_sorted(order, ids, &mut out),
    }
    out
}

/// [`slot_sorted_scores`]' walk: `order` is by descending score with ties in row
/// order, so it goes backwards one run of tied scores at a time, each run forwards.
fn fill_sorted<S: SlotOf + ?Sized>(order: &ScoreOrder, ids: &S, out: &mut [Vec<(f64, bool)>]) {
    let n_groups = out.len() - 1;
    let scored = &order.scored;
    let mut end = scored.len();
    while end > 0 {
        let s = scored[end - 1].score();
        let mut start = end - 1;
        while start > 0 && scored[start - 1].score() == s {
            start -= 1;
        }
        for (r, &row) in scored[start..end].iter().zip(&order.rows[start..end]) {
            if let Some(g) = ids.slot(row) {
                out[g].push((r.score(), r.positive()));
                out[n_groups].push((r.score(), r.positive()));
            }
        }
        end = start;
    }
}

/// Per slot (groups, then overall), the rows of `model`'s score order: by
/// descending score, ties in row order; null scores left out. When every row is
/// in some group the overall slot is the order itself, borrowed (at 1M rows,
/// 8 MB a model not copied).
pub fn slot_scored_rows<'a>(
    table: &'a EvalTable,
    model: usize,
    grouping: &Grouping,
) -> Vec<Cow<'a, [crate::load::scores::ScoredRow]>> {
    use crate::load::scores::ScoredRow;
    let order = table.models[model].score_order(&table.target);
    let n_groups = grouping.len();
    if grouping.is_whole() {
        let mut out = vec![Cow::Borrowed(&[][..]); n_groups];
        out.push(grouping.kept_rows(order));
        return out;
    }
    fn fill<S: SlotOf + ?Sized>(
        order: &ScoreOrder,
        ids: &S,
        groups: &mut [Vec<ScoredRow>],
        mut overall: Option<&mut Vec<ScoredRow>>,
    ) {
        for_each_slotted(ids, &order.rows, |i, g| {
            let r = order.scored[i];
            groups[g].push(r);
            if let Some(o) = overall.as_deref_mut() {
                o.push(r);
            }
        });
    }
    let mut groups: Vec<Vec<ScoredRow>> = grouping
        .sizes
        .iter()
        .map(|&size| Vec::with_capacity(size as usize))
        .collect();
    let mut overall = (!grouping.holds_every_row()).then(|| Vec::with_capacity(order.len()));
    match grouping.slot_ids() {
        SlotIds::Byte(ids) => fill(order, ids, &mut groups, overall.as_mut()),
        SlotIds::Short(ids) => fill(order, &ids[..], &mut groups, overall.as_mut()),
        SlotIds::Wide(ids) => fill(order, ids, &mut groups, overall.as_mut()),
    }
    let overall = match overall {
        Some(rows) => Cow::Owned(rows),
        None => Cow::Borrowed(&order.scored[..]),
    };
    groups
        .into_iter()
        .map(Cow::Owned)
        .chain([overall])
        .collect()
}

/// Calls `f(row, slot)` for the row's group slot and for the overall slot
/// (`n_groups`), skipping rows outside every group.
#[inline]
pub(crate) fn for_each_slot(grouping: &Grouping, f: impl FnMut(usize, usize)) {
    fn each<C: Code>(ids: &[C], overall: usize, mut f: impl FnMut(usize, usize)) {
        for (r, &g) in ids.iter().enumerate() {
            let g = g.wide();
            if g != SKIP {
                f(r, g as usize);
                f(r, overall);
            }
        }
    }
    match &grouping.ids {
        Codes::Byte(ids) => each(ids, grouping.len(), f),
        Codes::Wide(ids) => each(ids, grouping.len(), f),
    }
}

/// A random stream id unique to (model, slot); the overall slot's does not depend
/// on how many groups there are.
pub(crate) fn stream_id(model: usize, slot: usize, n_groups: usize, salt: u64) -> u64 {
    ((model as u64) << 40) ^ (crate::stats::slot_stream(slot, n_groups) << 4) ^ salt
}
