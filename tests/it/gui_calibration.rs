//! The window's calibration and cost figures on the Adult sample, driven through
//! the real views by their labels: the reliability curve's per-slice overlay, the
//! cost of errors with its cost-minimizing threshold (and using it), and the
//! search for over-confident slices in Failure clusters.

use egui_kittest::kittest::{NodeT as _, Queryable as _};

use crate::window::{Window, settle};

fn harness(files: Vec<std::path::PathBuf>) -> Window {
    crate::window::open(files, egui::vec2(1600.0, 2400.0))
}

#[test]
fn calibration_overlay_cost_and_overconfident_slices_through_the_window() {
    let mut h = harness(vec![crate::repo("sample_data/adult_models.csv")]);
    settle(&mut h);
    h.get_by_label("Calibration (reliability, 95% intervals per bin)");
    h.get_by_label_contains("logreg: ECE");

    // The per-slice overlay: the first scored model's curve per value of `sex`.
    h.get_by_label("Overlay slices by").click();
    h.run_steps(2);
    h.get_by_label("sex").click();
    settle(&mut h);
    h.get_by_label_contains("Calibration of logreg by sex");

    // Cost of errors: the optimum is shown and can be taken as the threshold.
    h.get_by_label("Cost of errors").click();
    settle(&mut h);
    let params = h.state().workspace.as_ref().unwrap().table.params.clone();
    assert_eq!(params.cost, Some((1.0, 1.0)));
    h.get_by_label_contains("logreg: expected cost per example");
    let use_it = h
        .get_all_by_label_contains("Use threshold")
        .next()
        .expect("a Use threshold button")
        .accesskit_node()
        .label()
        .unwrap_or_default();
    let t: f64 = use_it
        .trim_start_matches("Use threshold ")
        .parse()
        .expect("a threshold in the button");
    h.get_all_by_label_contains("Use threshold")
        .next()
        .expect("a Use threshold button")
        .click();
    settle(&mut h);
    let ws = h.state().workspace.as_ref().unwrap();
    assert!((ws.threshold - t).abs() < 1e-3, "{} vs {t}", ws.threshold);

    // Failure clusters: over-confident slices, shown as calibration gaps.
    h.get_by_label("Failure clusters").click();
    settle(&mut h);
    h.get_by_label("search").click();
    h.run_steps(2);
    h.get_by_label("over-confident slices (score above outcome)")
        .click();
    settle(&mut h);
    h.get_by_label("score - positive rate [95% CI]");
    h.get_by_label_contains("over-confidence of");
}

#[test]
fn a_ranking_evaluation_through_the_window() {
    let mut h = harness(vec![crate::repo("sample_data/ranking.csv")]);
    settle(&mut h);
    h.get_by_label_contains("Metrics on 2,900 queries");
    h.get_by_label_contains("100 queries without any relevant item");
    h.get_by_label("ndcg@10 per query");
    h.get_by_label("Compare").click();
    settle(&mut h);
    h.get_by_label("Queries by ndcg@10");
    h.get_by_label_contains("candidate is significantly better (sign-flip permutation p");
    h.get_by_label_contains("sign-flip permutation test, Benjamini-Hochberg q");
}
