//! Reading a Parquet file's 64-bit integer columns straight into 32-bit ones
//! when every value fits. Labels, classes, ages and counts are stored as INT64
//! by most writers; read through polars, every row takes eight bytes of fresh
//! pages (80 MB a column at 10M rows) that [`super::compact`] then narrows to
//! four and frees. Decoding one row group at a time and narrowing it into the
//! column's one buffer makes the same `Int32` column from a row group's worth
//! of wide values. Values and nulls are unchanged; a column with any value
//! outside 32 bits is left to the caller's read, as compaction leaves it.

use std::path::Path;

use polars::prelude::*;
use polars_arrow::array::PrimitiveArray;
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_parquet::read::{FileMetadata, PhysicalType};

use crate::control::Control;

use super::column_chunks::{Validity, each_array};

/// One 64-bit integer column as `Int32` (a [`ColumnReader`](super::column_chunks::ColumnReader)), or None when a
/// value does not fit in 32 bits or a chunk is of another type.
pub fn read_narrow(
    path: &Path,
    metadata: &FileMetadata,
    name: &str,
    control: &Control,
) -> PolarsResult<Option<Column>> {
    let field = ArrowField::new(name.into(), ArrowDataType::Int64, true);
    let rows = metadata.num_rows;
    let mut values: Vec<i32> = Vec::with_capacity(rows);
    let mut validity = Validity::default();
    let read = each_array(
        path,
        metadata,
        name,
        (&field, PhysicalType::Int64),
        control,
        |array| {
            let wide = array.as_any().downcast_ref::<PrimitiveArray<i64>>()?;
            // Null slots included: their value is whatever the decoder wrote,
            // and one too wide only leaves the column to the caller.
            let start = values.len();
            values.extend(wide.values().iter().map(|&v| v as i32));
            let fits = wide
                .values()
                .iter()
                .zip(&values[start..])
                .all(|(&v, &n)| i64::from(n) == v);
            validity.extend(wide.validity(), wide.len());
            fits.then_some(())
        },
    )?;
    if read.is_none() || values.len() != rows {
        return Ok(None);
    }
    let column = Int32Chunked::from_vec_validity(name.into(), values, validity.finish());
    Ok(Some(column.into_series().into_column()))
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::*;
    use crate::load::column_chunks::read_all;
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
        let narrow = read_all(&path, &metadata, &names, read_narrow);
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
