//! The font atlas filled once, in the window's first frame. egui rasterizes a
//! glyph the first time it is drawn at a size, and its atlas starts 32 pixels
//! high and doubles when full, each time sending the whole atlas again. Left to
//! the views, that happened in the frame that first showed an overview: at 10M
//! rows that frame took 17-31 ms (~12 ms of it the kernel zeroing the pages of
//! the atlas's new copies), while the jobs after it ran. Laid out here, the
//! atlas grows to its size before any data is shown, and a view's first frame
//! only draws.

/// Characters the views' own labels draw beyond printable ASCII (ellipses,
/// separators, arrows, signs).
const BEYOND_ASCII: &str = "…·×→≥−•—Δé";

/// Sizes the views set by hand, beside the style's text styles: the charts'
/// axis and legend text and the overview's model names.
fn own_fonts() -> [egui::FontId; 3] {
    [
        egui::FontId::proportional(11.0),
        egui::FontId::proportional(12.0),
        egui::FontId::proportional(16.0),
    ]
}

/// Lays out every character the views draw in every font they draw with, so
/// that their glyphs are in the atlas: four times, a quarter of a pixel further
/// right each time, as egui rasterizes a glyph at the quarter-pixel offset it
/// falls on. Characters a font lacks are left out: a window may be set to
/// refuse them.
pub fn fill_atlas(ctx: &egui::Context) {
    let chars: Vec<char> = (' '..='~').chain(BEYOND_ASCII.chars()).collect();
    let mut fonts: Vec<egui::FontId> = ctx.global_style().text_styles.values().cloned().collect();
    fonts.extend(own_fonts());
    fonts.push(egui::FontId::monospace(11.0));
    let quarter_pixel = 0.25 / ctx.pixels_per_point();
    ctx.fonts_mut(|f| {
        for font in fonts {
            let text: String = chars.iter().filter(|&&c| f.has_glyph(&font, c)).collect();
            let format = egui::TextFormat::simple(font, egui::Color32::WHITE);
            for quarter in 0..4u8 {
                let mut job = egui::text::LayoutJob::default();
                job.append(&text, f32::from(quarter) * quarter_pixel, format.clone());
                f.layout_job(job);
            }
        }
    });
}
