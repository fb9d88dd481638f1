//! Opening an evaluation: read the file, decode it by its task (a graded
//! evaluation is made one row per example first), and add the derived text
//! features. The window, the command line and the tests all open files here.

use std::path::Path;

use polars::prelude::*;

use super::file_hash::FileHash;
use super::roles::{self, Mapping};
use super::table::{self, EvalTable, LoadOptions, Loaded};
use super::{compact, graded, read, text_features};
use crate::error::Result;

/// Reads, checks and decodes one evaluation file.
pub fn load(path: &Path, mapping: &Mapping, options: &LoadOptions) -> Result<Loaded> {
    if !options.keep_frame
        && read::Format::from_path(path)? == read::Format::Parquet
        && !graded::names_are_graded(path, &read::parquet_column_names(path)?, mapping)
    {
        return table::load_streaming(path, mapping, options);
    }
    let start = std::time::Instant::now();
    // Derived text features (`len(prompt)`) need the text column they come from.
    let wanted: Option<Vec<String>> = options.features.as_ref().map(|features| {
        features
            .iter()
            .cloned()
            .chain(
                features
                    .iter()
                    .filter_map(|f| text_features::source_column(f, mapping)),
            )
            .collect()
    });
    let deferred = deferred_columns(path, mapping, options);
    let selector = wanted.as_ref().map(|features| {
        move |names: &[String]| roles::needed_columns(path, names, mapping, features)
    });
    let skip_deferred = all_but(deferred.clone());
    let read_options = read::ReadOptions {
        compact: reads_compacted(path, mapping, options),
        ..options.read.clone()
    };
    let select: Option<read::Selector> = match &selector {
        Some(f) => Some(f),
        None if !deferred.is_empty() => Some(&skip_deferred),
        None => None,
    };
    let (frame, sha) = read::read_frame_projected(path, select, &read_options)?;
    let read_time = start.elapsed();
    let start = std::time::Instant::now();
    let (table, frame) = decode_frame_without(path, frame, &deferred, sha, mapping, options)?;
    let features_deferred = leaves_features(&table, &deferred);
    Ok(Loaded {
        frame,
        table,
        deferred,
        features_deferred,
        read_time,
        decode_time: start.elapsed(),
    })
}

/// The columns of `path` a load leaves for later ([`LoadOptions::defer_id`]):
/// the id column of a Parquet file read compacted (one row per example, not
/// graded), when no feature list is asked for (a derived `len(id)` would read
/// it) and no other column bears its name; with [`LoadOptions::defer_features`]
/// also every column that is not the label's, the query's or a model's, when
/// no cluster column or described text feature reads one of them as the load
/// decodes and no two columns share a name.
pub fn deferred_columns(path: &Path, mapping: &Mapping, options: &LoadOptions) -> Vec<String> {
    if !options.defer_id || options.features.is_some() || !reads_compacted(path, mapping, options) {
        return Vec::new();
    }
    let Ok(names) = read::parquet_column_names(path) else {
        return Vec::new();
    };
    let once = |name: &String| names.iter().filter(|n| *n == name).count() == 1;
    let mut deferred = match roles::id_column(path, &names, mapping) {
        Ok(Some(id)) if once(&id) => vec![id],
        _ => Vec::new(),
    };
    if options.defer_features
        && mapping.cluster.is_none()
        && mapping.describe.is_empty()
        && names.iter().all(once)
    {
        let needed = roles::needed_columns(path, &names, mapping, &[]);
        let features: Vec<String> = names
            .iter()
            .filter(|n| !needed.contains(n) && !deferred.contains(n))
            .cloned()
            .collect();
        deferred.extend(features);
    }
    deferred
}

/// Whether a load that left the `deferred` columns out left features among
/// them ([`LoadOptions::defer_features`]): any column but the table's id.
pub fn leaves_features(table: &EvalTable, deferred: &[String]) -> bool {
    deferred.iter().any(|c| table.id_column.as_ref() != Some(c))
}

/// The table of a load that left its features for later
/// ([`LoadOptions::defer_features`]) with them decoded from `whole`, the frame
/// with every column ([`super::kept_frame::KeptFrame::read`]), and the derived
/// text features added: the table and frame a load without deferral makes.
pub fn decode_deferred_features(
    table: &EvalTable,
    whole: &DataFrame,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<(EvalTable, DataFrame)> {
    let path = table.dataset.path.as_path();
    let names: Vec<String> = whole
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    // The roles the load's decode set apart from the features.
    let query = roles::query_column(path, &names, mapping)?;
    let mut role_cols: Vec<&str> = vec![table.label_column.as_str()];
    role_cols.extend(table.id_column.as_deref());
    role_cols.extend(query.as_deref());
    for m in &table.models {
        role_cols.extend(m.columns.columns());
    }
    let wanted = table::feature_columns(path, &names, &role_cols, mapping, options)?;
    let features =
        table::decode_features(path, &wanted, Some(whole), None, &table.row_index, options)?;
    let mut table = table.clone();
    table.features = std::sync::Arc::new(features);
    derive_text_features(table, whole.clone(), mapping, options)
}

/// `table` with the derived text features (`len(prompt)`) of `frame`'s text
/// columns, and `frame` with their columns.
fn derive_text_features(
    mut table: EvalTable,
    mut frame: DataFrame,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<(EvalTable, DataFrame)> {
    text_features::derive(
        &mut table,
        &mut frame,
        mapping,
        options.bins,
        options.features.as_deref(),
    )?;
    Ok((table, frame))
}

/// A column selector that keeps every column but `left_out` (the deferred ones).
pub fn all_but(left_out: Vec<String>) -> impl Fn(&[String]) -> Vec<String> {
    move |names: &[String]| {
        names
            .iter()
            .filter(|n| !left_out.contains(n))
            .cloned()
            .collect()
    }
}

/// Whether a file is compacted as it is read ([`read::ReadOptions::compact`]):
/// a Parquet file of one row per example whose frame is kept, and so
/// compacted right after reading anyway.
pub fn reads_compacted(path: &Path, mapping: &Mapping, options: &LoadOptions) -> bool {
    options.keep_frame
        && matches!(read::Format::from_path(path), Ok(read::Format::Parquet))
        && options
            .read
            .format
            .is_none_or(|f| f == read::Format::Parquet)
        && read::parquet_column_names(path).is_ok_and(|names| {
            !graded::names_are_graded(path, &names, mapping)
                && roles::find_column(&names, "model").is_none()
        })
}

/// Decodes a frame of any task. A graded evaluation is first made one row per
/// example (runs averaged, a long file widened); the frame returned is the one
/// the table's rows index.
pub fn decode_frame(
    path: &Path,
    frame: DataFrame,
    sha256: FileHash,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<(EvalTable, DataFrame)> {
    decode_frame_without(path, frame, &[], sha256, mapping, options)
}

/// [`decode_frame`] of a frame from which the file's columns `absent` were
/// left out ([`deferred_columns`]).
pub fn decode_frame_without(
    path: &Path,
    frame: DataFrame,
    absent: &[String],
    sha256: FileHash,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<(EvalTable, DataFrame)> {
    let (table, frame) = if graded::is_graded(path, &frame, mapping) {
        let rows = frame.height();
        let raw = !frame
            .get_column_names()
            .iter()
            .any(|c| graded::is_companion(c));
        let wide = graded::prepare(path, frame, mapping)?;
        let mut table = graded::decode(path, &wide, sha256, mapping, options)?;
        if raw {
            // The file's own rows (runs, or one row per model in a long file).
            table.dataset.rows = rows;
            table.dataset.used_rows = rows;
        }
        (table, wide)
    } else {
        // The window keeps the frame: compact it before decoding, so the file's
        // wide columns and the decoded table are never held together.
        let frame = if options.keep_frame {
            compact::compact(frame).map_err(|e| crate::error::Error::BadColumn {
                path: path.to_path_buf(),
                column: "(frame)".into(),
                detail: read::polars_message(&e),
            })?
        } else {
            frame
        };
        (
            table::decode_without(path, &frame, absent, sha256, mapping, options)?,
            frame,
        )
    };
    derive_text_features(table, frame, mapping, options)
}

/// Decodes a frame of any task into its table (the frame's rows as they are).
pub fn decode(
    path: &Path,
    frame: &DataFrame,
    sha256: FileHash,
    mapping: &Mapping,
    options: &LoadOptions,
) -> Result<EvalTable> {
    decode_frame(path, frame.clone(), sha256, mapping, options).map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary frame's table, labels and predictions as text (None: null).
    fn binary_table(label: &[Option<&str>], pred: &[Option<&str>]) -> Result<EvalTable> {
        let n = label.len();
        let frame = DataFrame::new(
            n,
            vec![
                Column::new("label".into(), label.to_vec()),
                Column::new("pred_m".into(), pred.to_vec()),
            ],
        )
        .unwrap();
        decode(
            Path::new("t.csv"),
            &frame,
            FileHash::of("0"),
            &Mapping::default(),
            &LoadOptions::default(),
        )
    }

    #[test]
    fn labels_and_predictions_become_classes_with_and_without_a_null_label() {
        // Every row labelled: the codes' buffers become the classes in place.
        let t = binary_table(
            &[Some("yes"), Some("no"), Some("yes"), Some("no")],
            &[Some("no"), Some("no"), None, Some("yes")],
        )
        .unwrap();
        assert_eq!(t.classes, ["no", "yes"]);
        assert!(matches!(&*t.target, table::Target::Classes(c) if c == &[1, 0, 1, 0]));
        assert!(
            matches!(t.models[0].pred(), table::Prediction::Classes(p) if p == &[0, 0, crate::load::encode::NULL_CODE, 1])
        );
        // A null label: only the labelled rows, picked.
        let t = binary_table(
            &[Some("yes"), None, Some("yes"), Some("no")],
            &[Some("no"), Some("yes"), None, Some("yes")],
        )
        .unwrap();
        assert_eq!(*t.row_index, [0, 2, 3]);
        assert!(matches!(&*t.target, table::Target::Classes(c) if c == &[1, 1, 0]));
        assert!(
            matches!(t.models[0].pred(), table::Prediction::Classes(p) if p == &[0, crate::load::encode::NULL_CODE, 1])
        );
    }

    #[test]
    fn a_prediction_of_no_class_is_refused_at_its_first_row_either_way() {
        let label = [Some("yes"), Some("no"), Some("yes"), Some("no")];
        let pred = [Some("no"), Some("maybe"), Some("yes"), Some("perhaps")];
        for label in [&label[..], &[Some("yes"), None, Some("yes"), Some("no")]] {
            let err = binary_table(label, &pred).unwrap_err();
            let row = if label[1].is_some() { 2 } else { 4 };
            assert!(
                matches!(&err, crate::error::Error::BadValue { row: r, column, .. } if *r == row && column == "pred_m"),
                "{err}"
            );
        }
    }
}
