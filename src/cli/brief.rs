//! `faultline brief`: an error-analysis brief from a saved session, or straight
//! from data (the default findings), as Markdown, HTML or JSON, to a file or to
//! standard output.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{InputArgs, MapArgs, ParamArgs, emit};
use crate::brief::render::BriefFormat;
use crate::error::{Error, Result};

#[derive(Debug, Args)]
pub struct BriefArgs {
    /// A session file (saved from the window), evaluation files (several are joined on `--id`), or spark://TABLE_OR_PATH with --connect.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub map: MapArgs,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// The model compared against (with data files), e.g. `--baseline baseline`.
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// The model under review (with data files), e.g. `--candidate candidate`.
    #[arg(long, value_name = "NAME")]
    pub candidate: Option<String>,
    /// Where to write, or - for standard output; the extension picks the format: .md (charts as SVG beside it), .html or .json.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// The format instead of the extension's; required with `--out -`.
    #[arg(long, value_enum)]
    pub format: Option<BriefFormat>,
}

/// True for a saved session rather than an evaluation file: a `.faultline` file, or
/// a `.json` file whose first 4 KiB name the session format (never read whole).
pub fn is_session_file(path: &std::path::Path) -> bool {
    use std::io::Read;
    let ext = path.extension().and_then(|e| e.to_str());
    if ext == Some("faultline") {
        return true;
    }
    if ext != Some("json") {
        return false;
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .is_ok()
        && head.windows(17).any(|w| w == b"faultline_session")
}

/// Runs `faultline brief`; returns the files written.
pub fn run_brief(args: &BriefArgs, out: &mut dyn Write) -> Result<()> {
    use crate::brief::{default::default_brief, merge, now_utc, render};
    let never = crate::control::Control::none();
    let spark = args.inputs.iter().find(|p| crate::spark::is_spark(p));
    let mut brief = if let Some(p) = spark {
        if args.inputs.len() > 1 {
            return Err(Error::Usage(format!(
                "{}: a Spark source is briefed on its own, not joined with other inputs",
                p.display()
            )));
        }
        spark_brief(args, p)?
    } else if args.inputs.len() == 1 && is_session_file(&args.inputs[0]) {
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
            let joined = crate::join::load_joined(
                &paths,
                &session.mapping,
                &crate::load::LoadOptions {
                    by_value: args.params.sensitive.clone(),
                    ..args.input.load_options(5, None, true)
                },
            )?;
            let mut table = joined.table;
            table.params = args.params.params();
            crate::metrics::check_params(&table)?;
            crate::metrics::check_params(&table)?;
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
        let joined = crate::join::load_joined(
            &args.inputs,
            &mapping,
            &crate::load::LoadOptions {
                by_value: args.params.sensitive.clone(),
                ..args.input.load_options(5, None, true)
            },
        )?;
        let mut table = joined.table;
        table.params = args.params.params();
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
    if crate::load::read::is_stdin(&args.out) {
        let format = args.format.ok_or_else(|| {
            Error::Usage("--out - writes to standard output and needs --format md|html|json".into())
        })?;
        return emit(out, &render::to_text(&brief, format)?);
    }
    let written = render::export(&brief, &args.out, args.format)?;
    let lines: String = written
        .iter()
        .map(|w| format!("wrote {}\n", w.display()))
        .collect();
    emit(out, &lines)
}

/// `faultline brief spark://TABLE_OR_PATH`: the default brief from Spark's aggregates.
#[cfg(feature = "spark")]
fn spark_brief(args: &BriefArgs, path: &std::path::Path) -> Result<crate::brief::Brief> {
    use crate::brief::spark::{SparkBriefRequest, spark_brief};
    let (Some(b), Some(c)) = (&args.baseline, &args.candidate) else {
        return Err(Error::Usage(
            "a brief from data needs --baseline NAME and --candidate NAME".into(),
        ));
    };
    let source = crate::spark::SparkSource::resolve(path, args.input.connect.as_deref())?;
    spark_brief(
        &source,
        SparkBriefRequest {
            mapping: &args.map.mapping(),
            bins: 5,
            baseline: b,
            candidate: c,
            params: args.params.params(),
            verbose: args.input.verbose,
        },
    )
}

#[cfg(not(feature = "spark"))]
fn spark_brief(_args: &BriefArgs, path: &std::path::Path) -> Result<crate::brief::Brief> {
    Err(crate::spark::unsupported(path, "brief"))
}
