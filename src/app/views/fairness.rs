//! Fairness: a binary model's selection rate, true and false positive rates and
//! accuracy per group of a sensitive feature (Wilson intervals), the disparities
//! between the groups (Fairlearn's definitions, bootstrap intervals), and what
//! per-group thresholds would change: one threshold for all, one per group, or the
//! thresholds that equalize the groups' true positive rates. Both the figures and
//! the what-if are computed in the background (`Request::Fairness`,
//! `Request::FairnessWhatIf`).

use egui_plot::{Bar as PlotBar, BarChart, GridMark, Line, Plot};

use super::{View, ViewCtx, fmt, fmt_ci, model_color};
use crate::app::results::{WhatIf, WhatIfThresholds};
use crate::app::{Command, Request};
use crate::brief::chart::{self, Chart};
use crate::brief::findings::{self, fairness_name};
use crate::cli::ViewName;
use crate::format::fmt_int;
use crate::load::Task;
use crate::load::table::{EvalTable, FeatureKind};
use crate::metrics::fairness::{DISPARITIES, Fairness, RATES};

/// Features with more groups than this are not offered (unless named by
/// `--sensitive`): a comparison of hundreds of groups is not readable here.
const MAX_GROUPS: usize = 50;

/// How the what-if sets each group's threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WhatIfMode {
    #[default]
    One,
    PerGroup,
    EqualTpr,
}

#[derive(Default)]
pub struct FairnessView {
    /// The chosen model and sensitive feature, by name (None: the defaults).
    pub model: Option<String>,
    pub feature: Option<String>,
    pub mode: WhatIfMode,
    /// "One threshold for all" (None: the workspace's threshold).
    pub common: Option<f64>,
    /// "Per group": one threshold per group slot (the feature's levels, then
    /// `(missing)`), for the `(model, feature)` in `per_group_for`.
    pub per_group: Vec<f64>,
    per_group_for: Option<(usize, usize)>,
}

impl View for FairnessView {
    fn id(&self) -> ViewName {
        ViewName::Fairness
    }

    fn title(&self) -> &'static str {
        "Fairness"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num9)
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        if super::features_pending_ui(ui, ws) {
            return;
        }
        let table = ws.table.clone();
        if table.task != Task::Binary {
            not_applicable_ui(
                ui,
                &format!(
                    "Fairness compares a binary classifier's rates (selection rate, true and false positive rates) across the groups of a sensitive feature; this file's task is {}, so the view does not apply.",
                    table.task.as_str()
                ),
            );
            return;
        }
        let candidates = candidate_features(&table);
        if candidates.is_empty() || table.models.is_empty() {
            not_applicable_ui(
                ui,
                "Fairness groups the rows by a categorical feature (such as sex or race) and this file has none: add one in the Mapping view, or open the file with --sensitive COL.",
            );
            return;
        }
        // Scored models first: only they have a what-if.
        let mut order: Vec<usize> = (0..table.models.len()).collect();
        order.sort_by_key(|&m| table.models[m].score.is_none());
        let mut model = self
            .model
            .as_ref()
            .and_then(|n| table.models.iter().position(|m| &m.name == n))
            .unwrap_or(order[0]);
        let mut feature = self
            .feature
            .as_ref()
            .and_then(|n| table.feature_index(n).ok())
            .filter(|f| candidates.contains(f))
            .unwrap_or_else(|| default_feature(&table, &candidates));
        ui.horizontal(|ui| {
            let label = ui.label("Model");
            egui::ComboBox::from_id_salt("fair-model")
                .selected_text(&table.models[model].name)
                .show_ui(ui, |ui| {
                    for &m in &order {
                        let name = &table.models[m].name;
                        let text = if table.models[m].score.is_some() {
                            name.clone()
                        } else {
                            format!("{name} (no score)")
                        };
                        ui.selectable_value(&mut model, m, text);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.separator();
            let label = ui.label("Sensitive feature");
            egui::ComboBox::from_id_salt("fair-feature")
                .selected_text(&table.features[feature].name)
                .show_ui(ui, |ui| {
                    for &f in &candidates {
                        ui.selectable_value(&mut feature, f, &table.features[f].name);
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text("The groups to compare: the categorical features, and any column given with --sensitive");
            ui.separator();
            let scored = table.models[model].score.is_some();
            ui.label(format!(
                "{} rows in the cohort{}",
                fmt_int(ws.active.rows as u64),
                if scored {
                    format!("; decision threshold {:.2}", ws.threshold)
                } else {
                    String::new()
                }
            ));
        });
        self.model = Some(table.models[model].name.clone());
        self.feature = Some(table.features[feature].name.clone());
        cx.request(Request::Fairness { model, feature });

        let shown = super::result_or_spinner(ui, &cx.results.fairness, "Computing fairness");
        let shown_for = cx
            .results
            .fairness
            .key
            .as_ref()
            .map(|k| (k.model, k.feature));
        let Some(shown) = shown.filter(|_| shown_for == Some((model, feature))) else {
            if !cx.results.fairness.is_busy() && cx.results.fairness.value.is_some() {
                crate::app::busy::spinner_ui(ui);
            }
            return;
        };
        let Some(fair) = shown.as_ref().as_ref() else {
            ui.label("No fairness figures: this model has no class predictions.");
            return;
        };
        let model_name = table.models[model].name.clone();
        let scored = table.models[model].score.is_some();
        let base = ws.base_key();
        // The what-if shown, if it is for this model, feature and workspace.
        let what_if: Option<WhatIf> = cx
            .results
            .what_if
            .key
            .as_ref()
            .filter(|k| k.model == model && k.feature == feature && k.base == base)
            .and_then(|_| cx.results.what_if.value.as_deref().cloned().flatten());

        ui.horizontal(|ui| {
            if ui
                .button("Pin fairness to brief")
                .on_hover_text("The groups' rates with intervals, the disparities and the what-if thresholds, as a finding")
                .clicked()
            {
                let named: Option<Vec<(String, f64)>> = what_if
                    .as_ref()
                    .filter(|w| w.thresholds.iter().any(|&t| t != ws.threshold))
                    .map(|w| {
                        fair.groups
                            .iter()
                            .map(|g| {
                                let slot = slot_of(&table, feature, &g.value);
                                (g.value.clone(), w.thresholds.get(slot).copied().unwrap_or(ws.threshold))
                            })
                            .collect()
                    });
                let wi = named
                    .as_deref()
                    .zip(what_if.as_ref())
                    .map(|(n, w)| (n, &w.fairness, w.accuracy));
                let f = findings::fairness_table(
                    &table,
                    model,
                    fair,
                    scored.then_some(ws.threshold),
                    wi,
                    &cx.scope(),
                );
                cx.send(Command::Pin(Box::new(f)));
            }
            let f = findings::fairness_table(&table, model, fair, None, None, &cx.scope());
            if let crate::brief::Content::Table { header, rows } = &f.content {
                super::charts::copy_table_ui(ui, header, rows, cx);
            }
        });

        egui::ScrollArea::vertical()
            .id_salt("fairness")
            .auto_shrink(false)
            .show(ui, |ui| {
                if fair.groups.len() < 2 {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!(
                            "Only one group of {} in this cohort: there is nothing to compare.",
                            fair.column
                        ),
                    );
                }
                ui.heading(format!("{model_name} across {}", fair.column));
                let chart = rates_chart(&model_name, fair);
                let width = (ui.available_width() * 0.55).clamp(320.0, 760.0);
                ui.horizontal_top(|ui| {
                    rates_chart_ui(ui, &chart, width, 300.0, cx);
                    ui.add_space(16.0);
                    ui.vertical(|ui| disparities_ui(ui, fair));
                });
                ui.add_space(8.0);
                groups_ui(ui, &table, fair);
                ui.add_space(12.0);
                ui.separator();
                if scored {
                    self.what_if_ui(ui, cx, &table, model, feature, fair, what_if.as_ref());
                } else {
                    ui.heading("What if each group had its own threshold");
                    ui.label(format!(
                        "The what-if moves the threshold on a model's scores; {model_name} has no score column, only predicted labels."
                    ));
                }
            });
    }
}

impl FairnessView {
    #[allow(clippy::too_many_arguments)]
    fn what_if_ui(
        &mut self,
        ui: &mut egui::Ui,
        cx: &mut ViewCtx<'_>,
        table: &EvalTable,
        model: usize,
        feature: usize,
        fair: &Fairness,
        shown: Option<&WhatIf>,
    ) {
        let ws = cx.ws;
        let k = table.features[feature].codes.levels.len() + 1;
        let common = self.common.unwrap_or(ws.threshold);
        if self.per_group_for != Some((model, feature)) || self.per_group.len() != k {
            self.per_group = vec![common; k];
            self.per_group_for = Some((model, feature));
        }
        ui.heading("What if each group had its own threshold");
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.mode, WhatIfMode::One, "One threshold for all");
            ui.radio_value(&mut self.mode, WhatIfMode::PerGroup, "Per group");
            ui.radio_value(
                &mut self.mode,
                WhatIfMode::EqualTpr,
                "Equalize true positive rates",
            )
            .on_hover_text("Per group, the largest threshold whose true positive rate reaches the overall one at the workspace's threshold (equal opportunity)");
        });
        let target = overall_tpr(fair);
        let thresholds = match self.mode {
            WhatIfMode::One => {
                let mut t = common;
                let r = ui.add(
                    egui::Slider::new(&mut t, 0.0..=1.0)
                        .step_by(0.01)
                        .text("threshold for every group"),
                );
                if r.changed() {
                    self.common = Some(t);
                }
                Some(WhatIfThresholds::PerGroup(vec![t; k]))
            }
            WhatIfMode::PerGroup => {
                egui::Grid::new("fair-sliders")
                    .spacing([12.0, 2.0])
                    .show(ui, |ui| {
                        for (g, group) in fair.groups.iter().enumerate() {
                            let slot = slot_of(table, feature, &group.value);
                            let label =
                                ui.label(egui::RichText::new(&group.value).color(model_color(g)));
                            ui.add(
                                egui::Slider::new(&mut self.per_group[slot], 0.0..=1.0)
                                    .step_by(0.01),
                            )
                            .labelled_by(label.id);
                            ui.end_row();
                        }
                    });
                if ui
                    .button(format!("All at {:.2}", ws.threshold))
                    .on_hover_text("Every group back at the workspace's threshold")
                    .clicked()
                {
                    self.per_group = vec![ws.threshold; k];
                }
                Some(WhatIfThresholds::PerGroup(self.per_group.clone()))
            }
            WhatIfMode::EqualTpr => {
                ui.label(match target {
                    Some(t) => format!(
                        "Target true positive rate {t:.4}: the overall TPR at the workspace's threshold {:.2}. Each group's threshold (read-only, in the table) is the largest whose TPR reaches it; a group without positives keeps {:.2}.",
                        ws.threshold, ws.threshold
                    ),
                    None => "No positives in the cohort: there is no true positive rate to equalize.".into(),
                });
                target.map(WhatIfThresholds::EqualTpr)
            }
        };
        let Some(thresholds) = thresholds else {
            return;
        };
        cx.request(Request::FairnessWhatIf {
            model,
            feature,
            thresholds,
        });
        let keyed = &cx.results.what_if;
        if keyed.is_busy() || shown.is_none() {
            ui.horizontal(|ui| {
                crate::app::busy::spinner_ui(ui);
                ui.label(if shown.is_none() {
                    "Computing the what-if…"
                } else {
                    "Updating…"
                });
            });
        }
        let Some(w) = shown else {
            return;
        };
        ui.add_space(4.0);
        ui.label(
            egui::RichText::new(format!(
                "Each figure: at the workspace's threshold {:.2}, then with the what-if thresholds.",
                ws.threshold
            ))
            .weak(),
        );
        egui::Grid::new("fair-whatif")
            .striped(true)
            .spacing([18.0, 3.0])
            .show(ui, |ui| {
                ui.strong(&fair.column);
                ui.strong("threshold");
                for h in ["selection rate", "TPR", "FPR", "accuracy"] {
                    ui.strong(h);
                }
                ui.end_row();
                for (g, group) in fair.groups.iter().enumerate() {
                    let slot = slot_of(table, feature, &group.value);
                    let after = w.fairness.groups.iter().find(|x| x.value == group.value);
                    ui.label(egui::RichText::new(&group.value).color(model_color(g)));
                    ui.monospace(format!(
                        "{:.2} → {:.3}",
                        ws.threshold,
                        w.thresholds.get(slot).copied().unwrap_or(ws.threshold)
                    ));
                    let pairs = [
                        (group.selection_rate, after.map(|a| a.selection_rate)),
                        (group.tpr, after.map(|a| a.tpr)),
                        (group.fpr, after.map(|a| a.fpr)),
                        (group.accuracy, after.map(|a| a.accuracy)),
                    ];
                    for (before, after) in pairs {
                        ui.monospace(format!("{} → {}", fmt(Some(before)), fmt(after)));
                    }
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        egui::Grid::new("fair-whatif-disparities")
            .striped(true)
            .spacing([18.0, 3.0])
            .show(ui, |ui| {
                ui.strong("between groups");
                ui.strong(format!("at threshold {:.2}", ws.threshold));
                ui.strong("what-if");
                ui.strong("change");
                ui.end_row();
                let row = |ui: &mut egui::Ui, name: String, a: Option<f64>, b: Option<f64>| {
                    ui.label(name);
                    ui.monospace(fmt(a));
                    ui.monospace(fmt(b));
                    ui.monospace(match (a, b) {
                        (Some(a), Some(b)) => crate::format::fmt_delta(Some(b - a)),
                        _ => "-".into(),
                    });
                    ui.end_row();
                };
                for (i, d) in DISPARITIES.iter().enumerate() {
                    row(
                        ui,
                        fairness_name(d),
                        fair.disparities.get(i).and_then(|x| x.0),
                        w.fairness.disparities.get(i).and_then(|x| x.0),
                    );
                }
                row(
                    ui,
                    "overall accuracy".into(),
                    findings::fairness_accuracy(fair),
                    Some(w.accuracy),
                );
            });
    }
}

/// Why the view does not apply, and what it shows where it does.
fn not_applicable_ui(ui: &mut egui::Ui, why: &str) {
    ui.heading("Fairness does not apply to this file");
    ui.label(why);
    ui.add_space(8.0);
    ui.label("On a binary classification file with a categorical feature, this view shows:");
    for item in [
        "per group: n, selection rate, true and false positive rates and accuracy, with 95% Wilson intervals;",
        "between groups: the demographic parity and equalized odds differences and ratios and the equal opportunity difference (Fairlearn's definitions), with bootstrap intervals;",
        "a what-if for scored models: one threshold for all, one per group, or the thresholds that equalize the true positive rates;",
        "a finding to pin to the brief.",
    ] {
        ui.label(format!("•  {item}"));
    }
    ui.add_space(8.0);
    ui.label(
        egui::RichText::new("Try it on the bundled sample: faultline sample_data/adult_models.csv --sensitive sex,race")
            .weak(),
    );
}

/// The features offered: categorical ones with at most [`MAX_GROUPS`] groups, and
/// any sliceable column named by `--sensitive`.
fn candidate_features(table: &EvalTable) -> Vec<usize> {
    (0..table.features.len())
        .filter(|&i| {
            let f = &table.features[i];
            let named = table.params.sensitive.contains(&f.name);
            (f.kind == FeatureKind::Categorical && f.codes.levels.len() <= MAX_GROUPS)
                || (named && f.is_sliceable())
        })
        .collect()
}

/// The first of `--sensitive`, else a feature named like a protected attribute,
/// else the first categorical feature.
fn default_feature(table: &EvalTable, candidates: &[usize]) -> usize {
    for s in &table.params.sensitive {
        if let Ok(i) = table.feature_index(s)
            && candidates.contains(&i)
        {
            return i;
        }
    }
    const NAMES: [&str; 6] = ["sex", "gender", "race", "ethnicity", "ethnic", "age"];
    candidates
        .iter()
        .copied()
        .find(|&i| {
            table.features[i]
                .name
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|t| NAMES.contains(&t))
        })
        .unwrap_or(candidates[0])
}

/// A group's slot in the what-if's thresholds: its level, or the last slot for
/// `(missing)`.
fn slot_of(table: &EvalTable, feature: usize, value: &str) -> usize {
    let levels = &table.features[feature].codes.levels;
    levels
        .iter()
        .position(|l| l == value)
        .unwrap_or(levels.len())
}

/// The true positive rate over every group (None without positives).
fn overall_tpr(f: &Fairness) -> Option<f64> {
    let (tp, pos) = f
        .groups
        .iter()
        .fold((0, 0), |(a, b), g| (a + g.tp, b + g.tp + g.fn_));
    (pos > 0).then(|| tp as f64 / pos as f64)
}

/// The four rates per group as grouped bars: rates along the axis, one bar per
/// group (its colour in the legend; the palette repeats after six groups), Wilson
/// intervals as whiskers.
fn rates_chart(model: &str, f: &Fairness) -> Chart {
    let values: Vec<(usize, usize, f64, Option<[f64; 2]>)> = f
        .groups
        .iter()
        .enumerate()
        .flat_map(|(g, r)| {
            let v = [r.selection_rate, r.tpr, r.fpr, r.accuracy];
            (0..RATES.len()).map(move |i| (i, g, v[i], r.ci[i]))
        })
        .collect();
    chart::grouped_bars(
        format!("{model}: rates by {} (95% Wilson intervals)", f.column),
        "rate",
        RATES.iter().map(|r| fairness_name(r)).collect(),
        f.groups.iter().map(|g| g.value.clone()).collect(),
        &values,
    )
}

/// Draws the grouped bars upright with their whiskers; right-click for the chart
/// menu (copy or save the image, copy the data, pin the chart).
fn rates_chart_ui(ui: &mut egui::Ui, chart: &Chart, width: f32, height: f32, cx: &mut ViewCtx<'_>) {
    let n = chart.categories.len();
    let cats = chart.categories.clone();
    let groups = chart.names.len().max(1) as f64;
    let whisker = ui.visuals().text_color().gamma_multiply(0.8);
    let response = ui
        .vertical(|ui| {
            ui.set_max_width(width);
            ui.strong(&chart.title);
            // The legend above the plot, where it hides no bar.
            ui.horizontal_wrapped(|ui| {
                for (s, name) in chart.names.iter().enumerate() {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                    ui.painter()
                        .rect_filled(rect, 2.0, model_color(s).gamma_multiply(0.75));
                    ui.label(name);
                    ui.add_space(8.0);
                }
            });
            Plot::new("fairness-rates")
                .width(width)
                .height(height)
                .y_axis_label("rate")
                .allow_scroll(false)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_boxed_zoom(false)
                .include_x(-0.5)
                .include_x(n as f64 - 0.5)
                .include_y(0.0)
                .include_y(1.0)
                .show_grid([false, true])
                .x_grid_spacer(move |_| {
                    (0..n)
                        .map(|i| GridMark {
                            value: i as f64,
                            step_size: 1.0,
                        })
                        .collect()
                })
                .y_grid_spacer(|_| {
                    (0..=10)
                        .map(|i| GridMark {
                            value: f64::from(i) / 10.0,
                            step_size: if i % 5 == 0 { 0.5 } else { 0.1 },
                        })
                        .collect()
                })
                .y_axis_formatter(|mark, _| {
                    if mark.value <= 1.0 + 1e-9 {
                        format!("{:.1}", mark.value)
                    } else {
                        String::new()
                    }
                })
                .x_axis_formatter(move |mark, _| {
                    let i = mark.value.round();
                    if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                        cats.get(i as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .show(ui, |p| {
                    let w = 0.8 / groups;
                    for (s, name) in chart.names.iter().enumerate() {
                        let color = model_color(s);
                        let x = |c: usize| c as f64 - 0.4 + w * (s as f64 + 0.5);
                        let mine: Vec<&chart::Bar> =
                            chart.bars.iter().filter(|b| b.series == s).collect();
                        let bars = mine
                            .iter()
                            .map(|b| {
                                PlotBar::new(x(b.category), b.value)
                                    .width(w * 0.9)
                                    .fill(color.gamma_multiply(0.75))
                                    .name(format!(
                                        "{name}: {}",
                                        chart
                                            .categories
                                            .get(b.category)
                                            .cloned()
                                            .unwrap_or_default()
                                    ))
                            })
                            .collect();
                        p.bar_chart(BarChart::new(name.clone(), bars).color(color));
                        for b in &mine {
                            let (Some(lo), Some(hi)) = (b.lo, b.hi) else {
                                continue;
                            };
                            let (xc, cap) = (x(b.category), w * 0.2);
                            for seg in [
                                vec![[xc, lo], [xc, hi]],
                                vec![[xc - cap, lo], [xc + cap, lo]],
                                vec![[xc - cap, hi], [xc + cap, hi]],
                            ] {
                                p.line(Line::new(name.clone(), seg).color(whisker).width(1.5));
                            }
                        }
                    }
                })
                .response
        })
        .inner;
    let rect = response.rect;
    response.context_menu(|ui| super::charts::chart_menu_ui(ui, chart, rect, cx));
}

/// What each disparity means, for its tooltip.
fn disparity_hint(name: &str) -> &'static str {
    match name {
        "demographic_parity_difference" => {
            "Largest minus smallest selection rate between the groups (0: equal)"
        }
        "demographic_parity_ratio" => "Smallest over largest selection rate (1: equal)",
        "equalized_odds_difference" => {
            "The larger of the TPR and FPR differences between the groups (0: equal)"
        }
        "equalized_odds_ratio" => "The smaller of the TPR and FPR ratios (1: equal)",
        "equal_opportunity_difference" => {
            "Largest minus smallest true positive rate between the groups (0: equal)"
        }
        _ => "",
    }
}

fn disparities_ui(ui: &mut egui::Ui, f: &Fairness) {
    ui.strong("Disparities between groups (95% bootstrap intervals)");
    egui::Grid::new("fair-disparities")
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for (name, (v, ci)) in DISPARITIES.iter().zip(&f.disparities) {
                ui.label(fairness_name(name))
                    .on_hover_text(disparity_hint(name));
                ui.monospace(fmt(*v));
                ui.monospace(egui::RichText::new(fmt_ci(*ci)).weak());
                ui.end_row();
            }
        });
    ui.add_space(4.0);
    ui.label(
        egui::RichText::new(
            "Fairlearn's definitions, between groups: a difference is the largest group's rate minus the smallest's (0 is parity), a ratio the smallest over the largest (1 is parity). Intervals: 1,000 bootstrap resamples of the rows.",
        )
        .weak(),
    );
}

/// One row per group: n and the four rates with their intervals, and a note where
/// a rate is undefined.
fn groups_ui(ui: &mut egui::Ui, table: &EvalTable, f: &Fairness) {
    let positive = table.classes.get(1).cloned().unwrap_or_default();
    egui::Grid::new("fair-groups")
        .striped(true)
        .spacing([18.0, 3.0])
        .show(ui, |ui| {
            ui.strong(&f.column);
            ui.strong("n");
            for r in RATES {
                ui.strong(fairness_name(r));
            }
            ui.strong("note");
            ui.end_row();
            for (g, r) in f.groups.iter().enumerate() {
                ui.label(egui::RichText::new(&r.value).color(model_color(g)).strong());
                ui.monospace(fmt_int(r.n));
                let values = [r.selection_rate, r.tpr, r.fpr, r.accuracy];
                for (i, (v, ci)) in values.iter().zip(&r.ci).enumerate() {
                    let undefined = r.undefined.contains(&RATES[i]);
                    let text = if undefined {
                        format!("{} (undefined)", fmt(Some(*v)))
                    } else {
                        format!("{} {}", fmt(Some(*v)), fmt_ci(*ci))
                    };
                    ui.monospace(text);
                }
                let note = r
                    .undefined
                    .iter()
                    .map(|u| {
                        let why = if *u == "tpr" {
                            "no positives"
                        } else {
                            "no negatives"
                        };
                        format!("{why}: {} shown as 0, as Fairlearn does", fairness_name(u))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                ui.label(note);
                ui.end_row();
            }
        });
    ui.label(
        egui::RichText::new(format!(
            "Selection rate: the share predicted {positive}. TPR: the share of actual {positive} predicted so. FPR: the share of the others predicted {positive}. Rows with a missing prediction take no part."
        ))
        .weak(),
    );
}
