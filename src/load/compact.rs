//! Keeping the window's frame small. The window holds the file's frame for the
//! rows it shows (Examples, Compare, the cohort builder's free-text conditions)
//! beside the decoded table. A text column of a few distinct values (region,
//! device, plan) read from Parquet costs a 16-byte view a row; as a polars enum it
//! costs one byte. 64-bit integers that fit in 32 bits (labels, classes, ages)
//! take four bytes a row instead of eight. Values, and how every reader of the
//! frame sees them, are unchanged: text stays text (read through [`text_of`]),
//! integers stay integers.

use std::borrow::Cow;
use std::collections::HashMap;

use foldhash::fast::RandomState;
use polars::prelude::*;
use rayon::prelude::*;

/// Text columns of at most this many distinct values become enums (one byte a row).
pub const MAX_ENUM_LEVELS: usize = u8::MAX as usize;

/// The frame with its low-cardinality text as enums and its integers narrowed,
/// column by column (each column's old buffers are freed as soon as it is done).
pub fn compact(frame: DataFrame) -> PolarsResult<DataFrame> {
    let height = frame.height();
    let columns: Vec<Column> = frame
        .into_columns()
        .into_par_iter()
        .map(compact_column)
        .collect();
    DataFrame::new(height, columns)
}

fn compact_column(col: Column) -> Column {
    let dtype = col.dtype().clone();
    let compacted = if dtype.is_string() {
        text_to_enum(&col)
    } else if dtype == DataType::Int64 {
        narrow_integers(&col)
    } else {
        None
    };
    compacted.unwrap_or(col)
}

/// A text column as an enum of its sorted distinct values, or None when it has
/// more than [`MAX_ENUM_LEVELS`] of them (one pass; it stops at the first value
/// past the limit, so a column of unique ids costs a few hundred rows).
fn text_to_enum(col: &Column) -> Option<Column> {
    let ca = col.as_materialized_series().str().ok()?;
    // A string of up to 12 bytes is held whole in its 16-byte view, so the view
    // is its key: a small direct-mapped table of views answers most rows with
    // one multiply and one compare. Longer strings (and the first sight of
    // every view) go through the text itself, which decides.
    const SLOTS_LOG2: u32 = 10;
    // No inline view has this length, so an empty slot never matches.
    let mut slot_view = vec![u128::MAX; 1 << SLOTS_LOG2];
    let mut slot_code = vec![0u8; 1 << SLOTS_LOG2];
    let slot_of = |key: u128| {
        let mixed = (key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> (64 - SLOTS_LOG2)) as usize
    };
    let mut code_of: HashMap<&str, u8, RandomState> = HashMap::default();
    let mut values: Vec<&str> = Vec::new();
    let mut codes: Vec<u8> = Vec::with_capacity(ca.len());
    let validity = ca.rechunk_validity();
    let mut row = 0;
    for arr in ca.downcast_iter() {
        for (i, view) in arr.views().iter().enumerate() {
            row += 1;
            if validity.as_ref().is_some_and(|v| !v.get_bit(row - 1)) {
                // A null: any code, the validity says it is null.
                codes.push(0);
                continue;
            }
            let key = view.as_u128();
            let inline = view.length <= 12;
            let slot = slot_of(key);
            if inline && slot_view[slot] == key {
                codes.push(slot_code[slot]);
                continue;
            }
            let text = arr.value(i);
            let c = match code_of.get(text) {
                Some(&c) => c,
                None => {
                    if values.len() == MAX_ENUM_LEVELS {
                        return None;
                    }
                    let c = values.len() as u8;
                    code_of.insert(text, c);
                    values.push(text);
                    c
                }
            };
            if inline {
                slot_view[slot] = key;
                slot_code[slot] = c;
            }
            codes.push(c);
        }
    }
    enum_column(col.name().clone(), codes, &values, validity)
}

/// An enum column from each row's code into `levels` (codes in first-seen
/// order, or any order): the levels sorted into text order, so that the enum's
/// order is the text's, and the codes renumbered to match. None when polars
/// would not keep the enum in one byte a row.
pub fn enum_column<S: AsRef<str>>(
    name: PlSmallStr,
    mut codes: Vec<u8>,
    levels: &[S],
    validity: Option<polars_arrow::bitmap::Bitmap>,
) -> Option<Column> {
    let mut order: Vec<u8> = (0..levels.len() as u8).collect();
    order.sort_by(|&a, &b| levels[a as usize].as_ref().cmp(levels[b as usize].as_ref()));
    let mut new_of_old = [0u8; 256];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old as usize] = new as u8;
    }
    codes
        .par_iter_mut()
        .with_min_len(1 << 16)
        .for_each(|c| *c = new_of_old[*c as usize]);
    let categories =
        FrozenCategories::new(order.iter().map(|&i| levels[i as usize].as_ref())).ok()?;
    let dtype = DataType::from_frozen_categories(categories);
    if dtype.cat_physical().ok()? != CategoricalPhysical::U8 {
        return None;
    }
    let physical = UInt8Chunked::from_vec_validity(name, codes, validity);
    let enumerated = Categorical8Chunked::from_cats_and_dtype(physical, dtype);
    Some(enumerated.into_series().into_column())
}

/// 64-bit integers that fit 32 bits as `Int32` (polars is built without its 8-
/// and 16-bit types, which would also need their own code paths in its kernels).
fn narrow_integers(col: &Column) -> Option<Column> {
    let ca = col.as_materialized_series().i64().ok()?;
    // One pass for the range (null slots included: their value is whatever the
    // buffer holds, and a wider range only keeps the column as it is).
    let (mut min, mut max) = (i64::MAX, i64::MIN);
    for arr in ca.downcast_iter() {
        for &v in arr.values().iter() {
            min = min.min(v);
            max = max.max(v);
        }
    }
    if min < i64::from(i32::MIN) || max > i64::from(i32::MAX) {
        return None;
    }
    let mut values: Vec<i32> = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        values.extend(arr.values().iter().map(|&v| v as i32));
    }
    let narrow = Int32Chunked::from_vec_validity(col.name().clone(), values, ca.rechunk_validity());
    Some(narrow.into_series().into_column())
}

/// Whether a column holds text (plain, or an enum or categorical of text).
pub fn is_text(dtype: &DataType) -> bool {
    dtype.is_string() || dtype.is_categorical() || dtype.is_enum()
}

/// A text column's values as strings: borrowed for plain text, materialized for
/// an enum or categorical (for the rare reader that needs every row's `&str`).
pub fn text_of(series: &Series) -> PolarsResult<Cow<'_, StringChunked>> {
    if series.dtype().is_string() {
        return series.str().map(Cow::Borrowed);
    }
    let s = series.cast(&DataType::String)?;
    Ok(Cow::Owned(s.str()?.clone()))
}

/// An enum column's per-row category (`None` for null) and the category texts:
/// a reader that tests text (a search) tests each category once, then rows by code.
pub fn enum_codes(series: &Series) -> Option<(Vec<Option<u8>>, Vec<String>)> {
    let (ca, texts) = enum_parts(series)?;
    Some((ca.physical().iter().collect(), texts))
}

/// A one-byte enum column and its category texts (None for any other column).
pub fn enum_parts(series: &Series) -> Option<(&Categorical8Chunked, Vec<String>)> {
    let DataType::Enum(categories, _) = series.dtype() else {
        return None;
    };
    let ca = series.cat8().ok()?;
    let texts: Vec<String> = categories
        .categories()
        .values_iter()
        .map(str::to_string)
        .collect();
    Some((ca, texts))
}

/// What the tests of the readers that compact (this module's own,
/// [`super::dictionary_text`], [`super::read`]) share.
#[cfg(test)]
pub(crate) mod testing {
    use polars::prelude::*;

    /// `df` written to a Parquet file in the temporary directory, in row
    /// groups of `rows` rows (None: the writer's own).
    pub fn parquet_file(name: &str, df: &mut DataFrame, rows: Option<usize>) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("faultline-{name}-{}.parquet", std::process::id()));
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .with_row_group_size(rows)
            .finish(df)
            .unwrap();
        path
    }

    /// `got` is `want`: the same type and every row's value and null.
    pub fn assert_same_column(want: &Column, got: &Column) {
        assert_eq!(want.dtype(), got.dtype(), "{}", want.name());
        assert!(
            want.as_materialized_series()
                .equals_missing(got.as_materialized_series()),
            "{}",
            want.name()
        );
    }

    /// Every column of `want` is `got`'s column of that name.
    pub fn assert_same_frame(want: &DataFrame, got: &DataFrame) {
        assert_eq!(want.get_column_names(), got.get_column_names());
        for c in want.columns() {
            assert_same_column(c, got.column(c.name()).unwrap());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        let n = 600;
        let region: Vec<Option<&str>> = (0..n)
            .map(|i| match i % 4 {
                0 => Some("west"),
                1 => Some("east"),
                2 => None,
                _ => Some("north"),
            })
            .collect();
        let ids: Vec<String> = (0..n).map(|i| format!("row-{i}")).collect();
        let label: Vec<i64> = (0..n).map(|i| (i % 2) as i64).collect();
        let age: Vec<Option<i64>> = (0..n)
            .map(|i| if i == 5 { None } else { Some(i as i64 * 100) })
            .collect();
        let big: Vec<i64> = (0..n).map(|i| i as i64 * 1_000_000_000_000).collect();
        DataFrame::new(
            n,
            vec![
                Column::new("region".into(), region),
                Column::new("id".into(), ids),
                Column::new("label".into(), label),
                Column::new("age".into(), age),
                Column::new("big".into(), big),
                Column::new("score".into(), vec![0.5f64; n]),
            ],
        )
        .unwrap()
    }

    #[test]
    fn low_cardinality_text_becomes_an_enum_with_the_same_values() {
        let before = frame();
        let after = compact(before.clone()).unwrap();
        let region = after.column("region").unwrap();
        assert!(region.dtype().is_enum());
        assert_eq!(
            region
                .as_materialized_series()
                .cat8()
                .unwrap()
                .physical()
                .len(),
            before.height()
        );
        // The same text (and nulls) on every row.
        let was = before.column("region").unwrap().as_materialized_series();
        let now = text_of(region.as_materialized_series()).unwrap();
        assert!(now.iter().eq(was.str().unwrap().iter()));
        // Categories in text order.
        let (codes, texts) = enum_codes(region.as_materialized_series()).unwrap();
        assert_eq!(texts, ["east", "north", "west"]);
        assert_eq!(&codes[..4], &[Some(2), Some(0), None, Some(1)]);
        // Unique ids (600 of them) stay plain text.
        assert!(after.column("id").unwrap().dtype().is_string());
        assert!(is_text(region.dtype()) && is_text(after.column("id").unwrap().dtype()));
    }

    #[test]
    fn texts_short_and_long_keep_their_values_across_chunks() {
        // Up to 12 bytes (held in the view) and longer (in a buffer), 200
        // distinct values (slots collide), nulls, and a frame of two chunks.
        let texts: Vec<Option<String>> = (0..5_000)
            .map(|i: usize| match i % 7 {
                0 => None,
                1 | 2 => Some(format!("v{}", i % 100)),
                _ => Some(format!("a longer value, number {}", i % 100)),
            })
            .collect();
        let mut column = Column::new("t".into(), texts.clone());
        column
            .append(&Column::new("t".into(), texts[..1_000].to_vec()))
            .unwrap();
        let before = DataFrame::new(column.len(), vec![column]).unwrap();
        let after = compact(before.clone()).unwrap();
        let now = after.column("t").unwrap();
        assert!(now.dtype().is_enum());
        let was = before.column("t").unwrap().as_materialized_series();
        let now = text_of(now.as_materialized_series()).unwrap();
        assert!(now.iter().eq(was.str().unwrap().iter()));
    }

    #[test]
    fn integers_narrow_to_their_range_and_keep_values() {
        let before = frame();
        let after = compact(before.clone()).unwrap();
        let dtype = |c: &str| after.column(c).unwrap().dtype().clone();
        assert_eq!(dtype("label"), DataType::Int32);
        assert_eq!(dtype("age"), DataType::Int32);
        assert_eq!(dtype("big"), DataType::Int64);
        assert_eq!(dtype("score"), DataType::Float64);
        for c in ["label", "age", "big"] {
            let was = before.column(c).unwrap().as_materialized_series();
            let now = after.column(c).unwrap().cast(&DataType::Int64).unwrap();
            assert!(was.equals_missing(now.as_materialized_series()), "{c}");
        }
        // Compacting again changes nothing.
        let again = compact(after.clone()).unwrap();
        assert_eq!(again.dtypes(), after.dtypes());
    }
}
