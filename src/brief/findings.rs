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
    let over = clusters.params.excess;
    let what = match against {
        _ if over => format!(
            "over-confident slices of {} (mean score above the positive rate)",
            table.models[model].name
        ),
        Some(a) => format!(
            "where {} is wrong and {} right",
            table.models[model].name, table.models[a].name
        ),
        None => format!("errors of {}", table.models[model].name),
    };
    let significant = listed.iter().filter(|s| s.q_value < 0.05).count();
    let rate = if over {
        "mean score - positive rate [95% CI]"
    } else if listed.iter().any(|s| s.ci.is_some()) || listed.is_empty() {
        "error rate [95% CI]"
    } else {
        "mean error"
    };
    let rows = listed
        .iter()
        .zip(&clusters.slice_labels)
        .zip(&clusters.equivalents)
        .map(|((s, l), eq)| {
            let gap = crate::discovery::gap_of;
            let (value, ci) = if over {
                (
                    gap(s.error_rate),
                    fmt_ci(s.ci.map(|[lo, hi]| [gap(lo), gap(hi)])),
                )
            } else {
                (s.error_rate, fmt_ci(s.ci))
            };
            let mut name = super::chart::slice_name(l);
            if !eq.is_empty() {
                name.push_str(&format!(" (same rows: {})", eq.join("; ")));
            }
            vec![
                name,
                s.size.to_string(),
                if ci.is_empty() {
                    format!("{value:.4}")
                } else {
                    format!("{value:.4} {ci}")
                },
                format!("{:.4}", s.score),
                fmt_p(s.q_value),
            ]
        })
        .collect();
    Finding {
        title: if over {
            format!("Calibration: {what}")
        } else {
            format!("Failure clusters: {what}")
        },
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

/// The calibration of scored models: ECE (equal-width and equal-mass bins), MCE
/// and the Brier decomposition with their intervals, models across. A model is
/// flagged when its ECE interval lies wholly above 0.05.
pub fn calibration_table(
    table: &EvalTable,
    metrics: &[MetricSet],
    models: &[usize],
    scope: &Scope,
) -> Finding {
    let names = crate::metrics::calibration::NAMES;
    let mut header = vec!["metric".to_string()];
    header.extend(models.iter().map(|&m| table.models[m].name.clone()));
    let rows = names
        .iter()
        .map(|&name| {
            let mut r = vec![name.to_string()];
            r.extend(
                models
                    .iter()
                    .map(|&m| value_ci(metrics.get(m).and_then(|s| s.get(name)))),
            );
            r
        })
        .collect();
    let off: Vec<String> = models
        .iter()
        .filter(|&&m| {
            metrics
                .get(m)
                .and_then(|s| s.get("ece"))
                .and_then(|x| x.ci)
                .is_some_and(|[lo, _]| lo > 0.05)
        })
        .map(|&m| table.models[m].name.clone())
        .collect();
    Finding {
        title: "Calibration: can the scores be read as probabilities?".into(),
        note: format!(
            "Expected calibration error over {} equal-width bins (and equal-mass bins), the largest bin gap (MCE), and the Brier score's decomposition (reliability - resolution + uncertainty); bootstrap 95% intervals. {}",
            table.params.bins(),
            if off.is_empty() {
                "No model's ECE is clearly above 0.05.".to_string()
            } else {
                format!(
                    "{}: ECE clearly above 0.05 (the whole interval): recalibrate before reading scores as probabilities.",
                    off.join(", ")
                )
            }
        ),
        severity: if off.is_empty() {
            Severity::Info
        } else {
            Severity::Medium
        },
        source: scope.source("scores binned by value; rows without a score take no part"),
        content: Content::Table { header, rows },
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

/// A rate or disparity name for readers: `tpr` → `TPR`, `demographic_parity_difference`
/// → `demographic parity difference`.
pub fn fairness_name(name: &str) -> String {
    match name {
        "tpr" | "fpr" => name.to_uppercase(),
        _ => name.replace('_', " "),
    }
}

/// The overall accuracy of a fairness table's rows (every group's right over all).
pub fn fairness_accuracy(f: &crate::metrics::fairness::Fairness) -> Option<f64> {
    let (right, all) = f
        .groups
        .iter()
        .fold((0, 0), |(r, a), g| (r + g.tp + g.tn, a + g.n));
    (all > 0).then(|| right as f64 / all as f64)
}

/// A fairness what-if for [`fairness_table`]: each group's threshold (by group
/// name), the figures at those thresholds and the overall accuracy.
pub type FairnessWhatIf<'a> = (
    &'a [(String, f64)],
    &'a crate::metrics::fairness::Fairness,
    f64,
);

/// A model's fairness across one sensitive feature: per group n and the four rates
/// with Wilson intervals, the disparities with bootstrap intervals in the note, and
/// what per-group thresholds would change (`what_if`: each group's threshold, the
/// figures at those thresholds and the overall accuracy). `threshold` is the one
/// the figures were computed at (None for a model without a score). Medium (a
/// warning) when the demographic parity or equalized odds difference's interval
/// lies wholly above 0.1.
pub fn fairness_table(
    table: &EvalTable,
    model: usize,
    fairness: &crate::metrics::fairness::Fairness,
    threshold: Option<f64>,
    what_if: Option<FairnessWhatIf<'_>>,
    scope: &Scope,
) -> Finding {
    use crate::metrics::fairness::{DISPARITIES, RATES};
    let cell = |v: f64, ci: Option<[f64; 2]>| {
        let ci = fmt_ci(ci);
        if ci.is_empty() {
            fmt_value(Some(v))
        } else {
            format!("{} {ci}", fmt_value(Some(v)))
        }
    };
    let mut header = vec![fairness.column.clone(), "n".to_string()];
    header.extend(
        RATES
            .iter()
            .map(|r| format!("{} [95% CI]", fairness_name(r))),
    );
    if what_if.is_some() {
        header.extend(
            ["threshold", "selection rate", "TPR", "FPR"]
                .iter()
                .map(|h| format!("{h} (what-if)")),
        );
    }
    let mut undefined = Vec::new();
    let rows = fairness
        .groups
        .iter()
        .map(|g| {
            let values = [g.selection_rate, g.tpr, g.fpr, g.accuracy];
            let mut row = vec![g.value.clone(), fmt_int(g.n)];
            row.extend(values.iter().zip(&g.ci).map(|(&v, &ci)| cell(v, ci)));
            if let Some((thresholds, wf, _)) = what_if {
                let t = thresholds.iter().find(|(name, _)| *name == g.value);
                let w = wf.groups.iter().find(|w| w.value == g.value);
                row.push(t.map_or("-".into(), |t| format!("{:.3}", t.1)));
                row.push(fmt_value(w.map(|w| w.selection_rate)));
                row.push(fmt_value(w.map(|w| w.tpr)));
                row.push(fmt_value(w.map(|w| w.fpr)));
            }
            for u in &g.undefined {
                let why = if *u == "tpr" {
                    "no positives"
                } else {
                    "no negatives"
                };
                undefined.push(format!("{} of {} ({why})", fairness_name(u), g.value));
            }
            row
        })
        .collect();
    let figure = |f: &crate::metrics::fairness::Fairness, i: usize| {
        let (v, ci) = f.disparities.get(i).copied().unwrap_or((None, None));
        let ci = fmt_ci(ci);
        if ci.is_empty() {
            fmt_value(v)
        } else {
            format!("{} {ci}", fmt_value(v))
        }
    };
    let mut note = DISPARITIES
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{}: {}", fairness_name(d), figure(fairness, i)))
        .collect::<Vec<_>>()
        .join("; ");
    note.push_str(" (95% bootstrap intervals).");
    if !undefined.is_empty() {
        note.push_str(&format!(
            " Undefined rates, counted as 0 as Fairlearn does: {}.",
            undefined.join(", ")
        ));
    }
    if let Some((thresholds, wf, accuracy)) = what_if {
        let ts = thresholds
            .iter()
            .map(|(g, t)| format!("{g} {t:.3}"))
            .collect::<Vec<_>>()
            .join(", ");
        let was = fairness_accuracy(fairness);
        let change = DISPARITIES
            .iter()
            .enumerate()
            .map(|(i, d)| {
                format!(
                    "{} {} (was {})",
                    fairness_name(d),
                    fmt_value(wf.disparities.get(i).and_then(|x| x.0)),
                    fmt_value(fairness.disparities.get(i).and_then(|x| x.0))
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        note.push_str(&format!(
            " What if the groups used the thresholds {ts}: {change}; overall accuracy {} (was {}).",
            fmt_value(Some(accuracy)),
            fmt_value(was)
        ));
    }
    let above = |i: usize| {
        fairness
            .disparities
            .get(i)
            .and_then(|d| d.1)
            .is_some_and(|[lo, _]| lo > 0.1)
    };
    let dp = fmt_value(fairness.disparity(DISPARITIES[0]));
    Finding {
        title: format!(
            "Fairness of {} across {}{}: demographic parity difference {dp}, equalized odds difference {}",
            table.models[model].name,
            fairness.column,
            threshold.map_or(String::new(), |t| format!(" at threshold {t:.2}")),
            fmt_value(fairness.disparity(DISPARITIES[2])),
        ),
        note,
        severity: if above(0) || above(2) {
            Severity::Medium
        } else {
            Severity::Info
        },
        source: scope.source(
            "Fairlearn's definitions; per group Wilson intervals, between groups bootstrap intervals",
        ),
        content: Content::Table { header, rows },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::fairness::from_cells;
    use crate::stats::Bootstrap;

    #[test]
    fn a_fairness_finding_lists_groups_and_warns_on_a_clear_gap() {
        use polars::prelude::*;
        let df = df!(
            "label" => [0i64, 1, 0, 1],
            "pred_m" => [0i64, 1, 1, 1],
            "g" => ["a", "a", "b", "b"]
        )
        .unwrap();
        let table = crate::load::open::decode(
            std::path::Path::new("t.csv"),
            &df,
            String::new().into(),
            &crate::load::Mapping::default(),
            &crate::load::LoadOptions::default(),
        )
        .unwrap();
        // Group a selects 60%, group b 10%, with plenty of rows: the demographic
        // parity difference's interval lies above 0.1.
        let boot = Bootstrap {
            resamples: 200,
            seed: 1,
        };
        let names = ["a".to_string(), "b".to_string()];
        let f = from_cells(
            "g",
            &names,
            &[[400, 200, 300, 100], [80, 20, 800, 100]],
            boot,
            0,
        );
        let scope = Scope {
            cohort: "all rows".into(),
            rows: 2000,
        };
        let finding = fairness_table(&table, 0, &f, Some(0.5), None, &scope);
        assert_eq!(finding.severity, Severity::Medium);
        assert!(finding.title.contains("across g at threshold 0.50"));
        assert!(
            finding
                .note
                .contains("demographic parity difference: 0.5000 [")
        );
        let Content::Table { header, rows } = &finding.content else {
            panic!("a table");
        };
        assert_eq!(header[..3], ["g", "n", "selection rate [95% CI]"]);
        assert_eq!(rows.len(), 2);
        assert!(rows[0][2].starts_with("0.6000 ["));

        // Equal groups: Info; a what-if adds its columns and its figures to the note.
        let even = from_cells("g", &names, &[[50, 50, 50, 50], [50, 50, 50, 50]], boot, 0);
        let thresholds = vec![("a".to_string(), 0.4), ("b".to_string(), 0.6)];
        let finding = fairness_table(&table, 0, &even, None, Some((&thresholds, &f, 0.8)), &scope);
        assert_eq!(finding.severity, Severity::Info);
        assert!(finding.note.contains("a 0.400, b 0.600"));
        assert!(
            finding
                .note
                .contains("overall accuracy 0.8000 (was 0.5000)")
        );
        let Content::Table { header, rows } = &finding.content else {
            panic!("a table");
        };
        assert_eq!(header.len(), 10);
        assert_eq!(rows[1][6], "0.600");
    }
}
