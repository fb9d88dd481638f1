//! `faultline agreement`: how far two raters of the same items agree (a judge
//! against a human), with Cohen's kappa and bootstrap intervals, overall and per
//! slice of `--by`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{BootArgs, Format, InputArgs, emit, json_text};
use crate::agreement::{Weights, agreement, ratings};
use crate::error::{Error, Result};
use crate::load::{read, roles};
use crate::report::agreement_doc;

#[derive(Debug, Args)]
pub struct AgreementArgs {
    /// The file holding both raters' columns, or - for standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// The two rater columns, e.g. `--raters judge_verdict,human_verdict`.
    #[arg(
        long,
        value_name = "COL_A,COL_B",
        value_delimiter = ',',
        num_args = 1,
        required = true
    )]
    pub raters: Vec<String>,
    /// Weigh disagreements by distance (ordinal ratings such as 1-5 scores), e.g. `--weights quadratic`.
    #[arg(long, value_enum, default_value_t = Weights::None)]
    pub weights: Weights,
    /// Agreement per value of this column too, e.g. `--by genre`.
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// Quantile bins for a numeric `--by` column, e.g. `--bins 4`.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub bins: u32,
    /// Output format, e.g. `--format json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub boot: BootArgs,
}

/// Runs `faultline agreement`.
pub fn run_agreement(args: &AgreementArgs, out: &mut dyn Write) -> Result<()> {
    let [a, b] = args.raters.as_slice() else {
        return Err(Error::Usage(format!(
            "--raters takes exactly two columns, COL_A,COL_B; got {}",
            args.raters.len()
        )));
    };
    if a == b {
        return Err(Error::Usage(
            "--raters must name two different columns".into(),
        ));
    }
    let (frame, sha) = read::read_frame_projected(&args.file, None, &args.input.read_options())?;
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let column = |name: &str, what: &str| -> Result<&polars::prelude::Column> {
        let found = roles::find_column(&names, name).ok_or_else(|| Error::MissingColumn {
            path: args.file.clone(),
            column: name.to_string(),
            hint: format!("given as {what}; columns are {}", roles::list(&names)),
        })?;
        frame.column(found).map_err(|e| Error::BadColumn {
            path: args.file.clone(),
            column: found.to_string(),
            detail: read::polars_message(&e),
        })
    };
    let r = ratings(
        &args.file,
        column(a, "a rater (--raters)")?,
        column(b, "a rater (--raters)")?,
    )?;
    let by = match &args.by {
        Some(col) => {
            let c = column(col, "--by")?;
            let all: Vec<u32> = (0..frame.height() as u32).collect();
            let f =
                crate::load::table::decode_feature(c, &all, args.bins as usize).map_err(|e| {
                    Error::BadColumn {
                        path: args.file.clone(),
                        column: col.clone(),
                        detail: read::polars_message(&e),
                    }
                })?;
            Some(f)
        }
        None => None,
    };
    let groups: Option<Vec<Option<u32>>> = by.as_ref().map(|f| {
        f.codes
            .codes
            .iter()
            .map(|c| (c != crate::load::encode::NULL_CODE).then_some(c))
            .collect()
    });
    let boot = args.boot.bootstrap();
    let results = agreement(
        &r,
        groups
            .as_deref()
            .zip(by.as_ref().map(|f| f.codes.levels.len())),
        args.weights,
        boot,
    );
    let doc = agreement_doc::Doc {
        path: &args.file,
        sha256: sha.get(),
        rows: frame.height(),
        raters: [a, b],
        weights: args.weights,
        categories: &r.categories,
        by: by.as_ref(),
        results: &results,
        boot,
    };
    let text = match args.format {
        Format::Json => json_text(&agreement_doc::to_json(&doc))?,
        Format::Table => agreement_doc::to_text(&doc),
    };
    emit(out, &text)
}
