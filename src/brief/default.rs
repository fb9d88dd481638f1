//! The brief written straight from a data file (`faultline brief FILE --baseline A
//! --candidate B`, and "Add the default findings" in the window): the metrics, the
//! paired comparison, the per-slice verdicts of every categorical feature with a
//! regression, the failure clusters where the candidate got worse, the ROC curves,
//! and a recommendation that follows from them. Every finding comes from the same
//! builders ([`super::findings`]) as the window's Pin buttons, on all rows.

use super::findings::{self, Scope};
use super::{Brief, Provenance, Recommendation, Severity};
use crate::analysis::{self, ClusterRequest};
use crate::compare::Verdict;
use crate::control::Control;
use crate::discovery::error_tree::TreeParams;
use crate::discovery::sliceline::{self, Params};
use crate::format::{fmt_ci, fmt_p};
use crate::load::Mapping;
use crate::load::Task;
use crate::load::table::{EvalTable, FeatureKind};

/// Categorical features with few enough values to list per slice.
const MAX_LEVELS: usize = 50;

/// How many failure clusters the default brief lists.
pub const CLUSTERS: usize = 5;

/// The failure search the default brief runs: where the candidate is wrong and the
/// baseline right, over every sliceable feature, top [`CLUSTERS`].
pub fn cluster_request(table: &EvalTable, baseline: usize, candidate: usize) -> ClusterRequest {
    ClusterRequest {
        model: candidate,
        against: Some(baseline),
        features: (0..table.features.len())
            .filter(|&f| table.features[f].is_sliceable())
            .collect(),
        params: Params {
            top: CLUSTERS,
            ..Default::default()
        },
        tree: TreeParams::default(),
    }
}

/// The default brief of `candidate` against `baseline` on every row; None if
/// cancelled.
pub fn default_brief(
    table: &EvalTable,
    mapping: &Mapping,
    join: Option<&crate::join::JoinReport>,
    baseline: usize,
    candidate: usize,
    control: &Control,
) -> Option<Brief> {
    let (bn, cn) = (
        table.models[baseline].name.clone(),
        table.models[candidate].name.clone(),
    );
    let scope = Scope::all(table);
    let t = table.threshold;
    let mut findings = Vec::new();
    if let Some(j) = join {
        findings.push(findings::text(
            "Join of the input files",
            &j.summary(),
            if j.only_in_some > 0 || j.label_disagreements > 0 {
                Severity::Medium
            } else {
                Severity::Info
            },
            "integrity report",
        ));
    }

    // 1. Every model's metrics.
    let overview = analysis::overview(table, None, t);
    findings.push(findings::metrics_table(table, &overview.metrics, &scope));
    control.check().ok()?;

    // 2. The paired comparison on every row.
    let overall = analysis::comparison(table, None, t, baseline, candidate, &[]).overall;
    findings.push(findings::paired_comparison(
        table, &overall, baseline, candidate, &scope,
    ));
    let gain = overall.improvement().unwrap_or(0.0);
    let worse_overall = overall.verdict_p() < 0.05 && gain < 0.0;
    // Graded: the paired (possibly clustered) interval of the headline may show a
    // drop that McNemar's test on majority verdicts does not.
    let interval_drop = gain < 0.0
        && overall
            .headline()
            .and_then(|d| d.ci)
            .is_some_and(|[_, hi]| hi < 0.0);
    control.check().ok()?;

    // 3. Per-slice verdicts of each categorical feature that has a regression.
    let mut n_regressions = 0;
    for (fi, feat) in table.features.iter().enumerate() {
        if feat.kind != FeatureKind::Categorical || feat.codes.levels.len() > MAX_LEVELS {
            continue;
        }
        let cv = analysis::comparison(table, None, t, baseline, candidate, &[fi]);
        let r = cv
            .slices
            .iter()
            .filter(|s| s.verdict == Verdict::Regression)
            .count();
        if r > 0 {
            n_regressions += r;
            findings.push(findings::slice_verdicts(
                table, &cv, baseline, candidate, &scope,
            ));
        }
        control.check().ok()?;
    }
    if n_regressions == 0 {
        findings.push(findings::text(
            &format!("No slice where {cn} is significantly worse than {bn}"),
            "No slice of a categorical feature is a regression (McNemar per slice, Benjamini-Hochberg q < 0.05 with a lower headline metric).",
            Severity::Info,
            &format!("cohort: all rows ({} rows)", table.len()),
        ));
    }

    // 4. Failure clusters: where did the candidate get worse (intersections too)?
    let request = cluster_request(table, baseline, candidate);
    let clusters = match analysis::clusters(table, None, t, &request, control.flag()) {
        Ok(c) => Some(c),
        Err(crate::discovery::sliceline::SearchError::Cancelled) => return None,
        Err(e) => {
            findings.push(findings::text(
                "Failure clusters: not searched",
                &e.to_string(),
                Severity::Info,
                &format!("cohort: all rows ({} rows)", table.len()),
            ));
            None
        }
    };
    let significant = clusters
        .as_ref()
        .map_or(0, |c| c.listed.iter().filter(|s| s.q_value < 0.05).count());
    if let Some(c) = &clusters {
        findings.push(findings::failure_clusters(
            table,
            c,
            candidate,
            Some(baseline),
            &scope,
        ));
    }

    // 5. ROC curves.
    if table.task == Task::Binary {
        let models: Vec<usize> = [baseline, candidate]
            .into_iter()
            .filter(|&m| table.models[m].score.is_some())
            .collect();
        if !models.is_empty() {
            let curves: Vec<&crate::curves::RankCurves> = models
                .iter()
                .filter_map(|&m| overview.curves.get(m))
                .collect();
            findings.push(findings::roc_curves(table, &models, &curves, &scope));
        }
    }

    // 6. Fairness across each sensitive feature, and calibration.
    if table.task == Task::Binary {
        for col in &table.params.sensitive {
            let Ok(f) = table.feature_index(col) else {
                continue;
            };
            for m in [baseline, candidate] {
                if let Some(fair) = crate::metrics::fairness::fairness(
                    table,
                    m,
                    f,
                    None,
                    crate::stats::Bootstrap::default(),
                ) {
                    findings.push(findings::fairness_table(
                        table,
                        m,
                        &fair,
                        Some(t),
                        None,
                        &scope,
                    ));
                }
            }
            control.check().ok()?;
        }
        let scored: Vec<usize> = [baseline, candidate]
            .into_iter()
            .filter(|&m| table.models[m].score.is_some())
            .collect();
        if !scored.is_empty() {
            findings.push(findings::calibration_table(
                table,
                &overview.metrics,
                &scored,
                &scope,
            ));
        }
        if table.models[candidate].score.is_some() {
            let mut request = cluster_request(table, baseline, candidate);
            request.against = None;
            request.params.excess = true;
            match analysis::clusters(table, None, t, &request, control.flag()) {
                Ok(c) if c.listed.iter().any(|s| s.q_value < 0.05) => {
                    findings.push(findings::failure_clusters(
                        table, &c, candidate, None, &scope,
                    ));
                }
                Err(crate::discovery::sliceline::SearchError::Cancelled) => return None,
                _ => {}
            }
        }
    }

    let recommendation = if worse_overall {
        Recommendation::DoNotShip
    } else if n_regressions > 0 || significant > 0 || interval_drop {
        Recommendation::ShipWithGuardrails
    } else {
        Recommendation::Ship
    };
    let top = clusters
        .as_ref()
        .and_then(|c| c.found.slices.first())
        .map(|s| {
            format!(
                " The largest cluster where it got worse: {} ({} {}, q = {}).",
                sliceline::predicate_text(table, s),
                s.size,
                if table.task == Task::Ranking {
                    "queries"
                } else {
                    "rows"
                },
                fmt_p(s.q_value)
            )
        })
        .unwrap_or_default();
    let headline = overall.headline().map_or("accuracy", |d| d.name);
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
    let unit = table.task.unit();
    let summary = format!(
        "{cn} against {bn} on {} {unit}: {headline} {} ({:+.4}, paired 95% CI {}), {} = {}. {} slice(s) of a single feature regress significantly; {} significant failure cluster(s).{top}{power}",
        if table.task == Task::Ranking {
            overall.n as usize
        } else {
            table.len()
        },
        if gain >= 0.0 { "better" } else { "worse" },
        overall.headline().and_then(|d| d.delta).unwrap_or(0.0),
        fmt_ci(overall.headline().and_then(|d| d.ci)),
        if table.task == Task::Ranking {
            "sign-flip permutation p"
        } else if overall.paired_p.is_some() {
            "paired p"
        } else {
            "McNemar exact p"
        },
        fmt_p(overall.verdict_p()),
        n_regressions,
        significant
    );
    Some(Brief {
        title: format!("Error analysis: {cn} against {bn}"),
        summary,
        recommendation,
        risks: String::new(),
        findings,
        provenance: Provenance::of(table, mapping, "all rows", join),
    })
}
