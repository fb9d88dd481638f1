//! Writing things out from the window: where to save (the system's save dialog, or
//! a typed path where there is no portal), charts as SVG or PNG or on the
//! clipboard (a PNG is the chart's part of a screenshot of the window), and the
//! brief. Every write runs as a task.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use super::FaultlineApp;
use super::commands::ChartTarget;
use super::tasks::{Done, TaskKind};
use crate::brief::Chart;
use crate::brief::render::BriefFormat;

/// Something waiting for the path it is saved to.
pub enum SaveKind {
    Session,
    Brief(BriefFormat),
    ChartSvg(Box<Chart>),
    ChartPng(Arc<egui::ColorImage>),
}

impl SaveKind {
    fn what(&self) -> (&'static str, &'static [&'static str]) {
        match self {
            SaveKind::Session => ("faultline session", &["faultline"]),
            SaveKind::Brief(BriefFormat::Md) => ("brief (Markdown)", &["md"]),
            SaveKind::Brief(BriefFormat::Html) => ("brief (HTML)", &["html"]),
            SaveKind::Brief(BriefFormat::Json) => ("brief (JSON)", &["json"]),
            SaveKind::ChartSvg(_) => ("chart (SVG)", &["svg"]),
            SaveKind::ChartPng(_) => ("chart (PNG)", &["png"]),
        }
    }
}

/// A typed path being written (no portal).
pub struct SaveBox {
    pub text: String,
    pub kind: SaveKind,
}

/// A chart whose pixels are on their way from a screenshot of the window.
pub struct PendingShot {
    rect: egui::Rect,
    pixels_per_point: f32,
    target: ChartTarget,
    title: String,
    rx: Receiver<Arc<egui::ColorImage>>,
}

/// A file name from a chart title.
fn file_stem(title: &str) -> String {
    let s: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "chart".into()
    } else {
        s.chars().take(60).collect()
    }
}

impl FaultlineApp {
    /// Asks where to save (dialog, or a typed path without a portal), then saves.
    pub(super) fn save_to(&mut self, kind: SaveKind, default: PathBuf) {
        if self.dialog.available() {
            let (what, exts) = kind.what();
            if let Some(path) = self.dialog.save_file(what, &default, exts) {
                self.save_now(kind, path);
            }
        } else {
            self.dialogs.save = Some(SaveBox {
                text: default.display().to_string(),
                kind,
            });
        }
    }

    pub(super) fn save_now(&mut self, kind: SaveKind, path: PathBuf) {
        match kind {
            SaveKind::Session => self.save_session(Some(path)),
            SaveKind::Brief(f) => self.start_export(path, Some(f)),
            SaveKind::ChartSvg(chart) => {
                let svg = crate::brief::svg::chart_svg(&chart);
                self.write_file(path, svg.into_bytes());
            }
            SaveKind::ChartPng(img) => {
                let p = path.clone();
                self.tasks.start(
                    TaskKind::Export,
                    format!("Saving {}", path.display()),
                    move |_| {
                        let r = write_png(&p, &img).map(|()| vec![p.clone()]).map_err(|e| {
                            crate::Error::Write {
                                what: p.display().to_string(),
                                source: std::io::Error::other(e.to_string()),
                            }
                        });
                        Done::Export(r)
                    },
                );
            }
        }
    }

    fn write_file(&mut self, path: PathBuf, bytes: Vec<u8>) {
        self.tasks.start(
            TaskKind::Export,
            format!("Saving {}", path.display()),
            move |_| {
                let r = crate::atomic::write_atomic(&path, &bytes)
                    .map(|()| vec![path.clone()])
                    .map_err(|source| crate::Error::Write {
                        what: path.display().to_string(),
                        source,
                    });
                Done::Export(r)
            },
        );
    }

    /// A chart to the clipboard, a PNG or an SVG file.
    pub(super) fn export_chart(
        &mut self,
        chart: Chart,
        rect: egui::Rect,
        target: ChartTarget,
        ctx: &egui::Context,
    ) {
        let default = self
            .workspace
            .as_ref()
            .and_then(|w| w.path.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        match target {
            ChartTarget::Svg => {
                let name = format!("{}.svg", file_stem(&chart.title));
                self.save_to(SaveKind::ChartSvg(Box::new(chart)), default.join(name));
            }
            ChartTarget::Png | ChartTarget::Clipboard => {
                let (tx, rx) = channel();
                ctx.request_screenshot(move |img: Arc<egui::ColorImage>| {
                    // The receiver waits for it; if the app is gone, so is the need.
                    tx.send(img).ok();
                });
                self.shots.push(PendingShot {
                    rect,
                    pixels_per_point: ctx.pixels_per_point(),
                    target,
                    title: chart.title,
                    rx,
                });
                ctx.request_repaint();
            }
        }
    }

    /// Takes the screenshots that arrived: crops each to its chart, then copies or
    /// saves it.
    pub(super) fn poll_shots(&mut self, ctx: &egui::Context) {
        let mut done = Vec::new();
        self.shots.retain(|s| match s.rx.try_recv() {
            Ok(img) => {
                let part = img.region(&s.rect, Some(s.pixels_per_point));
                done.push((s.target, s.title.clone(), part));
                false
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => true,
            Err(_) => false,
        });
        if !self.shots.is_empty() {
            ctx.request_repaint();
        }
        for (target, title, img) in done {
            match target {
                ChartTarget::Clipboard => {
                    ctx.copy_image(img);
                    self.notices
                        .info(format!("Copied the chart {title:?} as an image"));
                }
                _ => {
                    let default = self
                        .workspace
                        .as_ref()
                        .and_then(|w| w.path.parent().map(Path::to_path_buf))
                        .unwrap_or_default()
                        .join(format!("{}.png", file_stem(&title)));
                    self.save_to(SaveKind::ChartPng(Arc::new(img)), default);
                }
            }
        }
    }

    /// The typed-path box for a pending save (machines without a portal).
    pub(super) fn save_box_ui(&mut self, ctx: &egui::Context) {
        let Some(b) = &mut self.dialogs.save else {
            return;
        };
        let (what, _) = b.kind.what();
        let mut text = Some(std::mem::take(&mut b.text));
        let go = super::session_io::path_box_ui(
            ctx,
            &format!("Save {what}"),
            "Path:",
            "Save",
            &mut text,
        );
        match (go, text) {
            (Some(path), _) => {
                if let Some(b) = self.dialogs.save.take() {
                    self.save_now(b.kind, path);
                }
            }
            (None, Some(t)) => {
                if let Some(b) = &mut self.dialogs.save {
                    b.text = t;
                }
            }
            (None, None) => self.dialogs.save = None,
        }
    }
}

/// An image as a PNG file.
pub fn write_png(path: &Path, img: &egui::ColorImage) -> anyhow::Result<()> {
    let [w, h] = img.size;
    let mut rgba = Vec::with_capacity(w * h * 4);
    for p in &img.pixels {
        rgba.extend_from_slice(&p.to_array());
    }
    let mut bytes = Vec::new();
    image::write_buffer_with_format(
        &mut std::io::Cursor::new(&mut bytes),
        &rgba,
        w as u32,
        h as u32,
        image::ColorType::Rgba8,
        image::ImageFormat::Png,
    )?;
    crate::atomic::write_atomic(path, &bytes)?;
    Ok(())
}
