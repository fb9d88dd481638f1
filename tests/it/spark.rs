//! The Spark engine against the in-memory one, on a local Spark Connect server
//! that `scripts/test` starts (it sets `FAULTLINE_TEST_SPARK`). The same command
//! on the same data must give the same document: counts exactly, every other
//! number to 1e-9. A missing server fails these tests; nothing is skipped.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde_json::Value;

use crate::{faultline, json, repo, scratch};

fn remote() -> String {
    std::env::var("FAULTLINE_TEST_SPARK").expect(
        "FAULTLINE_TEST_SPARK is not set: run the tests with scripts/test, which starts a local Spark Connect server",
    )
}

fn spark(path: &Path) -> String {
    format!("spark://{}", path.display())
}

/// A CSV sample written as Parquet for the cluster to read.
fn parquet_of(csv: &str, dir: &Path) -> PathBuf {
    let mut df = CsvReadOptions::default()
        .with_infer_schema_length(None)
        .try_into_reader_with_file_path(Some(repo(csv)))
        .unwrap()
        .finish()
        .unwrap();
    let out = dir
        .join(Path::new(csv).file_stem().unwrap())
        .with_extension("parquet");
    ParquetWriter::new(File::create(&out).unwrap())
        .finish(&mut df)
        .unwrap();
    out
}

/// Compares a Spark document with the in-memory one, key by key.
fn same(spark: &Value, memory: &Value, path: &str, skip: &[&str], diffs: &mut Vec<String>) {
    match (spark, memory) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                let p = format!("{path}/{k}");
                if skip.iter().any(|s| p.ends_with(s)) {
                    continue;
                }
                match a.get(k) {
                    Some(w) => same(w, v, &p, skip, diffs),
                    None => diffs.push(format!("{p}: missing from the Spark document")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                diffs.push(format!(
                    "{path}: {} items on Spark, {} in memory",
                    a.len(),
                    b.len()
                ));
                return;
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                same(x, y, &format!("{path}[{i}]"), skip, diffs);
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(i), Some(j)) = (x.as_u64(), y.as_u64()) {
                if i != j {
                    diffs.push(format!("{path}: count {i} on Spark, {j} in memory"));
                }
                return;
            }
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if (x - y).abs() > 1e-9 * y.abs().max(1.0) {
                diffs.push(format!("{path}: {x} on Spark, {y} in memory"));
            }
        }
        (a, b) if a != b => diffs.push(format!("{path}: {a} on Spark, {b} in memory")),
        _ => {}
    }
}

/// `faultline SUBCOMMAND` on the file and on the same data through Spark; the
/// two documents must agree.
fn documents_agree(subcommand: &str, file: &Path, rest: &[&str], skip: &[&str]) -> Value {
    let remote = remote();
    let source = spark(file);
    let memory = json(&[&[subcommand, file.to_str().unwrap()][..], rest].concat());
    let cluster = json(
        &[
            &[subcommand, source.as_str(), "--connect", remote.as_str()][..],
            rest,
        ]
        .concat(),
    );
    let mut diffs = Vec::new();
    let skip: Vec<&str> = [&["dataset/path", "dataset/sha256"][..], skip].concat();
    same(&cluster, &memory, "", &skip, &mut diffs);
    assert!(
        diffs.is_empty(),
        "{} differences, first ones:\n{}",
        diffs.len(),
        diffs[..diffs.len().min(20)].join("\n")
    );
    cluster
}

/// `faultline metrics` on the file and through Spark, by `by` (may be empty).
fn metrics_agree(file: &Path, by: &str, skip: &[&str]) -> Value {
    let rest: Vec<&str> = if by.is_empty() {
        vec![]
    } else {
        vec!["--by", by]
    };
    let doc = documents_agree("metrics", file, &rest, skip);
    assert!(
        by.is_empty() || doc["slices"].as_array().is_some_and(|s| !s.is_empty()),
        "slices were compared"
    );
    doc
}

#[test]
fn binary_metrics_equal_the_in_memory_engine() {
    let doc = metrics_agree(&repo("sample_data/churn.parquet"), "region,device", &[]);
    // Numeric columns: quantile bins (Spark's exact percentile edges) and, with
    // no more values than bins, the values themselves.
    metrics_agree(&repo("sample_data/churn.parquet"), "age,plan", &[]);
    documents_agree(
        "metrics",
        &repo("sample_data/churn.parquet"),
        &["--by", "tenure_months", "--bins", "4"],
        &[],
    );
    assert!(doc["overall"]["candidate"]["roc_auc"].as_f64().is_some());
    // Without --by too (one group of every row).
    metrics_agree(&repo("sample_data/churn.parquet"), "", &[]);
}

#[test]
fn binary_text_labels_equal_the_in_memory_engine() {
    let dir = scratch("spark-adult");
    let file = parquet_of("sample_data/adult_models.csv", &dir);
    metrics_agree(&file, "sex,race", &[]);
}

#[test]
fn fairness_equals_the_in_memory_engine() {
    // Text and numeric sensitive columns (numbers by value, as Fairlearn groups
    // them), with and without --by; the bootstrap intervals are the same draws.
    let churn = repo("sample_data/churn.parquet");
    let doc = documents_agree("metrics", &churn, &["--sensitive", "region,plan"], &[]);
    assert!(doc["overall"]["baseline"]["fairness"]["plan"]["groups"]["free"]["n"].is_u64());
    documents_agree(
        "metrics",
        &churn,
        &["--sensitive", "age", "--by", "device"],
        &[],
    );
    let dir = scratch("spark-fairness-adult");
    let adult = parquet_of("sample_data/adult_models.csv", &dir);
    documents_agree("metrics", &adult, &["--sensitive", "sex,race"], &[]);
}

#[test]
fn multiclass_metrics_equal_the_in_memory_engine() {
    let dir = scratch("spark-intent");
    let file = parquet_of("sample_data/intent.csv", &dir);
    metrics_agree(&file, "channel,language", &[]);
}

#[test]
fn regression_metrics_equal_the_in_memory_engine() {
    let dir = scratch("spark-delivery");
    let file = parquet_of("sample_data/delivery.csv", &dir);
    // R²'s interval is a row bootstrap in memory; Spark has no rows to resample.
    let doc = metrics_agree(&file, "city,vehicle", &["ci/r2"]);
    metrics_agree(&file, "distance_km,items", &["ci/r2"]);
    assert!(doc["overall"]["candidate"]["ci"]["r2"].is_null());
}

#[test]
fn a_generated_million_rows_equal_the_in_memory_engine() {
    let dir = scratch("spark-million");
    let file = dir.join("churn_1m.parquet");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_faultline-gen"))
        .args([
            "churn",
            "--rows",
            "1000000",
            "--out",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    metrics_agree(&file, "region,device", &[]);
}

#[test]
fn spark_failures_are_clear_and_exit_2() {
    let remote = remote();
    let churn = spark(&repo("sample_data/churn.parquet"));
    // Nothing listens on port 9.
    let run = faultline(&["metrics", &churn, "--connect", "sc://127.0.0.1:9"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot reach the server"),
        "{}",
        run.stderr
    );
    // A table that does not exist.
    let run = faultline(&["metrics", "spark://no_such_table", "--connect", &remote]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no_such_table"), "{}", run.stderr);
    // A missing column.
    let run = faultline(&["metrics", &churn, "--connect", &remote, "--by", "nope"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
    // No server given at all.
    let run = faultline(&["metrics", "spark://t"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--connect"), "{}", run.stderr);
    // What Spark sources do not compute yet is refused, not left out.
    let run = faultline(&[
        "metrics",
        &churn,
        "--connect",
        &remote,
        "--cost-fp",
        "1",
        "--cost-fn",
        "5",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not computed on Spark"),
        "{}",
        run.stderr
    );
    // A sensitive column with one value, or none at all.
    let dir = scratch("spark-one-group");
    let one = dir.join("one_group.parquet");
    let mut df = df!(
        "label" => (0..40).map(|i| i % 2).collect::<Vec<i64>>(),
        "pred_m" => (0..40).map(|i| (i / 3) % 2).collect::<Vec<i64>>(),
        "site" => vec!["only"; 40]
    )
    .unwrap();
    ParquetWriter::new(File::create(&one).unwrap())
        .finish(&mut df)
        .unwrap();
    let one = spark(&one);
    for (src, col, says) in [(&one, "site", "one group"), (&churn, "nope", "nope")] {
        let run = faultline(&["metrics", src, "--connect", &remote, "--sensitive", col]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(says), "{col}: {}", run.stderr);
    }
    // A brief from data names its two models.
    let run = faultline(&["brief", &churn, "--connect", &remote, "--out", "x.md"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--baseline"), "{}", run.stderr);
}

#[test]
fn multiclass_and_regression_comparisons_equal_the_in_memory_engine() {
    let dir = scratch("spark-compare-kinds");
    let pair = ["--baseline", "baseline", "--candidate", "candidate"];
    let intent = parquet_of("sample_data/intent.csv", &dir);
    // Flips and accuracy cells from the joint cells; the F1 averages' intervals
    // from their multinomial resample, the same draws in both engines.
    let doc = documents_agree(
        "compare",
        &intent,
        &[&pair[..], &["--by", "channel"]].concat(),
        &[],
    );
    assert!(doc["overall"]["metrics"]["macro_f1"]["ci"].is_array());
    let delivery = parquet_of("sample_data/delivery.csv", &dir);
    // RMSE's and R²'s delta intervals resample rows in memory; none on Spark.
    let doc = documents_agree(
        "compare",
        &delivery,
        &[&pair[..], &["--by", "city"]].concat(),
        &["rmse/ci", "r2/ci"],
    );
    assert!(doc["overall"]["metrics"]["mae"]["ci"].is_array());
    assert!(doc["overall"]["metrics"]["r2"]["ci"].is_null());
}

#[test]
fn paired_comparisons_equal_the_in_memory_engine() {
    let churn = repo("sample_data/churn.parquet");
    let pair = ["--baseline", "baseline", "--candidate", "candidate"];
    let by = [&pair[..], &["--by", "region,device"]].concat();
    let doc = documents_agree("compare", &churn, &by, &[]);
    assert!(
        doc["overall"]["metrics"]["roc_auc"]["ci"].is_array(),
        "paired DeLong"
    );
    assert!(doc["slices"].as_array().is_some_and(|s| s.len() > 1));
    documents_agree("compare", &churn, &pair, &[]);
    let dir = scratch("spark-compare-adult");
    let adult = parquet_of("sample_data/adult_models.csv", &dir);
    documents_agree(
        "compare",
        &adult,
        &["--baseline", "logreg", "--candidate", "gbm", "--by", "sex"],
        &[],
    );
    // The gate exits 3 on Spark exactly when it does on the file.
    let remote = remote();
    let gate = |input: &str| {
        faultline(&[
            "compare",
            input,
            "--connect",
            &remote,
            "--baseline",
            "baseline",
            "--candidate",
            "candidate",
            "--by",
            "region,device",
            "--fail-on-regression",
        ])
        .code
    };
    let on_file = gate(churn.to_str().unwrap());
    assert_eq!(gate(&spark(&churn)), on_file);
    assert!(on_file == 0 || on_file == 3);
}

#[test]
fn verbose_logs_every_query_and_only_selects_are_sent() {
    let remote = remote();
    let churn = spark(&repo("sample_data/churn.parquet"));
    let run = faultline(&[
        "metrics",
        &churn,
        "--connect",
        &remote,
        "--by",
        "region",
        "--verbose",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let queries: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| {
            l.split_once("spark sql: ")
                .or(l.split_once("spark schema: "))
        })
        .map(|(_, q)| q)
        .collect();
    assert!(queries.len() >= 4, "{}", run.stderr);
    for q in &queries {
        let head = q.trim_start().to_ascii_uppercase();
        assert!(
            head.starts_with("SELECT") || head.starts_with("WITH"),
            "{q}"
        );
        for verb in ["INSERT ", "CREATE ", "DROP ", "DELETE ", "ALTER "] {
            assert!(!head.contains(verb), "{q}");
        }
    }
    assert!(run.stderr.contains("bytes of results"), "{}", run.stderr);
}

#[test]
fn the_result_size_does_not_grow_with_rows() {
    let remote = remote();
    let dir = scratch("spark-bytes");
    let bytes = |rows: &str| -> u64 {
        let file = dir.join(format!("c{rows}.parquet"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_faultline-gen"))
            .args(["churn", "--rows", rows, "--out", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success());
        let run = faultline(&[
            "metrics",
            &spark(&file),
            "--connect",
            &remote,
            "--by",
            "region",
            "--verbose",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains("bytes of results"))
            .unwrap();
        line.split(", ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (small, large) = (bytes("20000"), bytes("200000"));
    // The same slices and models: the same aggregates, give or take a few digits
    // in the profile's sample of rows.
    assert!(
        large < small * 2,
        "{small} bytes for 20k rows, {large} for 200k"
    );
}

#[test]
fn failure_slices_equal_the_in_memory_search() {
    let churn = repo("sample_data/churn.parquet");
    let feats = ["--features", "region,device,language,channel,plan"];
    let skip = ["elapsed_ms"];
    let run = |extra: &[&str]| {
        let args = [&["--model", "candidate"][..], &feats, extra].concat();
        documents_agree("slices", &churn, &args, &skip)
    };
    let doc = run(&["--alpha", "0.99"]);
    assert_eq!(doc["slices"].as_array().map(Vec::len), Some(10));
    assert_eq!(doc["slices"][0]["predicates"]["region"], "east");
    run(&["--alpha", "0.999", "--keep-equivalent"]);
    run(&["--against", "baseline", "--max-level", "2"]);
    run(&[]);
    // Every column without a role, numeric ones binned, as in memory.
    let args = ["--model", "candidate", "--alpha", "0.99"];
    documents_agree("slices", &churn, &args, &skip);
    // Multiclass and regression errors (wrong class; squared error).
    let dir = scratch("spark-slices");
    let intent = parquet_of("sample_data/intent.csv", &dir);
    let args = [
        "--model",
        "candidate",
        "--features",
        "channel,language,tier",
        "--alpha",
        "0.99",
    ];
    documents_agree("slices", &intent, &args, &skip);
    let delivery = parquet_of("sample_data/delivery.csv", &dir);
    let args = [
        "--model",
        "candidate",
        "--features",
        "city,vehicle,weather,distance_km,hour",
        "--alpha",
        "0.99",
    ];
    documents_agree("slices", &delivery, &args, &skip);
}

#[test]
fn an_interrupt_stops_a_running_query() {
    use faultline::spark::SparkSource;
    use faultline::spark::client::Client;
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let source = SparkSource::resolve(Path::new("spark://unused"), Some(&remote())).unwrap();
    let client = Arc::new(Client::connect(&source, false).unwrap());
    let runner = client.clone();
    let started = Instant::now();
    // Minutes of work on two cores.
    let job = std::thread::spawn(move || {
        runner.rows("SELECT sum(id * id % 7) FROM range(0, 200000000000, 1, 2)")
    });
    std::thread::sleep(Duration::from_secs(3));
    client.interrupt();
    let result = job.join().unwrap();
    let took = started.elapsed();
    assert!(result.is_err(), "the interrupted query reports an error");
    assert!(took < Duration::from_secs(30), "stopped after {took:?}");
}

/// `faultline brief` on the file and through Spark: the same summary and
/// recommendation, and every finding Spark can make equal to the file's.
fn briefs_agree(file: &Path, baseline: &str, candidate: &str, extra: &[&str], dir: &Path) {
    let remote = remote();
    let source = spark(file);
    let memory = dir.join("memory.json");
    let cluster = dir.join("spark.json");
    let run = |input: &str, out: &Path, extra: &[&str]| {
        let args = [
            &[
                "brief",
                input,
                "--baseline",
                baseline,
                "--candidate",
                candidate,
                "--out",
                out.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat();
        let r = faultline(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        serde_json::from_str::<Value>(&std::fs::read_to_string(out).unwrap()).unwrap()
    };
    let m = run(file.to_str().unwrap(), &memory, extra);
    let s = run(
        &source,
        &cluster,
        &[extra, &["--connect", remote.as_str()]].concat(),
    );
    assert_eq!(s["summary"], m["summary"]);
    assert_eq!(s["recommendation"], m["recommendation"]);
    let findings = |d: &Value| -> Vec<Value> { d["findings"].as_array().unwrap().clone() };
    let (fs, fm) = (findings(&s), findings(&m));
    let mut compared = 0;
    for f in &fm {
        let title = f["title"].as_str().unwrap();
        let Some(g) = fs.iter().find(|g| g["title"] == f["title"]) else {
            // Per-row findings a Spark source does not make.
            assert!(
                title == "ROC curves" || title.starts_with("Calibration: over-confident"),
                "{title} is missing from the Spark brief"
            );
            continue;
        };
        assert_eq!(g["content"], f["content"], "{title}");
        assert_eq!(g["note"], f["note"], "{title}");
        assert_eq!(g["source"], f["source"], "{title}");
        compared += 1;
    }
    assert!(compared >= 4, "{compared} findings compared");
    assert!(
        fs.iter().any(|g| g["title"] == "Not in this brief"
            && g["content"].to_string().contains("ROC curves")),
        "the Spark brief says what it leaves out"
    );
}

#[test]
fn the_brief_equals_the_in_memory_brief() {
    let dir = scratch("spark-brief");
    briefs_agree(
        &repo("sample_data/churn.parquet"),
        "baseline",
        "candidate",
        &[],
        &dir,
    );
    let adult = parquet_of("sample_data/adult_models.csv", &dir);
    briefs_agree(&adult, "logreg", "gbm", &["--sensitive", "sex,race"], &dir);
}
