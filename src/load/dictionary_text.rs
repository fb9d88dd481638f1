//! Reading a Parquet file's dictionary-encoded text columns straight into enums.
//! A column such as region or device is stored as a small dictionary per row
//! group and one index a row; read as text, every row becomes a 16-byte view
//! (160 MB a column at 10M rows, all of it fresh pages) that the window then
//! compacts back into a byte a row ([`super::compact`]). Decoding the indices
//! instead and mapping each row group's dictionary onto one sorted list of
//! levels makes the same enum column from the 4-byte indices of one row group at
//! a time. Values are unchanged: the enum's levels are the text's, in text order,
//! exactly as [`super::compact`] makes them.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;
use polars_arrow::array::{DictionaryArray, Utf8ViewArray};
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField, IntegerType, Metadata};
use polars_parquet::read::{FileMetadata, PhysicalType};

use crate::control::Control;

use super::column_chunks::{Validity, each_array};
use super::compact::{MAX_ENUM_LEVELS, enum_column};

/// The key under which polars marks a Parquet column as one of its categoricals,
/// which lets its reader decode the dictionary indices without the text.
const POLARS_CATEGORICAL: &str = "_PL_CATEGORICAL2";

/// One text column as an enum (a [`ColumnReader`](super::column_chunks::ColumnReader)), when every row group is
/// dictionary-encoded with at most [`MAX_ENUM_LEVELS`] distinct values in all;
/// else None (plain pages, more levels, anything the dictionary decoder does
/// not take), and the caller reads it as text.
pub fn read_enum(
    path: &Path,
    metadata: &FileMetadata,
    name: &str,
    control: &Control,
) -> PolarsResult<Option<Column>> {
    let field = ArrowField::new(
        name.into(),
        ArrowDataType::Dictionary(
            IntegerType::UInt32,
            Box::new(ArrowDataType::Utf8View),
            false,
        ),
        true,
    )
    .with_metadata(Metadata::from([(
        POLARS_CATEGORICAL.into(),
        PlSmallStr::EMPTY,
    )]));
    let rows = metadata.num_rows;
    let mut levels: Vec<String> = Vec::new();
    let mut code_of: HashMap<String, u8> = HashMap::new();
    let mut codes: Vec<u8> = Vec::with_capacity(rows);
    let mut validity = Validity::default();
    let read = each_array(
        path,
        metadata,
        name,
        (&field, PhysicalType::ByteArray),
        control,
        |array| {
            let dict = array.as_any().downcast_ref::<DictionaryArray<u32>>()?;
            let texts = dict.values().as_any().downcast_ref::<Utf8ViewArray>()?;
            // This row group's dictionary onto the column's levels.
            let mut code_of_key = Vec::with_capacity(texts.len());
            for text in texts.values_iter() {
                let code = match code_of.get(text) {
                    Some(&c) => c,
                    None => {
                        if levels.len() == MAX_ENUM_LEVELS {
                            return None;
                        }
                        let c = levels.len() as u8;
                        code_of.insert(text.to_string(), c);
                        levels.push(text.to_string());
                        c
                    }
                };
                code_of_key.push(code);
            }
            let keys = dict.keys();
            for &k in keys.values().iter() {
                // A null's key is any value; its code is masked by the validity.
                codes.push(code_of_key.get(k as usize).copied().unwrap_or(0));
            }
            validity.extend(keys.validity(), keys.len());
            Some(())
        },
    )?;
    if read.is_none() || codes.len() != rows {
        return Ok(None);
    }
    Ok(enum_column(name.into(), codes, &levels, validity.finish()))
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::*;
    use crate::load::column_chunks::read_all;
    use crate::load::compact::testing::{assert_same_column, parquet_file};

    /// The columns among `names` read as enums, and their names in order.
    fn enums_of(path: &Path, names: &[&str]) -> (HashMap<String, Column>, Vec<String>) {
        let metadata = ParquetReader::new(File::open(path).unwrap())
            .get_metadata()
            .unwrap()
            .clone();
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let enums = read_all(path, &metadata, &names, read_enum);
        let mut read: Vec<String> = enums.keys().cloned().collect();
        read.sort();
        (enums, read)
    }

    /// Text columns of every kind a reader meets, written in row groups of 100
    /// rows: levels first seen in a later row group, nulls (and a row group of
    /// them only), long values (not held in a view), one column of 300 distinct
    /// values and one of unique ids (both too many for an enum).
    pub(crate) fn file() -> std::path::PathBuf {
        let n = 1_000;
        let region: Vec<Option<String>> = (0..n)
            .map(|i| match i % 5 {
                0 if (300..400).contains(&i) => None,
                _ if i < 500 => Some(["west", "east"][i % 2].to_string()),
                _ => Some(["north", "east", "a value longer than twelve bytes"][i % 3].to_string()),
            })
            .collect();
        let sparse: Vec<Option<&str>> = (0..n)
            .map(|i| (200..300).contains(&i).then_some("only here"))
            .collect();
        let many: Vec<String> = (0..n).map(|i| format!("level {}", i % 300)).collect();
        let ids: Vec<String> = (0..n).map(|i| format!("row-{i}")).collect();
        let score: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new("id".into(), ids),
                Column::new("region".into(), region),
                Column::new("sparse".into(), sparse),
                Column::new("many".into(), many),
                Column::new("score".into(), score),
            ],
        )
        .unwrap();
        parquet_file("dictionary-text", &mut df, Some(100))
    }

    #[test]
    fn dictionary_text_reads_as_the_enums_compaction_makes() {
        let path = file();
        let as_text = ParquetReader::new(File::open(&path).unwrap())
            .finish()
            .unwrap();
        let (enums, read) = enums_of(&path, &["id", "region", "sparse", "many"]);
        std::fs::remove_file(&path).unwrap();
        // Read as enums: the low-cardinality text (too many levels stay text).
        assert_eq!(read, ["region", "sparse"]);
        // The same columns as compacting the text read: levels in text order,
        // every row's value and null.
        let compacted = super::super::compact::compact(as_text).unwrap();
        for (name, column) in &enums {
            assert_same_column(compacted.column(name).unwrap(), column);
        }
        let (_, levels) =
            super::super::compact::enum_codes(enums["region"].as_materialized_series()).unwrap();
        assert_eq!(
            levels,
            ["a value longer than twelve bytes", "east", "north", "west"]
        );
    }

    #[test]
    fn a_column_with_plain_pages_is_left_to_the_text_read() {
        // pyarrow's file (tests/it/kept_frame.rs says how it was written):
        // `region`'s later pages are plain, `device` is a dictionary throughout.
        let path = Path::new("tests/fixtures/pyarrow_plain_fallback.parquet");
        let (_, read) = enums_of(path, &["region", "device"]);
        assert_eq!(read, ["device"]);
    }
}
