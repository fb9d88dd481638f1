//! The command line (contract section 2). Parsing lives here; each command calls
//! the engine and prints a report. `main.rs` only maps errors to exit codes.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::grouping::group_by;
use crate::load::{self, LoadOptions, Mapping, Task};
use crate::metrics::evaluate;
use crate::report::metrics_doc;
use crate::stats::Bootstrap;

const ABOUT: &str = "faultline: error analysis for ML evaluation sets: metrics with intervals, \
cohorts and slices, failure clusters, model comparison and briefs, on millions of rows.";

/// The faultline command line.
#[derive(Debug, Parser)]
#[command(name = "faultline", version, about = ABOUT, args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  faultline                                   # the window, on the bundled sample\n  faultline eval.parquet --label y            # the window, on a file\n  faultline sample_data/churn.parquet --view slices --screenshot slices.png\n  faultline metrics sample_data/churn.parquet --by region,device\n  faultline metrics eval.parquet --label y --pred new=pred_new --format json")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Evaluation files to open in the workbench (none: the bundled sample).
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub map: MapArgs,
    /// The view to show first: overview, slices, examples, cohorts or mapping, e.g. `--view slices`.
    #[arg(long, value_name = "NAME", value_parser = parse_view)]
    pub view: Option<crate::app::View>,
    /// Render the view to this PNG in a real window and exit, e.g. `--screenshot overview.png`.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
}

fn parse_view(s: &str) -> std::result::Result<crate::app::View, String> {
    crate::app::View::from_name(s).ok_or_else(|| {
        format!("unknown view {s:?} (use overview, slices, examples, cohorts or mapping)")
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Metrics per model, overall and per slice, with 95% intervals.
    #[command(
        after_help = "Examples:\n  faultline metrics sample_data/churn.parquet\n  faultline metrics sample_data/churn.parquet --by region,device --format json\n  faultline metrics scores.csv --label truth --score model_a=p_a --threshold 0.3 --by age --bins 4"
    )]
    Metrics(MetricsArgs),
}

/// The contract's MAP flags: override any inferred column role.
#[derive(Debug, Clone, Default, Args)]
pub struct MapArgs {
    /// Task instead of inferring it from the label, e.g. `--task multiclass`.
    #[arg(long, value_parser = parse_task)]
    pub task: Option<Task>,
    /// Label column, e.g. `--label truth`.
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,
    /// Id column (joins several files), e.g. `--id example_id`.
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Predicted-label column of model NAME, repeatable, e.g. `--pred new=yhat_new`.
    #[arg(long, value_name = "NAME=COL", value_parser = parse_pair)]
    pub pred: Vec<(String, String)>,
    /// Positive-class probability column of model NAME (binary), repeatable, e.g. `--score new=p_new`.
    #[arg(long, value_name = "NAME=COL", value_parser = parse_pair)]
    pub score: Vec<(String, String)>,
    /// Positive class of a binary label, e.g. `--positive churned`.
    #[arg(long, value_name = "VALUE")]
    pub positive: Option<String>,
    /// Threshold that turns a score into a predicted label (score >= T), e.g. `--threshold 0.3`. Default 0.5.
    #[arg(long, value_name = "T", value_parser = parse_threshold)]
    pub threshold: Option<f64>,
}

impl MapArgs {
    pub fn mapping(&self) -> Mapping {
        Mapping {
            task: self.task,
            label: self.label.clone(),
            id: self.id.clone(),
            preds: self.pred.clone(),
            scores: self.score.clone(),
            positive: self.positive.clone(),
            threshold: self.threshold,
            ..Mapping::default()
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned table for people.
    #[default]
    Table,
    /// Exactly one JSON document (contract section 3).
    Json,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// The evaluation file (.csv .tsv .parquet .json .jsonl .ndjson .arrow .ipc .feather).
    pub file: PathBuf,
    #[command(flatten)]
    pub map: MapArgs,
    /// Slice by these columns (every combination that occurs), e.g. `--by region,device`.
    #[arg(long, value_name = "COL[,COL...]", value_delimiter = ',')]
    pub by: Vec<String>,
    /// Quantile bins for numeric `--by` columns, e.g. `--bins 4`.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub bins: u32,
    /// Output format, e.g. `--format json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Seed of the bootstrap intervals; the same seed gives the same intervals, e.g. `--seed 7`.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Bootstrap resamples for intervals without a closed form, e.g. `--resamples 2000`.
    #[arg(long, default_value_t = 1000)]
    pub resamples: usize,
    /// Print the time of each phase and the size of the columns read to stderr (for benchmarks).
    #[arg(long, hide = true)]
    pub timings: bool,
}

fn parse_task(s: &str) -> std::result::Result<Task, String> {
    s.parse()
}

fn parse_pair(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, col)) if !name.is_empty() && !col.is_empty() => {
            Ok((name.to_string(), col.to_string()))
        }
        _ => Err(format!("expected NAME=COL, got {s:?}")),
    }
}

fn parse_threshold(s: &str) -> std::result::Result<f64, String> {
    let t: f64 = s.parse().map_err(|_| format!("not a number: {s:?}"))?;
    if t.is_finite() {
        Ok(t)
    } else {
        Err(format!("the threshold must be a finite number, got {s}"))
    }
}

/// Runs `faultline metrics`.
pub fn run_metrics(args: &MetricsArgs, out: &mut dyn Write) -> Result<()> {
    let mapping = args.map.mapping();
    let options = LoadOptions {
        bins: args.bins as usize,
        features: Some(args.by.clone()),
    };
    let loaded = load::load(&args.file, &mapping, &options)?;
    let table = loaded.table;
    let frame_bytes = loaded.frame.estimated_size();
    drop(loaded.frame);
    let compute_start = std::time::Instant::now();
    let features = args
        .by
        .iter()
        .map(|b| table.feature_index(b))
        .collect::<Result<Vec<_>>>()?;
    let grouping = group_by(&table, &features, None);
    let boot = Bootstrap {
        resamples: args.resamples,
        seed: args.seed,
    };
    let eval = evaluate(&table, &grouping, boot);
    let compute_time = compute_start.elapsed();
    let text = match args.format {
        Format::Json => {
            let doc = metrics_doc::metrics_json(&table, &grouping, &eval, boot);
            serde_json::to_string_pretty(&doc).map_err(|e| Error::Usage(e.to_string()))? + "\n"
        }
        Format::Table => metrics_doc::metrics_text(&table, &grouping, &eval),
    };
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(text.as_bytes());
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
