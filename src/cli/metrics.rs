//! `faultline metrics`: every model's metrics with intervals, overall and per
//! slice of `--by`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{BootArgs, Format, InputArgs, MapArgs, ParamArgs, emit, json_text};
use crate::error::Result;
use crate::grouping::group_by;
use crate::load;
use crate::metrics::evaluate;
use crate::report::metrics_doc;

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// The evaluation file (.csv .tsv .parquet .json .jsonl .ndjson .arrow .ipc .feather), - for standard input, or spark://TABLE_OR_PATH with --connect.
    pub file: PathBuf,
    #[command(flatten)]
    pub map: MapArgs,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// Slice by these columns (every combination that occurs), e.g. `--by region,device`.
    #[arg(long, value_name = "COL[,COL...]", value_delimiter = ',')]
    pub by: Vec<String>,
    /// Quantile bins for numeric `--by` columns, e.g. `--bins 4`.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub bins: u32,
    /// Output format, e.g. `--format json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub boot: BootArgs,
    /// Print the time of each phase and the size of the columns read to stderr (for benchmarks).
    #[arg(long, hide = true)]
    pub timings: bool,
}

/// Runs `faultline metrics`.
pub fn run_metrics(args: &MetricsArgs, out: &mut dyn Write) -> Result<()> {
    if crate::spark::is_spark(&args.file) {
        return run_metrics_spark(args, out);
    }
    let mapping = args.map.mapping();
    // Only the label, model and `--by` columns are read; one projected read is
    // the cheapest here.
    let options =
        args.input
            .load_options(args.bins, Some(args.params.with_sensitive(&args.by)), true);
    // A sensitive feature's groups are its values (as Fairlearn's), never bins.
    let options = crate::load::LoadOptions {
        by_value: args.params.sensitive.clone(),
        ..options
    };
    let loaded = load::load(&args.file, &mapping, &options)?;
    let mut table = loaded.table;
    table.params = args.params.params();
    crate::metrics::check_params(&table)?;
    let frame_bytes = loaded.frame.estimated_size();
    drop(loaded.frame);
    let compute_start = std::time::Instant::now();
    let features = args
        .by
        .iter()
        .map(|b| table.feature_index(b))
        .collect::<Result<Vec<_>>>()?;
    let grouping = group_by(&table, &features, None);
    let boot = args.boot.bootstrap();
    let eval = evaluate(&table, &grouping, boot);
    let compute_time = compute_start.elapsed();
    let text = match args.format {
        Format::Json => {
            let doc = metrics_doc::metrics_json(&table, &grouping, &eval, boot);
            json_text(&doc)?
        }
        Format::Table => metrics_doc::metrics_text(&table, &grouping, &eval),
    };
    // A closed pipe (`| head`) is not an error worth a message.
    emit(out, &text)?;
    super::leave_for_exit((table, grouping, eval));
    if args.timings {
        eprintln!(
            "timings: read {:.1} ms, decode {:.1} ms, compute {:.1} ms; columns read: {:.1} MB",
            loaded.read_time.as_secs_f64() * 1e3,
            loaded.decode_time.as_secs_f64() * 1e3,
            compute_time.as_secs_f64() * 1e3,
            frame_bytes as f64 / 1e6
        );
    }
    Ok(())
}

/// `faultline metrics spark://TABLE_OR_PATH`: the same documents, computed by Spark.
#[cfg(feature = "spark")]
fn run_metrics_spark(args: &MetricsArgs, out: &mut dyn Write) -> Result<()> {
    use crate::spark::engine::{MetricsRequest, metrics};
    let source = crate::spark::SparkSource::resolve(&args.file, args.input.connect.as_deref())?;
    let start = std::time::Instant::now();
    let run = metrics(
        &source,
        MetricsRequest {
            mapping: &args.map.mapping(),
            by: &args.by,
            bins: args.bins as usize,
            params: args.params.params(),
            boot: args.boot.bootstrap(),
            verbose: args.input.verbose,
        },
    )?;
    let boot = args.boot.bootstrap();
    let text = match args.format {
        Format::Json => json_text(&metrics_doc::metrics_json(
            &run.table,
            &run.grouping,
            &run.eval,
            boot,
        ))?,
        Format::Table => metrics_doc::metrics_text(&run.table, &run.grouping, &run.eval),
    };
    emit(out, &text)?;
    if args.timings || args.input.verbose {
        super::spark_summary(run.queries, run.received_bytes, start);
    }
    Ok(())
}

#[cfg(not(feature = "spark"))]
fn run_metrics_spark(args: &MetricsArgs, _out: &mut dyn Write) -> Result<()> {
    Err(crate::spark::unsupported(&args.file, "metrics"))
}
