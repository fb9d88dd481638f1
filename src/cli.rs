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
    /// The view to show first: overview, slices, examples, cohorts, mapping, failures, compare or brief, e.g. `--view compare`.
    #[arg(long, value_name = "NAME", value_enum)]
    pub view: Option<ViewName>,
    /// Render the view to this PNG in a real window and exit, e.g. `--screenshot overview.png`.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Metrics per model, overall and per slice, with 95% intervals.
    #[command(
        after_help = "Examples:\n  faultline metrics sample_data/churn.parquet\n  faultline metrics sample_data/churn.parquet --by region,device --format json\n  faultline metrics scores.csv --label truth --score model_a=p_a --threshold 0.3 --by age --bins 4"
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
    /// Write an error-analysis brief (.md, .html or .json) from a session or straight from data.
    #[command(
        after_help = "Examples:\n  faultline brief release.faultline --out brief.html\n  faultline brief sample_data/churn.parquet --baseline baseline --candidate candidate --out brief.md\n  faultline brief old.csv new.csv --id example_id --baseline old --candidate new --out brief.json"
    )]
    Brief(BriefArgs),
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    /// A session file (saved from the window), or evaluation files (several are joined on `--id`).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub map: MapArgs,
    /// The model compared against (with data files), e.g. `--baseline baseline`.
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// The model under review (with data files), e.g. `--candidate candidate`.
    #[arg(long, value_name = "NAME")]
    pub candidate: Option<String>,
    /// Where to write; the extension picks the format: .md (charts as SVG beside it), .html or .json.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

/// True for a saved session rather than an evaluation file.
pub fn is_session_file(path: &std::path::Path) -> bool {
    if path.extension().and_then(|e| e.to_str()) == Some("faultline") {
        return true;
    }
    path.extension().and_then(|e| e.to_str()) == Some("json")
        && std::fs::read(path)
            .map(|b| b.windows(17).take(4096).any(|w| w == b"faultline_session"))
            .unwrap_or(false)
}

/// Runs `faultline brief`; returns the files written.
pub fn run_brief(args: &BriefArgs, out: &mut dyn Write) -> Result<()> {
    use crate::brief::{default::default_brief, merge, now_utc, render};
    let never = crate::control::Control::none();
    let mut brief = if args.inputs.len() == 1 && is_session_file(&args.inputs[0]) {
        let session = crate::session::Session::load(&args.inputs[0])?;
        for (path, want, got) in session.changed_datasets() {
            eprintln!(
                "faultline: warning: {} changed since the session was saved (sha256 {want}, now {got})",
                path.display()
            );
        }
        if session.brief.findings.is_empty() {
            // A session with nothing pinned gets the default findings, merged into
            // the text the user wrote exactly as the window's "Add the default findings".
            let paths: Vec<PathBuf> = session.datasets.iter().map(|d| d.path.clone()).collect();
            let joined =
                crate::join::load_joined(&paths, &session.mapping, &LoadOptions::default())?;
            let table = joined.table;
            let (Some(b), Some(c)) = (
                session
                    .baseline
                    .clone()
                    .or_else(|| table.models.first().map(|m| m.name.clone())),
                session
                    .candidate
                    .clone()
                    .or_else(|| table.models.last().map(|m| m.name.clone())),
            ) else {
                return Err(Error::Usage("the session names no models".into()));
            };
            let (bi, ci) = (table.model_index(&b)?, table.model_index(&c)?);
            if bi == ci {
                return Err(Error::Usage(
                    "the session's file has one model: a default brief compares two".into(),
                ));
            }
            let computed = default_brief(
                &table,
                &session.mapping,
                joined.report.as_ref(),
                bi,
                ci,
                &never,
            )
            .ok_or(Error::Cancelled)?;
            merge(&session.brief, computed)
        } else {
            session.brief.clone()
        }
    } else {
        let (Some(b), Some(c)) = (&args.baseline, &args.candidate) else {
            return Err(Error::Usage(
                "a brief from data needs --baseline NAME and --candidate NAME".into(),
            ));
        };
        let mapping = args.map.mapping();
        let joined = crate::join::load_joined(&args.inputs, &mapping, &LoadOptions::default())?;
        let table = joined.table;
        let (bi, ci) = (table.model_index(b)?, table.model_index(c)?);
        if bi == ci {
            return Err(Error::Usage(
                "--baseline and --candidate must name two different models".into(),
            ));
        }
        default_brief(&table, &mapping, joined.report.as_ref(), bi, ci, &never)
            .ok_or(Error::Cancelled)?
    };
    brief.provenance.generated_at = now_utc();
    let written = render::export(&brief, &args.out)?;
    let lines: String = written
        .iter()
        .map(|w| format!("wrote {}\n", w.display()))
        .collect();
    emit(out, &lines)
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// One evaluation file, or several joined on the id column (`--id`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub map: MapArgs,
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
    /// Seed of the bootstrap intervals, e.g. `--seed 7`.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// What `faultline compare` found: whether the gate failed.
pub struct CompareOutcome {
    pub gate_failed: bool,
}

/// Runs `faultline compare`.
pub fn run_compare(args: &CompareArgs, out: &mut dyn Write) -> Result<CompareOutcome> {
    let mapping = args.map.mapping();
    let options = LoadOptions {
        bins: args.bins as usize,
        features: Some(args.by.clone()),
        keep_frame: true,
        read: Default::default(),
    };
    let joined = crate::join::load_joined(&args.files, &mapping, &options)?;
    let (table, join) = (joined.table, joined.report);
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
    let boot = Bootstrap {
        resamples: 1000,
        seed: args.seed,
    };
    let mut all = crate::compare::compare(&table, &grouping, baseline, candidate, boot);
    let overall = all.pop().unwrap_or_default();
    all.push(overall.clone());
    let slices = crate::compare::slice_verdicts(&all);
    let gate_failed = crate::compare::gate_fails(&overall, &slices);
    let text = match args.format {
        Format::Json => {
            let doc = crate::report::compare_doc::compare_json(
                &table,
                baseline,
                candidate,
                &grouping,
                &overall,
                &slices,
                gate_failed,
                join.as_ref().map(|j| j.to_json()),
            );
            serde_json::to_string_pretty(&doc).map_err(|e| Error::Usage(e.to_string()))? + "\n"
        }
        Format::Table => {
            let mut t = crate::report::compare_doc::compare_text(
                &table,
                baseline,
                candidate,
                &grouping,
                &overall,
                &slices,
                join.as_ref().map(|j| j.summary()).as_deref(),
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
    Ok(CompareOutcome {
        gate_failed: gate_failed && args.fail_on_regression,
    })
}

#[derive(Debug, Args)]
pub struct SlicesArgs {
    /// The evaluation file.
    pub file: PathBuf,
    #[command(flatten)]
    pub map: MapArgs,
    /// The model whose errors are searched, e.g. `--model candidate`.
    #[arg(long, value_name = "NAME")]
    pub model: String,
    /// Search where `--model` is wrong and this model is right (regressions), e.g. `--against baseline`.
    #[arg(long, value_name = "NAME")]
    pub against: Option<String>,
    /// Features to slice by (default: every categorical and numeric feature), e.g. `--features region,device`.
    #[arg(long, value_name = "COL,...", value_delimiter = ',')]
    pub features: Vec<String>,
    /// How many slices to list, e.g. `--top 20`.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub top: usize,
    /// Most predicates per slice, e.g. `--max-level 2`.
    #[arg(long, value_name = "L", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub max_level: u32,
    /// Weight of error rate against size in the score, in (0, 1], e.g. `--alpha 0.9`.
    #[arg(long, value_name = "A", default_value_t = 0.95, value_parser = parse_alpha)]
    pub alpha: f64,
    /// Smallest slice size (default: max(32, 1% of rows)), e.g. `--min-support 100`.
    #[arg(long, value_name = "N")]
    pub min_support: Option<u64>,
    /// Quantile bins for numeric features, e.g. `--bins 4`.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub bins: u32,
    /// Output format, e.g. `--format json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_alpha(s: &str) -> std::result::Result<f64, String> {
    let a: f64 = s.parse().map_err(|_| format!("not a number: {s:?}"))?;
    if a > 0.0 && a <= 1.0 {
        Ok(a)
    } else {
        Err(format!("alpha must be in (0, 1], got {s}"))
    }
}

/// Runs `faultline slices`.
pub fn run_slices(args: &SlicesArgs, out: &mut dyn Write) -> Result<()> {
    use crate::discovery::{row_errors, sliceline};
    let options = LoadOptions {
        bins: args.bins as usize,
        features: if args.features.is_empty() {
            None
        } else {
            Some(args.features.clone())
        },
        keep_frame: false,
        read: Default::default(),
    };
    let loaded = load::load(&args.file, &args.map.mapping(), &options)?;
    let table = loaded.table;
    drop(loaded.frame);
    let model = table.model_index(&args.model)?;
    let against = args
        .against
        .as_deref()
        .map(|a| table.model_index(a))
        .transpose()?;
    if against == Some(model) {
        return Err(Error::Usage(
            "--against must name another model than --model".into(),
        ));
    }
    let features: Vec<usize> = if args.features.is_empty() {
        (0..table.features.len())
            .filter(|&f| table.features[f].is_sliceable())
            .collect()
    } else {
        args.features
            .iter()
            .map(|f| table.feature_index(f))
            .collect::<Result<_>>()?
    };
    let start = std::time::Instant::now();
    let errors = row_errors(&table, model, against, None);
    let params = sliceline::Params {
        alpha: args.alpha,
        top: args.top,
        max_level: args.max_level as usize,
        min_support: args.min_support,
    };
    let never = std::sync::atomic::AtomicBool::new(false);
    let found = sliceline::search(&table, &features, &errors, &params, &never)
        .ok_or_else(|| Error::Usage("cancelled".into()))?;
    let elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
    let text = match args.format {
        Format::Json => {
            let doc = crate::report::slices_doc::slices_json(
                &table, model, against, &features, &params, &found, elapsed_ms,
            );
            serde_json::to_string_pretty(&doc).map_err(|e| Error::Usage(e.to_string()))? + "\n"
        }
        Format::Table => {
            crate::report::slices_doc::slices_text(&table, model, against, &found, elapsed_ms)
        }
    };
    emit(out, &text)?;
    Ok(())
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
        // Only the label, model and `--by` columns are read; one projected read is
        // the cheapest here.
        keep_frame: true,
        read: Default::default(),
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
    emit(out, &text)?;
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
