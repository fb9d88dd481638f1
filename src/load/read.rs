//! Reading an evaluation file into a polars `DataFrame`, with the format chosen by
//! extension (contract section 1). Every polars error is turned into a one-line
//! message that names the file.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::control::Control;
use crate::error::{Error, Result};

/// The file formats faultline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Tsv,
    Parquet,
    Json,
    JsonLines,
    Ipc,
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
            "tsv" => Format::Tsv,
            "parquet" => Format::Parquet,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            "arrow" | "ipc" | "feather" => Format::Ipc,
            _ => {
                return Err(Error::UnsupportedFormat {
                    path: path.to_path_buf(),
                    ext,
                });
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Parquet => "Parquet",
            Format::Json => "JSON",
            Format::JsonLines => "JSON Lines",
            Format::Ipc => "Arrow IPC",
        }
    }
}

/// Rows read for CSV type inference before a full-file retry.
const CSV_INFER_ROWS: usize = 10_000;

/// Chooses the columns to read from the file's column names.
pub type Selector<'a> = &'a dyn Fn(&[String]) -> Vec<String>;

/// Reads the whole file. An empty file or one without data rows is an error.
pub fn read_frame(path: &Path, control: &Control) -> Result<DataFrame> {
    read_frame_projected(path, None, control)
}

/// Reads the file; for Parquet and Arrow IPC only the columns `select` keeps.
/// `control` stops the read between its steps.
pub fn read_frame_projected(
    path: &Path,
    select: Option<Selector>,
    control: &Control,
) -> Result<DataFrame> {
    control.check()?;
    let format = Format::from_path(path)?;
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
    if meta.len() == 0 {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    let unreadable = |e: PolarsError| Error::Unreadable {
        path: path.to_path_buf(),
        format: format.name(),
        detail: polars_message(&e),
    };
    let df = match format {
        Format::Csv | Format::Tsv => {
            let sep = if format == Format::Tsv { b'\t' } else { b',' };
            check_csv_shape(path, sep)?;
            control.check()?;
            match read_csv(path, sep, Some(CSV_INFER_ROWS)) {
                Ok(df) => df,
                // A column whose type changes after the sampled rows: infer on all rows.
                Err(_) => read_csv(path, sep, None).map_err(unreadable)?,
            }
        }
        Format::Parquet => {
            let mut reader = ParquetReader::new(open(path)?);
            if let Some(select) = select {
                let names = column_names(&*reader.schema().map_err(unreadable)?);
                reader = reader.with_columns(Some(select(&names)));
            }
            reader.finish().map_err(unreadable)?
        }
        Format::Json => JsonReader::new(open(path)?)
            .with_json_format(JsonFormat::Json)
            .finish()
            .map_err(unreadable)?,
        Format::JsonLines => JsonReader::new(open(path)?)
            .with_json_format(JsonFormat::JsonLines)
            .finish()
            .map_err(unreadable)?,
        Format::Ipc => {
            let mut reader = IpcReader::new(open(path)?);
            if let Some(select) = select {
                let names = column_names(&*reader.schema().map_err(unreadable)?);
                reader = reader.with_columns(Some(select(&names)));
            }
            reader.finish().map_err(unreadable)?
        }
    };
    control.check()?;
    if df.height() == 0 {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(df)
}

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Text that means "no value" in delimited files, as pandas reads them by default
/// (an empty field, NA, N/A, NaN, null, None, #N/A).
const CSV_NULLS: &[&str] = &[
    "", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "#N/A",
];

fn read_csv(path: &Path, sep: u8, infer: Option<usize>) -> PolarsResult<DataFrame> {
    let nulls = NullValues::AllColumns(CSV_NULLS.iter().map(|s| (*s).into()).collect());
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(infer)
        .map_parse_options(|p| p.with_separator(sep).with_null_values(Some(nulls.clone())))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()
}

/// The column names of a Parquet file, from its metadata.
pub fn parquet_column_names(path: &Path) -> Result<Vec<String>> {
    let mut reader = ParquetReader::new(open(path)?);
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

/// Polars accepts rows with missing trailing fields silently; the contract does not
/// allow silent changes, so a delimited file whose rows have different field counts
/// is rejected here, naming the first ragged row. Quoted fields may hold separators
/// and newlines, so this is a small quote-aware scanner over the raw bytes.
fn check_csv_shape(path: &Path, sep: u8) -> Result<()> {
    let mut bytes = Vec::new();
    open(path)?
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(Error::Unreadable {
            path: path.to_path_buf(),
            format: if sep == b'\t' { "TSV" } else { "CSV" },
            detail: "the file is not UTF-8 text".into(),
        });
    }
    let mut expected: Option<usize> = None;
    let mut fields = 1usize;
    let mut in_quotes = false;
    let mut line_has_content = false;
    let mut record = 0usize; // 0 = header
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' {
            in_quotes = true;
            line_has_content = true;
        } else if b == sep {
            fields += 1;
            line_has_content = true;
        } else if b == b'\n' {
            end_record(path, &mut expected, fields, line_has_content, record)?;
            if line_has_content {
                record += 1;
            }
            fields = 1;
            line_has_content = false;
        } else if b != b'\r' {
            line_has_content = true;
        }
        i += 1;
    }
    end_record(path, &mut expected, fields, line_has_content, record)?;
    Ok(())
}

fn end_record(
    path: &Path,
    expected: &mut Option<usize>,
    fields: usize,
    has_content: bool,
    record: usize,
) -> Result<()> {
    if !has_content {
        return Ok(());
    }
    match *expected {
        None => *expected = Some(fields),
        Some(n) if n != fields => {
            return Err(Error::Unreadable {
                path: path.to_path_buf(),
                format: "CSV",
                detail: format!(
                    "row {record} has {fields} fields but the header has {n} (ragged rows)"
                ),
            });
        }
        Some(_) => {}
    }
    Ok(())
}

/// The first line of a polars error, without its backtrace-like context.
fn polars_message(e: &PolarsError) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("unknown error").trim();
    first.to_string()
}

/// The sha256 of the file's bytes, as lowercase hex; it identifies the dataset in
/// JSON output, sessions and briefs.
pub fn sha256_file(path: &Path) -> Result<String> {
    sha256_file_with(path, &Control::none())
}

/// [`sha256_file`], stopped by `control` between megabytes.
pub fn sha256_file_with(path: &Path, control: &Control) -> Result<String> {
    let mut file = open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|source| Error::Io {
            path: PathBuf::from(path),
            source,
        })?;
        if n == 0 {
            break;
        }
        control.check()?;
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
