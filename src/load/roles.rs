//! Which column plays which role (contract section 1): label, id, each model's
//! prediction, score or per-class probabilities, and features. Inference is by
//! name, case-insensitive; every role can be overridden by a [`Mapping`].

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The kind of prediction problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Binary,
    Multiclass,
    Regression,
    /// Graded evaluations (LLM outputs): per model a pass/fail grade and/or a
    /// numeric score per example, often over repeated runs; no label.
    Graded,
    /// Ranking (search, feeds): one row per (query, item) with the item's graded
    /// relevance as the label and each model's score; metrics are per query.
    Ranking,
}

impl Task {
    /// What one counted unit of a comparison or a metric's `n` is.
    pub fn unit(self) -> &'static str {
        match self {
            Task::Graded => "examples",
            Task::Ranking => "queries",
            _ => "rows",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Regression => "regression",
            Task::Graded => "graded",
            Task::Ranking => "ranking",
        }
    }
}

impl std::str::FromStr for Task {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "binary" => Ok(Task::Binary),
            "multiclass" => Ok(Task::Multiclass),
            "regression" => Ok(Task::Regression),
            "graded" => Ok(Task::Graded),
            "ranking" => Ok(Task::Ranking),
            other => Err(format!(
                "unknown task {other:?} (use binary, multiclass, regression, graded or ranking)"
            )),
        }
    }
}

/// The user's overrides of inferred roles (the contract's MAP flags). Everything
/// left `None` or empty is inferred.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mapping {
    pub task: Option<Task>,
    pub label: Option<String>,
    pub id: Option<String>,
    /// `(model, column)` pairs from `--pred NAME=COL`.
    pub preds: Vec<(String, String)>,
    /// `(model, column)` pairs from `--score NAME=COL`.
    pub scores: Vec<(String, String)>,
    pub positive: Option<String>,
    pub threshold: Option<f64>,
    /// Use only the `preds` and `scores` given here; infer no other model columns
    /// (set by the GUI's mapping editor once the user edits the models).
    pub explicit_models: bool,
    /// Features to leave out (the GUI's mapping editor); they stay visible as rows.
    pub ignored: Vec<String>,
    /// Graded: `(model, column)` pass/fail grades from `--pass NAME=COL`.
    pub passes: Vec<(String, String)>,
    /// Graded: `(model, column)` numeric grades from `--grade NAME=COL`.
    pub grades: Vec<(String, String)>,
    /// The column that groups examples into clusters (a passage, a conversation,
    /// a template): intervals then use the clustered standard error.
    pub cluster: Option<String>,
    /// Text descriptors `(name, column, regular expression)`: a feature that says
    /// whether the column matches (`--describe NAME=COL~REGEX`).
    pub describe: Vec<(String, String, String)>,
    /// Ranking: the column naming each row's query (`--query COL`).
    pub query: Option<String>,
}

impl Mapping {
    /// The decision threshold for score-only binary models.
    pub fn threshold(&self) -> f64 {
        self.threshold.unwrap_or(0.5)
    }
}

/// The columns that carry one model's output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelColumns {
    pub name: String,
    pub pred: Option<String>,
    /// Positive-class probability (binary).
    pub score: Option<String>,
    /// `(class, column)` per-class probabilities (multiclass).
    pub probs: Vec<(String, String)>,
    /// Graded: the model's response, the grader's rationale and a human's verdict
    /// (`pred` then names the pass/fail column and `score` the numeric grade).
    #[serde(default)]
    pub texts: Vec<String>,
}

impl ModelColumns {
    /// Every column this model reads.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.pred
            .iter()
            .chain(self.score.iter())
            .map(String::as_str)
            .chain(self.probs.iter().map(|(_, c)| c.as_str()))
            .chain(self.texts.iter().map(String::as_str))
    }
}

const LABEL_NAMES: &[&str] = &["label", "target", "y", "y_true", "ground_truth", "gold"];
const ID_NAMES: &[&str] = &["id", "example_id", "row_id", "uid"];
const QUERY_NAMES: &[&str] = &["query_id", "qid"];
/// Ranking labels, looked for after the usual label names.
const RELEVANCE_NAMES: &[&str] = &["relevance", "rel"];
const UNNAMED_PRED: &[&str] = &["pred", "prediction", "y_pred"];
const UNNAMED_SCORE: &[&str] = &["score", "prob", "y_score"];
const PRED_PREFIXES: &[&str] = &["prediction_", "pred_"];
const PRED_SUFFIXES: &[&str] = &["_pred"];
const SCORE_PREFIXES: &[&str] = &["score_", "proba_", "prob_"];
const SCORE_SUFFIXES: &[&str] = &["_score", "_prob"];

/// The columns of one graded model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GradedColumns {
    pub name: String,
    /// Pass/fail per run (booleans, 0/1, pass/fail text; fractions after runs are
    /// averaged).
    pub pass: Option<String>,
    /// A numeric grade (a judge's score on any scale).
    pub grade: Option<String>,
    pub response: Option<String>,
    pub rationale: Option<String>,
    /// A human's pass/fail verdict on this model's responses (for agreement).
    pub human: Option<String>,
}

impl GradedColumns {
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        [
            &self.pass,
            &self.grade,
            &self.response,
            &self.rationale,
            &self.human,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
    }
}

const PASS_AFFIXES: (&[&str], &[&str]) = (
    &["pass_", "correct_", "is_correct_"],
    &["_pass", "_correct"],
);
const GRADE_AFFIXES: (&[&str], &[&str]) = (
    &["score_", "grade_", "judge_score_", "rating_"],
    &["_score", "_grade"],
);
const RESPONSE_AFFIXES: (&[&str], &[&str]) = (
    &["response_", "output_", "completion_", "answer_"],
    &["_response", "_output"],
);
const RATIONALE_AFFIXES: (&[&str], &[&str]) = (
    &["rationale_", "reason_", "explanation_"],
    &["_rationale", "_reason"],
);
const HUMAN_AFFIXES: (&[&str], &[&str]) = (&["human_pass_", "human_"], &[]);
/// Names of a column holding the run (epoch) of a repeated evaluation.
pub const RUN_NAMES: &[&str] = &["run", "epoch", "trial", "attempt", "sample_index"];
/// Names of a reference answer column.
pub const REFERENCE_NAMES: &[&str] = &["reference", "expected", "gold_answer", "target_answer"];

/// The name of a long file's per-model column once widened, other than the
/// grades and texts (`metric_bleu @ model`): never read as a grade itself.
pub fn model_extra_column(col: &str, model: &str) -> String {
    format!("{col} @ {model}")
}

/// True for a column named by [`model_extra_column`].
pub fn is_model_extra(name: &str) -> bool {
    name.contains(" @ ")
}

/// True when a column's name would make it a graded model's column
/// (`score_M`, `M_grade`, `response_M`, ...).
pub fn has_graded_affix(col: &str) -> bool {
    [
        PASS_AFFIXES,
        GRADE_AFFIXES,
        RESPONSE_AFFIXES,
        RATIONALE_AFFIXES,
        HUMAN_AFFIXES,
    ]
    .iter()
    .any(|(pre, suf)| strip_affix(col, pre, suf).is_some())
}

/// True when the columns name graded models (`pass_MODEL`, `correct_MODEL`) or the
/// mapping gives grades: with no label column, the task is graded.
pub fn looks_graded(columns: &[String], mapping: &Mapping) -> bool {
    !mapping.passes.is_empty()
        || !mapping.grades.is_empty()
        || columns.iter().filter(|c| !is_model_extra(c)).any(|c| {
            strip_affix(c, PASS_AFFIXES.0, PASS_AFFIXES.1).is_some()
                || ["pass", "correct", "is_correct", "passed"]
                    .contains(&c.to_ascii_lowercase().as_str())
        })
}

/// Assigns graded models' columns: the `--pass`/`--grade` overrides, then by name
/// (`pass_M`, `correct_M`; `score_M`, `grade_M`; `response_M`; `rationale_M`;
/// `human_pass_M`). A single unnamed model reads `pass`/`score`/`response`.
pub fn graded_columns(
    path: &Path,
    columns: &[String],
    taken: &[&str],
    mapping: &Mapping,
    unnamed: &str,
) -> Result<Vec<GradedColumns>> {
    let mut models: Vec<GradedColumns> = Vec::new();
    fn entry<'m>(models: &'m mut Vec<GradedColumns>, name: &str) -> &'m mut GradedColumns {
        if let Some(i) = models.iter().position(|m| m.name == name) {
            &mut models[i]
        } else {
            models.push(GradedColumns {
                name: name.to_string(),
                ..Default::default()
            });
            let last = models.len() - 1;
            &mut models[last]
        }
    }
    let mut used: Vec<String> = taken.iter().map(|s| s.to_string()).collect();
    for (model, col) in &mapping.passes {
        let c = require_column(
            path,
            columns,
            col,
            &format!("pass/fail grade of model {model} (--pass)"),
        )?;
        entry(&mut models, model).pass = Some(c.to_string());
        used.push(c.to_string());
    }
    for (model, col) in &mapping.grades {
        let c = require_column(
            path,
            columns,
            col,
            &format!("grade of model {model} (--grade)"),
        )?;
        entry(&mut models, model).grade = Some(c.to_string());
        used.push(c.to_string());
    }
    let explicit: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
    // Human verdicts first (`human_pass_M` is not model `human` passing), then the
    // grades that make a model, then the texts of models already found.
    #[derive(Clone, Copy, PartialEq)]
    enum Role {
        Human,
        Pass,
        Grade,
        Response,
        Rationale,
    }
    type Affixes = (&'static [&'static str], &'static [&'static str]);
    let roles: [(Role, Affixes, &[&str]); 5] = [
        (Role::Human, HUMAN_AFFIXES, &[]),
        (
            Role::Pass,
            PASS_AFFIXES,
            &["pass", "correct", "is_correct", "passed"],
        ),
        (
            Role::Grade,
            GRADE_AFFIXES,
            &["score", "grade", "judge_score"],
        ),
        (
            Role::Response,
            RESPONSE_AFFIXES,
            &["response", "output", "completion"],
        ),
        (
            Role::Rationale,
            RATIONALE_AFFIXES,
            &["rationale", "explanation", "reason"],
        ),
    ];
    for (role, affixes, bare) in roles {
        for col in columns {
            if used.iter().any(|u| u == col) || is_model_extra(col) {
                continue;
            }
            let lower = col.to_ascii_lowercase();
            let model = if bare.contains(&lower.as_str()) {
                Some(unnamed)
            } else {
                strip_affix(col, affixes.0, affixes.1)
            };
            let Some(model) = model else { continue };
            let is_override = explicit.iter().any(|m| m == model);
            if is_override && matches!(role, Role::Pass | Role::Grade) {
                continue;
            }
            let known = models.iter().any(|m| m.name == model);
            if !known && matches!(role, Role::Response | Role::Rationale) {
                continue;
            }
            let m = entry(&mut models, model);
            let slot = match role {
                Role::Human => &mut m.human,
                Role::Pass => &mut m.pass,
                Role::Grade => &mut m.grade,
                Role::Response => &mut m.response,
                Role::Rationale => &mut m.rationale,
            };
            if slot.is_none() {
                *slot = Some(col.clone());
                used.push(col.clone());
            }
        }
    }
    // A model with only a human verdict is no model.
    models.retain(|m| m.pass.is_some() || m.grade.is_some());
    if models.is_empty() {
        return Err(Error::MissingColumn {
            path: path.to_path_buf(),
            column: "pass_MODEL".into(),
            hint: format!(
                "no graded model columns: name them pass_NAME / score_NAME (or pass --pass NAME=COL, --grade NAME=COL); columns are {}",
                list(columns)
            ),
        });
    }
    Ok(models)
}

/// Finds a column by exact name, then case-insensitively.
pub fn find_column<'a>(columns: &'a [String], name: &str) -> Option<&'a str> {
    columns
        .iter()
        .find(|c| c.as_str() == name)
        .or_else(|| columns.iter().find(|c| c.eq_ignore_ascii_case(name)))
        .map(String::as_str)
}

fn require_column<'a>(
    path: &Path,
    columns: &'a [String],
    name: &str,
    role: &str,
) -> Result<&'a str> {
    find_column(columns, name).ok_or_else(|| Error::MissingColumn {
        path: path.to_path_buf(),
        column: name.to_string(),
        hint: format!("given as the {role}; columns are {}", list(columns)),
    })
}

/// A short, quoted list of column names for messages.
pub fn list(columns: &[String]) -> String {
    const MAX: usize = 12;
    let mut s: Vec<String> = columns.iter().take(MAX).map(|c| format!("{c:?}")).collect();
    if columns.len() > MAX {
        s.push(format!("and {} more", columns.len() - MAX));
    }
    s.join(", ")
}

/// Resolves the label column: the override, else the first column named like a label.
pub fn label_column(path: &Path, columns: &[String], mapping: &Mapping) -> Result<String> {
    if let Some(name) = &mapping.label {
        return require_column(path, columns, name, "label (--label)").map(str::to_string);
    }
    LABEL_NAMES
        .iter()
        .chain(RELEVANCE_NAMES)
        .find_map(|n| find_column(columns, n))
        .map(str::to_string)
        .ok_or_else(|| Error::MissingColumn {
            path: path.to_path_buf(),
            column: "label".into(),
            hint: format!(
                "no label column: name it one of label, target, y, y_true, ground_truth, gold, or pass --label COL; columns are {}",
                list(columns)
            ),
        })
}

/// Resolves the query column of a ranking file: the override, else a column
/// named `query_id` or `qid`.
pub fn query_column(path: &Path, columns: &[String], mapping: &Mapping) -> Result<Option<String>> {
    if let Some(name) = &mapping.query {
        return require_column(path, columns, name, "query (--query)").map(|c| Some(c.to_string()));
    }
    Ok(QUERY_NAMES
        .iter()
        .find_map(|n| find_column(columns, n))
        .map(str::to_string))
}

/// A ranking file's item column (`doc_id`, `item_id`, ...): an id, never a feature.
pub fn item_column(columns: &[String]) -> Option<String> {
    [
        "doc_id",
        "docid",
        "document_id",
        "item_id",
        "itemid",
        "docno",
    ]
    .iter()
    .find_map(|n| find_column(columns, n))
    .map(str::to_string)
}

/// Resolves the id column, if any.
pub fn id_column(path: &Path, columns: &[String], mapping: &Mapping) -> Result<Option<String>> {
    if let Some(name) = &mapping.id {
        return require_column(path, columns, name, "id (--id)").map(|c| Some(c.to_string()));
    }
    Ok(ID_NAMES
        .iter()
        .find_map(|n| find_column(columns, n))
        .map(str::to_string))
}

fn strip_affix<'a>(name: &'a str, prefixes: &[&str], suffixes: &[&str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    for p in prefixes {
        if lower.starts_with(p) && name.len() > p.len() {
            return Some(&name[p.len()..]);
        }
    }
    for s in suffixes {
        if lower.ends_with(s) && name.len() > s.len() {
            return Some(&name[..name.len() - s.len()]);
        }
    }
    None
}

/// Assigns model columns. `classes` are the label's classes (used to recognise
/// `prob_NAME_C` columns for multiclass); `unnamed` names a model whose columns carry
/// no name (`pred`, `score`, ...), which is the file's stem.
pub fn model_columns(
    path: &Path,
    columns: &[String],
    taken: &[&str],
    mapping: &Mapping,
    task: crate::load::roles::Task,
    classes: &[String],
    unnamed: &str,
) -> Result<Vec<ModelColumns>> {
    let mut models: Vec<ModelColumns> = Vec::new();
    let mut used: Vec<String> = taken.iter().map(|s| s.to_string()).collect();
    fn entry<'m>(models: &'m mut Vec<ModelColumns>, name: &str) -> &'m mut ModelColumns {
        if let Some(i) = models.iter().position(|m| m.name == name) {
            &mut models[i]
        } else {
            models.push(ModelColumns {
                name: name.to_string(),
                ..Default::default()
            });
            let last = models.len() - 1;
            &mut models[last]
        }
    }
    let duplicate = |model: &str, a: &str, b: &str, what: &str| Error::BadColumn {
        path: path.to_path_buf(),
        column: b.to_string(),
        detail: format!(
            "model {model:?} already has the {what} column {a:?}; pass --pred/--score to choose one"
        ),
    };
    // Explicit overrides first, in the order given.
    for (model, col) in &mapping.preds {
        let col = require_column(
            path,
            columns,
            col,
            &format!("prediction of model {model} (--pred)"),
        )?;
        let m = entry(&mut models, model);
        if let Some(prev) = &m.pred {
            return Err(duplicate(model, prev, col, "prediction"));
        }
        m.pred = Some(col.to_string());
        used.push(col.to_string());
    }
    for (model, col) in &mapping.scores {
        let col = require_column(
            path,
            columns,
            col,
            &format!("score of model {model} (--score)"),
        )?;
        let m = entry(&mut models, model);
        if let Some(prev) = &m.score {
            return Err(duplicate(model, prev, col, "score"));
        }
        m.score = Some(col.to_string());
        used.push(col.to_string());
    }
    let explicit: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
    // Inference, in column order.
    for col in columns.iter().filter(|_| !mapping.explicit_models) {
        if used.iter().any(|u| u == col) {
            continue;
        }
        let lower = col.to_ascii_lowercase();
        let pred_model = if UNNAMED_PRED.contains(&lower.as_str()) {
            Some(unnamed)
        } else {
            strip_affix(col, PRED_PREFIXES, PRED_SUFFIXES)
        };
        if let Some(model) = pred_model {
            if explicit.iter().any(|m| m == model) {
                continue;
            }
            let m = entry(&mut models, model);
            if let Some(prev) = &m.pred {
                return Err(duplicate(model, prev, col, "prediction"));
            }
            m.pred = Some(col.clone());
            used.push(col.clone());
            continue;
        }
        if task == Task::Multiclass && lower.starts_with("prob_") {
            let rest = &col[5..];
            if let Some((model, class)) = split_model_class(rest, classes) {
                let m = entry(&mut models, model);
                m.probs.push((class.to_string(), col.clone()));
                used.push(col.clone());
                continue;
            }
        }
        let score_model = if UNNAMED_SCORE.contains(&lower.as_str()) {
            Some(unnamed)
        } else {
            strip_affix(col, SCORE_PREFIXES, SCORE_SUFFIXES)
        };
        if let Some(model) = score_model {
            if explicit.iter().any(|m| m == model) {
                continue;
            }
            let m = entry(&mut models, model);
            if let Some(prev) = &m.score {
                return Err(duplicate(model, prev, col, "score"));
            }
            m.score = Some(col.clone());
            used.push(col.clone());
        }
    }
    if models.is_empty() {
        return Err(Error::MissingColumn {
            path: path.to_path_buf(),
            column: "pred_NAME".into(),
            hint: format!(
                "no model columns: name them pred_NAME / score_NAME (or pass --pred NAME=COL, --score NAME=COL); columns are {}",
                list(columns)
            ),
        });
    }
    if task == Task::Regression {
        for m in &models {
            if m.pred.is_none() {
                return Err(Error::MissingColumn {
                    path: path.to_path_buf(),
                    column: format!("pred_{}", m.name),
                    hint: format!("regression model {:?} needs a prediction column", m.name),
                });
            }
        }
    }
    Ok(models)
}

/// True for a column whose name marks it as some model's output.
pub fn is_model_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    UNNAMED_PRED.contains(&lower.as_str())
        || UNNAMED_SCORE.contains(&lower.as_str())
        || strip_affix(name, PRED_PREFIXES, PRED_SUFFIXES).is_some()
        || strip_affix(name, SCORE_PREFIXES, SCORE_SUFFIXES).is_some()
}

/// The columns a computation over `features` needs: the label, every model-like
/// column and the features. Lets columnar formats skip the rest (an id column of a
/// million unique strings, say). Falls back to every column when the label cannot
/// be resolved, so that decoding reports the problem.
pub fn needed_columns(
    path: &Path,
    names: &[String],
    mapping: &Mapping,
    features: &[String],
) -> Vec<String> {
    let Ok(label) = label_column(path, names, mapping) else {
        return names.to_vec();
    };
    let mut keep: Vec<&str> = vec![label.as_str()];
    let query = query_column(path, names, mapping).ok().flatten();
    keep.extend(query.as_deref());
    for (_, c) in mapping.preds.iter().chain(&mapping.scores) {
        keep.extend(find_column(names, c));
    }
    keep.extend(
        names
            .iter()
            .map(String::as_str)
            .filter(|c| is_model_like(c)),
    );
    for f in features {
        keep.extend(find_column(names, f));
    }
    names
        .iter()
        .filter(|n| keep.contains(&n.as_str()))
        .cloned()
        .collect()
}

/// Splits `NAME_C` where `C` is one of the classes (longest class first, so a
/// class name holding `_` still matches).
fn split_model_class<'a>(rest: &'a str, classes: &[String]) -> Option<(&'a str, &'a str)> {
    let mut best: Option<(&str, &str)> = None;
    for (i, ch) in rest.char_indices() {
        if ch != '_' || i == 0 {
            continue;
        }
        let class = &rest[i + 1..];
        if classes
            .iter()
            .any(|c| c == class || c.eq_ignore_ascii_case(class))
        {
            // The first split point gives the longest class.
            best = Some((&rest[..i], class));
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn infers_named_models_in_column_order() {
        let c = cols(&[
            "id",
            "Label",
            "region",
            "pred_base",
            "score_base",
            "cand_pred",
            "cand_prob",
        ]);
        let p = Path::new("f.csv");
        let m = Mapping::default();
        assert_eq!(label_column(p, &c, &m).unwrap(), "Label");
        assert_eq!(id_column(p, &c, &m).unwrap().as_deref(), Some("id"));
        let models = model_columns(p, &c, &["Label", "id"], &m, Task::Binary, &[], "f").unwrap();
        assert_eq!(models.len(), 2);
        assert_eq!(models[0].name, "base");
        assert_eq!(models[0].score.as_deref(), Some("score_base"));
        assert_eq!(models[1].name, "cand");
        assert_eq!(models[1].pred.as_deref(), Some("cand_pred"));
        assert_eq!(models[1].score.as_deref(), Some("cand_prob"));
    }

    #[test]
    fn unnamed_model_takes_the_stem() {
        let c = cols(&["y", "y_pred", "y_score"]);
        let models = model_columns(
            Path::new("x.csv"),
            &c,
            &["y"],
            &Mapping::default(),
            Task::Binary,
            &[],
            "x",
        )
        .unwrap();
        assert_eq!(models[0].name, "x");
        assert_eq!(models[0].pred.as_deref(), Some("y_pred"));
        assert_eq!(models[0].score.as_deref(), Some("y_score"));
    }

    #[test]
    fn multiclass_probability_columns() {
        let c = cols(&[
            "label",
            "pred_m",
            "prob_m_cat",
            "prob_m_dog_x",
            "prob_m_bird",
        ]);
        let classes = cols(&["bird", "cat", "dog_x"]);
        let models = model_columns(
            Path::new("f.csv"),
            &c,
            &["label"],
            &Mapping::default(),
            Task::Multiclass,
            &classes,
            "f",
        )
        .unwrap();
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].probs.len(), 3);
        assert_eq!(
            models[0].probs[1],
            ("dog_x".to_string(), "prob_m_dog_x".to_string())
        );
    }

    #[test]
    fn overrides_win_and_missing_override_is_an_error() {
        let c = cols(&["truth", "a", "b"]);
        let mut m = Mapping {
            label: Some("truth".into()),
            ..Default::default()
        };
        m.preds.push(("first".into(), "a".into()));
        m.scores.push(("first".into(), "b".into()));
        let models = model_columns(
            Path::new("f.csv"),
            &c,
            &["truth"],
            &m,
            Task::Binary,
            &[],
            "f",
        )
        .unwrap();
        assert_eq!(models[0].pred.as_deref(), Some("a"));
        m.preds[0].1 = "nope".into();
        let err = model_columns(
            Path::new("f.csv"),
            &c,
            &["truth"],
            &m,
            Task::Binary,
            &[],
            "f",
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"nope\""), "{err}");
    }
}
