//! Cancelling and watching long work: a [`Control`] travels with a computation
//! (loading a file, a failure search, tagging millions of rows) so that the window's
//! Cancel stops the work itself, not only the wait for it, and so that a progress
//! bar can show how far it got. The command line passes [`Control::none`].

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A cancel flag and progress counters shared between a job and whoever watches it.
#[derive(Debug, Clone, Default)]
pub struct Control {
    cancel: Arc<AtomicBool>,
    progress: Arc<Progress>,
}

/// How far a job got: `done` of `total` units (bytes read, rows decoded) in a
/// named stage.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    stage: Mutex<String>,
}

/// The work was cancelled; the caller drops whatever it had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

impl Control {
    /// A control nobody cancels (the command line, tests).
    pub fn none() -> Control {
        Control::default()
    }

    /// Asks the work to stop at its next check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancelled: `control.check()?` between steps.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// The raw flag, for engine functions that poll an `AtomicBool`.
    pub fn flag(&self) -> &AtomicBool {
        &self.cancel
    }

    /// Starts a stage of `total` units (0 when unknown).
    pub fn stage(&self, name: &str, total: u64) {
        if let Ok(mut s) = self.progress.stage.lock() {
            name.clone_into(&mut s);
        }
        self.progress.total.store(total, Ordering::Relaxed);
        self.progress.done.store(0, Ordering::Relaxed);
    }

    /// Records `n` more units done.
    pub fn advance(&self, n: u64) {
        self.progress.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Sets the units done so far.
    pub fn set_done(&self, n: u64) {
        self.progress.done.store(n, Ordering::Relaxed);
    }

    /// `(stage, done, total)` as last reported.
    pub fn progress(&self) -> (String, u64, u64) {
        let stage = self
            .progress
            .stage
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default();
        (
            stage,
            self.progress.done.load(Ordering::Relaxed),
            self.progress.total.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_and_progress_are_shared_by_clones() {
        let c = Control::none();
        let watcher = c.clone();
        c.stage("reading", 100);
        c.advance(40);
        assert_eq!(watcher.progress(), ("reading".to_string(), 40, 100));
        assert!(c.check().is_ok());
        watcher.cancel();
        assert_eq!(c.check(), Err(Cancelled));
    }
}
