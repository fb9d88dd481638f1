//! The slice table of the Slices view: each slice's metric with its interval, the
//! difference from the cohort's overall value, and whether the slice is
//! significantly worse after Benjamini-Hochberg correction over the table.

use crate::grouping::Grouping;
use crate::metrics::Evaluation;
use crate::stats::{self, Interval, Z_95};

/// Metrics where a larger value is worse.
pub fn lower_is_better(metric: &str) -> bool {
    matches!(metric, "error_rate" | "log_loss" | "brier" | "mae" | "rmse")
}

/// One row of the slice table.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceRow {
    /// Index into the grouping's groups.
    pub group: usize,
    pub n: u64,
    pub value: Option<f64>,
    pub ci: Option<Interval>,
    /// `value - overall`.
    pub diff: Option<f64>,
    /// One-sided p-value that the slice is worse than the rest of the cohort.
    pub p_value: Option<f64>,
    pub q_value: Option<f64>,
    /// Significantly worse at q < 0.05.
    pub worse: bool,
}

/// A column of the slice table to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    N,
    Value,
    /// The difference from the cohort, worst first (the default).
    #[default]
    Diff,
    Q,
}

/// The rows in the order shown (and pinned): by a column, undefined values last.
pub fn sort_rows(rows: &[SliceRow], metric: &str, by: SortBy, descending: bool) -> Vec<SliceRow> {
    let mut v = rows.to_vec();
    let key = |r: &SliceRow| -> f64 {
        match by {
            SortBy::N => r.n as f64,
            SortBy::Value => r.value.unwrap_or(f64::NAN),
            SortBy::Diff => {
                // Worst first: the sign that means "worse" sorts first.
                let d = r.diff.unwrap_or(f64::NAN);
                if lower_is_better(metric) { -d } else { d }
            }
            SortBy::Q => r.q_value.unwrap_or(f64::NAN),
        }
    };
    v.sort_by(|a, b| {
        let (x, y) = (key(a), key(b));
        let o = match (x.is_nan(), y.is_nan()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => return std::cmp::Ordering::Greater,
            (false, true) => return std::cmp::Ordering::Less,
            _ => x.total_cmp(&y),
        };
        if descending { o.reverse() } else { o }
    });
    v
}

/// The significance level of the flag.
pub const ALPHA: f64 = 0.05;

/// Builds the table for one model and metric. For accuracy and error rate the
/// test is a pooled two-proportion z-test of the slice against the rest of the
/// cohort; for the other metrics a z-test of the slice's value against the
/// cohort's, with the standard error read from the slice's 95% interval.
pub fn slice_rows(
    grouping: &Grouping,
    eval: &Evaluation,
    model: usize,
    metric: &str,
) -> Vec<SliceRow> {
    let overall = &eval.overall[model];
    let overall_value = overall.value(metric);
    let worse_sign = if lower_is_better(metric) { 1.0 } else { -1.0 };
    let mut rows: Vec<SliceRow> = eval
        .groups
        .iter()
        .enumerate()
        .map(|(g, sets)| {
            let set = &sets[model];
            let m = set.get(metric);
            let value = m.and_then(|m| m.value);
            let ci = m.and_then(|m| m.ci);
            let diff = value.zip(overall_value).map(|(v, o)| v - o);
            let p_value = match metric {
                "accuracy" | "error_rate" => {
                    let acc = set.value("accuracy");
                    let all = overall.value("accuracy");
                    acc.zip(all).and_then(|(a, o)| {
                        let xs = (a * set.n as f64).round() as u64;
                        let xo = (o * overall.n as f64).round() as u64;
                        let rest_n = overall.n.saturating_sub(set.n);
                        stats::proportion_lower_p(xs, set.n, xo.saturating_sub(xs), rest_n)
                    })
                }
                _ => match (value, overall_value, ci) {
                    (Some(v), Some(o), Some([lo, hi])) if hi > lo => {
                        let se = (hi - lo) / (2.0 * Z_95);
                        Some(stats::normal_sf(worse_sign * (v - o) / se))
                    }
                    _ => None,
                },
            };
            SliceRow {
                group: g,
                // Ranking metrics count queries, not rows.
                n: if set.extras.iter().any(|(k, _)| *k == "excluded_queries") {
                    set.n
                } else {
                    grouping.sizes[g]
                },
                value,
                ci,
                diff,
                p_value,
                q_value: None,
                worse: false,
            }
        })
        .collect();
    let p: Vec<f64> = rows.iter().map(|r| r.p_value.unwrap_or(f64::NAN)).collect();
    let q = stats::benjamini_hochberg(&p);
    for (row, q) in rows.iter_mut().zip(q) {
        if !q.is_nan() {
            row.q_value = Some(q);
            row.worse = q < ALPHA;
        }
    }
    rows
}
