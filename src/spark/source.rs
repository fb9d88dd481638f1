//! `spark://TABLE_OR_PATH` sources: what the user wrote, where the server is, and
//! the SQL relation it names. Parsed in every build, so a build without the
//! `spark` feature can say what it lacks.

use std::path::Path;

use crate::error::{Error, Result};

/// The prefix that marks a Spark source where a file is accepted.
pub const SCHEME: &str = "spark://";

/// A table in the Spark session's catalog, or a Parquet path the cluster reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SparkSource {
    /// What followed `spark://`.
    pub target: String,
    /// The Spark Connect address, `sc://HOST:PORT`.
    pub remote: String,
}

/// True when `path` names a Spark source rather than a file.
pub fn is_spark(path: &Path) -> bool {
    path.to_str().is_some_and(|p| p.starts_with(SCHEME))
}

impl SparkSource {
    /// `path` is `spark://TABLE_OR_PATH`; the server is `--connect`, else the
    /// `SPARK_REMOTE` environment variable (as PySpark reads it).
    pub fn resolve(path: &Path, connect: Option<&str>) -> Result<SparkSource> {
        let text = path.to_str().unwrap_or_default();
        let target = text.strip_prefix(SCHEME).unwrap_or(text).trim();
        if target.is_empty() {
            return Err(Error::Usage(format!(
                "{text}: say which table or Parquet path, e.g. spark://eval_logs or spark:///data/eval.parquet"
            )));
        }
        let remote = match connect {
            Some(c) => c.to_string(),
            None => std::env::var("SPARK_REMOTE").unwrap_or_default(),
        };
        if remote.is_empty() {
            return Err(Error::Usage(format!(
                "{text}: which Spark Connect server? pass --connect sc://HOST:PORT or set SPARK_REMOTE"
            )));
        }
        if !remote.starts_with("sc://") {
            return Err(Error::Usage(format!(
                "--connect {remote:?}: a Spark Connect address starts with sc://, e.g. sc://localhost:15002"
            )));
        }
        let source = SparkSource {
            target: target.to_string(),
            remote,
        };
        source.relation()?;
        Ok(source)
    }

    /// True when the target is a path (read as Parquet), not a catalog table.
    pub fn is_path(&self) -> bool {
        self.target.contains('/') || self.target.ends_with(".parquet")
    }

    /// The relation to select from: `parquet.`PATH`` or a quoted table name.
    /// Table names are checked, not escaped, so no text becomes SQL.
    pub fn relation(&self) -> Result<String> {
        if self.is_path() {
            if self.target.contains('`') {
                return Err(Error::Usage(format!(
                    "spark://{}: a path with a backtick cannot be read",
                    self.target
                )));
            }
            return Ok(format!("parquet.`{}`", self.target));
        }
        let parts: Vec<&str> = self.target.split('.').collect();
        let ok =
            |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !parts.iter().all(ok) {
            return Err(Error::Usage(format!(
                "spark://{}: a table name is letters, digits and _ in up to three dotted parts (catalog.schema.table); a path holds a /",
                self.target
            )));
        }
        Ok(parts
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join("."))
    }

    /// How the source is written in reports (`dataset.path`).
    pub fn display(&self) -> String {
        format!("{SCHEME}{}", self.target)
    }
}

/// A column name quoted for Spark SQL.
pub fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A string literal for Spark SQL (backslash and quote escaped).
pub fn string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A double literal that Spark reads back as the same double.
pub fn double_literal(x: f64) -> String {
    format!("CAST('{x:e}' AS DOUBLE)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(p: &str) -> Result<SparkSource> {
        SparkSource::resolve(Path::new(p), Some("sc://localhost:15002"))
    }

    #[test]
    fn tables_and_paths_become_relations() {
        assert_eq!(src("spark://evals").unwrap().relation().unwrap(), "`evals`");
        assert_eq!(
            src("spark://main.db.evals").unwrap().relation().unwrap(),
            "`main`.`db`.`evals`"
        );
        assert_eq!(
            src("spark:///data/e.parquet").unwrap().relation().unwrap(),
            "parquet.`/data/e.parquet`"
        );
        assert!(src("spark://evals; DROP TABLE x").is_err());
        assert!(src("spark://").is_err());
        assert!(SparkSource::resolve(Path::new("spark://t"), Some("http://x")).is_err());
    }

    #[test]
    fn literals_escape() {
        assert_eq!(string_literal("it's"), "'it\\'s'");
        assert_eq!(quote("a`b"), "`a``b`");
        assert_eq!(double_literal(0.5), "CAST('5e-1' AS DOUBLE)");
    }
}
