//! `faultline slices`: failure slices (SliceLine) of one model, or where it is
//! wrong and another model right.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{Format, InputArgs, MapArgs, emit, json_text};
use crate::error::{Error, Result};
use crate::load;

#[derive(Debug, Args)]
pub struct SlicesArgs {
    /// The evaluation file, or - for standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub map: MapArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// The model whose errors are searched, e.g. `--model candidate`.
    #[arg(long, value_name = "NAME")]
    pub model: String,
    /// Search where `--model` is wrong and this model is right (regressions), e.g. `--against baseline`.
    #[arg(long, value_name = "NAME")]
    pub against: Option<String>,
    /// Features to slice by (default: every categorical and numeric feature), e.g. `--features region,device`.
    #[arg(long, value_name = "COL,...", value_delimiter = ',')]
    pub features: Vec<String>,
    /// How many slices to list, 1 to 10000, e.g. `--top 20`.
    #[arg(long, value_name = "K", default_value_t = 10, value_parser = parse_top, allow_negative_numbers = true)]
    pub top: usize,
    /// Most predicates per slice, e.g. `--max-level 2`.
    #[arg(long, value_name = "L", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub max_level: u32,
    /// Weight of error rate against size in the score, in (0, 1], e.g. `--alpha 0.9`.
    #[arg(long, value_name = "A", default_value_t = 0.95, value_parser = parse_alpha, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Smallest slice size (default: max(32, 1% of rows)), e.g. `--min-support 100`.
    #[arg(long, value_name = "N")]
    pub min_support: Option<u64>,
    /// List every slice SliceLine finds, also those selecting exactly the same rows as one listed above (by default they are one entry, under its shortest description).
    #[arg(long)]
    pub keep_equivalent: bool,
    /// Search for over-confident slices of a scored binary model: where the mean
    /// score most exceeds the observed positive rate.
    #[arg(long, conflicts_with = "against")]
    pub overconfident: bool,
    /// Quantile bins for numeric features, e.g. `--bins 4`.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub bins: u32,
    /// Output format, e.g. `--format json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_top(s: &str) -> std::result::Result<usize, String> {
    let k: i64 = s
        .parse()
        .map_err(|_| format!("not a whole number: {s:?}"))?;
    if (1..=10_000).contains(&k) {
        Ok(k as usize)
    } else {
        Err(format!("top must be between 1 and 10000, got {s}"))
    }
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
    if crate::spark::is_spark(&args.file) {
        return run_slices_spark(args, out);
    }
    use crate::discovery::{row_errors, sliceline};
    let features = (!args.features.is_empty()).then(|| args.features.clone());
    let options = args.input.load_options(args.bins, features, false);
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
    let errors = if args.overconfident {
        crate::discovery::overconfidence(&table, model, None).ok_or_else(|| {
            Error::Usage(format!(
                "--overconfident needs a binary model with a score; {} has none",
                args.model
            ))
        })?
    } else {
        row_errors(&table, model, against, None)
    };
    let params = sliceline::Params {
        keep_equivalent: args.keep_equivalent,
        alpha: args.alpha,
        top: args.top,
        max_level: args.max_level as usize,
        min_support: args.min_support,
        excess: args.overconfident,
    };
    let never = std::sync::atomic::AtomicBool::new(false);
    let found =
        sliceline::search(&table, &features, &errors, &params, &never).map_err(|e| match e {
            sliceline::SearchError::Cancelled => Error::Cancelled,
            too_large => Error::Usage(format!("{}: {too_large}", args.file.display())),
        })?;
    let elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
    let text = match args.format {
        Format::Json => {
            let doc = crate::report::slices_doc::slices_json(
                &table, model, against, &features, &params, &found, elapsed_ms,
            );
            json_text(&doc)?
        }
        Format::Table => crate::report::slices_doc::slices_text(
            &table,
            model,
            against,
            &found,
            elapsed_ms,
            args.overconfident,
        ),
    };
    emit(out, &text)?;
    super::leave_for_exit((table, errors, found));
    Ok(())
}

/// `faultline slices spark://TABLE_OR_PATH`: the same search, counted by Spark.
#[cfg(feature = "spark")]
fn run_slices_spark(args: &SlicesArgs, out: &mut dyn Write) -> Result<()> {
    use crate::discovery::sliceline;
    if args.overconfident {
        return Err(Error::Usage(format!(
            "{}: --overconfident is not available on Spark sources yet",
            args.file.display()
        )));
    }
    let source = crate::spark::SparkSource::resolve(&args.file, args.input.connect.as_deref())?;
    let params = sliceline::Params {
        keep_equivalent: args.keep_equivalent,
        alpha: args.alpha,
        top: args.top,
        max_level: args.max_level as usize,
        min_support: args.min_support,
        excess: false,
    };
    let start = std::time::Instant::now();
    let run = crate::spark::engine::slices(
        &source,
        crate::spark::engine::SlicesRequest {
            mapping: &args.map.mapping(),
            features: &args.features,
            bins: args.bins as usize,
            model: &args.model,
            against: args.against.as_deref(),
            params: params.clone(),
            verbose: args.input.verbose,
        },
    )?;
    let elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
    if args.input.verbose {
        super::spark_summary(run.queries, run.received_bytes, start);
    }
    let text = match args.format {
        Format::Json => json_text(&crate::report::slices_doc::slices_json(
            &run.table,
            run.model,
            run.against,
            &run.features,
            &params,
            &run.found,
            elapsed_ms,
        ))?,
        Format::Table => crate::report::slices_doc::slices_text(
            &run.table,
            run.model,
            run.against,
            &run.found,
            elapsed_ms,
            false,
        ),
    };
    emit(out, &text)?;
    Ok(())
}

#[cfg(not(feature = "spark"))]
fn run_slices_spark(args: &SlicesArgs, _out: &mut dyn Write) -> Result<()> {
    Err(crate::spark::unsupported(&args.file, "slices"))
}
