//! The brief written straight from a data file (`faultline brief FILE --baseline A
//! --candidate B`): the overview, the comparison and its regressions, the top
//! failure clusters, a chart, a recommendation that follows from them, provenance.

use std::sync::atomic::AtomicBool;

use super::{Brief, Chart, Content, Finding, Provenance, Recommendation, Severity};
use crate::compare::{self, Verdict};
use crate::discovery::{row_errors, sliceline};
use crate::grouping::{Grouping, group_by};
use crate::load::table::{EvalTable, FeatureKind};
use crate::load::{Mapping, Task};
use crate::metrics::{self, metric_names};
use crate::report::text::fmt_value;
use crate::stats::Bootstrap;

fn ci(c: Option<[f64; 2]>) -> String {
    c.map_or(String::new(), |[lo, hi]| format!("[{lo:.4}, {hi:.4}]"))
}

fn p_text(p: f64) -> String {
    if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}

/// Categorical features with few enough values to list per slice.
const MAX_LEVELS: usize = 50;

pub fn default_brief(
    table: &EvalTable,
    mapping: &Mapping,
    baseline: usize,
    candidate: usize,
) -> Brief {
    let (bn, cn) = (
        table.models[baseline].name.clone(),
        table.models[candidate].name.clone(),
    );
    let boot = Bootstrap::default();
    let all = Grouping::whole(table.len(), None);
    let mut findings = Vec::new();

    // 1. Every model's metrics.
    let eval = metrics::evaluate(table, &all, boot);
    let has_scores = table.models.iter().any(|m| m.score.is_some());
    let mut header = vec!["metric".to_string()];
    header.extend(table.models.iter().map(|m| m.name.clone()));
    let rows = metric_names(table.task, has_scores)
        .into_iter()
        .map(|name| {
            let mut r = vec![name.to_string()];
            for set in &eval.overall {
                let m = set.get(name);
                r.push(format!(
                    "{} {}",
                    fmt_value(m.and_then(|m| m.value)),
                    ci(m.and_then(|m| m.ci))
                ));
            }
            r
        })
        .collect();
    findings.push(Finding {
        title: "Metrics of every model (95% intervals)".into(),
        note: String::new(),
        severity: Severity::Info,
        source: format!("all {} rows", table.len()),
        content: Content::Table { header, rows },
    });

    // 2. Paired comparison.
    let mut overall = compare::compare(table, &all, baseline, candidate, boot);
    let overall = overall.pop().unwrap_or_default();
    let f = overall.flips;
    let acc = overall.improvement().unwrap_or(0.0);
    let rows = overall
        .metrics
        .iter()
        .map(|d| {
            vec![
                d.name.to_string(),
                fmt_value(d.baseline),
                fmt_value(d.candidate),
                d.delta.map_or("-".into(), |x| format!("{x:+.4}")),
                ci(d.ci),
            ]
        })
        .collect();
    let worse_overall = overall.mcnemar_p < 0.05 && acc < 0.0;
    findings.push(Finding {
        title: format!("{cn} against {bn}: paired deltas"),
        note: format!(
            "Flips: both right {}, only {bn} right {}, only {cn} right {}, both wrong {}. McNemar exact p = {}.",
            f.both_correct,
            f.baseline_only,
            f.candidate_only,
            f.both_wrong,
            p_text(overall.mcnemar_p)
        ),
        severity: if worse_overall { Severity::Critical } else { Severity::Info },
        source: "paired on the same rows; intervals are paired 95%".into(),
        content: Content::Table {
            header: vec!["metric".into(), bn.clone(), cn.clone(), "delta".into(), "95% CI".into()],
            rows,
        },
    });

    // 3. Regressions per slice of each categorical feature.
    let mut regressions: Vec<Vec<String>> = Vec::new();
    for (fi, feat) in table.features.iter().enumerate() {
        if feat.kind != FeatureKind::Categorical || feat.codes.levels.len() > MAX_LEVELS {
            continue;
        }
        let g = group_by(table, &[fi], None);
        let comps = compare::compare(table, &g, baseline, candidate, boot);
        for s in compare::slice_verdicts(&comps)
            .into_iter()
            .filter(|s| s.verdict == Verdict::Regression)
        {
            let d = s.comparison.headline();
            let (col, val) = g.describe(table, s.group)[0];
            regressions.push(vec![
                format!("{col} = {val}"),
                s.comparison.n.to_string(),
                fmt_value(d.and_then(|d| d.baseline)),
                fmt_value(d.and_then(|d| d.candidate)),
                format!(
                    "{} {}",
                    d.and_then(|d| d.delta)
                        .map_or("-".into(), |x| format!("{x:+.4}")),
                    ci(d.and_then(|d| d.ci))
                ),
                p_text(s.q_value),
            ]);
        }
    }
    let n_regressions = regressions.len();
    findings.push(Finding {
        title: format!("Slices where {cn} is significantly worse than {bn}"),
        note: if regressions.is_empty() { "No single-feature slice is a regression (Benjamini-Hochberg q < 0.05 with a lower accuracy).".into() } else { String::new() },
        severity: if regressions.is_empty() { Severity::Info } else { Severity::High },
        source: "each categorical feature's slices; McNemar per slice, Benjamini-Hochberg over the feature's slices".into(),
        content: Content::Table {
            header: vec!["slice".into(), "n".into(), bn.clone(), cn.clone(), format!("{} delta [95% CI]", overall.headline().map_or("accuracy", |d| d.name)), "q".into()],
            rows: regressions,
        },
    });

    // 4. Failure clusters: where did the candidate get worse (intersections too)?
    let features: Vec<usize> = (0..table.features.len())
        .filter(|&f| table.features[f].is_sliceable())
        .collect();
    let errors = row_errors(table, candidate, Some(baseline), None);
    let found = sliceline::search(
        table,
        &features,
        &errors,
        &sliceline::Params {
            top: 5,
            ..Default::default()
        },
        &AtomicBool::new(false),
    )
    .unwrap_or_default();
    let significant = found.slices.iter().filter(|s| s.q_value < 0.05).count();
    let rows = found
        .slices
        .iter()
        .map(|s| {
            vec![
                sliceline::predicate_text(table, s),
                s.size.to_string(),
                format!("{:.4} {}", s.error_rate, ci(s.ci)),
                format!("{:.4}", s.score),
                p_text(s.q_value),
            ]
        })
        .collect();
    findings.push(Finding {
        title: format!("Failure clusters: where {cn} is wrong and {bn} right"),
        note: format!(
            "SliceLine (alpha 0.95, max level 3, min support {}), {} rows searched, average rate {:.4}; {} of the listed clusters are significant (q < 0.05).",
            found.min_support, found.rows, found.average_error, significant
        ),
        severity: if significant > 0 { Severity::High } else { Severity::Info },
        source: "SliceLine over every categorical and binned numeric feature".into(),
        content: Content::Table {
            header: vec!["slice".into(), "size".into(), "rate [95% CI]".into(), "score".into(), "q".into()],
            rows,
        },
    });

    // 5. ROC curves.
    if table.task == Task::Binary && has_scores {
        let series = [baseline, candidate]
            .iter()
            .filter(|&&m| table.models[m].score.is_some())
            .map(|&m| {
                (
                    table.models[m].name.clone(),
                    crate::curves::rank_curves(table, m, None).roc,
                )
            })
            .collect();
        findings.push(Finding {
            title: "ROC curves".into(),
            note: String::new(),
            severity: Severity::Info,
            source: "all rows".into(),
            content: Content::Chart(Chart {
                title: "ROC".into(),
                x_label: "false positive rate".into(),
                y_label: "true positive rate".into(),
                series,
                diagonal: true,
            }),
        });
    }

    let recommendation = if worse_overall {
        Recommendation::DoNotShip
    } else if n_regressions > 0 || significant > 0 {
        Recommendation::ShipWithGuardrails
    } else {
        Recommendation::Ship
    };
    let top = found
        .slices
        .first()
        .map(|s| {
            format!(
                " The largest cluster where it got worse: {} ({} rows, q = {}).",
                sliceline::predicate_text(table, s),
                s.size,
                p_text(s.q_value)
            )
        })
        .unwrap_or_default();
    let summary = format!(
        "{cn} against {bn} on {} rows: accuracy {} ({:+.4}, paired 95% CI {}), McNemar exact p = {}. {} single-feature slice(s) regress significantly; {} significant failure cluster(s).{top}",
        table.len(),
        if acc >= 0.0 { "up" } else { "down" },
        acc,
        ci(overall.delta("accuracy").and_then(|d| d.ci)),
        p_text(overall.mcnemar_p),
        n_regressions,
        significant
    );
    Brief {
        title: format!("Error analysis: {cn} against {bn}"),
        summary,
        recommendation,
        risks: String::new(),
        findings,
        provenance: Provenance::of(table, mapping, "all rows"),
    }
}
