//! The window under egui_kittest, shared by the GUI tests: open it on files and
//! step it until its background work is done.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use faultline::app::dialog::NoDialog;
use faultline::app::{FaultlineApp, LaunchOptions};

pub type Window = Harness<'static, FaultlineApp>;

/// The window of `size` on `files` (none: the bundled sample, as a new user sees it).
pub fn open(files: Vec<std::path::PathBuf>, size: egui::Vec2) -> Window {
    open_with(
        LaunchOptions {
            files,
            dialog: Box::new(NoDialog),
            ..Default::default()
        },
        size,
    )
}

/// The window of `size` with these launch options.
pub fn open_with(options: LaunchOptions, size: egui::Vec2) -> Window {
    Harness::builder()
        .with_size(size)
        .build_eframe(move |cc| FaultlineApp::new(cc, options))
}

/// Steps frames until no background work is left (and a few more to draw it).
pub fn settle(h: &mut Window) {
    let start = Instant::now();
    loop {
        h.step();
        if !h.state().is_busy() {
            h.step();
            h.step();
            if !h.state().is_busy() {
                return;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the app stayed busy"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A cohort applied on the Overview arrives with its overview: the cohort's job
/// computes it right after the mask (one hand-over to the frame, not two), and
/// the numbers are the engine's for that cohort.
#[test]
fn a_cohort_applied_on_the_overview_arrives_with_its_overview() {
    use faultline::app::Command;
    use faultline::app::tasks::TaskKind;
    use faultline::cohort::{Cohort, FilterGroup};
    let mut h = open(Vec::new(), egui::vec2(1400.0, 900.0));
    settle(&mut h);
    // Once idle after the first overview, the window has made what cohort
    // changes read (each sorted model's row positions in its score order).
    let table = &h.state().workspace.as_ref().expect("the sample").table;
    assert!(
        table
            .models
            .iter()
            .any(|m| m.score_order_cache.get().is_some())
    );
    assert!(table.cohort_changes_prepared());
    h.state_mut().command(Command::SetCohort(Cohort {
        name: "east".into(),
        filter: FilterGroup::equalities(&[("region".into(), "east".into())]),
    }));
    let start = Instant::now();
    loop {
        h.step();
        let app = h.state();
        let ws = app.workspace.as_ref().expect("the sample is open");
        if ws.pending_cohort.is_none() {
            // The frame that activates the cohort already shows its overview.
            assert!(app.results.overview.is_current(&ws.base_key()));
            assert!(!app.tasks.is_running(TaskKind::Overview));
            let shown = app.results.overview.value.as_ref().expect("an overview");
            let mask = ws.active.mask.as_deref().map(Vec::as_slice);
            assert!(mask.is_some_and(|m| m.iter().any(|&k| !k)));
            let engine = faultline::analysis::overview(&ws.table, mask, ws.threshold);
            assert_eq!(format!("{shown:?}"), format!("{engine:?}"));
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the cohort never applied"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A threshold moved in the window: the Overview's recount (from the rows the
/// overview kept by descending score) and the Slices view (from the table at
/// that threshold the views share) show the engine's numbers at that threshold.
#[test]
fn a_moved_threshold_shows_the_engine_s_numbers_on_the_overview_and_slices() {
    use faultline::app::Command;
    use faultline::cli::ViewName;
    let mut h = open(Vec::new(), egui::vec2(1400.0, 900.0));
    settle(&mut h);
    for t in [0.7, 0.35] {
        h.state_mut().command(Command::SetThreshold(t));
        settle(&mut h);
        let app = h.state();
        let ws = app.workspace.as_ref().expect("the sample is open");
        assert!(
            app.results.overview.is_current(&ws.base_key()),
            "threshold {t}"
        );
        let shown = app.results.overview.value.as_ref().expect("an overview");
        let engine = faultline::analysis::overview(&ws.table, None, t);
        assert_eq!(shown.metrics, engine.metrics, "threshold {t}");
        assert_eq!(shown.confusion, engine.confusion, "threshold {t}");
    }
    h.state_mut().command(Command::SetView(ViewName::Slices));
    settle(&mut h);
    let app = h.state();
    let ws = app.workspace.as_ref().expect("the sample is open");
    let key = app.results.slices.key.as_ref().expect("a slice table");
    assert_eq!(key.base, ws.base_key());
    let shown = app.results.slices.value.as_ref().expect("a slice table");
    let engine =
        faultline::analysis::slices(&ws.table, None, 0.35, &key.features, key.model, &key.metric);
    assert_eq!(shown.eval.overall, engine.eval.overall);
    assert_eq!(shown.eval.groups, engine.eval.groups);
    // At 0.35 the accuracy is not the file's own threshold's.
    let own = faultline::analysis::slices(
        &ws.table,
        None,
        ws.table.threshold,
        &key.features,
        key.model,
        &key.metric,
    );
    assert_ne!(shown.eval.overall, own.eval.overall);
}

/// A command's effect is asked for in the frame that applies it: opening a
/// view starts its job in that frame (egui draws the pass again with the new
/// view), not a frame later.
#[test]
fn a_view_opened_by_a_command_starts_its_job_in_the_same_frame() {
    use faultline::app::Command;
    use faultline::cli::ViewName;
    let mut h = open(Vec::new(), egui::vec2(1400.0, 900.0));
    settle(&mut h);
    assert!(!h.state().results.slices.is_busy());
    h.state_mut().command(Command::SetView(ViewName::Slices));
    h.step();
    let slices = &h.state().results.slices;
    assert!(
        slices.is_busy() || slices.value.is_some(),
        "the slice table was not asked for in the frame that opened the view"
    );
}

/// The window draws its first overview before the file's id and feature
/// columns are read (issue 15), then reads them in the background. Until the
/// features are decoded the Slices view says it is reading them; a cohort on
/// the id applied before that read waits for it in its job and keeps the one
/// row it names; and the features, once in, are the whole load's.
#[test]
fn the_id_and_features_come_after_the_first_overview_and_a_cohort_on_them_waits() {
    use faultline::app::Command;
    use faultline::cli::ViewName;
    use faultline::cohort::{Cohort, FilterGroup};
    let mut h = open(Vec::new(), egui::vec2(1400.0, 900.0));
    let start = Instant::now();
    while h.state().workspace.is_none() {
        h.step();
        assert!(start.elapsed() < Duration::from_secs(60), "never loaded");
        std::thread::sleep(Duration::from_millis(5));
    }
    {
        let ws = h.state().workspace.as_ref().expect("the sample");
        let deferred = ws.kept.deferred();
        assert!(deferred.iter().any(|c| c == "id"));
        assert!(deferred.iter().any(|c| c == "region"));
        assert!(
            !deferred
                .iter()
                .any(|c| c == "label" || c == "score_candidate")
        );
        assert_eq!(ws.table.id_column.as_deref(), Some("id"));
        assert!(ws.frame.column("id").is_err(), "the id is read later");
        assert!(ws.features_pending);
        assert!(ws.table.features.is_empty());
    }
    h.state_mut().command(Command::SetView(ViewName::Slices));
    h.step();
    h.get_by_label("Reading the feature columns…");
    h.state_mut().command(Command::SetCohort(Cohort {
        name: "one".into(),
        filter: FilterGroup::equalities(&[("id".into(), "c0000042".into())]),
    }));
    settle(&mut h);
    let ws = h.state().workspace.as_ref().expect("the sample");
    assert!(!ws.kept.is_pending());
    assert!(!ws.features_pending);
    assert_eq!(ws.cohort_error, None);
    assert_eq!(ws.active.rows, 1);
    // The frame the views draw now has every column, in the file's order.
    assert_eq!(ws.frame.get_column_names()[0].as_str(), "id");
    assert_eq!(ws.frame.width(), 14);
    let whole = faultline::load::load(
        &ws.path,
        &faultline::load::Mapping::default(),
        &Default::default(),
    )
    .expect("the sample loads");
    assert_eq!(
        format!("{:?}", ws.table.features),
        format!("{:?}", whole.table.features)
    );
    // The Slices view now slices by them.
    assert!(h.query_by_label("Reading the feature columns…").is_none());
    h.get_by_label("Slice by");
}

/// The window leaves a file's sha256 for a background job after the first
/// overview (issue 15); once idle, the table, the session and a brief name the
/// data by the file's own hash.
#[test]
fn the_files_hash_is_taken_in_the_background_and_names_the_data() {
    let mut h = open(Vec::new(), egui::vec2(1400.0, 900.0));
    settle(&mut h);
    let ws = h.state().workspace.as_ref().expect("the sample");
    let hash = &ws.table.dataset.sha256;
    assert!(hash.is_taken(), "taken once the window is idle");
    let want = faultline::load::read::sha256_file(&ws.path).expect("the sample's hash");
    assert_eq!(hash.get(), want);
    assert_eq!(ws.input_hashes(), std::slice::from_ref(&want));
    let session = ws.to_session();
    assert_eq!(session.datasets[0].sha256, want);
}
