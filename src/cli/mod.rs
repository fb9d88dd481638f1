//! The command line (contract section 2). Parsing lives here and in one file per
//! subcommand; each calls the engine and prints a report. `main.rs` only maps
//! errors to exit codes. The arguments shared by every subcommand (the MAP flags,
//! how the input is read, the bootstrap) are defined once below.

mod agreement;
mod brief;
mod compare;
mod metrics;
mod slices;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

pub use agreement::{AgreementArgs, run_agreement};
pub use brief::{BriefArgs, is_session_file, run_brief};
pub use compare::{CompareArgs, CompareOutcome, run_compare};
pub use metrics::{MetricsArgs, run_metrics};
pub use slices::{SlicesArgs, run_slices};

use crate::error::{Error, Result};
use crate::load::read::{Format as InputFormat, ReadOptions};
use crate::load::text::Encoding;
use crate::load::{LoadOptions, Mapping, Task};
use crate::stats::Bootstrap;

const ABOUT: &str = "faultline: error analysis for ML evaluation sets: metrics with intervals, \
cohorts and slices, failure clusters, model comparison and briefs, on millions of rows.";

/// The faultline command line.
#[derive(Debug, Parser)]
#[command(name = "faultline", version, about = ABOUT, args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  faultline                                   # the window, on the bundled sample\n  faultline eval.parquet --label y            # the window, on a file\n  faultline sample_data/churn.parquet --view slices --screenshot slices.png\n  faultline metrics sample_data/churn.parquet --by region,device\n  faultline metrics eval.parquet --label y --pred new=pred_new --format json\n  cat eval.csv | faultline metrics - --input-format csv\n\nExit codes: 0 success, 2 bad input or usage, 1 any other failure (such as an output that cannot be written), 3 a failed gate (compare --fail-on-regression).")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Evaluation files to open in the workbench (none: the bundled sample).
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub map: MapArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub params: ParamArgs,
    /// The view to show first, e.g. `--view compare`.
    #[arg(long, value_name = "NAME", value_enum)]
    pub view: Option<ViewName>,
    /// Open the example inspector on the Nth example of the table (1-based), e.g. `--view examples --select 12`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub select: Option<u32>,
    /// Render the view to this PNG in a real window and exit, e.g. `--screenshot overview.png`.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
    /// The window's size in points, e.g. `--window-size 1400x1600` (a tall screenshot).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub window_size: Option<[f32; 2]>,
}

fn parse_size(s: &str) -> std::result::Result<[f32; 2], String> {
    let (w, h) = s
        .split_once('x')
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, got {s:?}"))?;
    let n = |v: &str| -> std::result::Result<f32, String> {
        v.trim()
            .parse::<f32>()
            .ok()
            .filter(|x| (200.0..=10_000.0).contains(x))
            .ok_or_else(|| format!("expected a size between 200 and 10000, got {v:?}"))
    };
    Ok([n(w)?, n(h)?])
}

/// The workbench's views, by the names `--view` takes. The window maps each to its
/// view; the command line needs only the names.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum ViewName {
    #[default]
    Overview,
    Slices,
    Examples,
    Cohorts,
    Mapping,
    #[value(alias = "clusters")]
    Failures,
    Compare,
    Brief,
    Fairness,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Metrics per model, overall and per slice, with 95% intervals.
    #[command(
        after_help = "Examples:\n  faultline metrics sample_data/churn.parquet\n  faultline metrics sample_data/churn.parquet --by region,device --format json\n  faultline metrics scores.csv --label truth --score model_a=p_a --threshold 0.3 --by age --bins 4\n  faultline metrics export.csv --encoding windows-1252"
    )]
    Metrics(MetricsArgs),
    /// Failure slices (SliceLine): where a model's error is far above average, with significance.
    #[command(
        after_help = "Examples:\n  faultline slices sample_data/churn.parquet --model candidate\n  faultline slices sample_data/churn.parquet --model candidate --against baseline --format json\n  faultline slices sample_data/adult_models.csv --model gbm --features sex,race,age --max-level 2 --top 5"
    )]
    Slices(SlicesArgs),
    /// Compare a candidate with a baseline on the same rows: paired deltas, flips, McNemar, per-slice verdicts.
    #[command(
        after_help = "Examples:\n  faultline compare sample_data/churn.parquet --baseline baseline --candidate candidate --by region,device\n  faultline compare eval.parquet --baseline v1 --candidate v2 --by segment --fail-on-regression   # exit 3 on a regression (CI gate)\n  faultline compare base.csv cand.csv --id example_id --baseline base --candidate cand"
    )]
    Compare(CompareArgs),
    /// Write an error-analysis brief (Markdown, HTML or JSON) from a session or straight from data.
    #[command(
        after_help = "Examples:\n  faultline brief release.faultline --out brief.html\n  faultline brief sample_data/churn.parquet --baseline baseline --candidate candidate --out brief.md\n  faultline brief old.csv new.csv --id example_id --baseline old --candidate new --out brief.json\n  faultline brief eval.parquet --baseline a --candidate b --out - --format md | less"
    )]
    Brief(BriefArgs),
    /// Agreement of two raters of the same items (a judge against a human): raw agreement and Cohen's kappa with bootstrap intervals.
    #[command(
        after_help = "Examples:\n  faultline agreement sample_data/llm_eval.jsonl --raters pass_candidate,human_pass_candidate\n  faultline agreement ratings.csv --raters judge,human --weights quadratic --by genre --format json"
    )]
    Agreement(AgreementArgs),
    /// Print a shell completion script, e.g. `faultline completions bash > /etc/bash_completion.d/faultline`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `faultline man > faultline.1`.
    Man,
}

/// Output formats of `metrics`, `slices` and `compare`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned table for people.
    #[default]
    Table,
    /// Exactly one JSON document (contract section 3).
    Json,
}

/// The contract's MAP flags: override any inferred column role.
#[derive(Debug, Clone, Default, Args)]
pub struct MapArgs {
    /// Task instead of inferring it from the label, e.g. `--task multiclass`.
    #[arg(long, value_enum)]
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
    /// Threshold in [0, 1] that turns a score into a predicted label (score >= T), e.g. `--threshold 0.3`. Default 0.5.
    #[arg(long, value_name = "T", value_parser = parse_threshold, allow_negative_numbers = true)]
    pub threshold: Option<f64>,
    /// Pass/fail grade column of graded model NAME (booleans, 0/1, pass/fail), repeatable, e.g. `--pass gpt=correct_gpt`.
    #[arg(long = "pass", value_name = "NAME=COL", value_parser = parse_pair)]
    pub passes: Vec<(String, String)>,
    /// Numeric grade (judge score, any scale) of graded model NAME, repeatable, e.g. `--grade gpt=judge_gpt`.
    #[arg(long = "grade", value_name = "NAME=COL", value_parser = parse_pair)]
    pub grades: Vec<(String, String)>,
    /// Column grouping examples into clusters (a passage, a conversation): intervals use the clustered standard error, e.g. `--cluster passage`.
    #[arg(long, value_name = "COL")]
    pub cluster: Option<String>,
    /// A text descriptor: feature NAME is whether column COL matches REGEX, repeatable, e.g. `--describe refusal=response_a~(?i)i cannot`.
    #[arg(long, value_name = "NAME=COL~REGEX", value_parser = parse_descriptor)]
    pub describe: Vec<(String, String, String)>,
    /// Ranking: the column naming each row's query (inferred from `query_id` or `qid`), e.g. `--query session`.
    #[arg(long, value_name = "COL")]
    pub query: Option<String>,
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
            passes: self.passes.clone(),
            grades: self.grades.clone(),
            cluster: self.cluster.clone(),
            describe: self.describe.clone(),
            query: self.query.clone(),
            ..Mapping::default()
        }
    }
}

/// How the input is read.
#[derive(Debug, Clone, Default, Args)]
pub struct InputArgs {
    /// The input's format instead of its extension's; required to read standard input (`-`), e.g. `--input-format csv`.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Text encoding of CSV, TSV and JSON input, e.g. `--encoding windows-1252` for a spreadsheet's export.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    pub encoding: Encoding,
    /// The Spark Connect server of a `spark://TABLE_OR_PATH` source, e.g. `--connect sc://localhost:15002` (default: $SPARK_REMOTE).
    #[arg(long, value_name = "sc://HOST:PORT")]
    pub connect: Option<String>,
    /// Log every SQL query sent to Spark on stderr (to audit what a Spark source runs).
    #[arg(long)]
    pub verbose: bool,
}

impl InputArgs {
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.input_format,
            encoding: self.encoding,
            control: crate::control::Control::none(),
            // The load turns it on where it compacts the frame.
            compact: false,
            // The command line reports the hash with its numbers.
            defer_hash: false,
        }
    }

    /// Load options reading the input as told, binning numeric features in `bins`.
    pub fn load_options(
        &self,
        bins: u32,
        features: Option<Vec<String>>,
        keep_frame: bool,
    ) -> LoadOptions {
        LoadOptions {
            bins: bins as usize,
            features,
            keep_frame,
            read: self.read_options(),
            by_value: Vec::new(),
            defer_id: false,
            defer_features: false,
        }
    }
}

/// The bootstrap's seed and number of resamples.
#[derive(Debug, Clone, Args)]
pub struct BootArgs {
    /// Seed of the bootstrap intervals; the same seed gives the same intervals, e.g. `--seed 7`.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Bootstrap resamples for intervals without a closed form, 100 to 100000, e.g. `--resamples 2000`.
    #[arg(long, default_value_t = 1000, value_parser = parse_resamples, allow_negative_numbers = true)]
    pub resamples: usize,
}

impl BootArgs {
    pub fn bootstrap(&self) -> Bootstrap {
        Bootstrap {
            resamples: self.resamples,
            seed: self.seed,
        }
    }
}

/// Fewest and most bootstrap resamples accepted.
pub const RESAMPLES: std::ops::RangeInclusive<usize> = 100..=100_000;

fn parse_resamples(s: &str) -> std::result::Result<usize, String> {
    let n: i64 = s
        .parse()
        .map_err(|_| format!("not a whole number: {s:?}"))?;
    if n >= *RESAMPLES.start() as i64 && n <= *RESAMPLES.end() as i64 {
        Ok(n as usize)
    } else {
        Err(format!(
            "resamples must be between {} and {} (fewer give intervals that do not mean 95%), got {s}",
            RESAMPLES.start(),
            RESAMPLES.end()
        ))
    }
}

fn parse_pair(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, col)) if !name.is_empty() && !col.is_empty() => {
            Ok((name.to_string(), col.to_string()))
        }
        _ => Err(format!("expected NAME=COL, got {s:?}")),
    }
}

fn parse_descriptor(s: &str) -> std::result::Result<(String, String, String), String> {
    let bad = || format!("expected NAME=COL~REGEX, got {s:?}");
    let (name, rest) = s.split_once('=').ok_or_else(bad)?;
    let (col, re) = rest.split_once('~').ok_or_else(bad)?;
    if name.is_empty() || col.is_empty() || re.is_empty() {
        return Err(bad());
    }
    crate::load::text_features::compile(re)
        .map_err(|e| format!("{re:?} is not a regular expression: {e}"))?;
    Ok((name.to_string(), col.to_string(), re.to_string()))
}

/// Parameters of the metrics themselves.
#[derive(Debug, Clone, Default, Args)]
pub struct ParamArgs {
    /// Graded: report pass@K over each example's repeated runs (`--k 3`). Ranking:
    /// the cutoffs of NDCG@K, precision@K and recall@K (default 5,10).
    #[arg(long, value_name = "K[,K...]", value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub k: Vec<u32>,
    /// Fairness (binary): per group of each COL, rates with intervals and the
    /// disparities between groups (Fairlearn's definitions).
    #[arg(long, value_name = "COL[,COL...]", value_delimiter = ',')]
    pub sensitive: Vec<String>,
    /// Calibration (binary with scores): bins of the expected calibration error (default 10).
    #[arg(long, value_name = "B", value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub calibration_bins: Option<u32>,
    /// Cost of a false positive: with --cost-fn, report the expected cost per
    /// example and the threshold that minimizes it.
    #[arg(long, value_name = "A", requires = "cost_fn", value_parser = parse_cost)]
    pub cost_fp: Option<f64>,
    /// Cost of a false negative (with --cost-fp).
    #[arg(long, value_name = "B", requires = "cost_fp", value_parser = parse_cost)]
    pub cost_fn: Option<f64>,
}

impl ParamArgs {
    pub fn params(&self) -> crate::load::table::MetricParams {
        let mut ks = self.k.clone();
        ks.dedup();
        crate::load::table::MetricParams {
            k: self.k.first().copied(),
            ks,
            calibration_bins: self.calibration_bins.map(|b| b as usize),
            cost: self.cost_fp.zip(self.cost_fn),
            sensitive: self.sensitive.clone(),
        }
    }
}

impl ParamArgs {
    /// The columns to decode: `by` and the sensitive features.
    pub fn with_sensitive(&self, by: &[String]) -> Vec<String> {
        let mut v = by.to_vec();
        for s in &self.sensitive {
            if !v.contains(s) {
                v.push(s.clone());
            }
        }
        v
    }
}

fn parse_cost(s: &str) -> std::result::Result<f64, String> {
    let c: f64 = s.parse().map_err(|_| format!("not a number: {s:?}"))?;
    if !c.is_finite() || c < 0.0 {
        return Err(format!(
            "a cost must be a finite number of at least 0, not {s}"
        ));
    }
    Ok(c)
}

fn parse_threshold(s: &str) -> std::result::Result<f64, String> {
    let t: f64 = s.parse().map_err(|_| format!("not a number: {s:?}"))?;
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(format!(
            "the threshold compares with probabilities, so it must be in [0, 1], got {s}"
        ))
    }
}

/// Writes a command's output. A closed pipe (`| head`) is not an error worth a
/// message; any other failure (a full disk) is, with exit code 1.
pub fn emit(out: &mut dyn Write, text: &str) -> Result<()> {
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Write {
            what: "the output".into(),
            source,
        }),
    }
}

/// A JSON document as text with a final newline.
fn json_text(doc: &serde_json::Value) -> Result<String> {
    serde_json::to_string_pretty(doc)
        .map(|s| s + "\n")
        .map_err(|e| Error::Usage(e.to_string()))
}

/// Runs `faultline completions SHELL`.
pub fn run_completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "faultline", &mut buf);
    emit(out, &String::from_utf8_lossy(&buf))
}

/// Leaves a command's large results undropped, as the process is about to
/// exit: freeing them block by block costs more than the exit's unmapping
/// of the whole address space (freed large blocks are unmapped one at a
/// time, each unmap interrupting the other cores to flush their TLBs; ~10 ms
/// of `faultline metrics` at 1M rows). Only for the `run_*` commands, which
/// `main` calls once, right before it exits.
pub fn leave_for_exit<T>(results: T) {
    std::mem::forget(results);
}

/// Runs `faultline man`.
pub fn run_man(out: &mut dyn Write) -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|source| Error::Write {
            what: "the manual page".into(),
            source,
        })?;
    emit(out, &String::from_utf8_lossy(&buf))
}

/// What a Spark run cost, on stderr (`--verbose`): queries, bytes back, time.
#[cfg(feature = "spark")]
fn spark_summary(queries: usize, bytes: u64, start: std::time::Instant) {
    eprintln!(
        "faultline: spark: {queries} queries, {bytes} bytes of results, {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
}
