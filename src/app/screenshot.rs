//! `--screenshot OUT.png`: once the data is loaded and every view's numbers are in,
//! capture the real window, write the PNG and close.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

pub struct Screenshot {
    path: PathBuf,
    ready_frames: u32,
    rx: Option<Receiver<Arc<egui::ColorImage>>>,
}

/// Frames to draw after everything is computed, so layout and plots settle.
const SETTLE_FRAMES: u32 = 5;

impl Screenshot {
    pub fn new(path: PathBuf) -> Screenshot {
        Screenshot {
            path,
            ready_frames: 0,
            rx: None,
        }
    }

    /// Called at the end of every frame.
    pub fn step(&mut self, ctx: &egui::Context, ready: bool, failed: bool) {
        ctx.request_repaint();
        if failed {
            eprintln!("faultline: nothing to screenshot: the file did not load");
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if let Some(rx) = &self.rx {
            if let Ok(img) = rx.try_recv() {
                if let Err(e) = write_png(&self.path, &img) {
                    eprintln!("faultline: cannot write {}: {e}", self.path.display());
                }
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            return;
        }
        if !ready {
            self.ready_frames = 0;
            return;
        }
        self.ready_frames += 1;
        if self.ready_frames >= SETTLE_FRAMES {
            let (tx, rx) = channel();
            ctx.request_screenshot(move |img: Arc<egui::ColorImage>| {
                let _ = tx.send(img);
            });
            self.rx = Some(rx);
        }
    }
}

fn write_png(path: &PathBuf, img: &egui::ColorImage) -> anyhow::Result<()> {
    let [w, h] = img.size;
    let mut rgba = Vec::with_capacity(w * h * 4);
    for p in &img.pixels {
        rgba.extend_from_slice(&p.to_array());
    }
    image::save_buffer(path, &rgba, w as u32, h as u32, image::ColorType::Rgba8)?;
    Ok(())
}
