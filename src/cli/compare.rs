//! `faultline compare`: a candidate against a baseline on the same rows, and the
//! release gate (`--fail-on-regression`, exit code 3).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{BootArgs, Format, InputArgs, MapArgs, ParamArgs, emit, json_text};
use crate::error::{Error, Result};
use crate::grouping::group_by;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// One evaluation file, or several joined on the id column (`--id`); - reads standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub map: MapArgs,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// The model compared against, e.g. `--baseline baseline`.
    #[arg(long, value_name = "NAME")]
    pub baseline: String,
    /// The model under review, e.g. `--candidate candidate`.
    #[arg(long, value_name = "NAME")]
    pub candidate: String,
    /// Compare per slice of these columns, e.g. `--by region,device`.
    #[arg(long, value_name = "COL[,COL...]", value_delimiter = ',')]
    pub by: Vec<String>,
    /// Quantile bins for numeric `--by` columns, e.g. `--bins 4`.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub bins: u32,
    /// Exit with code 3 when a slice's verdict is `regression` or the candidate is significantly worse overall.
    #[arg(long)]
    pub fail_on_regression: bool,
    /// Output format, e.g. `--format json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub boot: BootArgs,
}

/// What `faultline compare` found: whether the gate failed.
pub struct CompareOutcome {
    pub gate_failed: bool,
}

/// Runs `faultline compare`.
pub fn run_compare(args: &CompareArgs, out: &mut dyn Write) -> Result<CompareOutcome> {
    if let Some(p) = args.files.iter().find(|p| crate::spark::is_spark(p)) {
        if args.files.len() > 1 {
            return Err(Error::Usage(format!(
                "{}: a Spark source is compared on its own, not joined with other inputs",
                p.display()
            )));
        }
        return run_compare_spark(args, out);
    }
    let mapping = args.map.mapping();
    let options =
        args.input
            .load_options(args.bins, Some(args.params.with_sensitive(&args.by)), true);
    // A sensitive feature's groups are its values (as Fairlearn's), never bins.
    let options = crate::load::LoadOptions {
        by_value: args.params.sensitive.clone(),
        ..options
    };
    let joined = crate::join::load_joined(&args.files, &mapping, &options)?;
    let (mut table, join) = (joined.table, joined.report);
    table.params = args.params.params();
    crate::metrics::check_params(&table)?;
    drop(joined.frame);
    let baseline = table.model_index(&args.baseline)?;
    let candidate = table.model_index(&args.candidate)?;
    if baseline == candidate {
        return Err(Error::Usage(
            "--baseline and --candidate must name two different models".into(),
        ));
    }
    let features = args
        .by
        .iter()
        .map(|b| table.feature_index(b))
        .collect::<Result<Vec<_>>>()?;
    let grouping = group_by(&table, &features, None);
    let boot = args.boot.bootstrap();
    let all = crate::compare::compare(&table, &grouping, baseline, candidate, boot);
    let join = join.as_ref().map(|j| (j.to_json(), j.summary()));
    render(
        args,
        out,
        &table,
        &grouping,
        (baseline, candidate),
        all,
        join,
    )
}

/// Prints a comparison (groups, then overall) and applies the gate.
fn render(
    args: &CompareArgs,
    out: &mut dyn Write,
    table: &crate::load::table::EvalTable,
    grouping: &crate::grouping::Grouping,
    (baseline, candidate): (usize, usize),
    mut all: Vec<crate::compare::Comparison>,
    join: Option<(serde_json::Value, String)>,
) -> Result<CompareOutcome> {
    let overall = all.pop().unwrap_or_default();
    all.push(overall.clone());
    let slices = crate::compare::slice_verdicts(&all);
    let gate_failed = crate::compare::gate_fails(&overall, &slices);
    let text = match args.format {
        Format::Json => {
            let doc = crate::report::compare_doc::compare_json(
                table,
                baseline,
                candidate,
                grouping,
                &overall,
                &slices,
                gate_failed,
                join.as_ref().map(|j| j.0.clone()),
            );
            json_text(&doc)?
        }
        Format::Table => {
            let mut t = crate::report::compare_doc::compare_text(
                table,
                baseline,
                candidate,
                grouping,
                &overall,
                &slices,
                join.as_ref().map(|j| j.1.as_str()),
            );
            if args.fail_on_regression {
                t.push_str(if gate_failed {
                    "\nGate: FAILED (a regression; exit code 3)\n"
                } else {
                    "\nGate: passed\n"
                });
            }
            t
        }
    };
    emit(out, &text)?;
    super::leave_for_exit((table, grouping));
    Ok(CompareOutcome {
        gate_failed: gate_failed && args.fail_on_regression,
    })
}

/// `faultline compare spark://TABLE_OR_PATH`: the same comparison, computed by Spark.
#[cfg(feature = "spark")]
fn run_compare_spark(args: &CompareArgs, out: &mut dyn Write) -> Result<CompareOutcome> {
    use crate::spark::engine::{CompareRequest, compare};
    let source = crate::spark::SparkSource::resolve(&args.files[0], args.input.connect.as_deref())?;
    let start = std::time::Instant::now();
    let run = compare(
        &source,
        CompareRequest {
            mapping: &args.map.mapping(),
            by: &args.by,
            bins: args.bins as usize,
            baseline: &args.baseline,
            candidate: &args.candidate,
            boot: args.boot.bootstrap(),
            verbose: args.input.verbose,
        },
    )?;
    if args.input.verbose {
        super::spark_summary(run.queries, run.received_bytes, start);
    }
    render(
        args,
        out,
        &run.table,
        &run.grouping,
        (run.baseline, run.candidate),
        run.comparisons,
        None,
    )
}

#[cfg(not(feature = "spark"))]
fn run_compare_spark(args: &CompareArgs, _out: &mut dyn Write) -> Result<CompareOutcome> {
    Err(crate::spark::unsupported(&args.files[0], "compare"))
}
