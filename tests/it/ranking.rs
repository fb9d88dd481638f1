//! Ranking evaluations: the real binary's per-query means agree to 1e-9 with
//! values computed independently in Python (`tests/reference/kinds/refs.json`,
//! made by `/tmp/refvenv/bin/python tests/reference/kinds/make_refs.py`:
//! scikit-learn's `ndcg_score(2**rel - 1, score, k, ignore_ties=False)` per query,
//! and MRR, MAP, precision@k and recall@k by their definitions), on a file with
//! ties across the cutoffs, a query with no relevant item, a one-item query and
//! queries shorter than k.

use serde_json::Value;

use crate::{faultline, json, repo};

const TOL: f64 = 1e-9;
const FILE: &str = "tests/reference/kinds/ranking_small.csv";

fn refs() -> Value {
    let text = std::fs::read_to_string(repo("tests/reference/kinds/refs.json")).expect("refs");
    serde_json::from_str(&text).expect("refs JSON")
}

fn close(what: &str, got: &Value, want: &Value) {
    let (Some(g), Some(w)) = (got.as_f64(), want.as_f64()) else {
        panic!("{what}: faultline {got} vs reference {want}");
    };
    assert!(
        (g - w).abs() <= TOL,
        "{what}: faultline {g} vs reference {w}"
    );
}

/// One model's METRICS against a reference summary.
fn check(ctx: &str, got: &Value, want: &Value) {
    assert_eq!(got["n"], want["n"], "{ctx}: n");
    assert_eq!(
        got["excluded_queries"], want["excluded_queries"],
        "{ctx}: excluded"
    );
    for k in [5, 10] {
        // Exponential gains (2^rel - 1), as the issue asks.
        close(
            &format!("{ctx} ndcg@{k}"),
            &got[format!("ndcg@{k}")],
            &want[format!("ndcg_exp@{k}")],
        );
        for m in ["precision", "recall"] {
            let key = format!("{m}@{k}");
            close(&format!("{ctx} {key}"), &got[&key], &want[&key]);
        }
    }
    for m in ["mrr", "map"] {
        close(&format!("{ctx} {m}"), &got[m], &want[m]);
    }
    for m in ["ndcg@10", "mrr", "map"] {
        let (ci, v) = (&got["ci"][m], got[m].as_f64().expect("value"));
        assert!(
            ci[0].as_f64().expect("lo") <= v && v <= ci[1].as_f64().expect("hi"),
            "{ctx} {m}: {ci} brackets {v}"
        );
    }
}

#[test]
fn ranking_metrics_match_the_reference_overall_and_per_slice() {
    let r = refs();
    for by in ["locale", "device"] {
        let doc = json(&["metrics", FILE, "--by", by]);
        assert_eq!(doc["task"], "ranking");
        for model in ["base", "cand"] {
            let want = &r["ranking_small"][model];
            check(model, &doc["overall"][model], &want["all"]);
            for s in doc["slices"].as_array().expect("slices") {
                let value = s["slice"][by].as_str().expect("slice value");
                let key = format!("{by}={value}");
                check(&format!("{model} {key}"), &s["models"][model], &want[&key]);
            }
        }
        // Ties are reported.
        let tied = r["ranking_small"]["ties"]["base"]["queries_with_ties_among_used"].clone();
        assert_eq!(doc["overall"]["base"]["tied_queries"], tied);
    }
    let text = faultline(&["metrics", FILE]).stdout;
    assert!(text.contains("1 query without any relevant item"), "{text}");
    assert!(text.contains("tied scores in"), "{text}");
}

#[test]
fn ranking_cutoffs_follow_k() {
    let doc = json(&["metrics", FILE, "--k", "3,7"]);
    let m = &doc["overall"]["base"];
    for key in ["ndcg@3", "ndcg@7", "precision@3", "recall@7", "mrr", "map"] {
        assert!(m[key].is_number(), "{key} in {m}");
    }
    assert!(m.get("ndcg@10").is_none());
}

#[test]
fn ranking_comparison_is_paired_per_query() {
    let r = refs();
    let doc = json(&[
        "compare",
        FILE,
        "--baseline",
        "base",
        "--candidate",
        "cand",
        "--by",
        "locale",
    ]);
    let d = &doc["overall"]["metrics"]["ndcg@10"];
    let (b, c) = (
        &r["ranking_small"]["base"]["all"]["ndcg_exp@10"],
        &r["ranking_small"]["cand"]["all"]["ndcg_exp@10"],
    );
    close("baseline", &d["baseline"], b);
    close("candidate", &d["candidate"], c);
    let delta = c.as_f64().unwrap() - b.as_f64().unwrap();
    close("delta", &d["delta"], &Value::from(delta));
    // Per-query differences by hand: the paired sign counts.
    let pq = &r["ranking_small"]["per_query"];
    let (mut better, mut worse) = (0, 0);
    for (q, vb) in pq["base"].as_object().unwrap() {
        let (Some(x), Some(y)) = (
            vb["ndcg_exp@10"].as_f64(),
            pq["cand"][q]["ndcg_exp@10"].as_f64(),
        ) else {
            continue;
        };
        if y > x {
            better += 1;
        } else if y < x {
            worse += 1;
        }
    }
    assert_eq!(doc["overall"]["flips"]["candidate_only"], better);
    assert_eq!(doc["overall"]["flips"]["baseline_only"], worse);
    let p = doc["overall"]["paired_p"].as_f64().expect("permutation p");
    assert!((0.0..=1.0).contains(&p));
    for s in doc["slices"].as_array().unwrap() {
        assert!(s["q_value"].is_number() && s["verdict"].is_string(), "{s}");
    }
}

#[test]
fn the_gate_fails_on_the_sample_s_planted_ranking_regression() {
    let run = faultline(&[
        "compare",
        "sample_data/ranking.csv",
        "--baseline",
        "baseline",
        "--candidate",
        "candidate",
        "--by",
        "locale,query_len",
        "--fail-on-regression",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.contains("regression"), "{}", run.stdout);
    let ok = faultline(&[
        "compare",
        "sample_data/ranking.csv",
        "--baseline",
        "baseline",
        "--candidate",
        "candidate",
        "--fail-on-regression",
    ]);
    assert_eq!(ok.code, 0, "overall the candidate is better: {}", ok.stdout);
}

#[test]
fn bad_ranking_input_gets_a_clear_error() {
    let dir = crate::scratch("ranking-bad");
    let cases = [
        (
            "query_id,relevance,score_a\nq1,0,0.3\nq1,high,0.2\n",
            &["relevance", "row 2", "not a number"][..],
        ),
        (
            "query_id,relevance,score_a\nq1,1,0.3\n,0,0.2\n",
            &["query_id", "row 2", "query is null"][..],
        ),
        (
            "query_id,relevance,score_a\nq1,-1,0.3\nq1,0,0.2\n",
            &["relevance", "negative"][..],
        ),
    ];
    for (i, (text, needles)) in cases.iter().enumerate() {
        let p = dir.join(format!("bad{i}.csv"));
        std::fs::write(&p, text).unwrap();
        let run = faultline(&["metrics", p.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{text}: {}", run.stderr);
        for n in *needles {
            assert!(run.stderr.contains(n), "{:?} lacks {n:?}", run.stderr);
        }
    }
    let p = dir.join("noquery.csv");
    std::fs::write(&p, "relevance,score_a\n1,0.3\n0,0.2\n2,0.1\n").unwrap();
    let run = faultline(&["metrics", p.to_str().unwrap(), "--task", "ranking"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("query column"), "{}", run.stderr);
}
