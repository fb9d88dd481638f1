//! Compare: a leaderboard of every model (best only where its interval separates
//! from all others'), then a baseline against a candidate on the same rows: metric
//! deltas with paired intervals, the flips 2x2 (each cell opens its rows), McNemar's
//! exact test, a per-slice table with q-values and verdicts, a dumbbell chart, and
//! both models' ROC, precision-recall and calibration curves overlaid.

use egui_extras::{Column, TableBuilder};

use super::{View, ViewCtx, fmt, fmt_ci, model_color};
use crate::analysis::{ComparisonView, Overview};
use crate::app::workspace::Workspace;
use crate::app::{Command, Request};
use crate::brief::{chart, findings};
use crate::cli::ViewName;
use crate::cohort::Cohort;
use crate::compare::{SliceComparison, Verdict};
use crate::metrics::metric_names;
use crate::slice_report::lower_is_better;

#[derive(Default)]
pub struct CompareView {
    pub first: Option<String>,
    pub second: Option<String>,
    pub sort_by_q: bool,
}

/// A metric's best model, where its interval clears every other model's.
fn best_model(ov: &Overview, metric: &str) -> Option<usize> {
    // A signed bias has no "larger is better".
    if metric == "mean_error" {
        return None;
    }
    let lower = lower_is_better(metric);
    let cis: Vec<Option<[f64; 2]>> = ov
        .metrics
        .iter()
        .map(|s| s.get(metric).and_then(|m| m.ci))
        .collect();
    (0..cis.len()).find(|&i| {
        let Some([lo, hi]) = cis[i] else { return false };
        cis.len() > 1
            && cis.iter().enumerate().all(|(j, c)| {
                j == i || c.is_some_and(|[l2, h2]| if lower { hi < l2 } else { lo > h2 })
            })
    })
}

impl View for CompareView {
    fn id(&self) -> ViewName {
        ViewName::Compare
    }

    fn title(&self) -> &'static str {
        "Compare"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num7)
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        let table = ws.table.clone();
        cx.request(Request::Overview);
        let ov = cx.results.overview.value.clone();
        let n_models = table.models.len();
        egui::ScrollArea::vertical().id_salt("compare").auto_shrink(false).show(ui, |ui| {
            if let Some(j) = &ws.join {
                let clean = j.only_in_some == 0 && j.label_disagreements == 0 && j.sources.iter().all(|s| s.2 == 0);
                let color = if clean { ui.visuals().text_color() } else { ui.visuals().warn_fg_color };
                ui.colored_label(color, j.summary());
                ui.separator();
            }
            leaderboard_ui(ui, ws, ov.as_deref(), cx);
            if n_models < 2 {
                ui.label("One model in this file: open a file with two or more models to compare them.");
                return;
            }
            let (b, c) = ws.pair;
            let (mut nb, mut nc) = (b, c);
            ui.separator();
            ui.horizontal(|ui| {
                ui.heading("Baseline");
                egui::ComboBox::from_id_salt("cmp-base").selected_text(&table.models[b].name).show_ui(ui, |ui| {
                    for (i, m) in table.models.iter().enumerate() {
                        ui.selectable_value(&mut nb, i, &m.name);
                    }
                });
                ui.heading("against candidate");
                egui::ComboBox::from_id_salt("cmp-cand").selected_text(&table.models[c].name).show_ui(ui, |ui| {
                    for (i, m) in table.models.iter().enumerate() {
                        ui.selectable_value(&mut nc, i, &m.name);
                    }
                });
            });
            if (nb, nc) != (b, c) {
                cx.send(Command::SetPair(nb, nc));
            }
            if b == c {
                ui.label("Pick two different models.");
                return;
            }
            if super::features_pending_ui(ui, ws) {
                return;
            }
            let features: Vec<String> = table.features.iter().filter(|f| f.is_sliceable()).map(|f| f.name.clone()).collect();
            if self.first.is_none() {
                let graded = table.task == crate::load::Task::Graded;
                self.first = if graded {
                    crate::analysis::category_feature(&table).map(|f| table.features[f].name.clone())
                } else {
                    table.features.iter().find(|f| f.kind == crate::load::table::FeatureKind::Categorical).map(|f| f.name.clone())
                };
            }
            ui.horizontal(|ui| {
                ui.label("Slices by");
                egui::ComboBox::from_id_salt("cmp-first").selected_text(self.first.clone().unwrap_or_else(|| "(none)".into())).show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.first, None, "(none)");
                    for f in &features {
                        ui.selectable_value(&mut self.first, Some(f.clone()), f);
                    }
                });
                ui.label("and");
                egui::ComboBox::from_id_salt("cmp-second").selected_text(self.second.clone().unwrap_or_else(|| "(none)".into())).show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.second, None, "(none)");
                    for f in &features {
                        ui.selectable_value(&mut self.second, Some(f.clone()), f);
                    }
                });
                ui.checkbox(&mut self.sort_by_q, "sort by q (else by delta)");
            });
            if self.second == self.first {
                self.second = None;
            }
            let idx: Vec<usize> = [&self.first, &self.second].into_iter().flatten().filter_map(|n| table.feature_index(n).ok()).collect();
            cx.request(Request::Comparison { features: idx });
            let Some(cv) = super::result_or_spinner(ui, &cx.results.comparison, "Comparing") else {
                return;
            };
            ui.horizontal(|ui| {
                let paired = findings::paired_comparison(&table, &cv.overall, b, c, &cx.scope());
                if ui.button("Pin comparison to brief").clicked() {
                    cx.send(Command::Pin(Box::new(paired.clone())));
                }
                if let crate::brief::Content::Table { header, rows } = &paired.content {
                    super::charts::copy_table_ui(ui, header, rows, cx);
                }
                if !cv.slices.is_empty() {
                    let verdicts = findings::slice_verdicts(&table, &cv, b, c, &cx.scope());
                    if ui.button("Pin per-slice verdicts to brief").clicked() {
                        cx.send(Command::Pin(Box::new(verdicts.clone())));
                    }
                    if let crate::brief::Content::Table { header, rows } = &verdicts.content {
                        ui.menu_button("Copy per-slice table", |ui| {
                            if ui.button("as tab-separated text").clicked() {
                                cx.send(Command::Copy(crate::format::to_tsv(header, rows)));
                                ui.close();
                            }
                            if ui.button("as Markdown").clicked() {
                                cx.send(Command::Copy(crate::format::to_markdown_table(header, rows)));
                                ui.close();
                            }
                        });
                    }
                }
            });
            deltas_ui(ui, ws, &cv, b, c, cx);
            ui.add_space(8.0);
            if table.task == crate::load::Task::Graded {
                review_ui(ui, ws, &cv, b, c, cx);
                ui.add_space(8.0);
            }
            if !cv.slices.is_empty() {
                self.slices_ui(ui, ws, &cv, b, c, cx);
            }
            ui.add_space(8.0);
            curves_ui(ui, ws, ov.as_deref(), b, c, cx);
        });
    }
}

impl CompareView {}

fn leaderboard_ui(ui: &mut egui::Ui, ws: &Workspace, ov: Option<&Overview>, cx: &mut ViewCtx<'_>) {
    let Some(ov) = ov else {
        ui.heading("Leaderboard");
        crate::app::busy::spinner_ui(ui);
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(
            "Leaderboard (95% intervals; best only where its interval clears every other model's)",
        );
        if let crate::brief::Content::Table { header, rows } =
            findings::metrics_table(&ws.table, &ov.metrics, &cx.scope()).content
        {
            super::charts::copy_table_ui(ui, &header, &rows, cx);
        }
    });
    let names = metric_names(&ws.table);
    // Metrics down, models across: any number of models fits.
    let best: Vec<Option<usize>> = names.iter().map(|n| best_model(ov, n)).collect();
    egui::Grid::new("leaderboard")
        .striped(true)
        .spacing([18.0, 3.0])
        .show(ui, |ui| {
            ui.strong("metric");
            for (i, m) in ws.table.models.iter().enumerate() {
                ui.label(egui::RichText::new(&m.name).strong().color(model_color(i)));
            }
            ui.end_row();
            for (k, n) in names.iter().enumerate() {
                ui.label(*n);
                for (i, set) in ov.metrics.iter().enumerate() {
                    let metric = set.get(n);
                    let text = format!(
                        "{} {}",
                        fmt(metric.and_then(|x| x.value)),
                        fmt_ci(metric.and_then(|x| x.ci))
                    );
                    if best[k] == Some(i) {
                        ui.label(
                            egui::RichText::new(format!("{text}  best"))
                                .strong()
                                .monospace(),
                        );
                    } else {
                        ui.monospace(text);
                    }
                }
                ui.end_row();
            }
        });
}

impl CompareView {
    fn slices_ui(
        &self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        cv: &ComparisonView,
        b: usize,
        c: usize,
        cx: &mut ViewCtx<'_>,
    ) {
        let mut rows: Vec<&SliceComparison> = cv.slices.iter().collect();
        let headline = cv.overall.headline().map_or("accuracy", |d| d.name);
        let delta = |s: &SliceComparison| s.comparison.improvement().unwrap_or(0.0);
        if self.sort_by_q {
            rows.sort_by(|x, y| x.q_value.total_cmp(&y.q_value));
        } else {
            rows.sort_by(|x, y| delta(x).total_cmp(&delta(y)));
        }
        let regressions = cv
            .slices
            .iter()
            .filter(|s| s.verdict == Verdict::Regression)
            .count();
        ui.heading(format!(
            "Per slice: {}, {}, Benjamini-Hochberg q · {} regression(s), {} improvement(s)",
            headline,
            if ws.table.task == crate::load::Task::Ranking {
                "sign-flip permutation test"
            } else if cv.overall.paired_p.is_some() {
                "paired test"
            } else {
                "McNemar"
            },
            regressions,
            cv.slices
                .iter()
                .filter(|s| s.verdict == Verdict::Improvement)
                .count()
        ));
        let names: Vec<String> = cv
            .labels
            .first()
            .map(|l| l.iter().map(|(c, _)| c.clone()).collect())
            .unwrap_or_default();
        let mut clicked = None;
        ui.vertical(|ui| {
            ui.style_mut().interaction.selectable_labels = false;
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            let mut builder = TableBuilder::new(ui)
                .id_salt("cmp-slices")
                .striped(true)
                .sense(egui::Sense::click())
                .max_scroll_height(360.0);
            for _ in &names {
                builder = builder.column(Column::auto().at_least(60.0));
            }
            // Graded: each slice's minimum detectable difference beside its verdict.
            let graded = cv.overall.metrics.iter().any(|d| d.mde.is_some());
            let widths: &[f32] = if graded {
                &[56.0, 64.0, 64.0, 190.0, 64.0, 76.0, 76.0, 90.0]
            } else {
                &[56.0, 64.0, 64.0, 190.0, 76.0, 76.0, 90.0]
            };
            for &w in widths {
                builder = builder.column(Column::auto().at_least(w));
            }
            let p_name = if cv.overall.paired_p.is_some() { "paired p" } else { "McNemar p" };
            let mut heads: Vec<&str> = vec![
                "n",
                &ws.table.models[b].name,
                &ws.table.models[c].name,
                "delta [95% CI]",
            ];
            if graded {
                heads.push("MDE");
            }
            heads.extend([p_name, "q", "verdict"]);
            builder
                .header(20.0, |mut h| {
                    for t in names.iter().map(String::as_str).chain(heads.iter().copied()) {
                        h.col(|ui| {
                            ui.strong(t);
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, rows.len(), |mut row| {
                        let s = rows[row.index()];
                        let d = s.comparison.headline();
                        for (_, v) in &cv.labels[s.group] {
                            row.col(|ui| {
                                ui.label(v);
                            });
                        }
                        row.col(|ui| {
                            ui.label(crate::format::fmt_int(s.comparison.n));
                        });
                        row.col(|ui| {
                            ui.monospace(fmt(d.and_then(|d| d.baseline)));
                        });
                        row.col(|ui| {
                            ui.monospace(fmt(d.and_then(|d| d.candidate)));
                        });
                        row.col(|ui| {
                            ui.monospace(format!(
                                "{} {}",
                                d.and_then(|d| d.delta)
                                    .map_or("-".into(), |x| format!("{x:+.4}")),
                                fmt_ci(d.and_then(|d| d.ci))
                            ));
                        });
                        if graded {
                            row.col(|ui| {
                                ui.monospace(fmt(d.and_then(|d| d.mde)))
                                    .on_hover_text("minimum detectable difference at 80% power for this slice's examples");
                            });
                        }
                        row.col(|ui| {
                            ui.monospace(crate::format::fmt_p(s.comparison.verdict_p()));
                        });
                        row.col(|ui| {
                            ui.monospace(crate::format::fmt_p(s.q_value));
                        });
                        row.col(|ui| match s.verdict {
                            Verdict::Regression => {
                                ui.colored_label(ui.visuals().error_fg_color, "regression");
                            }
                            Verdict::Improvement => {
                                ui.colored_label(
                                    egui::Color32::from_rgb(52, 180, 120),
                                    "improvement",
                                );
                            }
                            Verdict::NoChange => {
                                ui.label("no change");
                            }
                        });
                        if row.response().clicked() {
                            clicked = Some(s.group);
                        }
                    });
                });
            // Forest plot: each slice's delta with its interval, in the table's order.
            ui.add_space(6.0);
            let order: Vec<usize> = rows
                .iter()
                .filter_map(|s| cv.slices.iter().position(|x| x.group == s.group))
                .collect();
            let forest = chart::forest_of_deltas(
                cv,
                &order,
                &ws.table.models[b].name,
                &ws.table.models[c].name,
            );
            let w = ui.available_width().min(900.0);
            let hit = super::charts::chart_ui(ui, "cmp-forest", &forest, w, 300.0, cx);
            if let Some(k) = hit.category
                && let Some(&i) = order.get(k)
            {
                clicked = Some(cv.slices[i].group);
            }
        });
        if let Some(g) = clicked {
            cx.send(Command::SetCohort(Cohort::slice_of(
                &ws.active.cohort.filter,
                &cv.labels[g],
            )));
        }
    }
}

fn deltas_ui(
    ui: &mut egui::Ui,
    ws: &Workspace,
    cv: &ComparisonView,
    b: usize,
    c: usize,
    cx: &mut ViewCtx<'_>,
) {
    let (bn, cn) = (&ws.table.models[b].name, &ws.table.models[c].name);
    let f = cv.overall.flips;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.strong(format!(
                "{cn} minus {bn} on {} {} (paired 95% intervals)",
                crate::format::fmt_int(cv.overall.n),
                ws.table.task.unit()
            ));
            egui::Grid::new("cmp-deltas")
                .striped(true)
                .spacing([14.0, 2.0])
                .show(ui, |ui| {
                    let graded = cv.overall.metrics.iter().any(|d| d.mde.is_some());
                    for h in ["metric", bn.as_str(), cn.as_str(), "delta", "95% CI"] {
                        ui.strong(h);
                    }
                    if graded {
                        ui.strong(if ws.table.clusters.is_some() { "SE (clustered)" } else { "SE" });
                        ui.strong("MDE (80% power)")
                            .on_hover_text("The smallest true difference these examples would detect 4 times in 5 (paired, alpha 0.05)");
                    }
                    ui.end_row();
                    for d in &cv.overall.metrics {
                        ui.label(d.name);
                        ui.monospace(fmt(d.baseline));
                        ui.monospace(fmt(d.candidate));
                        ui.monospace(d.delta.map_or("-".into(), |x| format!("{x:+.4}")));
                        ui.monospace(fmt_ci(d.ci));
                        if graded {
                            ui.monospace(fmt(d.se));
                            ui.monospace(fmt(d.mde));
                        }
                        ui.end_row();
                    }
                });

        });
        ui.add_space(24.0);
        if ws.table.task == crate::load::Task::Ranking {
            ui.vertical(|ui| {
                ui.strong(format!(
                    "Queries by {}",
                    cv.overall.headline().map_or("NDCG", |d| d.name)
                ));
                ui.label(format!(
                    "{cn} ranks better on {}, {bn} on {}, tied on {}",
                    crate::format::fmt_int(f.candidate_only),
                    crate::format::fmt_int(f.baseline_only),
                    crate::format::fmt_int(f.both_correct)
                ));
                let d = cv.overall.improvement().unwrap_or(0.0);
                let p = cv.overall.verdict_p();
                ui.label(if p < 0.05 {
                    format!(
                        "{cn} is significantly {} (sign-flip permutation p = {}; sign test p = {})",
                        if d > 0.0 { "better" } else { "worse" },
                        crate::format::fmt_p(p),
                        crate::format::fmt_p(cv.overall.mcnemar_p)
                    )
                } else {
                    format!(
                        "No significant difference (sign-flip permutation p = {})",
                        crate::format::fmt_p(p)
                    )
                });
            });
            return;
        }
        ui.vertical(|ui| {
            ui.strong("Flips (click a cell for its rows)");
            let cell = |ui: &mut egui::Ui, n: u64, ok_b: bool, ok_c: bool, cx: &mut ViewCtx<'_>| {
                if ui
                    .button(crate::format::fmt_int(n))
                    .on_hover_text("Open these rows in Examples")
                    .clicked()
                {
                    cx.send(Command::ShowFlip(b, c, ok_b, ok_c));
                    cx.send(Command::SetView(ViewName::Examples));
                }
            };
            egui::Grid::new("flips")
                .spacing([14.0, 6.0])
                .show(ui, |ui| {
                    ui.label("");
                    ui.strong(format!("{cn} right"));
                    ui.strong(format!("{cn} wrong"));
                    ui.end_row();
                    ui.strong(format!("{bn} right"));
                    cell(ui, f.both_correct, true, true, cx);
                    cell(ui, f.baseline_only, true, false, cx);
                    ui.end_row();
                    ui.strong(format!("{bn} wrong"));
                    cell(ui, f.candidate_only, false, true, cx);
                    cell(ui, f.both_wrong, false, false, cx);
                    ui.end_row();
                });
            let d = cv.overall.improvement().unwrap_or(0.0);
            let p = cv.overall.mcnemar_p;
            let verdict = if p < 0.05 && d > 0.0 {
                format!(
                    "{cn} is significantly better (McNemar exact p = {})",
                    crate::format::fmt_p(p)
                )
            } else if p < 0.05 && d < 0.0 {
                format!(
                    "{cn} is significantly worse (McNemar exact p = {})",
                    crate::format::fmt_p(p)
                )
            } else {
                format!("No significant difference (McNemar exact p = {p:.3})")
            };
            ui.label(verdict);
        });
    });
    if let Some(d) = cv.overall.headline().filter(|d| d.mde.is_some()) {
        ui.add(
            egui::Label::new(crate::compare::power_sentence(
                d,
                cv.overall.n,
                ws.table.task.unit(),
            ))
            .wrap(),
        );
    }
}

fn curves_ui(
    ui: &mut egui::Ui,
    ws: &Workspace,
    ov: Option<&Overview>,
    b: usize,
    c: usize,
    cx: &mut ViewCtx<'_>,
) {
    let Some(ov) = ov else {
        return;
    };
    if ov.curves.len() <= b.max(c) || ov.curves[b].roc.is_empty() {
        return;
    }
    let width = ((ui.available_width() - 24.0) / 3.0).max(220.0);
    let name = |m: usize| ws.table.models[m].name.clone();
    let roc = chart::roc(vec![
        (name(b), ov.curves[b].roc.clone()),
        (name(c), ov.curves[c].roc.clone()),
    ]);
    let pr = chart::precision_recall(vec![
        (name(b), ov.curves[b].pr.clone()),
        (name(c), ov.curves[c].pr.clone()),
    ]);
    let cal = chart::reliability(vec![
        (name(b), ov.calibration[b].clone()),
        (name(c), ov.calibration[c].clone()),
    ]);
    ui.horizontal_top(|ui| {
        super::charts::chart_ui(ui, "cmp-roc", &roc, width, width * 0.8, cx);
        super::charts::chart_ui(ui, "cmp-pr", &pr, width, width * 0.8, cx);
        super::charts::chart_ui(ui, "cmp-cal", &cal, width, width * 0.8, cx);
    });
}

/// Graded: the examples the baseline passes and the candidate fails, the largest
/// score drop first; each can be opened, marked reviewed and tagged (saved in
/// the session).
fn review_ui(
    ui: &mut egui::Ui,
    ws: &Workspace,
    cv: &ComparisonView,
    b: usize,
    c: usize,
    cx: &mut ViewCtx<'_>,
) {
    let (bn, cn) = (&ws.table.models[b].name, &ws.table.models[c].name);
    let key = |r: u32| ws.table.row_index.get(r as usize).map_or(0, |&f| f + 1);
    let done = cv
        .review
        .iter()
        .filter(|i| ws.reviewed.contains(&key(i.row)))
        .count();
    ui.heading(format!(
        "Review queue: {} examples {bn} passes and {cn} fails, largest score drop first · {done} reviewed",
        crate::format::fmt_int(cv.review.len() as u64)
    ));
    if cv.review.is_empty() {
        ui.label("Nothing to review: the candidate fails no example the baseline passes.");
        return;
    }
    let id_col = ws
        .table
        .id_column
        .as_deref()
        .and_then(|c| ws.frame.get_column_index(c));
    let prompt_col = ["prompt", "question", "input", "instruction"]
        .iter()
        .find_map(|n| {
            let names: Vec<String> = ws
                .frame
                .get_column_names()
                .iter()
                .map(|c| c.to_string())
                .collect();
            crate::load::roles::find_column(&names, n).and_then(|c| ws.frame.get_column_index(c))
        });
    let mut open = None;
    ui.push_id("review", |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        TableBuilder::new(ui)
            .id_salt("review-queue")
            .striped(true)
            .max_scroll_height(320.0)
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::initial(320.0).clip(true).resizable(true))
            .column(Column::initial(150.0).clip(true))
            .column(Column::initial(150.0).clip(true))
            .column(Column::auto().at_least(60.0))
            .column(Column::auto().at_least(160.0))
            .header(20.0, |mut h| {
                for t in [
                    "",
                    "example",
                    "id",
                    "prompt",
                    bn.as_str(),
                    cn.as_str(),
                    "drop",
                    "tags",
                ] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, cv.review.len(), |mut row| {
                    let item = cv.review[row.index()];
                    let r = item.row as usize;
                    let k = key(item.row);
                    let file_row = k.saturating_sub(1) as usize;
                    row.col(|ui| {
                        let mut on = ws.reviewed.contains(&k);
                        if ui
                            .checkbox(&mut on, "reviewed")
                            .on_hover_text("Mark reviewed")
                            .changed()
                        {
                            cx.send(Command::SetReviewed { row: k, on });
                        }
                    });
                    row.col(|ui| {
                        if ui
                            .link(format!("#{}", r + 1))
                            .on_hover_text("Open in the example inspector")
                            .clicked()
                        {
                            open = Some(item.row);
                        }
                    });
                    row.col(|ui| {
                        if let Some(ci) = id_col {
                            ui.label(crate::examples::cell_preview(&ws.frame, ci, file_row, 40).0);
                        }
                    });
                    row.col(|ui| {
                        if let Some(ci) = prompt_col {
                            let text =
                                crate::examples::cell_preview(&ws.frame, ci, file_row, 200).0;
                            ui.add(
                                egui::Label::new(text.lines().next().unwrap_or("").to_string())
                                    .truncate(),
                            );
                        }
                    });
                    for m in [b, c] {
                        row.col(|ui| {
                            let (text, ok) =
                                super::examples::prediction(&ws.table, m, r, ws.threshold);
                            let color = if ok == Some(true) {
                                egui::Color32::from_rgb(22, 163, 74)
                            } else {
                                ui.visuals().error_fg_color
                            };
                            ui.colored_label(color, text);
                        });
                    }
                    row.col(|ui| {
                        ui.monospace(if item.drop.is_nan() {
                            "-".into()
                        } else {
                            format!("{:+.2}", item.drop)
                        });
                    });
                    row.col(|ui| {
                        ui.menu_button(
                            ws.example_tags.get(&k).map_or("tag…".to_string(), |t| {
                                if t.is_empty() {
                                    "tag…".into()
                                } else {
                                    t.join(", ")
                                }
                            }),
                            |ui| {
                                for t in &ws.tags {
                                    let mut on = ws
                                        .example_tags
                                        .get(&k)
                                        .is_some_and(|x| x.contains(&t.name));
                                    if ui.checkbox(&mut on, &t.name).changed() {
                                        cx.send(Command::SetExampleTag {
                                            row: k,
                                            tag: t.name.clone(),
                                            on,
                                        });
                                    }
                                }
                            },
                        );
                    });
                });
            });
    });
    if let Some(r) = open {
        cx.send(Command::SelectExample(r));
        cx.send(Command::SetView(ViewName::Examples));
    }
}
