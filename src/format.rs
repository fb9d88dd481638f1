//! Number formatting and aligned plain-text tables, shared by the command line,
//! the briefs and the window.

/// A table of strings; the first column is left-aligned, the rest right-aligned.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    left: usize,
}

impl Table {
    pub fn new(header: Vec<String>) -> Table {
        Table {
            header,
            rows: Vec::new(),
            left: 1,
        }
    }

    /// Left-aligns the first `n` columns (slice values) instead of only the first.
    pub fn left_aligned(mut self, n: usize) -> Table {
        self.left = n;
        self
    }

    pub fn row(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    pub fn render(&self) -> String {
        let cols = self.header.len();
        let mut width = vec![0usize; cols];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(cols) {
                width[i] = width[i].max(display_width(c));
            }
        }
        let line = |r: &Vec<String>| -> String {
            let cells: Vec<String> = (0..cols)
                .map(|i| {
                    let c = r.get(i).map(String::as_str).unwrap_or("");
                    let pad = " ".repeat(width[i].saturating_sub(display_width(c)));
                    if i < self.left {
                        format!("{c}{pad}")
                    } else {
                        format!("{pad}{c}")
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string() + "\n"
        };
        let mut out = line(&self.header);
        let total: usize = width.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
        out.push_str(&"─".repeat(total));
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }
}

/// A table as tab-separated text (tabs and newlines in cells become spaces).
pub fn to_tsv(header: &[String], rows: &[Vec<String>]) -> String {
    let clean = |c: &String| c.replace(['\t', '\n', '\r'], " ");
    std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .map(|r| r.iter().map(clean).collect::<Vec<_>>().join("\t"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A table as Markdown (pipes escaped, newlines as spaces).
pub fn to_markdown_table(header: &[String], rows: &[Vec<String>]) -> String {
    let cell = |c: &String| c.replace('|', "\\|").replace(['\n', '\r'], " ");
    let line = |r: &[String]| format!("| {} |", r.iter().map(cell).collect::<Vec<_>>().join(" | "));
    let mut out = line(header);
    out.push('\n');
    out.push_str(&format!("|{}|\n", vec![" --- "; header.len()].join("|")));
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// The columns a text takes in a terminal: CJK and most emoji take two, combining
/// marks none.
pub fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// A metric value with four decimals, `-` where undefined.
pub fn fmt_value(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.4}"),
        _ => "-".into(),
    }
}

/// An interval as `[lo, hi]`, empty where there is none.
pub fn fmt_ci(ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("[{lo:.4}, {hi:.4}]"),
        None => String::new(),
    }
}

/// A p- or q-value: four decimals, scientific below 1e-4, and `< 1e-300` where a
/// double cannot tell it from zero (never `0.0e0`).
pub fn fmt_p(p: f64) -> String {
    if p.is_nan() {
        "-".into()
    } else if p < 1e-300 {
        "< 1e-300".into()
    } else if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}

/// A signed difference with four decimals, `-` where undefined.
pub fn fmt_delta(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:+.4}"),
        _ => "-".into(),
    }
}

/// An integer with thousands separators.
pub fn fmt_int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fmt_int(1234567), "1,234,567");
        assert_eq!(fmt_int(12), "12");
        assert_eq!(fmt_value(None), "-");
        assert_eq!(fmt_ci(Some([0.1, 0.25])), "[0.1000, 0.2500]");
        assert_eq!(fmt_p(0.0), "< 1e-300");
        assert_eq!(fmt_p(3.21e-7), "3.2e-7");
        assert_eq!(fmt_p(0.04321), "0.0432");
        assert_eq!(fmt_delta(Some(-0.5)), "-0.5000");
    }

    #[test]
    fn tables_copy_as_text() {
        let h = vec!["a".to_string(), "b|c".to_string()];
        let rows = vec![vec!["1\t2".to_string(), "x\ny".to_string()]];
        assert_eq!(to_tsv(&h, &rows), "a\tb|c\n1 2\tx y\n");
        assert_eq!(
            to_markdown_table(&h, &rows),
            "| a | b\\|c |\n| --- | --- |\n| 1\t2 | x y |\n"
        );
    }

    #[test]
    fn wide_characters_align() {
        let mut t = Table::new(vec!["city".into(), "n".into()]);
        t.row(vec!["東京都".into(), "5".into()]);
        t.row(vec!["Paris".into(), "12".into()]);
        let text = t.render();
        let ends: Vec<usize> = text
            .lines()
            .filter(|l| !l.starts_with('─'))
            .map(display_width)
            .collect();
        assert_eq!(ends, vec![10, 10, 10], "{text}");
    }
}
