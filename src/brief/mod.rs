//! Error-analysis briefs: pinned findings (snapshots of numbers, tables, charts and
//! examples, each with a note and a severity) under a title, an executive summary,
//! a recommendation and open risks, ending with provenance. Findings hold their
//! data, so the same session always renders the same brief (apart from the time).

pub mod chart;
pub mod default;
pub mod escape;
pub mod findings;
pub mod render;
#[cfg(feature = "spark")]
pub mod spark;
pub mod svg;

use serde::{Deserialize, Serialize};

pub use chart::Chart;

/// How much a finding matters to the release decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// The brief's call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    #[default]
    Undecided,
    Ship,
    ShipWithGuardrails,
    DoNotShip,
}

impl Recommendation {
    pub const ALL: [Recommendation; 4] = [
        Recommendation::Undecided,
        Recommendation::Ship,
        Recommendation::ShipWithGuardrails,
        Recommendation::DoNotShip,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Recommendation::Undecided => "undecided",
            Recommendation::Ship => "ship",
            Recommendation::ShipWithGuardrails => "ship with guardrails",
            Recommendation::DoNotShip => "do not ship",
        }
    }
}

/// What a finding shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    /// A table: header and rows of already formatted cells.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Chart(Box<Chart>),
    /// One example: its fields as `(column, value)`.
    Example {
        fields: Vec<(String, String)>,
    },
    /// Free text.
    Text {
        text: String,
    },
}

/// A pinned finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub title: String,
    pub note: String,
    pub severity: Severity,
    /// Where it came from (view and cohort), for the reader.
    pub source: String,
    pub content: Content,
}

/// Where the numbers came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// `(path, sha256, rows)` per input file.
    pub files: Vec<(String, String, usize)>,
    pub used_rows: usize,
    pub excluded_null_label: usize,
    /// Graded: the examples the runs were averaged into, and the cluster column.
    pub examples: Option<usize>,
    pub cluster: Option<String>,
    pub mapping: String,
    pub threshold: Option<f64>,
    pub cohort: String,
    pub seed: u64,
    pub resamples: usize,
    pub faultline_version: String,
    /// Filled in at export time; the only thing that differs between two exports.
    pub generated_at: String,
}

impl Provenance {
    /// Provenance of a decoded table: every input file with its sha256 (each file of
    /// a join has its own), the mapping, the cohort and the bootstrap settings.
    pub fn of(
        table: &crate::load::table::EvalTable,
        mapping: &crate::load::Mapping,
        cohort: &str,
        join: Option<&crate::join::JoinReport>,
    ) -> Provenance {
        let hashes: Vec<&str> = table.dataset.sha256.get().split('+').collect();
        let files = match join {
            Some(j) if j.sources.len() > 1 && j.sources.len() == hashes.len() => j
                .sources
                .iter()
                .zip(&hashes)
                .map(|((path, rows, _), sha)| (path.clone(), sha.to_string(), *rows))
                .collect(),
            _ => vec![(
                table.dataset.path.display().to_string(),
                table.dataset.sha256.get().to_string(),
                table.dataset.rows,
            )],
        };
        Provenance {
            files,
            used_rows: table.dataset.used_rows,
            excluded_null_label: table.dataset.excluded_null_label,
            examples: table.dataset.examples,
            cluster: table.cluster_column.clone(),
            mapping: serde_json::to_string(mapping).unwrap_or_default(),
            threshold: (table.task == crate::load::Task::Binary).then_some(table.threshold),
            cohort: cohort.to_string(),
            seed: crate::stats::Bootstrap::default().seed,
            resamples: crate::stats::Bootstrap::default().resamples,
            faultline_version: env!("CARGO_PKG_VERSION").to_string(),
            generated_at: String::new(),
        }
    }
}

/// The brief as the analyst edits it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Brief {
    pub title: String,
    pub summary: String,
    pub recommendation: Recommendation,
    pub risks: String,
    pub findings: Vec<Finding>,
    pub provenance: Provenance,
}

/// A computed brief (the default findings) merged into the one the user is writing:
/// whatever the user wrote (title, summary, recommendation, risks) stays, the
/// computed text fills what is empty, and the computed findings follow the user's.
/// The window's "Add the default findings" and `faultline brief SESSION` both use it.
pub fn merge(user: &Brief, computed: Brief) -> Brief {
    let keep = |mine: &str, theirs: String| {
        if mine.trim().is_empty() {
            theirs
        } else {
            mine.to_string()
        }
    };
    let mut findings = user.findings.clone();
    findings.extend(computed.findings);
    Brief {
        title: keep(&user.title, computed.title),
        summary: keep(&user.summary, computed.summary),
        recommendation: if user.recommendation == Recommendation::Undecided {
            computed.recommendation
        } else {
            user.recommendation
        },
        risks: keep(&user.risks, computed.risks),
        findings,
        provenance: computed.provenance,
    }
}

/// The current time as RFC 3339 (UTC), for provenance.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}
