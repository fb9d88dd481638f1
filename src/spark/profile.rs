//! What a Spark source holds, inferred as for a file: the schema, a first
//! aggregate (rows, labelled rows, distinct labels) and a small sample of rows
//! holding every label value, decoded by the file decoder itself. The sample
//! decides nothing the whole table could contradict: the task comes from the
//! distinct count over all rows, and the counts query checks predictions and
//! scores over all rows again.

use std::path::Path;

use polars::prelude::{Column, DataFrame};
use spark_connect::row::Value;
use spark_connect::types::DataType;

use super::client::{Client, text_of, u64_of};
use super::source::quote;
use crate::error::{Error, Result};
use crate::load::roles::{self, Mapping, Task};
use crate::load::table::{DatasetInfo, EvalTable, LoadOptions};

/// Label values read per class for the sample.
const SAMPLE_PER_LABEL: usize = 20;
/// Above this many distinct labels the sample is the first rows (regression).
const MAX_SAMPLED_LABELS: u64 = 1000;
/// A numeric label with more distinct values than this is a regression target
/// (as the file decoder decides from all rows).
const MAX_CLASSES: u64 = 50;

/// A Spark source's roles: an [`EvalTable`] with the decoded metadata (task,
/// classes, models, features) and no rows, plus the Spark types of its columns.
#[derive(Clone)]
pub struct Profile {
    pub table: EvalTable,
    pub columns: Vec<(String, DataType)>,
    pub relation: String,
    /// The predicate that keeps labelled rows (SQL).
    pub labelled: String,
    /// Numeric slice columns: their slice expressions and value order.
    pub slicing: std::collections::HashMap<String, SliceValues>,
}

/// How one numeric column's values become slice values.
#[derive(Debug, Clone)]
pub struct SliceValues {
    /// A SQL expression with the slice text (NULL for a missing value).
    pub expr: String,
    /// The slice values in the in-memory engine's order (bins, or values by size).
    pub order: Vec<String>,
}

impl Profile {
    /// The order of a slice column's values, where it is not their text order.
    pub fn level_order(&self, column: &str) -> Option<&[String]> {
        self.slicing.get(column).map(|s| s.order.as_slice())
    }

    pub fn dtype(&self, column: &str) -> Option<&DataType> {
        self.columns
            .iter()
            .find(|(n, _)| n == column)
            .map(|(_, t)| t)
    }
}

/// Reads the roles of a Spark source; `features` are the columns to slice by
/// (None: every column that holds no role).
pub fn profile(
    client: &Client,
    mapping: &Mapping,
    features: Option<&[String]>,
    bins: usize,
) -> Result<Profile> {
    let source = client.source();
    let relation = source.relation()?;
    let columns = client.columns(&relation)?;
    let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    let display = source.display();
    let path = Path::new(&display);
    let label = roles::label_column(path, &names, mapping)?;
    let label_type = columns
        .iter()
        .find(|(n, _)| *n == label)
        .map(|(_, t)| t.clone())
        .unwrap_or(DataType::Null);
    let ql = quote(&label);
    let labelled = if is_float(&label_type) {
        format!("{ql} IS NOT NULL AND NOT isnan({ql})")
    } else {
        format!("{ql} IS NOT NULL")
    };
    let first = client.answer(&format!(
        "SELECT count(*), count_if({labelled}), count(DISTINCT {ql}) FROM {relation}"
    ))?;
    let row = first.first();
    let get = |i: usize| u64_of(row.and_then(|r| r.get(i)));
    let (rows, used, distinct) = (get(0), get(1), get(2));
    if used == 0 {
        return Err(client.error(format!(
            "no row has a label in column {label:?} ({rows} rows)"
        )));
    }
    let sample_sql = if distinct <= MAX_SAMPLED_LABELS {
        format!(
            "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {ql} ORDER BY {ql}) AS `__faultline_rn` \
             FROM {relation} WHERE {labelled}) WHERE `__faultline_rn` <= {SAMPLE_PER_LABEL}"
        )
    } else {
        format!("SELECT * FROM {relation} WHERE {labelled} LIMIT 1000")
    };
    let sample = client.rows(&sample_sql)?;
    let frame = frame_of(&columns, &sample).map_err(|e| client.error(e))?;
    let mut mapping = mapping.clone();
    if mapping.task.is_none() && is_numeric(&label_type) && distinct > MAX_CLASSES {
        mapping.task = Some(Task::Regression);
    }
    let options = LoadOptions {
        bins,
        features: features.map(<[String]>::to_vec),
        keep_frame: false,
        ..LoadOptions::default()
    };
    let mut table =
        crate::load::open::decode(path, &frame, String::new().into(), &mapping, &options)?;
    if !matches!(
        table.task,
        Task::Binary | Task::Multiclass | Task::Regression
    ) {
        return Err(Error::Usage(format!(
            "{display}: a {} evaluation cannot be read from Spark yet (binary, multiclass and regression can)",
            table.task.as_str()
        )));
    }
    table.dataset = DatasetInfo {
        path: display.clone().into(),
        rows: rows as usize,
        used_rows: used as usize,
        excluded_null_label: (rows - used) as usize,
        sha256: String::new().into(),
        examples: None,
    };
    Ok(Profile {
        table,
        columns,
        relation,
        labelled,
        slicing: Default::default(),
    })
}

pub fn is_float(t: &DataType) -> bool {
    matches!(t, DataType::Float | DataType::Double)
}

pub fn is_numeric(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Byte
            | DataType::Short
            | DataType::Integer
            | DataType::Long
            | DataType::Float
            | DataType::Double
            | DataType::Decimal { .. }
    )
}

pub fn is_text(t: &DataType) -> bool {
    matches!(
        t,
        DataType::String { .. } | DataType::Char { .. } | DataType::Varchar { .. }
    )
}

/// The sample as a polars frame, typed from the Spark schema (columns of other
/// types, such as dates or arrays, are left out: they cannot hold a role).
fn frame_of(
    columns: &[(String, DataType)],
    rows: &[spark_connect::row::Row],
) -> Result<DataFrame, String> {
    let mut cols: Vec<Column> = Vec::new();
    for (i, (name, dtype)) in columns.iter().enumerate() {
        fn cell(r: &spark_connect::row::Row, i: usize) -> Option<&Value> {
            r.get(i).filter(|v| !v.is_null())
        }
        let col = match dtype {
            DataType::Boolean => Column::new(
                name.as_str().into(),
                rows.iter()
                    .map(|r| cell(r, i).and_then(Value::as_bool))
                    .collect::<Vec<Option<bool>>>(),
            ),
            DataType::Byte | DataType::Short | DataType::Integer | DataType::Long => Column::new(
                name.as_str().into(),
                rows.iter()
                    .map(|r| cell(r, i).and_then(Value::as_i64))
                    .collect::<Vec<Option<i64>>>(),
            ),
            DataType::Float | DataType::Double | DataType::Decimal { .. } => Column::new(
                name.as_str().into(),
                rows.iter()
                    .map(|r| cell(r, i).map(|v| super::client::f64_of(Some(v))))
                    .collect::<Vec<Option<f64>>>(),
            ),
            t if is_text(t) => Column::new(
                name.as_str().into(),
                rows.iter()
                    .map(|r| text_of(cell(r, i)))
                    .collect::<Vec<Option<String>>>(),
            ),
            _ => continue,
        };
        cols.push(col);
    }
    DataFrame::new(rows.len(), cols).map_err(|e| format!("cannot read the sample rows: {e}"))
}
