//! OpenAI evals record logs (`oaieval … --record_path`): a `spec` line
//! (`completion_fns` names the model, `eval_name`), a `final_report` line, then one
//! event per line with `sample_id`, `type` and `data`: `sampling` (the `prompt` and
//! the `sampled` text), `match` (`correct`, `expected`, `picked`) and, for
//! model-graded evals, `metrics` (`score`, `choice`).

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::DataFrame;
use serde_json::Value;

use super::{
    Builder, Row, jsonl_values, messages_text, number, pass_value, read_text, text_or_join,
    to_text, unreadable,
};
use crate::error::Result;

const FORMAT: &str = "OpenAI evals log";

#[derive(Default)]
struct Sample {
    id: String,
    prompt: Option<String>,
    sampled: Option<String>,
    picked: Option<String>,
    match_sampled: Option<String>,
    expected: Option<String>,
    pass: Option<f64>,
    score: Option<f64>,
    rationale: Option<String>,
}

/// Reads an OpenAI evals record log into the long graded layout: one row per
/// `sample_id`, in the order the samples first appear. `pass` is the `match`
/// event's `correct` (or a `metrics` event's); `score` a `metrics` event's `score`.
/// The first `sampling` event of a sample is the model's (a model-graded eval adds
/// the grader's after it). Columns: the core ones and `eval_name`.
pub fn read(path: &Path) -> Result<DataFrame> {
    let text = read_text(path, FORMAT)?;
    let lines = jsonl_values(path, FORMAT, &text)?;
    let mut spec: Option<&Value> = None;
    let mut order: Vec<Sample> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (line, value) in &lines {
        let Value::Object(obj) = value else {
            return Err(unreadable(
                path,
                FORMAT,
                format!("line {line}: expected a JSON object, found {value}"),
            ));
        };
        if let Some(s) = obj.get("spec") {
            spec.get_or_insert(s);
            continue;
        }
        let Some(sample_id) = obj.get("sample_id") else {
            // final_report and other run-level lines.
            continue;
        };
        let id = to_text(sample_id)
            .ok_or_else(|| unreadable(path, FORMAT, format!("line {line}: `sample_id` is null")))?;
        let at = *index.entry(id.clone()).or_insert_with(|| {
            order.push(Sample {
                id,
                ..Sample::default()
            });
            order.len() - 1
        });
        let Some(s) = order.get_mut(at) else {
            continue;
        };
        let data = obj.get("data").unwrap_or(&Value::Null);
        match obj.get("type").and_then(Value::as_str) {
            // The first sampling event is the model's; a grader's may follow.
            Some("sampling") if s.prompt.is_none() && s.sampled.is_none() => {
                s.prompt = data.get("prompt").and_then(messages_text);
                s.sampled = data.get("sampled").and_then(|v| text_or_join(v, "\n"));
            }
            Some("match") => {
                if s.pass.is_none() {
                    s.pass = data.get("correct").and_then(pass_value);
                }
                if s.expected.is_none() {
                    s.expected = data.get("expected").and_then(|v| text_or_join(v, "; "));
                }
                if s.picked.is_none() {
                    s.picked = data.get("picked").and_then(to_text);
                }
                if s.match_sampled.is_none() {
                    s.match_sampled = data.get("sampled").and_then(|v| text_or_join(v, "\n"));
                }
            }
            Some("metrics") => {
                if s.score.is_none() {
                    s.score = data.get("score").and_then(number);
                }
                if s.pass.is_none() {
                    s.pass = data.get("correct").and_then(pass_value);
                }
                if s.rationale.is_none() {
                    s.rationale = data
                        .get("choice")
                        .and_then(to_text)
                        .map(|c| format!("choice: {c}"));
                }
            }
            _ => {}
        }
    }
    let spec = spec.ok_or_else(|| {
        unreadable(
            path,
            FORMAT,
            "no `spec` line; an OpenAI evals record log starts with one (written by oaieval --record_path)",
        )
    })?;
    let model = spec
        .get("completion_fns")
        .or_else(|| spec.get("run_config").and_then(|r| r.get("completion_fns")))
        .and_then(|f| f.get(0))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            unreadable(
                path,
                FORMAT,
                "the `spec` line names no model (`completion_fns` is missing or empty)",
            )
        })?;
    let eval_name = spec.get("eval_name").and_then(to_text);
    if order.is_empty() {
        return Err(unreadable(
            path,
            FORMAT,
            "no events with a `sample_id`: the run recorded no samples",
        ));
    }
    let mut b = Builder::default();
    for s in order {
        let mut row = Row {
            id: s.id,
            model: model.clone(),
            run: 1,
            pass: s.pass,
            score: s.score,
            response: s.sampled.or(s.picked).or(s.match_sampled),
            reference: s.expected,
            rationale: s.rationale,
            prompt: s.prompt,
            extras: Vec::new(),
        };
        row.text("eval_name", eval_name.clone());
        b.push(row);
    }
    b.finish(path, FORMAT)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        check_against_reference, column_names, fixture, reference, scratch, strings,
    };
    use super::*;

    #[test]
    fn reads_both_fixtures() {
        for (name, key) in [
            ("crossword-4.jsonl", "openai_evals_gpt4"),
            ("crossword-turbo.jsonl", "openai_evals_turbo"),
        ] {
            let df = read(&fixture("openai-evals", name)).unwrap();
            check_against_reference(&df, &reference(key));
            assert_eq!(column_names(&df)[9..], ["eval_name"].map(String::from));
            assert_eq!(
                strings(&df, "eval_name")[0].as_deref(),
                Some("partially_solved_crossword_clues.dev.v0")
            );
        }
    }

    #[test]
    fn a_cut_last_line_is_named() {
        let text = std::fs::read_to_string(fixture("openai-evals", "crossword-4.jsonl")).unwrap();
        let cut = &text[..text.len() - 40];
        let p = scratch("oaieval-cut").join("log.jsonl");
        std::fs::write(&p, cut).unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(
            err.contains("line 202") && err.contains("cut short"),
            "{err}"
        );
    }

    #[test]
    fn model_graded_events() {
        let p = scratch("oaieval-graded").join("log.jsonl");
        std::fs::write(
            &p,
            concat!(
                r#"{"spec": {"completion_fns": ["m1"], "eval_name": "e"}}"#,
                "\n",
                r#"{"sample_id": "e.0", "type": "sampling", "data": {"prompt": "Say hi", "sampled": ["hi", "there"]}}"#,
                "\n",
                r#"{"sample_id": "e.0", "type": "sampling", "data": {"prompt": "grade it", "sampled": "Y"}}"#,
                "\n",
                r#"{"sample_id": "e.0", "type": "metrics", "data": {"choice": "Y", "score": 1.0}}"#,
                "\n"
            ),
        )
        .unwrap();
        let df = read(&p).unwrap();
        assert_eq!(strings(&df, "response")[0].as_deref(), Some("hi\nthere"));
        assert_eq!(strings(&df, "prompt")[0].as_deref(), Some("Say hi"));
        assert_eq!(strings(&df, "rationale")[0].as_deref(), Some("choice: Y"));
        assert_eq!(super::super::tests::floats(&df, "score"), vec![Some(1.0)]);
        assert_eq!(super::super::tests::floats(&df, "pass"), vec![None]);
    }
}
