//! `--screenshot OUT.png`: once the data is loaded and every view's numbers are in,
//! capture the real window, write the PNG (in the background, as a task) and close.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use super::FaultlineApp;
use super::tasks::{Done, TaskKind};
use crate::cli::ViewName;

pub struct Screenshot {
    path: PathBuf,
    ready_frames: u32,
    rx: Option<Receiver<Arc<egui::ColorImage>>>,
    /// The example inspector was opened on the first row (Examples view).
    selected_example: bool,
    /// The PNG was written (or failed): close the window.
    pub written: bool,
}

/// Frames to draw after everything is computed, so layout and plots settle.
const SETTLE_FRAMES: u32 = 5;

impl Screenshot {
    /// `select_first`: open the inspector on the first row (when no row was asked for).
    pub fn new(path: PathBuf, select_first: bool) -> Screenshot {
        Screenshot {
            path,
            ready_frames: 0,
            rx: None,
            selected_example: !select_first,
            written: false,
        }
    }
}

impl FaultlineApp {
    /// Called at the end of every frame while a screenshot is wanted.
    pub(super) fn screenshot_step(&mut self, ctx: &egui::Context) {
        let loading = self.is_loading() || self.tasks.is_running(TaskKind::Session);
        let shown = self.has_data() || self.open_form.is_some();
        let ready = shown && !self.is_busy();
        let failed = !shown && !loading && self.commands.is_empty();
        // A screenshot of the Examples view shows the inspector on the first row.
        let first_row = (self.view == ViewName::Examples)
            .then(|| self.results.examples.value.as_ref()?.first().copied())
            .flatten();
        let Some(shot) = &mut self.screenshot else {
            return;
        };
        ctx.request_repaint();
        if shot.written {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if failed {
            eprintln!("faultline: nothing to screenshot: the file did not load");
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if let Some(r) = first_row
            && !shot.selected_example
        {
            shot.selected_example = true;
            self.commands.push(super::Command::SelectExample(r));
            return;
        }
        if let Some(rx) = &shot.rx {
            if let Ok(img) = rx.try_recv() {
                let path = shot.path.clone();
                shot.rx = None;
                self.tasks
                    .start(TaskKind::Screenshot, "Writing the screenshot", move |_| {
                        let r = super::exports::write_png(&path, &img).map_err(|e| e.to_string());
                        Done::Screenshot(path, r)
                    });
            }
            return;
        }
        if self.tasks.is_running(TaskKind::Screenshot) {
            return;
        }
        if !ready {
            shot.ready_frames = 0;
            return;
        }
        shot.ready_frames += 1;
        if shot.ready_frames >= SETTLE_FRAMES {
            let (tx, rx) = channel();
            ctx.request_screenshot(move |img: Arc<egui::ColorImage>| {
                // The receiver lives until the image arrives.
                tx.send(img).ok();
            });
            shot.rx = Some(rx);
        }
    }
}
