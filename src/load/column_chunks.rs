//! Reading one Parquet column a row group at a time, decoded by polars-parquet's
//! page decoders into arrow arrays of a type the caller chooses. The window's
//! direct readers ([`super::dictionary_text`], [`super::narrow_integers`],
//! [`super::float_columns`]) use it to build a compact column from one row
//! group's arrays at a time, where reading the whole column through polars
//! first would make every row's wide value in fresh pages that the compaction
//! then frees (or, for doubles, several chunks the decoded table copies).

use std::collections::HashMap;
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};

use polars::prelude::{Column, PolarsResult};
use polars_arrow::array::Array;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};
use polars_arrow::datatypes::Field as ArrowField;
use polars_buffer::Buffer;
use polars_parquet::read::{
    BasicDecompressor, ColumnChunkMetadata, PageReader, PhysicalType, RowGroupMetadata,
    column_iter_to_arrays,
};
use rayon::prelude::*;

use crate::control::Control;

/// Each of `names` read by `read` side by side, those it reads (None or an
/// error leaves a column to the caller's read). A column advances `control` by
/// its `rows` once read: a reader may give a column up part way.
pub fn read_each(
    names: &[String],
    rows: usize,
    control: &Control,
    read: impl Fn(&str) -> PolarsResult<Option<Column>> + Sync,
) -> HashMap<String, Column> {
    names
        .par_iter()
        .filter_map(|name| {
            let column = read(name).ok().flatten()?;
            control.advance(rows as u64);
            Some((name.clone(), column))
        })
        .collect()
}

/// The column `name` of one row group decoded as `field`, or None when the row
/// group stores it in other than one chunk of the `physical` type (a nested
/// column, or a type the caller does not read directly), or when `control` is
/// cancelled (the caller's read then stops at its own check).
pub fn row_group_arrays(
    file: &mut File,
    group: &RowGroupMetadata,
    name: &str,
    field: &ArrowField,
    physical: PhysicalType,
    control: &Control,
) -> PolarsResult<Option<Vec<Box<dyn Array>>>> {
    if control.is_cancelled() {
        return Ok(None);
    }
    let chunks: Vec<&ColumnChunkMetadata> = group
        .columns_under_root_iter(name)
        .into_iter()
        .flatten()
        .collect();
    let [chunk] = chunks.as_slice() else {
        return Ok(None);
    };
    if chunk.physical_type() != physical {
        return Ok(None);
    }
    let range = chunk.byte_range();
    let mut bytes = vec![0u8; (range.end - range.start) as usize];
    file.seek(SeekFrom::Start(range.start))?;
    file.read_exact(&mut bytes)?;
    let pages = PageReader::new(Cursor::new(Buffer::from(bytes)), chunk, vec![], usize::MAX);
    let decompressor = BasicDecompressor::new(pages, vec![]);
    let primitive = &chunk.descriptor().descriptor.primitive_type;
    let (arrays, _) =
        column_iter_to_arrays(vec![decompressor], vec![primitive], field.clone(), None)?;
    Ok(Some(arrays))
}

/// The validity of a column built from its row groups' arrays: none at all
/// until a row group has a null, then one bit a row.
#[derive(Debug, Default)]
pub struct Validity {
    rows: usize,
    bits: Option<MutableBitmap>,
}

impl Validity {
    /// Appends one array's validity (None: every row valid) of `len` rows.
    pub fn extend(&mut self, validity: Option<&Bitmap>, len: usize) {
        match (validity, &mut self.bits) {
            (Some(v), Some(all)) => all.extend_from_bitmap(v),
            (Some(v), None) => {
                let mut all = MutableBitmap::with_capacity(self.rows + len);
                all.extend_constant(self.rows, true);
                all.extend_from_bitmap(v);
                self.bits = Some(all);
            }
            (None, Some(all)) => all.extend_constant(len, true),
            (None, None) => {}
        }
        self.rows += len;
    }

    /// The column's validity, None when no row is null.
    pub fn finish(self) -> Option<Bitmap> {
        self.bits.map(MutableBitmap::freeze)
    }
}
