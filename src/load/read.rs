//! Reading an evaluation file (or standard input, `-`) into a polars `DataFrame`.
//! The format comes from the extension or `--input-format`. The bytes are read in
//! blocks (so Cancel stops a read and progress shows bytes read), hashed as they
//! come, checked as text where the format is text ([`super::text`]), and parsed in
//! pieces where the file is large (so Cancel also stops a parse). Every error names
//! the file and, where there is one, the line.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Cursor, Read};

use polars::io::mmap::MmapBytesReader;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::file_hash::{FileHash, hex};
pub use super::file_hash::{sha256_file, sha256_file_with};
use super::text::{self, Encoding};
use crate::control::Control;
use crate::error::{Error, Result};

/// The file formats faultline reads.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
pub enum Format {
    Csv,
    Tsv,
    Parquet,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    #[value(name = "jsonl", alias = "ndjson")]
    JsonLines,
    /// Arrow IPC, file or stream format (told apart by the file's magic bytes).
    #[value(name = "arrow", alias = "ipc", alias = "feather")]
    Ipc,
    /// An inspect_ai `.eval` log (a zip archive); read from a file only.
    #[value(skip)]
    InspectEval,
}

/// The path that means standard input.
pub const STDIN: &str = "-";

/// True for `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

impl Format {
    /// Picks the format from the file's extension.
    pub fn from_path(path: &Path) -> Result<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_default();
        Ok(match ext.as_str() {
            "csv" => Format::Csv,
            "tsv" | "tab" => Format::Tsv,
            "parquet" => Format::Parquet,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            "arrow" | "ipc" | "feather" => Format::Ipc,
            "eval" => Format::InspectEval,
            _ if is_stdin(path) => {
                return Err(Error::Usage(
                    "reading standard input (-) needs --input-format csv|tsv|json|jsonl|parquet|arrow"
                        .into(),
                ));
            }
            _ => {
                return Err(Error::UnsupportedFormat {
                    path: path.to_path_buf(),
                    ext,
                });
            }
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Parquet => "Parquet",
            Format::Json => "JSON",
            Format::JsonLines => "JSON Lines",
            Format::Ipc => "Arrow IPC",
            Format::InspectEval => "inspect_ai log",
        }
    }

    fn is_text(self) -> bool {
        matches!(
            self,
            Format::Csv | Format::Tsv | Format::Json | Format::JsonLines
        )
    }
}

/// How to read an input.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The format, instead of the extension's (required for standard input).
    pub format: Option<Format>,
    pub encoding: Encoding,
    pub control: Control,
    /// A Parquet frame is compacted as it is read, for a caller that compacts
    /// it anyway ([`super::compact`]): text stored as dictionaries is read
    /// straight as enums ([`super::dictionary_text`]), and each row range is
    /// compacted before the next is read, so the file's wide columns (a 16-byte
    /// view or 8-byte integer a row) are never all held, nor their pages all
    /// made fresh. The same frame, made with a third of the memory.
    pub compact: bool,
    /// A binary file's sha256 is left for whoever first asks for it
    /// ([`FileHash::later`]) instead of taken beside the read: the window, which
    /// shows the first overview before anything needs the hash.
    pub defer_hash: bool,
}

impl ReadOptions {
    /// The format of `path` under these options.
    pub fn format_of(&self, path: &Path) -> Result<Format> {
        match self.format {
            Some(f) => Ok(f),
            None => Format::from_path(path),
        }
    }
}

/// Rows read for CSV type inference before a full-file retry.
const CSV_INFER_ROWS: usize = 10_000;

/// Text is parsed in pieces of about this many bytes (Cancel is checked between).
const PARSE_CHUNK: usize = 16 << 20;

/// Parquet is decoded in row ranges of this many rows.
const PARQUET_ROWS: usize = 2_000_000;

/// Chooses the columns to read from the file's column names.
pub type Selector<'a> = &'a dyn Fn(&[String]) -> Vec<String>;

/// Reads the whole input. An empty file or one without data rows is an error.
pub fn read_frame(path: &Path, options: &ReadOptions) -> Result<DataFrame> {
    read_frame_projected(path, None, options).map(|(f, _)| f)
}

/// Reads the input (for Parquet and Arrow IPC only the columns `select` keeps) and
/// its sha256.
pub fn read_frame_projected(
    path: &Path,
    select: Option<Selector>,
    options: &ReadOptions,
) -> Result<(DataFrame, FileHash)> {
    let control = &options.control;
    control.check()?;
    let format = options.format_of(path)?;
    if let Some(df) = harness_frame(path, format, options)? {
        let sha = sha256_file_with(path, control)?;
        return finish(path, format, df, sha.into(), control);
    }
    let unreadable = |e: PolarsError| Error::Unreadable {
        path: path.to_path_buf(),
        format: format.name(),
        detail: polars_message(&e),
    };
    let located = |e: Error| match e {
        Error::Unreadable { detail, .. } => Error::Unreadable {
            path: path.to_path_buf(),
            format: format.name(),
            detail,
        },
        other => other,
    };
    if !format.is_text() && !is_stdin(path) {
        // Binary formats from a file: read only the selected columns from disk,
        // hashing the file on a second thread meanwhile.
        regular_file(path, format)?;
        let open = || {
            File::open(path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })
        };
        let read = || match format {
            Format::Parquet => {
                let compact_from = options.compact.then_some(path);
                read_parquet(open, select, compact_from, control).map_err(located)
            }
            _ => open().and_then(|f| read_ipc(f, select).map_err(located)),
        };
        if options.defer_hash {
            let df = read()?;
            return finish(path, format, df, FileHash::later(path), control);
        }
        let (df, sha) = std::thread::scope(|s| {
            let hash = s.spawn(|| sha256_file_with(path, control));
            let df = read();
            let sha = hash
                .join()
                .unwrap_or_else(|_| Ok(String::from("unavailable")));
            (df, sha)
        });
        return finish(path, format, df?, sha?.into(), control);
    }
    let (bytes, sha) = read_bytes(path, format, control)?;
    control.check()?;
    let bytes = if format.is_text() {
        text::to_utf8(path, format.name(), bytes, options.encoding)?
    } else {
        bytes
    };
    let df = match format {
        Format::Csv | Format::Tsv => {
            let sep = if format == Format::Tsv { b'\t' } else { b',' };
            let shape = text::check_delimited(path, &bytes, sep, PARSE_CHUNK, control)?;
            if shape.records == 0 {
                return Err(Error::Empty {
                    path: path.to_path_buf(),
                });
            }
            read_delimited(&bytes, sep, &shape, control).map_err(located)?
        }
        Format::Json | Format::JsonLines => {
            let lines = format == Format::JsonLines;
            text::check_json(path, &bytes, lines)?;
            let json_format = if lines {
                JsonFormat::JsonLines
            } else {
                JsonFormat::Json
            };
            control.stage("parsing", 0);
            JsonReader::new(Cursor::new(bytes.as_slice()))
                .with_json_format(json_format)
                .finish()
                .map_err(|e| {
                    let at = if lines {
                        text::first_bad_json_line(&bytes)
                    } else {
                        None
                    };
                    match at {
                        Some((line, why)) => Error::Unreadable {
                            path: path.to_path_buf(),
                            format: format.name(),
                            detail: format!("line {line}: {why}"),
                        },
                        None => unreadable(e),
                    }
                })?
        }
        Format::Parquet => {
            read_parquet(|| Ok(Cursor::new(bytes.as_slice())), select, None, control)
                .map_err(located)?
        }
        Format::Ipc => read_ipc(Cursor::new(bytes.as_slice()), select).map_err(located)?,
        Format::InspectEval => {
            return Err(Error::Usage(
                "an inspect_ai .eval log is a zip archive: open it as a file, not from standard input".into(),
            ));
        }
    };
    finish(path, format, df, sha.into(), control)
}

/// An evaluation tool's log (lm-evaluation-harness, inspect_ai, promptfoo, OpenAI
/// evals, per-model nested JSON Lines), told from its first bytes and read into the
/// long graded layout; None for any other file.
fn harness_frame(path: &Path, format: Format, options: &ReadOptions) -> Result<Option<DataFrame>> {
    if is_stdin(path)
        || !matches!(
            format,
            Format::Json | Format::JsonLines | Format::InspectEval
        )
    {
        return Ok(None);
    }
    if format == Format::InspectEval {
        regular_file(path, format)?;
        options.control.stage("reading the inspect_ai log", 0);
        return super::harness::read(path, super::harness::Harness::Inspect).map(Some);
    }
    if options.encoding != Encoding::Utf8 {
        return Ok(None);
    }
    regular_file(path, format)?;
    let mut head = Vec::with_capacity(HARNESS_HEAD);
    File::open(path)
        .and_then(|f| f.take(HARNESS_HEAD as u64).read_to_end(&mut head))
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    match super::harness::detect(path, &head) {
        Some(h) => {
            options
                .control
                .stage(&format!("reading the {} log", h.name()), 0);
            super::harness::read(path, h).map(Some)
        }
        None => Ok(None),
    }
}

/// Bytes read to tell an evaluation tool's log from a plain file.
const HARNESS_HEAD: usize = 64 * 1024;

/// The last checks of a read frame: rows, unique column names.
fn finish(
    path: &Path,
    format: Format,
    df: DataFrame,
    sha: FileHash,
    control: &Control,
) -> Result<(DataFrame, FileHash)> {
    control.check()?;
    if df.height() == 0 {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    text::duplicates(path, format.name(), &names)?;
    Ok((df, sha))
}

/// The size of `path` if it is a regular file; a directory, a FIFO or a device
/// (which would block or never end) is refused.
fn regular_file(path: &Path, format: Format) -> Result<u64> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(Error::Unreadable {
            path: path.to_path_buf(),
            format: format.name(),
            detail: "it is a directory".into(),
        });
    }
    if !meta.is_file() {
        return Err(Error::Unreadable {
            path: path.to_path_buf(),
            format: format.name(),
            detail: "not a regular file (a FIFO, a device or a socket); to read a stream, pass - and pipe it to standard input".into(),
        });
    }
    if meta.len() == 0 {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(meta.len())
}

/// The input's bytes and their sha256, read in blocks: Cancel stops the read and
/// the progress counts bytes. A path must be a regular file; `-` is standard input.
pub fn read_bytes(path: &Path, format: Format, control: &Control) -> Result<(Vec<u8>, String)> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let (mut reader, size): (Box<dyn Read>, u64) = if is_stdin(path) {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let size = regular_file(path, format)?;
        (Box::new(File::open(path).map_err(io)?), size)
    };
    control.stage("reading", size);
    let mut bytes = Vec::with_capacity(size as usize);
    let mut hasher = Sha256::new();
    // 1 MiB between looks at Cancel: a block is read and hashed in about a
    // millisecond, and in well under a second on a CI machine run three times over.
    let mut buf = vec![0u8; 1 << 20];
    loop {
        control.check()?;
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes.extend_from_slice(&buf[..n]);
        control.advance(n as u64);
    }
    if bytes.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok((bytes, hex(&hasher.finalize())))
}

/// Text that means "no value" in delimited files, as pandas reads them by default
/// (an empty field, NA, N/A, NaN, null, None, #N/A).
const CSV_NULLS: &[&str] = &[
    "", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "#N/A",
];

fn csv_options(
    sep: u8,
    header: bool,
    infer: Option<usize>,
    schema: Option<SchemaRef>,
) -> CsvReadOptions {
    let nulls = NullValues::AllColumns(CSV_NULLS.iter().map(|s| (*s).into()).collect());
    CsvReadOptions::default()
        .with_has_header(header)
        .with_infer_schema_length(infer)
        .with_schema(schema)
        .map_parse_options(move |p| p.with_separator(sep).with_null_values(Some(nulls.clone())))
}

/// Parses checked delimited text: in one go when small, else piece by piece at
/// record boundaries with the schema inferred on the first piece (Cancel is checked
/// and progress counted between pieces). A column whose type changes after the
/// sampled rows is read again with every row used for inference.
fn read_delimited(
    bytes: &[u8],
    sep: u8,
    shape: &text::Delimited,
    control: &Control,
) -> Result<DataFrame> {
    let whole = || -> PolarsResult<DataFrame> {
        match csv_options(sep, true, Some(CSV_INFER_ROWS), None)
            .into_reader_with_file_handle(Cursor::new(bytes))
            .finish()
        {
            Ok(df) => Ok(df),
            Err(_) => csv_options(sep, true, None, None)
                .into_reader_with_file_handle(Cursor::new(bytes))
                .finish(),
        }
    };
    let fail = |e: PolarsError| Error::Unreadable {
        path: PathBuf::new(),
        format: "CSV",
        detail: polars_message(&e),
    };
    control.stage("parsing rows", shape.records as u64);
    if shape.cuts.len() <= 1 {
        let df = whole().map_err(fail)?;
        control.set_done(df.height() as u64);
        return Ok(df);
    }
    let pieces: Vec<(usize, usize)> = shape
        .cuts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let from = if i == 0 { 0 } else { start };
            (from, shape.cuts.get(i + 1).copied().unwrap_or(bytes.len()))
        })
        .collect();
    let chunked = || -> std::result::Result<DataFrame, Option<Error>> {
        let (a, b) = pieces[0];
        let mut df = csv_options(sep, true, Some(CSV_INFER_ROWS), None)
            .into_reader_with_file_handle(Cursor::new(&bytes[a..b]))
            .finish()
            .map_err(|_| None)?;
        let schema = df.schema().clone();
        control.set_done(df.height() as u64);
        for &(a, b) in &pieces[1..] {
            control.check().map_err(|c| Some(c.into()))?;
            let part = csv_options(sep, false, None, Some(schema.clone()))
                .into_reader_with_file_handle(Cursor::new(&bytes[a..b]))
                .finish()
                .map_err(|_| None)?;
            control.advance(part.height() as u64);
            df.vstack_mut(&part).map_err(|_| None)?;
        }
        df.rechunk_mut();
        Ok(df)
    };
    match chunked() {
        Ok(df) => Ok(df),
        Err(Some(e)) => Err(e),
        // A type that changes after the first piece: parse the whole text at once.
        Err(None) => {
            control.check()?;
            whole().map_err(fail)
        }
    }
}

/// Columns of a Parquet file read on their own, compacted as the window's load
/// reads them, without hashing the file again: what a load left for later
/// ([`super::kept_frame::read_deferred`]).
pub fn read_parquet_columns(path: &Path, names: &[String], control: &Control) -> Result<DataFrame> {
    regular_file(path, Format::Parquet)?;
    let open = || {
        File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let keep = |_: &[String]| names.to_vec();
    read_parquet(open, Some(&keep), Some(path), control).map_err(|e| match e {
        Error::Unreadable { detail, .. } => Error::Unreadable {
            path: path.to_path_buf(),
            format: "Parquet",
            detail,
        },
        other => other,
    })
}

/// Parquet, only the selected columns: when compacting, the columns the direct
/// readers take (Cancel between row groups, progress a column at a time), the
/// rest in row ranges (Cancel and progress between ranges); `open` gives a
/// fresh reader for each range.
fn read_parquet<R: MmapBytesReader>(
    open: impl Fn() -> Result<R>,
    select: Option<Selector>,
    compact_from: Option<&Path>,
    control: &Control,
) -> Result<DataFrame> {
    let fail = |e: PolarsError| Error::Unreadable {
        path: PathBuf::new(),
        format: "Parquet",
        detail: polars_message(&e),
    };
    let mut reader = ParquetReader::new(open()?);
    let schema = reader.schema().map_err(fail)?;
    let names = match select {
        Some(select) => select(&column_names(&schema)),
        None => column_names(&schema),
    };
    let rows = reader.num_rows().map_err(fail)?;
    // Progress in cells: the direct readers below advance a row group's rows
    // per column, side by side, and the row ranges their rows per column.
    control.stage("decoding columns", (rows * names.len()) as u64);
    // When compacting: dictionary-encoded text as enums, 64-bit integers as
    // 32-bit ones and doubles as one buffer each, read directly; the rest
    // through polars.
    let mut direct = match compact_from {
        Some(path) => {
            let metadata = reader.get_metadata().map_err(fail)?.clone();
            let of_type = |types: &[ArrowDataType]| -> Vec<String> {
                names
                    .iter()
                    .filter(|n| {
                        schema
                            .get(n.as_str())
                            .is_some_and(|f| types.contains(f.dtype()))
                    })
                    .cloned()
                    .collect()
            };
            use super::column_chunks::ColumnReader;
            let text = of_type(&[
                ArrowDataType::Utf8View,
                ArrowDataType::Utf8,
                ArrowDataType::LargeUtf8,
            ]);
            let readers: [(Vec<String>, ColumnReader); 3] = [
                (text, super::dictionary_text::read_enum),
                (
                    of_type(&[ArrowDataType::Int64]),
                    super::narrow_integers::read_narrow,
                ),
                (
                    of_type(&[ArrowDataType::Float64]),
                    super::float_columns::read_float,
                ),
            ];
            let columns: Vec<(String, ColumnReader)> = readers
                .into_iter()
                .flat_map(|(names, read)| names.into_iter().map(move |n| (n, read)))
                .collect();
            super::column_chunks::read_each(path, &metadata, &columns, control)
        }
        None => Default::default(),
    };
    // A direct reader stops early when cancelled.
    control.check()?;
    let rest: Vec<String> = names
        .iter()
        .filter(|n| !direct.contains_key(n.as_str()))
        .cloned()
        .collect();
    let mut out: Option<DataFrame> = None;
    let mut start = 0;
    // Row ranges through polars, unless every column was read directly.
    let mut more = direct.is_empty() || !rest.is_empty();
    while more {
        control.check()?;
        let len = PARQUET_ROWS.min(rows - start);
        let part = ParquetReader::new(open()?)
            .with_columns(Some(rest.clone()))
            .with_slice((rows > PARQUET_ROWS).then_some((start, len)))
            .finish()
            .map_err(fail)?;
        control.advance((part.height() * rest.len()) as u64);
        let part = match compact_from {
            Some(_) => super::compact::compact(part).map_err(fail)?,
            None => part,
        };
        match &mut out {
            None => out = Some(part),
            Some(df) => append_part(df, part).map_err(fail)?,
        }
        start += len;
        more = start < rows && rows > PARQUET_ROWS;
    }
    // The row ranges stay separate chunks: joining them copied every column once
    // more (half of reading a 10M-row file) and held both copies at the peak.
    // Every reader of a frame walks its chunks (`downcast_iter`) or asks polars.
    let read = out.unwrap_or_default();
    if direct.is_empty() {
        return Ok(read);
    }
    let mut read: HashMap<String, Column> = read
        .into_columns()
        .into_iter()
        .map(|c| (c.name().to_string(), c))
        .collect();
    let columns: Vec<Column> = names
        .iter()
        .filter_map(|n| {
            direct
                .remove(n.as_str())
                .or_else(|| read.remove(n.as_str()))
        })
        .collect();
    DataFrame::new(rows, columns).map_err(fail)
}

/// Appends a row range to the ranges read before it. Compacted ranges may
/// differ in a column's type (an integer column narrowed in one range only, text
/// of other levels in each): both sides then take the file's own type, which
/// the caller's compaction of the whole frame decides on again.
fn append_part(out: &mut DataFrame, mut part: DataFrame) -> PolarsResult<()> {
    for name in part.get_column_names_owned() {
        let (was, is) = (out.column(&name)?.dtype(), part.column(&name)?.dtype());
        if was != is {
            let wide = if super::compact::is_text(was) || super::compact::is_text(is) {
                DataType::String
            } else {
                DataType::Int64
            };
            let widened = out.column(&name)?.cast(&wide)?;
            out.with_column(widened)?;
            let widened = part.column(&name)?.cast(&wide)?;
            part.with_column(widened)?;
        }
    }
    out.vstack_mut_owned(part)?;
    Ok(())
}

/// Arrow IPC, the file format (magic `ARROW1`) or the stream format.
fn read_ipc<R: MmapBytesReader>(mut reader: R, select: Option<Selector>) -> Result<DataFrame> {
    let fail = |e: PolarsError| Error::Unreadable {
        path: PathBuf::new(),
        format: "Arrow IPC",
        detail: polars_message(&e),
    };
    let mut magic = [0u8; 6];
    let file_format = reader.read_exact(&mut magic).is_ok() && &magic == b"ARROW1";
    reader
        .seek(std::io::SeekFrom::Start(0))
        .map_err(|e| fail(e.into()))?;
    if file_format {
        let mut r = IpcReader::new(reader);
        if let Some(select) = select {
            let names = column_names(&*r.schema().map_err(fail)?);
            r = r.with_columns(Some(select(&names)));
        }
        r.finish().map_err(fail)
    } else {
        // The stream format (the Hugging Face datasets cache writes it).
        let mut r = IpcStreamReader::new(reader);
        if let Some(select) = select {
            let names = column_names(&r.arrow_schema().map_err(fail)?);
            r = r.with_columns(Some(select(&names)));
        }
        r.finish().map_err(fail)
    }
}

/// Bytes of a text file read for a preview of its first rows.
const HEAD_BYTES: usize = 4 << 20;

/// The first `rows` rows of an input, for a preview before it is opened (the
/// mapping form): a text file's first megabytes, a Parquet file's first row group.
pub fn read_head(path: &Path, options: &ReadOptions, rows: usize) -> Result<DataFrame> {
    let format = options.format_of(path)?;
    if let Some(df) = harness_frame(path, format, options)? {
        return Ok(df.head(Some(rows)));
    }
    let unreadable = |e: PolarsError| Error::Unreadable {
        path: path.to_path_buf(),
        format: format.name(),
        detail: polars_message(&e),
    };
    let size = regular_file(path, format)?;
    let open = || {
        File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let df = match format {
        Format::Parquet => ParquetReader::new(open()?)
            .with_slice(Some((0, rows)))
            .finish()
            .map_err(unreadable)?,
        Format::Ipc => read_ipc(open()?, None)?.head(Some(rows)),
        Format::InspectEval => read_frame(path, options)?.head(Some(rows)),
        Format::Json => read_frame(path, options)?.head(Some(rows)),
        Format::Csv | Format::Tsv | Format::JsonLines => {
            let mut bytes = Vec::new();
            open()?
                .take(HEAD_BYTES as u64)
                .read_to_end(&mut bytes)
                .map_err(|source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
            if (bytes.len() as u64) < size {
                // Whole lines only.
                let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                bytes.truncate(end);
            }
            let bytes = text::to_utf8(path, format.name(), bytes, options.encoding)?;
            if format == Format::JsonLines {
                JsonReader::new(Cursor::new(bytes.as_slice()))
                    .with_json_format(JsonFormat::JsonLines)
                    .finish()
                    .map_err(unreadable)?
                    .head(Some(rows))
            } else {
                let sep = if format == Format::Tsv { b'\t' } else { b',' };
                csv_options(sep, true, Some(CSV_INFER_ROWS), None)
                    .with_n_rows(Some(rows))
                    .into_reader_with_file_handle(Cursor::new(bytes.as_slice()))
                    .finish()
                    .map_err(unreadable)?
            }
        }
    };
    if df.height() == 0 {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(df)
}

/// The column names of a Parquet file, from its metadata.
pub fn parquet_column_names(path: &Path) -> Result<Vec<String>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = ParquetReader::new(file);
    let schema = reader.schema().map_err(|e| Error::Unreadable {
        path: path.to_path_buf(),
        format: "Parquet",
        detail: polars_message(&e),
    })?;
    Ok(column_names(&schema))
}

fn column_names(schema: &polars::prelude::ArrowSchema) -> Vec<String> {
    schema.iter_names().map(|n| n.to_string()).collect()
}

/// The first line of a polars error, without its backtrace-like context.
pub fn polars_message(e: &PolarsError) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("unknown error").trim();
    first.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::compact::testing::{assert_same_frame, parquet_file};

    #[test]
    fn a_compacted_read_reports_every_cell_and_stops_when_cancelled() {
        // Text, integers and doubles (read directly) and unique ids (through
        // polars), in row groups of 100.
        let n = 1_000;
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new(
                    "id".into(),
                    (0..n).map(|i| format!("row-{i}")).collect::<Vec<_>>(),
                ),
                Column::new(
                    "region".into(),
                    (0..n).map(|i| ["a", "b"][i % 2]).collect::<Vec<_>>(),
                ),
                Column::new(
                    "label".into(),
                    (0..n as i64).map(|i| i % 2).collect::<Vec<_>>(),
                ),
                Column::new(
                    "score".into(),
                    (0..n).map(|i| i as f64 / n as f64).collect::<Vec<_>>(),
                ),
            ],
        )
        .unwrap();
        let path = parquet_file("read-progress", &mut df, Some(100));
        let options = |control: &Control| ReadOptions {
            compact: true,
            control: control.clone(),
            ..Default::default()
        };
        let control = Control::default();
        read_frame(&path, &options(&control)).unwrap();
        let (stage, done, total) = control.progress();
        assert_eq!(
            (stage.as_str(), done, total),
            ("decoding columns", 4000, 4000)
        );
        let cancelled = Control::default();
        cancelled.cancel();
        let read = read_frame(&path, &options(&cancelled));
        std::fs::remove_file(&path).unwrap();
        assert!(read.is_err(), "a cancelled read gave a frame");
    }

    #[test]
    fn row_ranges_read_compacted_make_the_frame_compacting_makes() {
        // Over two row ranges: integers that fit 32 bits only in the first,
        // text of other levels in each (and too many levels in all), and
        // dictionary text of one level a range.
        let n = PARQUET_ROWS + 300;
        let wide: Vec<i64> = (0..n as i64)
            .map(|i| {
                if i < PARQUET_ROWS as i64 {
                    i % 7
                } else {
                    i << 33
                }
            })
            .collect();
        let small: Vec<i64> = (0..n as i64).map(|i| i % 5).collect();
        let text: Vec<String> = (0..n)
            .map(|i| format!("t{}", (i / PARQUET_ROWS) * 200 + i % 200))
            .collect();
        let halves: Vec<&str> = (0..n)
            .map(|i| if i < PARQUET_ROWS { "first" } else { "second" })
            .collect();
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new("wide".into(), wide),
                Column::new("small".into(), small),
                Column::new("text".into(), text),
                Column::new("halves".into(), halves),
            ],
        )
        .unwrap();
        let path = parquet_file("read-compacted", &mut df, None);
        let compacted = read_frame(
            &path,
            &ReadOptions {
                compact: true,
                ..Default::default()
            },
        )
        .unwrap();
        std::fs::remove_file(&path).unwrap();
        let compacted = super::super::compact::compact(compacted).unwrap();
        let want = super::super::compact::compact(df).unwrap();
        assert_eq!(compacted.dtypes(), want.dtypes());
        assert_eq!(want.column("wide").unwrap().dtype(), &DataType::Int64);
        assert_eq!(want.column("small").unwrap().dtype(), &DataType::Int32);
        assert!(want.column("text").unwrap().dtype().is_string());
        assert!(want.column("halves").unwrap().dtype().is_enum());
        assert_same_frame(&want, &compacted);
    }
}
