//! The brief written straight from a data file (`faultline brief FILE --baseline A
//! --candidate B`, and "Add the default findings" in the window): the metrics, the
//! paired comparison, the per-slice verdicts of every categorical feature with a
//! regression, the failure clusters where the candidate got worse, the ROC curves,
//! and a recommendation that follows from them. Every finding comes from the same
//! builders ([`super::findings`]) as the window's Pin buttons, on all rows.

use super::findings::{self, Scope};
use super::{Brief, Provenance, Recommendation, Severity};
use crate::analysis::{self, ClusterRequest, Clusters, ComparisonView};
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

/// What the default brief is written from: every number it states, computed in
/// memory ([`default_brief`]) or from a Spark cluster's aggregates
/// ([`super::spark::spark_brief`]).
pub struct Evidence {
    /// Used rows (examples for graded files).
    pub rows: usize,
    /// Every model's overall metrics.
    pub metrics: Vec<crate::metrics::MetricSet>,
    /// Candidate against baseline on every row.
    pub overall: crate::compare::Comparison,
    /// Per categorical feature, the comparison per slice.
    pub per_feature: Vec<ComparisonView>,
    /// Where the candidate is wrong and the baseline right, or why not searched.
    pub clusters: Result<Clusters, String>,
    /// ROC curves of the scored models among the two (empty where not drawn).
    pub curves: Vec<(usize, crate::curves::RankCurves)>,
    /// Fairness of each model across each sensitive feature.
    pub fairness: Vec<(usize, crate::metrics::fairness::Fairness)>,
    /// The candidate's over-confident slices, when the search ran.
    pub overconfident: Option<Clusters>,
    /// A line on what this source could not show (empty for a file).
    pub limits: String,
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
    let t = table.threshold;
    let overview = analysis::overview(table, None, t);
    control.check().ok()?;
    let overall = analysis::comparison(table, None, t, baseline, candidate, &[]).overall;
    control.check().ok()?;
    let mut per_feature = Vec::new();
    for (fi, feat) in table.features.iter().enumerate() {
        if feat.kind != FeatureKind::Categorical || feat.codes.levels.len() > MAX_LEVELS {
            continue;
        }
        per_feature.push(analysis::comparison(
            table,
            None,
            t,
            baseline,
            candidate,
            &[fi],
        ));
        control.check().ok()?;
    }
    let request = cluster_request(table, baseline, candidate);
    let clusters = match analysis::clusters(table, None, t, &request, control.flag()) {
        Ok(c) => Ok(c),
        Err(crate::discovery::sliceline::SearchError::Cancelled) => return None,
        Err(e) => Err(e.to_string()),
    };
    let mut curves = Vec::new();
    let mut fairness = Vec::new();
    let mut overconfident = None;
    if table.task == Task::Binary {
        for m in [baseline, candidate] {
            if table.models[m].score.is_some()
                && let Some(c) = overview.curves.get(m)
            {
                curves.push((m, c.clone()));
            }
        }
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
                    fairness.push((m, fair));
                }
            }
            control.check().ok()?;
        }
        if table.models[candidate].score.is_some() {
            let mut request = cluster_request(table, baseline, candidate);
            request.against = None;
            request.params.excess = true;
            match analysis::clusters(table, None, t, &request, control.flag()) {
                Ok(c) => overconfident = Some(c),
                Err(crate::discovery::sliceline::SearchError::Cancelled) => return None,
                Err(_) => {}
            }
        }
    }
    let evidence = Evidence {
        rows: table.len(),
        metrics: overview.metrics,
        overall,
        per_feature,
        clusters,
        curves,
        fairness,
        overconfident,
        limits: String::new(),
    };
    Some(assemble(
        table, mapping, join, baseline, candidate, evidence,
    ))
}

/// The default brief from its evidence: the findings, the recommendation that
/// follows from them, and the summary.
pub fn assemble(
    table: &EvalTable,
    mapping: &Mapping,
    join: Option<&crate::join::JoinReport>,
    baseline: usize,
    candidate: usize,
    evidence: Evidence,
) -> Brief {
    let Evidence {
        rows,
        metrics,
        overall,
        per_feature,
        clusters,
        curves,
        fairness,
        overconfident,
        limits,
    } = evidence;
    let (bn, cn) = (
        table.models[baseline].name.clone(),
        table.models[candidate].name.clone(),
    );
    let scope = Scope {
        cohort: "all rows".into(),
        rows,
    };
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
    findings.push(findings::metrics_table(table, &metrics, &scope));

    // 2. The paired comparison on every row.
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

    // 3. Per-slice verdicts of each categorical feature that has a regression.
    let mut n_regressions = 0;
    for cv in &per_feature {
        let r = cv
            .slices
            .iter()
            .filter(|s| s.verdict == Verdict::Regression)
            .count();
        if r > 0 {
            n_regressions += r;
            findings.push(findings::slice_verdicts(
                table, cv, baseline, candidate, &scope,
            ));
        }
    }
    if n_regressions == 0 {
        findings.push(findings::text(
            &format!("No slice where {cn} is significantly worse than {bn}"),
            "No slice of a categorical feature is a regression (McNemar per slice, Benjamini-Hochberg q < 0.05 with a lower headline metric).",
            Severity::Info,
            &format!("cohort: all rows ({rows} rows)"),
        ));
    }

    // 4. Failure clusters: where did the candidate get worse (intersections too)?
    let clusters = match clusters {
        Ok(c) => Some(c),
        Err(e) => {
            findings.push(findings::text(
                "Failure clusters: not searched",
                &e,
                Severity::Info,
                &format!("cohort: all rows ({rows} rows)"),
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
    if !curves.is_empty() {
        let models: Vec<usize> = curves.iter().map(|(m, _)| *m).collect();
        let refs: Vec<&crate::curves::RankCurves> = curves.iter().map(|(_, c)| c).collect();
        findings.push(findings::roc_curves(table, &models, &refs, &scope));
    }

    // 6. Fairness across each sensitive feature, and calibration.
    if table.task == Task::Binary {
        for (m, fair) in &fairness {
            findings.push(findings::fairness_table(
                table,
                *m,
                fair,
                Some(t),
                None,
                &scope,
            ));
        }
        let scored: Vec<usize> = [baseline, candidate]
            .into_iter()
            .filter(|&m| table.models[m].columns.score.is_some())
            .collect();
        if !scored.is_empty() {
            findings.push(findings::calibration_table(
                table, &metrics, &scored, &scope,
            ));
        }
        if let Some(c) = overconfident.filter(|c| c.listed.iter().any(|s| s.q_value < 0.05)) {
            findings.push(findings::failure_clusters(
                table, &c, candidate, None, &scope,
            ));
        }
    }
    if !limits.is_empty() {
        findings.push(findings::text(
            "Not in this brief",
            &limits,
            Severity::Info,
            &format!("cohort: all rows ({rows} rows)"),
        ));
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
            rows
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
    Brief {
        title: format!("Error analysis: {cn} against {bn}"),
        summary,
        recommendation,
        risks: String::new(),
        findings,
        provenance: Provenance::of(table, mapping, "all rows", join),
    }
}
