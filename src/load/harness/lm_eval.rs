//! EleutherAI lm-evaluation-harness, `--log_samples`: `samples_TASK_DATE.jsonl`, one
//! JSON line per document (`doc_id`, `doc`, `target`, `arguments`, `resps`,
//! `filtered_resps`, then the per-sample metrics such as `acc` or `bleu_score`).
//! The model's name is not in the samples file: it comes from the
//! `results_DATE.json` written beside it (`model_name`), else the folder's name.

use std::path::Path;

use polars::prelude::DataFrame;
use serde_json::{Map, Value};

use super::{
    Builder, Row, first_leaf_text, first_string, id_text, jsonl_values, read_text, text_or_join,
    unreadable,
};
use crate::error::Result;

const FORMAT: &str = "lm-evaluation-harness log";

/// Keys of a sample line that are not per-sample metrics.
const NOT_METRICS: [&str; 11] = [
    "doc_id",
    "doc",
    "target",
    "arguments",
    "resps",
    "filtered_resps",
    "doc_hash",
    "prompt_hash",
    "target_hash",
    "filter",
    "metrics",
];

/// `doc` fields that hold the input, in order of preference.
const DOC_INPUTS: [&str; 8] = [
    "question", "text", "input", "query", "prompt", "problem", "sentence", "context",
];

struct Sample {
    id: String,
    response: Option<String>,
    reference: Option<String>,
    prompt: Option<String>,
    filter: Option<String>,
    metrics: Vec<(String, f64)>,
}

/// Reads a `samples_*.jsonl` file into the long graded layout. Columns: the core
/// ones, `task` (from the file name), `filter` (when the lines name one), then one
/// Float64 `metric_NAME` per per-sample metric. `pass` is the first metric whose
/// values are all 0 or 1 (such as `acc` or `exact_match`); `score` the first other one.
pub fn read(path: &Path) -> Result<DataFrame> {
    let text = read_text(path, FORMAT)?;
    let lines = jsonl_values(path, FORMAT, &text)?;
    let mut samples = Vec::with_capacity(lines.len());
    for (line, value) in &lines {
        let Value::Object(obj) = value else {
            return Err(unreadable(
                path,
                FORMAT,
                format!("line {line}: expected one JSON object per document, found {value}"),
            ));
        };
        samples.push(sample(path, *line, obj)?);
    }
    if samples.is_empty() {
        return Err(unreadable(
            path,
            FORMAT,
            "the samples file has no documents (was the task run with --limit 0?)",
        ));
    }

    // Metrics in the order they first appear; a metric is a pass metric when every
    // value it takes is 0 or 1.
    let mut names: Vec<String> = Vec::new();
    for s in &samples {
        for (name, _) in &s.metrics {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    let is_pass = |name: &str| {
        samples
            .iter()
            .flat_map(|s| s.metrics.iter())
            .filter(|(n, _)| n == name)
            .all(|(_, x)| *x == 0.0 || *x == 1.0)
    };
    let pass_metric = names.iter().find(|n| is_pass(n)).cloned();
    let score_metric = names.iter().find(|n| !is_pass(n)).cloned();

    let model = model_name(path);
    let task = task_name(path);
    let has_filter = samples.iter().any(|s| s.filter.is_some());
    let mut b = Builder::default();
    for s in samples {
        let get = |name: &Option<String>| {
            name.as_ref()
                .and_then(|n| s.metrics.iter().find(|(m, _)| m == n).map(|(_, x)| *x))
        };
        let mut row = Row {
            pass: get(&pass_metric),
            score: get(&score_metric),
            id: s.id,
            model: model.clone(),
            run: 1,
            response: s.response,
            reference: s.reference,
            rationale: None,
            prompt: s.prompt,
            extras: Vec::new(),
        };
        row.text("task", Some(task.clone()));
        if has_filter {
            row.text("filter", s.filter);
        }
        for name in &names {
            let x = s.metrics.iter().find(|(m, _)| m == name).map(|(_, x)| *x);
            row.number(format!("metric_{name}"), x);
        }
        b.push(row);
    }
    b.finish(path, FORMAT)
}

fn sample(path: &Path, line: usize, obj: &Map<String, Value>) -> Result<Sample> {
    let id = obj.get("doc_id").and_then(id_text).ok_or_else(|| {
        unreadable(
            path,
            FORMAT,
            format!(
                "line {line}: no `doc_id`; lm-evaluation-harness sample files are the samples_TASK_DATE.jsonl written with --log_samples"
            ),
        )
    })?;
    let response = obj
        .get("filtered_resps")
        .filter(|v| !is_empty(v))
        .and_then(first_leaf_text)
        .or_else(|| obj.get("resps").and_then(first_leaf_text));
    let reference = obj.get("target").and_then(|t| text_or_join(t, "; "));
    let prompt = obj
        .get("arguments")
        .and_then(first_string)
        .or_else(|| obj.get("doc").and_then(doc_input));
    let filter = obj
        .get("filter")
        .and_then(Value::as_str)
        .map(str::to_string);
    let names: Vec<&str> = match obj.get("metrics") {
        Some(Value::Array(listed)) => listed.iter().filter_map(Value::as_str).collect(),
        _ => obj
            .keys()
            .map(String::as_str)
            .filter(|k| !NOT_METRICS.contains(k))
            .collect(),
    };
    let metrics = names
        .into_iter()
        .filter_map(|name| {
            let x = match obj.get(name)? {
                Value::Number(n) => n.as_f64()?,
                Value::Bool(b) => f64::from(u8::from(*b)),
                _ => return None,
            };
            Some((name.to_string(), x))
        })
        .collect();
    Ok(Sample {
        id,
        response,
        reference,
        prompt,
        filter,
        metrics,
    })
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The input held by a `doc`: a known input field, else the doc as JSON.
fn doc_input(doc: &Value) -> Option<String> {
    match doc {
        Value::Object(o) => DOC_INPUTS
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_string))
            .or_else(|| Some(doc.to_string())),
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `samples_TASK_DATE.jsonl` → (`TASK`, `DATE`); the date starts with four digits
/// and a dash. Without that shape, the whole stem (less `samples_`) is the task.
fn split_name(path: &Path) -> (String, Option<String>) {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let rest = stem.strip_prefix("samples_").unwrap_or(stem);
    let is_date = |s: &str| {
        let b = s.as_bytes();
        b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
    };
    match rest.rfind('_') {
        Some(at) if is_date(&rest[at + 1..]) && at > 0 => {
            (rest[..at].to_string(), Some(rest[at + 1..].to_string()))
        }
        _ => (rest.to_string(), None),
    }
}

fn task_name(path: &Path) -> String {
    split_name(path).0
}

/// The model's name: `model_name` (else `pretrained=`/`model=` in
/// `config.model_args`) of the `results_*.json` beside the file, preferring the one
/// with the same date; else the folder's name; else the file's.
fn model_name(path: &Path) -> String {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let date = split_name(path).1;
    let mut results: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("results_") && n.ends_with(".json"))
                })
                .collect()
        })
        .unwrap_or_default();
    results.sort();
    // Same date first, then the latest.
    if let Some(date) = &date {
        let same = format!("results_{date}.json");
        if let Some(at) = results
            .iter()
            .position(|p| p.file_name().and_then(|n| n.to_str()) == Some(same.as_str()))
        {
            let p = results.remove(at);
            results.push(p);
        }
    }
    for candidate in results.iter().rev() {
        if let Some(name) = model_from_results(candidate) {
            return name;
        }
    }
    let canonical = std::fs::canonicalize(&dir).unwrap_or(dir);
    canonical
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .or_else(|| {
            path.file_stem()
                .and_then(|n| n.to_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "model".to_string())
}

fn model_from_results(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    if let Some(name) = v.get("model_name").and_then(Value::as_str)
        && !name.trim().is_empty()
    {
        return Some(name.to_string());
    }
    let args = v.get("config")?.get("model_args")?;
    let find = |args: &str| {
        args.split(',').find_map(|kv| {
            let (k, val) = kv.split_once('=')?;
            matches!(k.trim(), "pretrained" | "model" | "model_name")
                .then(|| val.trim().to_string())
                .filter(|s| !s.is_empty())
        })
    };
    match args {
        Value::String(s) => find(s),
        Value::Object(o) => ["pretrained", "model", "model_name"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_string)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        check_against_reference, column_names, fixture, floats, reference, scratch, strings,
    };
    use super::*;
    use crate::error::Error;

    const SAMPLES: &str = "samples_en_it_public_2024-10-11T13-58-59.572420.jsonl";

    #[test]
    fn reads_the_fixture() {
        let path = fixture("lm-evaluation-harness", SAMPLES);
        let df = read(&path).unwrap();
        check_against_reference(&df, &reference("lm_eval"));
        assert_eq!(
            column_names(&df)[9..],
            [
                "task",
                "metric_bleu_score",
                "metric_chrf_score",
                "metric_bleurt_score",
                "metric_comet_score"
            ]
            .map(String::from)
        );
        assert_eq!(strings(&df, "task"), vec![Some("en_it_public".into()); 4]);
        assert_eq!(floats(&df, "pass"), vec![None; 4]);
        assert_eq!(floats(&df, "score"), floats(&df, "metric_bleu_score"));
    }

    #[test]
    fn names_from_the_file_name() {
        assert_eq!(
            split_name(Path::new(
                "/x/samples_en_it_public_2024-10-11T13-58-59.572420.jsonl"
            )),
            (
                "en_it_public".to_string(),
                Some("2024-10-11T13-58-59.572420".to_string())
            )
        );
        assert_eq!(
            split_name(Path::new("samples_gsm8k.jsonl")),
            ("gsm8k".to_string(), None)
        );
    }

    #[test]
    fn pass_metric_model_from_args_and_folder_name() {
        let dir = scratch("lm-eval-pass").join("org__model-7b");
        std::fs::create_dir_all(&dir).unwrap();
        let samples = dir.join("samples_arc_easy_2025-01-01T00-00-00.0.jsonl");
        std::fs::write(
            &samples,
            concat!(
                r#"{"doc_id": 0, "doc": {"question": "Q0?"}, "target": 1, "arguments": [["Q0? A:", " x"], ["Q0? A:", " y"]], "resps": [[[-1.5, false]], [[-0.5, true]]], "filtered_resps": [[-1.5, false], [-0.5, true]], "filter": "none", "metrics": ["acc", "acc_norm"], "acc": 1.0, "acc_norm": 0.0}"#,
                "\n",
                r#"{"doc_id": 1, "doc": {"question": "Q1?"}, "target": 0, "resps": [], "filtered_resps": [], "filter": "none", "metrics": ["acc", "acc_norm"], "acc": 0.0, "acc_norm": 1.0}"#,
                "\n"
            ),
        )
        .unwrap();
        // No results file: the folder's name.
        let df = read(&samples).unwrap();
        assert_eq!(strings(&df, "model"), vec![Some("org__model-7b".into()); 2]);
        assert_eq!(floats(&df, "pass"), vec![Some(1.0), Some(0.0)]);
        assert_eq!(floats(&df, "score"), vec![None, None]);
        assert_eq!(strings(&df, "prompt")[0].as_deref(), Some("Q0? A:"));
        assert_eq!(strings(&df, "prompt")[1].as_deref(), Some("Q1?"));
        assert_eq!(strings(&df, "reference")[0].as_deref(), Some("1"));
        assert_eq!(strings(&df, "filter"), vec![Some("none".into()); 2]);
        assert_eq!(strings(&df, "task"), vec![Some("arc_easy".into()); 2]);
        // A results file without model_name: pretrained= in model_args.
        std::fs::write(
            dir.join("results_2025-01-01T00-00-00.0.json"),
            r#"{"config": {"model": "hf", "model_args": "pretrained=org/model-7b,dtype=bfloat16"}}"#,
        )
        .unwrap();
        let df = read(&samples).unwrap();
        assert_eq!(strings(&df, "model"), vec![Some("org/model-7b".into()); 2]);
    }

    #[test]
    fn a_bad_line_is_named() {
        let dir = scratch("lm-eval-bad");
        let p = dir.join("samples_t_2025-01-01T00-00-00.jsonl");
        std::fs::write(
            &p,
            "{\"doc_id\": 0, \"resps\": []}\n{\"doc_id\": 1, \"resps\"\n",
        )
        .unwrap();
        let err = read(&p).unwrap_err();
        let Error::Unreadable { detail, .. } = &err else {
            panic!("{err}")
        };
        assert!(detail.contains("line 2"), "{detail}");
        std::fs::write(&p, "{\"doc\": 1}\n").unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("doc_id"), "{err}");
    }
}
