//! Briefs and sessions from the command line: every format is written, HTML is
//! self-contained and inert whatever the data holds, the same session gives the
//! same brief apart from the time, and a changed dataset is flagged.

use std::fs;

use crate::{faultline, repo, scratch};

fn brief(args: &[&str]) -> String {
    let run = faultline(args);
    assert_eq!(run.code, 0, "faultline {args:?}: {}", run.stderr);
    run.stdout
}

#[test]
fn default_brief_in_every_format() {
    let dir = scratch("brief-formats");
    for ext in ["md", "html", "json"] {
        let out = dir.join(format!("b.{ext}"));
        brief(&[
            "brief",
            "sample_data/churn.parquet",
            "--baseline",
            "baseline",
            "--candidate",
            "candidate",
            "--out",
            out.to_str().unwrap(),
        ]);
        let text = fs::read_to_string(&out).unwrap();
        assert!(
            text.contains("region = east AND device = tablet"),
            "{ext}: the planted cluster is reported"
        );
        assert!(
            text.contains("ship with guardrails") || text.contains("ship_with_guardrails"),
            "{ext}: the recommendation follows"
        );
        assert!(
            text.contains("sha256") || ext == "json",
            "{ext}: provenance"
        );
    }
    // Markdown keeps its charts beside it as SVG files.
    assert!(dir.join("b-chart-5.svg").exists());
    let md = fs::read_to_string(dir.join("b.md")).unwrap();
    assert!(md.contains("![ROC](b-chart-5.svg)"));
    // HTML requests nothing from anywhere.
    let html = fs::read_to_string(dir.join("b.html")).unwrap();
    for bad in [
        "<script",
        "<link",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(bad), "HTML contains {bad}");
    }
    assert!(html.contains("<svg") && html.contains("<style>"));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("b.json")).unwrap()).unwrap();
    assert_eq!(json["recommendation"], "ship_with_guardrails");
    assert!(json["provenance"]["files"][0][1].as_str().unwrap().len() == 64);
}

const EVIL: [&str; 2] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
];

#[test]
fn hostile_text_in_the_data_gives_inert_html() {
    let dir = scratch("brief-xss");
    let f = dir.join("hostile.csv");
    let mut csv = String::from("id,label,pred_a,pred_b,segment,comment\n");
    for i in 0..400 {
        let seg = EVIL[i % 2].replace('"', "\"\"");
        let y = i % 2;
        // b is wrong on the first segment's rows, a is right everywhere.
        let b = if i % 2 == 0 { 1 - y } else { y };
        csv.push_str(&format!("{i},{y},{y},{b},\"{seg}\",\"{seg} note {i}\"\n"));
    }
    fs::write(&f, csv).unwrap();
    let out = dir.join("h.html");
    brief(&[
        "brief",
        f.to_str().unwrap(),
        "--baseline",
        "a",
        "--candidate",
        "b",
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the hostile value is shown, escaped"
    );
    assert!(!html.contains("<script"), "no script element");
    assert!(!html.contains("<img"), "no img element");
}

#[test]
fn a_session_gives_the_same_brief_and_flags_changed_data() {
    let dir = scratch("brief-session");
    let data = dir.join("d.csv");
    fs::copy(repo("sample_data/delivery.csv"), &data).unwrap();
    let sha = faultline::load::read::sha256_file(&data).unwrap();
    let mut s = faultline::session::Session::new(vec![faultline::session::DatasetRef {
        path: data.clone(),
        sha256: sha,
    }]);
    s.brief.title = "Delivery model review".into();
    s.brief.findings.push(faultline::brief::Finding {
        title: format!("Example with {}", EVIL[0]),
        note: EVIL[1].into(),
        severity: faultline::brief::Severity::High,
        source: "Examples".into(),
        content: faultline::brief::Content::Example {
            fields: vec![("comment".into(), EVIL[0].into())],
        },
    });
    let session = dir.join("review.faultline");
    s.save(&session).unwrap();
    let (a, b) = (dir.join("a.html"), dir.join("b.html"));
    brief(&[
        "brief",
        session.to_str().unwrap(),
        "--out",
        a.to_str().unwrap(),
    ]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    brief(&[
        "brief",
        session.to_str().unwrap(),
        "--out",
        b.to_str().unwrap(),
    ]);
    let strip = |t: String| {
        t.lines()
            .filter(|l| !l.contains("generated"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (ta, tb) = (
        fs::read_to_string(&a).unwrap(),
        fs::read_to_string(&b).unwrap(),
    );
    assert!(!ta.contains("<script") && !ta.contains("<img"));
    assert!(
        ta.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "the break-out attempt is text"
    );
    assert_eq!(
        strip(ta.replace("</tr>", "</tr>\n")),
        strip(tb.replace("</tr>", "</tr>\n")),
        "same session, same brief"
    );
    // Change the data: the brief still comes out, with a warning naming the file.
    fs::write(
        &data,
        fs::read_to_string(&data)
            .unwrap()
            .replacen("d000001", "d999999", 1),
    )
    .unwrap();
    let run = faultline(&[
        "brief",
        session.to_str().unwrap(),
        "--out",
        a.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("changed since the session was saved") && run.stderr.contains("d.csv"),
        "{}",
        run.stderr
    );
}

#[test]
fn brief_usage_errors() {
    let run = faultline(&["brief", "sample_data/churn.parquet", "--out", "x.html"]);
    assert_eq!(run.code, 2, "needs --baseline and --candidate");
    let run = faultline(&[
        "brief",
        "sample_data/churn.parquet",
        "--baseline",
        "baseline",
        "--candidate",
        "candidate",
        "--out",
        "x.pdf",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(".md, .html or .json"));
}

#[test]
fn a_brief_from_joined_files_carries_every_files_sha256() {
    let dir = scratch("brief-join-sha");
    let (fb, fc) = (dir.join("old.csv"), dir.join("new.csv"));
    let mut base = String::from("id,label,pred,segment\n");
    let mut cand = String::from("id,label,pred\n");
    for i in 0..80 {
        base.push_str(&format!(
            "{i},{},{},{}\n",
            i % 2,
            (i / 2) % 2,
            ["a", "b"][i % 2]
        ));
        cand.push_str(&format!("{i},{},{}\n", i % 2, (i / 3) % 2));
    }
    fs::write(&fb, base).unwrap();
    fs::write(&fc, cand).unwrap();
    let out = dir.join("b.json");
    brief(&[
        "brief",
        fb.to_str().unwrap(),
        fc.to_str().unwrap(),
        "--baseline",
        "old",
        "--candidate",
        "new",
        "--out",
        out.to_str().unwrap(),
    ]);
    let doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    let files = doc["provenance"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for (f, path) in files.iter().zip([&fb, &fc]) {
        let want = faultline::load::read::sha256_file(path).unwrap();
        assert_eq!(f[1], want.as_str(), "{f}");
        assert_eq!(f[2], 80);
    }
}
