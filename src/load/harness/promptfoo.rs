//! promptfoo `eval -o out.json`: `results.results[]`, one entry per test case,
//! prompt and provider, with `testIdx`, `promptIdx`, `provider{id,label}`,
//! `prompt.raw`, `vars`, `response.output`, `success`, `score` and
//! `gradingResult{pass,score,reason}`.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::DataFrame;
use serde_json::{Map, Value};

use super::{Builder, Row, bytes_to_text, number, pass_value, to_text, unreadable};
use crate::error::{Error, Result};

const FORMAT: &str = "promptfoo log";

/// Var names that hold the expected answer, most specific first.
const REFERENCE_VARS: [&str; 8] = [
    "expected",
    "expected_output",
    "reference",
    "answer",
    "expected_answer",
    "reference_answer",
    "ground_truth",
    "target",
];

/// Reads a promptfoo output file into the long graded layout. `id` is `tN` (the
/// test's index) or `tN-pK` when the file holds several prompts, K numbering the
/// distinct prompts (promptfoo's `promptIdx` numbers prompt × provider pairs, so the
/// same prompt has one K for every provider). `run` counts repeats of the same test,
/// prompt and provider (1 unless `--repeat`). Columns: the core ones, `prompt_index`
/// (K, when there are several prompts), `var_KEY` for each var, `grade_NAME` for
/// each named score, and `error` when a test errored.
pub fn read(path: &Path) -> Result<DataFrame> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = bytes_to_text(path, FORMAT, bytes)?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| {
        unreadable(
            path,
            FORMAT,
            format!(
                "not valid JSON ({e}){}",
                if e.is_eof() {
                    "; the file is cut short"
                } else {
                    ""
                }
            ),
        )
    })?;
    let results = doc
        .get("results")
        .and_then(|r| r.get("results"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            unreadable(
                path,
                FORMAT,
                "no `results.results` list; write the file with `promptfoo eval -o FILE.json`",
            )
        })?;
    if results.is_empty() {
        return Err(unreadable(
            path,
            FORMAT,
            "`results.results` is empty: the eval ran no test",
        ));
    }
    let mut entries = Vec::with_capacity(results.len());
    for (i, r) in results.iter().enumerate() {
        let Value::Object(o) = r else {
            return Err(unreadable(
                path,
                FORMAT,
                format!("results.results[{i}]: expected an object, found {r}"),
            ));
        };
        entries.push(o);
    }

    // The distinct prompts, numbered by the lowest promptIdx at which each appears.
    let mut first_idx: Vec<(String, i64)> = Vec::new();
    for o in &entries {
        let key = prompt_key(o);
        let idx = o.get("promptIdx").and_then(Value::as_i64).unwrap_or(0);
        match first_idx.iter_mut().find(|(k, _)| *k == key) {
            Some((_, at)) => *at = (*at).min(idx),
            None => first_idx.push((key, idx)),
        }
    }
    first_idx.sort_by_key(|(_, idx)| *idx);
    let several = first_idx.len() > 1;
    let rank: HashMap<&str, usize> = first_idx
        .iter()
        .enumerate()
        .map(|(k, (key, _))| (key.as_str(), k))
        .collect();

    let mut seen: HashMap<(String, String), i64> = HashMap::new();
    let mut b = Builder::default();
    for (i, o) in entries.into_iter().enumerate() {
        let test = o
            .get("testIdx")
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                unreadable(
                    path,
                    FORMAT,
                    format!("results.results[{i}]: no `testIdx` (output format version 3 or later is needed)"),
                )
            })?;
        let k = rank.get(prompt_key(o).as_str()).copied().unwrap_or(0);
        let id = if several {
            format!("t{test}-p{k}")
        } else {
            format!("t{test}")
        };
        let model = provider(o).ok_or_else(|| {
            unreadable(path, FORMAT, format!("results.results[{i}]: no `provider`"))
        })?;
        let run = seen.entry((id.clone(), model.clone())).or_insert(0);
        *run += 1;
        let grading = o.get("gradingResult").and_then(Value::as_object);
        let pass = o
            .get("success")
            .and_then(pass_value)
            .or_else(|| grading.and_then(|g| g.get("pass")).and_then(pass_value));
        let score = o
            .get("score")
            .and_then(number)
            .or_else(|| grading.and_then(|g| g.get("score")).and_then(number));
        let vars = o.get("vars").and_then(Value::as_object);
        let reference = vars.and_then(reference_var);
        let response = o
            .get("response")
            .and_then(|r| r.get("output"))
            .and_then(to_text);
        let prompt = o
            .get("prompt")
            .and_then(|p| match p {
                Value::Object(p) => p.get("raw"),
                other => Some(other),
            })
            .and_then(to_text);
        let rationale = grading.and_then(|g| g.get("reason")).and_then(to_text);
        let mut row = Row {
            id,
            model,
            run: *run,
            pass,
            score,
            response,
            reference,
            rationale,
            prompt,
            extras: Vec::new(),
        };
        if several {
            row.text("prompt_index", Some(k.to_string()));
        }
        if let Some(vars) = vars {
            for (key, v) in vars {
                row.text(format!("var_{key}"), to_text(v));
            }
        }
        if let Some(Value::Object(named)) = o.get("namedScores") {
            for (name, v) in named {
                row.number(format!("grade_{name}"), number(v));
            }
        }
        let error = o
            .get("error")
            .and_then(to_text)
            .filter(|e| !e.is_empty())
            .or_else(|| {
                o.get("response")
                    .and_then(|r| r.get("error"))
                    .and_then(to_text)
                    .filter(|e| !e.is_empty())
            });
        if error.is_some() {
            row.text("error", error);
        }
        b.push(row);
    }
    b.finish(path, FORMAT)
}

/// What tells prompts apart: `promptId`, else the prompt's template (`label`),
/// else `promptIdx`.
fn prompt_key(o: &Map<String, Value>) -> String {
    o.get("promptId")
        .and_then(Value::as_str)
        .map(|s| format!("id:{s}"))
        .or_else(|| {
            o.get("prompt")
                .and_then(|p| p.get("label"))
                .and_then(Value::as_str)
                .map(|s| format!("label:{s}"))
        })
        .unwrap_or_else(|| {
            format!(
                "idx:{}",
                o.get("promptIdx").and_then(Value::as_i64).unwrap_or(0)
            )
        })
}

/// The provider's label when it has a non-empty one, else its id.
fn provider(o: &Map<String, Value>) -> Option<String> {
    match o.get("provider")? {
        Value::String(s) => Some(s.clone()),
        Value::Object(p) => {
            let nonempty = |k: &str| {
                p.get(k)
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_string)
            };
            nonempty("label").or_else(|| nonempty("id"))
        }
        _ => None,
    }
}

/// The expected answer among the vars: a var with one of the known names (any
/// case), else one whose name contains `expected`, `reference` or `answer`.
fn reference_var(vars: &Map<String, Value>) -> Option<String> {
    let lower: Vec<(String, &Value)> = vars
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    REFERENCE_VARS
        .iter()
        .find_map(|name| lower.iter().find(|(k, _)| k == name))
        .or_else(|| {
            lower.iter().find(|(k, _)| {
                k.contains("expected") || k.contains("reference") || k.contains("answer")
            })
        })
        .and_then(|(_, v)| to_text(v))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        check_against_reference, column_names, fixture, floats, ints, reference, scratch, strings,
    };
    use super::*;

    #[test]
    fn reads_the_fixture() {
        let df = read(&fixture(
            "promptfoo",
            "session1_Bias_and_fairness_results.json",
        ))
        .unwrap();
        check_against_reference(&df, &reference("promptfoo"));
        assert_eq!(column_names(&df)[9..], ["var_product"].map(String::from));
        assert_eq!(
            strings(&df, "id"),
            ["t0", "t1", "t2"].map(|s| Some(s.to_string()))
        );
        assert_eq!(strings(&df, "reference"), vec![None; 3]);
        assert_eq!(
            strings(&df, "rationale"),
            vec![Some("No assertions".into()); 3]
        );
    }

    #[test]
    fn several_prompts_and_providers() {
        let entry = |test: i64, prompt_idx: i64, prompt_id: &str, provider: &str, ok: bool| {
            format!(
                r#"{{"testIdx": {test}, "promptIdx": {prompt_idx}, "promptId": "{prompt_id}", "prompt": {{"raw": "Q{test}", "label": "{prompt_id}"}}, "provider": {{"id": "{provider}", "label": ""}}, "vars": {{"q": "Q{test}", "Expected": "A{test}", "n": {test}}}, "response": {{"output": {{"text": "A{test}"}}}}, "success": {ok}, "score": {score}, "gradingResult": {{"pass": {ok}, "score": {score}, "reason": "r"}}, "namedScores": {{"acc": {score}}}}}"#,
                score = if ok { 1 } else { 0 }
            )
        };
        // Two prompts × two providers: promptIdx runs 0..4.
        let results = [
            entry(0, 0, "p1", "openai:a", true),
            entry(0, 1, "p1", "openai:b", false),
            entry(0, 2, "p2", "openai:a", true),
            entry(0, 3, "p2", "openai:b", true),
        ]
        .join(",");
        let p = scratch("promptfoo-several").join("out.json");
        std::fs::write(
            &p,
            format!(r#"{{"evalId": "e", "results": {{"version": 3, "results": [{results}]}}}}"#),
        )
        .unwrap();
        let df = read(&p).unwrap();
        assert_eq!(
            strings(&df, "id"),
            ["t0-p0", "t0-p0", "t0-p1", "t0-p1"].map(|s| Some(s.to_string()))
        );
        assert_eq!(ints(&df, "run"), vec![Some(1); 4]);
        assert_eq!(
            floats(&df, "pass"),
            vec![Some(1.0), Some(0.0), Some(1.0), Some(1.0)]
        );
        assert_eq!(strings(&df, "reference")[0].as_deref(), Some("A0"));
        assert_eq!(
            strings(&df, "response")[0].as_deref(),
            Some(r#"{"text":"A0"}"#)
        );
        assert_eq!(
            column_names(&df)[9..],
            [
                "prompt_index",
                "var_q",
                "var_Expected",
                "var_n",
                "grade_acc"
            ]
            .map(String::from)
        );
        assert_eq!(strings(&df, "var_n")[0].as_deref(), Some("0"));
        assert_eq!(strings(&df, "prompt_index")[3].as_deref(), Some("1"));
    }

    #[test]
    fn not_a_promptfoo_file() {
        let p = scratch("promptfoo-bad").join("out.json");
        std::fs::write(
            &p,
            r#"{"results": {"version": 3, "results": [{"provider": "x"}]}}"#,
        )
        .unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(
            err.contains("results.results[0]") && err.contains("testIdx"),
            "{err}"
        );
        std::fs::write(&p, r#"{"results": "#).unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(err.contains("cut short"), "{err}");
    }
}
