//! Every format of contract section 1 reads to the same numbers, and the null rules
//! hold (null labels excluded and counted, null predictions counted as errors,
//! null features as their own `(missing)` slice).

use std::fs::{self, File};

use polars::prelude::*;
use serde_json::Value;

use crate::{json, repo, scratch};

fn overall(doc: &Value) -> Value {
    doc["overall"].clone()
}

#[test]
fn all_formats_give_the_same_metrics() {
    let dir = scratch("formats");
    let src = repo("sample_data/intent.csv");
    let reference = overall(&json(&[
        "metrics",
        src.to_str().unwrap(),
        "--by",
        "channel",
    ]));
    let mut df = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(src.clone()))
        .unwrap()
        .finish()
        .unwrap();
    let targets = [
        "t.tsv",
        "t.parquet",
        "t.json",
        "t.jsonl",
        "t.ndjson",
        "t.arrow",
        "t.ipc",
        "t.feather",
    ];
    for name in targets {
        let path = dir.join(name);
        let file = File::create(&path).unwrap();
        match name.rsplit('.').next().unwrap() {
            "tsv" => CsvWriter::new(file)
                .with_separator(b'\t')
                .finish(&mut df)
                .unwrap(),
            "parquet" => {
                ParquetWriter::new(file).finish(&mut df).unwrap();
            }
            "json" => JsonWriter::new(file)
                .with_json_format(JsonFormat::Json)
                .finish(&mut df)
                .unwrap(),
            "jsonl" | "ndjson" => JsonWriter::new(file)
                .with_json_format(JsonFormat::JsonLines)
                .finish(&mut df)
                .unwrap(),
            _ => IpcWriter::new(file).finish(&mut df).unwrap(),
        }
        let doc = json(&["metrics", path.to_str().unwrap(), "--by", "channel"]);
        assert_eq!(overall(&doc), reference, "{name} reads differently");
    }
}

#[test]
fn null_rules() {
    let dir = scratch("nulls");
    let f = dir.join("n.csv");
    // Row 3 has no label; row 4 has no prediction from m; row 5 has no region.
    fs::write(
        &f,
        "label,pred_m,region\n1,1,a\n0,0,a\n,1,b\n1,,b\n0,1,\n1,1,b\n",
    )
    .unwrap();
    let doc = json(&["metrics", f.to_str().unwrap(), "--by", "region"]);
    assert_eq!(doc["dataset"]["rows"], 6);
    assert_eq!(doc["dataset"]["used_rows"], 5);
    assert_eq!(doc["dataset"]["excluded_null_label"], 1);
    let m = &doc["overall"]["m"];
    assert_eq!(m["n"], 5);
    assert_eq!(m["null_predictions"], 1);
    // Correct: rows 1, 2, 6; wrong: row 4 (null) and row 5.
    assert_eq!(m["accuracy"], 0.6);
    let slices = doc["slices"].as_array().unwrap();
    let values: Vec<&Value> = slices.iter().map(|s| &s["slice"]["region"]).collect();
    assert_eq!(values, ["a", "b", "(missing)"]);
}

#[test]
fn unnamed_model_takes_the_file_stem_and_score_makes_predictions() {
    let dir = scratch("stem");
    let f = dir.join("ranker_v2.csv");
    fs::write(&f, "y,y_score\n1,0.9\n0,0.6\n1,0.4\n0,0.1\n").unwrap();
    let doc = json(&["metrics", f.to_str().unwrap()]);
    assert_eq!(doc["models"], serde_json::json!(["ranker_v2"]));
    let m = &doc["overall"]["ranker_v2"];
    assert_eq!(m["accuracy"], 0.5);
    assert_eq!(m["roc_auc"], 0.75);
    let doc = json(&["metrics", f.to_str().unwrap(), "--threshold", "0.35"]);
    assert_eq!(doc["overall"]["ranker_v2"]["accuracy"], 0.75);
}

#[test]
fn one_class_slices_have_null_auc() {
    let dir = scratch("oneclass");
    let f = dir.join("o.csv");
    fs::write(&f, "label,score_m,g\n1,0.9,a\n1,0.6,a\n0,0.4,b\n1,0.1,b\n").unwrap();
    let doc = json(&["metrics", f.to_str().unwrap(), "--by", "g"]);
    assert!(doc["slices"][0]["models"]["m"]["roc_auc"].is_null());
    assert_eq!(doc["slices"][1]["models"]["m"]["roc_auc"], 0.0);
}

#[test]
fn boolean_labels_match_integer_predictions() {
    let dir = scratch("boolint");
    let f = dir.join("b.csv");
    fs::write(&f, "label,pred_m\nTrue,1\nFalse,0\nTrue,0\nFalse,0\n").unwrap();
    let doc = json(&["metrics", f.to_str().unwrap()]);
    assert_eq!(doc["positive_class"], "true");
    assert_eq!(doc["overall"]["m"]["accuracy"], 0.75);
    assert_eq!(doc["overall"]["m"]["recall"], 0.5);
}

#[test]
fn csv_null_markers_are_nulls_as_pandas_reads_them() {
    let dir = scratch("na");
    let f = dir.join("na.csv");
    fs::write(&f, "label,pred_m,g\n1,1,NA\nNA,0,a\n0,0,a\n1,0,None\n").unwrap();
    let doc = json(&["metrics", f.to_str().unwrap(), "--by", "g"]);
    assert_eq!(doc["dataset"]["excluded_null_label"], 1);
    assert_eq!(doc["task"], "binary");
    let values: Vec<&Value> = doc["slices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["slice"]["g"])
        .collect();
    assert_eq!(values, ["a", "(missing)"]);
}
