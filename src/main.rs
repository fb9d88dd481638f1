//! The `faultline` binary: parse the command line, run the command, map errors to
//! the contract's exit codes (2 bad input or usage, 1 anything else).

use std::process::ExitCode;

use clap::Parser;
use faultline::cli::{Cli, Command, run_brief, run_compare, run_metrics, run_slices};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Metrics(args)) => run_metrics(args, &mut std::io::stdout().lock()),
        Some(Command::Slices(args)) => run_slices(args, &mut std::io::stdout().lock()),
        Some(Command::Brief(args)) => run_brief(args, &mut std::io::stdout().lock()),
        Some(Command::Compare(args)) => match run_compare(args, &mut std::io::stdout().lock()) {
            Ok(o) if o.gate_failed => return ExitCode::from(3),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        },
        None => {
            let options = faultline::app::LaunchOptions {
                files: cli.files.clone(),
                mapping: cli.map.mapping(),
                view: cli.view,
                screenshot: cli.screenshot.clone(),
                // Screenshots never touch the user's recovery file.
                recovery: cli
                    .screenshot
                    .is_none()
                    .then(faultline::session::recovery_path),
                ..Default::default()
            };
            return match faultline::app::run(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("faultline: {e:#}");
                    ExitCode::from(1)
                }
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("faultline: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
