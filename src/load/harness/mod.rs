//! Evaluation logs written by evaluation tools (lm-evaluation-harness, inspect_ai,
//! promptfoo, OpenAI evals) and per-model nested JSONL files, read into one common
//! *long graded layout*: one row per (example, model, run) with the columns
//! `id, model, run, pass, score, response, reference, rationale, prompt`, in that
//! order, then per-tool extra columns.
//!
//! [`detect`] tells from a path and the first bytes of a file which tool wrote it;
//! [`read`] turns the file into the layout. Every reader parses the JSON itself
//! (serde_json) and never panics on what a file holds: each problem is an
//! [`Error::Unreadable`] naming the line (JSONL) or the archive entry (zip).

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;
use serde_json::Value;

use crate::error::{Error, Result};

pub mod inspect;
pub mod lm_eval;
pub mod nested;
pub mod openai_evals;
pub mod promptfoo;

/// Which tool wrote a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Harness {
    /// EleutherAI lm-evaluation-harness, `samples_TASK_DATE.jsonl` (`--log_samples`).
    LmEval,
    /// UK AISI inspect_ai, a `.eval` zip or a `.json` log.
    Inspect,
    /// promptfoo `eval -o out.json`.
    Promptfoo,
    /// OpenAI evals record log (`spec` line, then events).
    OpenAiEvals,
    /// JSONL with one object per example holding one object per model.
    Nested,
}

impl Harness {
    /// The tool's name as users know it.
    pub fn name(self) -> &'static str {
        match self {
            Harness::LmEval => "lm-evaluation-harness",
            Harness::Inspect => "inspect_ai",
            Harness::Promptfoo => "promptfoo",
            Harness::OpenAiEvals => "OpenAI evals",
            Harness::Nested => "nested per-model JSONL",
        }
    }
}

/// The columns every reader emits first, in this order.
pub const CORE_COLUMNS: [&str; 9] = [
    "id",
    "model",
    "run",
    "pass",
    "score",
    "response",
    "reference",
    "rationale",
    "prompt",
];

/// Looks at the path (extension, name) and the first bytes of the file to tell whether a
/// known tool wrote it. `.eval` is inspect (a zip). `.json`: a top-level object with `eval` and
/// `samples` is inspect; one with `results` holding a `results` array (and a `version`) is promptfoo.
/// `.jsonl`: the first line has `spec` → OpenAI evals (check also that a later line has `sample_id`);
/// has `doc_id` and `resps` or `filtered_resps` → lm-eval; some top-level value is an object holding a
/// boolean field → nested. Otherwise None (a plain evaluation file).
///
/// `head` may stop anywhere (a prefix of the file): keys not yet reached count as
/// absent, except where noted below for values too long to fit in a prefix.
pub fn detect(path: &Path, head: &[u8]) -> Option<Harness> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    let head = head
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(head);
    match ext.as_str() {
        "eval" => Some(Harness::Inspect),
        "json" => detect_json(head),
        "jsonl" | "ndjson" => detect_jsonl(head),
        _ => None,
    }
}

fn detect_json(head: &[u8]) -> Option<Harness> {
    let scan = scan_object(head)?;
    let has = |k: &str| scan.keys.iter().any(|e| e.name == k);
    let obj = |k: &str| scan.keys.iter().find(|e| e.name == k && e.first == b'{');
    // inspect: `eval` (an object naming the model and task) and `samples`. A prefix
    // may end before `samples` (it comes after `plan`, `results` and `stats`), and a
    // log written with --no-log-samples has none: there `eval` with inspect's
    // `status`/`plan` neighbours is enough, and the reader says what is missing.
    if let Some(eval) = obj("eval") {
        let eval_ok =
            eval.sub.is_empty() || eval.sub.iter().any(|(k, _)| k == "model" || k == "task");
        if eval_ok && (has("samples") || has("plan") || has("status")) {
            return Some(Harness::Inspect);
        }
    }
    // promptfoo: `results` is an object holding a `results` array and a `version`.
    if let Some(results) = obj("results") {
        let sub_has = |k: &str| results.sub.iter().any(|(s, _)| s == k);
        let array = results
            .sub
            .iter()
            .any(|(s, first)| s == "results" && *first == b'[');
        if array && (sub_has("version") || sub_has("timestamp") || sub_has("prompts")) {
            return Some(Harness::Promptfoo);
        }
        // The prefix ended inside `results` before its `results` array.
        if !scan.complete
            && !results.closed
            && sub_has("version")
            && (sub_has("timestamp") || sub_has("prompts"))
        {
            return Some(Harness::Promptfoo);
        }
    }
    None
}

fn detect_jsonl(head: &[u8]) -> Option<Harness> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()));
    let first = lines.next()?;
    let scan = scan_object(first)?;
    let has = |k: &str| scan.keys.iter().any(|e| e.name == k);
    if let Some(spec) = scan
        .keys
        .iter()
        .find(|e| e.name == "spec" && e.first == b'{')
    {
        // The later lines that the prefix holds whole (the last one may be cut).
        let later: Vec<Scan> = lines.filter_map(scan_object).collect();
        if later
            .iter()
            .any(|s| s.keys.iter().any(|e| e.name == "sample_id"))
        {
            return Some(Harness::OpenAiEvals);
        }
        let spec_like = spec
            .sub
            .iter()
            .any(|(k, _)| k == "completion_fns" || k == "eval_name");
        // Only the spec line (and perhaps the final report) fit in the prefix.
        if spec_like
            && later.iter().all(|s| {
                s.keys
                    .iter()
                    .all(|e| e.name == "final_report" || e.name == "run_id")
            })
        {
            return Some(Harness::OpenAiEvals);
        }
        return None;
    }
    if has("doc_id") {
        if has("resps") || has("filtered_resps") {
            return Some(Harness::LmEval);
        }
        // A long few-shot `arguments` value can push `resps` past the prefix.
        if !scan.complete && (has("arguments") || (has("doc") && has("target"))) {
            return Some(Harness::LmEval);
        }
    }
    let holds_bool = scan.keys.iter().any(|e| {
        e.first == b'{'
            && e.sub
                .iter()
                .any(|(_, first)| *first == b't' || *first == b'f')
    });
    if holds_bool {
        return Some(Harness::Nested);
    }
    None
}

/// Reads a harness file into the long graded layout.
pub fn read(path: &Path, harness: Harness) -> Result<DataFrame> {
    match harness {
        Harness::LmEval => lm_eval::read(path),
        Harness::Inspect => inspect::read(path),
        Harness::Promptfoo => promptfoo::read(path),
        Harness::OpenAiEvals => openai_evals::read(path),
        Harness::Nested => nested::read(path),
    }
}

/// Detects the tool from the file's first 64 KiB and reads it; `Ok(None)` for a
/// file that no known tool wrote.
pub fn read_if_harness(path: &Path) -> Result<Option<(Harness, DataFrame)>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64 * 1024);
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    file.take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    match detect(path, &head) {
        Some(h) => Ok(Some((h, read(path, h)?))),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------------------
// A tolerant scan of the keys of a JSON object, for a prefix of a file.

/// The keys of a top-level object, with the first byte of each value and, for
/// object values, their own keys with the first byte of theirs.
struct Scan {
    keys: Vec<ScanKey>,
    /// The object closed within the bytes given.
    complete: bool,
}

struct ScanKey {
    name: String,
    /// First byte of the value: `{`, `[`, `"`, `t`, `f`, `n` or a digit/`-`.
    first: u8,
    /// For an object value, its keys and the first byte of their values.
    sub: Vec<(String, u8)>,
    /// For an object value, whether it closed within the bytes given.
    closed: bool,
}

struct Bytes<'a> {
    b: &'a [u8],
    i: usize,
}

impl Bytes<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    /// A string starting at the current `"`; None when the bytes end first.
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    out.push(e);
                }
                _ => out.push(c),
            }
        }
    }
    /// Skips one value; None when the bytes end first or it is malformed.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                let start = self.i;
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']') || c.is_ascii_whitespace() {
                        break;
                    }
                    self.i += 1;
                }
                // A literal cut by the end of the bytes is not known to be whole.
                if self.i == self.b.len() || self.i == start {
                    None
                } else {
                    Some(())
                }
            }
        }
    }
}

/// Scans the top-level object of `bytes` (a prefix of a JSON text, or one JSONL
/// line); None when it does not start with `{` or is malformed before it ends.
fn scan_object(bytes: &[u8]) -> Option<Scan> {
    let mut p = Bytes { b: bytes, i: 0 };
    p.ws();
    if p.peek()? != b'{' {
        return None;
    }
    p.i += 1;
    let mut scan = Scan {
        keys: Vec::new(),
        complete: false,
    };
    // Returns Some(()) when the object closed, None when the bytes ended.
    let body = |p: &mut Bytes, scan: &mut Scan| -> Option<()> {
        loop {
            p.ws();
            match p.peek()? {
                b'}' => {
                    p.i += 1;
                    return Some(());
                }
                b',' => {
                    p.i += 1;
                    continue;
                }
                _ => {}
            }
            let name = p.string()?;
            p.ws();
            if p.peek()? != b':' {
                return None;
            }
            p.i += 1;
            p.ws();
            let first = p.peek()?;
            scan.keys.push(ScanKey {
                name,
                first,
                sub: Vec::new(),
                closed: false,
            });
            if first == b'{' {
                p.i += 1;
                loop {
                    p.ws();
                    match p.peek()? {
                        b'}' => {
                            p.i += 1;
                            break;
                        }
                        b',' => {
                            p.i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let sub = p.string()?;
                    p.ws();
                    if p.peek()? != b':' {
                        return None;
                    }
                    p.i += 1;
                    p.ws();
                    let sub_first = p.peek()?;
                    if let Some(last) = scan.keys.last_mut() {
                        last.sub.push((sub, sub_first));
                    }
                    p.skip_value()?;
                }
                if let Some(last) = scan.keys.last_mut() {
                    last.closed = true;
                }
            } else {
                p.skip_value()?;
            }
        }
    };
    if body(&mut p, &mut scan).is_some() {
        scan.complete = true;
    }
    Some(scan)
}

// ---------------------------------------------------------------------------
// The long graded layout, built row by row.

/// One row of the long graded layout.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    pub id: String,
    pub model: String,
    pub run: i64,
    pub pass: Option<f64>,
    pub score: Option<f64>,
    pub response: Option<String>,
    pub reference: Option<String>,
    pub rationale: Option<String>,
    pub prompt: Option<String>,
    /// Extra columns, by name: each name has one kind in a file.
    pub extras: Vec<(String, Extra)>,
}

impl Row {
    pub fn text(&mut self, name: impl Into<String>, value: Option<String>) {
        self.extras.push((name.into(), Extra::Text(value)));
    }
    pub fn number(&mut self, name: impl Into<String>, value: Option<f64>) {
        self.extras.push((name.into(), Extra::Number(value)));
    }
}

/// The value of an extra column in one row.
#[derive(Debug, Clone)]
pub(crate) enum Extra {
    Text(Option<String>),
    Number(Option<f64>),
}

enum ExtraColumn {
    Text(Vec<Option<String>>),
    Number(Vec<Option<f64>>),
}

/// Collects rows into the columns of the layout. Extra columns appear in the order
/// they are first seen; rows without a value hold null. An extra whose name is one
/// of [`CORE_COLUMNS`] is renamed `field_NAME`.
#[derive(Default)]
pub(crate) struct Builder {
    id: Vec<String>,
    model: Vec<String>,
    run: Vec<i64>,
    pass: Vec<Option<f64>>,
    score: Vec<Option<f64>>,
    response: Vec<Option<String>>,
    reference: Vec<Option<String>>,
    rationale: Vec<Option<String>>,
    prompt: Vec<Option<String>>,
    extras: Vec<(String, ExtraColumn)>,
    index: HashMap<String, usize>,
}

impl Builder {
    pub fn push(&mut self, row: Row) {
        let n = self.id.len();
        for (name, value) in row.extras {
            let name = if CORE_COLUMNS.contains(&name.as_str()) {
                format!("field_{name}")
            } else {
                name
            };
            let at = match self.index.get(&name) {
                Some(&at) => at,
                None => {
                    let column = match value {
                        Extra::Text(_) => ExtraColumn::Text(vec![None; n]),
                        Extra::Number(_) => ExtraColumn::Number(vec![None; n]),
                    };
                    self.extras.push((name.clone(), column));
                    self.index.insert(name, self.extras.len() - 1);
                    self.extras.len() - 1
                }
            };
            let Some((_, column)) = self.extras.get_mut(at) else {
                continue;
            };
            match (column, value) {
                (ExtraColumn::Text(v), Extra::Text(x)) => set(v, n, x),
                (ExtraColumn::Number(v), Extra::Number(x)) => set(v, n, x),
                (ExtraColumn::Text(v), Extra::Number(x)) => set(v, n, x.map(fmt_number)),
                (ExtraColumn::Number(v), Extra::Text(x)) => {
                    set(v, n, x.and_then(|s| s.trim().parse().ok()))
                }
            }
        }
        self.id.push(row.id);
        self.model.push(row.model);
        self.run.push(row.run);
        self.pass.push(row.pass);
        self.score.push(row.score);
        self.response.push(row.response);
        self.reference.push(row.reference);
        self.rationale.push(row.rationale);
        self.prompt.push(row.prompt);
        for (_, column) in &mut self.extras {
            match column {
                ExtraColumn::Text(v) => v.resize(n + 1, None),
                ExtraColumn::Number(v) => v.resize(n + 1, None),
            }
        }
    }

    pub fn finish(self, path: &Path, format: &'static str) -> Result<DataFrame> {
        let height = self.id.len();
        let mut columns = vec![
            Column::new("id".into(), self.id),
            Column::new("model".into(), self.model),
            Column::new("run".into(), self.run),
            Column::new("pass".into(), self.pass),
            Column::new("score".into(), self.score),
            Column::new("response".into(), self.response),
            Column::new("reference".into(), self.reference),
            Column::new("rationale".into(), self.rationale),
            Column::new("prompt".into(), self.prompt),
        ];
        for (name, column) in self.extras {
            columns.push(match column {
                ExtraColumn::Text(v) => Column::new(name.into(), v),
                ExtraColumn::Number(v) => Column::new(name.into(), v),
            });
        }
        DataFrame::new(height, columns).map_err(|e| Error::Unreadable {
            path: path.to_path_buf(),
            format,
            detail: format!("cannot build the table: {e}"),
        })
    }
}

/// Sets the `n`th value (the row being pushed), when the column already has it
/// as a null placeholder or is one short.
fn set<T>(v: &mut Vec<Option<T>>, n: usize, x: Option<T>) {
    v.resize_with(n + 1, || None);
    if let Some(slot) = v.get_mut(n) {
        *slot = x;
    }
}

// ---------------------------------------------------------------------------
// Helpers shared by the readers.

pub(crate) fn unreadable(path: &Path, format: &'static str, detail: impl Into<String>) -> Error {
    Error::Unreadable {
        path: path.to_path_buf(),
        format,
        detail: detail.into(),
    }
}

/// The file as UTF-8 text (a leading byte-order mark dropped).
pub(crate) fn read_text(path: &Path, format: &'static str) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    bytes_to_text(path, format, bytes)
}

pub(crate) fn bytes_to_text(path: &Path, format: &'static str, bytes: Vec<u8>) -> Result<String> {
    let mut text = String::from_utf8(bytes).map_err(|e| {
        unreadable(
            path,
            format,
            format!(
                "not UTF-8 text (invalid byte at offset {}); the tool writes UTF-8, so the file may be damaged",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// The non-blank lines of a JSONL text, each parsed, with its 1-based line number.
/// A line that is not JSON is an error naming the line.
pub(crate) fn jsonl_values(
    path: &Path,
    format: &'static str,
    text: &str,
) -> Result<Vec<(usize, Value)>> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            let cut = Some(i) == last && e.is_eof();
            unreadable(
                path,
                format,
                format!(
                    "line {}: not valid JSON ({e}){}",
                    i + 1,
                    if cut {
                        "; the last line is cut short, so the file may still be being written or was truncated"
                    } else {
                        ""
                    }
                ),
            )
        })?;
        out.push((i + 1, value));
    }
    Ok(out)
}

/// A grade as a pass value: 1 pass, 0 fail, 0.5 partial. inspect's letters C/I/P/N,
/// booleans, `correct`/`incorrect`, `pass`/`fail`, `yes`/`no` (any case), and the
/// numbers 0, 0.5 and 1. None for anything else.
pub(crate) fn pass_value(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Number(n) => {
            let x = n.as_f64()?;
            (x == 0.0 || x == 0.5 || x == 1.0).then_some(x)
        }
        Value::String(s) => pass_word(s),
        _ => None,
    }
}

fn pass_word(s: &str) -> Option<f64> {
    match s.trim().to_ascii_lowercase().as_str() {
        "c" | "correct" | "pass" | "passed" | "yes" | "true" => Some(1.0),
        "i" | "incorrect" | "fail" | "failed" | "no" | "false" | "n" | "noanswer" => Some(0.0),
        "p" | "partial" | "partially correct" => Some(0.5),
        _ => None,
    }
}

/// A grade mapped like [`pass_value`], but any number taken as is (for `grade_*`).
pub(crate) fn grade_value(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        other => pass_value(other),
    }
}

/// Whether a grade is categorical or a number that is a pass grade (0, 0.5 or 1).
pub(crate) fn is_pass_like(v: &Value) -> bool {
    pass_value(v).is_some()
}

/// A number (not a boolean).
pub(crate) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// A number as text: integers without a decimal point.
pub(crate) fn fmt_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A scalar as text (strings as they are, numbers and booleans printed); arrays and
/// objects as compact JSON; null as None.
pub(crate) fn to_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// An id as text: strings as they are, numbers printed.
pub(crate) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Null | Value::Array(_) | Value::Object(_) => None,
        other => to_text(other),
    }
}

/// A string, or a list of strings joined with `sep` (non-strings printed).
pub(crate) fn text_or_join(v: &Value, sep: &str) -> Option<String> {
    match v {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(to_text).collect();
            if parts.is_empty() && items.is_empty() {
                None
            } else {
                Some(parts.join(sep))
            }
        }
        other => to_text(other),
    }
}

/// The first scalar of a value, looking into the first element of arrays (and the
/// first value of objects) recursively, as text.
pub(crate) fn first_leaf_text(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => items.first().and_then(first_leaf_text),
        Value::Object(map) => map.values().next().and_then(first_leaf_text),
        other => to_text(other),
    }
}

/// The first string anywhere in a value, depth first in document order.
pub(crate) fn first_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(first_string),
        Value::Object(map) => map.values().find_map(first_string),
        _ => None,
    }
}

/// The text of chat content: a string, or a list of parts whose `text` fields are
/// joined with newlines (parts without text, such as images, are left out).
pub(crate) fn content_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let texts: Vec<&str> = parts
                .iter()
                .filter_map(|p| match p {
                    Value::String(s) => Some(s.as_str()),
                    Value::Object(o) => o.get("text").and_then(Value::as_str),
                    _ => None,
                })
                .collect();
            if texts.is_empty() {
                None
            } else {
                Some(texts.join("\n"))
            }
        }
        Value::Null => None,
        other => to_text(other),
    }
}

/// The text of a list of chat messages: each message's content joined with newlines.
pub(crate) fn messages_text(v: &Value) -> Option<String> {
    match v {
        Value::Array(messages) => {
            let texts: Vec<String> = messages
                .iter()
                .filter_map(|m| match m {
                    Value::Object(o) => o.get("content").and_then(content_text),
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            if texts.is_empty() {
                None
            } else {
                Some(texts.join("\n"))
            }
        }
        other => content_text(other),
    }
}

/// A string field of an object among `names`, the first found.
pub(crate) fn string_field<'a>(
    obj: &'a serde_json::Map<String, Value>,
    names: &[&str],
) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| obj.get(*n).and_then(Value::as_str))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A fixture file: `../shared/fixtures/FOLDER/NAME` when that folder exists beside
    /// the crate, else the byte-for-byte copy in `tests/fixtures/harness/FOLDER/NAME`.
    pub fn fixture(folder: &str, name: &str) -> PathBuf {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let shared = root.join("../shared/fixtures");
        if shared.is_dir() {
            let p = shared.join(folder).join(name);
            if p.exists() {
                return p;
            }
        }
        root.join("tests/fixtures/harness").join(folder).join(name)
    }

    /// The expected values computed by `tests/reference/harness_reference.py`.
    pub fn reference(key: &str) -> Value {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/harness.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let all: Value = serde_json::from_str(&text).unwrap();
        all.get(key)
            .cloned()
            .unwrap_or_else(|| panic!("no {key:?} in harness.json"))
    }

    /// A scratch folder for one test.
    pub fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("faultline-harness-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    pub fn column_names(df: &DataFrame) -> Vec<String> {
        df.get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    pub fn strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
        df.column(name)
            .unwrap()
            .as_materialized_series()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.map(str::to_string))
            .collect()
    }

    pub fn floats(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
        df.column(name)
            .unwrap()
            .as_materialized_series()
            .f64()
            .unwrap()
            .iter()
            .collect()
    }

    pub fn ints(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
        df.column(name)
            .unwrap()
            .as_materialized_series()
            .i64()
            .unwrap()
            .iter()
            .collect()
    }

    fn mean(v: &[Option<f64>]) -> Option<f64> {
        let xs: Vec<f64> = v.iter().flatten().copied().collect();
        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
    }

    fn close(a: Option<f64>, b: Option<f64>, what: &str) {
        match (a, b) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: {a} != {b}"),
            (None, None) => {}
            _ => panic!("{what}: {a:?} != {b:?}"),
        }
    }

    /// Checks a frame against one entry of `harness.json`: the core columns and their
    /// types, row count, distinct ids, models, pass rate, mean score and the strings
    /// given for some ids.
    pub fn check_against_reference(df: &DataFrame, expected: &Value) {
        let names = column_names(df);
        assert_eq!(&names[..9], &CORE_COLUMNS.map(String::from)[..]);
        let types: Vec<DataType> = df.dtypes().into_iter().take(9).collect();
        assert_eq!(
            types,
            vec![
                DataType::String,
                DataType::String,
                DataType::Int64,
                DataType::Float64,
                DataType::Float64,
                DataType::String,
                DataType::String,
                DataType::String,
                DataType::String,
            ]
        );
        assert_eq!(df.height() as u64, expected["rows"].as_u64().unwrap());
        let ids = strings(df, "id");
        let models = strings(df, "model");
        let distinct: std::collections::BTreeSet<_> = ids.iter().flatten().collect();
        assert_eq!(
            distinct.len() as u64,
            expected["distinct_ids"].as_u64().unwrap()
        );
        let model_set: std::collections::BTreeSet<String> =
            models.iter().flatten().cloned().collect();
        let want: std::collections::BTreeSet<String> = expected["models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        assert_eq!(model_set, want);
        // One row per (id, model, run).
        let runs = ints(df, "run");
        let keys: std::collections::BTreeSet<_> = ids
            .iter()
            .zip(&models)
            .zip(&runs)
            .map(|((i, m), r)| (i.clone(), m.clone(), *r))
            .collect();
        assert_eq!(keys.len(), df.height(), "(id, model, run) is not unique");
        close(
            mean(&floats(df, "pass")),
            expected["pass_rate"].as_f64(),
            "pass rate",
        );
        close(
            mean(&floats(df, "score")),
            expected["mean_score"].as_f64(),
            "mean score",
        );
        if let Some(n) = expected.get("pass_non_null").and_then(Value::as_u64) {
            let got = floats(df, "pass").iter().flatten().count() as u64;
            assert_eq!(got, n, "non-null pass values");
        }
        if let Some(examples) = expected.get("examples").and_then(Value::as_object) {
            for (key, fields) in examples {
                let (id, model) = key.split_once('|').unwrap_or((key.as_str(), ""));
                let row = ids
                    .iter()
                    .zip(&models)
                    .position(|(i, m)| {
                        i.as_deref() == Some(id)
                            && (model.is_empty() || m.as_deref() == Some(model))
                    })
                    .unwrap_or_else(|| panic!("no row for {key}"));
                for (column, want) in fields.as_object().unwrap() {
                    let got = match df.column(column).unwrap().dtype() {
                        DataType::String => strings(df, column)[row].clone().map(Value::from),
                        DataType::Float64 => floats(df, column)[row].map(Value::from),
                        DataType::Int64 => ints(df, column)[row].map(Value::from),
                        other => panic!("{column}: unexpected type {other}"),
                    }
                    .unwrap_or(Value::Null);
                    match (got.as_f64(), want.as_f64()) {
                        (Some(a), Some(b)) => close(Some(a), Some(b), &format!("{key} {column}")),
                        _ => assert_eq!(&got, want, "{key} {column}"),
                    }
                }
            }
        }
    }

    #[test]
    fn detects_every_fixture() {
        let cases = [
            (
                "lm-evaluation-harness",
                "samples_en_it_public_2024-10-11T13-58-59.572420.jsonl",
                Some(Harness::LmEval),
            ),
            (
                "lm-evaluation-harness",
                "results_2024-10-11T13-58-59.572420.json",
                None,
            ),
            (
                "inspect_ai",
                "2025-05-12T20-28-13-04-00_popularity.json",
                Some(Harness::Inspect),
            ),
            (
                "inspect_ai",
                "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval",
                Some(Harness::Inspect),
            ),
            (
                "promptfoo",
                "session1_Bias_and_fairness_results.json",
                Some(Harness::Promptfoo),
            ),
            (
                "openai-evals",
                "crossword-4.jsonl",
                Some(Harness::OpenAiEvals),
            ),
            (
                "openai-evals",
                "crossword-turbo.jsonl",
                Some(Harness::OpenAiEvals),
            ),
        ];
        for (folder, name, want) in cases {
            let path = fixture(folder, name);
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(detect(&path, &bytes), want, "{name} (whole file)");
            // A prefix as a caller would pass it.
            let head = &bytes[..bytes.len().min(4096)];
            assert_eq!(detect(&path, head), want, "{name} (first 4 KiB)");
        }
    }

    #[test]
    fn detects_from_short_prefixes() {
        let path = fixture(
            "lm-evaluation-harness",
            "samples_en_it_public_2024-10-11T13-58-59.572420.jsonl",
        );
        let bytes = std::fs::read(&path).unwrap();
        // The first line's `arguments` is long; `resps` comes after it.
        assert_eq!(detect(&path, &bytes[..600]), Some(Harness::LmEval));
        let path = fixture("openai-evals", "crossword-turbo.jsonl");
        let bytes = std::fs::read(&path).unwrap();
        let first_line = bytes.iter().position(|&b| b == b'\n').unwrap();
        assert_eq!(
            detect(&path, &bytes[..first_line + 1]),
            Some(Harness::OpenAiEvals)
        );
        let path = fixture("inspect_ai", "2025-05-12T20-28-13-04-00_popularity.json");
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(detect(&path, &bytes[..2000]), Some(Harness::Inspect));
    }

    #[test]
    fn plain_files_are_not_harness_logs() {
        let p = Path::new("preds.jsonl");
        assert_eq!(detect(p, br#"{"id": 1, "label": 1, "score": 0.3}"#), None);
        assert_eq!(detect(p, b""), None);
        assert_eq!(detect(p, b"not json at all"), None);
        assert_eq!(
            detect(Path::new("preds.json"), br#"[{"id": 1, "label": true}]"#),
            None
        );
        assert_eq!(
            detect(
                Path::new("preds.json"),
                br#"{"results": [1, 2], "version": 3}"#
            ),
            None
        );
        assert_eq!(detect(Path::new("preds.csv"), b"id,label\n1,1\n"), None);
        // A spec line without events is not OpenAI evals.
        assert_eq!(detect(p, b"{\"spec\": {\"x\": 1}}\n{\"a\": 2}\n"), None);
    }

    #[test]
    fn detects_nested_and_small_logs() {
        let p = Path::new("x.jsonl");
        assert_eq!(
            detect(
                p,
                br#"{"id": "q1", "question": "2+2?", "gpt-4": {"answer": "4", "correct": true}}"#
            ),
            Some(Harness::Nested)
        );
        assert_eq!(
            detect(
                p,
                b"{\"spec\": {\"completion_fns\": [\"m\"]}}\n{\"final_report\": {}}\n{\"sample_id\": \"s.1\", \"type\": \"match\"}\n"
            ),
            Some(Harness::OpenAiEvals)
        );
        assert_eq!(
            detect(
                p,
                br#"{"doc_id": 0, "doc": {}, "target": "a", "resps": [], "filtered_resps": []}"#
            ),
            Some(Harness::LmEval)
        );
        assert_eq!(
            detect(Path::new("LOG.EVAL"), b"PK\x03\x04"),
            Some(Harness::Inspect)
        );
        assert_eq!(
            detect(
                Path::new("o.json"),
                br#"{"evalId": "e", "results": {"version": 3, "timestamp": "t", "results": [{}]}}"#
            ),
            Some(Harness::Promptfoo)
        );
    }

    #[test]
    fn builder_pads_extras_and_renames_clashes() {
        let mut b = Builder::default();
        let mut r = Row {
            id: "a".into(),
            model: "m".into(),
            run: 1,
            ..Row::default()
        };
        r.text("task", Some("t".into()));
        b.push(r);
        let mut r = Row {
            id: "b".into(),
            model: "m".into(),
            run: 1,
            ..Row::default()
        };
        r.number("metric_acc", Some(1.0));
        r.text("score", Some("x".into()));
        b.push(r);
        let df = b.finish(Path::new("f"), "test").unwrap();
        assert_eq!(
            column_names(&df)[9..],
            ["task", "metric_acc", "field_score"].map(String::from)
        );
        assert_eq!(strings(&df, "task"), vec![Some("t".into()), None]);
        assert_eq!(floats(&df, "metric_acc"), vec![None, Some(1.0)]);
        assert_eq!(floats(&df, "pass"), vec![None, None]);
    }

    #[test]
    fn grades_map_to_pass_values() {
        use serde_json::json;
        for (v, want) in [
            (json!("C"), Some(1.0)),
            (json!("I"), Some(0.0)),
            (json!("P"), Some(0.5)),
            (json!("N"), Some(0.0)),
            (json!(true), Some(1.0)),
            (json!(false), Some(0.0)),
            (json!("Correct"), Some(1.0)),
            (json!("fail"), Some(0.0)),
            (json!("yes"), Some(1.0)),
            (json!(1), Some(1.0)),
            (json!(0), Some(0.0)),
            (json!(0.7), None),
            (json!("maybe"), None),
            (json!(null), None),
        ] {
            assert_eq!(pass_value(&v), want, "{v}");
        }
        assert_eq!(grade_value(&json!(0.7)), Some(0.7));
    }
}
