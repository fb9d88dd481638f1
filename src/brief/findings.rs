//! One builder per kind of finding. The window's Pin buttons and the default brief
//! (`faultline brief FILE ...`) both call these, so the same inputs give the same
//! finding wherever it was made: same title, same columns, same numbers.

use super::{Chart, Content, Finding, Severity};
use crate::analysis::{Clusters, ComparisonView, SliceTable};
use crate::compare::{Comparison, SliceComparison, Verdict};
use crate::format::{fmt_ci, fmt_delta, fmt_int, fmt_p, fmt_value};
use crate::load::table::EvalTable;
use crate::metrics::{MetricSet, metric_names};
use crate::slice_report::SliceRow;

/// The rows a finding was computed on, named for the reader.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// The cohort's description (`all rows`, `region = east AND ...`).
    pub cohort: String,
    pub rows: usize,
}

impl Scope {
    /// Every used row of the table.
    pub fn all(table: &EvalTable) -> Scope {
        Scope {
            cohort: "all rows".into(),
            rows: table.len(),
        }
    }

    /// `method; cohort: ... (N rows)`, the finding's source line.
    fn source(&self, method: &str) -> String {
        let cohort = format!(
            "cohort: {} ({} rows)",
            self.cohort,
            fmt_int(self.rows as u64)
        );
        if method.is_empty() {
            cohort
        } else {
            format!("{method}; {cohort}")
        }
    }
}

fn value_ci(m: Option<&crate::metrics::Metric>) -> String {
    let ci = fmt_ci(m.and_then(|m| m.ci));
    let v = fmt_value(m.and_then(|m| m.value));
    if ci.is_empty() {
        v
    } else {
        format!("{v} {ci}")
    }
}

/// Every model's metrics with their 95% intervals, metrics down, models across.
pub fn metrics_table(table: &EvalTable, metrics: &[MetricSet], scope: &Scope) -> Finding {
    let mut header = vec!["metric".to_string()];
    header.extend(table.models.iter().map(|m| m.name.clone()));
    let mut rows: Vec<Vec<String>> = metric_names(table)
        .into_iter()
        .map(|name| {
            let mut r = vec![name.to_string()];
            r.extend(metrics.iter().map(|set| value_ci(set.get(name))));
            r
        })
        .collect();
    let mut n = vec!["n".to_string()];
    n.extend(metrics.iter().map(|s| s.n.to_string()));
    rows.push(n);
    Finding {
        title: "Metrics of every model (95% intervals)".into(),
        note: String::new(),
        severity: Severity::Info,
        source: scope.source(""),
        content: Content::Table { header, rows },
    }
}

/// The slice table of one model and metric, in the order given (the view's sort).
pub fn slice_table(
    table: &EvalTable,
    st: &SliceTable,
    rows: &[SliceRow],
    model: usize,
    metric: &str,
    scope: &Scope,
) -> Finding {
    let names: Vec<String> = st
        .labels
        .first()
        .map(|l| l.iter().map(|(c, _)| c.clone()).collect())
        .unwrap_or_default();
    let mut header = names.clone();
    header.extend(
        ["n", metric, "95% CI", "delta vs cohort", "q", "flag"]
            .iter()
            .map(|s| s.to_string()),
    );
    let flagged = rows.iter().filter(|r| r.worse).count();
    let body = rows
        .iter()
        .map(|r| {
            let mut row: Vec<String> = st.labels[r.group].iter().map(|(_, v)| v.clone()).collect();
            row.push(r.n.to_string());
            row.push(fmt_value(r.value));
            row.push(fmt_ci(r.ci));
            row.push(fmt_delta(r.diff));
            row.push(r.q_value.map_or("-".into(), fmt_p));
            row.push(if r.worse {
                "significantly worse".into()
            } else {
                String::new()
            });
            row
        })
        .collect();
    Finding {
        title: format!(
            "{metric} of {} by {}: {flagged} slice(s) significantly worse",
            table.models[model].name,
            names.join(" × ")
        ),
        note: String::new(),
        severity: if flagged > 0 {
            Severity::High
        } else {
            Severity::Info
        },
        source: scope.source("slices against the rest of the cohort, Benjamini-Hochberg q"),
        content: Content::Table { header, rows: body },
    }
}

/// SliceLine's top failure clusters of a model (or where it is wrong and `against`
/// is right).
pub fn failure_clusters(
    table: &EvalTable,
    clusters: &Clusters,
    model: usize,
    against: Option<usize>,
    scope: &Scope,
) -> Finding {
    let found = &clusters.found;
    let listed = &clusters.listed;
    let what = match against {
        Some(a) => format!(
            "where {} is wrong and {} right",
            table.models[model].name, table.models[a].name
        ),
        None => format!("errors of {}", table.models[model].name),
    };
    let significant = listed.iter().filter(|s| s.q_value < 0.05).count();
    let rate = if listed.iter().any(|s| s.ci.is_some()) || listed.is_empty() {
        "error rate [95% CI]"
    } else {
        "mean error"
    };
    let rows = listed
        .iter()
        .zip(&clusters.slice_labels)
        .zip(&clusters.equivalents)
        .map(|((s, l), eq)| {
            let ci = fmt_ci(s.ci);
            let mut name = super::chart::slice_name(l);
            if !eq.is_empty() {
                name.push_str(&format!(" (same rows: {})", eq.join("; ")));
            }
            vec![
                name,
                s.size.to_string(),
                if ci.is_empty() {
                    format!("{:.4}", s.error_rate)
                } else {
                    format!("{:.4} {ci}", s.error_rate)
                },
                format!("{:.4}", s.score),
                fmt_p(s.q_value),
            ]
        })
        .collect();
    Finding {
        title: format!("Failure clusters: {what}"),
        note: format!(
            "SliceLine (alpha {}, max level {}, min support {}), {} rows searched, average rate {:.4}; {significant} of the {} listed clusters are significant (q < 0.05).{}",
            clusters.params.alpha,
            clusters.params.max_level,
            found.min_support,
            fmt_int(found.rows),
            found.average_error,
            listed.len(),
            if clusters.by_significance {
                " No slice scores above 0: listed are the most significant excesses of errors."
            } else {
                ""
            }
        ),
        severity: if significant > 0 {
            Severity::High
        } else {
            Severity::Info
        },
        source: scope.source("SliceLine over the categorical and binned numeric features"),
        content: Content::Table {
            header: ["slice", "size", rate, "score", "q"]
                .map(String::from)
                .to_vec(),
            rows,
        },
    }
}

/// Every metric of the candidate against the baseline on the same rows, with paired
/// intervals, the flips and McNemar's exact test.
pub fn paired_comparison(
    table: &EvalTable,
    overall: &Comparison,
    baseline: usize,
    candidate: usize,
    scope: &Scope,
) -> Finding {
    let (bn, cn) = (
        table.models[baseline].name.clone(),
        table.models[candidate].name.clone(),
    );
    let f = overall.flips;
    let graded = overall.metrics.iter().any(|d| d.mde.is_some());
    let rows = overall
        .metrics
        .iter()
        .map(|d| {
            let mut row = vec![
                d.name.to_string(),
                fmt_value(d.baseline),
                fmt_value(d.candidate),
                fmt_delta(d.delta),
                fmt_ci(d.ci),
            ];
            if graded {
                row.push(fmt_value(d.se));
                row.push(fmt_value(d.mde));
            }
            row
        })
        .collect();
    let mut header = vec![bn.clone(), cn.clone()];
    header.insert(0, "metric".into());
    header.extend(["delta".to_string(), "95% CI".to_string()]);
    if graded {
        header.push(
            if table.clusters.is_some() {
                "SE (clustered)"
            } else {
                "SE"
            }
            .into(),
        );
        header.push("MDE (80% power)".into());
    }
    let power = overall
        .headline()
        .filter(|d| d.mde.is_some())
        .map(|d| {
            format!(
                " {}",
                crate::compare::power_sentence(d, overall.n, table.task.unit())
            )
        })
        .unwrap_or_default();
    let worse = overall.verdict_p() < 0.05 && overall.improvement().is_some_and(|d| d < 0.0);
    Finding {
        title: format!("{cn} against {bn}: paired deltas"),
        note: format!(
            "{}.{power}",
            crate::compare::flips_sentence(table.task, &f, overall.mcnemar_p, &bn, &cn)
        ),
        severity: if worse {
            Severity::Critical
        } else {
            Severity::Info
        },
        source: scope.source("paired on the same rows; intervals are paired 95%"),
        content: Content::Table { header, rows },
    }
}

/// The per-slice verdicts of a comparison, most significant first.
pub fn slice_verdicts(
    table: &EvalTable,
    cv: &ComparisonView,
    baseline: usize,
    candidate: usize,
    scope: &Scope,
) -> Finding {
    let names: Vec<String> = cv
        .labels
        .first()
        .map(|l| l.iter().map(|(c, _)| c.clone()).collect())
        .unwrap_or_default();
    let headline = cv.overall.headline().map_or("accuracy", |d| d.name);
    let mut header = names.clone();
    header.extend([
        "n".to_string(),
        table.models[baseline].name.clone(),
        table.models[candidate].name.clone(),
        format!("{headline} delta [95% CI]"),
        "McNemar p".into(),
        "q".into(),
        "verdict".into(),
    ]);
    let mut ordered: Vec<&SliceComparison> = cv.slices.iter().collect();
    let gain = |s: &SliceComparison| s.comparison.improvement().unwrap_or(0.0);
    ordered.sort_by(|x, y| {
        x.q_value
            .total_cmp(&y.q_value)
            .then(gain(x).total_cmp(&gain(y)))
    });
    let rows = ordered
        .iter()
        .map(|s| {
            let d = s.comparison.headline();
            let mut r: Vec<String> = cv.labels[s.group].iter().map(|(_, v)| v.clone()).collect();
            r.push(s.comparison.n.to_string());
            r.push(fmt_value(d.and_then(|d| d.baseline)));
            r.push(fmt_value(d.and_then(|d| d.candidate)));
            let ci = fmt_ci(d.and_then(|d| d.ci));
            r.push(
                format!("{} {ci}", fmt_delta(d.and_then(|d| d.delta)))
                    .trim()
                    .to_string(),
            );
            r.push(fmt_p(s.comparison.mcnemar_p));
            r.push(fmt_p(s.q_value));
            r.push(s.verdict.as_str().into());
            r
        })
        .collect();
    let regressions = cv
        .slices
        .iter()
        .filter(|s| s.verdict == Verdict::Regression)
        .count();
    Finding {
        title: format!(
            "{} against {} per slice of {}: {regressions} regression(s)",
            table.models[candidate].name,
            table.models[baseline].name,
            names.join(" × ")
        ),
        note: String::new(),
        severity: if regressions > 0 {
            Severity::High
        } else {
            Severity::Info
        },
        source: scope.source("McNemar per slice, Benjamini-Hochberg over the slices listed"),
        content: Content::Table { header, rows },
    }
}

/// Each model's ROC curve.
pub fn roc_curves(
    table: &EvalTable,
    models: &[usize],
    curves: &[&crate::curves::RankCurves],
    scope: &Scope,
) -> Finding {
    let series = models
        .iter()
        .zip(curves)
        .map(|(&m, c)| (table.models[m].name.clone(), c.roc.clone()))
        .collect();
    Finding {
        title: "ROC curves".into(),
        note: String::new(),
        severity: Severity::Info,
        source: scope.source(""),
        content: Content::Chart(Box::new(super::chart::roc(series))),
    }
}

/// Any chart of the window, as it is drawn.
pub fn chart(chart: Chart, scope: &Scope) -> Finding {
    Finding {
        title: chart.title.clone(),
        note: String::new(),
        severity: Severity::Info,
        source: scope.source(""),
        content: Content::Chart(Box::new(chart)),
    }
}

/// One example row with every field, and the analyst's note on it.
pub fn example(
    fields: Vec<(String, String)>,
    file_row: usize,
    note: &str,
    scope: &Scope,
) -> Finding {
    Finding {
        title: format!("Example: row {}", file_row + 1),
        note: note.to_string(),
        severity: Severity::Medium,
        source: scope.source(""),
        content: Content::Example { fields },
    }
}

/// Free text (a join's integrity report, a summary of what was not found).
pub fn text(title: &str, text: &str, severity: Severity, source: &str) -> Finding {
    Finding {
        title: title.to_string(),
        note: String::new(),
        severity,
        source: source.to_string(),
        content: Content::Text {
            text: text.to_string(),
        },
    }
}
