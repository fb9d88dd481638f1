//! Metric values agree with scikit-learn, statsmodels and scipy to 1e-9. The
//! reference values were computed once by
//! `python3 tests/reference/make_reference.py > tests/reference/metrics.json`.

use serde_json::Value;

use crate::{json, repo};

const TOL: f64 = 1e-9;

fn close(what: &str, got: &Value, want: &Value) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= TOL,
            "{what}: faultline {g} vs reference {w}"
        ),
        (None, None) => {}
        _ => panic!("{what}: faultline {got} vs reference {want}"),
    }
}

fn compare(ctx: &str, got: &Value, want: &Value) -> usize {
    let mut checked = 0;
    assert_eq!(got["n"], want["n"], "{ctx}: n");
    for (metric, w) in want["values"].as_object().expect("values").iter() {
        close(&format!("{ctx} {metric}"), &got[metric], w);
        checked += 1;
    }
    for (metric, w) in want["ci"].as_object().expect("ci").iter() {
        if w.is_null() {
            continue;
        }
        let g = &got["ci"][metric];
        close(&format!("{ctx} {metric} ci lo"), &g[0], &w[0]);
        close(&format!("{ctx} {metric} ci hi"), &g[1], &w[1]);
        checked += 2;
    }
    checked
}

#[test]
fn metrics_agree_with_scikit_learn_and_statsmodels() {
    let text =
        std::fs::read_to_string(repo("tests/reference/metrics.json")).expect("reference file");
    let reference: Value = serde_json::from_str(&text).expect("reference JSON");
    let mut checked = 0;
    for case in reference["cases"].as_array().expect("cases") {
        let file = case["file"].as_str().expect("file");
        let by: Vec<&str> = case["by"]
            .as_array()
            .expect("by")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let by = by.join(",");
        let doc = json(&["metrics", file, "--by", &by]);
        assert_eq!(doc["task"], case["task"], "{file}: task");
        for model in case["models"].as_array().expect("models") {
            let m = model.as_str().expect("model");
            checked += compare(
                &format!("{file} overall {m}"),
                &doc["overall"][m],
                &case["overall"][m],
            );
        }
        let got_slices = doc["slices"].as_array().expect("slices");
        let want_slices = case["slices"].as_array().expect("slices");
        assert_eq!(
            got_slices.len(),
            want_slices.len(),
            "{file}: every combination that occurs"
        );
        for want in want_slices {
            let got = got_slices
                .iter()
                .find(|s| s["slice"] == want["slice"])
                .unwrap_or_else(|| panic!("{file}: slice {} missing", want["slice"]));
            for model in case["models"].as_array().expect("models") {
                let m = model.as_str().expect("model");
                checked += compare(
                    &format!("{file} {} {m}", want["slice"]),
                    &got["models"][m],
                    &want["models"][m],
                );
            }
        }
    }
    assert!(checked > 1000, "only {checked} numbers compared");
}

#[test]
fn json_document_has_the_contract_shape() {
    let doc = json(&["metrics", "sample_data/churn.parquet", "--by", "device"]);
    let d = &doc["dataset"];
    assert_eq!(d["rows"], 24000);
    assert_eq!(d["used_rows"], 24000);
    assert_eq!(d["excluded_null_label"], 0);
    assert_eq!(d["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(doc["models"], serde_json::json!(["baseline", "candidate"]));
    let m = &doc["overall"]["baseline"];
    for key in [
        "n",
        "null_predictions",
        "accuracy",
        "error_rate",
        "precision",
        "recall",
        "f1",
        "specificity",
        "roc_auc",
        "average_precision",
        "log_loss",
        "brier",
        "ci",
    ] {
        assert!(!m[key].is_null(), "overall metric {key} missing");
    }
    assert_eq!(doc["slices"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        doc["slices"][0]["slice"],
        serde_json::json!({"device": "desktop"})
    );
}

#[test]
fn bootstrap_intervals_are_seeded() {
    let a = json(&["metrics", "sample_data/intent.csv", "--seed", "7"]);
    let b = json(&["metrics", "sample_data/intent.csv", "--seed", "7"]);
    let c = json(&["metrics", "sample_data/intent.csv", "--seed", "8"]);
    let ci = |d: &Value| d["overall"]["candidate"]["ci"]["macro_f1"].clone();
    assert_eq!(ci(&a), ci(&b));
    assert_ne!(ci(&a), ci(&c));
    let [lo, hi] = [ci(&a)[0].as_f64().unwrap(), ci(&a)[1].as_f64().unwrap()];
    let v = a["overall"]["candidate"]["macro_f1"].as_f64().unwrap();
    assert!(lo < v && v < hi, "{lo} < {v} < {hi}");
}

#[test]
fn numeric_by_columns_are_quantile_binned() {
    let doc = json(&[
        "metrics",
        "sample_data/delivery.csv",
        "--by",
        "distance_km",
        "--bins",
        "4",
    ]);
    let slices = doc["slices"].as_array().unwrap();
    assert_eq!(slices.len(), 4);
    let n: u64 = slices.iter().map(|s| s["n"].as_u64().unwrap()).sum();
    assert_eq!(n, 5000);
    assert!(
        slices[0]["slice"]["distance_km"]
            .as_str()
            .unwrap()
            .starts_with('[')
    );
}

#[test]
fn table_output_is_aligned_and_names_every_model() {
    let run = crate::faultline(&["metrics", "sample_data/adult_models.csv", "--by", "sex"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("positive class \">50K\""));
    assert!(run.stdout.contains("Model gbm by sex"));
    assert!(run.stdout.contains("roc_auc"));
}

#[test]
fn roc_auc_interval_is_delongs() {
    // python3 tests/reference/delong.py -> 0.9058098397778958 0.899626743129373 0.9119929364264185
    let doc = json(&["metrics", "sample_data/adult_models.csv"]);
    let m = &doc["overall"]["logreg"];
    close("auc", &m["roc_auc"], &serde_json::json!(0.9058098397778958));
    close(
        "auc lo",
        &m["ci"]["roc_auc"][0],
        &serde_json::json!(0.899626743129373),
    );
    close(
        "auc hi",
        &m["ci"]["roc_auc"][1],
        &serde_json::json!(0.9119929364264185),
    );
}

#[test]
fn slices_command_finds_the_planted_regression() {
    let doc = json(&[
        "slices",
        "sample_data/churn.parquet",
        "--model",
        "candidate",
        "--against",
        "baseline",
    ]);
    assert_eq!(doc["model"], "candidate");
    assert_eq!(doc["rows"], 24000);
    assert_eq!(doc["params"]["alpha"], 0.95);
    assert_eq!(doc["params"]["min_support"], 240);
    let top = &doc["slices"][0];
    assert_eq!(
        top["predicates"],
        serde_json::json!({"region": "east", "device": "tablet"})
    );
    assert_eq!(top["size"], 734);
    assert!(top["q_value"].as_f64().unwrap() < 1e-10);
    // The score is the contract's formula on the slice's numbers.
    let avg = doc["average_error"].as_f64().unwrap();
    let rate = top["errors"].as_f64().unwrap() / 734.0;
    let want = 0.95 * (rate / avg - 1.0) - 0.05 * (24000.0 / 734.0 - 1.0);
    close("score", &top["score"], &serde_json::json!(want));
    for s in doc["slices"].as_array().unwrap() {
        assert!(s["score"].as_f64().unwrap() > 0.0);
        assert!(s["size"].as_u64().unwrap() >= 240);
    }
}

#[test]
fn slices_command_rejects_unknown_models() {
    let run = crate::faultline(&["slices", "sample_data/churn.parquet", "--model", "gpt9"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("\"gpt9\"") && run.stderr.contains("baseline, candidate"),
        "{}",
        run.stderr
    );
}

#[test]
fn slice_p_values_are_statsmodels_proportions_ztest() {
    // statsmodels.stats.proportion.proportions_ztest([errors, rest_errors],
    //   [size, rest_size], alternative="larger") on the slices of
    // `faultline slices sample_data/churn.parquet --model candidate --against baseline`.
    let want = [
        (
            serde_json::json!({"region": "east", "device": "tablet"}),
            5.891285681798638e-168,
        ),
        (
            serde_json::json!({"device": "tablet"}),
            9.140145330458156e-29,
        ),
        (serde_json::json!({"region": "east"}), 6.420975960738144e-24),
    ];
    let doc = json(&[
        "slices",
        "sample_data/churn.parquet",
        "--model",
        "candidate",
        "--against",
        "baseline",
    ]);
    for (preds, p) in want {
        let s = doc["slices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["predicates"] == preds)
            .unwrap();
        let got = s["p_value"].as_f64().unwrap();
        assert!(((got - p) / p).abs() < 1e-9, "{preds}: {got} vs {p}");
    }
}
