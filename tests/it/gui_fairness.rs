//! The Fairness view on the bundled Adult sample, driven through the real widgets
//! by their labels: pick the sensitive feature, read the disparities, equalize the
//! true positive rates in the what-if, and pin the finding to the brief.

use egui_kittest::kittest::Queryable as _;
use faultline::app::results::WhatIfThresholds;

use crate::window::{Window, settle};

fn harness(files: Vec<std::path::PathBuf>) -> Window {
    crate::window::open(files, egui::vec2(1500.0, 1100.0))
}

#[test]
fn fairness_across_sex_with_equalized_true_positive_rates() {
    let mut h = harness(vec![crate::repo("sample_data/adult_models.csv")]);
    settle(&mut h);
    h.get_by_label("Fairness").click();
    settle(&mut h);
    // No --sensitive: the first feature named like a protected attribute.
    assert_eq!(h.state().views.fairness.feature.as_deref(), Some("race"));

    // Pick sex in the sensitive-feature combo box.
    h.get_by_label("Sensitive feature").click();
    h.run_steps(2);
    h.get_by_label("sex").click();
    settle(&mut h);
    assert_eq!(h.state().views.fairness.feature.as_deref(), Some("sex"));
    let base = {
        let fair = h.state().results.fairness.value.clone().unwrap();
        let fair = fair.as_ref().clone().expect("logreg has predictions");
        assert_eq!(fair.column, "sex");
        assert_eq!(fair.groups.len(), 2);
        fair
    };
    assert!(h.get_all_by_label("demographic parity difference").count() >= 1);
    assert!(h.get_all_by_label("0.1774").count() >= 1);
    h.get_by_label("Equalize true positive rates");

    // One threshold for all, at the workspace's: the what-if is the figures as they are.
    let before = h.state().results.what_if.value.clone().unwrap();
    let before = before.as_ref().clone().unwrap();
    assert!(before.thresholds.iter().all(|&t| t == 0.5));
    let eod = "equal_opportunity_difference";
    assert_eq!(before.fairness.disparity(eod), base.disparity(eod));

    // Equalize the true positive rates: per-group thresholds, a smaller TPR gap.
    h.get_by_label("Equalize true positive rates").click();
    settle(&mut h);
    h.get_by_label_contains("Target true positive rate");
    let key = h.state().results.what_if.key.clone().unwrap();
    assert!(matches!(key.thresholds, WhatIfThresholds::EqualTpr(_)));
    let after = h.state().results.what_if.value.clone().unwrap();
    let after = after.as_ref().clone().unwrap();
    assert!(
        after.thresholds.iter().any(|&t| t != 0.5),
        "{:?}",
        after.thresholds
    );
    let (gap_before, gap_after) = (
        before.fairness.disparity(eod).unwrap(),
        after.fairness.disparity(eod).unwrap(),
    );
    assert!(gap_after < gap_before, "{gap_after} < {gap_before}");
    assert_ne!(after.accuracy, before.accuracy);

    // Pin the finding: the brief gets the groups' table and the what-if.
    h.get_by_label("Pin fairness to brief").click();
    settle(&mut h);
    let ws = h.state().workspace.as_ref().unwrap();
    let f = ws.brief.findings.last().expect("a pinned finding");
    assert!(
        f.title.starts_with("Fairness of logreg across sex"),
        "{}",
        f.title
    );
    assert!(f.note.contains("demographic parity difference: 0.1774 ["));
    assert!(f.note.contains("What if the groups used the thresholds"));
    let faultline::brief::Content::Table { header, rows } = &f.content else {
        panic!("a table");
    };
    assert_eq!(header[0], "sex");
    assert_eq!(rows.len(), 2);
}
