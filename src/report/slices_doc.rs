//! The `slices` JSON document (contract section 3) and its text rendering.

use serde_json::{Map, Value, json};

use super::metrics_doc::{dataset_json, num};
use crate::discovery::sliceline::{Found, Params, predicate_text};
use crate::format::{Table, fmt_int};
use crate::load::table::EvalTable;

/// Slices with q at or above this are marked as not significant.
pub const SIGNIFICANCE: f64 = 0.05;

pub fn slices_json(
    table: &EvalTable,
    model: usize,
    against: Option<usize>,
    features: &[usize],
    params: &Params,
    found: &Found,
    elapsed_ms: f64,
) -> Value {
    use crate::discovery::gap_of;
    let overconfident = params.excess;
    let slices: Vec<Value> = found
        .slices
        .iter()
        .map(|s| {
            let preds_of = |predicates: &[(usize, u32)]| {
                let mut preds = Map::new();
                for &(f, code) in predicates {
                    preds.insert(
                        table.features[f].name.clone(),
                        json!(table.features[f].level(code)),
                    );
                }
                Value::Object(preds)
            };
            let mut v = json!({
                "predicates": preds_of(&s.predicates),
                "equivalent": s.equivalent.iter().map(|p| preds_of(p)).collect::<Vec<_>>(),
                "score": s.score,
                "size": s.size,
                "errors": s.errors,
                "error_rate": s.error_rate,
                "ci": s.ci.map_or(Value::Null, |[lo, hi]| json!([lo, hi])),
                "p_value": num(Some(s.p_value)),
                "q_value": num(Some(s.q_value)),
                "significant": s.q_value < SIGNIFICANCE,
                "level": s.predicates.len(),
            });
            if overconfident && let Value::Object(o) = &mut v {
                o.insert("calibration_gap".into(), num(Some(gap_of(s.error_rate))));
                o.insert(
                    "calibration_gap_ci".into(),
                    s.ci.map_or(Value::Null, |[lo, hi]| json!([gap_of(lo), gap_of(hi)])),
                );
            }
            v
        })
        .collect();
    let mut doc = json!({
        "model": table.models[model].name,
        "against": against.map(|a| table.models[a].name.clone()),
        "rows": found.rows,
        "average_error": found.average_error,
        "params": {
            "alpha": params.alpha,
            "top": params.top,
            "max_level": params.max_level,
            "min_support": found.min_support,
            "features": features.iter().map(|&f| &table.features[f].name).collect::<Vec<_>>(),
            "keep_equivalent": params.keep_equivalent,
        },
        "slices": slices,
        "scored": found.scored,
        "dataset": dataset_json(table),
        "elapsed_ms": elapsed_ms,
        "target": if overconfident { "overconfidence" } else { "errors" },
    });
    if overconfident && let Value::Object(o) = &mut doc {
        o.insert(
            "average_calibration_gap".into(),
            num(Some(gap_of(found.average_error))),
        );
    }
    doc
}

pub fn slices_text(
    table: &EvalTable,
    model: usize,
    against: Option<usize>,
    found: &Found,
    elapsed_ms: f64,
    overconfident: bool,
) -> String {
    use crate::discovery::gap_of;
    let mut out = String::new();
    let ranking = table.task == crate::load::Task::Ranking;
    let what = match against {
        Some(a) if ranking => format!(
            "the NDCG that {} loses against {} per query",
            table.models[model].name, table.models[a].name
        ),
        None if ranking => format!("1 - NDCG per query of {}", table.models[model].name),
        None if overconfident => format!(
            "over-confidence of {} (score minus outcome; average gap {:+.4})",
            table.models[model].name,
            gap_of(found.average_error)
        ),
        Some(a) => format!(
            "rows where {} is wrong and {} is right",
            table.models[model].name, table.models[a].name
        ),
        None => format!("errors of {}", table.models[model].name),
    };
    out.push_str(&format!(
        "{}\nFailure slices (SliceLine) over {}: {} {}, average error {:.4}, min support {}, {} slices scored, {:.0} ms\n\n",
        table.dataset.path.display(),
        what,
        fmt_int(found.rows),
        table.task.unit(),
        found.average_error,
        fmt_int(found.min_support),
        fmt_int(found.scored as u64),
        elapsed_ms
    ));
    if found.slices.is_empty() {
        out.push_str("No slice scores above 0: no subgroup fails clearly more than average.\n");
        return out;
    }
    let mut t = Table::new(
        [
            "#",
            "score",
            "size",
            if overconfident { "score sum" } else { "errors" },
            if overconfident {
                "mean score - positive rate"
            } else {
                "error rate"
            },
            "95% CI",
            "q",
            "",
            "slice",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    for (i, s) in found.slices.iter().enumerate() {
        t.row(vec![
            (i + 1).to_string(),
            format!("{:.4}", s.score),
            fmt_int(s.size),
            format!("{}", (s.errors * 1e4).round() / 1e4),
            if overconfident {
                format!("{:+.4}", gap_of(s.error_rate))
            } else {
                format!("{:.4}", s.error_rate)
            },
            s.ci.map_or(String::new(), |[lo, hi]| {
                if overconfident {
                    format!("[{:+.4}, {:+.4}]", gap_of(lo), gap_of(hi))
                } else {
                    format!("[{lo:.4}, {hi:.4}]")
                }
            }),
            crate::format::fmt_p(s.q_value),
            if s.q_value < SIGNIFICANCE {
                String::new()
            } else {
                "not significant".into()
            },
            if s.equivalent.is_empty() {
                predicate_text(table, s)
            } else {
                format!(
                    "{} (+{} equivalent)",
                    predicate_text(table, s),
                    s.equivalent.len()
                )
            },
        ]);
    }
    out.push_str(&t.render());
    out
}
