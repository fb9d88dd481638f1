//! UK AISI inspect_ai logs: a `.eval` file (a zip holding `header.json` with the
//! `eval` block and one `samples/ID_epoch_N.json` per sample and epoch) or a `.json`
//! log (the `eval` block and the `samples` inline). Each sample: `id`, `epoch`,
//! `input`, `target`, `output.choices[0].message.content` and
//! `scores{SCORER:{value, answer, explanation}}`. Long strings may be stored once in
//! the sample's `attachments` and referred to as `attachment://HASH`.

use std::io::{Cursor, Read};
use std::path::Path;

use polars::prelude::DataFrame;
use serde_json::{Map, Value};

use super::{
    Builder, Row, bytes_to_text, content_text, grade_value, id_text, is_pass_like, messages_text,
    number, pass_value, text_or_join, to_text, unreadable,
};
use crate::error::{Error, Result};

const FORMAT: &str = "inspect_ai log";

/// One sample as found in the log, with where it came from (for messages).
struct Found {
    place: String,
    value: Value,
}

/// Reads an inspect log (`.eval` zip or `.json`) into the long graded layout, one
/// row per sample and epoch (`run` is the epoch), sorted by id then epoch. Columns:
/// the core ones, `task` (eval.task), one Float64 `grade_SCORER` per scorer (letters
/// C→1, I→0, P→0.5, N→0; numbers as they are; a scorer whose value is a dict gives
/// `grade_SCORER_KEY`), `error` when a sample failed, and `meta_KEY` for each scalar
/// field of the samples' `metadata`. `pass` is the first scorer whose grades are all
/// pass grades, `score` the first scorer with other numbers; `rationale` the first
/// scorer's explanation.
pub fn read(path: &Path) -> Result<DataFrame> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let is_eval = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("eval"))
        || bytes.starts_with(b"PK\x03\x04");
    let (eval, samples) = if is_eval {
        read_zip(path, bytes)?
    } else {
        read_json(path, bytes)?
    };
    build(path, &eval, samples)
}

fn read_json(path: &Path, bytes: Vec<u8>) -> Result<(Value, Vec<Found>)> {
    let text = bytes_to_text(path, FORMAT, bytes)?;
    let mut log: Value = serde_json::from_str(&text).map_err(|e| {
        unreadable(
            path,
            FORMAT,
            format!(
                "not valid JSON ({e}){}",
                if e.is_eof() {
                    "; the file is cut short (was the run still writing it?)"
                } else {
                    ""
                }
            ),
        )
    })?;
    let eval = log
        .get_mut("eval")
        .map(Value::take)
        .filter(Value::is_object)
        .ok_or_else(|| {
            unreadable(
                path,
                FORMAT,
                "no `eval` block; this is not an inspect_ai log",
            )
        })?;
    let samples = match log.get_mut("samples").map(Value::take) {
        Some(Value::Array(samples)) => samples,
        Some(Value::Null) | None => {
            let status = log
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            return Err(unreadable(
                path,
                FORMAT,
                format!(
                    "the log holds no samples (status {status}); run the task again without --no-log-samples to get per-sample results"
                ),
            ));
        }
        Some(other) => {
            return Err(unreadable(
                path,
                FORMAT,
                format!("`samples` is not a list but {}", kind(&other)),
            ));
        }
    };
    let samples = samples
        .into_iter()
        .enumerate()
        .map(|(i, value)| Found {
            place: format!("samples[{i}]"),
            value,
        })
        .collect();
    Ok((eval, samples))
}

fn read_zip(path: &Path, bytes: Vec<u8>) -> Result<(Value, Vec<Found>)> {
    let size = bytes.len();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        unreadable(
            path,
            FORMAT,
            format!(
                "not a complete zip archive ({e}; {size} bytes); a .eval log is a zip that inspect_ai finishes when the run ends, so this one was cut short (an interrupted run or copy) or is not an .eval log"
            ),
        )
    })?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| {
            unreadable(
                path,
                FORMAT,
                format!("cannot list the archive's entries: {e}"),
            )
        })?;
    let mut entry = |name: &str| -> Result<Value> {
        let mut file = zip
            .by_name(name)
            .map_err(|e| unreadable(path, FORMAT, format!("entry {name}: cannot open it ({e})")))?;
        let mut buf = Vec::new();
        file.read_to_end(&mut buf).map_err(|e| {
            unreadable(
                path,
                FORMAT,
                format!("entry {name}: cannot decompress it ({e}); the archive is damaged"),
            )
        })?;
        serde_json::from_slice(&buf)
            .map_err(|e| unreadable(path, FORMAT, format!("entry {name}: not valid JSON ({e})")))
    };
    // header.json is written at the end of a run; a run still going has only its journal.
    let header_name = ["header.json", "_journal/start.json"]
        .into_iter()
        .find(|n| names.iter().any(|m| m == n))
        .ok_or_else(|| {
            unreadable(
                path,
                FORMAT,
                "no header.json entry; this zip is not an inspect_ai .eval log",
            )
        })?;
    let eval = entry(header_name)?
        .get_mut("eval")
        .map(Value::take)
        .filter(Value::is_object)
        .ok_or_else(|| {
            unreadable(
                path,
                FORMAT,
                format!("entry {header_name}: no `eval` block"),
            )
        })?;
    let mut sample_names: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("samples/") && n.ends_with(".json"))
        .collect();
    sample_names.sort();
    if sample_names.is_empty() {
        return Err(unreadable(
            path,
            FORMAT,
            "the archive holds no samples/*.json entries; run the task again without --no-log-samples to get per-sample results",
        ));
    }
    let mut samples = Vec::with_capacity(sample_names.len());
    for name in sample_names {
        samples.push(Found {
            place: format!("entry {name}"),
            value: entry(name)?,
        });
    }
    Ok((eval, samples))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A grade of one scorer in one sample.
enum Grade {
    /// A single value.
    One(Value),
    /// A dict of values (a scorer with several outputs).
    Many(Vec<(String, Value)>),
}

struct Sample {
    id: String,
    epoch: i64,
    prompt: Option<String>,
    reference: Option<String>,
    response: Option<String>,
    rationale: Option<String>,
    grades: Vec<(String, Grade)>,
    error: Option<String>,
    metadata: Vec<(String, Option<String>)>,
}

fn build(path: &Path, eval: &Value, found: Vec<Found>) -> Result<DataFrame> {
    let model = eval
        .get("model")
        .and_then(Value::as_str)
        .ok_or_else(|| unreadable(path, FORMAT, "the `eval` block names no `model`"))?
        .to_string();
    let task = eval.get("task").and_then(Value::as_str).map(str::to_string);

    let mut samples = Vec::with_capacity(found.len());
    for Found { place, mut value } in found {
        let attachments = match value.get_mut("attachments").map(Value::take) {
            Some(Value::Object(a)) => a,
            _ => Map::new(),
        };
        let Value::Object(obj) = value else {
            return Err(unreadable(
                path,
                FORMAT,
                format!("{place}: a sample is an object, found {}", kind(&value)),
            ));
        };
        samples.push(sample(path, &place, &obj, &attachments)?);
    }
    if samples.is_empty() {
        return Err(unreadable(path, FORMAT, "the log holds no samples"));
    }
    samples.sort_by(|a, b| id_order(&a.id, &b.id).then(a.epoch.cmp(&b.epoch)));

    // Scorers in order; the pass scorer is the first whose single values are all pass
    // grades, the score scorer the first with numbers that are not.
    let mut scorers: Vec<String> = Vec::new();
    for s in &samples {
        for (name, _) in &s.grades {
            if !scorers.contains(name) {
                scorers.push(name.clone());
            }
        }
    }
    let values = |name: &str| scorer_values(&samples, name);
    let pass_scorer = scorers
        .iter()
        .find(|n| {
            let v = values(n);
            !v.is_empty() && v.into_iter().all(is_pass_like)
        })
        .cloned();
    let score_scorer = scorers
        .iter()
        .find(|n| {
            let v = values(n);
            v.iter().any(|v| number(v).is_some()) && !v.into_iter().all(is_pass_like)
        })
        .cloned();

    let mut b = Builder::default();
    for s in samples {
        let one = |name: &Option<String>| {
            let name = name.as_ref()?;
            s.grades.iter().find_map(|(n, g)| match g {
                Grade::One(v) if n == name => Some(v),
                _ => None,
            })
        };
        let pass = one(&pass_scorer).and_then(pass_value);
        let score = one(&score_scorer).and_then(number);
        let mut row = Row {
            id: s.id,
            model: model.clone(),
            run: s.epoch,
            pass,
            score,
            response: s.response,
            reference: s.reference,
            rationale: s.rationale,
            prompt: s.prompt,
            extras: Vec::new(),
        };
        row.text("task", task.clone());
        for (name, grade) in &s.grades {
            match grade {
                Grade::One(v) => row.number(format!("grade_{name}"), grade_value(v)),
                Grade::Many(items) => {
                    for (k, v) in items {
                        row.number(format!("grade_{name}_{k}"), grade_value(v));
                    }
                }
            }
        }
        if s.error.is_some() {
            row.text("error", s.error);
        }
        for (k, v) in s.metadata {
            row.text(format!("meta_{k}"), v);
        }
        b.push(row);
    }
    b.finish(path, FORMAT)
}

/// The single (non-null) values one scorer gave, over the samples.
fn scorer_values<'a>(samples: &'a [Sample], name: &str) -> Vec<&'a Value> {
    samples
        .iter()
        .filter_map(|s| {
            s.grades.iter().find_map(|(n, g)| match g {
                Grade::One(v) if n == name && !v.is_null() => Some(v),
                _ => None,
            })
        })
        .collect()
}

fn sample(
    path: &Path,
    place: &str,
    obj: &Map<String, Value>,
    attachments: &Map<String, Value>,
) -> Result<Sample> {
    let id = obj
        .get("id")
        .and_then(id_text)
        .ok_or_else(|| unreadable(path, FORMAT, format!("{place}: the sample has no `id`")))?;
    let epoch = match obj.get("epoch") {
        None | Some(Value::Null) => 1,
        Some(v) => v.as_i64().ok_or_else(|| {
            unreadable(
                path,
                FORMAT,
                format!("{place}: `epoch` is not a whole number: {v}"),
            )
        })?,
    };
    let get = |k: &str| obj.get(k).map(|v| resolve(v, attachments));
    let prompt = get("input").and_then(|v| messages_text(&v));
    let reference = get("target").and_then(|v| text_or_join(&v, "; "));
    let response = get("output").and_then(|out| {
        out.get("choices")
            .and_then(|c| c.get(0))
            .and_then(|c| c.get("message"))
            .and_then(|m| m.get("content"))
            .and_then(content_text)
            .or_else(|| {
                out.get("completion")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
    });
    let mut grades = Vec::new();
    let mut rationale = None;
    if let Some(Value::Object(scores)) = obj.get("scores") {
        for (i, (name, score)) in scores.iter().enumerate() {
            let (value, explanation) = match score {
                Value::Object(o) if o.contains_key("value") => (
                    o.get("value").cloned().unwrap_or(Value::Null),
                    o.get("explanation"),
                ),
                other => (other.clone(), None),
            };
            if i == 0 {
                rationale = explanation
                    .map(|e| resolve(e, attachments))
                    .and_then(|e| to_text(&e));
            }
            let grade = match value {
                Value::Object(items) => Grade::Many(items.into_iter().collect()),
                Value::Array(items) => Grade::Many(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (i.to_string(), v))
                        .collect(),
                ),
                v => Grade::One(v),
            };
            grades.push((name.clone(), grade));
        }
    }
    let error = match obj.get("error") {
        None | Some(Value::Null) => None,
        Some(Value::Object(e)) => e
            .get("message")
            .and_then(to_text)
            .or_else(|| Some(Value::Object(e.clone()).to_string())),
        Some(other) => to_text(other),
    };
    let metadata = match obj.get("metadata") {
        Some(Value::Object(m)) => m
            .iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
            .map(|(k, v)| (k.clone(), to_text(&resolve(v, attachments))))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Sample {
        id,
        epoch,
        prompt,
        reference,
        response,
        rationale,
        grades,
        error,
        metadata,
    })
}

/// The value with each `attachment://HASH` string replaced by the attachment's text.
fn resolve(v: &Value, attachments: &Map<String, Value>) -> Value {
    match v {
        Value::String(s) => match s.strip_prefix("attachment://") {
            Some(hash) => attachments.get(hash).cloned().unwrap_or_else(|| v.clone()),
            None => v.clone(),
        },
        Value::Array(items) => {
            Value::Array(items.iter().map(|x| resolve(x, attachments)).collect())
        }
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), resolve(x, attachments)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Numeric ids in numeric order, before other ids in text order.
fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        check_against_reference, column_names, fixture, floats, ints, reference, scratch, strings,
    };
    use super::*;

    const JSON_LOG: &str = "2025-05-12T20-28-13-04-00_popularity.json";
    const EVAL_LOG: &str = "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval";

    #[test]
    fn reads_the_json_log() {
        let df = read(&fixture("inspect_ai", JSON_LOG)).unwrap();
        check_against_reference(&df, &reference("inspect_json"));
        assert_eq!(
            column_names(&df)[9..],
            ["task", "grade_match", "meta_label_confidence"].map(String::from)
        );
        assert_eq!(ints(&df, "run"), vec![Some(1); 3]);
        assert_eq!(
            strings(&df, "id"),
            ["1", "2", "3"].map(|s| Some(s.to_string()))
        );
        assert_eq!(
            floats(&df, "grade_match"),
            vec![Some(1.0), Some(1.0), Some(0.0)]
        );
        assert_eq!(strings(&df, "task"), vec![Some("popularity".into()); 3]);
    }

    #[test]
    fn reads_the_eval_zip() {
        let df = read(&fixture("inspect_ai", EVAL_LOG)).unwrap();
        check_against_reference(&df, &reference("inspect_eval"));
        assert_eq!(
            column_names(&df)[9..],
            ["task", "grade_match", "meta_label_confidence"].map(String::from)
        );
        // Sorted by id as numbers.
        let ids: Vec<String> = strings(&df, "id").into_iter().flatten().collect();
        assert_eq!(ids, (1..=10).map(|i| i.to_string()).collect::<Vec<_>>());
        assert_eq!(floats(&df, "score"), vec![None; 10]);
    }

    #[test]
    fn a_cut_zip_is_an_error_not_a_panic() {
        let bytes = std::fs::read(fixture("inspect_ai", EVAL_LOG)).unwrap();
        let dir = scratch("inspect-cut");
        for keep in [0, 10, 100, bytes.len() / 2, bytes.len() - 10] {
            let p = dir.join(format!("cut-{keep}.eval"));
            std::fs::write(&p, &bytes[..keep]).unwrap();
            let err = read(&p).unwrap_err().to_string();
            assert!(
                err.contains("cut short") || err.contains("entry"),
                "{keep}: {err}"
            );
        }
        // A cut .json log.
        let json = std::fs::read(fixture("inspect_ai", JSON_LOG)).unwrap();
        let p = dir.join("cut.json");
        std::fs::write(&p, &json[..json.len() / 2]).unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(err.contains("cut short"), "{err}");
    }

    #[test]
    fn a_log_without_samples_says_so() {
        let p = scratch("inspect-nosamples").join("log.json");
        let text = r#"{"version": 2, "status": "success", "eval": {"task": "t", "model": "m"}, "plan": {}, "results": {}}"#;
        std::fs::write(&p, text).unwrap();
        assert_eq!(
            super::super::detect(&p, text.as_bytes()),
            Some(super::super::Harness::Inspect)
        );
        let err = read(&p).unwrap_err().to_string();
        assert!(
            err.contains("no samples") && err.contains("--no-log-samples"),
            "{err}"
        );
    }

    #[test]
    fn a_damaged_entry_is_named() {
        let mut bytes = std::fs::read(fixture("inspect_ai", EVAL_LOG)).unwrap();
        let name = b"samples/1_epoch_1.json";
        let at = bytes.windows(name.len()).position(|w| w == name).unwrap() + name.len();
        for b in &mut bytes[at + 40..at + 400] {
            *b = !*b;
        }
        let p = scratch("inspect-damaged").join("damaged.eval");
        std::fs::write(&p, &bytes).unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(err.contains("entry samples/1_epoch_1.json"), "{err}");
    }

    #[test]
    fn epochs_scores_lists_and_attachments() {
        let dir = scratch("inspect-epochs");
        let p = dir.join("log.json");
        let sample = |id: &str, epoch: i64, value: &str, extra: &str| {
            format!(
                r#"{{"id": {id}, "epoch": {epoch}, "input": [{{"role": "user", "content": "attachment://abc"}}], "target": ["A", "B"], "output": {{"choices": [{{"message": {{"role": "assistant", "content": [{{"type": "reasoning", "reasoning": "hm"}}, {{"type": "text", "text": "A"}}]}}}}]}}, "scores": {{"judge": {{"value": {value}, "explanation": "because"}}, "sim": {{"value": 0.25}}}}, "attachments": {{"abc": "What is it?"}}{extra}}}"#
            )
        };
        let text = format!(
            r#"{{"version": 2, "status": "success", "eval": {{"task": "t", "model": "m/x"}}, "samples": [{}, {}, {}]}}"#,
            sample("\"b\"", 2, "\"P\"", ""),
            sample("\"b\"", 1, "\"C\"", r#", "error": {"message": "boom"}"#),
            sample("\"a\"", 1, "\"I\"", ""),
        );
        std::fs::write(&p, text).unwrap();
        let df = read(&p).unwrap();
        assert_eq!(
            strings(&df, "id"),
            ["a", "b", "b"].map(|s| Some(s.to_string()))
        );
        assert_eq!(ints(&df, "run"), vec![Some(1), Some(1), Some(2)]);
        assert_eq!(floats(&df, "pass"), vec![Some(0.0), Some(1.0), Some(0.5)]);
        assert_eq!(floats(&df, "score"), vec![Some(0.25); 3]);
        assert_eq!(strings(&df, "prompt")[0].as_deref(), Some("What is it?"));
        assert_eq!(strings(&df, "reference")[0].as_deref(), Some("A; B"));
        assert_eq!(strings(&df, "response")[0].as_deref(), Some("A"));
        assert_eq!(strings(&df, "rationale")[0].as_deref(), Some("because"));
        assert_eq!(strings(&df, "error"), vec![None, Some("boom".into()), None]);
        assert_eq!(
            column_names(&df)[9..],
            ["task", "grade_judge", "grade_sim", "error"].map(String::from)
        );
    }
}
