//! faultline's engine: loading evaluation files, metrics, slicing and reports.
//! Nothing here depends on the GUI, so the command line, the window and the tests
//! all drive the same code.

pub mod agreement;
pub mod analysis;
pub mod annotations;
#[cfg(feature = "gui")]
pub mod app;
pub mod atomic;
pub mod bits;
pub mod brief;
pub mod cli;
pub mod cohort;
pub mod compare;
pub mod control;
pub mod curves;
pub mod discovery;
pub mod error;
pub mod examples;
pub mod format;
pub mod grouping;
pub mod intern;
pub mod join;
pub mod load;
pub mod metrics;
pub mod report;
pub mod session;
pub mod slice_report;
pub mod spare;
pub mod spark;
pub mod stats;
pub mod text_diff;

pub use error::{Error, Result};

/// mimalloc keeps freed pages for the next allocation, where glibc's malloc
/// returned large blocks to the kernel and faulted them in again, zeroed: the
/// 10M-row window harness takes 459k page faults instead of 532k, and
/// `faultline metrics` on 1M rows 25k instead of 34k, with less kernel time
/// (docs/BENCHMARKS.md). Set here, in the library, so the binary, the benches
/// and the tests all run on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
