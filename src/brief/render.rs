//! Exports of a brief: Markdown (charts as SVG files beside it), one self-contained
//! HTML file (inline SVG and CSS, no external request, every string escaped) and
//! JSON. Each ends with provenance.

use std::path::Path;

use super::escape::{escape_html, escape_md};
use super::svg::chart_svg;
use super::{Brief, Content, Finding};
use crate::error::{Error, Result};

fn provenance_rows(b: &Brief) -> Vec<(String, String)> {
    let p = &b.provenance;
    let mut rows: Vec<(String, String)> = p
        .files
        .iter()
        .map(|(path, sha, rows)| {
            (
                "file".to_string(),
                format!("{path} (sha256 {sha}, {rows} rows)"),
            )
        })
        .collect();
    rows.push(("rows used".into(), p.used_rows.to_string()));
    match p.examples {
        Some(e) => {
            rows.push(("examples (runs averaged)".into(), e.to_string()));
            rows.push((
                "clustered by".into(),
                p.cluster
                    .clone()
                    .unwrap_or_else(|| "(none: examples independent)".into()),
            ));
        }
        None => rows.push((
            "rows excluded (null label)".into(),
            p.excluded_null_label.to_string(),
        )),
    }
    rows.push(("mapping".into(), p.mapping.clone()));
    rows.push((
        "threshold".into(),
        p.threshold.map_or("-".into(), |t| t.to_string()),
    ));
    rows.push(("cohort".into(), p.cohort.clone()));
    rows.push((
        "bootstrap".into(),
        format!("{} resamples, seed {}", p.resamples, p.seed),
    ));
    rows.push(("faultline".into(), p.faultline_version.clone()));
    rows.push(("generated".into(), p.generated_at.clone()));
    rows
}

/// The brief as Markdown, and the SVG files its charts refer to (`stem-chart-N.svg`).
pub fn to_markdown(b: &Brief, stem: &str) -> (String, Vec<(String, String)>) {
    markdown(b, Some(stem))
}

/// The brief as one Markdown text, its charts inline as `data:` URIs (for standard
/// output, where no file can sit beside it).
pub fn to_markdown_inline(b: &Brief) -> String {
    markdown(b, None).0
}

fn markdown(b: &Brief, stem: Option<&str>) -> (String, Vec<(String, String)>) {
    let mut md = format!(
        "# {}\n\n",
        escape_md(if b.title.is_empty() {
            "Error-analysis brief"
        } else {
            &b.title
        })
    );
    md.push_str(&format!(
        "**Recommendation: {}**\n\n",
        b.recommendation.label()
    ));
    if !b.summary.trim().is_empty() {
        md.push_str("## Executive summary\n\n");
        md.push_str(&escape_md_block(&b.summary));
        md.push_str("\n\n");
    }
    if !b.risks.trim().is_empty() {
        md.push_str("## Open risks\n\n");
        md.push_str(&escape_md_block(&b.risks));
        md.push_str("\n\n");
    }
    md.push_str("## Findings\n\n");
    let mut charts = Vec::new();
    for (i, f) in b.findings.iter().enumerate() {
        md.push_str(&format!(
            "### {}. {} ({})\n\n",
            i + 1,
            escape_md(&f.title),
            f.severity.as_str()
        ));
        if !f.source.is_empty() {
            md.push_str(&format!("*{}*\n\n", escape_md(&f.source)));
        }
        if !f.note.trim().is_empty() {
            md.push_str(&escape_md_block(&f.note));
            md.push_str("\n\n");
        }
        match &f.content {
            Content::Table { header, rows } => {
                if !rows.is_empty() {
                    md.push_str(&md_table(header, rows));
                }
            }
            Content::Chart(c) => match stem {
                Some(stem) => {
                    let name = format!("{stem}-chart-{}.svg", i + 1);
                    md.push_str(&format!("![{}]({name})\n\n", escape_md(&c.title)));
                    charts.push((name, chart_svg(c)));
                }
                None => {
                    use base64::Engine as _;
                    let data = base64::engine::general_purpose::STANDARD.encode(chart_svg(c));
                    md.push_str(&format!(
                        "![{}](data:image/svg+xml;base64,{data})\n\n",
                        escape_md(&c.title)
                    ));
                }
            },
            Content::Example { fields } => {
                let rows: Vec<Vec<String>> = fields
                    .iter()
                    .map(|(k, v)| vec![k.clone(), v.clone()])
                    .collect();
                md.push_str(&md_table(&["field".into(), "value".into()], &rows));
            }
            Content::Text { text } => {
                md.push_str(&escape_md_block(text));
                md.push_str("\n\n");
            }
        }
    }
    md.push_str("## Provenance\n\n");
    let rows: Vec<Vec<String>> = provenance_rows(b)
        .into_iter()
        .map(|(k, v)| vec![k, v])
        .collect();
    md.push_str(&md_table(&["".into(), "".into()], &rows));
    (md, charts)
}

fn escape_md_block(s: &str) -> String {
    s.lines().map(escape_md).collect::<Vec<_>>().join("  \n")
}

fn md_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut s = format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| escape_md(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    s.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in rows {
        s.push_str(&format!(
            "| {} |\n",
            r.iter()
                .map(|c| escape_md(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    s.push('\n');
    s
}

const CSS: &str = "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#111;line-height:1.45}\
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}\
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}td,th{border:1px solid #ccc;padding:.25em .55em;text-align:left;vertical-align:top}\
th{background:#f3f4f6}.rec{display:inline-block;padding:.3em .8em;border-radius:6px;font-weight:bold;background:#eef2ff}\
.sev{font-size:.8em;padding:.1em .5em;border-radius:4px;background:#eee;margin-left:.5em}.sev-high,.sev-critical{background:#fee2e2;color:#991b1b}\
.source{color:#555;font-style:italic}.note{white-space:pre-wrap}td.value{white-space:pre-wrap;max-width:600px}";

/// The brief as one self-contained HTML page.
pub fn to_html(b: &Brief) -> String {
    let title = if b.title.is_empty() {
        "Error-analysis brief"
    } else {
        &b.title
    };
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<title>{}</title><style>{CSS}</style></head><body>\n",
        escape_html(title)
    );
    h.push_str(&format!(
        "<h1>{}</h1>\n<p><span class=\"rec\">Recommendation: {}</span></p>\n",
        escape_html(title),
        b.recommendation.label()
    ));
    if !b.summary.trim().is_empty() {
        h.push_str(&format!(
            "<h2>Executive summary</h2>\n<p class=\"note\">{}</p>\n",
            escape_html(&b.summary)
        ));
    }
    if !b.risks.trim().is_empty() {
        h.push_str(&format!(
            "<h2>Open risks</h2>\n<p class=\"note\">{}</p>\n",
            escape_html(&b.risks)
        ));
    }
    h.push_str("<h2>Findings</h2>\n");
    for (i, f) in b.findings.iter().enumerate() {
        h.push_str(&finding_html(i, f));
    }
    h.push_str("<h2>Provenance</h2>\n<table>");
    for (k, v) in provenance_rows(b) {
        h.push_str(&format!(
            "<tr><th>{}</th><td class=\"value\">{}</td></tr>",
            escape_html(&k),
            escape_html(&v)
        ));
    }
    h.push_str("</table>\n</body></html>\n");
    h
}

fn finding_html(i: usize, f: &Finding) -> String {
    let sev = f.severity.as_str();
    let mut h = format!(
        "<section><h3>{}. {}<span class=\"sev sev-{sev}\">{sev}</span></h3>\n",
        i + 1,
        escape_html(&f.title)
    );
    if !f.source.is_empty() {
        h.push_str(&format!(
            "<p class=\"source\">{}</p>\n",
            escape_html(&f.source)
        ));
    }
    if !f.note.trim().is_empty() {
        h.push_str(&format!("<p class=\"note\">{}</p>\n", escape_html(&f.note)));
    }
    match &f.content {
        Content::Table { header, rows } => {
            if !rows.is_empty() {
                h.push_str(&html_table(header, rows));
            }
        }
        Content::Chart(c) => h.push_str(&chart_svg(c)),
        Content::Example { fields } => {
            let rows: Vec<Vec<String>> = fields
                .iter()
                .map(|(k, v)| vec![k.clone(), v.clone()])
                .collect();
            h.push_str(&html_table(&["field".into(), "value".into()], &rows));
        }
        Content::Text { text } => {
            h.push_str(&format!("<p class=\"note\">{}</p>", escape_html(text)))
        }
    }
    h.push_str("</section>\n");
    h
}

fn html_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut h = String::from("<table><tr>");
    for c in header {
        h.push_str(&format!("<th>{}</th>", escape_html(c)));
    }
    h.push_str("</tr>");
    for r in rows {
        h.push_str("<tr>");
        for c in r {
            h.push_str(&format!("<td class=\"value\">{}</td>", escape_html(c)));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>\n");
    h
}

/// The formats a brief is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BriefFormat {
    /// Markdown (charts as SVG files beside it, or inline on standard output).
    Md,
    /// One self-contained HTML file.
    Html,
    Json,
}

impl BriefFormat {
    /// The format an output path's extension names.
    pub fn of_path(out: &Path) -> Result<BriefFormat> {
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Ok(BriefFormat::Md),
            "html" | "htm" => Ok(BriefFormat::Html),
            "json" => Ok(BriefFormat::Json),
            _ => Err(Error::Usage(format!(
                "{}: write the brief as .md, .html or .json (or name the format with --format)",
                out.display()
            ))),
        }
    }
}

/// The brief as one text in `format` (Markdown with inline charts).
pub fn to_text(b: &Brief, format: BriefFormat) -> Result<String> {
    Ok(match format {
        BriefFormat::Md => to_markdown_inline(b),
        BriefFormat::Html => to_html(b),
        BriefFormat::Json => {
            serde_json::to_string_pretty(b).map_err(|e| Error::Usage(e.to_string()))? + "\n"
        }
    })
}

/// Writes the brief to `out` in `format` (default: by the extension): Markdown with
/// chart SVGs beside it, HTML or JSON. Every file is written atomically; a failed
/// write says which file and leaves no temporary file. Returns the files written.
pub fn export(
    b: &Brief,
    out: &Path,
    format: Option<BriefFormat>,
) -> Result<Vec<std::path::PathBuf>> {
    let format = match format {
        Some(f) => f,
        None => BriefFormat::of_path(out)?,
    };
    let write = |p: &Path, bytes: &[u8]| {
        crate::atomic::write_atomic(p, bytes).map_err(|source| Error::Write {
            what: p.display().to_string(),
            source,
        })
    };
    let mut written = vec![out.to_path_buf()];
    match format {
        BriefFormat::Md => {
            let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("brief");
            let (md, charts) = to_markdown(b, stem);
            let dir = out.parent().unwrap_or(Path::new("."));
            for (name, svg) in charts {
                let p = dir.join(name);
                write(&p, svg.as_bytes())?;
                written.push(p);
            }
            write(out, md.as_bytes())?;
        }
        BriefFormat::Html | BriefFormat::Json => write(out, to_text(b, format)?.as_bytes())?,
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::{Chart, Severity};

    #[test]
    fn hostile_strings_are_inert() {
        let evil = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
        let b = Brief {
            title: evil.into(),
            summary: evil.into(),
            findings: vec![
                Finding {
                    title: evil.into(),
                    note: evil.into(),
                    severity: Severity::High,
                    source: evil.into(),
                    content: Content::Example {
                        fields: vec![(evil.into(), evil.into())],
                    },
                },
                Finding {
                    title: "c".into(),
                    note: String::new(),
                    severity: Severity::Low,
                    source: String::new(),
                    content: Content::Chart(Box::new(Chart {
                        title: evil.into(),
                        series: vec![(evil.into(), vec![[0.0, 0.0], [1.0, 1.0]])],
                        ..Default::default()
                    })),
                },
            ],
            ..Default::default()
        };
        let html = to_html(&b);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let (md, charts) = to_markdown(&b, "x");
        assert!(!md.contains("<script") && !md.contains("<img"));
        assert!(!charts[0].1.contains("<script"));
    }
}
