//! Models from separate files, joined on an id column, and the "long" layout (a
//! `model` column, one row per example and model). The integrity report counts ids
//! found in only some files, duplicate ids and rows whose labels disagree, so that
//! nothing is dropped silently; it is shown before any number.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::load::file_hash::FileHash;
use foldhash::fast::RandomState;
use polars::prelude::*;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::load::roles::{self, Mapping, Task};
use crate::load::table::{self, EvalTable, LoadOptions};
use crate::load::{encode, read};

/// What the join kept and what it could not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JoinReport {
    /// `(source, rows, duplicate ids)` per input (file, or model in a long file).
    pub sources: Vec<(String, usize, usize)>,
    /// Distinct ids seen anywhere.
    pub ids_total: usize,
    /// Ids present in every input: the rows compared.
    pub joined: usize,
    /// Ids missing from at least one input (left out of the comparison).
    pub only_in_some: usize,
    /// Joined ids whose label differs between inputs (the first input's label is used).
    pub label_disagreements: usize,
    pub id_column: String,
    /// Graded logs stacked per model: an id in only some files is graded only by
    /// their models (pairs need both), and there is no label to disagree on.
    pub graded: bool,
}

impl JoinReport {
    pub fn to_json(&self) -> Value {
        json!({
            "id_column": self.id_column,
            "sources": self.sources.iter().map(|(s, r, d)| json!({"source": s, "rows": r, "duplicate_ids": d})).collect::<Vec<_>>(),
            "ids_total": self.ids_total,
            "joined": self.joined,
            "ids_in_only_some_inputs": self.only_in_some,
            "label_disagreements": self.label_disagreements,
        })
    }

    pub fn summary(&self) -> String {
        if self.graded {
            return format!(
                "Graded logs joined on {:?}: {} files, {} ids in all, {} in every file (compared in pairs), {} in only some files (graded only by their models)",
                self.id_column,
                self.sources.len(),
                self.ids_total,
                self.joined,
                self.only_in_some
            );
        }
        let dups: usize = self.sources.iter().map(|s| s.2).sum();
        format!(
            "Join on {:?}: {} ids in all, {} in every input and compared, {} in only some inputs (left out), {} duplicate ids (first row kept), {} label disagreements (first input's label used)",
            self.id_column,
            self.ids_total,
            self.joined,
            self.only_in_some,
            dups,
            self.label_disagreements
        )
    }
}

/// A loaded evaluation: the decoded table, the frame its rows come from (the joined
/// one, for several inputs) and the join's report.
pub struct Joined {
    pub table: EvalTable,
    pub frame: DataFrame,
    /// The file's columns left out of `frame` for now ([`LoadOptions::defer_id`]).
    pub deferred: Vec<String>,
    /// Whether features are among them ([`LoadOptions::defer_features`]).
    pub features_deferred: bool,
    pub report: Option<JoinReport>,
}

/// Loads one file (wide or long layout) or joins several on the id column.
pub fn load_joined(files: &[PathBuf], mapping: &Mapping, options: &LoadOptions) -> Result<Joined> {
    match files {
        [] => Err(Error::Usage("no file given".into())),
        [one] => {
            let read_options = read::ReadOptions {
                compact: crate::load::open::reads_compacted(one, mapping, options),
                ..options.read.clone()
            };
            let deferred = crate::load::open::deferred_columns(one, mapping, options);
            let skip_deferred = crate::load::open::all_but(deferred.clone());
            let select: Option<read::Selector> = (!deferred.is_empty()).then_some(&skip_deferred);
            let (frame, sha) = read::read_frame_projected(one, select, &read_options)?;
            let names: Vec<String> = frame
                .get_column_names()
                .iter()
                .map(|c| c.to_string())
                .collect();
            if let Some(model_col) = roles::find_column(&names, "model").map(str::to_string)
                && !crate::load::graded::is_graded(one, &frame, mapping)
            {
                return load_long(one, frame, sha, &model_col, mapping, options);
            }
            let (table, frame) = crate::load::open::decode_frame_without(
                one, frame, &deferred, sha, mapping, options,
            )?;
            Ok(Joined {
                features_deferred: crate::load::open::leaves_features(&table, &deferred),
                table,
                frame,
                deferred,
                report: None,
            })
        }
        many => {
            let mut inputs = Vec::new();
            for f in many {
                let (frame, sha) = read::read_frame_projected(f, None, &options.read)?;
                let stem = f
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("model")
                    .to_string();
                inputs.push(Input {
                    name: f.display().to_string(),
                    path: f.clone(),
                    sha,
                    frame,
                    model_name: stem,
                });
            }
            if inputs
                .iter()
                .all(|i| crate::load::graded::is_graded(&i.path, &i.frame, mapping))
            {
                return stack_graded(inputs, mapping, options);
            }
            join_inputs(&many[0], inputs, mapping, options, false)
        }
    }
}

struct Input {
    name: String,
    path: PathBuf,
    sha: FileHash,
    frame: DataFrame,
    /// The name of a model whose columns carry none (file stem, or the long file's model value).
    model_name: String,
}

fn load_long(
    path: &Path,
    frame: DataFrame,
    sha: FileHash,
    model_col: &str,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<Joined> {
    let err = |e: PolarsError| Error::BadColumn {
        path: path.to_path_buf(),
        column: model_col.to_string(),
        detail: e.to_string(),
    };
    let models = encode::encode_categorical(frame.column(model_col).map_err(err)?).map_err(err)?;
    if models.levels.is_empty() {
        return Err(Error::BadColumn {
            path: path.to_path_buf(),
            column: model_col.into(),
            detail: "no model names".into(),
        });
    }
    let mut inputs = Vec::new();
    for (k, name) in models.levels.iter().enumerate() {
        let mask: BooleanChunked = models.codes.iter().map(|&c| c == k as u32).collect();
        let part = frame
            .filter(&mask)
            .map_err(err)?
            .drop(model_col)
            .map_err(err)?;
        inputs.push(Input {
            name: format!("model {name}"),
            path: path.to_path_buf(),
            sha: sha.clone(),
            frame: part,
            model_name: name.clone(),
        });
    }
    join_inputs(path, inputs, mapping, options, true)
}

/// Output column names of one input's model columns: `pred_NAME`, `score_NAME`.
fn model_parts(input: &Input, mapping: &Mapping, long: bool) -> Result<Vec<(String, String)>> {
    let names: Vec<String> = input
        .frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let label = roles::label_column(&input.path, &names, mapping)?;
    let id = roles::id_column(&input.path, &names, mapping)?.unwrap_or_default();
    let found = roles::model_columns(
        &input.path,
        &names,
        &[label.as_str(), id.as_str()],
        &Mapping {
            preds: mapping.preds.clone(),
            scores: mapping.scores.clone(),
            ..Default::default()
        },
        Task::Binary,
        &[],
        &input.model_name,
    )?;
    let mut out = Vec::new();
    for m in found {
        // In a long file every row group is one model: its columns take that name.
        let name = if long {
            input.model_name.clone()
        } else {
            m.name.clone()
        };
        if let Some(p) = m.pred {
            out.push((p, format!("pred_{name}")));
        }
        if let Some(s) = m.score {
            out.push((s, format!("score_{name}")));
        }
    }
    Ok(out)
}

fn join_inputs(
    first: &Path,
    inputs: Vec<Input>,
    mapping: &Mapping,
    options: &LoadOptions,
    long: bool,
) -> Result<Joined> {
    let polars_err = |path: &Path, column: &str, e: PolarsError| Error::BadColumn {
        path: path.to_path_buf(),
        column: column.to_string(),
        detail: e.to_string(),
    };
    // Ids as text per input, with duplicates counted.
    let mut id_column = String::new();
    let mut maps: Vec<HashMap<String, usize, RandomState>> = Vec::new();
    let mut report = JoinReport::default();
    let mut order: Vec<String> = Vec::new();
    let mut seen_any: HashMap<String, usize, RandomState> = HashMap::default();
    for input in &inputs {
        let names: Vec<String> = input
            .frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let id = roles::id_column(&input.path, &names, mapping)?.ok_or_else(|| Error::MissingColumn {
            path: input.path.clone(),
            column: mapping.id.clone().unwrap_or_else(|| "id".into()),
            hint: "joining needs an id column in every input: name it id, example_id, row_id or uid, or pass --id COL".into(),
        })?;
        id_column = id.clone();
        let s = input
            .frame
            .column(&id)
            .map_err(|e| polars_err(&input.path, &id, e))?
            .as_materialized_series()
            .cast(&DataType::String)
            .map_err(|e| polars_err(&input.path, &id, e))?;
        let ca = s.str().map_err(|e| polars_err(&input.path, &id, e))?;
        let mut map: HashMap<String, usize, RandomState> = HashMap::default();
        let mut dups = 0;
        for (r, v) in ca.iter().enumerate() {
            let Some(v) = v else {
                return Err(Error::BadValue {
                    path: input.path.clone(),
                    column: id.clone(),
                    row: r + 1,
                    detail: "the id is missing".into(),
                });
            };
            if map.contains_key(v) {
                dups += 1;
                continue;
            }
            map.insert(v.to_string(), r);
            if !seen_any.contains_key(v) {
                seen_any.insert(v.to_string(), 0);
                order.push(v.to_string());
            }
            *seen_any.get_mut(v).unwrap_or(&mut 0) += 1;
        }
        report
            .sources
            .push((input.name.clone(), input.frame.height(), dups));
        maps.push(map);
    }
    let joined: Vec<&String> = order
        .iter()
        .filter(|id| maps.iter().all(|m| m.contains_key(*id)))
        .collect();
    report.ids_total = order.len();
    report.joined = joined.len();
    report.only_in_some = order.len() - joined.len();
    report.id_column = id_column.clone();
    if joined.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no id is present in every input; {}",
            first.display(),
            report.summary()
        )));
    }
    // Align every input on the joined ids.
    let mut aligned: Vec<DataFrame> = Vec::new();
    for (input, map) in inputs.iter().zip(&maps) {
        let idx = IdxCa::from_vec(
            "idx".into(),
            joined.iter().map(|id| map[*id] as IdxSize).collect(),
        );
        aligned.push(
            input
                .frame
                .take(&idx)
                .map_err(|e| polars_err(&input.path, &id_column, e))?,
        );
    }
    // Labels must agree; the first input's stands.
    let first_names: Vec<String> = aligned[0]
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let label = roles::label_column(&inputs[0].path, &first_names, mapping)?;
    let as_text = |df: &DataFrame, path: &Path, col: &str| -> Result<Vec<Option<String>>> {
        let c = df.column(col).map_err(|e| polars_err(path, col, e))?;
        let e = encode::encode_categorical(c).map_err(|e| polars_err(path, col, e))?;
        Ok(e.codes
            .iter()
            .map(|&k| {
                if k == encode::NULL_CODE {
                    None
                } else {
                    Some(e.levels[k as usize].clone())
                }
            })
            .collect())
    };
    let base_labels = as_text(&aligned[0], &inputs[0].path, &label)?;
    let mut disagree = vec![false; joined.len()];
    for (input, df) in inputs.iter().zip(&aligned).skip(1) {
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        if let Ok(l) = roles::label_column(&input.path, &names, mapping) {
            let other = as_text(df, &input.path, &l)?;
            for (i, (a, b)) in base_labels.iter().zip(&other).enumerate() {
                if a != b {
                    disagree[i] = true;
                }
            }
        }
    }
    report.label_disagreements = disagree.iter().filter(|&&d| d).count();
    // Assemble: id, label, every model's columns, then features from any input.
    let mut cols: Vec<Column> = vec![
        aligned[0]
            .column(&id_column)
            .map_err(|e| polars_err(first, &id_column, e))?
            .clone(),
        aligned[0]
            .column(&label)
            .map_err(|e| polars_err(first, &label, e))?
            .clone()
            .with_name("label".into()),
    ];
    let mut used: Vec<String> = vec![id_column.clone(), "label".into()];
    let mut role_of_input: Vec<Vec<String>> = Vec::new();
    for (input, df) in inputs.iter().zip(&aligned) {
        let parts = model_parts(input, mapping, long)?;
        let mut roles_here = Vec::new();
        for (src, dst) in parts {
            if used.contains(&dst) {
                return Err(Error::Usage(format!(
                    "{}: model column {dst:?} comes from more than one input; give the models distinct names (--pred NAME=COL)",
                    input.name
                )));
            }
            cols.push(
                df.column(&src)
                    .map_err(|e| polars_err(&input.path, &src, e))?
                    .clone()
                    .with_name(dst.as_str().into()),
            );
            roles_here.push(src);
            used.push(dst);
        }
        role_of_input.push(roles_here);
    }
    for ((input, df), roles_here) in inputs.iter().zip(&aligned).zip(&role_of_input) {
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let input_label = roles::label_column(&input.path, &names, mapping).unwrap_or_default();
        for n in names {
            if n == id_column || n == input_label || roles_here.contains(&n) || used.contains(&n) {
                continue;
            }
            cols.push(
                df.column(&n)
                    .map_err(|e| polars_err(&input.path, &n, e))?
                    .clone(),
            );
            used.push(n);
        }
    }
    let frame = DataFrame::new(joined.len(), cols).map_err(|e| polars_err(first, &id_column, e))?;
    let mut m = mapping.clone();
    m.label = Some("label".into());
    m.id = Some(id_column);
    m.preds.clear();
    m.scores.clear();
    // One hash per input file (a long file's models share one).
    let mut hashes: Vec<&str> = inputs.iter().map(|i| i.sha.get()).collect();
    hashes.dedup();
    let sha = hashes.join("+");
    let table = table::decode(first, &frame, sha.into(), &m, options)?;
    Ok(Joined {
        table,
        frame,
        deferred: Vec::new(),
        features_deferred: false,
        report: Some(report),
    })
}

/// Graded logs of several files (each model's run of the same task, as evaluation
/// tools write them) stacked into one long frame: rows keep their file's model
/// (a file without a model column is the model named after the file), a model
/// name that two files share is told apart by the file's name, and the graded
/// loader then pairs the models' rows on the id. The report counts ids that only
/// some files hold (those examples have no grade from the others).
fn stack_graded(inputs: Vec<Input>, mapping: &Mapping, options: &LoadOptions) -> Result<Joined> {
    let first = inputs[0].path.clone();
    let err = |path: &Path, column: &str, e: PolarsError| Error::BadColumn {
        path: path.to_path_buf(),
        column: column.to_string(),
        detail: read::polars_message(&e),
    };
    let mut frames: Vec<DataFrame> = Vec::new();
    let mut report = JoinReport::default();
    let mut models_seen: Vec<String> = Vec::new();
    let mut id_sets: Vec<std::collections::HashSet<String, RandomState>> = Vec::new();
    let mut shas = Vec::new();
    for input in inputs {
        let names: Vec<String> = input
            .frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let mut frame = input.frame;
        let model_col = match roles::find_column(&names, "model") {
            Some(m) => m.to_string(),
            None => {
                if !names.iter().any(|n| {
                    ["pass", "correct", "score"].contains(&n.to_ascii_lowercase().as_str())
                }) {
                    return Err(Error::Usage(format!(
                        "{}: joining graded files needs each in the long layout (a model column, or one model's pass/score columns); this one names its models in its columns, so open it on its own",
                        input.path.display()
                    )));
                }
                let c = Column::new(
                    "model".into(),
                    vec![input.model_name.clone(); frame.height()],
                );
                frame
                    .with_column(c)
                    .map_err(|e| err(&input.path, "model", e))?;
                "model".to_string()
            }
        };
        // Model names: a clash with an earlier file is told apart by this file's name.
        let values: Vec<Option<String>> = frame
            .column(&model_col)
            .and_then(|c| c.as_materialized_series().cast(&DataType::String))
            .map_err(|e| err(&input.path, &model_col, e))?
            .str()
            .map_err(|e| err(&input.path, &model_col, e))?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect();
        let mut mine: Vec<String> = Vec::new();
        for v in values.iter().flatten() {
            if !mine.contains(v) {
                mine.push(v.clone());
            }
        }
        let renamed: Vec<Option<String>> = values
            .into_iter()
            .map(|v| {
                v.map(|m| {
                    if models_seen.contains(&m) {
                        format!("{m} ({})", input.model_name)
                    } else {
                        m
                    }
                })
            })
            .collect();
        for m in renamed.iter().flatten() {
            if !mine.contains(m) {
                mine.push(m.clone());
            }
        }
        models_seen.extend(mine);
        frame
            .replace(&model_col, Column::new(model_col.as_str().into(), renamed))
            .map_err(|e| err(&input.path, &model_col, e))?;
        if model_col != "model" {
            frame
                .rename(&model_col, "model".into())
                .map_err(|e| err(&input.path, &model_col, e))?;
        }
        // Ids, for the report.
        let names: Vec<String> = frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let id = roles::id_column(&input.path, &names, mapping)?.ok_or_else(|| {
            Error::MissingColumn {
                path: input.path.clone(),
                column: "id".into(),
                hint: "joining graded files needs an id column in each (id, doc_id, sample_id)"
                    .into(),
            }
        })?;
        if id != "id" && names.iter().any(|n| n == "id") {
            return Err(Error::Usage(format!(
                "{}: both {id:?} and \"id\" look like the id column; pass --id",
                input.path.display()
            )));
        }
        frame
            .rename(&id, "id".into())
            .map_err(|e| err(&input.path, &id, e))?;
        report.id_column = "id".into();
        report.graded = true;
        let ids = frame
            .column("id")
            .and_then(|c| c.as_materialized_series().cast(&DataType::String))
            .map_err(|e| err(&input.path, "id", e))?;
        let set: std::collections::HashSet<String, RandomState> = ids
            .str()
            .map_err(|e| err(&input.path, "id", e))?
            .iter()
            .flatten()
            .map(str::to_string)
            .collect();
        report.sources.push((input.name.clone(), frame.height(), 0));
        id_sets.push(set);
        shas.push(input.sha);
        frames.push(frame);
    }
    let all: std::collections::HashSet<&String, RandomState> = id_sets.iter().flatten().collect();
    report.ids_total = all.len();
    report.joined = all
        .iter()
        .filter(|id| id_sets.iter().all(|s| s.contains(**id)))
        .count();
    report.only_in_some = report.ids_total - report.joined;
    let stacked = stack_frames(&first, frames)?;
    // Each file's own hash, as a join of wide files keeps them.
    let sha = shas.iter().map(FileHash::get).collect::<Vec<_>>().join("+");
    let (table, frame) =
        crate::load::open::decode_frame(&first, stacked, sha.into(), mapping, options)?;
    Ok(Joined {
        table,
        frame,
        deferred: Vec::new(),
        features_deferred: false,
        report: Some(report),
    })
}

/// Frames stacked by column name: a column missing from a frame is null there, and
/// a column whose types differ between frames is read as numbers when every
/// type is numeric, else as text.
fn stack_frames(path: &Path, frames: Vec<DataFrame>) -> Result<DataFrame> {
    let err = |column: &str, e: PolarsError| Error::BadColumn {
        path: path.to_path_buf(),
        column: column.to_string(),
        detail: read::polars_message(&e),
    };
    let mut names: Vec<String> = Vec::new();
    for f in &frames {
        for n in f.get_column_names() {
            if !names.iter().any(|x| x == n.as_str()) {
                names.push(n.to_string());
            }
        }
    }
    let dtype_of = |name: &str| -> DataType {
        let types: Vec<&DataType> = frames
            .iter()
            .filter_map(|f| f.column(name).ok().map(|c| c.dtype()))
            .filter(|t| **t != DataType::Null)
            .collect();
        match types.first() {
            None => DataType::String,
            Some(t) if types.iter().all(|x| x == t) => (*t).clone(),
            _ if types
                .iter()
                .all(|t| t.is_primitive_numeric() || t.is_bool()) =>
            {
                DataType::Float64
            }
            _ => DataType::String,
        }
    };
    let targets: Vec<(String, DataType)> = names.iter().map(|n| (n.clone(), dtype_of(n))).collect();
    let mut out: Option<DataFrame> = None;
    for f in frames {
        let h = f.height();
        let mut cols = Vec::with_capacity(targets.len());
        for (name, dt) in &targets {
            let c = match f.column(name) {
                Ok(c) => c.cast(dt).map_err(|e| err(name, e))?,
                Err(_) => Column::full_null(name.as_str().into(), h, dt),
            };
            cols.push(c);
        }
        let df = DataFrame::new(h, cols).map_err(|e| err("(stack)", e))?;
        out = Some(match out {
            None => df,
            Some(mut acc) => {
                acc.vstack_mut(&df).map_err(|e| err("(stack)", e))?;
                acc
            }
        });
    }
    out.ok_or_else(|| Error::Usage("no file given".into()))
}
