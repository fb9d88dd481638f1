//! Text made sliceable. For every text column (long free-text features, and the
//! responses of graded models) the loader adds derived columns to
//! the frame and decodes them as features, so slices, cohorts, failure clusters
//! and the examples table treat them like any other column:
//!
//! - `len(COL)` and `words(COL)`: character length and word count (quantile bins);
//! - descriptors `NAME`: whether COL matches a regular expression
//!   (`--describe NAME=COL~REGEX`);
//! - `COL contains "token"`: for the tokens whose presence most raises some
//!   model's failure rate (a two-proportion z above [`TOKEN_MIN_Z`]), so the
//!   failure-cluster search can name a word. Only input texts (prompts,
//!   references) get them: a judge's rationale or a response says *that* a model
//!   failed, not where, and its words would crowd out the inputs'.

use std::borrow::Cow;
use std::collections::HashMap;

use foldhash::fast::RandomState;
use polars::prelude::*;
use regex::Regex;

use super::roles::{Mapping, Task};
use super::table::{EvalTable, FeatureKind, Prediction, Target};
use crate::error::{Error, Result};

/// Tokens offered per text column, at most.
pub const TOKENS_PER_COLUMN: usize = 5;
/// A token is offered when some model fails more often on rows that contain it
/// than on the rest by at least this many standard errors.
pub const TOKEN_MIN_Z: f64 = 3.0;
/// Rows scanned when choosing tokens (the chosen tokens' features cover every row).
const TOKEN_SCAN_ROWS: usize = 50_000;
/// Characters of each text read when choosing tokens.
const TOKEN_SCAN_CHARS: usize = 2_000;

/// Words that say nothing about a failure.
const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "has", "him", "his", "how", "its", "may", "new", "now", "old", "see",
    "two", "way", "who", "did", "get", "let", "say", "she", "too", "use", "that", "with", "have",
    "this", "will", "your", "from", "they", "know", "want", "been", "good", "much", "some", "time",
    "very", "when", "come", "here", "just", "like", "long", "make", "many", "more", "only", "over",
    "such", "take", "than", "them", "well", "were", "what", "which", "their", "there", "these",
    "would", "about", "into", "each", "other", "then", "also", "does", "should", "could", "where",
    "after", "before", "because", "being", "both", "between", "same", "while",
];

/// A user's regular expression, with a size limit so a pathological pattern
/// cannot exhaust memory.
pub fn compile(pattern: &str) -> std::result::Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
}

pub fn length_name(col: &str) -> String {
    format!("len({col})")
}

pub fn words_name(col: &str) -> String {
    format!("words({col})")
}

pub fn token_name(col: &str, token: &str) -> String {
    format!("{col} contains \"{token}\"")
}

/// True for a word feature (`COL contains "token"`), searched where present only.
pub fn is_token_feature(name: &str) -> bool {
    name.contains(" contains \"") && name.ends_with('"')
}

/// The text column a derived feature's name was made from, if it is one.
pub fn source_column(name: &str, mapping: &Mapping) -> Option<String> {
    for prefix in ["len(", "words("] {
        if let Some(rest) = name.strip_prefix(prefix).and_then(|r| r.strip_suffix(')')) {
            return Some(rest.to_string());
        }
    }
    if let Some((col, _)) = name.split_once(" contains \"") {
        return Some(col.to_string());
    }
    mapping
        .describe
        .iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, c, _)| c.clone())
}

/// Words of a text, lowercased: runs of letters and digits of at least three
/// characters, stopwords left out.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
}

/// The text columns of a table: long free-text features (inputs), then models'
/// responses (outputs).
pub fn text_columns(table: &EvalTable) -> Vec<String> {
    let mut cols: Vec<String> = table
        .features
        .iter()
        .filter(|f| f.kind == FeatureKind::Text)
        .map(|f| f.name.clone())
        .collect();
    for m in &table.models {
        if let Some(g) = m.grades.as_deref() {
            // A judge's rationale restates the verdict: its length would be a
            // proxy of the outcome, not a place where the model fails.
            if let Some(c) = &g.columns.response
                && !cols.contains(c)
            {
                cols.push(c.clone());
            }
        }
    }
    cols
}

/// Per used row and model, how much the row is a failure (0 to 1); empty for
/// regression, whose failures have no fixed scale.
fn failures(table: &EvalTable) -> Vec<Vec<f64>> {
    table
        .models
        .iter()
        .filter_map(|m| {
            if let Some(g) = m.grades.as_deref() {
                return g.failure();
            }
            match (table.target.as_ref(), m.pred()) {
                (Target::Classes(y), Prediction::Classes(p)) => Some(
                    y.iter()
                        .zip(p)
                        .map(|(a, b)| f64::from(u8::from(a != b)))
                        .collect(),
                ),
                _ => None,
            }
        })
        .collect()
}

/// A string column of the frame (None when missing or not text).
fn string_column<'a>(frame: &'a DataFrame, col: &str) -> Option<Cow<'a, StringChunked>> {
    let s = frame.column(col).ok()?.as_materialized_series();
    if !super::compact::is_text(s.dtype()) {
        return None;
    }
    super::compact::text_of(s).ok()
}

/// Chooses the tokens of `col` that most raise some model's failure rate.
fn failure_tokens(texts: &StringChunked, rows: &[u32], fails: &[Vec<f64>]) -> Vec<String> {
    if fails.is_empty() || rows.is_empty() {
        return Vec::new();
    }
    let step = rows.len().div_ceil(TOKEN_SCAN_ROWS).max(1);
    let scanned: Vec<usize> = (0..rows.len()).step_by(step).collect();
    let n = scanned.len() as f64;
    // token -> (rows holding it, failure sum per model)
    let mut stats: HashMap<String, (f64, Vec<f64>), RandomState> = HashMap::default();
    let mut total = vec![0.0; fails.len()];
    let mut seen: Vec<String> = Vec::new();
    for &i in &scanned {
        let r = rows[i] as usize;
        for (m, f) in fails.iter().enumerate() {
            if !f[i].is_nan() {
                total[m] += f[i];
            }
        }
        let Some(text) = texts.get(r) else { continue };
        let head: &str = match text.char_indices().nth(TOKEN_SCAN_CHARS) {
            Some((b, _)) => &text[..b],
            None => text,
        };
        seen.clear();
        for t in tokens(head) {
            if !seen.contains(&t) {
                seen.push(t);
            }
        }
        for t in seen.drain(..) {
            let e = stats
                .entry(t)
                .or_insert_with(|| (0.0, vec![0.0; fails.len()]));
            e.0 += 1.0;
            for (m, f) in fails.iter().enumerate() {
                if !f[i].is_nan() {
                    e.1[m] += f[i];
                }
            }
        }
    }
    let min_support = (n / 200.0).max(10.0);
    let mut scored: Vec<(f64, String)> = stats
        .into_iter()
        .filter(|(_, (a, _))| *a >= min_support && *a <= n / 2.0)
        .filter_map(|(t, (a, fa))| {
            let b = n - a;
            let z = fa
                .iter()
                .zip(&total)
                .map(|(&fa, &ft)| {
                    let p = ft / n;
                    let se = (p * (1.0 - p) * (1.0 / a + 1.0 / b)).sqrt();
                    if se > 0.0 {
                        (fa / a - (ft - fa) / b) / se
                    } else {
                        0.0
                    }
                })
                .fold(f64::NEG_INFINITY, f64::max);
            (z >= TOKEN_MIN_Z).then_some((z, t))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(TOKENS_PER_COLUMN)
        .map(|(_, t)| t)
        .collect()
}

/// Adds the derived columns of every text column to `frame` (replacing earlier
/// ones) and decodes them as features of `table`. With `wanted` (the command
/// line's `--by`), only the derived features named there are made.
pub fn derive(
    table: &mut EvalTable,
    frame: &mut DataFrame,
    mapping: &Mapping,
    bins: usize,
    wanted: Option<&[String]>,
) -> Result<()> {
    let want = |name: &str| wanted.is_none_or(|w| w.iter().any(|x| x.eq_ignore_ascii_case(name)));
    let mut columns = text_columns(table);
    // A derived feature asked for by name (`--by "words(prompt)"`) reads its text
    // column even when that column is not decoded as a feature.
    for name in wanted.unwrap_or_default() {
        if let Some(src) = source_column(name, mapping)
            && !columns.contains(&src)
            && !mapping.describe.iter().any(|(n, _, _)| n == name)
            && string_column(frame, &src).is_some()
        {
            columns.push(src);
        }
    }
    if columns.is_empty() && mapping.describe.is_empty() {
        // No text to derive from: skip the per-row failure vectors below.
        return Ok(());
    }
    let inputs: Vec<String> = table
        .features
        .iter()
        .filter(|f| f.kind == FeatureKind::Text)
        .map(|f| f.name.clone())
        .collect();
    let rows: Vec<u32> = table.row_index.as_ref().clone();
    let fails = if table.task == Task::Regression {
        Vec::new()
    } else {
        failures(table)
    };
    let path = table.dataset.path.clone();
    let mut added: Vec<Column> = Vec::new();
    for col in &columns {
        let Some(texts) = string_column(frame, col) else {
            continue;
        };
        let text_of = |r: u32| texts.get(r as usize);
        if want(&length_name(col)) {
            let v: Vec<Option<i64>> = rows
                .iter()
                .map(|&r| text_of(r).map(|t| t.chars().count() as i64))
                .collect();
            added.push(Column::new(length_name(col).into(), v));
        }
        if want(&words_name(col)) {
            let v: Vec<Option<i64>> = rows
                .iter()
                .map(|&r| text_of(r).map(|t| t.split_whitespace().count() as i64))
                .collect();
            added.push(Column::new(words_name(col).into(), v));
        }
        let chosen = if wanted.is_none() {
            if inputs.contains(col) {
                failure_tokens(&texts, &rows, &fails)
            } else {
                Vec::new()
            }
        } else {
            // Only the tokens asked for by name.
            wanted
                .unwrap_or_default()
                .iter()
                .filter_map(|w| {
                    w.strip_prefix(&format!("{col} contains \""))
                        .and_then(|t| t.strip_suffix('"'))
                        .map(str::to_string)
                })
                .collect()
        };
        if !chosen.is_empty() {
            // One tokenisation per row answers every chosen token.
            let mut present: Vec<Vec<Option<bool>>> =
                vec![Vec::with_capacity(rows.len()); chosen.len()];
            for &r in &rows {
                let mut hit = vec![false; chosen.len()];
                let text = text_of(r);
                if let Some(t) = text {
                    for w in tokens(t) {
                        if let Some(i) = chosen.iter().position(|c| *c == w) {
                            hit[i] = true;
                        }
                    }
                }
                for (i, h) in hit.into_iter().enumerate() {
                    present[i].push(text.map(|_| h));
                }
            }
            for (token, v) in chosen.iter().zip(present) {
                added.push(Column::new(token_name(col, token).into(), v));
            }
        }
    }
    for (name, col, pattern) in &mapping.describe {
        if !want(name) {
            continue;
        }
        let re = compile(pattern).map_err(|e| {
            Error::Usage(format!(
                "the descriptor {name:?}: {pattern:?} is not a regular expression: {e}"
            ))
        })?;
        let Some(texts) = string_column(frame, col) else {
            return Err(Error::MissingColumn {
                path: path.clone(),
                column: col.clone(),
                hint: format!(
                    "named by the descriptor {name:?} (--describe); it must be a text column"
                ),
            });
        };
        let v: Vec<Option<bool>> = rows
            .iter()
            .map(|&r| texts.get(r as usize).map(|t| re.is_match(t)))
            .collect();
        added.push(Column::new(name.as_str().into(), v));
    }
    if added.is_empty() {
        return Ok(());
    }
    // The derived columns hold one value per used row; the frame holds every row.
    let full = frame.height();
    let used = table.row_index.clone();
    let mut features = table.features.as_ref().clone();
    for c in added {
        let name = c.name().to_string();
        features.retain(|f| f.name != name);
        let frame_col = if used.len() == full {
            c
        } else {
            let mut at: Vec<Option<u32>> = vec![None; full];
            for (i, &r) in used.iter().enumerate() {
                at[r as usize] = Some(i as u32);
            }
            let idx: IdxCa = at.into_iter().collect();
            c.take(&idx).map_err(|e| polars_error(&path, &name, e))?
        };
        let f = super::table::decode_feature(&frame_col, &used, bins)
            .map_err(|e| polars_error(&path, &name, e))?;
        if frame.column(&name).is_ok() {
            frame
                .replace(&name, frame_col)
                .map_err(|e| polars_error(&path, &name, e))?;
        } else {
            frame
                .with_column(frame_col)
                .map_err(|e| polars_error(&path, &name, e))?;
        }
        features.push(f);
    }
    table.features = std::sync::Arc::new(features);
    Ok(())
}

fn polars_error(path: &std::path::Path, column: &str, e: PolarsError) -> Error {
    Error::BadColumn {
        path: path.to_path_buf(),
        column: column.to_string(),
        detail: crate::load::read::polars_message(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_skip_short_words_and_stopwords() {
        let t: Vec<String> = tokens("The Recursion, of a tree; and 42 trees!").collect();
        assert_eq!(t, ["recursion", "tree", "trees"]);
    }

    #[test]
    fn derived_names_lead_back_to_their_column() {
        let m = Mapping {
            describe: vec![("refusal".into(), "response_a".into(), "(?i)cannot".into())],
            ..Default::default()
        };
        assert_eq!(source_column("len(prompt)", &m).as_deref(), Some("prompt"));
        assert_eq!(
            source_column("words(response_a)", &m).as_deref(),
            Some("response_a")
        );
        assert_eq!(
            source_column("prompt contains \"tree\"", &m).as_deref(),
            Some("prompt")
        );
        assert_eq!(source_column("refusal", &m).as_deref(), Some("response_a"));
        assert_eq!(source_column("region", &m), None);
    }
}
