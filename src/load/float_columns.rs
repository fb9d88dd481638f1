//! Reading a Parquet file's `DOUBLE` columns into one buffer a column, with NaN
//! in the slot of every null. Read through polars in row ranges, a column is
//! several chunks with zeros under its nulls, so the decoded table copied each
//! model's scores into a buffer of its own (80 MB a model at 10M rows, all of
//! it fresh pages). Read here, the table shares the frame's buffer instead
//! ([`super::table`]'s `shared_scores`). Values and nulls are unchanged.

use std::path::Path;

use polars::prelude::*;
use polars_arrow::array::PrimitiveArray;
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_parquet::read::{FileMetadata, PhysicalType};

use crate::control::Control;

use super::column_chunks::{Validity, each_array};

/// One column of doubles as a single `Float64` chunk with NaN under its nulls
/// (a [`ColumnReader`](super::column_chunks::ColumnReader)), or None when a chunk is of another type.
pub fn read_float(
    path: &Path,
    metadata: &FileMetadata,
    name: &str,
    control: &Control,
) -> PolarsResult<Option<Column>> {
    let field = ArrowField::new(name.into(), ArrowDataType::Float64, true);
    let rows = metadata.num_rows;
    let mut values: Vec<f64> = Vec::with_capacity(rows);
    let mut validity = Validity::default();
    let read = each_array(
        path,
        metadata,
        name,
        (&field, PhysicalType::Double),
        control,
        |array| {
            let doubles = array.as_any().downcast_ref::<PrimitiveArray<f64>>()?;
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
            Some(())
        },
    )?;
    if read.is_none() || values.len() != rows {
        return Ok(None);
    }
    let column = Float64Chunked::from_vec_validity(name.into(), values, validity.finish());
    Ok(Some(column.into_series().into_column()))
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::*;
    use crate::load::column_chunks::read_all;
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
        let floats = read_all(&path, &metadata, &names, read_float);
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
