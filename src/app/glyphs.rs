//! The font atlas filled in the window's first frames. egui rasterizes a glyph
//! the first time it is drawn at a size (and quarter-pixel offset), and its
//! atlas starts 32 pixels high and doubles when full, each time sending the
//! whole atlas again. Left to the views, that happened in the frame that first
//! showed an overview: at 10M rows that frame took 11-17 ms of app time in the
//! real window (~12 ms of one harness frame was the kernel zeroing the pages
//! of the atlas's new copies), while the jobs after it ran. Filled here a few
//! milliseconds a frame, the atlas grows while the first file loads, and a
//! view's first frame only draws.

use std::time::{Duration, Instant};

/// Characters the views' own labels draw beyond printable ASCII (ellipses,
/// separators, arrows, signs).
const BEYOND_ASCII: &str = "…·×→≥−•—Δé";

/// Work a frame gives the atlas: a frame stays well under 16 ms.
const FRAME_BUDGET: Duration = Duration::from_millis(2);

/// Sizes the views set by hand, beside the style's text styles: the charts'
/// axis and legend text and the overview's model names.
fn own_fonts() -> [egui::FontId; 4] {
    [
        egui::FontId::proportional(11.0),
        egui::FontId::proportional(12.0),
        egui::FontId::proportional(16.0),
        egui::FontId::monospace(11.0),
    ]
}

/// Pieces (at most) the characters are laid out in: a piece's glyphs take a few
/// milliseconds to rasterize (a whole font's took up to 17).
const PIECES: usize = 16;

/// How far the atlas is filled: the next (font, quarter-pixel offset, piece of
/// the characters) to lay out.
#[derive(Debug, Default)]
pub struct AtlasFill {
    next: usize,
    done: bool,
}

impl AtlasFill {
    /// Lays out the next pieces for [`FRAME_BUDGET`]; asks for another frame
    /// until every font is laid out.
    pub fn step(&mut self, ctx: &egui::Context) {
        if self.done {
            return;
        }
        let started = Instant::now();
        let mut fonts: Vec<egui::FontId> =
            ctx.global_style().text_styles.values().cloned().collect();
        fonts.extend(own_fonts());
        let chars: Vec<char> = (' '..='~').chain(BEYOND_ASCII.chars()).collect();
        let pieces: Vec<&[char]> = chars.chunks(chars.len().div_ceil(PIECES)).collect();
        let quarter_pixel = 0.25 / ctx.pixels_per_point();
        ctx.fonts_mut(|f| {
            while let Some(font) = fonts.get(self.next / (4 * pieces.len())) {
                let quarter = ((self.next / pieces.len()) % 4) as f32;
                let piece = pieces[self.next % pieces.len()];
                lay_out(f, font, piece, quarter * quarter_pixel);
                self.next += 1;
                if started.elapsed() >= FRAME_BUDGET {
                    break;
                }
            }
        });
        self.done = self.next >= fonts.len() * 4 * pieces.len();
        if !self.done {
            ctx.request_repaint();
        }
    }

    /// Whether every font is laid out (the fill then costs nothing a frame).
    pub fn is_done(&self) -> bool {
        self.done
    }
}

/// `chars` in `font`, shifted right by `offset` points. Characters the font
/// lacks are left out: a window may be set to refuse them.
fn lay_out(f: &mut egui::epaint::FontsView<'_>, font: &egui::FontId, chars: &[char], offset: f32) {
    let text: String = chars.iter().filter(|&&c| f.has_glyph(font, c)).collect();
    let mut job = egui::text::LayoutJob::default();
    job.append(
        &text,
        offset,
        egui::TextFormat::simple(font.clone(), egui::Color32::WHITE),
    );
    f.layout_job(job);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pass of `ctx` running `ui`: whether it changed the font texture
    /// (its changes are then dropped: there is no painter here).
    fn pass(ctx: &egui::Context, ui: impl FnMut(&mut egui::Ui)) -> bool {
        let mut delta = ctx.run_ui(egui::RawInput::default(), ui).textures_delta;
        let changed = !delta.set.is_empty();
        delta.clear();
        changed
    }

    /// Whether laying out numbers and labels as the views draw them, at
    /// several sub-pixel offsets, rasterizes glyphs.
    fn drawing_adds_glyphs(ctx: &egui::Context) -> bool {
        pass(ctx, |ui| {
            let body = ui.style().text_styles[&egui::TextStyle::Body].clone();
            ui.ctx().fonts_mut(|f| {
                for (i, font) in [body, egui::FontId::monospace(11.0)].iter().enumerate() {
                    for step in 0..8 {
                        let mut job = egui::text::LayoutJob::default();
                        job.append(
                            "accuracy 0.8731 [0.8712, 0.8750] · Δ −0.0123 … n = 1,000,000",
                            (i * 8 + step) as f32 * 0.13,
                            egui::TextFormat::simple(font.clone(), egui::Color32::WHITE),
                        );
                        f.layout_job(job);
                    }
                }
            });
        })
    }

    #[test]
    fn once_filled_the_atlas_holds_every_glyph_the_views_draw() {
        let ctx = egui::Context::default();
        let mut fill = AtlasFill::default();
        let mut frames = 0;
        while !fill.is_done() {
            pass(&ctx, |ui| fill.step(ui.ctx()));
            frames += 1;
            assert!(frames < 1000, "the fill never ends");
        }
        assert!(!drawing_adds_glyphs(&ctx), "the fill left glyphs out");

        // Without the fill, the same drawing adds glyphs (so the check above
        // can fail).
        let ctx = egui::Context::default();
        pass(&ctx, |_| {});
        assert!(drawing_adds_glyphs(&ctx));
    }
}
