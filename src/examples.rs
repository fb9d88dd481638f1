//! The rows behind the numbers: which rows of the active cohort the Examples view
//! lists (search, "only errors of model X", sort), and each cell's text. Work that
//! grows with the data runs off the UI thread; drawing only asks for visible rows.

use std::sync::atomic::{AtomicBool, Ordering};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::load::table::EvalTable;

/// What the Examples view asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExampleQuery {
    /// Case-insensitive text searched in every text column.
    pub search: String,
    /// Keep only rows this model gets wrong.
    pub errors_of: Option<usize>,
    /// Sort by this column; `true` for descending.
    pub sort: Option<(String, bool)>,
    /// Keep only rows where `(baseline, candidate)` are correct as given: a cell of
    /// the flips table.
    pub flip: Option<(usize, usize, bool, bool)>,
}

/// Table rows (indices into the decoded table) in display order, or None if cancelled.
pub fn select_rows(
    table: &EvalTable,
    frame: &DataFrame,
    cohort: Option<&[bool]>,
    query: &ExampleQuery,
    cancel: &AtomicBool,
) -> Option<Vec<u32>> {
    let n = table.len();
    let correct = query.errors_of.and_then(|m| table.correct(m));
    let error_of_regression = query.errors_of.filter(|_| correct.is_none());
    let mut rows: Vec<u32> = (0..n as u32)
        .filter(|&r| cohort.is_none_or(|c| c[r as usize]))
        .filter(|&r| correct.as_ref().is_none_or(|c| !c[r as usize]))
        .collect();
    if let Some(m) = error_of_regression {
        // Regression has no "wrong": keep the rows with the largest errors (top 10%).
        if let (crate::load::table::Target::Values(y), crate::load::table::Prediction::Values(p)) =
            (table.target.as_ref(), table.models[m].pred())
        {
            let err = |r: u32| (p[r as usize] - y[r as usize]).abs();
            rows.sort_by(|&a, &b| err(b).total_cmp(&err(a)));
            rows.truncate((rows.len() / 10).max(1));
        }
    }
    if let Some((b, c, ok_b, ok_c)) = query.flip
        && let (Some(cb), Some(cc)) = (table.correct(b), table.correct(c))
    {
        rows.retain(|&r| cb[r as usize] == ok_b && cc[r as usize] == ok_c);
    }
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let needle = query.search.trim().to_lowercase();
    if !needle.is_empty() {
        use crate::load::compact;
        // A compacted (one-byte enum) column is searched once per distinct value,
        // then by code; other text (plain, or a file's own categoricals) by row.
        let mut texts: Vec<StringChunked> = Vec::new();
        let mut enums: Vec<(Vec<Option<u8>>, Vec<bool>)> = Vec::new();
        for s in frame.columns().iter().map(Column::as_materialized_series) {
            if let Some((codes, values)) = compact::enum_codes(s) {
                let hit = values.iter().map(|v| contains_ci(v, &needle)).collect();
                enums.push((codes, hit));
            } else if compact::is_text(s.dtype())
                && let Ok(t) = compact::text_of(s)
            {
                texts.push(t.into_owned());
            }
        }
        let ids = &table.row_index;
        rows.retain(|&r| {
            let fr = ids[r as usize] as usize;
            enums
                .iter()
                .any(|(codes, hit)| codes[fr].is_some_and(|c| hit[c as usize]))
                || texts
                    .iter()
                    .any(|t| t.get(fr).is_some_and(|s| contains_ci(s, &needle)))
        });
    }
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    if let Some((column, desc)) = &query.sort
        && let Ok(col) = frame.column(column)
    {
        let ids = &table.row_index;
        if col.dtype().is_primitive_numeric() {
            let v = crate::load::encode::numeric_values(col).ok()?;
            rows.sort_by(|&a, &b| {
                let (x, y) = (v[ids[a as usize] as usize], v[ids[b as usize] as usize]);
                // Nulls last either way.
                match (x.is_nan(), y.is_nan()) {
                    (true, true) => std::cmp::Ordering::Equal,
                    (true, false) => std::cmp::Ordering::Greater,
                    (false, true) => std::cmp::Ordering::Less,
                    _ if *desc => y.total_cmp(&x),
                    _ => x.total_cmp(&y),
                }
            });
        } else if let Ok(s) = col.as_materialized_series().cast(&DataType::String) {
            let ca = s.str().ok()?.clone();
            rows.sort_by(|&a, &b| {
                let (x, y) = (
                    ca.get(ids[a as usize] as usize),
                    ca.get(ids[b as usize] as usize),
                );
                match (x, y) {
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, _) => std::cmp::Ordering::Greater,
                    (_, None) => std::cmp::Ordering::Less,
                    (Some(x), Some(y)) if *desc => y.cmp(x),
                    (Some(x), Some(y)) => x.cmp(y),
                }
            });
        }
    }
    Some(rows)
}

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if hay.is_ascii() && needle_lower.is_ascii() {
        hay.as_bytes()
            .windows(needle_lower.len().max(1))
            .any(|w| w.eq_ignore_ascii_case(needle_lower.as_bytes()))
    } else {
        hay.to_lowercase().contains(needle_lower)
    }
}

/// The text of one cell (`row` is a file row), empty for null.
pub fn cell_text(frame: &DataFrame, column: usize, row: usize) -> String {
    let Some(col) = frame.columns().get(column) else {
        return String::new();
    };
    match col.get(row) {
        Ok(AnyValue::Null) | Err(_) => String::new(),
        // Text, and text kept as an enum (`get_str`: Display would quote it).
        Ok(v) if v.get_str().is_some() => v.get_str().unwrap_or_default().to_string(),
        Ok(AnyValue::Float64(x)) => format!("{x}"),
        Ok(AnyValue::Float32(x)) => format!("{x}"),
        Ok(v) => v.to_string(),
    }
}

/// At most `max_chars` characters of one cell, and whether the cell holds more:
/// a cell of 50 MB of text is never copied whole to be drawn.
pub fn cell_preview(
    frame: &DataFrame,
    column: usize,
    row: usize,
    max_chars: usize,
) -> (String, bool) {
    let Some(col) = frame.columns().get(column) else {
        return (String::new(), false);
    };
    let cut = |s: &str| -> (String, bool) {
        match s.char_indices().nth(max_chars) {
            Some((at, _)) => (s[..at].to_string(), true),
            None => (s.to_string(), false),
        }
    };
    match col.get(row) {
        Ok(v) if v.get_str().is_some() => cut(v.get_str().unwrap_or_default()),
        // Means over runs (2/3 = 0.6666...) read better rounded; copies keep every digit.
        Ok(AnyValue::Float64(x)) => cut(&crate::load::encode::short_number(x, 6)),
        _ => cut(&cell_text(frame, column, row)),
    }
}

/// Every field of one file row as `(column, text)` pairs, each cut to
/// `max_chars` characters with a note of how much was left out.
pub fn row_fields_capped(frame: &DataFrame, row: usize, max_chars: usize) -> Vec<(String, String)> {
    frame
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (mut text, more) = cell_preview(frame, i, row, max_chars);
            if more {
                let total = cell_text(frame, i, row).chars().count();
                text.push_str(&format!(" … ({} more characters)", total - max_chars));
            }
            (c.name().to_string(), text)
        })
        .collect()
}

/// Every field of one file row as `(column, text)` pairs.
pub fn row_fields(frame: &DataFrame, row: usize) -> Vec<(String, String)> {
    frame
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name().to_string(), cell_text(frame, i, row)))
        .collect()
}

/// A row as tab-separated `column<TAB>value` lines, for the clipboard.
pub fn row_as_text(frame: &DataFrame, row: usize) -> String {
    row_fields(frame, row)
        .into_iter()
        .map(|(k, v)| format!("{k}\t{v}"))
        .collect::<Vec<_>>()
        .join("\n")
}
