//! Graded (LLM-judged) evaluations, rater agreement and the harness log readers:
//! the real binary's numbers agree to 1e-9 with values computed independently in
//! Python. Reference files:
//! `python3 tests/reference/make_graded_reference.py` (graded.json, agreement.json:
//! statsmodels / scipy / scikit-learn) and `python3 tests/reference/harness_reference.py`
//! (harness.json: the raw logs read with the standard library only).

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use crate::{faultline, json, repo, scratch};

const TOL: f64 = 1e-9;
const GRADED: &str = "tests/reference/graded.csv";
const AGREEMENT: &str = "tests/reference/agreement.csv";
const HARNESS: &str = "tests/fixtures/harness";
const LM_EVAL_SAMPLES: &str = "samples_en_it_public_2024-10-11T13-58-59.572420.jsonl";

fn reference(name: &str) -> Value {
    let text = fs::read_to_string(repo(&format!("tests/reference/{name}"))).expect("reference");
    serde_json::from_str(&text).expect("reference JSON")
}

/// `got` is within 1e-9 of `want` (both null also agrees).
fn close(what: &str, got: &Value, want: &Value) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= TOL,
            "{what}: faultline {g} vs reference {w}"
        ),
        (None, None) if got.is_null() && want.is_null() => {}
        _ => panic!("{what}: faultline {got} vs reference {want}"),
    }
}

/// Both ends of an interval `[lo, hi]`.
fn close_pair(what: &str, got: &Value, want: &Value) {
    close(&format!("{what} lo"), &got[0], &want[0]);
    close(&format!("{what} hi"), &got[1], &want[1]);
}

/// The interval `[lo, hi]` brackets `value`.
fn brackets(what: &str, ci: &Value, value: &Value) {
    let (lo, hi, v) = (ci[0].as_f64(), ci[1].as_f64(), value.as_f64());
    let (Some(lo), Some(hi), Some(v)) = (lo, hi, v) else {
        panic!("{what}: interval {ci} or value {value} missing");
    };
    assert!(lo <= v && v <= hi, "{what}: {lo} <= {v} <= {hi}");
}

/// The slice of `doc` whose `slice` is `{col: value}`.
fn slice<'a>(doc: &'a Value, col: &str, value: &str) -> &'a Value {
    doc["slices"]
        .as_array()
        .expect("slices")
        .iter()
        .find(|s| s["slice"] == json!({ col: value }))
        .unwrap_or_else(|| panic!("no slice {col} = {value} in {}", doc["slices"]))
}

/// Runs a command with `--format json` whatever its exit code; returns both.
fn json_run(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = faultline(&all);
    let doc = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("faultline {args:?}: not JSON ({e}): {}", run.stderr));
    (run.code, doc)
}

/// Exit code 2, nothing on stdout, a message with every needle and no panic.
fn fails(args: &[&str], one_line: bool, needles: &[&str]) {
    let run = faultline(args);
    assert_eq!(
        run.code, 2,
        "faultline {args:?}: expected exit 2, got {} ({})",
        run.code, run.stderr
    );
    assert!(run.stdout.is_empty(), "stdout on failure: {}", run.stdout);
    let msg = run.stderr.trim();
    assert!(!msg.contains("panicked"), "{msg}");
    if one_line {
        assert_eq!(msg.lines().count(), 1, "one-line message: {msg}");
    }
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} lacks {n:?}");
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

// ---------------------------------------------------------------------------
// 1. metrics on graded.csv
// ---------------------------------------------------------------------------

/// One model's METRICS against graded.json's `models.M.overall` / `.slices.C`.
fn check_model(ctx: &str, got: &Value, want: &Value, k: usize, cluster: bool) {
    assert_eq!(got["n"].as_f64(), want["n"].as_f64(), "{ctx}: n");
    for key in ["pass_rate", "mean_score", "within_variance_score"] {
        close(&format!("{ctx} {key}"), &got[key], &want[key]);
    }
    close(
        &format!("{ctx} within_variance_pass"),
        &got["within_variance_pass"],
        &want["within_variance"],
    );
    close(
        &format!("{ctx} repeated_examples"),
        &got["repeated_examples"],
        &want["within_n"],
    );
    let at = &want["pass_at_k"][k.to_string()];
    close(&format!("{ctx} pass@{k}"), &got["pass_at_k"], &at["value"]);
    close(&format!("{ctx} pass@{k} n"), &got["pass_at_k_n"], &at["n"]);
    close(&format!("{ctx} k"), &got["k"], &json!(k));
    brackets(
        &format!("{ctx} pass@{k} ci"),
        &got["ci"]["pass_at_k"],
        &got["pass_at_k"],
    );
    let suffix = if cluster { "_ci_cluster" } else { "_ci" };
    for key in ["pass_rate", "mean_score"] {
        close_pair(
            &format!("{ctx} {key}{suffix}"),
            &got["ci"][key],
            &want[format!("{key}{suffix}")],
        );
    }
    if cluster {
        close(
            &format!("{ctx} clusters"),
            &got["clusters"],
            &want["clusters"],
        );
    } else {
        assert!(
            got["clusters"].is_null(),
            "{ctx}: clusters without --cluster"
        );
    }
}

#[test]
fn graded_metrics_agree_with_statsmodels() {
    let reference = reference("graded.json");
    let mut checked = 0;
    for cluster in [false, true] {
        for k in [1, 2, 3] {
            let k_arg = k.to_string();
            let mut args = vec!["metrics", GRADED, "--by", "category", "--k", &k_arg];
            if cluster {
                args.extend(["--cluster", "passage"]);
            }
            let doc = json(&args);
            assert_eq!(doc["task"], "graded");
            assert_eq!(doc["models"], json!(["alpha", "beta"]));
            assert_eq!(doc["dataset"]["rows"], 229);
            assert_eq!(doc["dataset"]["examples"], 80);
            if cluster {
                assert_eq!(doc["dataset"]["cluster"], "passage");
            } else {
                assert!(doc["dataset"]["cluster"].is_null());
            }
            assert_eq!(doc["slices"].as_array().map(Vec::len), Some(3));
            for m in ["alpha", "beta"] {
                let want = &reference["models"][m];
                let ctx = format!("{m} overall k={k} cluster={cluster}");
                check_model(&ctx, &doc["overall"][m], &want["overall"], k, cluster);
                checked += 1;
                for c in ["code", "math", "reading"] {
                    let s = slice(&doc, "category", c);
                    assert_eq!(s["n"], want["slices"][c]["n"], "{c}: slice n");
                    let ctx = format!("{m} {c} k={k} cluster={cluster}");
                    check_model(&ctx, &s["models"][m], &want["slices"][c], k, cluster);
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 48);
}

// ---------------------------------------------------------------------------
// 2. compare on graded.csv
// ---------------------------------------------------------------------------

/// One comparison (overall or a slice) against graded.json's `compare.*`.
fn check_comparison(ctx: &str, got: &Value, want: &Value, cluster: bool) {
    assert_eq!(got["n"], want["n"], "{ctx}: n");
    assert_eq!(got["flips"], want["flips"], "{ctx}: flips");
    close(
        &format!("{ctx} mcnemar_p"),
        &got["mcnemar_p"],
        &want["mcnemar_p"],
    );
    let suffix = if cluster { "_cluster" } else { "" };
    for metric in ["pass_rate", "mean_score"] {
        let (g, w) = (&got["metrics"][metric], &want[metric]);
        let ctx = format!("{ctx} {metric}");
        close(&format!("{ctx} delta"), &g["delta"], &w["delta"]);
        close(&format!("{ctx} se"), &g["se"], &w[format!("se{suffix}")]);
        close(&format!("{ctx} mde"), &g["mde"], &w[format!("mde{suffix}")]);
        close_pair(&format!("{ctx} ci"), &g["ci"], &w[format!("ci{suffix}")]);
        let (b, c) = (g["baseline"].as_f64(), g["candidate"].as_f64());
        let (Some(b), Some(c)) = (b, c) else {
            panic!("{ctx}: baseline/candidate missing: {g}");
        };
        close(
            &format!("{ctx} candidate - baseline"),
            &json!(c - b),
            &w["delta"],
        );
    }
}

#[test]
fn graded_compare_agrees_with_statsmodels() {
    let reference = reference("graded.json");
    let want = &reference["compare"];
    for cluster in [false, true] {
        let mut args = vec![
            "compare",
            GRADED,
            "--baseline",
            "alpha",
            "--candidate",
            "beta",
            "--by",
            "category",
        ];
        if cluster {
            args.extend(["--cluster", "passage"]);
        }
        let doc = json(&args);
        assert_eq!(doc["task"], "graded");
        let o = &doc["overall"];
        check_comparison(
            &format!("overall cluster={cluster}"),
            o,
            &want["overall"],
            cluster,
        );
        for (m, who) in [("alpha", "baseline"), ("beta", "candidate")] {
            for metric in ["pass_rate", "mean_score"] {
                close(
                    &format!("overall {metric} {who}"),
                    &o["metrics"][metric][who],
                    &reference["models"][m]["overall"][metric],
                );
            }
        }
        assert_eq!(doc["slices"].as_array().map(Vec::len), Some(3));
        for c in ["code", "math", "reading"] {
            let (s, w) = (slice(&doc, "category", c), &want["slices"][c]);
            let ctx = format!("{c} cluster={cluster}");
            check_comparison(&ctx, s, w, cluster);
            close(&format!("{ctx} q_value"), &s["q_value"], &w["q_value"]);
            // Verdicts on the pass-rate delta: regression where q < 0.05 and it is
            // negative, improvement where q < 0.05 and it is positive.
            let (q, d) = (
                w["q_value"].as_f64().unwrap(),
                w["pass_rate"]["delta"].as_f64().unwrap(),
            );
            let verdict = match (q < 0.05, d < 0.0) {
                (false, _) => "no_change",
                (true, true) => "regression",
                (true, false) => "improvement",
            };
            assert_eq!(s["verdict"], verdict, "{ctx}: verdict");
        }
    }
}

// ---------------------------------------------------------------------------
// 3. --fail-on-regression on graded comparisons
// ---------------------------------------------------------------------------

/// Runs the gate and checks its exit code against the JSON it printed.
fn gate(args: &[&str]) -> i32 {
    let mut all = args.to_vec();
    all.push("--fail-on-regression");
    let (code, doc) = json_run(&all);
    assert_eq!(doc["task"], "graded", "{args:?}");
    let slice_regression = doc["slices"]
        .as_array()
        .expect("slices")
        .iter()
        .any(|s| s["verdict"] == "regression");
    let o = &doc["overall"];
    let overall_worse = o["mcnemar_p"].as_f64().expect("mcnemar_p") < 0.05
        && o["metrics"]["pass_rate"]["delta"].as_f64().expect("delta") < 0.0;
    let failed = slice_regression || overall_worse;
    assert_eq!(
        code,
        if failed { 3 } else { 0 },
        "{args:?}: exit code vs JSON"
    );
    assert_eq!(doc["gate_failed"], failed, "{args:?}: gate_failed");
    code
}

#[test]
fn graded_gate_exits_3_exactly_on_a_regression() {
    for (b, c) in [("alpha", "beta"), ("beta", "alpha")] {
        for extra in [&[][..], &["--cluster", "passage"][..]] {
            let mut args = vec!["compare", GRADED, "--baseline", b, "--candidate", c];
            args.extend(["--by", "category"]);
            args.extend(extra);
            // graded.json: no slice has q < 0.05 and overall p = 0.458.
            assert_eq!(gate(&args), 0, "{args:?}");
        }
    }
    let dir = scratch("graded-gate");
    let write = |name: &str, rows: &dyn Fn(usize) -> String| {
        let mut text = String::from("id,group,pass_base,pass_cand\n");
        for i in 0..60 {
            text.push_str(&format!("e{i:02},{}\n", rows(i)));
        }
        let f = dir.join(name);
        fs::write(&f, text).unwrap();
        f
    };
    let compare = |f: &Path, by: bool| {
        let mut args = vec!["compare", path_str(f), "--baseline", "base"];
        args.extend(["--candidate", "cand"]);
        if by {
            args.extend(["--by", "group"]);
        }
        gate(&args)
    };
    // The baseline passes all 60, the candidate fails every other one: 30 flips
    // one way, none the other, exact McNemar p = 2^-29.
    let worse = write("worse.csv", &|i| format!("g,1,{}", i % 2));
    assert_eq!(compare(&worse, false), 3);
    // The same grades for both models.
    let equal = write("equal.csv", &|i| {
        let p = u8::from(i % 3 != 0);
        format!("g,{p},{p}")
    });
    assert_eq!(compare(&equal, false), 0);
    // Slice x (30): the candidate fails 20 the baseline passes; slice y (30): it
    // passes 20 the baseline fails. Overall delta 0 (p = 1), slice x regresses.
    let mixed = write("mixed.csv", &|i| {
        let (g, j) = if i < 30 { ("x", i) } else { ("y", i - 30) };
        let flip = u8::from(j >= 20);
        if g == "x" {
            format!("x,1,{flip}")
        } else {
            format!("y,{flip},1")
        }
    });
    assert_eq!(compare(&mixed, false), 0);
    assert_eq!(compare(&mixed, true), 3);
}

// ---------------------------------------------------------------------------
// 4. agreement
// ---------------------------------------------------------------------------

#[test]
fn agreement_kappas_agree_with_scikit_learn() {
    let reference = reference("agreement.json");
    for (weights, key) in [
        (None, "kappa"),
        (Some("linear"), "kappa_linear"),
        (Some("quadratic"), "kappa_quadratic"),
    ] {
        let mut args = vec!["agreement", AGREEMENT, "--raters", "human,judge"];
        args.extend(["--by", "genre"]);
        if let Some(w) = weights {
            args.extend(["--weights", w]);
        }
        let doc = json(&args);
        let ctx = format!("weights {weights:?}");
        assert_eq!(doc["raters"], json!(["human", "judge"]));
        assert_eq!(doc["weights"], weights.unwrap_or("none"), "{ctx}");
        assert_eq!(doc["missing"], reference["missing"], "{ctx}: missing");
        assert_eq!(doc["categories"], json!(["1", "2", "3", "4", "5"]));
        let check = |ctx: &str, got: &Value, want: &Value| {
            assert_eq!(got["n"], want["n"], "{ctx}: n");
            close(
                &format!("{ctx} agreement"),
                &got["agreement"],
                &want["agreement"],
            );
            close(&format!("{ctx} {key}"), &got["kappa"], &want[key]);
            brackets(
                &format!("{ctx} agreement ci"),
                &got["ci"]["agreement"],
                &got["agreement"],
            );
            brackets(
                &format!("{ctx} kappa ci"),
                &got["ci"]["kappa"],
                &got["kappa"],
            );
        };
        check(&format!("{ctx} overall"), &doc, &reference["overall"]);
        assert_eq!(doc["slices"].as_array().map(Vec::len), Some(3));
        for g in ["fiction", "news", "science"] {
            let got = slice(&doc, "genre", g);
            check(&format!("{ctx} {g}"), got, &reference["genres"][g]);
        }
    }
}

#[test]
fn agreement_intervals_are_seeded() {
    let run = |seed: &str| {
        let args = ["agreement", AGREEMENT, "--raters", "human,judge"];
        let doc = json(&[&args[..], &["--weights", "quadratic", "--seed", seed]].concat());
        assert_eq!(
            doc["bootstrap"]["seed"].as_u64().map(|s| s.to_string()),
            Some(seed.into())
        );
        doc["ci"].clone()
    };
    let (a, b, c) = (run("7"), run("7"), run("8"));
    assert_eq!(a, b, "the same seed, the same intervals");
    assert_ne!(
        a["kappa"], c["kappa"],
        "another seed, another kappa interval"
    );
}

// ---------------------------------------------------------------------------
// 5. real tool logs
// ---------------------------------------------------------------------------

#[test]
fn harness_logs_open_as_graded_with_the_reference_values() {
    let reference = reference("harness.json");
    let fixtures = [
        ("lm-evaluation-harness", LM_EVAL_SAMPLES, "lm_eval"),
        (
            "inspect_ai",
            "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval",
            "inspect_eval",
        ),
        (
            "inspect_ai",
            "2025-05-12T20-28-13-04-00_popularity.json",
            "inspect_json",
        ),
        (
            "promptfoo",
            "session1_Bias_and_fairness_results.json",
            "promptfoo",
        ),
        ("openai-evals", "crossword-4.jsonl", "openai_evals_gpt4"),
        (
            "openai-evals",
            "crossword-turbo.jsonl",
            "openai_evals_turbo",
        ),
    ];
    for (folder, name, key) in fixtures {
        let file = format!("{HARNESS}/{folder}/{name}");
        let want = &reference[key];
        let doc = json(&["metrics", &file]);
        assert_eq!(doc["task"], "graded", "{file}");
        assert_eq!(doc["models"], want["models"], "{file}: models");
        assert_eq!(doc["dataset"]["rows"], want["rows"], "{file}: rows");
        assert_eq!(
            doc["dataset"]["examples"], want["distinct_ids"],
            "{file}: examples"
        );
        for m in want["models"].as_array().expect("models") {
            let m = m.as_str().expect("model");
            let got = &doc["overall"][m];
            assert_eq!(got["n"], want["distinct_ids"], "{file} {m}: n");
            close(
                &format!("{file} {m} pass_rate"),
                &got["pass_rate"],
                &want["pass_rate"],
            );
            close(
                &format!("{file} {m} mean_score"),
                &got["mean_score"],
                &want["mean_score"],
            );
        }
    }
}

#[test]
fn two_openai_evals_logs_join_on_sample_id() {
    let reference = reference("harness.json");
    let dir = format!("{HARNESS}/openai-evals");
    let (gpt4, turbo) = (
        format!("{dir}/crossword-4.jsonl"),
        format!("{dir}/crossword-turbo.jsonl"),
    );
    let doc = json(&[
        "compare",
        &gpt4,
        &turbo,
        "--baseline",
        "gpt-3.5-turbo",
        "--candidate",
        "gpt-4",
    ]);
    assert_eq!(doc["task"], "graded");
    let o = &doc["overall"];
    assert_eq!(o["n"], 100);
    let p = &o["metrics"]["pass_rate"];
    close(
        "baseline pass rate",
        &p["baseline"],
        &reference["openai_evals_turbo"]["pass_rate"],
    );
    close(
        "candidate pass rate",
        &p["candidate"],
        &reference["openai_evals_gpt4"]["pass_rate"],
    );
    // Computed once in Python from the two logs: the `"type": "match"` event of each
    // sample_id, `data.correct` per file, matched on sample_id (100 shared ids);
    // McNemar from statsmodels mcnemar([[31, 6], [24, 39]], exact=True).pvalue.
    assert_eq!(
        o["flips"],
        json!({"both_correct": 31, "baseline_only": 6, "candidate_only": 24, "both_wrong": 39})
    );
    close("mcnemar_p", &o["mcnemar_p"], &json!(0.0014309063553810122));
}

#[test]
fn lm_eval_samples_without_results_take_their_folders_name() {
    let dir = scratch("graded-lm-eval");
    let source = repo(&format!(
        "{HARNESS}/lm-evaluation-harness/{LM_EVAL_SAMPLES}"
    ));
    let mut files = Vec::new();
    for folder in ["model-a", "model-b"] {
        fs::create_dir_all(dir.join(folder)).unwrap();
        let f = dir.join(folder).join(LM_EVAL_SAMPLES);
        fs::copy(&source, &f).unwrap();
        let doc = json(&["metrics", path_str(&f)]);
        assert_eq!(doc["task"], "graded");
        assert_eq!(doc["models"], json!([folder]), "{}", f.display());
        close(
            &format!("{folder} mean_score"),
            &doc["overall"][folder]["mean_score"],
            &reference("harness.json")["lm_eval"]["mean_score"],
        );
        files.push(f);
    }
    let doc = json(&[
        "compare",
        path_str(&files[0]),
        path_str(&files[1]),
        "--baseline",
        "model-a",
        "--candidate",
        "model-b",
    ]);
    assert_eq!(doc["overall"]["n"], 4);
    close(
        "same log, no delta",
        &doc["overall"]["metrics"]["mean_score"]["delta"],
        &json!(0.0),
    );
}

// ---------------------------------------------------------------------------
// 6. Arrow IPC stream
// ---------------------------------------------------------------------------

#[test]
fn arrow_ipc_stream_opens_as_graded() {
    // tests/fixtures/graded_stream.arrow: written once with pyarrow
    // (pa.ipc.new_stream, 40 rows: id, pass_m1 bool, pass_m2 int64, score_m1,
    // score_m2 float64, category chat/code/math). Values below: read back with
    // pa.ipc.open_stream and averaged with math.fsum in Python.
    let doc = json(&[
        "metrics",
        "tests/fixtures/graded_stream.arrow",
        "--by",
        "category",
    ]);
    assert_eq!(doc["task"], "graded");
    assert_eq!(doc["models"], json!(["m1", "m2"]));
    assert_eq!(doc["dataset"]["rows"], 40);
    let o = &doc["overall"];
    close("m1 pass_rate", &o["m1"]["pass_rate"], &json!(0.75));
    close("m2 pass_rate", &o["m2"]["pass_rate"], &json!(0.625));
    close("m1 mean_score", &o["m1"]["mean_score"], &json!(5.65));
    close("m2 mean_score", &o["m2"]["mean_score"], &json!(5.0825));
    for (c, n, m1, m2) in [
        ("chat", 14, 0.7857142857142857, 0.5714285714285714),
        ("code", 13, 0.7692307692307693, 0.6923076923076923),
        ("math", 13, 0.6923076923076923, 0.6153846153846154),
    ] {
        let s = slice(&doc, "category", c);
        assert_eq!(s["n"], n, "{c}: n");
        close(
            &format!("{c} m1 pass_rate"),
            &s["models"]["m1"]["pass_rate"],
            &json!(m1),
        );
        close(
            &format!("{c} m2 pass_rate"),
            &s["models"]["m2"]["pass_rate"],
            &json!(m2),
        );
    }
}

// ---------------------------------------------------------------------------
// 7. bad input
// ---------------------------------------------------------------------------

#[test]
fn bad_graded_input_is_a_clear_error() {
    let dir = scratch("graded-bad");
    let write = |name: &str, text: &str| {
        let f = dir.join(name);
        fs::write(&f, text).unwrap();
        f
    };
    let f = write(
        "maybe.csv",
        "id,run,pass_m,score_m\ne1,1,1,5\ne1,2,0,4\ne2,1,maybe,3\n",
    );
    fails(
        &["metrics", path_str(&f)],
        true,
        &["maybe.csv", "\"pass_m\"", "row 3", "\"maybe\""],
    );
    let f = write(
        "high.csv",
        "id,run,pass_m,score_m\ne1,1,1,5\ne1,2,0,4\ne2,1,0,high\n",
    );
    fails(
        &["metrics", path_str(&f), "--task", "graded"],
        true,
        &[
            "high.csv",
            "\"score_m\"",
            "row 3",
            "\"high\"",
            "not a number",
        ],
    );
    fails(
        &["metrics", GRADED, "--cluster", "nosuch"],
        true,
        &["graded.csv", "\"nosuch\"", "--cluster"],
    );
    // An inspect_ai .eval log (a zip) cut in half.
    let eval = "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval";
    let bytes = fs::read(repo(&format!("{HARNESS}/inspect_ai/{eval}"))).unwrap();
    let f = dir.join("cut.eval");
    fs::write(&f, &bytes[..bytes.len() / 2]).unwrap();
    fails(
        &["metrics", path_str(&f)],
        true,
        &["cut.eval", "inspect_ai", "zip"],
    );
    fails(
        &["agreement", AGREEMENT, "--raters", "human"],
        true,
        &["--raters", "two"],
    );
    fails(
        &["agreement", AGREEMENT, "--raters", "human,nosuch"],
        true,
        &["agreement.csv", "\"nosuch\""],
    );
    // A usage error from the argument parser: several lines, still exit 2.
    fails(
        &["metrics", GRADED, "--describe", "x=prompt~("],
        false,
        &["x=prompt~(", "not a regular expression"],
    );
}

#[test]
fn null_cluster_names_the_first_offending_file_row() {
    let dir = scratch("graded-null-cluster");
    // Example e3 (its runs are data rows 5 and 6) has no passage.
    let f = dir.join("cluster.csv");
    let text = "id,run,passage,pass_m\ne1,1,pA,1\ne1,2,pA,0\ne2,1,pB,1\ne2,2,pB,1\n\
                e3,1,,0\ne3,2,,1\ne4,1,pA,1\n";
    fs::write(&f, text).unwrap();
    fails(
        &["metrics", path_str(&f), "--cluster", "passage"],
        true,
        &["cluster.csv", "\"passage\"", "row 5", "missing"],
    );
}

#[test]
fn runs_of_one_example_must_share_its_cluster() {
    let dir = scratch("graded-split-cluster");
    let f = dir.join("split.csv");
    fs::write(
        &f,
        "id,run,passage,pass_m\ne1,1,pA,1\ne1,2,pB,0\ne2,1,pB,1\n",
    )
    .unwrap();
    fails(
        &["metrics", path_str(&f), "--cluster", "passage"],
        true,
        &["row 2", "\"pA\"", "\"pB\"", "must share"],
    );
}

#[test]
fn the_planted_word_failure_is_the_top_failure_cluster() {
    // The bundled sample plants a candidate failure on prompts that mention
    // "timezone"; the loader offers `prompt contains "token"` features and
    // SliceLine must rank that one first, alone and against the baseline.
    for extra in [&[][..], &["--against", "baseline"][..]] {
        let mut args = vec![
            "slices",
            "sample_data/llm_eval.jsonl",
            "--model",
            "candidate",
        ];
        args.extend(extra);
        let (code, doc) = json_run(&args);
        assert_eq!(code, 0);
        let top = &doc["slices"][0];
        assert_eq!(
            top["predicates"],
            serde_json::json!({"prompt contains \"timezone\"": "true"}),
            "{args:?}: {top}"
        );
        assert!(top["q_value"].as_f64().unwrap() < 1e-6, "{top}");
    }
}

#[test]
fn descriptors_and_text_lengths_slice_from_the_command_line() {
    // `--describe NAME=COL~REGEX` is a feature; `len(COL)` and `words(COL)` too,
    // reading only the columns they need.
    let (code, doc) = json_run(&[
        "metrics",
        "sample_data/llm_eval.jsonl",
        "--describe",
        "tz=prompt~(?i)timezone",
        "--by",
        "tz",
    ]);
    assert_eq!(code, 0);
    let yes = slice(&doc, "tz", "true");
    let no = slice(&doc, "tz", "false");
    assert_eq!(yes["n"].as_u64().unwrap() + no["n"].as_u64().unwrap(), 600);
    let rate = |s: &Value| s["models"]["candidate"]["pass_rate"].as_f64().unwrap();
    assert!(
        rate(yes) < rate(no) - 0.3,
        "the planted failure: {} vs {}",
        rate(yes),
        rate(no)
    );
    let (code, doc) = json_run(&[
        "metrics",
        "sample_data/llm_eval.jsonl",
        "--by",
        "words(prompt)",
        "--bins",
        "4",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        doc["slices"].as_array().unwrap().len(),
        4,
        "{}",
        doc["slices"]
    );
}
