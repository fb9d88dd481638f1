//! One finding, one builder: a finding pinned in the window equals the one
//! `faultline brief FILE ...` writes for the same inputs (metrics, paired
//! comparison, per-slice verdicts, failure clusters, ROC curves), and the kinds the
//! default brief does not hold (slice table, example) equal the engine's builder on
//! the data the command line reads.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use faultline::app::dialog::NoDialog;
use faultline::app::{FaultlineApp, LaunchOptions};
use faultline::brief::Finding;
use faultline::brief::findings::{self, Scope};
use serde_json::Value;

use crate::{faultline, scratch};

use crate::window::settle;

/// A binary file where the candidate is better overall but worse on segment `a`.
fn write_eval(path: &std::path::Path) {
    let mut s = String::from(
        "id,label,segment,channel,pred_baseline,score_baseline,pred_candidate,score_candidate\n",
    );
    let mut x: u64 = 42;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as f64 / (1u64 << 31) as f64
    };
    for i in 0..3000 {
        let segment = ["a", "b", "c"][i % 3];
        let channel = ["web", "app"][(i / 3) % 2];
        let label = u8::from(next() < 0.4);
        let mut model = |p_right: f64| {
            let right = next() < p_right;
            let pred = if right { label } else { 1 - label };
            let u = next() * 0.5;
            let score = if pred == 1 {
                0.5 + u
            } else {
                0.49 - u.min(0.49)
            };
            (pred, score)
        };
        let (pb, sb) = model(0.8);
        let (pc, sc) = model(if segment == "a" { 0.62 } else { 0.93 });
        s.push_str(&format!(
            "{i},{label},{segment},{channel},{pb},{sb:.4},{pc},{sc:.4}\n"
        ));
    }
    std::fs::write(path, s).unwrap();
}

fn pinned(h: &Harness<'static, FaultlineApp>) -> Vec<Finding> {
    h.state().workspace.as_ref().unwrap().brief.findings.clone()
}

fn json(f: &Finding) -> Value {
    serde_json::to_value(f).unwrap()
}

#[test]
fn pinning_in_the_window_gives_the_command_lines_finding() {
    let dir = scratch("findings-same");
    let file = dir.join("eval.csv");
    write_eval(&file);
    let out = dir.join("brief.json");
    let run = faultline(&[
        "brief",
        file.to_str().unwrap(),
        "--baseline",
        "baseline",
        "--candidate",
        "candidate",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cli: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let cli_findings = cli["findings"].as_array().unwrap().clone();
    let by_title = |title: &str| -> Value {
        cli_findings
            .iter()
            .find(|f| f["title"] == title)
            .unwrap_or_else(|| panic!("the brief has no finding {title:?}"))
            .clone()
    };

    let f = file.clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1500.0, 950.0))
        .build_eframe(move |cc| {
            FaultlineApp::new(
                cc,
                LaunchOptions {
                    files: vec![f],
                    dialog: Box::new(NoDialog),
                    ..Default::default()
                },
            )
        });
    settle(&mut h);

    // Overview: metrics and ROC curves.
    h.get_by_label("Pin metrics to brief").click();
    h.get_by_label("Pin ROC chart to brief").click();
    settle(&mut h);
    // Compare: the paired comparison and the verdicts per segment.
    h.get_by_label("Compare").click();
    settle(&mut h);
    h.get_by_label("Pin comparison to brief").click();
    h.get_by_label("Pin per-slice verdicts to brief").click();
    settle(&mut h);
    // Failure clusters where the candidate got worse, as the default brief searches.
    {
        let app = h.state_mut();
        app.views.failures.model = Some(1);
        app.views.failures.against = Some(0);
        app.views.failures.params.top = faultline::brief::default::CLUSTERS;
    }
    h.get_by_label("Failure clusters").click();
    settle(&mut h);
    h.get_by_label("Pin these failure clusters to brief")
        .click();
    settle(&mut h);

    let mine = pinned(&h);
    assert_eq!(mine.len(), 5);
    for f in &mine {
        assert_eq!(json(f), by_title(&f.title), "{}", f.title);
    }
    assert!(
        mine[3]
            .title
            .contains("per slice of segment: 1 regression(s)")
    );

    // The slice table and an example: the window's pin equals the builder on the
    // data as the command line reads it.
    let loaded = faultline::join::load_joined(
        std::slice::from_ref(&file),
        &faultline::load::Mapping::default(),
        &faultline::load::LoadOptions::default(),
    )
    .unwrap();
    let table = &loaded.table;
    let scope = Scope::all(table);
    h.get_by_label("Slices").click();
    settle(&mut h);
    h.get_by_label("Pin this slice table to brief").click();
    settle(&mut h);
    let features = [
        table.feature_index("segment").unwrap(),
        table.feature_index("channel").unwrap(),
    ];
    let st = faultline::analysis::slices(table, None, table.threshold, &features, 1, "accuracy");
    let rows = faultline::slice_report::sort_rows(
        &st.rows,
        "accuracy",
        faultline::slice_report::SortBy::default(),
        false,
    );
    let want = findings::slice_table(table, &st, &rows, 1, "accuracy", &scope);
    assert_eq!(pinned(&h).last(), Some(&want));

    h.get_by_label("Examples").click();
    settle(&mut h);
    h.state_mut()
        .command(faultline::app::Command::SelectExample(0));
    settle(&mut h);
    h.get_by_label("Pin example to brief").click();
    settle(&mut h);
    let want = findings::example(
        faultline::examples::row_fields(&loaded.frame, 0),
        0,
        "",
        &scope,
    );
    assert_eq!(pinned(&h).last(), Some(&want));
}

#[test]
fn the_merge_keeps_what_the_user_wrote() {
    use faultline::brief::{Brief, Recommendation, merge};
    let user = Brief {
        title: "Release 2.3".into(),
        risks: "Tablets untested".into(),
        findings: vec![findings::text("mine", "x", Default::default(), "")],
        ..Default::default()
    };
    let computed = Brief {
        title: "Error analysis".into(),
        summary: "computed summary".into(),
        recommendation: Recommendation::Ship,
        risks: "computed risks".into(),
        findings: vec![findings::text("theirs", "y", Default::default(), "")],
        ..Default::default()
    };
    let m = merge(&user, computed);
    assert_eq!(m.title, "Release 2.3");
    assert_eq!(m.summary, "computed summary");
    assert_eq!(m.risks, "Tablets untested", "the open risks stay");
    assert_eq!(m.recommendation, Recommendation::Ship);
    let titles: Vec<&str> = m.findings.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, ["mine", "theirs"]);
}
