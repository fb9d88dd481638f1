//! Slices: one or two features and a metric give a sortable table of slices with
//! intervals, the difference from the cohort and a flag where a slice is
//! significantly worse after Benjamini-Hochberg; two features also give a heatmap.
//! Clicking a slice makes it the active cohort.

use egui_extras::{Column, TableBuilder};

use super::{View, ViewCtx, fmt, fmt_ci};
use crate::analysis::SliceTable;
use crate::app::{Command, Request};
use crate::brief::chart;
use crate::brief::findings;
use crate::cli::ViewName;
use crate::cohort::Cohort;
use crate::metrics::metric_names;
use crate::slice_report::{SliceRow, SortBy, lower_is_better, sort_rows};

#[derive(Default)]
pub struct SlicesView {
    pub first: Option<String>,
    pub second: Option<String>,
    pub model: usize,
    pub metric: Option<String>,
    pub sort: SortBy,
    pub descending: bool,
    pub selected: Option<usize>,
}

impl View for SlicesView {
    fn id(&self) -> ViewName {
        ViewName::Slices
    }

    fn title(&self) -> &'static str {
        "Slices"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num2)
    }

    fn on_command(&mut self, command: &Command) {
        if matches!(command, Command::ClearSelection) {
            self.selected = None;
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        if super::features_pending_ui(ui, ws) {
            return;
        }
        let table = ws.table.clone();
        let features: Vec<String> = table
            .features
            .iter()
            .filter(|f| f.is_sliceable())
            .map(|f| f.name.clone())
            .collect();
        if features.is_empty() {
            ui.label("This file has no feature columns to slice by.");
            return;
        }
        let metrics = metric_names(&table);
        if self.first.as_ref().is_none_or(|f| !features.contains(f)) {
            // Start with the first two categorical features and the last model (a
            // candidate usually follows its baseline): the view a reviewer wants first.
            let categorical: Vec<&String> = table
                .features
                .iter()
                .filter(|f| f.kind == crate::load::table::FeatureKind::Categorical)
                .map(|f| &f.name)
                .collect();
            self.first = Some(categorical.first().copied().unwrap_or(&features[0]).clone());
            self.second = categorical.get(1).map(|s| s.to_string());
            self.model = table.models.len().saturating_sub(1);
        }
        if self
            .metric
            .as_ref()
            .is_none_or(|m| !metrics.contains(&m.as_str()))
        {
            self.metric = Some(metrics[0].to_string());
        }
        self.model = self.model.min(table.models.len().saturating_sub(1));
        ui.horizontal_wrapped(|ui| {
            ui.label("Slice by");
            let first = self.first.clone().unwrap_or_default();
            egui::ComboBox::from_id_salt("slice-first")
                .selected_text(&first)
                .show_ui(ui, |ui| {
                    for f in &features {
                        ui.selectable_value(&mut self.first, Some(f.clone()), f);
                    }
                });
            ui.label("and");
            egui::ComboBox::from_id_salt("slice-second")
                .selected_text(self.second.clone().unwrap_or_else(|| "(none)".into()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.second, None, "(none)");
                    for f in features.iter().filter(|f| Some(*f) != self.first.as_ref()) {
                        ui.selectable_value(&mut self.second, Some(f.clone()), f);
                    }
                });
            ui.label("model");
            egui::ComboBox::from_id_salt("slice-model")
                .selected_text(&table.models[self.model].name)
                .show_ui(ui, |ui| {
                    for (i, m) in table.models.iter().enumerate() {
                        ui.selectable_value(&mut self.model, i, &m.name);
                    }
                });
            ui.label("metric");
            egui::ComboBox::from_id_salt("slice-metric")
                .selected_text(self.metric.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for m in &metrics {
                        ui.selectable_value(&mut self.metric, Some(m.to_string()), *m);
                    }
                });
        });
        if self.second == self.first {
            self.second = None;
        }
        let mut idx = Vec::new();
        for name in [&self.first, &self.second].into_iter().flatten() {
            if let Ok(i) = table.feature_index(name) {
                idx.push(i);
            }
        }
        let metric = self.metric.clone().unwrap_or_default();
        cx.request(Request::Slices {
            features: idx.clone(),
            model: self.model,
            metric: metric.clone(),
        });
        let Some(st) = super::result_or_spinner(ui, &cx.results.slices, "Computing slices") else {
            return;
        };
        let overall = cx
            .results
            .overview
            .value
            .as_ref()
            .filter(|_| cx.results.overview.is_current(&ws.base_key()))
            .and_then(|o| o.metrics.get(self.model).and_then(|s| s.value(&metric)));
        let flagged = st.rows.iter().filter(|r| r.worse).count();
        let cohort_value = overall.or_else(|| {
            st.eval
                .overall
                .get(self.model)
                .and_then(|s| s.value(&metric))
        });
        ui.label(format!(
            "{} slices · cohort {} = {} · {} significantly worse (Benjamini-Hochberg q < 0.05){}",
            st.rows.len(),
            metric,
            fmt(cohort_value),
            flagged,
            if lower_is_better(&metric) {
                " · lower is better"
            } else {
                ""
            }
        ));
        let sorted = self.sorted(&st.rows, &metric);
        let finding = findings::slice_table(&table, &st, &sorted, self.model, &metric, &cx.scope());
        ui.horizontal(|ui| {
            if let crate::brief::Content::Table { header, rows } = &finding.content {
                super::charts::copy_table_ui(ui, header, rows, cx);
            }
            if ui.button("Pin this slice table to brief").clicked() {
                cx.send(Command::Pin(Box::new(finding.clone())));
            }
        });
        let model_name = table.models[self.model].name.clone();
        let bars = chart::slice_bars(&st, &sorted, &model_name, &metric, cohort_value);
        let heat = cohort_value.and_then(|c| chart::slice_heatmap(&st, &metric, c));
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("slices-scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                if let Some(heat) = &heat {
                    ui.columns(2, |cols| {
                        clicked = self.table_ui(&mut cols[0], &st, &metric);
                        let w = cols[1].available_width();
                        let c =
                            super::charts::chart_ui(&mut cols[1], "slice-heat", heat, w, 300.0, cx);
                        if let (Some((i, j)), Some(h)) = (c.cell, &heat.heat) {
                            clicked = clicked.or_else(|| {
                                st.labels
                                    .iter()
                                    .position(|l| l[0].1 == h.rows[i] && l[1].1 == h.cols[j])
                            });
                        }
                    });
                } else {
                    clicked = self.table_ui(ui, &st, &metric);
                }
                ui.add_space(8.0);
                let w = ui.available_width().min(900.0);
                let c = super::charts::chart_ui(ui, "slice-bars", &bars, w, 300.0, cx);
                if let Some(k) = c.category {
                    let name = &bars.categories[k];
                    clicked = clicked
                        .or_else(|| st.labels.iter().position(|l| chart::slice_name(l) == *name));
                }
            });
        if let Some(g) = clicked {
            self.selected = Some(g);
            cx.send(Command::SetCohort(Cohort::slice_of(
                &ws.active.cohort.filter,
                &st.labels[g],
            )));
        }
    }
}

impl SlicesView {
    fn sorted(&self, rows: &[SliceRow], metric: &str) -> Vec<SliceRow> {
        sort_rows(rows, metric, self.sort, self.descending)
    }

    /// The slice table; returns the group clicked.
    fn table_ui(&mut self, ui: &mut egui::Ui, st: &SliceTable, metric: &str) -> Option<usize> {
        let rows = self.sorted(&st.rows, metric);
        let names: Vec<String> = st
            .labels
            .first()
            .map(|l| l.iter().map(|(c, _)| c.clone()).collect())
            .unwrap_or_default();
        let mut clicked = None;
        // Text in rows must not take the click that selects the row.
        ui.style_mut().interaction.selectable_labels = false;
        let mut builder = TableBuilder::new(ui)
            .id_salt("slice-table")
            .striped(true)
            .sense(egui::Sense::click());
        for _ in &names {
            builder = builder.column(Column::auto().at_least(70.0));
        }
        builder = builder
            .column(Column::auto().at_least(60.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(120.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::remainder().at_least(60.0));
        let mut sort_click = None;
        builder
            .header(22.0, |mut h| {
                for n in &names {
                    h.col(|ui| {
                        ui.strong(n);
                    });
                }
                for (label, key) in [
                    ("n", Some(SortBy::N)),
                    (metric, Some(SortBy::Value)),
                    ("95% CI", None),
                    ("Δ vs cohort", Some(SortBy::Diff)),
                    ("q", Some(SortBy::Q)),
                    ("flag", None),
                ] {
                    h.col(|ui| match key {
                        Some(k) => {
                            let arrow = if self.sort == k {
                                if self.descending { " (desc)" } else { " (asc)" }
                            } else {
                                ""
                            };
                            if ui
                                .button(format!("{label}{arrow}"))
                                .on_hover_text("Sort by this column")
                                .clicked()
                            {
                                sort_click = Some(k);
                            }
                        }
                        None => {
                            ui.strong(label);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let r = &rows[row.index()];
                    row.set_selected(self.selected == Some(r.group));
                    for (_, v) in &st.labels[r.group] {
                        row.col(|ui| {
                            ui.label(v);
                        });
                    }
                    row.col(|ui| {
                        ui.label(crate::format::fmt_int(r.n));
                    });
                    row.col(|ui| {
                        ui.monospace(fmt(r.value));
                    });
                    row.col(|ui| {
                        ui.monospace(fmt_ci(r.ci));
                    });
                    row.col(|ui| {
                        ui.monospace(r.diff.map_or("-".into(), |d| format!("{d:+.4}")));
                    });
                    row.col(|ui| {
                        ui.monospace(r.q_value.map_or("-".into(), crate::format::fmt_p));
                    });
                    row.col(|ui| {
                        if r.worse {
                            ui.colored_label(ui.visuals().error_fg_color, "worse");
                        }
                    });
                    if row.response().clicked() {
                        clicked = Some(r.group);
                    }
                });
            });
        if let Some(k) = sort_click {
            if self.sort == k {
                self.descending = !self.descending;
            } else {
                self.sort = k;
                self.descending = false;
            }
        }
        clicked
    }
}
