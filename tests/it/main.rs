//! Integration tests: the real `faultline` binary on real files. One test binary
//! keeps CI's link time down.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::let_underscore_must_use
)]

mod bad_input;
mod brief;
mod compare;
mod fairness_calibration;
#[cfg(feature = "gui")]
mod findings;
mod formats;
mod graded;
#[cfg(feature = "gui")]
mod gui;
#[cfg(feature = "gui")]
mod gui_calibration;
#[cfg(feature = "gui")]
mod gui_fairness;
#[cfg(feature = "gui")]
mod gui_graded;
#[cfg(all(feature = "gui", feature = "spark"))]
mod gui_spark;
mod hostile;
mod kept_frame;
mod layers;
mod metrics_reference;
mod ranking;
mod slices;
#[cfg(feature = "spark")]
mod spark;
#[cfg(feature = "gui")]
mod views;
#[cfg(feature = "gui")]
mod window;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `faultline ARGS` from the repository root.
pub fn faultline(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the faultline binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs a command that must succeed with `--format json` and parses its output.
pub fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = faultline(&all);
    assert_eq!(run.code, 0, "faultline {args:?} failed: {}", run.stderr);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}): {}", run.stdout))
}

/// A fresh scratch directory for one test.
/// A test's own directory under the system's temp dir, removed when the test ends
/// (CI machines share a disk; one test alone writes 160 MB).
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("faultline-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    Scratch(dir)
}

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}
