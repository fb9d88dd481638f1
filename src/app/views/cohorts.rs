//! Cohorts: a filter builder (any column; =, !=, in, <, <=, >, >=, between,
//! contains, regex, is missing; AND/OR groups), named saved cohorts, and the
//! button that makes a filter the active cohort.

use super::{View, ViewCtx};
use crate::app::Command;
use crate::cli::ViewName;
use crate::cohort::{Cohort, Combine, Condition, Filter, FilterGroup, Op};

#[derive(Default)]
pub struct CohortsView {
    pub draft: FilterGroup,
    pub name: String,
    loaded_from: Option<u64>,
}

impl View for CohortsView {
    fn id(&self) -> ViewName {
        ViewName::Cohorts
    }

    fn title(&self) -> &'static str {
        "Cohorts"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num4)
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        // Start from the active cohort the first time, and whenever it changes.
        if self.loaded_from != Some(ws.active.version) {
            self.draft = ws.active.cohort.filter.clone();
            self.name = if ws.active.cohort.filter.is_empty() {
                String::new()
            } else {
                ws.active.cohort.name.clone()
            };
            self.loaded_from = Some(ws.active.version);
        }
        let columns: Vec<String> = ws
            .frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        ui.heading("Cohort builder");
        ui.label(format!(
            "Active cohort: {} ({} rows)",
            ws.active.cohort.filter.describe(),
            crate::format::fmt_int(ws.active.rows as u64)
        ));
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("cohort-builder")
            .max_height(ui.available_height() * 0.6)
            .show(ui, |ui| {
                group_ui(ui, &mut self.draft, &columns, 0, "root");
            });
        ui.horizontal(|ui| {
            if ui.button("Add condition").clicked() {
                self.draft.items.push(Filter::Cond(Condition {
                    column: columns.first().cloned().unwrap_or_default(),
                    ..Default::default()
                }));
            }
            if ui
                .button("Add group")
                .on_hover_text("A nested group with its own AND/OR")
                .clicked()
            {
                self.draft.items.push(Filter::Group(FilterGroup {
                    combine: Combine::Any,
                    items: vec![Filter::Cond(Condition {
                        column: columns.first().cloned().unwrap_or_default(),
                        ..Default::default()
                    })],
                }));
            }
            if ui.button("Reset").clicked() {
                self.draft = FilterGroup::default();
            }
        });
        ui.horizontal(|ui| {
            ui.label("Name");
            ui.add(
                egui::TextEdit::singleline(&mut self.name)
                    .hint_text("e.g. east tablets")
                    .desired_width(200.0),
            );
            let name = if self.name.trim().is_empty() {
                self.draft.describe()
            } else {
                self.name.trim().to_string()
            };
            if ui.button("Apply as active cohort").clicked() {
                cx.send(Command::SetCohort(Cohort {
                    name: name.clone(),
                    filter: self.draft.clone(),
                }));
            }
            if ui
                .button("Save cohort")
                .on_hover_text("Keep it in the list of saved cohorts for this file")
                .clicked()
            {
                cx.send(Command::SaveCohort(Cohort {
                    name,
                    filter: self.draft.clone(),
                }));
            }
            if ws.pending_cohort.is_some() {
                crate::app::busy::spinner_ui(ui);
            }
        });
        if let Some(err) = &ws.cohort_error {
            ui.colored_label(ui.visuals().error_fg_color, err);
        }
        ui.separator();
        ui.heading("Saved cohorts");
        let saved = ws.saved_cohorts.clone();
        if saved.is_empty() {
            ui.label("None yet: build a filter, name it and press Save cohort.");
        }
        egui::Grid::new("saved-cohorts")
            .striped(true)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for c in saved {
                    ui.strong(&c.name);
                    ui.label(c.filter.describe());
                    if ui.button("Activate").clicked() {
                        cx.send(Command::SetCohort(c.clone()));
                    }
                    if ui.button("Edit").clicked() {
                        self.draft = c.filter.clone();
                        self.name = c.name.clone();
                    }
                    if ui.button("Delete").clicked() {
                        cx.send(Command::DeleteCohort(c.name.clone()));
                    }
                    ui.end_row();
                }
            });
    }
}

/// The filter builder of one group (nested groups indented); the Spark panel
/// uses it too.
pub fn group_ui(
    ui: &mut egui::Ui,
    group: &mut FilterGroup,
    columns: &[String],
    depth: usize,
    id: &str,
) {
    ui.horizontal(|ui| {
        ui.label("Match");
        ui.radio_value(&mut group.combine, Combine::All, "all (AND)");
        ui.radio_value(&mut group.combine, Combine::Any, "any (OR)");
    });
    let mut remove = None;
    for (i, item) in group.items.iter_mut().enumerate() {
        let item_id = format!("{id}-{i}");
        match item {
            Filter::Cond(c) => {
                ui.horizontal(|ui| {
                    ui.add_space(16.0 * depth as f32);
                    egui::ComboBox::from_id_salt(format!("{item_id}-col"))
                        .selected_text(&c.column)
                        .width(150.0)
                        .show_ui(ui, |ui| {
                            for col in columns {
                                ui.selectable_value(&mut c.column, col.clone(), col);
                            }
                        });
                    egui::ComboBox::from_id_salt(format!("{item_id}-op"))
                        .selected_text(c.op.label())
                        .width(90.0)
                        .show_ui(ui, |ui| {
                            for op in Op::ALL {
                                ui.selectable_value(&mut c.op, op, op.label());
                            }
                        });
                    if c.op.arity() >= 1 {
                        let hint = if c.op == Op::In { "a, b, c" } else { "value" };
                        ui.add(
                            egui::TextEdit::singleline(&mut c.value)
                                .hint_text(hint)
                                .desired_width(140.0),
                        );
                    }
                    if c.op.arity() == 2 {
                        ui.label("and");
                        ui.add(
                            egui::TextEdit::singleline(&mut c.value2)
                                .hint_text("value")
                                .desired_width(100.0),
                        );
                    }
                    if ui
                        .button("Remove")
                        .on_hover_text("Remove this condition")
                        .clicked()
                    {
                        remove = Some(i);
                    }
                });
            }
            Filter::Group(g) => {
                ui.horizontal(|ui| {
                    ui.add_space(16.0 * depth as f32);
                    ui.label("Group:");
                    if ui.button("Remove group").clicked() {
                        remove = Some(i);
                    }
                });
                ui.indent(item_id.clone(), |ui| {
                    group_ui(ui, g, columns, depth + 1, &item_id);
                    if ui.button("Add condition to group").clicked() {
                        g.items.push(Filter::Cond(Condition {
                            column: columns.first().cloned().unwrap_or_default(),
                            ..Default::default()
                        }));
                    }
                });
            }
        }
    }
    if let Some(i) = remove {
        group.items.remove(i);
    }
}
