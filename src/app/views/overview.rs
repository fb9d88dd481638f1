//! Overview: every model's metrics with intervals, side by side; for binary tasks
//! the threshold, confusion matrices and ROC, precision-recall and calibration
//! curves; for multiclass the confusion matrix and per-class scores; for regression
//! predicted-against-actual and residual plots.

use super::{View, ViewCtx, charts, fmt, fmt_ci, model_color};
use crate::analysis::Overview;
use crate::app::workspace::Workspace;
use crate::app::{Command, Request};
use crate::brief::chart;
use crate::brief::findings;
use crate::cli::ViewName;
use crate::load::Task;
use crate::metrics::metric_names;

#[derive(Default)]
pub struct OverviewView {
    /// The feature whose values' reliability curves are drawn over the model's.
    overlay: Option<String>,
}

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
                    // No step: a threshold set elsewhere (the cost optimum) stays exact.
                    egui::Slider::new(&mut t, 0.0..=1.0)
                        .max_decimals(3)
                        .text("Decision threshold"),
                );
                if r.changed() {
                    cx.send(Command::SetThreshold(t));
                }
                ui.label("(scored models predict positive when score ≥ threshold)");
            });
            cost_controls_ui(ui, cx);
        }
        if task == Task::Graded {
            graded_controls_ui(ui, cx);
        }
        let Some(ov) = cx.results.overview.value.clone() else {
            ui.horizontal(|ui| {
                crate::app::busy::spinner_ui(ui);
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
                cards_ui(ui, ws, &ov, cx);
                ui.add_space(8.0);
                match task {
                    Task::Binary => binary_ui(ui, ws, &ov, cx, &mut self.overlay),
                    Task::Multiclass => multiclass_ui(ui, ws, &ov),
                    Task::Regression => regression_ui(ui, ws, &ov, cx),
                    Task::Graded => graded_ui(ui, ws, &ov, cx),
                    Task::Ranking => ranking_ui(ui, ws, &ov, cx),
                }
            });
    }
}

fn cards_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview, cx: &mut ViewCtx<'_>) {
    let names = metric_names(&ws.table);
    ui.horizontal(|ui| {
        let unit = ws.table.task.unit();
        let n = if ws.table.task == Task::Ranking {
            ov.metrics.first().map_or(0, |s| s.n)
        } else {
            ov.rows as u64
        };
        ui.heading(format!(
            "Metrics on {} {unit} (95% intervals{})",
            crate::format::fmt_int(n),
            if ws.table.clusters.is_some() {
                ", clustered"
            } else {
                ""
            }
        ));
        if let crate::brief::Content::Table { header, rows } =
            findings::metrics_table(&ws.table, &ov.metrics, &cx.scope()).content
        {
            super::charts::copy_table_ui(ui, &header, &rows, cx);
        }
    });
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

/// The costs of a false positive and a false negative: with them the Overview
/// plots the expected cost against the threshold and marks its minimum.
fn cost_controls_ui(ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
    let params = &cx.ws.table.params;
    let mut on = params.cost.is_some();
    let (mut a, mut b) = params.cost.unwrap_or((1.0, 1.0));
    ui.horizontal(|ui| {
        let toggled = ui
            .checkbox(&mut on, "Cost of errors")
            .on_hover_text("Give what a false positive and a false negative cost: the Overview then plots the expected cost per example against the threshold and marks the threshold that minimizes it (with a bootstrap interval)")
            .changed();
        let mut moved = false;
        if on {
            let l = ui.label("false positive costs");
            moved |= ui
                .add(egui::DragValue::new(&mut a).range(0.0..=1e9).speed(0.1))
                .labelled_by(l.id)
                .changed();
            let l = ui.label("false negative costs");
            moved |= ui
                .add(egui::DragValue::new(&mut b).range(0.0..=1e9).speed(0.1))
                .labelled_by(l.id)
                .changed();
        }
        if toggled || moved {
            cx.send(Command::SetMetricParams(crate::load::table::MetricParams {
                cost: on.then_some((a, b)),
                ..cx.ws.table.params.clone()
            }));
        }
    });
}

fn binary_ui(
    ui: &mut egui::Ui,
    ws: &Workspace,
    ov: &Overview,
    cx: &mut ViewCtx<'_>,
    overlay: &mut Option<String>,
) {
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
    let scored: Vec<usize> = (0..ws.table.models.len())
        .filter(|&m| ws.table.models[m].score.is_some())
        .collect();
    let name = |m: usize| ws.table.models[m].name.clone();
    let width = ((ui.available_width() - 24.0) / 3.0).max(220.0);
    let roc = chart::roc(
        scored
            .iter()
            .map(|&m| (name(m), ov.curves[m].roc.clone()))
            .collect(),
    );
    let pr = chart::precision_recall(
        scored
            .iter()
            .map(|&m| (name(m), ov.curves[m].pr.clone()))
            .collect(),
    );
    // The per-slice overlay: the first scored model's curve per value of a feature.
    let overlay_feature = overlay
        .as_deref()
        .and_then(|n| ws.table.features.iter().position(|f| f.name == n));
    // Computed on demand (a pass over the rows), for the cohort on screen.
    let overlay_curves: crate::analysis::SliceCurves = match (scored.first(), overlay_feature) {
        (Some(&model), Some(feature)) => {
            cx.request(Request::Reliability { model, feature });
            let r = &cx.results.reliability;
            match (&r.key, &r.value) {
                (Some((_, m, f)), Some(v)) if *m == model && *f == feature => v.as_ref().clone(),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    let mut cal = if overlay_curves.is_empty() {
        chart::reliability(
            scored
                .iter()
                .map(|&m| (name(m), ov.calibration[m].clone()))
                .collect(),
        )
    } else {
        let m = scored[0];
        let mut series = vec![(format!("{} (all)", name(m)), ov.calibration[m].clone())];
        series.extend(overlay_curves);
        chart::reliability(series)
    };
    if let (Some(f), Some(&m)) = (overlay_feature, scored.first()) {
        cal.title = format!(
            "Calibration of {} by {} (95% intervals per bin)",
            name(m),
            ws.table.features[f].name
        );
    }
    top_wrapped(ui, |ui| {
        charts::chart_ui(ui, "roc", &roc, width, width * 0.8, cx);
        charts::chart_ui(ui, "pr", &pr, width, width * 0.8, cx);
        ui.vertical(|ui| {
            charts::chart_ui(ui, "calibration", &cal, width, width * 0.8, cx);
            let choices = crate::analysis::overlay_features(&ws.table);
            if !choices.is_empty() {
                ui.horizontal(|ui| {
                    let l = ui.label("Overlay slices by");
                    let shown = overlay.clone().unwrap_or_else(|| "(none)".into());
                    egui::ComboBox::from_id_salt("calibration-overlay")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(overlay, None, "(none)");
                            for f in &choices {
                                let n = ws.table.features[*f].name.clone();
                                ui.selectable_value(overlay, Some(n.clone()), n);
                            }
                        })
                        .response
                        .labelled_by(l.id)
                        .on_hover_text("Draw the reliability curve of each value of a feature (the largest six) over the model's, to see which slices are over- or under-confident");
                });
            }
        });
    });
    calibration_summary_ui(ui, ws, ov, &scored);
    ui.horizontal(|ui| {
        if ui
            .button("Pin calibration to brief")
            .on_hover_text(
                "ECE, MCE and the Brier decomposition of every scored model, with intervals",
            )
            .clicked()
        {
            let f = findings::calibration_table(&ws.table, &ov.metrics, &scored, &cx.scope());
            cx.send(Command::Pin(Box::new(f)));
        }
        if ui.button("Pin the reliability chart to brief").clicked() {
            cx.send(Command::Pin(Box::new(findings::chart(
                cal.clone(),
                &cx.scope(),
            ))));
        }
    });
    ui.add_space(6.0);
    ui.heading("Scores and the threshold");
    let half = ((ui.available_width() - 16.0) / 2.0).max(260.0);
    for &m in &scored {
        let (Some(h), Some(sweep)) = (ov.histograms.get(m), ov.sweeps.get(m)) else {
            continue;
        };
        let hist = chart::score_histogram(&name(m), &ws.table.classes, h);
        let mut thr = chart::threshold_metrics(&name(m), sweep, ws.threshold);
        let optimum = ov.metrics.get(m).and_then(|s| s.cost.as_ref());
        if let Some(t) = optimum.and_then(|c| c.optimal_threshold) {
            thr.markers.push((format!("lowest cost at {t:.3}"), t));
        }
        top_wrapped(ui, |ui| {
            charts::chart_ui(ui, &format!("hist-{m}"), &hist, half, half * 0.5, cx);
            charts::chart_ui(ui, &format!("thr-{m}"), &thr, half, half * 0.5, cx);
        });
        if let Some((a, b)) = ws.table.params.cost {
            let points: Vec<[f64; 2]> = sweep
                .iter()
                .filter_map(|p| {
                    let n = p.tp + p.fp + p.fn_ + p.tn;
                    (n > 0).then(|| [p.threshold, (a * p.fp as f64 + b * p.fn_ as f64) / n as f64])
                })
                .collect();
            let c = chart::cost_curve(
                &name(m),
                points,
                (a, b),
                ws.threshold,
                optimum.and_then(|c| c.optimal_threshold),
            );
            ui.horizontal(|ui| {
                charts::chart_ui(ui, &format!("cost-{m}"), &c, half, half * 0.5, cx);
                if let Some(o) = optimum {
                    ui.vertical(|ui| {
                        let at = ov.metrics.get(m).and_then(|s| s.value("expected_cost"));
                        ui.label(format!(
                            "At threshold {:.2}: {} per example",
                            ws.threshold,
                            super::fmt(at)
                        ));
                        ui.label(match o.optimal_threshold {
                            Some(t) => format!(
                                "Lowest: {} {} at threshold {t:.3} {}",
                                super::fmt(Some(o.optimal_cost)),
                                super::fmt_ci(o.cost_ci),
                                super::fmt_ci(o.threshold_ci)
                            ),
                            None => format!(
                                "Lowest: {} by predicting nothing positive",
                                super::fmt(Some(o.optimal_cost))
                            ),
                        });
                        if let Some(t) = o.optimal_threshold
                            && ui
                                .button(format!("Use threshold {t:.3}"))
                                .on_hover_text(
                                    "Set the decision threshold to the cost-minimizing one",
                                )
                                .clicked()
                        {
                            cx.send(Command::SetThreshold(t));
                        }
                    });
                }
            });
        }
    }
}

/// ECE, MCE and the Brier decomposition of each scored model, in a line each.
fn calibration_summary_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview, scored: &[usize]) {
    for &m in scored {
        let Some(set) = ov.metrics.get(m) else {
            continue;
        };
        let part = |name: &str| {
            set.get(name).map_or("-".to_string(), |x| {
                format!("{} {}", super::fmt(x.value), super::fmt_ci(x.ci))
            })
        };
        ui.label(format!(
            "{}: ECE {} · equal-mass ECE {} · MCE {} · Brier = reliability {} - resolution {} + uncertainty {}",
            ws.table.models[m].name,
            part("ece"),
            part("ece_equal_mass"),
            part("mce"),
            part("brier_reliability"),
            part("brier_resolution"),
            part("brier_uncertainty"),
        ));
    }
}

/// A ranking evaluation: which queries count, ties, and how the headline metric
/// spreads over queries.
fn ranking_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview, cx: &mut ViewCtx<'_>) {
    let facts = crate::report::metrics_doc::ranking_facts(&ov.metrics, &ws.table.model_names());
    let queries = ws.table.queries.as_ref().map_or(0, |q| q.len());
    ui.label(format!(
        "{} queries in {:?}; each metric is a mean over the queries with a relevant item (intervals: bootstrap over queries).",
        crate::format::fmt_int(queries as u64),
        ws.table.queries.as_ref().map_or("", |q| q.column.as_str()),
    ));
    for line in facts.lines().filter(|l| !l.is_empty()) {
        ui.label(line);
    }
    let Some(r) = &ov.ranking else {
        return;
    };
    let mut c = chart::graded_score_histogram(&r.histograms);
    c.title = format!("{} per query", r.metric);
    c.x_label = r.metric.into();
    c.y_label = "queries".into();
    let width = (ui.available_width() - 16.0).clamp(320.0, 900.0);
    charts::chart_ui(ui, "ranking-hist", &c, width, width * 0.4, cx);
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

fn regression_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview, cx: &mut ViewCtx<'_>) {
    let width = ((ui.available_width() - 16.0) / 2.0).max(240.0);
    let series: Vec<(String, Vec<[f64; 2]>)> = ws
        .table
        .models
        .iter()
        .zip(&ov.scatter)
        .map(|(m, pts)| (m.name.clone(), pts.clone()))
        .collect();
    let (fit, resid) = chart::regression_scatter(&series);
    top_wrapped(ui, |ui| {
        charts::chart_ui(ui, "pva", &fit, width, width * 0.7, cx);
        charts::chart_ui(ui, "resid", &resid, width, width * 0.7, cx);
    });
}

/// The graded evaluation's settings: the cluster column behind the intervals and
/// the k of pass@k.
fn graded_controls_ui(ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
    let ws = cx.ws;
    ui.horizontal(|ui| {
        let label = ui.label("Cluster intervals by");
        let current = ws.mapping.cluster.clone();
        let mut chosen = current.clone();
        egui::ComboBox::from_id_salt("cluster-by")
            .selected_text(current.as_deref().unwrap_or("(none: examples independent)"))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, "(none: examples independent)");
                for f in ws.table.features.iter().filter(|f| f.is_sliceable()) {
                    ui.selectable_value(&mut chosen, Some(f.name.clone()), &f.name);
                }
                if let Some(c) = &current {
                    ui.selectable_value(&mut chosen, Some(c.clone()), c);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(
                "Examples that share a passage, a conversation or a template are not independent: clustered standard errors (Miller 2024) widen the intervals honestly",
            );
        if chosen != current {
            let mut m = ws.mapping.clone();
            m.cluster = chosen;
            cx.send(Command::ApplyMapping(m));
        }
        ui.separator();
        let mut on = ws.table.params.k.is_some();
        let mut k = ws.table.params.k.unwrap_or(2);
        let toggled = ui
            .checkbox(&mut on, "pass@k")
            .on_hover_text("The chance that at least one of k runs passes (Chen et al. 2021), from each example's repeated runs")
            .changed();
        let moved = on
            && ui
                .add(egui::DragValue::new(&mut k).range(1..=100).prefix("k = "))
                .changed();
        if toggled || moved {
            cx.send(Command::SetMetricParams(crate::load::table::MetricParams {
                k: on.then_some(k),
                ..ws.table.params.clone()
            }));
        }
    });
}

fn graded_ui(ui: &mut egui::Ui, ws: &Workspace, ov: &Overview, cx: &mut ViewCtx<'_>) {
    let Some(g) = &ov.graded else { return };
    let names: Vec<String> = ws.table.model_names();
    let half = ((ui.available_width() - 16.0) / 2.0).max(280.0);
    if let Some(b) = &g.breakdown {
        ui.heading(format!("By {}", b.feature));
        top_wrapped(ui, |ui| {
            for metric in ["pass_rate", "mean_score"] {
                let values: Vec<(usize, usize, f64, Option<[f64; 2]>)> = b
                    .eval
                    .groups
                    .iter()
                    .enumerate()
                    .flat_map(|(c, sets)| {
                        sets.iter().enumerate().filter_map(move |(m, set)| {
                            let x = set.get(metric)?;
                            Some((c, m, x.value?, x.ci))
                        })
                    })
                    .collect();
                if values.is_empty() {
                    continue;
                }
                let chart = chart::grouped_bars(
                    format!("{metric} by {} (95% CI)", b.feature),
                    metric,
                    b.labels.clone(),
                    names.clone(),
                    &values,
                );
                charts::chart_ui(ui, &format!("by-{metric}"), &chart, half, half * 0.7, cx);
            }
        });
    }
    let hists: Vec<(String, crate::curves::Histogram)> = names
        .iter()
        .zip(&g.histograms)
        .filter_map(|(n, h)| Some((n.clone(), h.clone()?)))
        .collect();
    if !hists.is_empty() {
        ui.add_space(6.0);
        let chart = chart::graded_score_histogram(&hists);
        charts::chart_ui(ui, "graded-scores", &chart, half * 2.0, 240.0, cx);
    }
    if g.agreement.iter().any(Option::is_some) {
        ui.add_space(6.0);
        ui.heading("Judge against human verdicts");
        egui::Grid::new("agreement")
            .striped(true)
            .spacing([16.0, 2.0])
            .show(ui, |ui| {
                for h in [
                    "model",
                    "items rated by both",
                    "agreement",
                    "95% CI",
                    "Cohen's kappa",
                    "95% CI",
                ] {
                    ui.strong(h);
                }
                ui.end_row();
                for (i, a) in g.agreement.iter().enumerate() {
                    let Some(a) = a else { continue };
                    ui.label(egui::RichText::new(&names[i]).color(model_color(i)));
                    ui.label(crate::format::fmt_int(a.n));
                    ui.monospace(fmt(a.agreement));
                    ui.monospace(fmt_ci(a.agreement_ci));
                    ui.monospace(fmt(a.kappa));
                    ui.monospace(fmt_ci(a.kappa_ci));
                    ui.end_row();
                }
            });
        ui.label(
            egui::RichText::new(
                "Per example: the judge's verdict (most runs pass) against the human's; intervals: percentile bootstrap. Per row of the file: faultline agreement FILE --raters pass_MODEL,human_pass_MODEL",
            )
            .weak(),
        );
    }
}
