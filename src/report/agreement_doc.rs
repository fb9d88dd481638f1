//! The `agreement` JSON document (contract section 5) and its text rendering.

use std::path::Path;

use serde_json::{Value, json};

use super::metrics_doc::num;
use crate::agreement::{Agreement, Weights};
use crate::format::{Table, fmt_ci, fmt_int, fmt_value};
use crate::load::table::Feature;
use crate::stats::{Bootstrap, Interval};

/// Everything the report shows.
pub struct Doc<'a> {
    pub path: &'a Path,
    pub sha256: &'a str,
    pub rows: usize,
    pub raters: [&'a str; 2],
    pub weights: Weights,
    pub categories: &'a [String],
    /// The `--by` column, whose levels name the groups.
    pub by: Option<&'a Feature>,
    /// Per group, then overall (last).
    pub results: &'a [Agreement],
    pub boot: Bootstrap,
}

fn ci(c: Option<Interval>) -> Value {
    c.map_or(Value::Null, |[lo, hi]| json!([lo, hi]))
}

fn one(a: &Agreement) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("n".into(), json!(a.n));
    m.insert("missing".into(), json!(a.missing));
    m.insert("agreement".into(), num(a.agreement));
    m.insert("kappa".into(), num(a.kappa));
    m.insert(
        "ci".into(),
        json!({"agreement": ci(a.agreement_ci), "kappa": ci(a.kappa_ci)}),
    );
    m
}

pub fn to_json(d: &Doc<'_>) -> Value {
    let Some((overall, groups)) = d.results.split_last() else {
        return Value::Null;
    };
    let mut doc = one(overall);
    let mut head = serde_json::Map::new();
    head.insert("raters".into(), json!(d.raters));
    head.extend(doc);
    doc = head;
    doc.insert("weights".into(), json!(d.weights.as_str()));
    doc.insert("categories".into(), json!(d.categories));
    let slices: Vec<Value> = match d.by {
        Some(f) => groups
            .iter()
            .enumerate()
            .map(|(g, a)| {
                let mut m = serde_json::Map::new();
                m.insert("slice".into(), json!({ f.name.clone(): f.level(g as u32) }));
                m.extend(one(a));
                Value::Object(m)
            })
            .collect(),
        None => Vec::new(),
    };
    doc.insert("slices".into(), Value::Array(slices));
    doc.insert(
        "bootstrap".into(),
        json!({"resamples": d.boot.resamples, "seed": d.boot.seed}),
    );
    doc.insert(
        "dataset".into(),
        json!({"path": d.path.to_string_lossy(), "rows": d.rows, "sha256": d.sha256}),
    );
    Value::Object(doc)
}

pub fn to_text(d: &Doc<'_>) -> String {
    let Some((overall, groups)) = d.results.split_last() else {
        return String::new();
    };
    let kappa = match d.weights {
        Weights::None => "Cohen's kappa".to_string(),
        w => format!("Cohen's kappa ({} weights)", w.as_str()),
    };
    let mut out = format!(
        "{}\n{} against {}: {} rows, {} rated by both, {} with a rating missing (left out); categories {}\n\n",
        d.path.display(),
        d.raters[0],
        d.raters[1],
        fmt_int(d.rows as u64),
        fmt_int(overall.n),
        fmt_int(overall.missing),
        d.categories.join(", ")
    );
    let mut header = vec![
        String::new(),
        "n".into(),
        "agreement".into(),
        "95% CI".into(),
        kappa,
        "95% CI".into(),
    ];
    if let Some(f) = d.by {
        header[0] = f.name.clone();
    }
    let mut t = Table::new(header).left_aligned(1);
    let mut row = |name: String, a: &Agreement| {
        t.row(vec![
            name,
            fmt_int(a.n),
            fmt_value(a.agreement),
            fmt_ci(a.agreement_ci),
            fmt_value(a.kappa),
            fmt_ci(a.kappa_ci),
        ]);
    };
    if let Some(f) = d.by {
        for (g, a) in groups.iter().enumerate() {
            row(f.level(g as u32).to_string(), a);
        }
    }
    row("overall".into(), overall);
    out.push_str(&t.render());
    out.push_str(&format!(
        "\nIntervals: percentile bootstrap, {} resamples, seed {}.\n",
        d.boot.resamples, d.boot.seed
    ));
    out
}
