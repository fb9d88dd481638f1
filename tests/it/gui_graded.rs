//! The window on a graded LLM evaluation (the bundled `llm_eval.jsonl`), driven
//! through the real views by their labels: the graded overview with pass@k and
//! clustered intervals, the review queue in Compare (reviewed marks saved in the
//! session), the response diff in the inspector, and text descriptors.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use faultline::app::dialog::NoDialog;
use faultline::app::{Command, FaultlineApp, LaunchOptions};

use crate::window::{Window, settle};

fn harness(files: Vec<std::path::PathBuf>) -> Window {
    crate::window::open(files, egui::vec2(1600.0, 1100.0))
}

#[test]
fn a_graded_evaluation_through_the_window() {
    let mut h = harness(vec![crate::repo("sample_data/llm_eval.jsonl")]);
    settle(&mut h);
    h.get_by_label("graded · 600 rows");
    h.get_by_label_contains("Metrics on 600 examples");
    h.get_by_label("By category");
    h.get_by_label("Judge against human verdicts");

    // pass@k on: the table's parameter and the cards follow.
    h.get_by_label("pass@k").click();
    settle(&mut h);
    assert_eq!(
        h.state().workspace.as_ref().unwrap().table.params.k,
        Some(2)
    );
    assert!(h.get_all_by_label("pass_at_k").count() >= 2);

    // Cluster the intervals by template through the combo box.
    h.get_by_label("Cluster intervals by").click();
    h.run_steps(2);
    h.get_by_label("template").click();
    settle(&mut h);
    let ws = h.state().workspace.as_ref().unwrap();
    assert_eq!(ws.table.cluster_column.as_deref(), Some("template"));
    assert_eq!(ws.table.params.k, Some(2), "pass@k survives the re-decode");
    h.get_by_label_contains("95% intervals, clustered");

    // Compare: the review queue lists candidate-worse examples; mark one reviewed.
    h.get_by_label("Compare").click();
    settle(&mut h);
    h.get_by_label_contains("Review queue:");
    let queue = h
        .state()
        .results
        .comparison
        .value
        .as_ref()
        .unwrap()
        .review
        .clone();
    assert!(!queue.is_empty());
    // The queue is ordered by score drop, largest first.
    assert!(queue.windows(2).all(|w| w[0].drop <= w[1].drop));
    h.get_all_by_label("reviewed").next().unwrap().click();
    settle(&mut h);
    let first_key = {
        let ws = h.state().workspace.as_ref().unwrap();
        ws.table.row_index[queue[0].row as usize] + 1
    };
    assert!(
        h.state()
            .workspace
            .as_ref()
            .unwrap()
            .reviewed
            .contains(&first_key)
    );

    // Open the first queued example: the inspector diffs the two responses.
    h.get_by_label(&format!("#{}", queue[0].row + 1)).click();
    settle(&mut h);
    h.get_by_label("Responses");
    assert_eq!(h.state().views.examples.selected, Some(queue[0].row));
    h.get_by_label("ignore whitespace").click();
    settle(&mut h);
    assert!(h.state().views.examples.diff.ignore_whitespace);
    h.get_by_label("each against the reference").click();
    settle(&mut h);
    h.get_by_label("Reference");

    // The reviewed mark and pass@k are saved in the session and come back.
    let dir = crate::scratch("gui-graded-session");
    let session = dir.join("review.faultline");
    h.state_mut()
        .command(Command::SaveSessionTo(session.clone()));
    settle(&mut h);
    let text = std::fs::read_to_string(&session).unwrap();
    assert!(text.contains("\"reviewed\""), "{text}");
    let mut h2 = Harness::builder()
        .with_size(egui::vec2(1600.0, 1100.0))
        .build_eframe(|cc| {
            FaultlineApp::new(
                cc,
                LaunchOptions {
                    open_sample: false,
                    dialog: Box::new(NoDialog),
                    ..Default::default()
                },
            )
        });
    h2.state_mut().command(Command::OpenSession(session));
    settle(&mut h2);
    let ws = h2.state().workspace.as_ref().expect("the session opens");
    assert!(ws.reviewed.contains(&first_key));
    assert_eq!(ws.table.params.k, Some(2));
    assert_eq!(ws.table.cluster_column.as_deref(), Some("template"));
}

#[test]
fn long_responses_stay_searchable_and_descriptors_slice_text() {
    let mut h = harness(vec![crate::repo("sample_data/llm_eval.jsonl")]);
    settle(&mut h);
    // A word from deep inside the longest response: the search finds its row.
    let (word, row) = {
        let ws = h.state().workspace.as_ref().unwrap();
        let col = ws.frame.get_column_index("response_candidate").unwrap();
        let (len, row) = (0..ws.frame.height())
            .map(|r| {
                (
                    faultline::examples::cell_text(&ws.frame, col, r)
                        .chars()
                        .count(),
                    r,
                )
            })
            .max()
            .unwrap();
        assert!(len >= 5_000, "the sample has a long response ({len} chars)");
        let text = faultline::examples::cell_text(&ws.frame, col, row);
        let tail: String = text.chars().skip(len - 60).collect();
        let word = tail
            .split_whitespace()
            .rfind(|w| w.chars().all(char::is_alphanumeric) && w.len() > 4)
            .unwrap_or("the")
            .to_string();
        (word, row)
    };
    h.get_by_label("Examples").click();
    settle(&mut h);
    h.state_mut().views.examples.search = word.clone();
    settle(&mut h);
    let found = h.state().results.examples.value.as_ref().unwrap().clone();
    let ws = h.state().workspace.as_ref().unwrap();
    assert!(
        found
            .iter()
            .any(|&r| ws.table.row_index[r as usize] as usize == row),
        "searching {word:?} finds row {row}"
    );

    // A descriptor added in the Mapping view becomes a feature.
    let mut m = ws.mapping.clone();
    m.describe = vec![("asks_time".into(), "prompt".into(), "(?i)\\btime\\b".into())];
    h.state_mut().command(Command::ApplyMapping(m));
    settle(&mut h);
    let ws = h.state().workspace.as_ref().unwrap();
    assert!(ws.table.features.iter().any(|f| f.name == "asks_time"));
    assert!(ws.table.features.iter().any(|f| f.name == "len(prompt)"));
}
