//! The window under egui_kittest, shared by the GUI tests: open it on files and
//! step it until its background work is done.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
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
