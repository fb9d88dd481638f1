//! The `compare` JSON document (contract section 3) and its text rendering.

use serde_json::{Map, Value, json};

use super::metrics_doc::{dataset_json, num};
use crate::compare::{Comparison, SliceComparison};
use crate::format::{Table, fmt_int};
use crate::grouping::Grouping;
use crate::load::table::EvalTable;

fn comparison_json(c: &Comparison) -> Map<String, Value> {
    let mut metrics = Map::new();
    for d in &c.metrics {
        let mut one = json!({
            "baseline": num(d.baseline),
            "candidate": num(d.candidate),
            "delta": num(d.delta),
            "ci": d.ci.map_or(Value::Null, |[lo, hi]| json!([lo, hi])),
        });
        if let Some(o) = one.as_object_mut() {
            if let Some(se) = d.se {
                o.insert("se".into(), num(Some(se)));
            }
            if let Some(mde) = d.mde {
                o.insert("mde".into(), num(Some(mde)));
            }
        }
        metrics.insert(d.name.into(), one);
    }
    let mut m = Map::new();
    m.insert("metrics".into(), Value::Object(metrics));
    m.insert(
        "flips".into(),
        serde_json::to_value(c.flips).unwrap_or(Value::Null),
    );
    m.insert("mcnemar_p".into(), json!(c.mcnemar_p));
    if let Some(p) = c.paired_p {
        m.insert("paired_p".into(), json!(p));
    }
    m
}

#[allow(clippy::too_many_arguments)]
pub fn compare_json(
    table: &EvalTable,
    baseline: usize,
    candidate: usize,
    grouping: &Grouping,
    overall: &Comparison,
    slices: &[SliceComparison],
    gate_failed: bool,
    join: Option<Value>,
) -> Value {
    let mut o = comparison_json(overall);
    o.insert("n".into(), json!(overall.n));
    let slices: Vec<Value> = slices
        .iter()
        .map(|s| {
            let mut key = Map::new();
            for (c, v) in grouping.describe(table, s.group) {
                key.insert(c.into(), json!(v));
            }
            let mut m = Map::new();
            m.insert("slice".into(), Value::Object(key));
            m.insert("n".into(), json!(s.comparison.n));
            m.extend(comparison_json(&s.comparison));
            m.insert("q_value".into(), json!(s.q_value));
            m.insert("verdict".into(), json!(s.verdict.as_str()));
            Value::Object(m)
        })
        .collect();
    let mut doc = json!({
        "baseline": table.models[baseline].name,
        "candidate": table.models[candidate].name,
        "task": table.task.as_str(),
        "overall": o,
        "slices": slices,
        "by": grouping.features.iter().map(|&f| &table.features[f].name).collect::<Vec<_>>(),
        "gate_failed": gate_failed,
        "dataset": dataset_json(table),
    });
    if let (Value::Object(m), Some(j)) = (&mut doc, join) {
        m.insert("join".into(), j);
    }
    doc
}

pub fn compare_text(
    table: &EvalTable,
    baseline: usize,
    candidate: usize,
    grouping: &Grouping,
    overall: &Comparison,
    slices: &[SliceComparison],
    join_report: Option<&str>,
) -> String {
    let (b, c) = (&table.models[baseline].name, &table.models[candidate].name);
    let unit = table.task.unit();
    let mut out = format!(
        "{}\n{c} (candidate) against {b} (baseline), {} {unit}, {}\n",
        table.dataset.path.display(),
        fmt_int(overall.n),
        table.task.as_str()
    );
    if let Some(j) = join_report {
        out.push_str(j);
        out.push('\n');
    }
    out.push_str(&format!(
        "\n{}\n\n",
        crate::compare::flips_sentence(table.task, &overall.flips, overall.mcnemar_p, b, c)
    ));
    let graded = overall.metrics.iter().any(|d| d.mde.is_some());
    let mut header: Vec<String> = vec![
        "metric".into(),
        b.clone(),
        c.clone(),
        "delta".into(),
        "95% CI (paired)".into(),
    ];
    if graded {
        header.push(
            if table.clusters.is_some() {
                "SE (clustered)"
            } else {
                "SE"
            }
            .into(),
        );
        header.push("MDE (80% power)".into());
    }
    let mut t = Table::new(header);
    for d in &overall.metrics {
        let mut row = vec![
            d.name.into(),
            crate::format::fmt_value(d.baseline),
            crate::format::fmt_value(d.candidate),
            d.delta.map_or("-".into(), |x| format!("{x:+.4}")),
            crate::format::fmt_ci(d.ci),
        ];
        if graded {
            row.push(crate::format::fmt_value(d.se));
            row.push(crate::format::fmt_value(d.mde));
        }
        t.row(row);
    }
    out.push_str(&t.render());
    if let Some(d) = overall.headline().filter(|d| d.mde.is_some()) {
        out.push_str(&format!(
            "\n{}\n",
            crate::compare::power_sentence(d, overall.n, unit)
        ));
    }
    if grouping.features.is_empty() {
        return out;
    }
    let names: Vec<&str> = grouping
        .features
        .iter()
        .map(|&f| table.features[f].name.as_str())
        .collect();
    out.push_str(&format!(
        "\nBy {}: {}, {} and Benjamini-Hochberg q over the slices\n",
        names.join(" × "),
        overall.headline().map_or("accuracy", |d| d.name),
        if table.task == crate::load::Task::Ranking {
            "sign-flip permutation p"
        } else if overall.paired_p.is_some() {
            "paired p"
        } else {
            "McNemar p"
        }
    ));
    let mut header: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    header.extend(["n", "baseline", "candidate", "delta", "95% CI"].map(String::from));
    if graded {
        header.push("MDE".into());
    }
    header.extend(
        [
            if table.task == crate::load::Task::Ranking {
                "permutation p"
            } else if overall.paired_p.is_some() {
                "paired p"
            } else {
                "McNemar p"
            },
            "q",
            "verdict",
        ]
        .map(String::from),
    );
    let mut t = Table::new(header).left_aligned(names.len());
    for s in slices {
        let mut row: Vec<String> = grouping
            .describe(table, s.group)
            .into_iter()
            .map(|(_, v)| v.to_string())
            .collect();
        let d = s.comparison.headline();
        row.push(fmt_int(s.comparison.n));
        row.push(crate::format::fmt_value(d.and_then(|d| d.baseline)));
        row.push(crate::format::fmt_value(d.and_then(|d| d.candidate)));
        row.push(
            d.and_then(|d| d.delta)
                .map_or("-".into(), |x| format!("{x:+.4}")),
        );
        row.push(crate::format::fmt_ci(d.and_then(|d| d.ci)));
        if graded {
            row.push(crate::format::fmt_value(d.and_then(|d| d.mde)));
        }
        row.push(fmt_p(s.comparison.verdict_p()));
        row.push(fmt_p(s.q_value));
        row.push(s.verdict.as_str().into());
        t.row(row);
    }
    out.push_str(&t.render());
    out
}

use crate::format::fmt_p;
