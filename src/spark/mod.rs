//! Spark Connect sources: `spark://TABLE_OR_PATH` wherever a file is accepted.
//! The cluster computes per-slice aggregates in SQL (`sql`), faultline turns them
//! into the same metric sets as the in-memory engine (`engine`). The source
//! syntax is parsed in every build; the client needs the `spark` feature.

pub mod source;

#[cfg(feature = "spark")]
pub mod client;
#[cfg(feature = "spark")]
pub mod engine;
#[cfg(feature = "spark")]
pub mod filter;
#[cfg(feature = "spark")]
pub mod profile;
#[cfg(feature = "spark")]
pub mod remote;
#[cfg(feature = "spark")]
pub mod slicing;
#[cfg(feature = "spark")]
pub mod sql;

pub use source::{SparkSource, is_spark};

/// The error for a Spark source where it cannot be used: in a build without the
/// `spark` feature, or in a command that does not read Spark sources yet.
pub fn unsupported(path: &std::path::Path, what: &str) -> crate::error::Error {
    let reason = if cfg!(feature = "spark") {
        format!(
            "{what} does not read Spark sources yet (metrics, compare, slices, brief and the window do)"
        )
    } else {
        "this build has no Spark support; build faultline with `--features spark`".to_string()
    };
    crate::error::Error::Usage(format!("{}: {reason}", path.display()))
}
