//! Every view on every bundled sample file: it draws without a panic, and draws
//! something (more than the menu and status bars do on their own).

use egui_kittest::Harness;
use egui_kittest::kittest::{Queryable as _, by};
use faultline::app::dialog::NoDialog;
use faultline::app::{Command, FaultlineApp, LaunchOptions};

use crate::window::settle;

fn harness(files: Vec<std::path::PathBuf>, open_sample: bool) -> crate::window::Window {
    crate::window::open_with(
        LaunchOptions {
            files,
            open_sample,
            dialog: Box::new(NoDialog),
            ..Default::default()
        },
        egui::vec2(1500.0, 950.0),
    )
}

/// Nodes with text (labels, buttons, values) on screen.
fn texts(h: &Harness<'static, FaultlineApp>) -> usize {
    h.query_all(by().predicate(|n| n.label().is_some() || n.value().is_some()))
        .count()
}

#[test]
fn every_view_draws_on_every_sample() {
    // The bars alone: no data open.
    let mut empty = harness(Vec::new(), false);
    settle(&mut empty);
    let bars = texts(&empty);
    let samples = [
        "churn.parquet",
        "adult_models.csv",
        "delivery.csv",
        "intent.csv",
        "llm_eval.jsonl",
        "ranking.csv",
    ];
    for sample in samples {
        let mut h = harness(vec![crate::repo(&format!("sample_data/{sample}"))], false);
        settle(&mut h);
        assert!(h.state().workspace.is_some(), "{sample} opens");
        let views: Vec<(faultline::cli::ViewName, &str)> = h
            .state()
            .views
            .iter()
            .map(|v| (v.id(), v.title()))
            .collect();
        assert_eq!(views.len(), 9);
        for (id, title) in views {
            h.state_mut().command(Command::SetView(id));
            settle(&mut h);
            let n = texts(&h);
            assert!(
                n > bars + 5,
                "{sample}: the {title} view draws nothing ({n} texts, {bars} in the bars alone)"
            );
        }
    }
}
