//! `FAULTLINE_FRAME_TIMES=1`: every frame's time in the real window, printed to standard
//! error, for measuring frames outside the headless harness of
//! `benches/gui_latency.rs` (which also builds and reads an accessibility tree
//! every frame, as a window does only for a screen reader).

use std::time::Instant;

use super::tasks::Tasks;

/// The clock of the frame being drawn, and the last frame's figures, printed
/// when the next frame starts (once eframe has measured the whole frame).
#[derive(Default)]
pub struct FrameTimes {
    frame: u64,
    started: Option<Instant>,
    /// The last frame's app time (ms) and the jobs running during it.
    last: Option<(f64, String)>,
}

impl FrameTimes {
    /// A frame starts (the app's first call in it); `previous_whole` is eframe's
    /// measure of the previous frame (the app, tessellation and painting,
    /// without waiting for the display), printed with that frame's app time.
    pub fn begin(&mut self, previous_whole: Option<f32>) {
        if let Some((app_ms, jobs)) = self.last.take() {
            let whole = previous_whole.map_or_else(
                || "-".to_owned(),
                |s| format!("{:.2} ms", f64::from(s) * 1e3),
            );
            eprintln!(
                "frame {}: app {app_ms:.2} ms, whole {whole}, jobs: {jobs}",
                self.frame
            );
            self.frame += 1;
        }
        self.started = Some(Instant::now());
    }

    /// The frame's app code is done (called again if egui runs the pass again:
    /// the later call's time covers both).
    pub fn end(&mut self, tasks: &Tasks) {
        let Some(started) = self.started else {
            return;
        };
        let jobs: Vec<&str> = tasks.iter().map(|t| t.label.as_str()).collect();
        let jobs = if jobs.is_empty() {
            "none".to_owned()
        } else {
            jobs.join(", ")
        };
        self.last = Some((started.elapsed().as_secs_f64() * 1e3, jobs));
    }
}
