//! Every bad-input rule of contract section 1: a one-line message naming the file
//! (and the column and first offending row where they apply) and exit code 2.

use std::fs;

use crate::{faultline, repo, scratch};

fn fails(args: &[&str], needles: &[&str]) {
    let run = faultline(args);
    assert_eq!(
        run.code, 2,
        "faultline {args:?}: expected exit 2, got {} ({})",
        run.code, run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "nothing on stdout on failure: {}",
        run.stdout
    );
    let msg = run.stderr.trim();
    assert_eq!(msg.lines().count(), 1, "one-line message: {msg}");
    assert!(!msg.contains("panicked"), "{msg}");
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} lacks {n:?}");
    }
}

#[test]
fn missing_column() {
    let csv = repo("sample_data/intent.csv");
    let p = csv.to_str().unwrap();
    fails(
        &["metrics", p, "--label", "nope"],
        &["intent.csv", "\"nope\""],
    );
    fails(
        &["metrics", p, "--by", "colour"],
        &["intent.csv", "\"colour\""],
    );
    fails(
        &["metrics", p, "--pred", "x=missing_col"],
        &["intent.csv", "\"missing_col\""],
    );
}

#[test]
fn no_label_or_no_model_columns() {
    let dir = scratch("nolabel");
    let f = dir.join("nolabel.csv");
    fs::write(&f, "a,b\n1,2\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["nolabel.csv", "no label column"],
    );
    let f = dir.join("nomodel.csv");
    fs::write(&f, "label,b\n1,2\n0,3\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["nomodel.csv", "no model columns"],
    );
}

#[test]
fn unknown_model_is_named_with_the_known_ones() {
    let loaded = faultline::load::load(
        &repo("sample_data/churn.parquet"),
        &faultline::load::Mapping::default(),
        &faultline::load::LoadOptions::default(),
    )
    .unwrap();
    let err = loaded.table.model_index("gpt9").unwrap_err().to_string();
    assert!(
        err.contains("churn.parquet")
            && err.contains("\"gpt9\"")
            && err.contains("baseline, candidate"),
        "{err}"
    );
}

#[test]
fn label_that_does_not_fit_the_task() {
    let dir = scratch("task");
    let f = dir.join("three.csv");
    fs::write(&f, "label,pred_m\na,a\nb,b\nb,a\nc,c\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap(), "--task", "binary"],
        &["three.csv", "\"label\"", "row 4", "binary"],
    );
    fails(
        &["metrics", f.to_str().unwrap(), "--task", "regression"],
        &["three.csv", "\"label\"", "row 1", "not a number"],
    );
    let f = dir.join("frac.csv");
    fs::write(&f, "label,pred_m\n1,1\n2,2\n2.5,2\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap(), "--task", "multiclass"],
        &["frac.csv", "row 3", "2.5"],
    );
}

#[test]
fn prediction_outside_the_classes() {
    let dir = scratch("predclass");
    let f = dir.join("p.csv");
    fs::write(&f, "label,pred_m\nyes,yes\nno,no\nno,maybe\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["p.csv", "\"pred_m\"", "row 3", "maybe"],
    );
}

#[test]
fn probabilities_outside_unit_interval() {
    let dir = scratch("prob");
    let f = dir.join("p.csv");
    fs::write(&f, "label,score_m\n1,0.9\n0,0.1\n1,1.3\n0,0.2\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["p.csv", "\"score_m\"", "row 3", "1.3", "[0, 1]"],
    );
}

#[test]
fn empty_file_and_header_only() {
    let dir = scratch("empty");
    let f = dir.join("empty.csv");
    fs::write(&f, "").unwrap();
    fails(&["metrics", f.to_str().unwrap()], &["empty.csv", "no rows"]);
    let f = dir.join("header.csv");
    fs::write(&f, "label,pred_m,score_m\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["header.csv", "no rows"],
    );
    let f = dir.join("empty.jsonl");
    fs::write(&f, "").unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["empty.jsonl", "no rows"],
    );
}

#[test]
fn garbage_bytes() {
    let dir = scratch("garbage");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for name in ["g.csv", "g.parquet", "g.json", "g.jsonl", "g.arrow"] {
        let f = dir.join(name);
        fs::write(&f, &bytes).unwrap();
        fails(&["metrics", f.to_str().unwrap()], &[name]);
    }
}

#[test]
fn ragged_csv_rows() {
    let dir = scratch("ragged");
    let f = dir.join("r.csv");
    fs::write(&f, "label,pred_m\n1,1\n0,0,7\n1,0\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["r.csv", "row 2", "ragged"],
    );
    let f = dir.join("short.csv");
    fs::write(&f, "label,pred_m,region\n1,1,a\n0,0\n").unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["short.csv", "row 2", "ragged"],
    );
}

#[test]
fn parquet_cut_short() {
    let dir = scratch("cut");
    let bytes = fs::read(repo("sample_data/churn.parquet")).unwrap();
    let f = dir.join("cut.parquet");
    fs::write(&f, &bytes[..bytes.len() / 2]).unwrap();
    fails(
        &["metrics", f.to_str().unwrap()],
        &["cut.parquet", "Parquet"],
    );
}

#[test]
fn unsupported_extension_and_missing_file() {
    fails(
        &["metrics", "sample_data/README.md"],
        &["README.md", "unsupported file extension"],
    );
    fails(
        &["metrics", "no/such/file.csv"],
        &["no/such/file.csv", "cannot read"],
    );
}

#[test]
fn usage_errors_exit_2() {
    let run = faultline(&["metrics"]);
    assert_eq!(run.code, 2);
    let run = faultline(&["metrics", "sample_data/intent.csv", "--format", "xml"]);
    assert_eq!(run.code, 2);
    let run = faultline(&["metrics", "sample_data/intent.csv", "--pred", "nocolumn"]);
    assert_eq!(run.code, 2);
}
