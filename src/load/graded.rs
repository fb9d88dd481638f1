//! Graded evaluations (task `graded`): per model a pass/fail grade and/or a
//! numeric grade per example, no label. Files come wide (`pass_MODEL`,
//! `score_MODEL`, ...), with repeated runs (several rows per id, or a `run` /
//! `epoch` column), or long (a `model` column with `pass`, `score`, `response`).
//! [`prepare`] turns any of them into one row per example: each model's grades
//! averaged over its runs, with the run counts, pass counts and within-example
//! variances in companion columns (`pass_M (runs)`, ...), so that the frame the
//! window shows and re-decodes is self-describing. [`decode`] then builds the
//! table the metrics read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use polars::prelude::*;

use super::encode;
use super::file_hash::FileHash;
use super::roles::{self, Mapping, ModelColumns, Task};
use super::table::{
    DatasetInfo, EvalTable, Feature, Grades, LoadOptions, ModelData, Prediction, Predictions,
    Target,
};
use crate::error::{Error, Result};

/// Companion column names of an aggregated grade column.
pub fn runs_column(col: &str) -> String {
    format!("{col} (runs)")
}
pub fn passes_column(col: &str) -> String {
    format!("{col} (passes)")
}
pub fn variance_column(col: &str) -> String {
    format!("{col} (variance)")
}

/// True for a companion column written by [`prepare`].
pub fn is_companion(name: &str) -> bool {
    name.ends_with(" (runs)") || name.ends_with(" (passes)") || name.ends_with(" (variance)")
}

/// A grade value: booleans, numbers in [0, 1] and the words graders write (pass /
/// fail, correct / incorrect, yes / no, and inspect's letters C, I, P, N).
pub fn grade_value(text: &str) -> Option<f64> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "true" | "pass" | "passed" | "correct" | "yes" | "c" | "y" => Some(1.0),
        "false" | "fail" | "failed" | "incorrect" | "no" | "i" | "n" | "wrong" => Some(0.0),
        "p" | "partial" | "partially correct" => Some(0.5),
        _ => t.parse::<f64>().ok().filter(|x| (0.0..=1.0).contains(x)),
    }
}

/// Whether `frame` is a graded evaluation under `mapping`: the task says so, or
/// grade columns are there and no column serves as a label.
pub fn is_graded(path: &Path, frame: &DataFrame, mapping: &Mapping) -> bool {
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    names_are_graded(path, &names, mapping)
}

/// [`is_graded`] from the column names alone (a Parquet file's schema).
pub fn names_are_graded(path: &Path, names: &[String], mapping: &Mapping) -> bool {
    match mapping.task {
        Some(Task::Graded) => return true,
        Some(_) => return false,
        None => {}
    }
    if mapping.label.is_some() {
        return false;
    }
    let has_label = roles::label_column(path, names, mapping).is_ok();
    let long = roles::find_column(names, "model").is_some()
        && ["pass", "score", "correct"]
            .iter()
            .any(|c| roles::find_column(names, c).is_some());
    (roles::looks_graded(names, mapping) || long) && !has_label
}

/// A column as text (borrow its values with `.str()?.iter()`: no copy per row).
fn as_text(col: &Column) -> PolarsResult<Series> {
    col.as_materialized_series().cast(&DataType::String)
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A column's values as text per row (None for null).
fn texts(col: &Column) -> PolarsResult<Vec<Option<String>>> {
    let s = col.as_materialized_series().cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// A grade column's values per row: numbers, booleans or grade words; NaN for null.
fn grade_values(path: &Path, col: &Column, numeric_scale: bool) -> Result<Vec<f64>> {
    let name = col.name().to_string();
    let bad = |row: usize, detail: String| Error::BadValue {
        path: path.to_path_buf(),
        column: name.clone(),
        row: row + 1,
        detail,
    };
    let dtype = col.dtype();
    if dtype.is_bool() {
        let s = col.as_materialized_series();
        let ca = s.bool().map_err(|e| polars_err(path, &name, e))?;
        return Ok(ca.iter().map(|v| v.map_or(f64::NAN, f64::from)).collect());
    }
    if dtype.is_primitive_numeric() {
        let v = encode::numeric_values(col).map_err(|e| polars_err(path, &name, e))?;
        if let Some(i) = v.iter().position(|x| x.is_infinite()) {
            return Err(bad(i, format!("{} is not a finite number", v[i])));
        }
        if !numeric_scale
            && let Some(i) = v
                .iter()
                .position(|x| !x.is_nan() && !(0.0..=1.0).contains(x))
        {
            return Err(bad(
                i,
                format!(
                    "{} is not a pass/fail grade (1/0, true/false, pass/fail)",
                    v[i]
                ),
            ));
        }
        return Ok(v);
    }
    let t = texts(col).map_err(|e| polars_err(path, &name, e))?;
    t.iter()
        .enumerate()
        .map(|(i, v)| match v {
            None => Ok(f64::NAN),
            Some(s) if s.trim().is_empty() => Ok(f64::NAN),
            Some(s) if numeric_scale => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| bad(i, format!("the grade {s:?} is not a number"))),
            Some(s) => grade_value(s).ok_or_else(|| {
                bad(
                    i,
                    format!("{s:?} is not a pass/fail grade (use pass/fail, true/false, 1/0)"),
                )
            }),
        })
        .collect()
}

fn polars_err(path: &Path, column: &str, e: PolarsError) -> Error {
    Error::BadColumn {
        path: path.to_path_buf(),
        column: column.to_string(),
        detail: crate::load::read::polars_message(&e),
    }
}

/// The per-model columns of the long layout that keep their role once widened.
const CORE_ROLES: [&str; 4] = ["pass", "score", "response", "rationale"];

/// The long layout (`model` with `pass`/`score`/`response`/`rationale` columns) as
/// the wide one: a row per (id, run), per model `pass_M`, `score_M`, ...
fn widen(path: &Path, frame: &DataFrame) -> Result<DataFrame> {
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let find = |n: &str| roles::find_column(&names, n).map(str::to_string);
    let model_col = find("model").unwrap_or_default();
    let id_col = roles::id_column(path, &names, &Mapping::default())?
        .or_else(|| find("doc_id"))
        .or_else(|| find("sample_id"))
        .ok_or_else(|| Error::MissingColumn {
            path: path.to_path_buf(),
            column: "id".into(),
            hint: "a file with a model column needs an id column to join the models' rows".into(),
        })?;
    let run_col = roles::RUN_NAMES.iter().find_map(|n| find(n));
    let per_model: Vec<(&str, Option<String>)> = vec![
        ("pass", find("pass").or_else(|| find("correct"))),
        ("score", find("score").or_else(|| find("grade"))),
        ("response", find("response")),
        ("rationale", find("rationale")),
    ];
    let col = |n: &str| frame.column(n).map_err(|e| polars_err(path, n, e));
    let models = texts(col(&model_col)?).map_err(|e| polars_err(path, &model_col, e))?;
    let ids = texts(col(&id_col)?).map_err(|e| polars_err(path, &id_col, e))?;
    let runs: Vec<Option<String>> = match &run_col {
        Some(r) => texts(col(r)?).map_err(|e| polars_err(path, r, e))?,
        None => vec![None; frame.height()],
    };
    let mut model_names: Vec<String> = Vec::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut key_index: HashMap<(String, String), usize> = HashMap::new();
    let mut cell: Vec<(usize, usize)> = Vec::with_capacity(frame.height());
    let mut first_row: Vec<u32> = Vec::new();
    for r in 0..frame.height() {
        let Some(m) = models[r].clone() else {
            return Err(Error::BadValue {
                path: path.to_path_buf(),
                column: model_col.clone(),
                row: r + 1,
                detail: "the model is missing".into(),
            });
        };
        let mi = match model_names.iter().position(|x| *x == m) {
            Some(i) => i,
            None => {
                model_names.push(m);
                model_names.len() - 1
            }
        };
        let key = (
            ids[r].clone().unwrap_or_default(),
            runs[r].clone().unwrap_or_default(),
        );
        let k = *key_index.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            first_row.push(r as u32);
            keys.len() - 1
        });
        cell.push((k, mi));
    }
    // Example-level columns hold one value per (id, run) whatever the model (the
    // prompt, the reference); the others (a tool's extra metrics) are per model.
    let mut per_model_names: Vec<&str> = per_model
        .iter()
        .filter_map(|(_, c)| c.as_deref())
        .chain([model_col.as_str()])
        .collect();
    let key_first: IdxCa = cell.iter().map(|&(k, _)| Some(first_row[k])).collect();
    let mut extra: Vec<(String, Option<String>)> = Vec::new();
    for n in &names {
        if per_model_names.contains(&n.as_str()) || *n == id_col || Some(n) == run_col.as_ref() {
            continue;
        }
        let c = col(n)?;
        let firsts = c.take(&key_first).map_err(|e| polars_err(path, n, e))?;
        let same = c
            .as_materialized_series()
            .equal_missing(firsts.as_materialized_series())
            .map(|eq| eq.all())
            .unwrap_or(false);
        // A column named like a grade is the model's even when one model cannot show it.
        if !same || roles::has_graded_affix(n) {
            extra.push((n.clone(), Some(n.clone())));
        }
    }
    per_model_names.extend(extra.iter().map(|(n, _)| n.as_str()));
    let idx = IdxCa::from_vec("rows".into(), first_row.clone());
    let mut columns: Vec<Column> = Vec::new();
    for n in &names {
        if per_model_names.contains(&n.as_str()) {
            continue;
        }
        let c = col(n)?.take(&idx).map_err(|e| polars_err(path, n, e))?;
        columns.push(c);
    }
    let per_model: Vec<(&str, Option<String>)> = per_model
        .iter()
        .map(|(r, c)| (*r, c.clone()))
        .chain(extra.iter().map(|(n, c)| (n.as_str(), c.clone())))
        .collect();
    for (role, source) in &per_model {
        let Some(source) = source else { continue };
        let src = col(source)?;
        if src.null_count() == src.len() {
            // A tool that gives no pass/fail (or no score) at all.
            continue;
        }
        for (mi, m) in model_names.iter().enumerate() {
            let mut rows: Vec<Option<u32>> = vec![None; keys.len()];
            for (r, &(k, cm)) in cell.iter().enumerate() {
                if cm == mi {
                    rows[k] = Some(r as u32);
                }
            }
            let idx: IdxCa = rows.into_iter().collect();
            let name = if CORE_ROLES.contains(role) {
                format!("{role}_{m}")
            } else {
                roles::model_extra_column(role, m)
            };
            let c = src
                .take(&idx)
                .map_err(|e| polars_err(path, source, e))?
                .with_name(name.into());
            columns.push(c);
        }
    }
    DataFrame::new(keys.len(), columns).map_err(|e| polars_err(path, &model_col, e))
}

/// The cluster column (`--cluster`) as read from the file: every row has a
/// cluster, and the runs (and models' rows) of one example share it. Errors name
/// the file's row.
fn check_clusters(path: &Path, frame: &DataFrame, mapping: &Mapping) -> Result<()> {
    let Some(wanted) = &mapping.cluster else {
        return Ok(());
    };
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .filter(|c| !is_companion(c))
        .collect();
    if names.len() < frame.width() {
        // Already one row per example: checked when it was made.
        return Ok(());
    }
    let cluster = roles::find_column(&names, wanted).ok_or_else(|| Error::MissingColumn {
        path: path.to_path_buf(),
        column: wanted.clone(),
        hint: format!(
            "given as the cluster (--cluster); columns are {}",
            roles::list(&names)
        ),
    })?;
    let values = as_text(
        frame
            .column(cluster)
            .map_err(|e| polars_err(path, cluster, e))?,
    )
    .map_err(|e| polars_err(path, cluster, e))?;
    let values = values.str().map_err(|e| polars_err(path, cluster, e))?;
    let id = roles::id_column(path, &names, &Mapping::default())
        .ok()
        .flatten()
        .or_else(|| roles::find_column(&names, "doc_id").map(str::to_string))
        .or_else(|| roles::find_column(&names, "sample_id").map(str::to_string));
    let id_text = match &id {
        Some(c) => Some(
            as_text(frame.column(c).map_err(|e| polars_err(path, c, e))?)
                .map_err(|e| polars_err(path, c, e))?,
        ),
        None => None,
    };
    let ids: Vec<Option<&str>> = match &id_text {
        Some(s) => s
            .str()
            .map_err(|e| polars_err(path, "id", e))?
            .iter()
            .collect(),
        None => vec![None; frame.height()],
    };
    let mut seen: FastMap<&str, &str> = FastMap::default();
    for (r, v) in values.iter().enumerate() {
        let bad = |detail: String| Error::BadValue {
            path: path.to_path_buf(),
            column: cluster.to_string(),
            row: r + 1,
            detail,
        };
        let Some(v) = v.filter(|v| !v.trim().is_empty()) else {
            return Err(bad(
                "the cluster is missing: every example needs one (--cluster)".into(),
            ));
        };
        if let Some(e) = ids[r]
            && let Some(first) = seen.insert(e, v)
            && first != v
        {
            return Err(bad(format!(
                "example {e:?} is in cluster {first:?} in an earlier row and {v:?} here: the runs of an example must share its cluster"
            )));
        }
    }
    Ok(())
}

/// One row per example: the long layout widened, repeated runs averaged (with
/// their counts and within-example variances in companion columns). A frame with
/// one row per example and no run column comes back as it is, with companions
/// of one run each.
pub fn prepare(path: &Path, frame: DataFrame, mapping: &Mapping) -> Result<DataFrame> {
    check_clusters(path, &frame, mapping)?;
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let already = names.iter().any(|n| is_companion(n));
    let long = roles::find_column(&names, "model").is_some()
        && !roles::looks_graded(&names, &Mapping::default())
        || (roles::find_column(&names, "model").is_some()
            && roles::find_column(&names, "pass").is_some());
    let frame = if long && !already {
        widen(path, &frame)?
    } else {
        frame
    };
    if already {
        return Ok(frame);
    }
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let id = roles::id_column(path, &names, mapping)?;
    let run = roles::RUN_NAMES
        .iter()
        .find_map(|n| roles::find_column(&names, n))
        .map(str::to_string);
    let models = roles::graded_columns(path, &names, &[], mapping, &stem(path))?;
    // Which example each row belongs to: by id when ids repeat (or runs are given).
    let n = frame.height();
    let (example_of, first_rows): (Vec<u32>, Vec<u32>) = match &id {
        Some(id) => {
            let ids = as_text(frame.column(id).map_err(|e| polars_err(path, id, e))?)
                .map_err(|e| polars_err(path, id, e))?;
            let ids = ids.str().map_err(|e| polars_err(path, id, e))?;
            let mut index: FastMap<&str, u32> = FastMap::default();
            index.reserve(n);
            let mut first = Vec::new();
            let mut of = Vec::with_capacity(n);
            for (r, v) in ids.iter().enumerate() {
                let Some(v) = v else {
                    return Err(Error::BadValue {
                        path: path.to_path_buf(),
                        column: id.clone(),
                        row: r + 1,
                        detail: "the id is missing".into(),
                    });
                };
                let e = *index.entry(v).or_insert_with(|| {
                    first.push(r as u32);
                    (first.len() - 1) as u32
                });
                of.push(e);
            }
            (of, first)
        }
        None if run.is_some() => {
            return Err(Error::MissingColumn {
                path: path.to_path_buf(),
                column: "id".into(),
                hint: "repeated runs need an id column to tell which rows are runs of one example (or pass --id COL)".into(),
            });
        }
        None => ((0..n as u32).collect(), (0..n as u32).collect()),
    };
    let examples = first_rows.len();
    let idx = IdxCa::from_vec("rows".into(), first_rows);
    let grade_cols: Vec<&str> = models
        .iter()
        .flat_map(|m| [m.pass.as_deref(), m.grade.as_deref(), m.human.as_deref()])
        .flatten()
        .collect();
    let mut columns: Vec<Column> = Vec::new();
    for c in frame.columns() {
        let name = c.name().as_str();
        if Some(name) == run.as_deref() {
            continue;
        }
        if grade_cols.contains(&name) {
            let numeric = models.iter().any(|m| m.grade.as_deref() == Some(name));
            let v = grade_values(path, c, numeric)?;
            let (mean, sum, runs, var) = aggregate(&v, &example_of, examples);
            columns.push(Column::new(name.into(), mean));
            columns.push(Column::new(runs_column(name).into(), runs));
            if !numeric {
                columns.push(Column::new(passes_column(name).into(), sum));
            }
            columns.push(Column::new(variance_column(name).into(), var));
        } else {
            columns.push(c.take(&idx).map_err(|e| polars_err(path, name, e))?);
        }
    }
    DataFrame::new(examples, columns).map_err(|e| polars_err(path, "(frame)", e))
}

/// Per example: mean, sum, count of non-NaN values and their sample variance.
fn aggregate(
    v: &[f64],
    example_of: &[u32],
    examples: usize,
) -> (Vec<f64>, Vec<f64>, Vec<u32>, Vec<f64>) {
    let mut sum = vec![0.0; examples];
    let mut sq = vec![0.0; examples];
    let mut runs = vec![0u32; examples];
    for (r, &x) in v.iter().enumerate() {
        if x.is_nan() {
            continue;
        }
        let e = example_of[r] as usize;
        sum[e] += x;
        sq[e] += x * x;
        runs[e] += 1;
    }
    let mean: Vec<f64> = (0..examples)
        .map(|e| {
            if runs[e] == 0 {
                f64::NAN
            } else {
                sum[e] / runs[e] as f64
            }
        })
        .collect();
    let var = (0..examples)
        .map(|e| {
            let k = runs[e] as f64;
            if runs[e] < 2 {
                f64::NAN
            } else {
                ((sq[e] - sum[e] * sum[e] / k) / (k - 1.0)).max(0.0)
            }
        })
        .collect();
    (mean, sum, runs, var)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("model")
        .to_string()
}

/// The table of a graded evaluation from its per-example frame ([`prepare`]'s).
pub fn decode(
    path: &Path,
    frame: &DataFrame,
    sha256: FileHash,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<EvalTable> {
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let id = roles::id_column(path, &names, mapping)?;
    let cols = roles::graded_columns(
        path,
        &names
            .iter()
            .filter(|n| !is_companion(n))
            .cloned()
            .collect::<Vec<_>>(),
        &id.iter().map(String::as_str).collect::<Vec<_>>(),
        mapping,
        &stem(path),
    )?;
    let n = frame.height();
    let column = |name: &str| frame.column(name).map_err(|e| polars_err(path, name, e));
    let numbers = |name: &str| -> Result<Vec<f64>> {
        encode::numeric_values(column(name)?).map_err(|e| polars_err(path, name, e))
    };
    let companion = |name: String, default: f64| -> Result<Vec<f64>> {
        if frame.column(&name).is_ok() {
            numbers(&name)
        } else {
            Ok(vec![default; n])
        }
    };
    let mut models = Vec::new();
    for c in &cols {
        let pass = match &c.pass {
            Some(p) => Some(grade_values(path, column(p)?, false)?),
            None => None,
        };
        let score = match &c.grade {
            Some(g) => Some(grade_values(path, column(g)?, true)?),
            None => None,
        };
        let human = match &c.human {
            Some(h) => Some(grade_values(path, column(h)?, false)?),
            None => None,
        };
        let runs_of = |col: &Option<String>, v: &Option<Vec<f64>>| -> Result<Vec<u32>> {
            match (col, v) {
                (Some(c), Some(v)) => Ok(companion(runs_column(c), f64::NAN)?
                    .iter()
                    .zip(v)
                    .map(|(r, x)| {
                        if r.is_nan() {
                            u32::from(!x.is_nan())
                        } else {
                            *r as u32
                        }
                    })
                    .collect()),
                _ => Ok(vec![0; n]),
            }
        };
        let pass_runs = runs_of(&c.pass, &pass)?;
        let score_runs = runs_of(&c.grade, &score)?;
        let passes = match (&c.pass, &pass) {
            (Some(col), Some(p)) => companion(passes_column(col), f64::NAN)?
                .iter()
                .zip(p)
                .map(|(s, x)| {
                    if s.is_nan() {
                        if x.is_nan() { 0.0 } else { *x }
                    } else {
                        *s
                    }
                })
                .collect(),
            _ => vec![0.0; n],
        };
        let var_of = |col: &Option<String>| -> Result<Vec<f64>> {
            match col {
                Some(c) => companion(variance_column(c), f64::NAN),
                None => Ok(vec![f64::NAN; n]),
            }
        };
        let grades = Grades {
            passes,
            pass_runs,
            pass_var: var_of(&c.pass)?,
            score_runs,
            score_var: var_of(&c.grade)?,
            pass: pass.clone(),
            score: score.clone(),
            human,
            columns: c.clone(),
        };
        let headline = pass.clone().or(score.clone()).unwrap_or_default();
        let null_predictions = headline.iter().filter(|x| x.is_nan()).count();
        models.push(ModelData {
            name: c.name.clone(),
            columns: ModelColumns {
                name: c.name.clone(),
                pred: c.pass.clone(),
                score: c.grade.clone(),
                probs: Vec::new(),
                texts: [&c.response, &c.rationale, &c.human]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect(),
            },
            predictions: Predictions::given(Prediction::Values(headline)),
            score: None,
            probs: None,
            null_predictions,
            score_order_cache: Arc::new(OnceLock::new()),
            log_loss_cache: Arc::new(OnceLock::new()),
            cells_cache: Arc::new(OnceLock::new()),
            cell_sets_cache: Arc::default(),
            cohort_rows_spare: Arc::default(),
            moved_cells: None,
            grades: Some(Arc::new(grades)),
        });
    }
    let clusters = match &mapping.cluster {
        Some(c) => {
            let name = roles::find_column(&names, c).ok_or_else(|| Error::MissingColumn {
                path: path.to_path_buf(),
                column: c.clone(),
                hint: format!(
                    "given as the cluster (--cluster); columns are {}",
                    roles::list(
                        &names
                            .iter()
                            .filter(|n| !is_companion(n))
                            .cloned()
                            .collect::<Vec<_>>()
                    )
                ),
            })?;
            let enc =
                encode::encode_categorical(column(name)?).map_err(|e| polars_err(path, name, e))?;
            if let Some(r) = enc.codes.iter().position(|&c| c == encode::NULL_CODE) {
                return Err(Error::BadValue {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                    row: r + 1,
                    detail: "the cluster is missing: every example needs one".into(),
                });
            }
            Some((name.to_string(), enc.codes))
        }
        None => None,
    };
    // The file's rows, as far as the per-example frame tells: the runs of the
    // model with the most per example (the loader sets the exact count).
    let file_rows: usize = (0..n)
        .map(|e| {
            models
                .iter()
                .filter_map(|m| m.grades.as_deref())
                .map(|g| g.pass_runs[e].max(g.score_runs[e]) as usize)
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .sum();
    // Features: every other column (texts are shown and searched, not sliced).
    let mut taken: Vec<&str> = id.iter().map(String::as_str).collect();
    for m in &models {
        taken.extend(m.columns.columns());
    }
    if let Some((c, _)) = &clusters {
        taken.push(c);
    }
    let used: Vec<u32> = (0..n as u32).collect();
    let wanted: Vec<&String> = names
        .iter()
        .filter(|c| !taken.contains(&c.as_str()) && !is_companion(c))
        .filter(|c| !mapping.ignored.contains(c))
        .filter(|c| {
            options
                .features
                .as_ref()
                .is_none_or(|f| f.iter().any(|x| x.eq_ignore_ascii_case(c)))
        })
        .collect();
    let mut features: Vec<Feature> = Vec::new();
    for name in wanted {
        let f = super::table::decode_feature(column(name)?, &used, options.bins)
            .map_err(|e| polars_err(path, name, e))?;
        features.push(f);
    }
    Ok(EvalTable {
        dataset: DatasetInfo {
            path: path.to_path_buf(),
            rows: file_rows,
            used_rows: file_rows,
            excluded_null_label: 0,
            sha256,
            examples: Some(n),
        },
        task: Task::Graded,
        label_column: String::new(),
        id_column: id,
        target: Arc::new(Target::Values(vec![1.0; n])),
        classes: Vec::new(),
        models,
        features: Arc::new(features),
        row_index: Arc::new(used),
        threshold: 0.5,
        cluster_column: clusters.as_ref().map(|c| c.0.clone()),
        clusters: clusters.map(|c| Arc::new(c.1)),
        params: super::table::MetricParams::default(),
        queries: None,
        mask_spare: Arc::default(),
        group_ids_spare: Arc::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_averaged_per_example() {
        let df = df!(
            "id" => ["a", "a", "a", "b", "b", "c"],
            "run" => [1i64, 2, 3, 1, 2, 1],
            "pass_m" => ["pass", "fail", "pass", "fail", "fail", "pass"],
            "score_m" => [8.0, 4.0, 9.0, 2.0, 3.0, 7.0],
            "topic" => ["x", "x", "x", "y", "y", "x"]
        )
        .unwrap();
        let p = Path::new("g.csv");
        assert!(is_graded(p, &df, &Mapping::default()));
        let wide = prepare(p, df, &Mapping::default()).unwrap();
        assert_eq!(wide.height(), 3);
        let t = decode(
            p,
            &wide,
            String::new().into(),
            &Mapping::default(),
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(t.task, Task::Graded);
        let g = t.models[0].grades.as_deref().unwrap();
        let pass = g.pass.as_ref().unwrap();
        assert!((pass[0] - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(pass[1], 0.0);
        assert_eq!(g.pass_runs, vec![3, 2, 1]);
        assert_eq!(g.passes, vec![2.0, 0.0, 1.0]);
        assert!((g.score.as_ref().unwrap()[0] - 7.0).abs() < 1e-12);
        assert!((g.pass_var[0] - 1.0 / 3.0).abs() < 1e-12);
        assert!(g.pass_var[2].is_nan());
        assert_eq!(t.features.len(), 1);
        // Re-decoding the per-example frame gives the same grades.
        let again = prepare(p, wide.clone(), &Mapping::default()).unwrap();
        let t2 = decode(
            p,
            &again,
            String::new().into(),
            &Mapping::default(),
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(t2.models[0].grades.as_deref().unwrap().passes, g.passes);
    }

    #[test]
    fn long_files_widen() {
        let df = df!(
            "id" => ["a", "a", "b", "b"],
            "model" => ["m1", "m2", "m1", "m2"],
            "pass" => [true, false, true, true],
            "response" => ["r1", "r2", "r3", "r4"]
        )
        .unwrap();
        let p = Path::new("long.jsonl");
        assert!(is_graded(p, &df, &Mapping::default()));
        let wide = prepare(p, df, &Mapping::default()).unwrap();
        let t = decode(
            p,
            &wide,
            String::new().into(),
            &Mapping::default(),
            &LoadOptions::default(),
        )
        .unwrap();
        let names: Vec<&str> = t.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["m1", "m2"]);
        assert_eq!(
            t.models[1]
                .grades
                .as_deref()
                .unwrap()
                .pass
                .as_ref()
                .unwrap(),
            &vec![0.0, 1.0]
        );
        assert_eq!(t.models[0].columns.texts, vec!["response_m1".to_string()]);
    }

    #[test]
    fn bad_grades_are_named() {
        let df = df!("id" => ["a", "b"], "pass_m" => ["pass", "maybe"]).unwrap();
        let p = Path::new("g.csv");
        let e = prepare(p, df, &Mapping::default()).unwrap_err().to_string();
        assert!(e.contains("row 2") && e.contains("\"maybe\""), "{e}");
        let df = df!("id" => ["a", "a"], "run" => [1i64, 2], "pass_m" => [1i64, 0], "cl" => [Some("x"), None::<&str>]).unwrap();
        let wide = prepare(p, df, &Mapping::default()).unwrap();
        let m = Mapping {
            cluster: Some("cl".into()),
            ..Default::default()
        };
        assert!(decode(p, &wide, String::new().into(), &m, &LoadOptions::default()).is_ok());
    }
}
