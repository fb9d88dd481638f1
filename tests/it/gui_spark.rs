//! The window on a Spark source, driven by its labels on a local Spark Connect
//! server (`scripts/test` starts it and sets `FAULTLINE_TEST_SPARK`): File > Open
//! Spark table, slice by a column, a cohort, drilling into a slice, pages of rows,
//! Cancel, and failures that leave the open data alone. The numbers on screen are
//! checked against `faultline metrics` on the same rows filtered in memory.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use polars::prelude::*;
use serde_json::Value;

use crate::window::{Window, settle};
use crate::{json, repo, scratch};

fn remote() -> String {
    std::env::var("FAULTLINE_TEST_SPARK").expect(
        "FAULTLINE_TEST_SPARK is not set: run the tests with scripts/test, which starts a local Spark Connect server",
    )
}

/// File > Open Spark table…, typing the source and the server into the dialog.
fn open_spark_table(h: &mut Window, source: &str) {
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Open Spark table…").click();
    h.run_steps(3);
    h.get_by_role_and_label(Role::TextInput, "Table or path")
        .click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Table or path")
        .type_text(source);
    h.step();
    // Replace the server's default with the test server.
    h.get_by_role_and_label(Role::TextInput, "Spark Connect server")
        .click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Spark Connect server")
        .type_text(&remote());
    h.step();
    h.get_by_label("Open").click();
    h.step();
}

/// The open Spark panel.
fn panel(h: &Window) -> &faultline::app::spark_panel::SparkPanel {
    h.state().spark.as_ref().expect("the Spark panel is open")
}

/// The numbers on screen.
fn shown(h: &Window) -> &faultline::spark::remote::RemoteMetrics {
    &panel(h).shown.as_ref().expect("numbers on screen").1
}

/// Steps until the Spark panel has no query running (and the app is idle).
fn settle_spark(h: &mut Window) {
    let start = Instant::now();
    loop {
        settle(h);
        let busy = h.state().spark.as_ref().is_some_and(|p| p.is_querying());
        if !busy {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "Spark stayed busy"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Churn's rows whose `(plan, region)` pass `keep`.
fn churn_where(churn: &Path, keep: impl Fn(&str, &str) -> bool) -> DataFrame {
    let df = ParquetReader::new(File::open(churn).unwrap())
        .finish()
        .unwrap();
    let plan = df.column("plan").unwrap().str().unwrap().clone();
    let region = df.column("region").unwrap().str().unwrap().clone();
    let mask: Vec<bool> = plan
        .iter()
        .zip(region.iter())
        .map(|(p, r)| keep(p.unwrap_or_default(), r.unwrap_or_default()))
        .collect();
    df.filter(&BooleanChunked::from_slice("keep".into(), &mask))
        .unwrap()
}

/// `faultline metrics` on `rows` (churn filtered in memory), by `by`.
fn reference(rows: DataFrame, by: &str, dir: &Path) -> Value {
    let mut df = rows;
    let f = dir.join("reference.parquet");
    ParquetWriter::new(File::create(&f).unwrap())
        .finish(&mut df)
        .unwrap();
    json(&["metrics", f.to_str().unwrap(), "--by", by])
}

/// The panel's numbers equal the reference document's, overall and per slice.
fn assert_panel_equals(h: &Window, doc: &Value) {
    let m = shown(h);
    let models: Vec<String> = m.table.models.iter().map(|x| x.name.clone()).collect();
    let close = |a: Option<f64>, b: &Value, what: &str| {
        let b = b.as_f64();
        match (a, b) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: {a} vs {b}"),
            (None, None) => {}
            _ => panic!("{what}: {a:?} vs {b:?}"),
        }
    };
    for (i, name) in models.iter().enumerate() {
        let o = &doc["overall"][name];
        assert_eq!(m.eval.overall[i].n, o["n"].as_u64().unwrap());
        for metric in ["accuracy", "f1", "roc_auc", "average_precision", "log_loss"] {
            close(m.eval.overall[i].value(metric), &o[metric], metric);
        }
    }
    let labels = m.grouping.labels(&m.table);
    let slices = doc["slices"].as_array().unwrap();
    assert_eq!(labels.len(), slices.len(), "slice count");
    for (g, pairs) in labels.iter().enumerate() {
        let s = slices
            .iter()
            .find(|s| {
                pairs
                    .iter()
                    .all(|(c, v)| s["slice"][c].as_str() == Some(v.as_str()))
            })
            .unwrap_or_else(|| panic!("slice {pairs:?} missing from the reference"));
        for (i, name) in models.iter().enumerate() {
            let set = &m.eval.groups[g][i];
            assert_eq!(set.n, s["models"][name]["n"].as_u64().unwrap(), "{pairs:?}");
            for metric in ["accuracy", "roc_auc", "log_loss"] {
                close(set.value(metric), &s["models"][name][metric], metric);
            }
        }
    }
}

#[test]
fn the_window_opens_a_spark_table_and_queries_it_on_each_change() {
    let dir = scratch("gui-spark");
    let churn = repo("sample_data/churn.parquet");
    let mut h = crate::window::open(Vec::new(), egui::vec2(1500.0, 950.0));
    settle(&mut h);

    // A table that does not exist: an error, and the open file stays.
    open_spark_table(&mut h, "no_such_table_here");
    settle(&mut h);
    assert!(
        h.state()
            .notices
            .has_error("Could not open the Spark source")
    );
    assert!(h.state().workspace.is_some(), "the open file stays");
    assert!(h.state().spark.is_none());

    open_spark_table(&mut h, churn.to_str().unwrap());
    settle_spark(&mut h);
    assert!(h.state().spark.is_some(), "the Spark table opened");
    assert!(
        h.state().workspace.is_none(),
        "the Spark table replaced the file"
    );
    h.get_by_label_contains("24,000 labelled rows in the cohort");

    // Slice by region: one query, the numbers per region.
    h.get_by_label("Slice by").click();
    h.run_steps(2);
    h.get_by_label("region").click();
    settle_spark(&mut h);
    let all = churn_where(&churn, |_, _| true);
    assert_panel_equals(&h, &reference(all, "region", &dir));
    h.get_by_label("region = central");
    // The change sent one query: the counts and both models' rank sums together.
    let m = shown(&h);
    assert_eq!(m.queries, 1);
    h.get_by_label_contains("· 1 query,");

    // A cohort through the builder: plan != free.
    h.get_by_label("Add condition").click();
    h.run_steps(2);
    h.get_by_value("id").click();
    h.run_steps(2);
    h.get_by_label("plan").click();
    h.run_steps(2);
    h.get_by_value("=").click();
    h.run_steps(2);
    h.get_by_label("!=").click();
    h.run_steps(2);
    h.get_all_by_role(Role::TextInput).next().unwrap().click();
    h.step();
    h.get_all_by_role(Role::TextInput)
        .next()
        .unwrap()
        .type_text("free");
    h.step();
    let previous = shown(&h).rows;
    h.get_by_label("Apply cohort").click();
    h.run_steps(2);
    // The previous numbers stay on screen with a spinner until the new ones arrive.
    {
        let p = panel(&h);
        assert!(p.is_querying());
        assert_eq!(p.shown.as_ref().unwrap().1.rows, previous);
    }
    h.get_by_label_contains("Querying Spark…");
    settle_spark(&mut h);
    let paid = churn_where(&churn, |plan, _| plan != "free");
    assert_panel_equals(&h, &reference(paid, "region", &dir));

    // Drill into a slice: the cohort becomes plan != free AND region = east.
    let east = shown(&h)
        .grouping
        .labels(&shown(&h).table)
        .iter()
        .position(|p| p[0].1 == "east")
        .unwrap();
    h.get_all_by_label("Drill in").nth(east).unwrap().click();
    settle_spark(&mut h);
    let east_rows = churn_where(&churn, |plan, region| plan != "free" && region == "east");
    assert_panel_equals(&h, &reference(east_rows, "region", &dir));
    assert_eq!(
        panel(&h).cohort.filter.describe(),
        "(plan != free) AND (region = east)"
    );

    // Rows of the cohort, a page at a time.
    h.get_by_label("Show rows").click();
    settle_spark(&mut h);
    let first = {
        let p = panel(&h);
        let (_, page) = p.page.as_ref().expect("a page of rows");
        assert_eq!(page.rows.len(), 50);
        let region = page.columns.iter().position(|c| c == "region").unwrap();
        let plan = page.columns.iter().position(|c| c == "plan").unwrap();
        assert!(
            page.rows
                .iter()
                .all(|r| r[region].as_deref() == Some("east"))
        );
        assert!(page.rows.iter().all(|r| r[plan].as_deref() != Some("free")));
        page.rows[0].clone()
    };
    h.get_by_label("Next page").click();
    settle_spark(&mut h);
    {
        let p = panel(&h);
        let (key, page) = p.page.as_ref().unwrap();
        assert_eq!(key.offset, 50);
        assert_eq!(page.offset, 50);
        assert_ne!(page.rows[0], first, "the second page holds other rows");
    }
    h.get_by_label("rows 51-100");

    h.get_by_label("Hide rows").click();
    h.run_steps(2);

    // Cancel a query: it stops, the previous numbers stay, the app is idle.
    let before = panel(&h).key();
    h.get_by_label("Slice by").click();
    h.run_steps(2);
    h.get_by_label("device").click();
    h.run_steps(2);
    assert!(panel(&h).is_querying());
    // The status bar shows the query and its Cancel once the window has been
    // busy for a moment (`app::busy::QUIET`).
    let asked = Instant::now();
    while h.query_all_by_label("Cancel").next().is_none() {
        h.step();
        assert!(asked.elapsed() < Duration::from_secs(10), "no Cancel shown");
        std::thread::sleep(Duration::from_millis(10));
    }
    h.get_all_by_label("Cancel").next().unwrap().click();
    h.run_steps(2);
    let stopped = Instant::now();
    while h.state().tasks.live_threads() > 0 {
        assert!(
            stopped.elapsed() < Duration::from_secs(30),
            "the cancelled Spark job still runs"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    {
        let p = panel(&h);
        assert_eq!(p.shown.as_ref().unwrap().0, before, "previous numbers kept");
        assert!(p.error.as_deref().unwrap_or_default().contains("Cancelled"));
    }
    // Retry runs the query that was cancelled.
    h.get_by_label("Retry").click();
    settle_spark(&mut h);
    assert_eq!(
        panel(&h).shown.as_ref().unwrap().0.by,
        vec!["device".to_string()]
    );

    // A cohort that cannot become SQL (a number compared with text): an error,
    // and the numbers stay.
    let before_bad = panel(&h).key();
    h.state_mut()
        .spark
        .as_mut()
        .unwrap()
        .set_cohort(faultline::cohort::Cohort {
            name: "bad".into(),
            filter: faultline::cohort::FilterGroup {
                combine: faultline::cohort::Combine::All,
                items: vec![faultline::cohort::Filter::Cond(
                    faultline::cohort::Condition {
                        column: "age".into(),
                        op: faultline::cohort::Op::Gt,
                        value: "ten".into(),
                        value2: String::new(),
                    },
                )],
            },
        });
    settle_spark(&mut h);
    let p = panel(&h);
    assert!(
        p.error
            .as_deref()
            .unwrap_or_default()
            .contains("not a number"),
        "{:?}",
        p.error
    );
    assert_eq!(p.shown.as_ref().unwrap().0, before_bad, "the numbers stay");
}
