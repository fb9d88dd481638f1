//! Fairness, calibration and the cost of a threshold: the real binary's figures
//! agree to 1e-9 with values computed independently in Python
//! (`tests/reference/kinds/refs.json`, made by
//! `/tmp/refvenv/bin/python tests/reference/kinds/make_refs.py` with Fairlearn
//! 0.15 `MetricFrame`, `demographic_parity_*`, `equalized_odds_*`,
//! `equal_opportunity_difference`, statsmodels' Wilson interval, and numpy for
//! the closed forms of ECE, MCE and Murphy's decomposition), on files with a
//! group of one row, a group without positives, one without negatives, scores
//! on bin edges and tied scores.

use serde_json::Value;

use crate::{faultline, json, repo};

const TOL: f64 = 1e-9;
const FAIR: &str = "tests/reference/kinds/fairness_small.csv";
const CAL: &str = "tests/reference/kinds/calibration_small.csv";

fn refs() -> Value {
    let text = std::fs::read_to_string(repo("tests/reference/kinds/refs.json")).expect("refs");
    serde_json::from_str(&text).expect("refs JSON")
}

fn close(what: &str, got: &Value, want: &Value) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= TOL,
            "{what}: faultline {g} vs reference {w}"
        ),
        _ if got.is_null() && want.is_null() => {}
        _ => panic!("{what}: faultline {got} vs reference {want}"),
    }
}

#[test]
fn fairness_matches_fairlearn_per_group_and_between_groups() {
    let r = refs();
    let doc = json(&["metrics", FAIR, "--sensitive", "sex,race"]);
    for col in ["sex", "race"] {
        let got = &doc["overall"]["m"]["fairness"][col];
        let want = &r["fairness_small"]["m"][col];
        for key in [
            "demographic_parity_difference",
            "demographic_parity_ratio",
            "equalized_odds_difference",
            "equalized_odds_ratio",
        ] {
            close(&format!("{col} {key}"), &got[key], &want[key]);
        }
        close(
            &format!("{col} equal opportunity"),
            &got["equal_opportunity_difference"],
            &want["fairlearn_equal_opportunity_difference"],
        );
        let groups = want["by_group"].as_object().expect("groups");
        assert_eq!(
            got["groups"].as_object().expect("groups").len(),
            groups.len()
        );
        for (g, w) in groups {
            let gg = &got["groups"][g];
            assert_eq!(gg["n"], w["n"], "{col}={g} n");
            for rate in ["selection_rate", "tpr", "fpr", "accuracy"] {
                close(&format!("{col}={g} {rate}"), &gg[rate], &w[rate]);
                let (ci, wci) = (&gg["ci"][rate], &w["wilson95"][rate]);
                if wci.is_null() {
                    assert!(ci.is_null(), "{col}={g} {rate}: {ci}");
                } else {
                    close(&format!("{col}={g} {rate} lo"), &ci[0], &wci[0]);
                    close(&format!("{col}={g} {rate} hi"), &ci[1], &wci[1]);
                }
            }
        }
        // Disparity intervals are there and bracket their estimate.
        for key in ["demographic_parity_difference", "equalized_odds_difference"] {
            let (v, ci) = (got[key].as_f64().unwrap(), &got["ci"][key]);
            assert!(
                ci[0].as_f64().unwrap() <= v && v <= ci[1].as_f64().unwrap(),
                "{key} {ci}"
            );
        }
    }
    // The group without positives is named as undefined in the table.
    let text = faultline(&["metrics", FAIR, "--sensitive", "race"]).stdout;
    assert!(text.contains("TPR of pacific"), "{text}");
}

#[test]
fn calibration_matches_the_closed_forms_overall_and_per_slice() {
    let r = refs();
    for bins in [10, 4] {
        let b = bins.to_string();
        let doc = json(&["metrics", CAL, "--calibration-bins", &b, "--by", "segment"]);
        let key = format!("B={bins}");
        let mut cases = vec![(doc["overall"]["m"].clone(), "all".to_string())];
        for s in doc["slices"].as_array().unwrap() {
            let v = s["slice"]["segment"].as_str().unwrap();
            cases.push((s["models"]["m"].clone(), format!("segment={v}")));
        }
        assert_eq!(cases.len(), 3);
        // Without `--by` the overall figures come from a walk of the score order.
        let whole = json(&["metrics", CAL, "--calibration-bins", &b]);
        cases.push((whole["overall"]["m"].clone(), "all".to_string()));
        for (got, slice) in cases {
            let want = &r["calibration_small"]["m"][&slice][&key];
            for m in [
                "ece",
                "ece_equal_mass",
                "mce",
                "brier_reliability",
                "brier_resolution",
                "brier_uncertainty",
            ] {
                close(&format!("{slice} {key} {m}"), &got[m], &want[m]);
                let ci = &got["ci"][m];
                assert!(
                    ci[0].is_number() && ci[1].is_number(),
                    "{slice} {m} interval {ci}"
                );
            }
        }
    }
}

#[test]
fn cost_optimum_matches_brute_force() {
    let r = refs();
    for (a, b, key) in [
        ("1", "5", "fp1_fn5"),
        ("2", "1", "fp2_fn1"),
        ("10", "1", "fp10_fn1"),
    ] {
        let doc = json(&[
            "metrics",
            CAL,
            "--cost-fp",
            a,
            "--cost-fn",
            b,
            "--by",
            "segment",
        ]);
        let m = &doc["overall"]["m"];
        let want = &r["calibration_small"]["m"]["all"]["cost"][key];
        close(
            &format!("{key} at 0.5"),
            &m["expected_cost"],
            &want["expected_cost_at_0.5"],
        );
        close(
            &format!("{key} threshold"),
            &m["cost"]["optimal_threshold"],
            &want["optimal_threshold"],
        );
        close(
            &format!("{key} cost"),
            &m["cost"]["optimal_cost"],
            &want["optimal_cost"],
        );
        close(
            &format!("{key} nothing"),
            &m["cost"]["predict_nothing_cost"],
            &want["predict_nothing_cost"],
        );
        for s in doc["slices"].as_array().unwrap() {
            let v = s["slice"]["segment"].as_str().unwrap();
            let want = &r["calibration_small"]["m"][format!("segment={v}")]["cost"][key];
            let got = &s["models"]["m"];
            close(
                &format!("{key} {v} threshold"),
                &got["cost"]["optimal_threshold"],
                &want["optimal_threshold"],
            );
            close(
                &format!("{key} {v} cost"),
                &got["cost"]["optimal_cost"],
                &want["optimal_cost"],
            );
        }
    }
}

#[test]
fn bad_fairness_and_cost_input_gets_a_clear_error() {
    let dir = crate::scratch("fairness-bad");
    let p = dir.join("one_group.csv");
    std::fs::write(&p, "label,score_m,sex\n1,0.9,F\n0,0.2,F\n1,0.4,F\n").unwrap();
    let run = faultline(&["metrics", p.to_str().unwrap(), "--sensitive", "sex"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("one group"), "{}", run.stderr);
    let run = faultline(&["metrics", FAIR, "--sensitive", "nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
    let run = faultline(&["metrics", FAIR, "--cost-fp", "-1", "--cost-fn", "2"]);
    assert_eq!(run.code, 2);
    let run = faultline(&["metrics", FAIR, "--cost-fp", "1"]);
    assert_eq!(run.code, 2, "--cost-fp needs --cost-fn");
    let run = faultline(&["metrics", "sample_data/delivery.csv", "--sensitive", "city"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("binary"), "{}", run.stderr);
}

#[test]
fn overconfident_slices_report_each_slice_s_calibration_gap() {
    let doc = json(&[
        "slices",
        "sample_data/adult_models.csv",
        "--model",
        "gbm",
        "--overconfident",
        "--features",
        "workclass,sex,race,relationship",
        "--top",
        "3",
    ]);
    assert_eq!(doc["target"], "overconfidence");
    let slices = doc["slices"].as_array().expect("slices");
    assert!(!slices.is_empty(), "{doc}");
    // The gap by hand: mean score minus positive rate over the slice's rows.
    let text = std::fs::read_to_string(repo("sample_data/adult_models.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let (label, score) = (col("label"), col("score_gbm"));
    for s in slices {
        let preds = s["predicates"].as_object().unwrap();
        let (mut n, mut sum_s, mut pos) = (0.0, 0.0, 0.0);
        for r in &rows {
            if preds.iter().all(|(c, v)| r[col(c)] == v.as_str().unwrap()) {
                n += 1.0;
                sum_s += r[score].parse::<f64>().unwrap();
                pos += f64::from(u8::from(r[label] == ">50K"));
            }
        }
        assert_eq!(s["size"].as_f64().unwrap(), n, "{s}");
        let gap = (sum_s - pos) / n;
        close("calibration gap", &s["calibration_gap"], &Value::from(gap));
        let ci = &s["calibration_gap_ci"];
        assert!(ci[0].as_f64().unwrap() <= gap && gap <= ci[1].as_f64().unwrap());
    }
}

#[test]
fn the_default_brief_has_fairness_and_calibration_findings() {
    let dir = crate::scratch("brief-fairness");
    let out = dir.join("brief.md");
    let run = faultline(&[
        "brief",
        "sample_data/adult_models.csv",
        "--baseline",
        "logreg",
        "--candidate",
        "gbm",
        "--sensitive",
        "sex",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("Fairness of gbm across sex"), "{md}");
    assert!(md.contains("demographic parity difference 0.1680"), "{md}");
    assert!(md.contains("Calibration: can the scores be read as probabilities?"));
    assert!(md.contains("| ece |"));
}

#[test]
fn a_numeric_sensitive_column_is_grouped_by_its_values() {
    // Seven codes: more than the five quantile bins a numeric feature gets, but
    // Fairlearn's groups are the values themselves.
    let dir = crate::scratch("fairness-numeric");
    let p = dir.join("num.csv");
    std::fs::write(
        &p,
        "label,pred_m,grp\n1,1,1\n0,1,2\n1,0,3\n0,0,4\n1,1,5\n0,0,6\n1,1,7\n0,1,1\n1,1,2\n0,0,3\n",
    )
    .unwrap();
    let doc = json(&["metrics", p.to_str().unwrap(), "--sensitive", "grp"]);
    let groups = doc["overall"]["m"]["fairness"]["grp"]["groups"]
        .as_object()
        .unwrap();
    let names: Vec<&str> = groups.keys().map(String::as_str).collect();
    assert_eq!(names, ["1", "2", "3", "4", "5", "6", "7"]);
    // Group 1: rows (1,1) and (0,1): selection rate 1, TPR 1, FPR 1.
    assert_eq!(groups["1"]["selection_rate"], 1.0);
    assert_eq!(groups["1"]["fpr"], 1.0);
}
