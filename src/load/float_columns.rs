//! Reading a Parquet file's `DOUBLE` columns into one buffer a column, with NaN
//! in the slot of every null. Read through polars in row ranges, a column is
//! several chunks with zeros under its nulls, so the decoded table copied each
//! model's scores into a buffer of its own (80 MB a model at 10M rows, all of
//! it fresh pages). Read here, the table shares the frame's buffer instead
//! ([`super::table`]'s `shared_scores`). Values and nulls are unchanged.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use polars::prelude::*;
use polars_arrow::array::PrimitiveArray;
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_parquet::read::{FileMetadata, PhysicalType};

use crate::control::Control;

use super::column_chunks::{Validity, read_each, row_group_arrays};

/// The columns among `names` (doubles in the file's schema) read as one chunk
/// each. A column missing from the answer is read by the caller.
pub fn read_floats(
    path: &Path,
    metadata: &FileMetadata,
    names: &[String],
    control: &Control,
) -> HashMap<String, Column> {
    read_each(names, metadata.num_rows, control, |name| {
        read_float(path, metadata, name, control)
    })
}

/// One column as a single `Float64` chunk, or None when it cannot be read as one.
fn read_float(
    path: &Path,
    metadata: &FileMetadata,
    name: &str,
    control: &Control,
) -> PolarsResult<Option<Column>> {
    let mut file = File::open(path)?;
    let field = ArrowField::new(name.into(), ArrowDataType::Float64, true);
    let rows = metadata.num_rows;
    let mut values: Vec<f64> = Vec::with_capacity(rows);
    let mut validity = Validity::default();
    for group in &metadata.row_groups {
        let Some(arrays) = row_group_arrays(
            &mut file,
            group,
            name,
            &field,
            PhysicalType::Double,
            control,
        )?
        else {
            return Ok(None);
        };
        for array in arrays {
            let Some(doubles) = array.as_any().downcast_ref::<PrimitiveArray<f64>>() else {
                return Ok(None);
            };
            match doubles.validity().filter(|v| v.unset_bits() > 0) {
                None => values.extend_from_slice(doubles.values()),
                Some(valid) => values.extend(
                    doubles
                        .values()
                        .iter()
                        .zip(valid.iter())
                        .map(|(&x, ok)| if ok { x } else { f64::NAN }),
                ),
            }
            validity.extend(doubles.validity(), doubles.len());
        }
    }
    if values.len() != rows {
        return Ok(None);
    }
    let column = Float64Chunked::from_vec_validity(name.into(), values, validity.finish());
    Ok(Some(column.into_series().into_column()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::compact::testing::{assert_same_column, parquet_file};

    #[test]
    fn doubles_read_as_one_chunk_with_nan_under_nulls() {
        let n = 1_000;
        let score: Vec<Option<f64>> = (0..n)
            .map(|i| (!(300..400).contains(&i) && i % 7 != 0).then_some(i as f64 / n as f64))
            .collect();
        let whole: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new("score".into(), score),
                Column::new("whole".into(), whole),
                Column::new("count".into(), (0..n as i64).collect::<Vec<_>>()),
            ],
        )
        .unwrap();
        let path = parquet_file("float-columns", &mut df, Some(100));
        let mut reader = ParquetReader::new(File::open(&path).unwrap());
        let metadata = reader.get_metadata().unwrap().clone();
        let as_read = reader.finish().unwrap();
        let names: Vec<String> = ["score", "whole", "count"].map(String::from).to_vec();
        let floats = read_floats(&path, &metadata, &names, &Control::none());
        std::fs::remove_file(&path).unwrap();
        let mut read: Vec<&str> = floats.keys().map(String::as_str).collect();
        read.sort();
        assert_eq!(read, ["score", "whole"]);
        for (name, column) in &floats {
            assert_same_column(as_read.column(name).unwrap(), column);
            let ca = column.f64().unwrap();
            assert_eq!(ca.chunks().len(), 1, "{name}");
            // Every null's slot holds NaN, every value its own.
            let slots = ca.downcast_iter().next().unwrap().values();
            for (arr_value, value) in slots.iter().zip(ca.iter()) {
                match value {
                    None => assert!(arr_value.is_nan()),
                    Some(v) => assert_eq!(v.to_bits(), arr_value.to_bits()),
                }
            }
        }
        assert_eq!(floats["score"].null_count(), 100 + 128);
    }
}
