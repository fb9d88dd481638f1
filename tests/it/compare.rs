//! `faultline compare`: flips and McNemar agree with statsmodels, the paired AUC
//! interval with DeLong's, the planted slice is a regression while the candidate
//! gains overall, the gate exits 3, and joins count what they could not match.
//! Reference values: `python3 tests/reference/compare_reference.py > tests/reference/compare.json`.

use std::fs;

use serde_json::{Value, json};

use crate::{faultline, json, repo, scratch};

fn close(what: &str, got: &Value, want: &Value) {
    let (g, w) = (
        got.as_f64().unwrap_or(f64::NAN),
        want.as_f64().unwrap_or(f64::NAN),
    );
    assert!(
        (g - w).abs() <= 1e-9 * w.abs().max(1.0),
        "{what}: faultline {g} vs reference {w}"
    );
}

#[test]
fn flips_mcnemar_and_auc_delta_agree_with_statsmodels() {
    let text = fs::read_to_string(repo("tests/reference/compare.json")).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    for case in reference["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let by = case["by"].as_str().unwrap();
        let (b, c) = (
            case["baseline"].as_str().unwrap(),
            case["candidate"].as_str().unwrap(),
        );
        let doc = json(&[
            "compare",
            file,
            "--baseline",
            b,
            "--candidate",
            c,
            "--by",
            by,
        ]);
        let check = |ctx: &str, got: &Value, want: &Value| {
            assert_eq!(got["flips"], want["flips"], "{ctx} flips");
            close(
                &format!("{ctx} mcnemar"),
                &got["mcnemar_p"],
                &want["mcnemar_p"],
            );
            close(
                &format!("{ctx} accuracy delta"),
                &got["metrics"]["accuracy"]["delta"],
                &want["accuracy_delta"],
            );
            if !want["roc_auc_delta"].is_null() {
                close(
                    &format!("{ctx} auc delta"),
                    &got["metrics"]["roc_auc"]["delta"],
                    &want["roc_auc_delta"],
                );
                close(
                    &format!("{ctx} auc lo"),
                    &got["metrics"]["roc_auc"]["ci"][0],
                    &want["roc_auc_delta_ci"][0],
                );
                close(
                    &format!("{ctx} auc hi"),
                    &got["metrics"]["roc_auc"]["ci"][1],
                    &want["roc_auc_delta_ci"][1],
                );
            }
        };
        check(
            &format!("{file} overall"),
            &doc["overall"],
            &case["overall"],
        );
        for s in doc["slices"].as_array().unwrap() {
            let key = s["slice"][by].as_str().unwrap();
            check(&format!("{file} {key}"), s, &case["slices"][key]);
        }
    }
}

#[test]
fn planted_slice_is_a_regression_while_the_candidate_gains_overall() {
    let doc = json(&[
        "compare",
        "sample_data/churn.parquet",
        "--baseline",
        "baseline",
        "--candidate",
        "candidate",
        "--by",
        "region,device",
    ]);
    assert!(
        doc["overall"]["metrics"]["accuracy"]["delta"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let slices = doc["slices"].as_array().unwrap();
    let planted = slices
        .iter()
        .find(|s| s["slice"] == json!({"region": "east", "device": "tablet"}))
        .unwrap();
    assert_eq!(planted["verdict"], "regression");
    assert!(planted["q_value"].as_f64().unwrap() < 0.05);
    let regressions = slices
        .iter()
        .filter(|s| s["verdict"] == "regression")
        .count();
    assert_eq!(regressions, 1);
    // Every delta interval of the overall comparison brackets its delta.
    for (name, m) in doc["overall"]["metrics"].as_object().unwrap() {
        if let (Some(d), Some(lo), Some(hi)) = (
            m["delta"].as_f64(),
            m["ci"][0].as_f64(),
            m["ci"][1].as_f64(),
        ) {
            assert!(lo <= d && d <= hi, "{name}: {lo} <= {d} <= {hi}");
        }
    }
}

#[test]
fn fail_on_regression_exits_3_only_on_a_regression() {
    let gate = |by: &str| {
        faultline(&[
            "compare",
            "sample_data/churn.parquet",
            "--baseline",
            "baseline",
            "--candidate",
            "candidate",
            "--by",
            by,
            "--fail-on-regression",
        ])
    };
    let run = gate("region,device");
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.contains("Gate: FAILED"));
    let run = gate("plan");
    assert_eq!(run.code, 0, "{}", run.stdout);
    // Swapping the roles makes the old model the candidate: significantly worse overall.
    let run = faultline(&[
        "compare",
        "sample_data/churn.parquet",
        "--baseline",
        "candidate",
        "--candidate",
        "baseline",
        "--fail-on-regression",
    ]);
    assert_eq!(run.code, 3);
}

#[test]
fn join_reports_what_it_could_not_match() {
    let dir = scratch("join");
    // base: ids 1..8, id 2 twice; cand: ids 3..10, label of id 5 disagrees.
    let mut base = String::from("id,label,pred,region\n");
    for i in 1..=8 {
        base.push_str(&format!(
            "{i},{},{},{}\n",
            i % 2,
            (i / 2) % 2,
            if i < 5 { "a" } else { "b" }
        ));
    }
    base.push_str("2,0,0,a\n");
    let mut cand = String::from("id,label,pred\n");
    for i in 3..=10 {
        let label = if i == 5 { 0 } else { i % 2 };
        cand.push_str(&format!("{i},{label},{}\n", i % 2));
    }
    let (fb, fc) = (dir.join("base.csv"), dir.join("cand.csv"));
    fs::write(&fb, base).unwrap();
    fs::write(&fc, cand).unwrap();
    let doc = json(&[
        "compare",
        fb.to_str().unwrap(),
        fc.to_str().unwrap(),
        "--baseline",
        "base",
        "--candidate",
        "cand",
        "--by",
        "region",
    ]);
    let j = &doc["join"];
    assert_eq!(j["ids_total"], 10);
    assert_eq!(j["joined"], 6, "ids 3..8");
    assert_eq!(j["ids_in_only_some_inputs"], 4, "ids 1, 2, 9, 10");
    assert_eq!(j["sources"][0]["duplicate_ids"], 1);
    assert_eq!(j["label_disagreements"], 1);
    assert_eq!(doc["overall"]["n"], 6);
    // The table output states the counts before any number.
    let run = faultline(&[
        "compare",
        fb.to_str().unwrap(),
        fc.to_str().unwrap(),
        "--baseline",
        "base",
        "--candidate",
        "cand",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let join_at = run.stdout.find("Join on").unwrap();
    assert!(join_at < run.stdout.find("Flips").unwrap());
    assert!(
        run.stdout.contains("4 in only some inputs")
            && run.stdout.contains("1 label disagreements")
    );
}

#[test]
fn long_layout_is_read() {
    let dir = scratch("long");
    let mut long = String::from("id,model,label,pred,region\n");
    for i in 1..=40 {
        long.push_str(&format!(
            "{i},old,{},{},{}\n",
            i % 2,
            (i / 3) % 2,
            if i % 4 == 0 { "x" } else { "y" }
        ));
        long.push_str(&format!(
            "{i},new,{},{},{}\n",
            i % 2,
            i % 2,
            if i % 4 == 0 { "x" } else { "y" }
        ));
    }
    let f = dir.join("long.csv");
    fs::write(&f, long).unwrap();
    let doc = json(&[
        "compare",
        f.to_str().unwrap(),
        "--baseline",
        "old",
        "--candidate",
        "new",
    ]);
    assert_eq!(doc["overall"]["n"], 40);
    assert_eq!(doc["overall"]["metrics"]["accuracy"]["candidate"], 1.0);
    assert_eq!(doc["join"]["joined"], 40);
}

#[test]
fn compare_rejects_bad_model_names() {
    let run = faultline(&[
        "compare",
        "sample_data/churn.parquet",
        "--baseline",
        "baseline",
        "--candidate",
        "nope",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("\"nope\""));
    let run = faultline(&[
        "compare",
        "sample_data/churn.parquet",
        "--baseline",
        "baseline",
        "--candidate",
        "baseline",
    ]);
    assert_eq!(run.code, 2);
}

#[test]
fn regression_comparisons_use_mae_for_verdicts() {
    let doc = json(&[
        "compare",
        "sample_data/delivery.csv",
        "--baseline",
        "baseline",
        "--candidate",
        "candidate",
        "--by",
        "weather",
    ]);
    assert_eq!(doc["task"], "regression");
    assert!(doc["overall"]["metrics"]["mae"]["delta"].as_f64().unwrap() < 0.0);
    for s in doc["slices"].as_array().unwrap() {
        assert_eq!(s["verdict"], "improvement", "{}", s["slice"]);
    }
    // Swapped, the old model is worse everywhere: the gate fails.
    let run = faultline(&[
        "compare",
        "sample_data/delivery.csv",
        "--baseline",
        "candidate",
        "--candidate",
        "baseline",
        "--by",
        "weather",
        "--fail-on-regression",
    ]);
    assert_eq!(run.code, 3);
}
