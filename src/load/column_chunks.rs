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
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use polars::prelude::{Column, PolarsResult};
use polars_arrow::array::Array;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};
use polars_arrow::datatypes::Field as ArrowField;
use polars_buffer::Buffer;
use polars_parquet::read::{
    BasicDecompressor, ColumnChunkMetadata, FileMetadata, PageReader, PhysicalType,
    RowGroupMetadata, column_iter_to_arrays,
};

use crate::control::Control;

/// Reads one column of a Parquet file straight into its compact form, or gives
/// None when it cannot (the caller then reads the column itself).
pub type ColumnReader = fn(&Path, &FileMetadata, &str, &Control) -> PolarsResult<Option<Column>>;

/// Each column read by its reader, all side by side; the answer holds those
/// read (None or an error leaves a column to the caller's read). A column
/// advances `control` by the file's rows once read: a reader may give a column
/// up part way.
///
/// The columns are taken largest first (by their decoded bytes), each thread
/// taking the next as it finishes its last: split in halves, a 10M-row file's
/// three columns of doubles left the last of them to one thread while the
/// other waited (~0.1 s of a load).
pub fn read_each(
    path: &Path,
    metadata: &FileMetadata,
    columns: &[(String, ColumnReader)],
    control: &Control,
) -> HashMap<String, Column> {
    let size = |name: &str| -> i64 {
        metadata
            .row_groups
            .iter()
            .flat_map(|g| g.columns_under_root_iter(name).into_iter().flatten())
            .map(ColumnChunkMetadata::uncompressed_size)
            .sum()
    };
    let mut largest_first: Vec<(i64, &(String, ColumnReader))> =
        columns.iter().map(|c| (size(&c.0), c)).collect();
    largest_first.sort_by_key(|&(bytes, _)| std::cmp::Reverse(bytes));
    let next = AtomicUsize::new(0);
    let read = Mutex::new(HashMap::new());
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads().min(largest_first.len()) {
            scope.spawn(|_| {
                while let Some((_, (name, reader))) =
                    largest_first.get(next.fetch_add(1, Ordering::Relaxed))
                {
                    let Ok(Some(column)) = reader(path, metadata, name, control) else {
                        continue;
                    };
                    control.advance(metadata.num_rows as u64);
                    read.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(name.clone(), column);
                }
            });
        }
    });
    read.into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Calls `take` with each array of the column `name`, row group by row group,
/// decoded as `field`. `Ok(None)` when a row group stores the column other
/// than as one chunk of the `physical` type, when `take` gives up (None), or
/// when `control` is cancelled (the caller's read then stops at its own check).
pub fn each_array(
    path: &Path,
    metadata: &FileMetadata,
    name: &str,
    (field, physical): (&ArrowField, PhysicalType),
    control: &Control,
    mut take: impl FnMut(&dyn Array) -> Option<()>,
) -> PolarsResult<Option<()>> {
    let mut file = File::open(path)?;
    for group in &metadata.row_groups {
        let Some(arrays) = row_group_arrays(&mut file, group, name, field, physical, control)?
        else {
            return Ok(None);
        };
        for array in arrays {
            if take(array.as_ref()).is_none() {
                return Ok(None);
            }
        }
    }
    Ok(Some(()))
}

/// The column `name` of one row group decoded as `field`, or None when the row
/// group stores it in other than one chunk of the `physical` type (a nested
/// column, or a type the caller does not read directly), or when `control` is
/// cancelled (the caller's read then stops at its own check).
fn row_group_arrays(
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

/// [`read_each`] of `names` by one reader, for the readers' tests.
#[cfg(test)]
pub fn read_all(
    path: &Path,
    metadata: &FileMetadata,
    names: &[String],
    read: ColumnReader,
) -> HashMap<String, Column> {
    let columns: Vec<(String, ColumnReader)> = names.iter().map(|n| (n.clone(), read)).collect();
    read_each(path, metadata, &columns, &Control::none())
}
