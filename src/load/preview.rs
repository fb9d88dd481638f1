//! Before a file is opened: its first rows, a guess at the label when no column is
//! named like one, and a check of a mapping against those rows that says what it
//! would give or what is missing (the window's mapping form).

use std::path::Path;

use polars::prelude::*;

use super::roles::{self, Mapping};
use super::table::{EvalTable, LoadOptions};
use crate::error::Result;

/// Rows read for the preview.
pub const ROWS: usize = 200;

/// A guess at the label among columns no role claims: the last one with 2 to 50
/// distinct values in the preview (a yes/no outcome, a class), preferring names
/// that say so (outcome, class, deposit, churn, result).
pub fn suggest_label(frame: &DataFrame) -> Option<String> {
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let claimed = |n: &str| {
        roles::is_model_like(n) || roles::find_column(&names, "id").is_some_and(|id| id == n)
    };
    let distinct = |c: &Column| c.n_unique().unwrap_or(0);
    let candidates: Vec<&String> = names
        .iter()
        .filter(|n| !claimed(n))
        .filter(|n| {
            frame
                .column(n)
                .is_ok_and(|c| (2..=50).contains(&distinct(c)) && !c.dtype().is_float())
        })
        .collect();
    const HINTS: &[&str] = &[
        "outcome", "class", "deposit", "churn", "result", "label", "target",
    ];
    candidates
        .iter()
        .rev()
        .find(|n| {
            let l = n.to_ascii_lowercase();
            HINTS.iter().any(|h| l.contains(h))
        })
        .or_else(|| candidates.last())
        .map(|n| n.to_string())
}

/// What a mapping gives on the preview rows, in a line; or what is wrong.
pub fn check(path: &Path, frame: &DataFrame, mapping: &Mapping) -> Result<(EvalTable, String)> {
    let t = super::open::decode(
        path,
        frame,
        String::new().into(),
        mapping,
        &LoadOptions::default(),
    )?;
    let classes = match t.task {
        super::Task::Binary => format!(
            " ({} / {}: positive {})",
            t.classes.first().map_or("", String::as_str),
            t.classes.get(1).map_or("", String::as_str),
            t.classes.get(1).map_or("", String::as_str)
        ),
        super::Task::Multiclass => format!(" ({} classes)", t.classes.len()),
        super::Task::Regression | super::Task::Graded => String::new(),
        super::Task::Ranking => format!(" ({} queries)", t.queries.as_ref().map_or(0, |q| q.len())),
    };
    let models: Vec<String> = t
        .models
        .iter()
        .map(|m| {
            let cols: Vec<&str> = m.columns.columns().collect();
            format!("{} ({})", m.name, cols.join(", "))
        })
        .collect();
    let sliceable = t.features.iter().filter(|f| f.is_sliceable()).count();
    let summary = format!(
        "{} task · label {:?}{classes} · {} model(s): {} · {sliceable} feature(s){}",
        t.task.as_str(),
        t.label_column,
        t.models.len(),
        models.join("; "),
        t.id_column
            .as_deref()
            .map_or(String::new(), |id| format!(" · id {id:?}"))
    );
    Ok((t, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_guessed_and_checked() {
        let df = df!(
            "age" => [30i64, 41, 52, 23],
            "job" => ["a", "b", "a", "c"],
            "term deposit" => ["no", "yes", "no", "no"],
            "pred_gbm" => ["no", "yes", "yes", "no"],
            "score_gbm" => [0.2, 0.8, 0.6, 0.1]
        )
        .unwrap();
        assert_eq!(suggest_label(&df).as_deref(), Some("term deposit"));
        assert!(check(Path::new("bank.csv"), &df, &Mapping::default()).is_err());
        let m = Mapping {
            label: Some("term deposit".into()),
            ..Default::default()
        };
        let (t, line) = check(Path::new("bank.csv"), &df, &m).unwrap();
        assert_eq!(t.classes, ["no", "yes"]);
        assert!(line.starts_with("binary task · label \"term deposit\" (no / yes: positive yes) · 1 model(s): gbm (pred_gbm, score_gbm)"), "{line}");
    }
}
