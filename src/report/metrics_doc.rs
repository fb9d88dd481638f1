//! The `metrics` JSON document and its text rendering.

use serde_json::{Map, Value, json};

use crate::format::{Table, fmt_ci, fmt_int, fmt_value};
use crate::grouping::Grouping;
use crate::load::roles::Task;
use crate::load::table::EvalTable;
use crate::metrics::{Evaluation, MetricSet, metric_names};
use crate::stats::Bootstrap;

/// A finite number as JSON, or null (the contract never allows NaN).
pub fn num(x: Option<f64>) -> Value {
    match x {
        Some(v) if v.is_finite() => json!(v),
        _ => Value::Null,
    }
}

/// One `METRICS` object.
pub fn metric_set_json(set: &MetricSet) -> Value {
    let mut m = Map::new();
    m.insert("n".into(), json!(set.n));
    m.insert("null_predictions".into(), json!(set.null_predictions));
    let mut ci = Map::new();
    for metric in &set.metrics {
        m.insert(metric.name.into(), num(metric.value));
        ci.insert(metric.name.into(), interval_json(metric.ci));
    }
    for (key, value) in &set.extras {
        // Counts (k, clusters, excluded queries) are written as integers.
        let v = if value.fract() == 0.0 && value.abs() < 9.0e15 {
            json!(*value as i64)
        } else {
            num(Some(*value))
        };
        m.insert((*key).into(), v);
    }
    m.insert("ci".into(), Value::Object(ci));
    if !set.fairness.is_empty() {
        let mut f = Map::new();
        for fair in &set.fairness {
            f.insert(fair.column.clone(), fairness_json(fair));
        }
        m.insert("fairness".into(), Value::Object(f));
    }
    if let Some(c) = &set.cost {
        m.insert("cost".into(), cost_json(c));
    }
    Value::Object(m)
}

fn interval_json(ci: Option<crate::stats::Interval>) -> Value {
    match ci {
        Some([lo, hi]) if lo.is_finite() && hi.is_finite() => json!([lo, hi]),
        _ => Value::Null,
    }
}

/// One sensitive feature's `fairness` object (contract section 5).
pub fn fairness_json(f: &crate::metrics::fairness::Fairness) -> Value {
    use crate::metrics::fairness::{DISPARITIES, RATES};
    let mut groups = Map::new();
    for g in &f.groups {
        let rates = [g.selection_rate, g.tpr, g.fpr, g.accuracy];
        let mut o = Map::new();
        o.insert("n".into(), json!(g.n));
        let mut ci = Map::new();
        for ((name, v), c) in RATES.iter().zip(rates).zip(g.ci) {
            o.insert((*name).into(), num(Some(v)));
            ci.insert((*name).into(), interval_json(c));
        }
        o.insert(
            "counts".into(),
            json!({"tp": g.tp, "fp": g.fp, "tn": g.tn, "fn": g.fn_}),
        );
        if !g.undefined.is_empty() {
            o.insert("undefined".into(), json!(g.undefined));
        }
        o.insert("ci".into(), Value::Object(ci));
        groups.insert(g.value.clone(), Value::Object(o));
    }
    let mut o = Map::new();
    o.insert("groups".into(), Value::Object(groups));
    let mut ci = Map::new();
    for (name, (v, c)) in DISPARITIES.iter().zip(&f.disparities) {
        o.insert((*name).into(), num(*v));
        ci.insert((*name).into(), interval_json(*c));
    }
    o.insert("ci".into(), Value::Object(ci));
    Value::Object(o)
}

/// The `cost` object: the cost-minimizing threshold (null: predict nothing).
pub fn cost_json(c: &crate::metrics::cost::CostCurve) -> Value {
    json!({
        "optimal_threshold": num(c.optimal_threshold),
        "optimal_cost": num(Some(c.optimal_cost)),
        "predict_nothing_cost": num(Some(c.nothing)),
        "curve": c.points.iter().map(|&(t, v)| json!([t, v])).collect::<Vec<_>>(),
        "ci": {
            "optimal_threshold": interval_json(c.threshold_ci),
            "optimal_cost": interval_json(c.cost_ci),
        }
    })
}

/// The `dataset` object.
pub fn dataset_json(table: &EvalTable) -> Value {
    let d = &table.dataset;
    let mut v = json!({
        "path": d.path.to_string_lossy(),
        "rows": d.rows,
        "used_rows": d.used_rows,
        "excluded_null_label": d.excluded_null_label,
        "sha256": d.sha256,
    });
    if let (Some(e), Value::Object(m)) = (d.examples, &mut v) {
        m.insert("examples".into(), json!(e));
    }
    if let (Some(c), Value::Object(m)) = (&table.cluster_column, &mut v) {
        m.insert("cluster".into(), json!(c));
    }
    v
}

/// The whole `faultline metrics --format json` document.
pub fn metrics_json(
    table: &EvalTable,
    grouping: &Grouping,
    eval: &Evaluation,
    boot: Bootstrap,
) -> Value {
    let models = table.model_names();
    let mut overall = Map::new();
    for (name, set) in models.iter().zip(&eval.overall) {
        overall.insert(name.clone(), metric_set_json(set));
    }
    let slices: Vec<Value> = eval
        .groups
        .iter()
        .enumerate()
        .map(|(g, sets)| {
            let mut slice = Map::new();
            for (col, value) in grouping.describe(table, g) {
                slice.insert(col.into(), json!(value));
            }
            let mut per_model = Map::new();
            for (name, set) in models.iter().zip(sets) {
                per_model.insert(name.clone(), metric_set_json(set));
            }
            json!({"slice": slice, "n": grouping.sizes[g], "models": per_model})
        })
        .collect();
    let mut doc = json!({
        "dataset": dataset_json(table),
        "task": table.task.as_str(),
        "models": models,
        "overall": overall,
        "slices": slices,
    });
    if let Value::Object(m) = &mut doc {
        m.insert("label".into(), json!(table.label_column));
        if table.task != Task::Regression {
            m.insert("classes".into(), json!(table.classes));
        }
        if table.task == Task::Binary {
            m.insert("positive_class".into(), json!(table.classes.get(1)));
            m.insert("threshold".into(), json!(table.threshold));
        }
        m.insert(
            "by".into(),
            json!(
                grouping
                    .features
                    .iter()
                    .map(|&f| &table.features[f].name)
                    .collect::<Vec<_>>()
            ),
        );
        m.insert(
            "bootstrap".into(),
            json!({"resamples": boot.resamples, "seed": boot.seed}),
        );
    }
    doc
}

/// What a ranking report must say beside its means: the queries left out for
/// having no relevant item, and where tied scores were met.
pub fn ranking_facts(overall: &[MetricSet], models: &[String]) -> String {
    let extra = |s: &MetricSet, k: &str| {
        s.extras
            .iter()
            .find(|(n, _)| *n == k)
            .map_or(0, |(_, v)| *v as u64)
    };
    let mut out = String::new();
    if let Some(first) = overall.first() {
        let excluded = extra(first, "excluded_queries");
        if excluded > 0 {
            out.push_str(&format!(
                "\n{} {} without any relevant item left out of every mean",
                fmt_int(excluded),
                if excluded == 1 { "query" } else { "queries" }
            ));
        }
    }
    for (set, name) in overall.iter().zip(models) {
        let tied = extra(set, "tied_queries");
        if tied > 0 {
            out.push_str(&format!(
                "\n{name}: tied scores in {} of {} queries (NDCG averages over ties; MRR, MAP and @k break them by file order)",
                fmt_int(tied),
                fmt_int(set.n)
            ));
        }
    }
    out
}

/// The cost-minimizing threshold of each scored model, in a line each.
fn cost_text(table: &EvalTable, overall: &[MetricSet]) -> String {
    let Some((a, b)) = table.params.cost else {
        return String::new();
    };
    let mut out = format!(
        "\nCost of a threshold (false positive {a}, false negative {b}; cost per example)\n"
    );
    for (set, m) in overall.iter().zip(&table.models) {
        let at = fmt_value(set.value("expected_cost"));
        match &set.cost {
            Some(c) if !c.optimal_cost.is_finite() => out.push_str(&format!(
                "{}: {at} at its predictions; no row has a score, so no threshold to tune\n",
                m.name
            )),
            Some(c) => out.push_str(&format!(
                "{}: {at} at threshold {}; lowest {} {} at {} {}\n",
                m.name,
                table.threshold,
                fmt_value(Some(c.optimal_cost)),
                fmt_ci(c.cost_ci),
                c.optimal_threshold
                    .map_or("none (predict nothing positive)".to_string(), |t| format!(
                        "{t:.4}"
                    )),
                fmt_ci(c.threshold_ci),
            )),
            None => out.push_str(&format!(
                "{}: {at} at its predictions (no score: no threshold to tune)\n",
                m.name
            )),
        }
    }
    out
}

/// Per sensitive feature and model: the groups' rates and the disparities.
fn fairness_text(table: &EvalTable, overall: &[MetricSet]) -> String {
    use crate::metrics::fairness::DISPARITIES;
    let mut out = String::new();
    for (set, m) in overall.iter().zip(&table.models) {
        for f in &set.fairness {
            out.push_str(&format!(
                "\nFairness of {} across {} (Fairlearn's definitions; 95% intervals)\n",
                m.name, f.column
            ));
            let mut t = Table::new(
                [
                    f.column.as_str(),
                    "n",
                    "selection rate",
                    "TPR",
                    "FPR",
                    "accuracy",
                ]
                .map(String::from)
                .to_vec(),
            )
            .left_aligned(1);
            let mut undefined = Vec::new();
            for g in &f.groups {
                let cell = |v: f64, ci| format!("{} {}", fmt_value(Some(v)), fmt_ci(ci));
                t.row(vec![
                    g.value.clone(),
                    fmt_int(g.n),
                    cell(g.selection_rate, g.ci[0]),
                    cell(g.tpr, g.ci[1]),
                    cell(g.fpr, g.ci[2]),
                    cell(g.accuracy, g.ci[3]),
                ]);
                for u in &g.undefined {
                    undefined.push(format!("{} of {}", u.to_uppercase(), g.value));
                }
            }
            if f.groups.is_empty() {
                out.push_str("no row has a prediction: nothing to compare\n");
                continue;
            }
            out.push_str(&t.render());
            for (name, (v, ci)) in DISPARITIES.iter().zip(&f.disparities) {
                out.push_str(&format!(
                    "{}: {} {}\n",
                    name.replace('_', " "),
                    fmt_value(*v),
                    fmt_ci(*ci)
                ));
            }
            if !undefined.is_empty() {
                out.push_str(&format!(
                    "undefined (no rows to divide by), counted as 0 as Fairlearn does: {}\n",
                    undefined.join(", ")
                ));
            }
        }
    }
    out
}

/// Metrics shown in the text tables of slices (all of them are in the JSON).
fn slice_columns(task: Task, has_scores: bool) -> Vec<&'static str> {
    match task {
        Task::Binary if has_scores => vec!["accuracy", "precision", "recall", "f1", "roc_auc"],
        Task::Binary => vec!["accuracy", "precision", "recall", "f1"],
        Task::Multiclass => vec!["accuracy", "macro_f1", "weighted_f1"],
        Task::Regression => vec!["mae", "rmse", "r2", "mean_error"],
        Task::Graded => vec!["pass_rate", "mean_score"],
        Task::Ranking => vec!["ndcg@10", "mrr", "map"],
    }
}

/// The human-readable report of `faultline metrics`.
pub fn metrics_text(table: &EvalTable, grouping: &Grouping, eval: &Evaluation) -> String {
    let d = &table.dataset;
    let mut out = String::new();
    out.push_str(&format!("{}\n", d.path.display()));
    let mut facts = vec![
        table.task.as_str().to_string(),
        format!("{} rows", fmt_int(d.rows as u64)),
    ];
    if let Some(e) = d.examples {
        facts.push(format!(
            "{} examples (repeated runs averaged per example)",
            fmt_int(e as u64)
        ));
        if let Some(c) = &table.cluster_column {
            let clusters = eval.overall.iter().find_map(|s| {
                s.extras
                    .iter()
                    .find(|(k, _)| *k == "clusters")
                    .map(|(_, v)| *v)
            });
            facts.push(format!(
                "clustered by {c:?}{} (clustered standard errors)",
                clusters.map_or(String::new(), |k| format!(", {} clusters", k as u64))
            ));
        }
        if let Some(k) = table.params.k {
            facts.push(format!("pass@k with k = {k}"));
        }
    } else {
        facts.push(format!("{} used", fmt_int(d.used_rows as u64)));
        facts.push(format!(
            "{} excluded (null label)",
            fmt_int(d.excluded_null_label as u64)
        ));
        facts.push(format!("label {:?}", table.label_column));
    }
    if table.task == Task::Binary {
        facts.push(format!("positive class {:?}", table.classes[1]));
        facts.push(format!("threshold {}", table.threshold));
    }
    if table.task == Task::Multiclass {
        facts.push(format!("{} classes", table.classes.len()));
    }
    if let Some(q) = &table.queries {
        facts.push(format!(
            "{} queries in {:?}",
            fmt_int(q.len() as u64),
            q.column
        ));
    }
    out.push_str(&facts.join(" · "));
    if table.task == Task::Ranking {
        out.push_str(&ranking_facts(&eval.overall, &table.model_names()));
    }
    out.push_str("\n\nOverall (95% intervals)\n");
    let has_scores = table.models.iter().any(|m| m.score.is_some());
    let mut t = Table::new(
        std::iter::once("metric".to_string())
            .chain(table.models.iter().map(|m| m.name.clone()))
            .collect(),
    );
    t.row(
        std::iter::once("n".to_string())
            .chain(eval.overall.iter().map(|s| fmt_int(s.n)))
            .collect(),
    );
    t.row(
        std::iter::once("null predictions".to_string())
            .chain(eval.overall.iter().map(|s| fmt_int(s.null_predictions)))
            .collect(),
    );
    for name in metric_names(table) {
        t.row(
            std::iter::once(name.to_string())
                .chain(eval.overall.iter().map(|s| match s.get(name) {
                    Some(m) => format!("{} {}", fmt_value(m.value), fmt_ci(m.ci)),
                    None => "-".into(),
                }))
                .collect(),
        );
    }
    out.push_str(&t.render());
    out.push_str(&cost_text(table, &eval.overall));
    out.push_str(&fairness_text(table, &eval.overall));
    if grouping.features.is_empty() {
        return out;
    }
    let names: Vec<&str> = grouping
        .features
        .iter()
        .map(|&f| table.features[f].name.as_str())
        .collect();
    let cols = if table.task == Task::Graded {
        let names = metric_names(table);
        names
            .into_iter()
            .filter(|n| ["pass_rate", "mean_score", "pass_at_k"].contains(n))
            .collect()
    } else {
        slice_columns(table.task, has_scores)
    };
    for (mi, model) in table.models.iter().enumerate() {
        out.push_str(&format!(
            "\nModel {} by {}\n",
            model.name,
            names.join(" × ")
        ));
        let mut header: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        header.push("n".into());
        let first = cols[0];
        header.push(first.to_string());
        header.push("95% CI".into());
        for c in &cols[1..] {
            header.push(c.to_string());
        }
        let mut t = Table::new(header).left_aligned(names.len());
        for (g, sets) in eval.groups.iter().enumerate() {
            let set = &sets[mi];
            let mut row: Vec<String> = grouping
                .describe(table, g)
                .into_iter()
                .map(|(_, v)| v.to_string())
                .collect();
            row.push(fmt_int(set.n));
            row.push(fmt_value(set.value(first)));
            row.push(fmt_ci(set.get(first).and_then(|m| m.ci)));
            for c in &cols[1..] {
                row.push(fmt_value(set.value(c)));
            }
            t.row(row);
        }
        out.push_str(&t.render());
    }
    out
}
