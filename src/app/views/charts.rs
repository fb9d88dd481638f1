//! Drawing the engine's [`Chart`]s with egui_plot (lines, histograms, bars and
//! forest plots with whiskers, a heatmap with its legend), each with a right-click
//! menu: copy as an image, save as PNG or SVG, copy its data, pin it to the brief.
//! And the copy menu every table has (tab-separated text or Markdown).

use egui_plot::{Bar as PlotBar, BarChart, GridMark, Legend, Line, Plot, Points, VLine};

use super::ViewCtx;
use crate::app::commands::{ChartTarget, Command};
use crate::brief::chart::{Chart, Tone, diverging_rgb};

/// A series colour (the same order as the SVG's).
pub fn series_color(i: usize) -> egui::Color32 {
    super::model_color(i)
}

const BAD: egui::Color32 = egui::Color32::from_rgb(220, 38, 38);
const GOOD: egui::Color32 = egui::Color32::from_rgb(22, 163, 74);

fn tone(t: Tone, base: egui::Color32) -> egui::Color32 {
    match t {
        Tone::Bad => BAD,
        Tone::Good => GOOD,
        Tone::Neutral => base,
    }
}

/// What a click on a chart hit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Clicked {
    /// A bar's or a forest row's category.
    pub category: Option<usize>,
    /// A heatmap cell `(row, column)`.
    pub cell: Option<(usize, usize)>,
}

/// Draws `chart` in a `width` × `height` area; right-click for its menu. Returns
/// what a click hit.
pub fn chart_ui(
    ui: &mut egui::Ui,
    id: &str,
    chart: &Chart,
    width: f32,
    height: f32,
    cx: &mut ViewCtx<'_>,
) -> Clicked {
    let (response, clicked) = if chart.heat.is_some() {
        heat_ui(ui, chart, width)
    } else if !chart.bars.is_empty() {
        bars_ui(ui, id, chart, width)
    } else {
        (lines_ui(ui, id, chart, width, height), Clicked::default())
    };
    let rect = response.rect;
    response.context_menu(|ui| {
        chart_menu_ui(ui, chart, rect, cx);
    });
    clicked
}

/// A chart's right-click menu: copy or save the image, copy the data, pin it.
pub fn chart_menu_ui(ui: &mut egui::Ui, chart: &Chart, rect: egui::Rect, cx: &mut ViewCtx<'_>) {
    let mut send = |target: ChartTarget| {
        cx.send(Command::ExportChart {
            chart: Box::new(chart.clone()),
            rect,
            target,
        });
    };
    if ui.button("Copy as image").clicked() {
        send(ChartTarget::Clipboard);
        ui.close();
    }
    if ui.button("Save as PNG…").clicked() {
        send(ChartTarget::Png);
        ui.close();
    }
    if ui.button("Save as SVG…").clicked() {
        send(ChartTarget::Svg);
        ui.close();
    }
    ui.separator();
    let (header, rows) = chart.table();
    if ui.button("Copy data as tab-separated text").clicked() {
        cx.send(Command::Copy(crate::format::to_tsv(&header, &rows)));
        ui.close();
    }
    if ui.button("Pin chart to brief").clicked() {
        let f = crate::brief::findings::chart(chart.clone(), &cx.scope());
        cx.send(Command::Pin(Box::new(f)));
        ui.close();
    }
}

fn base_plot<'a>(id: &'a str, chart: &Chart, width: f32, height: f32) -> Plot<'a> {
    Plot::new(id)
        .width(width)
        .height(height)
        .legend(Legend::default())
        .x_axis_label(chart.x_label.clone())
        .y_axis_label(chart.y_label.clone())
        .allow_scroll(false)
}

fn lines_ui(ui: &mut egui::Ui, id: &str, chart: &Chart, width: f32, height: f32) -> egui::Response {
    ui.vertical(|ui| {
        ui.strong(&chart.title);
        let mut plot = base_plot(id, chart, width, height);
        if chart.diagonal {
            plot = plot
                .include_x(0.0)
                .include_x(1.0)
                .include_y(0.0)
                .include_y(1.0);
        }
        if chart.bin_width.is_some() {
            plot = plot.include_y(0.0);
        }
        if chart.points {
            plot = plot.data_aspect(1.0);
        }
        plot.show(ui, |p| {
            if chart.diagonal {
                let (lo, hi) = if chart.points {
                    chart
                        .series
                        .iter()
                        .flat_map(|(_, pts)| pts)
                        .fold((f64::MAX, f64::MIN), |(a, b), q| (a.min(q[0]), b.max(q[0])))
                } else {
                    (0.0, 1.0)
                };
                if lo < hi {
                    p.line(Line::new("y = x", vec![[lo, lo], [hi, hi]]).color(egui::Color32::GRAY));
                }
            }
            if let Some((label, r)) = &chart.reference {
                p.hline(egui_plot::HLine::new(label.clone(), *r).color(egui::Color32::GRAY));
            }
            for (i, (name, pts)) in chart.series.iter().enumerate() {
                let color = series_color(i);
                if chart.points {
                    p.points(
                        Points::new(name.clone(), pts.clone())
                            .radius(1.5)
                            .color(color),
                    );
                    continue;
                }
                match chart.bin_width {
                    Some(w) => {
                        let bars = pts
                            .iter()
                            .map(|pt| {
                                PlotBar::new(pt[0], pt[1])
                                    .width(w)
                                    .fill(color.gamma_multiply(0.5))
                            })
                            .collect();
                        p.bar_chart(BarChart::new(name.clone(), bars).color(color));
                    }
                    None => p.line(Line::new(name.clone(), pts.clone()).color(color)),
                }
            }
            for (i, whiskers) in &chart.intervals {
                let (Some((name, _)), color) = (chart.series.get(*i), series_color(*i)) else {
                    continue;
                };
                for w in whiskers {
                    p.line(Line::new(name.clone(), vec![[w[0], w[1]], [w[0], w[2]]]).color(color));
                }
            }
            for (label, x) in &chart.markers {
                p.vline(
                    VLine::new(label.clone(), *x)
                        .color(ui_text_color())
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        })
        .response
    })
    .inner
}

fn ui_text_color() -> egui::Color32 {
    egui::Color32::from_gray(90)
}

/// Bars or a forest plot, categories down the side (their full names readable).
fn bars_ui(ui: &mut egui::Ui, id: &str, chart: &Chart, width: f32) -> (egui::Response, Clicked) {
    let n = chart.categories.len().max(1);
    let height = (n as f32 * 24.0 + 60.0).clamp(140.0, 520.0);
    let names = chart.categories.clone();
    let label_width = names
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 48) as f32
        * 6.6;
    let groups = chart.names.len().max(1) as f64;
    ui.vertical(|ui| {
        ui.strong(&chart.title);
        let mut plot = base_plot(id, chart, width, height);
        if chart.names.len() <= 1 {
            // One series: its name is the title's; no legend over the bars.
            plot = Plot::new(id)
                .width(width)
                .height(height)
                .x_axis_label(chart.x_label.clone())
                .y_axis_label(chart.y_label.clone())
                .allow_scroll(false);
        }
        let mut plot = plot
            .y_axis_min_width(label_width)
            .show_grid([true, false])
            .y_grid_spacer(move |_| {
                (0..n)
                    .map(|i| GridMark {
                        value: -(i as f64),
                        step_size: 1.0,
                    })
                    .collect()
            })
            .y_axis_formatter(move |mark, _| {
                let i = (-mark.value).round();
                if (mark.value + i).abs() < 1e-6 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .include_y(0.5)
            .include_y(-(n as f64) + 0.5);
        if let Some((_, r)) = &chart.reference {
            plot = plot.include_x(*r);
        }
        if !chart.horizontal {
            plot = plot.include_x(0.0);
        }
        let shown = plot.show(ui, |p| {
            for (s, name) in chart.names.iter().enumerate() {
                let color = series_color(s);
                let mine: Vec<&crate::brief::chart::Bar> =
                    chart.bars.iter().filter(|b| b.series == s).collect();
                let offset = |b: &crate::brief::chart::Bar| {
                    -(b.category as f64) + 0.3 - 0.6 * (b.series as f64 + 0.5) / groups
                };
                if chart.horizontal {
                    for b in &mine {
                        let y = offset(b);
                        let c = tone(b.tone, color);
                        if let (Some(lo), Some(hi)) = (b.lo, b.hi) {
                            p.line(
                                Line::new(name.clone(), vec![[lo, y], [hi, y]])
                                    .color(c)
                                    .width(2.0),
                            );
                        }
                        p.points(
                            Points::new(name.clone(), vec![[b.value, y]])
                                .color(c)
                                .radius(4.0),
                        );
                    }
                } else {
                    let bars = mine
                        .iter()
                        .map(|b| {
                            PlotBar::new(offset(b), b.value)
                                .width(0.6 / groups)
                                .fill(tone(b.tone, color).gamma_multiply(0.7))
                                .name(
                                    chart
                                        .categories
                                        .get(b.category)
                                        .cloned()
                                        .unwrap_or_default(),
                                )
                        })
                        .collect();
                    p.bar_chart(BarChart::new(name.clone(), bars).horizontal().color(color));
                    for b in &mine {
                        if let (Some(lo), Some(hi)) = (b.lo, b.hi) {
                            let y = offset(b);
                            p.line(
                                Line::new(name.clone(), vec![[lo, y], [hi, y]])
                                    .color(ui_text_color())
                                    .width(1.5),
                            );
                        }
                    }
                }
            }
            if let Some((label, r)) = &chart.reference {
                p.vline(
                    VLine::new(label.clone(), *r)
                        .color(ui_text_color())
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
            p.pointer_coordinate()
        });
        let mut clicked = Clicked::default();
        if shown.response.clicked()
            && let Some(at) = shown.inner
        {
            let i = (-at.y).round();
            if i >= 0.0 && (i as usize) < chart.categories.len() {
                clicked.category = Some(i as usize);
            }
        }
        (shown.response, clicked)
    })
    .inner
}

/// The heatmap: one coloured cell per slice (value and n on hover), a legend of
/// the diverging scale centred on the cohort's value.
fn heat_ui(ui: &mut egui::Ui, chart: &Chart, width: f32) -> (egui::Response, Clicked) {
    let Some(h) = &chart.heat else {
        return (ui.label(""), Clicked::default());
    };
    ui.vertical(|ui| {
        ui.strong(&chart.title);
        let label_w = h
            .rows
            .iter()
            .map(|r| r.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 24) as f32
            * 7.0;
        let cw = ((width - label_w) / h.cols.len().max(1) as f32).clamp(40.0, 90.0);
        let ch = 24.0;
        let size = egui::vec2(
            label_w + cw * h.cols.len() as f32,
            ch * (h.rows.len() + 1) as f32 + 46.0,
        );
        let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
        let painter = ui.painter_at(rect);
        let text = ui.visuals().text_color();
        let font = egui::FontId::proportional(12.0);
        for (j, c) in h.cols.iter().enumerate() {
            painter.text(
                rect.min + egui::vec2(label_w + cw * (j as f32 + 0.5), ch / 2.0),
                egui::Align2::CENTER_CENTER,
                c,
                font.clone(),
                text,
            );
        }
        let mut hovered = None;
        let mut clicked = Clicked::default();
        for (i, r) in h.rows.iter().enumerate() {
            let y = ch * (i + 1) as f32;
            painter.text(
                rect.min + egui::vec2(label_w - 6.0, y + ch / 2.0),
                egui::Align2::RIGHT_CENTER,
                r,
                font.clone(),
                text,
            );
            for j in 0..h.cols.len() {
                let cell = egui::Rect::from_min_size(
                    rect.min + egui::vec2(label_w + cw * j as f32, y),
                    egui::vec2(cw - 2.0, ch - 2.0),
                );
                let k = i * h.cols.len() + j;
                match h.values.get(k).copied().flatten() {
                    Some(v) => {
                        let [r8, g8, b8] = diverging_rgb(h.position(v));
                        painter.rect_filled(cell, 2.0, egui::Color32::from_rgb(r8, g8, b8));
                        painter.text(
                            cell.center(),
                            egui::Align2::CENTER_CENTER,
                            format!("{v:.3}"),
                            egui::FontId::monospace(11.0),
                            egui::Color32::from_gray(20),
                        );
                        if response.hover_pos().is_some_and(|p| cell.contains(p)) {
                            hovered = Some(format!(
                                "{r} × {}: {v:.4} (n = {})",
                                h.cols[j],
                                h.n.get(k).copied().unwrap_or(0)
                            ));
                        }
                        if response.clicked()
                            && response
                                .interact_pointer_pos()
                                .is_some_and(|p| cell.contains(p))
                        {
                            clicked.cell = Some((i, j));
                        }
                    }
                    None => {
                        painter.rect_filled(cell, 2.0, ui.visuals().faint_bg_color);
                    }
                }
            }
        }
        // Legend: the scale from worse to better, the cohort in the middle.
        let ly = ch * (h.rows.len() + 1) as f32 + 10.0;
        let lw = 220.0_f32.min(size.x - label_w);
        for k in 0..44 {
            let t = -1.0 + 2.0 * (k as f64 + 0.5) / 44.0;
            let [r8, g8, b8] = diverging_rgb(t);
            painter.rect_filled(
                egui::Rect::from_min_size(
                    rect.min + egui::vec2(label_w + lw * k as f32 / 44.0, ly),
                    egui::vec2(lw / 44.0 + 0.5, 10.0),
                ),
                0.0,
                egui::Color32::from_rgb(r8, g8, b8),
            );
        }
        let spread = h.spread();
        let (worse, better) = if h.lower_is_better {
            (h.center + spread, h.center - spread)
        } else {
            (h.center - spread, h.center + spread)
        };
        let small = egui::FontId::proportional(11.0);
        let weak = ui.visuals().weak_text_color();
        painter.text(
            rect.min + egui::vec2(label_w, ly + 14.0),
            egui::Align2::LEFT_TOP,
            format!("{worse:.3} worse"),
            small.clone(),
            weak,
        );
        painter.text(
            rect.min + egui::vec2(label_w + lw / 2.0, ly + 14.0),
            egui::Align2::CENTER_TOP,
            format!("cohort {:.3}", h.center),
            small.clone(),
            weak,
        );
        painter.text(
            rect.min + egui::vec2(label_w + lw, ly + 14.0),
            egui::Align2::RIGHT_TOP,
            format!("better {better:.3}"),
            small,
            weak,
        );
        let response = match hovered {
            Some(t) => response.on_hover_text(t),
            None => response,
        };
        (response, clicked)
    })
    .inner
}

/// The "Copy table" menu: tab-separated text or Markdown on the clipboard.
pub fn copy_table_ui(
    ui: &mut egui::Ui,
    header: &[String],
    rows: &[Vec<String>],
    cx: &mut ViewCtx<'_>,
) {
    copy_table_with(ui, cx, || (header.to_vec(), rows.to_vec()));
}

/// [`copy_table_ui`] for a table made only when copied (a large one).
pub fn copy_table_with(
    ui: &mut egui::Ui,
    cx: &mut ViewCtx<'_>,
    make: impl FnOnce() -> (Vec<String>, Vec<Vec<String>>),
) {
    ui.menu_button("Copy table", |ui| {
        let tsv = ui.button("as tab-separated text").clicked();
        let md = ui.button("as Markdown").clicked();
        if tsv || md {
            let (header, rows) = make();
            cx.send(Command::Copy(if tsv {
                crate::format::to_tsv(&header, &rows)
            } else {
                crate::format::to_markdown_table(&header, &rows)
            }));
            ui.close();
        }
    });
}
