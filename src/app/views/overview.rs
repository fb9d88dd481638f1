//! Overview: every model's metrics with intervals, side by side; for binary tasks
//! the threshold, confusion matrices and ROC, precision-recall and calibration
//! curves; for multiclass the confusion matrix and per-class scores; for regression
//! predicted-against-actual and residual plots.

use egui_plot::{Legend, Line, Plot, Points};

use super::{View, ViewCtx, fmt, fmt_ci, model_color};
use crate::analysis::Overview;
use crate::app::workspace::Workspace;
use crate::app::{Command, Request};
use crate::brief::findings;
use crate::cli::ViewName;
use crate::load::Task;
use crate::metrics::metric_names;

#[derive(Default)]
pub struct OverviewView {}

impl View for OverviewView {
    fn id(&self) -> ViewName {
        ViewName::Overview
    }

    fn title(&self) -> &'static str {
        "Overview"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num1)
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        cx.request(Request::Overview);
        let task = ws.table.task;
        if task == Task::Binary && ws.table.models.iter().any(|m| m.score.is_some()) {
            ui.horizontal(|ui| {
                let mut t = ws.threshold;
                let r = ui.add(
                    egui::Slider::new(&mut t, 0.0..=1.0)
                        .step_by(0.01)
                        .text("Decision threshold"),
                );
                if r.changed() {
                    cx.send(Command::SetThreshold(t));
                }
                ui.label("(scored models predict positive when score ≥ threshold)");
            });
        }
        let Some(ov) = cx.results.overview.value.clone() else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing metrics…");
            });
            return;
        };
        ui.horizontal(|ui| {
            if ui
                .button("Pin metrics to brief")
                .on_hover_text("Every model's metrics with intervals, as a finding")
                .clicked()
            {
                let f = findings::metrics_table(&ws.table, &ov.metrics, &cx.scope());
                cx.send(Command::Pin(Box::new(f)));
            }
            if !ov.curves.is_empty() && ui.button("Pin ROC chart to brief").clicked() {
                let models: Vec<usize> = (0..ws.table.models.len())
                    .filter(|&m| ws.table.models[m].score.is_some())
                    .collect();
                let curves: Vec<_> = models.iter().filter_map(|&m| ov.curves.get(m)).collect();
                let f = findings::roc_curves(&ws.table, &models, &curves, &cx.scope());
                cx.send(Command::Pin(Box::new(f)));
            }
        });
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                cards_ui(ui, ws, &ov);
                ui.add_space(8.0);
                match task {
                    Task::Binary => binary_ui(ui, ws, &ov),
                    Task::Multiclass => multiclass_ui(ui, ws, &ov),
                    Task::Regression => regression_ui(ui, ws, &ov),
                }
            });
    }
}

fn cards_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview) {
    let has_scores = ws.table.models.iter().any(|m| m.score.is_some());
    let names = metric_names(ws.table.task, has_scores);
    ui.heading(format!(
        "Metrics on {} rows (95% intervals)",
        crate::format::fmt_int(ov.rows as u64)
    ));
    top_wrapped(ui, |ui| {
        for (i, (model, set)) in ws.table.models.iter().zip(&ov.metrics).enumerate() {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_min_width(300.0);
                ui.vertical(|ui| {
                    ui.label(
                        egui::RichText::new(&model.name)
                            .strong()
                            .size(16.0)
                            .color(model_color(i)),
                    );
                    egui::Grid::new(("card", i))
                        .num_columns(3)
                        .spacing([12.0, 2.0])
                        .show(ui, |ui| {
                            for name in &names {
                                let m = set.get(name);
                                ui.label(*name);
                                ui.label(
                                    egui::RichText::new(fmt(m.and_then(|m| m.value))).monospace(),
                                );
                                ui.label(
                                    egui::RichText::new(fmt_ci(m.and_then(|m| m.ci)))
                                        .monospace()
                                        .weak(),
                                );
                                ui.end_row();
                            }
                            ui.label("n");
                            ui.label(crate::format::fmt_int(set.n));
                            ui.label(if set.null_predictions > 0 {
                                format!("{} null predictions", set.null_predictions)
                            } else {
                                String::new()
                            });
                            ui.end_row();
                        });
                });
            });
        }
    });
}

/// Lays items left to right, wrapping, aligned at the top.
fn top_wrapped(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    ui.with_layout(
        egui::Layout::left_to_right(egui::Align::TOP).with_main_wrap(true),
        add,
    );
}

fn binary_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview) {
    let classes = &ws.table.classes;
    ui.heading(format!(
        "Confusion matrices at threshold {:.2}",
        ws.threshold
    ));
    top_wrapped(ui, |ui| {
        for (i, (model, cm)) in ws.table.models.iter().zip(&ov.confusion).enumerate() {
            if cm.len() != 4 {
                continue;
            }
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.vertical(|ui| {
                    ui.label(
                        egui::RichText::new(&model.name)
                            .strong()
                            .color(model_color(i)),
                    );
                    egui::Grid::new(("cm", i))
                        .num_columns(3)
                        .spacing([16.0, 4.0])
                        .show(ui, |ui| {
                            ui.label("actual \\ predicted");
                            ui.label(format!("{} (neg)", classes[0]));
                            ui.label(format!("{} (pos)", classes[1]));
                            ui.end_row();
                            ui.label(format!("{} (neg)", classes[0]));
                            ui.monospace(format!("TN {}", cm[0]));
                            ui.monospace(format!("FP {}", cm[1]));
                            ui.end_row();
                            ui.label(format!("{} (pos)", classes[1]));
                            ui.monospace(format!("FN {}", cm[2]));
                            ui.monospace(format!("TP {}", cm[3]));
                            ui.end_row();
                        });
                });
            });
        }
    });
    if ov.curves.is_empty() || ov.curves.iter().all(|c| c.roc.is_empty()) {
        ui.label("ROC, precision-recall and calibration curves need score columns and both classes in the cohort.");
        return;
    }
    ui.add_space(6.0);
    let width = ((ui.available_width() - 24.0) / 3.0).max(220.0);
    top_wrapped(ui, |ui| {
        plot_box(ui, "ROC curve", width, |ui| {
            super::unit_square_plot("roc", width, "false positive rate", "true positive rate")
                .show(ui, |p| {
                    p.line(
                        Line::new("chance", vec![[0.0, 0.0], [1.0, 1.0]])
                            .color(egui::Color32::GRAY),
                    );
                    for (i, (m, c)) in ws.table.models.iter().zip(&ov.curves).enumerate() {
                        p.line(Line::new(m.name.clone(), c.roc.clone()).color(model_color(i)));
                    }
                });
        });
        plot_box(ui, "Precision-recall curve", width, |ui| {
            super::unit_square_plot("pr", width, "recall", "precision").show(ui, |p| {
                for (i, (m, c)) in ws.table.models.iter().zip(&ov.curves).enumerate() {
                    p.line(Line::new(m.name.clone(), c.pr.clone()).color(model_color(i)));
                }
            });
        });
        plot_box(ui, "Calibration (reliability)", width, |ui| {
            super::unit_square_plot(
                "calibration",
                width,
                "mean predicted probability",
                "observed positive rate",
            )
            .show(ui, |p| {
                p.line(
                    Line::new("perfect", vec![[0.0, 0.0], [1.0, 1.0]]).color(egui::Color32::GRAY),
                );
                for (i, (m, bins)) in ws.table.models.iter().zip(&ov.calibration).enumerate() {
                    let pts: Vec<[f64; 2]> = bins
                        .iter()
                        .map(|b| [b.mean_score, b.positive_rate])
                        .collect();
                    p.line(Line::new(m.name.clone(), pts.clone()).color(model_color(i)));
                    p.points(
                        Points::new(m.name.clone(), pts)
                            .radius(3.0)
                            .color(model_color(i)),
                    );
                }
            });
        });
    });
}

fn plot_box(ui: &mut egui::Ui, title: &str, width: f32, add: impl FnOnce(&mut egui::Ui)) {
    ui.vertical(|ui| {
        ui.set_width(width);
        ui.strong(title);
        add(ui);
    });
}

fn multiclass_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview) {
    let classes = &ws.table.classes;
    let k = classes.len();
    if k > crate::analysis::MAX_DRAWN_CLASSES {
        ui.label(format!(
            "{k} classes: confusion matrices and per-class scores are drawn for up to {} classes; slice by a feature or narrow the cohort to see fewer.",
            crate::analysis::MAX_DRAWN_CLASSES
        ));
        return;
    }
    for (i, (model, cm)) in ws.table.models.iter().zip(&ov.confusion).enumerate() {
        if cm.len() != k * (k + 1) {
            continue;
        }
        ui.label(
            egui::RichText::new(format!(
                "{}: confusion matrix and per-class scores",
                model.name
            ))
            .strong()
            .color(model_color(i)),
        );
        ui.horizontal(|ui| {
            egui::Grid::new(("mcm", i))
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    ui.label("actual \\ predicted");
                    for c in classes {
                        ui.label(c);
                    }
                    ui.label("(null)");
                    ui.end_row();
                    let max = cm.iter().copied().max().unwrap_or(1).max(1) as f32;
                    for (t, class) in classes.iter().enumerate() {
                        ui.label(class);
                        for p in 0..=k {
                            let v = cm[t * (k + 1) + p];
                            let strength = v as f32 / max;
                            let base = if t == p {
                                egui::Color32::from_rgb(52, 211, 153)
                            } else {
                                egui::Color32::from_rgb(248, 113, 113)
                            };
                            let fill = base.gamma_multiply(0.15 + 0.85 * strength);
                            egui::Frame::new()
                                .fill(if v == 0 {
                                    egui::Color32::TRANSPARENT
                                } else {
                                    fill
                                })
                                .inner_margin(4.0)
                                .show(ui, |ui| {
                                    ui.monospace(v.to_string());
                                });
                        }
                        ui.end_row();
                    }
                });
            ui.add_space(16.0);
            egui::Grid::new(("pcs", i))
                .striped(true)
                .spacing([12.0, 2.0])
                .show(ui, |ui| {
                    for h in ["class", "support", "precision", "recall", "F1"] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for (c, class) in classes.iter().enumerate() {
                        let tp = cm[c * (k + 1) + c];
                        let support: u64 = cm[c * (k + 1)..(c + 1) * (k + 1)].iter().sum();
                        let predicted: u64 = (0..k).map(|t| cm[t * (k + 1) + c]).sum();
                        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
                        let f1 = ratio(2 * tp, support + predicted);
                        ui.label(class);
                        ui.label(support.to_string());
                        ui.monospace(format!("{:.4}", ratio(tp, predicted)));
                        ui.monospace(format!("{:.4}", ratio(tp, support)));
                        ui.monospace(format!("{f1:.4}"));
                        ui.end_row();
                    }
                });
        });
        ui.add_space(8.0);
    }
}

fn regression_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview) {
    let width = ((ui.available_width() - 16.0) / 2.0).max(240.0);
    ui.horizontal(|ui| {
        plot_box(ui, "Predicted against actual", width, |ui| {
            Plot::new("pva")
                .width(width)
                .height(width * 0.7)
                .legend(Legend::default())
                .data_aspect(1.0)
                .x_axis_label("actual")
                .y_axis_label("predicted")
                .show(ui, |p| {
                    let (lo, hi) = ov
                        .scatter
                        .iter()
                        .flatten()
                        .fold((f64::MAX, f64::MIN), |(a, b), q| (a.min(q[0]), b.max(q[0])));
                    if lo < hi {
                        p.line(
                            Line::new("y = x", vec![[lo, lo], [hi, hi]]).color(egui::Color32::GRAY),
                        );
                    }
                    for (i, (m, pts)) in ws.table.models.iter().zip(&ov.scatter).enumerate() {
                        p.points(
                            Points::new(m.name.clone(), pts.clone())
                                .radius(1.5)
                                .color(model_color(i)),
                        );
                    }
                });
        });
        plot_box(
            ui,
            "Residuals (predicted − actual) against predicted",
            width,
            |ui| {
                Plot::new("resid")
                    .width(width)
                    .height(width * 0.7)
                    .legend(Legend::default())
                    .x_axis_label("predicted")
                    .y_axis_label("residual")
                    .show(ui, |p| {
                        for (i, (m, pts)) in ws.table.models.iter().zip(&ov.scatter).enumerate() {
                            let r: Vec<[f64; 2]> =
                                pts.iter().map(|q| [q[1], q[1] - q[0]]).collect();
                            p.points(
                                Points::new(m.name.clone(), r)
                                    .radius(1.5)
                                    .color(model_color(i)),
                            );
                        }
                        p.hline(egui_plot::HLine::new("zero", 0.0).color(egui::Color32::GRAY));
                    });
            },
        );
    });
}
