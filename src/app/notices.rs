//! Messages for the user at the bottom right: information fades after a few
//! seconds, errors stay until dismissed. Each error is also logged once to stderr.

use std::time::{Duration, Instant};

/// One message.
pub struct Notice {
    pub text: String,
    pub error: bool,
    pub at: Instant,
}

/// The messages on screen.
#[derive(Default)]
pub struct Notices {
    pub list: Vec<Notice>,
}

/// How long information stays.
const FADE: Duration = Duration::from_secs(8);

impl Notices {
    pub fn info(&mut self, text: impl Into<String>) {
        self.push(text.into(), false);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        eprintln!("faultline: {text}");
        self.push(text, true);
    }

    fn push(&mut self, text: String, error: bool) {
        self.list.push(Notice {
            text,
            error,
            at: Instant::now(),
        });
    }

    /// True if an error with this text is on screen (tests).
    pub fn has_error(&self, contains: &str) -> bool {
        self.list
            .iter()
            .any(|n| n.error && n.text.contains(contains))
    }

    pub fn notices_ui(&mut self, ctx: &egui::Context) {
        self.list.retain(|n| n.error || n.at.elapsed() < FADE);
        if self.list.is_empty() {
            return;
        }
        let mut dismiss = None;
        egui::Area::new(egui::Id::unique("faultline-notices"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -12.0))
            .show(ctx, |ui| {
                for (i, n) in self.list.iter().enumerate() {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width(460.0);
                        ui.horizontal(|ui| {
                            let color = if n.error {
                                ui.visuals().error_fg_color
                            } else {
                                ui.visuals().text_color()
                            };
                            ui.add(
                                egui::Label::new(egui::RichText::new(&n.text).color(color)).wrap(),
                            );
                            if ui.small_button("Dismiss").clicked() {
                                dismiss = Some(i);
                            }
                        });
                    });
                }
            });
        if let Some(i) = dismiss {
            self.list.remove(i);
        }
    }
}
