//! A corpus of hostile inputs, made here, each run through the real binary with a
//! time limit: no panic, no hang, no abort; a clear message (naming the file or the
//! option at fault) and exit code 2 for bad input, 1 for a failure that is not the
//! input's, 0 where the file is odd but fine. Plus the numbers that must not be
//! silently off: `-0.0` scores, the same interval with and without `--by`, a 0/1
//! column sliced in two.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{repo, scratch};

/// What a run must give.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// Exit 0.
    Ok,
    /// This exit code and a message containing the text.
    Fail(i32, &'static str),
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a time limit, feeding `stdin`; panics on a hang.
fn run_limited(args: &[&str], stdin: Option<&[u8]>, limit: Duration) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            pipe.write_all(&bytes).ok();
        });
    }
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            r.read_to_end(&mut s).ok();
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let (o, e) = (read(Box::new(out)), read(Box::new(err)));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("faultline {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout: o.join().unwrap(),
        stderr: e.join().unwrap(),
    }
}

fn check(name: &str, args: &[&str], stdin: Option<&[u8]>, want: Want) {
    let o = run_limited(args, stdin, Duration::from_secs(60));
    assert!(
        !o.stderr.contains("panicked") && o.code != 101 && o.code >= 0,
        "{name}: crashed (code {}): {}",
        o.code,
        o.stderr
    );
    match want {
        Want::Ok => assert_eq!(o.code, 0, "{name}: {}", o.stderr),
        Want::Fail(code, text) => {
            assert_eq!(o.code, code, "{name}: exit code; stderr: {}", o.stderr);
            assert!(
                o.stderr.contains(text),
                "{name}: message {:?} lacks {text:?}",
                o.stderr
            );
            assert!(
                o.stdout.is_empty(),
                "{name}: output on failure: {}",
                o.stdout
            );
        }
    }
}

/// A small valid binary file: label, two models' predictions and scores, a region.
fn good_csv(rows: usize) -> String {
    let mut s = String::from("id,label,pred_a,score_a,pred_b,score_b,region\n");
    for i in 0..rows {
        let y = i % 2;
        let sa = ((i * 37) % 100) as f64 / 100.0;
        let sb = ((i * 53) % 100) as f64 / 100.0;
        s.push_str(&format!(
            "{i},{y},{},{sa},{},{sb},{}\n",
            u8::from(sa >= 0.5),
            u8::from(sb >= 0.5),
            ["north", "south"][i % 2]
        ));
    }
    s
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_corpus_of_hostile_files_fails_cleanly() {
    let dir = scratch("hostile");
    let d = &dir;
    let mut cases: Vec<(&str, PathBuf, Vec<&str>, Want)> = Vec::new();
    let mut add = |name: &'static str, file: PathBuf, extra: &[&'static str], want: Want| {
        cases.push((name, file, extra.to_vec(), want));
    };
    let good = good_csv(200);
    add(
        "empty file",
        write(d, "empty.csv", ""),
        &[],
        Want::Fail(2, "no rows"),
    );
    add(
        "header only",
        write(d, "header.csv", "label,pred_a\n"),
        &[],
        Want::Fail(2, "header.csv"),
    );
    add(
        "ragged rows",
        write(d, "ragged.csv", "label,pred_a,x\n1,1,a\n0,1\n"),
        &[],
        Want::Fail(2, "line 3 (row 2) has 2 fields"),
    );
    add(
        "quoted newlines",
        write(
            d,
            "quoted.csv",
            "label,pred_a,note\n1,1,\"two\nlines\"\n0,0,\"a, comma\"\n1,0,x\n",
        ),
        &[],
        Want::Ok,
    );
    add(
        "byte-order mark",
        write(d, "bom.csv", format!("\u{feff}{good}")),
        &[],
        Want::Ok,
    );
    add(
        "CRLF line ends",
        write(d, "crlf.csv", good.replace('\n', "\r\n")),
        &[],
        Want::Ok,
    );
    add(
        "duplicate column names",
        write(d, "dups.csv", "label,pred_a,x,x\n1,1,a,b\n0,0,c,d\n"),
        &[],
        Want::Fail(2, "duplicate column names: \"x\" (columns 3, 4)"),
    );
    add(
        "duplicate labels",
        write(d, "duplabel.csv", "label,label,pred_a\n1,0,1\n0,1,0\n"),
        &[],
        Want::Fail(2, "duplicate column names"),
    );
    add(
        "NUL byte",
        write(d, "nul.csv", "label,pred_a,x\n1,1,a\n0,0,b\0c\n"),
        &[],
        Want::Fail(2, "line 3 holds a NUL byte"),
    );
    let latin1: Vec<u8> = b"label,pred_a,city\n1,1,Z\xfcrich\n0,0,Gen\xe8ve\n1,0,Bern\n".to_vec();
    add(
        "Latin-1 without --encoding",
        write(d, "latin1.csv", &latin1),
        &[],
        Want::Fail(2, "--encoding windows-1252"),
    );
    add(
        "Latin-1 with --encoding",
        write(d, "latin1b.csv", &latin1),
        &["--encoding", "latin1"],
        Want::Ok,
    );
    add(
        "Windows-1252 with --encoding",
        write(
            d,
            "cp1252.csv",
            b"label,pred_a,price\n1,1,\x8010\n0,0,\x805\n",
        ),
        &["--encoding", "windows-1252"],
        Want::Ok,
    );
    add(
        "deeply nested JSON",
        write(
            d,
            "deep.json",
            format!(
                "[{{\"label\":1,\"pred_a\":1,\"x\":{}1{}}}]",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        ),
        &[],
        Want::Fail(2, "nested more than 64 deep"),
    );
    add(
        "JSON Lines in a .json file",
        write(
            d,
            "lines.json",
            "{\"label\":1,\"pred_a\":1}\n{\"label\":0,\"pred_a\":0}\n",
        ),
        &[],
        Want::Fail(2, "JSON Lines"),
    );
    add(
        "JSON arrays where lines are expected",
        write(
            d,
            "arrays.jsonl",
            "{\"label\":1,\"pred_a\":1}\n[1,2]\n{\"label\":0,\"pred_a\":0}\n",
        ),
        &[],
        Want::Fail(2, "line 2"),
    );
    add(
        "a bad JSON line",
        write(
            d,
            "badline.jsonl",
            "{\"label\":1,\"pred_a\":1}\n{\"label\":0,\"pred_a\":0}\n{\"label\":\n",
        ),
        &[],
        Want::Fail(2, "line 3"),
    );
    let parquet = std::fs::read(repo("sample_data/churn.parquet")).unwrap();
    add(
        "truncated Parquet",
        write(d, "cut.parquet", &parquet[..parquet.len() / 2]),
        &[],
        Want::Fail(2, "cut.parquet"),
    );
    let mut flipped = parquet.clone();
    let at = flipped.len() - 12;
    flipped[at] ^= 0xff;
    add(
        "bit-flipped Parquet footer",
        write(d, "flip.parquet", &flipped),
        &[],
        Want::Fail(2, "flip.parquet"),
    );
    add(
        "NaN scores",
        write(d, "nan.csv", "label,score_a\n1,0.9\n0,NaN\n1,0.7\n0,0.2\n"),
        &[],
        Want::Ok,
    );
    add(
        "infinite score",
        write(d, "inf.csv", "label,score_a\n1,0.9\n0,inf\n1,0.7\n"),
        &[],
        Want::Fail(2, "row 2"),
    );
    add(
        "score that is not a number",
        write(d, "text.csv", "label,score_a\n1,0.9\n0,high\n1,0.7\n"),
        &[],
        Want::Fail(2, "\"high\""),
    );
    add(
        "-0.0 scores",
        write(
            d,
            "negzero.csv",
            "label,score_a\n1,0.9\n0,-0.0\n1,0.0\n0,0.2\n",
        ),
        &[],
        Want::Ok,
    );
    let huge = format!(
        "label,pred_a,note\n1,1,{}\n0,0,short\n",
        "x".repeat(20_000_000)
    );
    add("a 20 MB cell", write(d, "huge.csv", huge), &[], Want::Ok);
    let mut wide = String::from("label,pred_a");
    for i in 0..100_000 {
        wide.push_str(&format!(",c{i}"));
    }
    wide.push('\n');
    for r in 0..4 {
        wide.push_str(&format!("{},{}", r % 2, (r / 2) % 2));
        for i in 0..100_000 {
            wide.push_str(&format!(",{}", (i + r) % 3));
        }
        wide.push('\n');
    }
    let wide = write(d, "wide.csv", wide);
    add("100,000 columns", wide.clone(), &[], Want::Ok);
    let mut many = String::from("label,pred_a\n");
    for i in 0..40_000 {
        many.push_str(&format!("k{i},k{}\n", if i % 3 == 0 { i + 1 } else { i }));
    }
    add("40,000 classes", write(d, "many.csv", many), &[], Want::Ok);
    add(
        "every label null",
        write(d, "nulllabel.csv", "label,pred_a\n,1\nNA,0\n"),
        &[],
        Want::Fail(2, "every label is null"),
    );
    add(
        "probability above 1",
        write(d, "prob.csv", "label,score_a\n1,0.9\n0,1.5\n"),
        &[],
        Want::Fail(2, "outside [0, 1]"),
    );
    add(
        "unknown extension",
        write(d, "data.xyz", good.clone()),
        &[],
        Want::Fail(2, "unsupported file extension"),
    );
    std::fs::create_dir_all(d.join("folder.csv")).unwrap();
    add(
        "a directory",
        d.join("folder.csv"),
        &[],
        Want::Fail(2, "directory"),
    );
    add(
        "a device",
        PathBuf::from("/dev/zero"),
        &["--input-format", "csv"],
        Want::Fail(2, "not a regular file"),
    );
    let fifo = d.join("fifo.csv");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        add("a FIFO", fifo, &[], Want::Fail(2, "not a regular file"));
    }
    add(
        "a missing file",
        d.join("nope.csv"),
        &[],
        Want::Fail(2, "nope.csv"),
    );
    add(
        "one row with a score",
        write(d, "onerow.csv", "label,score_a\n0,0.3\n"),
        &[],
        Want::Ok,
    );
    add(
        "all-negative rows with scores",
        write(
            d,
            "allneg.csv",
            "label,score_a,score_b\n0,0.3,0.6\n0,0.1,0.2\n0,0.7,0.4\n",
        ),
        &[],
        Want::Ok,
    );
    add(
        "one label word, no --positive",
        write(
            d,
            "oneword.csv",
            "label,score_a\nchurned,0.3\nchurned,0.8\n",
        ),
        &[],
        Want::Fail(2, "--positive"),
    );
    add(
        "one label word with --positive",
        write(
            d,
            "oneword2.csv",
            "label,score_a\nchurned,0.3\nchurned,0.8\n",
        ),
        &["--positive", "churned"],
        Want::Ok,
    );
    add(
        "no label column",
        write(d, "nolabel.csv", "a,pred_a\n1,1\n"),
        &[],
        Want::Fail(2, "no label column"),
    );
    add(
        "JSON of numbers",
        write(d, "numbers.json", "[1, 2, 3]"),
        &[],
        Want::Fail(2, "numbers.json"),
    );
    add(
        "ragged TSV",
        write(d, "ragged.tsv", "label\tpred_a\n1\t1\n0\n"),
        &[],
        Want::Fail(2, "ragged rows"),
    );
    add(
        "an unclosed quote",
        write(d, "quote.csv", "label,pred_a,x\n1,1,\"open\n0,0,b\n"),
        &[],
        Want::Fail(2, "never closed"),
    );
    add(
        "fractional multiclass labels",
        write(d, "frac.csv", "label,pred_a\n1.5,1\n2,2\n3,3\n"),
        &["--task", "multiclass"],
        Want::Fail(2, "not a whole number"),
    );
    add(
        "text regression prediction",
        write(d, "regtext.csv", "label,pred_a\n1.5,abc\n2.5,2\n3.1,3\n"),
        &["--task", "regression"],
        Want::Fail(2, "\"abc\""),
    );
    add(
        "prediction outside the classes",
        write(d, "badpred.csv", "label,pred_a\na,a\nb,c\na,b\n"),
        &[],
        Want::Fail(2, "row 2"),
    );
    add(
        "only separators",
        write(d, "seps.csv", ",,,\n,,,\n"),
        &[],
        Want::Fail(2, "seps.csv"),
    );
    add(
        "binary garbage",
        write(
            d,
            "garbage.csv",
            (0..4096u32)
                .map(|i| (i * 7919 % 251) as u8)
                .collect::<Vec<u8>>(),
        ),
        &[],
        Want::Fail(2, "garbage.csv"),
    );
    add(
        "a threshold of 2",
        write(d, "t.csv", good.clone()),
        &["--threshold", "2"],
        Want::Fail(2, "must be in [0, 1]"),
    );
    add(
        "a negative threshold",
        write(d, "t2.csv", good.clone()),
        &["--threshold", "-1"],
        Want::Fail(2, "must be in [0, 1]"),
    );
    add(
        "one resample",
        write(d, "r.csv", good.clone()),
        &["--resamples", "1"],
        Want::Fail(2, "resamples must be between 100 and 100000"),
    );
    add(
        "a billion resamples",
        write(d, "r2.csv", good.clone()),
        &["--resamples", "1000000000"],
        Want::Fail(2, "resamples must be between"),
    );
    add(
        "zero bins",
        write(d, "b.csv", good.clone()),
        &["--bins", "0"],
        Want::Fail(2, "--bins"),
    );
    add(
        "an unknown --by column",
        write(d, "by.csv", good.clone()),
        &["--by", "colour"],
        Want::Fail(2, "\"colour\""),
    );
    add(
        "an unknown task",
        write(d, "task.csv", good.clone()),
        &["--task", "ranking2"],
        Want::Fail(2, "possible values"),
    );
    for (name, file, extra, want) in &cases {
        let f = file.to_string_lossy().to_string();
        let mut args = vec!["metrics", f.as_str()];
        args.extend(extra.iter().copied());
        check(name, &args, None, *want);
    }
    assert!(cases.len() >= 50, "{} cases", cases.len());

    // The same hostile files through the other commands.
    let w = wide.to_string_lossy().to_string();
    check(
        "slices over 100,000 columns",
        &["slices", &w, "--model", "a", "--min-support", "1"],
        None,
        Want::Fail(2, "choose fewer features"),
    );
    let g = write(d, "g.csv", good.clone())
        .to_string_lossy()
        .to_string();
    check(
        "--top 0",
        &["slices", &g, "--model", "a", "--top", "0"],
        None,
        Want::Fail(2, "top must be"),
    );
    check(
        "--alpha -0.5",
        &["slices", &g, "--model", "a", "--alpha", "-0.5"],
        None,
        Want::Fail(2, "alpha must be in (0, 1]"),
    );
    check(
        "an unknown model",
        &["slices", &g, "--model", "zzz"],
        None,
        Want::Fail(2, "unknown model \"zzz\""),
    );
    check(
        "compare a model with itself",
        &["compare", &g, "--baseline", "a", "--candidate", "a"],
        None,
        Want::Fail(2, "two different models"),
    );
    check(
        "an unknown view",
        &["--view", "charts"],
        None,
        Want::Fail(2, "possible values"),
    );
}

#[test]
fn standard_input_and_output() {
    let good = good_csv(100);
    let o = run_limited(
        &["metrics", "-", "--input-format", "csv", "--format", "json"],
        Some(good.as_bytes()),
        Duration::from_secs(60),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(doc["dataset"]["rows"], 100);
    assert_eq!(doc["dataset"]["path"], "-");
    let o = run_limited(
        &["metrics", "-"],
        Some(good.as_bytes()),
        Duration::from_secs(60),
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--input-format"), "{}", o.stderr);
    // A brief to standard output.
    let dir = scratch("stdio");
    let f = write(&dir, "e.csv", good);
    let o = run_limited(
        &[
            "brief",
            f.to_str().unwrap(),
            "--baseline",
            "a",
            "--candidate",
            "b",
            "--out",
            "-",
            "--format",
            "md",
        ],
        None,
        Duration::from_secs(60),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with("# Error analysis: b against a"));
    assert!(o.stdout.contains("data:image/svg+xml;base64,"));
}

#[test]
fn write_failures_exit_1_and_leave_no_temporary_file() {
    let dir = scratch("writes");
    let f = write(&dir, "e.csv", good_csv(100));
    let f = f.to_str().unwrap();
    // A full disk.
    let full = std::fs::File::create("/dev/full");
    if let Ok(full) = full {
        let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
            .args(["metrics", f])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the output"));
    }
    // A brief onto a directory.
    std::fs::create_dir_all(dir.join("taken.html")).unwrap();
    let out = dir.join("taken.html");
    let o = run_limited(
        &[
            "brief",
            f,
            "--baseline",
            "a",
            "--candidate",
            "b",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
        Duration::from_secs(60),
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("cannot write") && o.stderr.contains("taken.html"),
        "{}",
        o.stderr
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn completions_and_manual_page() {
    for shell in ["bash", "zsh", "fish"] {
        let o = run_limited(&["completions", shell], None, Duration::from_secs(30));
        assert_eq!(o.code, 0);
        assert!(
            o.stdout.contains("metrics") && o.stdout.contains("fail-on-regression"),
            "{shell}"
        );
    }
    let o = run_limited(&["man"], None, Duration::from_secs(30));
    assert_eq!(o.code, 0);
    assert!(o.stdout.starts_with(".ie") || o.stdout.contains(".TH faultline"));
    // The packaged copies are what the binary prints today.
    for (file, args) in [
        (
            "packaging/completions/faultline.bash",
            vec!["completions", "bash"],
        ),
        (
            "packaging/completions/_faultline",
            vec!["completions", "zsh"],
        ),
        (
            "packaging/completions/faultline.fish",
            vec!["completions", "fish"],
        ),
        ("packaging/faultline.1", vec!["man"]),
    ] {
        let o = run_limited(&args, None, Duration::from_secs(30));
        let committed = std::fs::read_to_string(repo(file)).unwrap_or_default();
        assert_eq!(
            committed,
            o.stdout,
            "{file} is stale: regenerate it with `faultline {}`",
            args.join(" ")
        );
    }
}

/// Scores with -0.0 rank as 0.0: scikit-learn's ROC AUC, and the compare delta's
/// sign. Reference values from scikit-learn's `roc_auc_score` on the rows below
/// (computed once, with -0.0 as given; scikit-learn ranks it equal to 0.0).
#[test]
fn negative_zero_scores_rank_as_zero() {
    let dir = scratch("negzero");
    let rows = [
        (1, 0.9, 0.8),
        (1, 0.0, 0.7),
        (1, 0.6, -0.0),
        (1, 0.4, 0.3),
        (0, -0.0, 0.6),
        (0, 0.5, -0.0),
        (0, 0.2, 0.9),
        (0, 0.0, 0.1),
    ];
    let mut neg = String::from("label,score_a,score_b\n");
    let mut pos = neg.clone();
    for (y, a, b) in rows {
        neg.push_str(&format!("{y},{a:?},{b:?}\n"));
        pos.push_str(&format!("{y},{:?},{:?}\n", a + 0.0, b + 0.0));
    }
    assert!(neg.contains("-0.0"));
    let fneg = write(&dir, "neg.csv", neg);
    let fpos = write(&dir, "pos.csv", pos);
    let auc = |f: &Path| -> (f64, f64) {
        let doc = crate::json(&["metrics", f.to_str().unwrap()]);
        (
            doc["overall"]["a"]["roc_auc"].as_f64().unwrap(),
            doc["overall"]["b"]["roc_auc"].as_f64().unwrap(),
        )
    };
    let (a, b) = auc(&fneg);
    assert_eq!((a, b), auc(&fpos));
    // sklearn: roc_auc_score([1,1,1,1,0,0,0,0], [.9,0,.6,.4,-0.,.5,.2,0]) = 0.75
    assert!((a - 0.75).abs() < 1e-12, "{a}");
    // sklearn: roc_auc_score([1,1,1,1,0,0,0,0], [.8,.7,-0.,.3,.6,-0.,.9,.1]) = 0.53125
    assert!((b - 0.53125).abs() < 1e-12, "{b}");
    let doc = crate::json(&[
        "compare",
        fneg.to_str().unwrap(),
        "--baseline",
        "a",
        "--candidate",
        "b",
    ]);
    let delta = doc["overall"]["metrics"]["roc_auc"]["delta"]
        .as_f64()
        .unwrap();
    assert!((delta - (0.53125 - 0.75)).abs() < 1e-12, "{delta}");
}

#[test]
fn the_same_seed_gives_the_same_interval_with_or_without_by() {
    let f = repo("sample_data/churn.parquet");
    let f = f.to_str().unwrap();
    let plain = crate::json(&["metrics", f, "--seed", "7"]);
    let by = crate::json(&["metrics", f, "--seed", "7", "--by", "region,device"]);
    for m in ["baseline", "candidate"] {
        assert_eq!(
            plain["overall"][m]["ci"]["f1"], by["overall"][m]["ci"]["f1"],
            "{m}"
        );
    }
    let plain = crate::json(&[
        "compare",
        f,
        "--baseline",
        "baseline",
        "--candidate",
        "candidate",
        "--seed",
        "7",
    ]);
    let by = crate::json(&[
        "compare",
        f,
        "--baseline",
        "baseline",
        "--candidate",
        "candidate",
        "--seed",
        "7",
        "--by",
        "region",
    ]);
    assert_eq!(
        plain["overall"]["metrics"]["f1"]["ci"],
        by["overall"]["metrics"]["f1"]["ci"]
    );
}

#[test]
fn a_zero_one_column_is_two_slices() {
    let dir = scratch("flag");
    let mut s = String::from("label,pred_a,is_mobile\n");
    for i in 0..100 {
        s.push_str(&format!(
            "{},{},{}\n",
            i % 2,
            (i / 2) % 2,
            u8::from(i % 10 < 3)
        ));
    }
    let f = write(&dir, "flag.csv", s);
    let doc = crate::json(&["metrics", f.to_str().unwrap(), "--by", "is_mobile"]);
    let slices = doc["slices"].as_array().unwrap();
    let names: Vec<&str> = slices
        .iter()
        .map(|s| s["slice"]["is_mobile"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["0", "1"]);
    assert_eq!(slices[1]["n"], 30);
    // An undefined metric has no interval.
    let doc = crate::json(&["metrics", f.to_str().unwrap()]);
    let m = &doc["overall"]["a"];
    assert!(m["roc_auc"].is_null() || m["ci"]["roc_auc"].is_array());
}
