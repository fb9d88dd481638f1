//! Checks of text files before polars parses them, so that a bad file gets a
//! message naming its line instead of a parser's internals: the text encoding
//! (UTF-8, or Latin-1 / Windows-1252 when asked), NUL bytes (binary data), ragged
//! rows and duplicate column names in delimited files, nesting depth and JSON Lines
//! mistaken for JSON.

use std::path::Path;

use crate::control::Control;
use crate::error::{Error, Result};

/// How a text file's bytes are to be read.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
pub enum Encoding {
    #[default]
    #[value(name = "utf8", alias = "utf-8")]
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same number.
    #[value(name = "latin1", alias = "iso-8859-1")]
    Latin1,
    /// Windows-1252, what spreadsheets on Windows save as "CSV".
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
}

/// Deepest JSON nesting read; deeper values are refused before parsing (a parser
/// recursing on them could overflow its stack).
pub const MAX_JSON_DEPTH: usize = 64;

/// The 1-based line of byte offset `at`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn unreadable(path: &Path, format: &'static str, detail: String) -> Error {
    Error::Unreadable {
        path: path.to_path_buf(),
        format,
        detail,
    }
}

/// The text as UTF-8 bytes: the byte-order mark dropped, Latin-1 or Windows-1252
/// transcoded when asked; NUL bytes (binary data) and text that is not UTF-8 are
/// refused with the line they are on.
pub fn to_utf8(
    path: &Path,
    format: &'static str,
    bytes: Vec<u8>,
    encoding: Encoding,
) -> Result<Vec<u8>> {
    if let Some(at) = memchr_nul(&bytes) {
        return Err(unreadable(
            path,
            format,
            format!(
                "line {} holds a NUL byte: this is binary data, not {format} text",
                line_of(&bytes, at)
            ),
        ));
    }
    let bytes = match encoding {
        Encoding::Utf8 => bytes,
        Encoding::Latin1 => encoding_rs::mem::decode_latin1(&bytes)
            .into_owned()
            .into_bytes(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(&bytes)
            .0
            .into_owned()
            .into_bytes(),
    };
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    if let Err(e) = std::str::from_utf8(&bytes) {
        let at = e.valid_up_to();
        let line = line_of(&bytes, at);
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        return Err(unreadable(
            path,
            format,
            format!(
                "line {line} is not UTF-8 text (byte 0x{:02X} at character {}); a file saved by a spreadsheet is often Windows-1252: try --encoding windows-1252 (or latin1)",
                bytes[at],
                String::from_utf8_lossy(&bytes[line_start..at])
                    .chars()
                    .count()
                    + 1
            ),
        ));
    }
    Ok(bytes)
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// How many bytes the delimited check walks between looks at Cancel.
const CANCEL_CHECK_BYTES: usize = 1 << 20;

/// What the check of a delimited file found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delimited {
    pub header: Vec<String>,
    /// Data records (the header not counted).
    pub records: usize,
    /// Byte offsets where a record starts, about every `chunk` bytes (the first is
    /// the first data record): places to cut the file for parsing in pieces.
    pub cuts: Vec<usize>,
}

/// Checks a delimited file: every record has the header's field count (quoted
/// fields may hold separators and newlines), and no two columns share a name.
/// Polars would otherwise accept missing trailing fields and rename duplicates.
/// Cancel is checked about every [`CANCEL_CHECK_BYTES`]: the walk over a large
/// file takes seconds in a debug build.
pub fn check_delimited(
    path: &Path,
    bytes: &[u8],
    sep: u8,
    chunk: usize,
    control: &Control,
) -> Result<Delimited> {
    let format = if sep == b'\t' { "TSV" } else { "CSV" };
    let mut out = Delimited::default();
    let mut expected: Option<usize> = None;
    let mut fields = 1usize;
    let mut in_quotes = false;
    let mut has_content = false;
    let mut record_start = 0usize;
    let mut field_start = 0usize;
    let mut header_fields: Vec<(usize, usize)> = Vec::new();
    let mut last_cut = 0usize;
    let mut next_check = 0usize;
    let mut i = 0;
    loop {
        let at_end = i >= bytes.len();
        if at_end && in_quotes {
            return Err(unreadable(
                path,
                format,
                format!(
                    "a quoted field opened on line {} is never closed",
                    line_of(bytes, record_start)
                ),
            ));
        }
        let b = if at_end { b'\n' } else { bytes[i] };
        if in_quotes && !at_end {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' {
            in_quotes = true;
            has_content = true;
        } else if b == sep {
            if expected.is_none() {
                header_fields.push((field_start, i));
            }
            field_start = i + 1;
            fields += 1;
            has_content = true;
        } else if b == b'\n' {
            if i >= next_check {
                control.check()?;
                next_check = i + CANCEL_CHECK_BYTES;
            }
            if has_content {
                match expected {
                    None => {
                        let end = if i > field_start && bytes[i - 1] == b'\r' {
                            i - 1
                        } else {
                            i.min(bytes.len())
                        };
                        header_fields.push((field_start, end.max(field_start)));
                        out.header = header_fields
                            .iter()
                            .map(|&(a, b)| field_text(&bytes[a..b]))
                            .collect();
                        expected = Some(fields);
                    }
                    Some(n) if n != fields => {
                        return Err(unreadable(
                            path,
                            format,
                            format!(
                                "line {} (row {}) has {fields} fields but the header has {n} (ragged rows)",
                                line_of(bytes, record_start),
                                out.records + 1
                            ),
                        ));
                    }
                    Some(_) => {
                        if out.records == 0 || record_start >= last_cut + chunk {
                            out.cuts.push(record_start);
                            last_cut = record_start;
                        }
                        out.records += 1;
                    }
                }
            }
            fields = 1;
            has_content = false;
            record_start = i + 1;
            field_start = i + 1;
        } else if b != b'\r' {
            has_content = true;
        }
        if at_end {
            break;
        }
        i += 1;
    }
    duplicates(path, format, &out.header)?;
    Ok(out)
}

/// The text of a header field: quotes removed, doubled quotes undone.
fn field_text(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let t = s.trim_end_matches('\r');
    match t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => t.to_string(),
    }
}

/// Refuses duplicate column names, naming them and where they are.
pub fn duplicates(path: &Path, format: &'static str, names: &[String]) -> Result<()> {
    let mut at: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, n) in names.iter().enumerate() {
        at.entry(n.as_str()).or_default().push(i + 1);
    }
    if at.len() == names.len() {
        return Ok(());
    }
    // In the order the names first appear.
    let mut seen: Vec<(&str, Vec<usize>)> = at.into_iter().collect();
    seen.sort_by_key(|(_, at)| at[0]);
    let dups: Vec<String> = seen
        .iter()
        .filter(|(_, at)| at.len() > 1)
        .map(|(n, at)| {
            format!(
                "{n:?} (columns {})",
                at.iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    if dups.is_empty() {
        Ok(())
    } else {
        Err(unreadable(
            path,
            format,
            format!(
                "duplicate column names: {}; every column needs its own name",
                dups.join("; ")
            ),
        ))
    }
}

/// Checks JSON text before parsing: no value nested deeper than
/// [`MAX_JSON_DEPTH`], and for a `.json` file, one top-level value (several
/// objects one per line are JSON Lines).
pub fn check_json(path: &Path, bytes: &[u8], lines: bool) -> Result<()> {
    let format = if lines { "JSON Lines" } else { "JSON" };
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut top_values = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                if depth == 0 {
                    top_values += 1;
                    if !lines && top_values == 2 {
                        return Err(unreadable(
                            path,
                            format,
                            format!(
                                "a second top-level value starts on line {}: this looks like JSON Lines (one object per line); name the file .jsonl or pass --input-format jsonl",
                                line_of(bytes, i)
                            ),
                        ));
                    }
                }
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(unreadable(
                        path,
                        format,
                        format!(
                            "line {}: values nested more than {MAX_JSON_DEPTH} deep are not read",
                            line_of(bytes, i)
                        ),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The first line of JSON Lines text that is not one JSON object, with why.
pub fn first_bad_json_line(bytes: &[u8]) -> Option<(usize, String)> {
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let text = String::from_utf8_lossy(line);
        let t = text.trim();
        if t.is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(t) {
            Ok(serde_json::Value::Object(_)) => {}
            Ok(other) => {
                let kind = match other {
                    serde_json::Value::Array(_) => "an array",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Number(_) => "a number",
                    _ => "not an object",
                };
                return Some((
                    i + 1,
                    format!("{kind}, not an object with one field per column"),
                ));
            }
            Err(e) => return Some((i + 1, e.to_string())),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("t.csv")
    }

    #[test]
    fn delimited_files_are_checked() {
        let ok =
            check_delimited(p(), b"a,b\n1,2\n\"x,\ny\",3\r\n", b',', 1, &Control::none()).unwrap();
        assert_eq!(ok.header, ["a", "b"]);
        assert_eq!(ok.records, 2);
        assert_eq!(ok.cuts, vec![4, 8]);
        let e =
            check_delimited(p(), b"a,b\n1,2\n3\n", b',', 1 << 20, &Control::none()).unwrap_err();
        assert!(e.to_string().contains("line 3 (row 2) has 1 fields"), "{e}");
        let e =
            check_delimited(p(), b"a,b,a\n1,2,3\n", b',', 1 << 20, &Control::none()).unwrap_err();
        assert!(e.to_string().contains("\"a\" (columns 1, 3)"), "{e}");
        let e = check_delimited(p(), b"a,b\n\"1,2\n", b',', 1 << 20, &Control::none()).unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
        let cancelled = Control::none();
        cancelled.cancel();
        let e = check_delimited(p(), b"a,b\n1,2\n", b',', 1 << 20, &cancelled).unwrap_err();
        assert!(matches!(e, Error::Cancelled), "{e}");
    }

    #[test]
    fn encodings_and_binary_data() {
        let e = to_utf8(p(), "CSV", b"a,b\n1,\xe9t\xe9\n".to_vec(), Encoding::Utf8).unwrap_err();
        assert!(e.to_string().contains("line 2 is not UTF-8"), "{e}");
        assert!(e.to_string().contains("--encoding windows-1252"), "{e}");
        let s = to_utf8(p(), "CSV", b"a\n\xe9\x80\n".to_vec(), Encoding::Windows1252).unwrap();
        assert_eq!(String::from_utf8(s).unwrap(), "a\né€\n");
        let s = to_utf8(p(), "CSV", b"a\n\xe9\x80\n".to_vec(), Encoding::Latin1).unwrap();
        assert_eq!(String::from_utf8(s).unwrap(), "a\né\u{80}\n");
        let e = to_utf8(p(), "CSV", b"a\nx\0y\n".to_vec(), Encoding::Utf8).unwrap_err();
        assert!(e.to_string().contains("line 2 holds a NUL byte"), "{e}");
        let s = to_utf8(p(), "CSV", b"\xEF\xBB\xBFa\n1\n".to_vec(), Encoding::Utf8).unwrap();
        assert_eq!(s, b"a\n1\n");
    }

    #[test]
    fn json_depth_and_lines() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(check_json(p(), deep.as_bytes(), false).is_err());
        assert!(check_json(p(), b"[{\"a\": \"[[[[\"}]", false).is_ok());
        let e = check_json(p(), b"{\"a\":1}\n{\"a\":2}\n", false).unwrap_err();
        assert!(e.to_string().contains("JSON Lines"), "{e}");
        assert!(check_json(p(), b"{\"a\":1}\n{\"a\":2}\n", true).is_ok());
        assert_eq!(
            first_bad_json_line(b"{\"a\":1}\n\n{\"a\":\n").map(|x| x.0),
            Some(3)
        );
    }
}
