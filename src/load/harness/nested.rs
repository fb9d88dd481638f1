//! Nested per-model JSONL: one object per example whose per-model results are
//! objects under the model's name, each holding a boolean grade, e.g.
//! `{"id": "q1", "question": "…", "answer": "4", "gpt-4": {"response": "4", "correct": true}}`.

use std::path::Path;

use polars::prelude::DataFrame;
use serde_json::{Map, Value};

use super::{Builder, Row, jsonl_values, number, pass_value, read_text, to_text, unreadable};
use crate::error::Result;

const FORMAT: &str = "nested per-model JSONL";

const ID_FIELDS: [&str; 3] = ["id", "example_id", "uid"];
const REFERENCE_FIELDS: [&str; 4] = ["reference", "answer", "target", "expected"];
const PROMPT_FIELDS: [&str; 3] = ["question", "prompt", "input"];
/// In a model's object: the grade, the output and the grader's explanation.
const PASS_FIELDS: [&str; 9] = [
    "correct",
    "is_correct",
    "pass",
    "passed",
    "success",
    "accepted",
    "ok",
    "match",
    "exact_match",
];
const RESPONSE_FIELDS: [&str; 5] = ["response", "output", "answer", "solution", "completion"];
const RATIONALE_FIELDS: [&str; 5] = ["rationale", "explanation", "reason", "feedback", "critique"];

/// Whether a value is a model's object: an object holding a boolean field.
fn is_model_object(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.values().any(Value::is_boolean))
}

/// Reads a nested per-model JSONL file into the long graded layout: one row per
/// line and model. The models are the top-level keys whose value is an object
/// holding a boolean field on some line. `id` is the line's `id`/`example_id`/`uid`,
/// else its 0-based line number. Columns: the core ones, then the line's other
/// top-level scalar fields as strings (a field named like a core column is renamed
/// `field_NAME`).
pub fn read(path: &Path) -> Result<DataFrame> {
    let text = read_text(path, FORMAT)?;
    let lines = jsonl_values(path, FORMAT, &text)?;
    let mut objects: Vec<(usize, &Map<String, Value>)> = Vec::with_capacity(lines.len());
    for (line, value) in &lines {
        let Value::Object(obj) = value else {
            return Err(unreadable(
                path,
                FORMAT,
                format!("line {line}: expected one JSON object per example, found {value}"),
            ));
        };
        objects.push((*line, obj));
    }
    let mut models: Vec<&str> = Vec::new();
    for (_, obj) in &objects {
        for (k, v) in obj.iter() {
            if is_model_object(v) && !models.contains(&k.as_str()) {
                models.push(k);
            }
        }
    }
    if models.is_empty() {
        return Err(unreadable(
            path,
            FORMAT,
            "no per-model objects: a model's results are an object holding a true/false grade, such as {\"gpt-4\": {\"response\": \"…\", \"correct\": true}}",
        ));
    }
    let mut b = Builder::default();
    for (line, obj) in objects {
        let id = ID_FIELDS
            .iter()
            .find_map(|k| obj.get(*k).and_then(super::id_text))
            .unwrap_or_else(|| (line - 1).to_string());
        let reference = first_string(obj, &REFERENCE_FIELDS);
        let prompt = first_string(obj, &PROMPT_FIELDS);
        let used_id = ID_FIELDS
            .iter()
            .find(|k| obj.get(**k).is_some_and(|v| !v.is_null()));
        let used_ref = REFERENCE_FIELDS
            .iter()
            .find(|k| obj.get(**k).is_some_and(Value::is_string));
        let used_prompt = PROMPT_FIELDS
            .iter()
            .find(|k| obj.get(**k).is_some_and(Value::is_string));
        let extras: Vec<(String, Option<String>)> = obj
            .iter()
            .filter(|(k, v)| {
                let k = k.as_str();
                !models.contains(&k)
                    && Some(&k) != used_id
                    && Some(&k) != used_ref
                    && Some(&k) != used_prompt
                    && !v.is_object()
                    && !v.is_array()
            })
            .map(|(k, v)| (k.clone(), to_text(v)))
            .collect();
        for model in &models {
            let Some(Value::Object(m)) = obj.get(*model) else {
                continue;
            };
            let mut row = Row {
                id: id.clone(),
                model: (*model).to_string(),
                run: 1,
                pass: model_pass(m),
                score: model_score(m),
                response: model_response(m),
                reference: reference.clone(),
                rationale: first_string(m, &RATIONALE_FIELDS),
                prompt: prompt.clone(),
                extras: Vec::new(),
            };
            for (k, v) in &extras {
                row.text(k.clone(), v.clone());
            }
            b.push(row);
        }
    }
    b.finish(path, FORMAT)
}

fn first_string(obj: &Map<String, Value>, names: &[&str]) -> Option<String> {
    super::string_field(obj, names).map(str::to_string)
}

/// The grade: a boolean with a grade's name, else the first boolean, else a
/// grade-named field holding a pass word or 0/1.
fn model_pass(m: &Map<String, Value>) -> Option<f64> {
    PASS_FIELDS
        .iter()
        .find_map(|k| m.get(*k).filter(|v| v.is_boolean()))
        .or_else(|| m.values().find(|v| v.is_boolean()))
        .and_then(pass_value)
        .or_else(|| {
            PASS_FIELDS
                .iter()
                .find_map(|k| m.get(*k).and_then(pass_value))
        })
}

/// `score`, else the first number that is not a grade-named field.
fn model_score(m: &Map<String, Value>) -> Option<f64> {
    m.get("score").and_then(number).or_else(|| {
        m.iter()
            .filter(|(k, _)| !PASS_FIELDS.contains(&k.as_str()))
            .find_map(|(_, v)| number(v))
    })
}

/// The output: a field with an output's name, else the first string that is not
/// the grader's explanation.
fn model_response(m: &Map<String, Value>) -> Option<String> {
    first_string(m, &RESPONSE_FIELDS).or_else(|| {
        m.iter()
            .filter(|(k, _)| !RATIONALE_FIELDS.contains(&k.as_str()))
            .find_map(|(_, v)| v.as_str().map(str::to_string))
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{column_names, floats, ints, scratch, strings};
    use super::super::{Harness, detect};
    use super::*;

    const FILE: &str = concat!(
        r#"{"id": "q1", "question": "2+2?", "answer": "4", "topic": "math", "level": 1, "gpt-4": {"response": "4", "correct": true, "score": 0.9}, "claude": {"output": "5", "correct": false, "explanation": "off by one"}}"#,
        "\n",
        "\n",
        r#"{"question": "Capital of France?", "answer": "Paris", "topic": "geo", "gpt-4": {"text": "Paris", "ok": true}, "claude": {"completion": "Paris", "correct": "yes"}}"#,
        "\n",
        r#"{"uid": 7, "prompt": "Say hi", "topic": "misc", "model": "x", "gpt-4": {"solution": "hi", "passed": 0}}"#,
        "\n"
    );

    #[test]
    fn one_row_per_line_and_model() {
        let p = scratch("nested").join("nested.jsonl");
        std::fs::write(&p, FILE).unwrap();
        assert_eq!(detect(&p, FILE.as_bytes()), Some(Harness::Nested));
        let df = read(&p).unwrap();
        assert_eq!(df.height(), 5);
        assert_eq!(
            column_names(&df)[9..],
            ["topic", "level", "field_model"].map(String::from)
        );
        // The second line is line 3 of the file (a blank line before it): id "2".
        assert_eq!(
            strings(&df, "id"),
            ["q1", "q1", "2", "2", "7"].map(|s| Some(s.to_string()))
        );
        assert_eq!(
            strings(&df, "model"),
            ["gpt-4", "claude", "gpt-4", "claude", "gpt-4"].map(|s| Some(s.to_string()))
        );
        assert_eq!(ints(&df, "run"), vec![Some(1); 5]);
        assert_eq!(
            floats(&df, "pass"),
            vec![Some(1.0), Some(0.0), Some(1.0), Some(1.0), Some(0.0)]
        );
        assert_eq!(
            floats(&df, "score"),
            vec![Some(0.9), None, None, None, None]
        );
        assert_eq!(
            strings(&df, "response"),
            ["4", "5", "Paris", "Paris", "hi"].map(|s| Some(s.to_string()))
        );
        assert_eq!(
            strings(&df, "reference"),
            vec![
                Some("4".into()),
                Some("4".into()),
                Some("Paris".into()),
                Some("Paris".into()),
                None
            ]
        );
        assert_eq!(strings(&df, "prompt")[4].as_deref(), Some("Say hi"));
        assert_eq!(strings(&df, "rationale")[1].as_deref(), Some("off by one"));
        assert_eq!(strings(&df, "level")[0].as_deref(), Some("1"));
        assert_eq!(strings(&df, "level")[2], None);
        assert_eq!(strings(&df, "field_model")[4].as_deref(), Some("x"));
    }

    #[test]
    fn no_models_is_an_error() {
        let p = scratch("nested-none").join("plain.jsonl");
        std::fs::write(&p, "{\"id\": 1, \"label\": true}\n").unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(err.contains("no per-model objects"), "{err}");
    }
}
