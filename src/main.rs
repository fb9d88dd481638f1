//! The `faultline` binary: parse the command line, run the command, map errors to
//! the contract's exit codes. With no subcommand it opens the window (when built
//! with the `gui` feature, the default).

use std::process::ExitCode;

use clap::Parser;
use faultline::cli::{
    Cli, Command, run_agreement, run_brief, run_compare, run_completions, run_man, run_metrics,
    run_slices,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Metrics(args)) => run_metrics(args, &mut std::io::stdout().lock()),
        Some(Command::Slices(args)) => run_slices(args, &mut std::io::stdout().lock()),
        Some(Command::Brief(args)) => run_brief(args, &mut std::io::stdout().lock()),
        Some(Command::Agreement(args)) => run_agreement(args, &mut std::io::stdout().lock()),
        Some(Command::Compare(args)) => match run_compare(args, &mut std::io::stdout().lock()) {
            Ok(o) if o.gate_failed => return ExitCode::from(3),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        },
        Some(Command::Completions { shell }) => {
            run_completions(*shell, &mut std::io::stdout().lock())
        }
        Some(Command::Man) => run_man(&mut std::io::stdout().lock()),
        None => return window(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("faultline: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

#[cfg(feature = "gui")]
fn window(cli: &Cli) -> ExitCode {
    let options = faultline::app::LaunchOptions {
        files: cli.files.clone(),
        mapping: cli.map.mapping(),
        connect: cli.input.connect.clone(),
        read: cli.input.read_options(),
        view: cli.view,
        select: cli.select.map(|n| n - 1),
        params: cli.params.params(),
        screenshot: cli.screenshot.clone(),
        window_size: cli.window_size,
        // A measuring aid, not an option: each frame's time on standard error.
        frame_times: std::env::var_os("FAULTLINE_FRAME_TIMES").is_some(),
        // Screenshots never touch the user's recovery file.
        recovery: cli
            .screenshot
            .is_none()
            .then(faultline::session::recovery_path),
        ..Default::default()
    };
    match faultline::app::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("faultline: {e:#}");
            ExitCode::from(1)
        }
    }
}

#[cfg(not(feature = "gui"))]
fn window(_cli: &Cli) -> ExitCode {
    eprintln!(
        "faultline: this build has no window (it was built without the `gui` feature).\n\
         Use a subcommand (faultline metrics | slices | compare | brief; see faultline --help),\n\
         or build the window with `cargo build --release` (the `gui` feature is on by default)."
    );
    ExitCode::from(2)
}
