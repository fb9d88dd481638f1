//! Reading a Parquet file's 64-bit integer columns straight into 32-bit ones
//! when every value fits. Labels, classes, ages and counts are stored as INT64
//! by most writers; read through polars, every row takes eight bytes of fresh
//! pages (80 MB a column at 10M rows) that [`super::compact`] then narrows to
//! four and frees. Decoding one row group at a time and narrowing it into the
//! column's one buffer makes the same `Int32` column from a row group's worth
//! of wide values. Values and nulls are unchanged; a column with any value
//! outside 32 bits is left to the caller's read, as compaction leaves it.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use polars::prelude::*;
use polars_arrow::array::PrimitiveArray;
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_parquet::read::{FileMetadata, PhysicalType};

use crate::control::Control;

use super::column_chunks::{Validity, read_each, row_group_arrays};

/// The columns among `names` (64-bit integers in the file's schema) whose every
/// value fits in 32 bits, read as `Int32`. A column missing from the answer
/// (a value too wide, a chunk of another type) is read by the caller.
pub fn read_narrow_integers(
    path: &Path,
    metadata: &FileMetadata,
    names: &[String],
    control: &Control,
) -> HashMap<String, Column> {
    read_each(names, metadata.num_rows, control, |name| {
        read_narrow(path, metadata, name, control)
    })
}

/// One column as `Int32`, or None when it cannot be read as one.
fn read_narrow(
    path: &Path,
    metadata: &FileMetadata,
    name: &str,
    control: &Control,
) -> PolarsResult<Option<Column>> {
    let mut file = File::open(path)?;
    let field = ArrowField::new(name.into(), ArrowDataType::Int64, true);
    let rows = metadata.num_rows;
    let mut values: Vec<i32> = Vec::with_capacity(rows);
    let mut validity = Validity::default();
    for group in &metadata.row_groups {
        let Some(arrays) =
            row_group_arrays(&mut file, group, name, &field, PhysicalType::Int64, control)?
        else {
            return Ok(None);
        };
        for array in arrays {
            let Some(wide) = array.as_any().downcast_ref::<PrimitiveArray<i64>>() else {
                return Ok(None);
            };
            // Null slots included: their value is whatever the decoder wrote,
            // and one too wide only leaves the column to the caller.
            let start = values.len();
            values.extend(wide.values().iter().map(|&v| v as i32));
            if wide
                .values()
                .iter()
                .zip(&values[start..])
                .any(|(&v, &n)| i64::from(n) != v)
            {
                return Ok(None);
            }
            validity.extend(wide.validity(), wide.len());
        }
    }
    if values.len() != rows {
        return Ok(None);
    }
    let column = Int32Chunked::from_vec_validity(name.into(), values, validity.finish());
    Ok(Some(column.into_series().into_column()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::compact::testing::{assert_same_column, parquet_file};

    #[test]
    fn integers_read_narrow_as_compaction_narrows_them() {
        let n = 1_000;
        let small: Vec<i64> = (0..n as i64).map(|i| i % 7 - 3).collect();
        let extremes: Vec<i64> = (0..n as i64)
            .map(|i| [i64::from(i32::MIN), i64::from(i32::MAX), i][(i % 3) as usize])
            .collect();
        // Nulls in one row group only, and a row group of nulls.
        let nullable: Vec<Option<i64>> = (0..n as i64)
            .map(|i| (!(300..400).contains(&i) && i % 11 != 0 || i < 100).then_some(i * 1000))
            .collect();
        let wide: Vec<i64> = (0..n as i64)
            .map(|i| if i == 950 { 1 << 40 } else { i })
            .collect();
        let score: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new("small".into(), small),
                Column::new("extremes".into(), extremes),
                Column::new("nullable".into(), nullable),
                Column::new("wide".into(), wide),
                Column::new("score".into(), score),
            ],
        )
        .unwrap();
        let path = parquet_file("narrow-integers", &mut df, Some(100));
        let mut reader = ParquetReader::new(File::open(&path).unwrap());
        let metadata = reader.get_metadata().unwrap().clone();
        let as_read = reader.finish().unwrap();
        let names: Vec<String> = ["small", "extremes", "nullable", "wide", "score"]
            .map(String::from)
            .to_vec();
        let narrow = read_narrow_integers(&path, &metadata, &names, &Control::none());
        std::fs::remove_file(&path).unwrap();
        // The wide column (one value past 32 bits) and the floats are left.
        let mut read: Vec<&str> = narrow.keys().map(String::as_str).collect();
        read.sort();
        assert_eq!(read, ["extremes", "nullable", "small"]);
        // The same columns as compacting what polars reads.
        let compacted = crate::load::compact::compact(as_read).unwrap();
        for (name, column) in &narrow {
            assert_eq!(column.dtype(), &DataType::Int32);
            assert_same_column(compacted.column(name).unwrap(), column);
        }
        assert_eq!(
            narrow["nullable"].null_count(),
            compacted.column("nullable").unwrap().null_count()
        );
        assert!(narrow["nullable"].null_count() > 100);
    }
}
