//! The default brief of a Spark source (`faultline brief spark://... --baseline A
//! --candidate B`): the same findings as for a file, from the Spark engine's
//! aggregates: the metrics (calibration included), the paired comparison overall
//! and per slice of every text or boolean column, and SliceLine's clusters where
//! the candidate is wrong and the baseline right, over every sliceable column
//! (numeric ones in the same quantile bins as in memory), and fairness across the
//! `--sensitive` columns. ROC curves and over-confident slices need per-row scores
//! and are left out, with a line that says so.

use super::Brief;
use super::default::{CLUSTERS, Evidence, assemble};
use crate::analysis::{ComparisonView, clusters_from};
use crate::error::{Error, Result};
use crate::load::Mapping;
use crate::load::table::{FeatureKind, MetricParams};
use crate::spark::SparkSource;
use crate::spark::engine::{self, CompareRequest, MetricsRequest, SlicesRequest};
use crate::stats::Bootstrap;

/// Categorical columns with more values than this get no per-slice verdicts (as
/// for a file).
const MAX_LEVELS: usize = 50;

/// What a brief of a Spark source needs besides the source.
pub struct SparkBriefRequest<'a> {
    pub mapping: &'a Mapping,
    pub bins: usize,
    pub baseline: &'a str,
    pub candidate: &'a str,
    pub params: MetricParams,
    pub verbose: bool,
}

/// The default brief of a Spark source.
pub fn spark_brief(source: &SparkSource, req: SparkBriefRequest) -> Result<Brief> {
    if req.params.cost.is_some() {
        return Err(Error::Usage(format!(
            "{}: --cost-fp/--cost-fn are not computed on Spark sources yet",
            source.display()
        )));
    }
    let sensitive = req.params.sensitive.len();
    let boot = Bootstrap::default();
    let metrics = engine::metrics(
        source,
        MetricsRequest {
            mapping: req.mapping,
            by: &[],
            bins: req.bins,
            params: req.params.clone(),
            boot,
            verbose: req.verbose,
        },
    )?;
    let table = metrics.table;
    let baseline = table.model_index(req.baseline)?;
    let candidate = table.model_index(req.candidate)?;
    if baseline == candidate {
        return Err(Error::Usage(
            "--baseline and --candidate must name two different models".into(),
        ));
    }
    let compare = |by: &[String]| {
        engine::compare(
            source,
            CompareRequest {
                mapping: req.mapping,
                by,
                bins: req.bins,
                baseline: req.baseline,
                candidate: req.candidate,
                boot,
                verbose: req.verbose,
            },
        )
    };
    let overall = compare(&[])?.comparisons.pop().unwrap_or_default();
    // Every column without a role, as the file decoder sees it.
    let all = crate::spark::remote::RemoteTable::open(source, req.mapping, req.bins, req.verbose)?;
    let columns = all.table().features.clone();
    let sliceable = all.slice_columns();
    let mut per_feature = Vec::new();
    for f in columns
        .iter()
        .filter(|f| f.kind == FeatureKind::Categorical && sliceable.contains(&f.name))
    {
        let by = [f.name.clone()];
        let run = compare(&by)?;
        if run.grouping.len() > MAX_LEVELS {
            continue;
        }
        per_feature.push(ComparisonView {
            overall: run.comparisons.last().cloned().unwrap_or_default(),
            slices: crate::compare::slice_verdicts(&run.comparisons),
            labels: run.grouping.labels(&run.table),
            review: Vec::new(),
        });
    }
    let features: Vec<String> = columns
        .iter()
        .filter(|f| f.is_sliceable() && sliceable.contains(&f.name))
        .map(|f| f.name.clone())
        .collect();
    let params = crate::discovery::sliceline::Params {
        top: CLUSTERS,
        ..Default::default()
    };
    let searched = engine::slices(
        source,
        SlicesRequest {
            mapping: req.mapping,
            features: &features,
            bins: req.bins,
            model: req.candidate,
            against: Some(req.baseline),
            params: params.clone(),
            verbose: req.verbose,
        },
    );
    // The search's table knows the levels of the columns it searched.
    let (table, clusters) = match searched {
        Ok(run) => {
            let c = clusters_from(
                &run.table,
                run.found,
                Vec::new(),
                run.features.len(),
                metrics.eval.overall.clone(),
                &params,
            );
            (run.table, Ok(c))
        }
        Err(e @ Error::Spark { .. }) => return Err(e),
        Err(e) => (table, Err(e.to_string())),
    };
    let rows = table.dataset.used_rows;
    // As for a file: per sensitive column, the baseline's fairness then the candidate's.
    let fairness = (0..sensitive)
        .flat_map(|i| {
            let sets = &metrics.eval.overall;
            [baseline, candidate]
                .into_iter()
                .filter_map(move |m| Some((m, sets.get(m)?.fairness.get(i)?.clone())))
        })
        .collect();
    let evidence = Evidence {
        rows,
        metrics: metrics.eval.overall,
        overall,
        per_feature,
        clusters,
        curves: Vec::new(),
        fairness,
        overconfident: None,
        limits: "Computed by Spark from aggregates: ROC curves and over-confident slices need per-row scores and are not part of a Spark source's brief (run faultline on a sample file for them).".into(),
    };
    Ok(assemble(
        &table,
        req.mapping,
        None,
        baseline,
        candidate,
        evidence,
    ))
}
