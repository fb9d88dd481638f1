//! Metrics per model, overall and per group, with 95% intervals (contract section 4).
//! Each task has its own module; all of them take the same [`Grouping`] so that one
//! pass over the rows fills every slice and the overall slot at once.

pub mod binary;
pub mod graded;
pub mod ranking;
pub mod multiclass;
pub mod regression;

use rayon::prelude::*;

use crate::grouping::{Grouping, SKIP};
use crate::load::roles::Task;
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
    task_metric_names(table.task, has_scores)
}

/// The metric names of a task, in display order (graded: those of a model with
/// both grades and no pass@k).
pub fn task_metric_names(task: Task, has_scores: bool) -> Vec<&'static str> {
    match task {
        Task::Binary => {
            let mut v = vec![
                "accuracy",
                "error_rate",
                "precision",
                "recall",
                "f1",
                "specificity",
            ];
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
    let per_model: Vec<Vec<MetricSet>> = (0..table.models.len())
        .into_par_iter()
        .map(|m| evaluate_model(table, m, grouping, boot))
        .collect();
    let n_groups = grouping.len();
    let overall = per_model
        .iter()
        .map(|slots| slots[n_groups].clone())
        .collect();
    let groups = (0..n_groups)
        .map(|g| per_model.iter().map(|slots| slots[g].clone()).collect())
        .collect();
    Evaluation { overall, groups }
}

/// One model's metric sets: one per group, then the overall one.
pub fn evaluate_model(
    table: &EvalTable,
    model: usize,
    grouping: &Grouping,
    boot: Bootstrap,
) -> Vec<MetricSet> {
    match table.task {
        Task::Binary => binary::evaluate(table, model, grouping, boot),
        Task::Multiclass => multiclass::evaluate(table, model, grouping, boot),
        Task::Regression => regression::evaluate(table, model, grouping, boot),
        Task::Graded => graded::evaluate(table, model, grouping),
        Task::Ranking => ranking::evaluate(table, model, grouping, boot),
    }
}

/// Calls `f(row, slot)` for the row's group slot and for the overall slot
/// (`n_groups`), skipping rows outside every group.
#[inline]
pub(crate) fn for_each_slot(grouping: &Grouping, mut f: impl FnMut(usize, usize)) {
    let overall = grouping.len();
    for (r, &g) in grouping.ids.iter().enumerate() {
        if g != SKIP {
            f(r, g as usize);
            f(r, overall);
        }
    }
}

/// A random stream id unique to (model, slot); the overall slot's does not depend
/// on how many groups there are.
pub(crate) fn stream_id(model: usize, slot: usize, n_groups: usize, salt: u64) -> u64 {
    ((model as u64) << 40) ^ (crate::stats::slot_stream(slot, n_groups) << 4) ^ salt
}
