//! The mapping form shown before a file is opened: when its roles cannot be
//! inferred (no column named like a label, say), or when asked for (File > Open
//! with mapping…). It reads the file's first rows, shows them, and checks the
//! mapping being chosen against them as it changes, saying what it would give or
//! what is missing; Open loads the file with it (and remembers it for the file).

use std::path::PathBuf;
use std::sync::Arc;

use polars::prelude::DataFrame;

use super::FaultlineApp;
use super::commands::Command;
use super::tasks::{Done, TaskKind};
use super::views::mapping::{Columns, Draft, draft_ui};
use crate::load::Mapping;
use crate::load::preview;

/// A check of a draft: the draft, what it gives (or what is missing), the label's
/// values and the task it decodes to.
type Check = (
    Draft,
    Result<String, String>,
    Vec<String>,
    Option<crate::load::Task>,
);

/// A file waiting for its mapping.
pub struct OpenForm {
    pub paths: Vec<PathBuf>,
    pub head: Arc<DataFrame>,
    pub draft: Draft,
    /// Why the form opened (the load's error), if it did not open on request.
    pub reason: Option<String>,
    /// The last check: the draft it was made for, what it said, the label's
    /// values and the task it found.
    checked: Option<Check>,
}

impl FaultlineApp {
    /// Reads the first rows of `paths[0]` in the background, then shows the form.
    pub(super) fn start_preview(
        &mut self,
        paths: Vec<PathBuf>,
        mapping: Mapping,
        reason: Option<String>,
    ) {
        let Some(first) = paths.first().cloned() else {
            return;
        };
        let read = self.read.clone();
        self.tasks.start(
            TaskKind::Load,
            format!("Reading the first rows of {}", first.display()),
            move |control| {
                let options = crate::load::read::ReadOptions {
                    control: control.clone(),
                    ..read
                };
                let head = crate::load::read::read_head(&first, &options, preview::ROWS);
                Done::Preview(Box::new((paths, mapping, reason, head)))
            },
        );
    }

    pub(super) fn preview_done(
        &mut self,
        paths: Vec<PathBuf>,
        mapping: Mapping,
        reason: Option<String>,
        head: crate::Result<DataFrame>,
    ) {
        match head {
            Ok(head) => {
                let mut draft = Draft::new(&mapping, None);
                let path = paths.first().cloned().unwrap_or_default();
                // Start from what the names say; guess the label if they say nothing.
                match preview::check(&path, &head, &mapping) {
                    Ok((t, _)) => draft = Draft::new(&mapping, Some(&t)),
                    Err(_) if draft.label.is_none() => {
                        draft.label = preview::suggest_label(&head);
                        // With the guessed label, the names may say the rest.
                        let guessed = Mapping {
                            label: draft.label.clone(),
                            ..mapping.clone()
                        };
                        if let Ok((t, _)) = preview::check(&path, &head, &guessed) {
                            draft = Draft::new(&guessed, Some(&t));
                        }
                    }
                    Err(_) => {}
                }
                self.open_form = Some(OpenForm {
                    paths,
                    head: Arc::new(head),
                    draft,
                    reason,
                    checked: None,
                });
            }
            Err(e) => self.notices.error(format!(
                "Could not read {}: {e}",
                paths
                    .first()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            )),
        }
    }

    /// The form, in place of the views.
    pub(super) fn open_form_ui(&mut self, ui: &mut egui::Ui) {
        let Some(form) = &mut self.open_form else {
            return;
        };
        let path = form.paths.first().cloned().unwrap_or_default();
        let names: Vec<String> = form
            .head
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        // Check the draft against the first rows whenever it changed.
        if form.checked.as_ref().is_none_or(|c| c.0 != form.draft) {
            let result = preview::check(&path, &form.head, &form.draft.mapping());
            let (label_values, task) = match &result {
                Ok((t, _)) => (t.classes.clone(), Some(t.task)),
                Err(_) => (Vec::new(), None),
            };
            form.checked = Some((
                form.draft.clone(),
                result.map(|r| r.1).map_err(|e| e.to_string()),
                label_values,
                task,
            ));
        }
        let (ok, note, label_values, task) = match &form.checked {
            Some((_, Ok(s), v, t)) => (true, s.clone(), v.clone(), *t),
            Some((_, Err(e), v, t)) => (false, e.clone(), v.clone(), *t),
            None => (false, String::new(), Vec::new(), None),
        };
        let mut go = None;
        let mut cancel = false;
        egui::ScrollArea::vertical()
            .id_salt("open-form")
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.heading(format!(
                    "Open {}: which column is what?",
                    form.paths
                        .iter()
                        .map(|p| p.file_name().map_or_else(
                            || p.display().to_string(),
                            |n| n.to_string_lossy().into_owned()
                        ))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ));
                if let Some(r) = &form.reason {
                    ui.label(
                        egui::RichText::new(format!("It did not open by its column names: {r}"))
                            .weak(),
                    );
                }
                ui.add_space(4.0);
                let cols = Columns {
                    names: &names,
                    label_values,
                    inferred_task: task,
                    kind: &|_| None,
                };
                ui.columns(2, |c| {
                    draft_ui(&mut c[0], "open", &mut form.draft, &cols);
                    let note_color = if ok {
                        egui::Color32::from_rgb(22, 163, 74)
                    } else {
                        c[1].visuals().error_fg_color
                    };
                    c[1].strong(if ok { "Ready" } else { "Missing" });
                    c[1].colored_label(note_color, &note);
                    c[1].add_space(8.0);
                    c[1].horizontal(|ui| {
                        if ui.add_enabled(ok, egui::Button::new("Open")).clicked() {
                            go = Some(form.draft.mapping());
                        }
                        if ui.button("Cancel").clicked() {
                            cancel = true;
                        }
                    });
                });
                ui.separator();
                ui.strong(format!("First {} rows", form.head.height().min(20)));
                preview_table_ui(ui, &form.head, &names);
            });
        if let Some(mapping) = go {
            let paths = form.paths.clone();
            self.commands.push(Command::OpenMapped(paths, mapping));
        }
        if cancel {
            self.open_form = None;
        }
    }
}

/// The first rows, every column, scrolling sideways.
fn preview_table_ui(ui: &mut egui::Ui, head: &DataFrame, names: &[String]) {
    use egui_extras::{Column, TableBuilder};
    let rows = head.height().min(20);
    egui::ScrollArea::horizontal()
        .id_salt("open-preview")
        .show(ui, |ui| {
            let mut t = TableBuilder::new(ui)
                .id_salt("open-preview-table")
                .striped(true);
            for _ in names {
                t = t.column(Column::auto().at_least(60.0).clip(true));
            }
            t.header(20.0, |mut h| {
                for n in names {
                    h.col(|ui| {
                        ui.strong(n);
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, rows, |mut row| {
                    let r = row.index();
                    for ci in 0..names.len() {
                        row.col(|ui| {
                            let (text, _) = crate::examples::cell_preview(head, ci, r, 60);
                            ui.label(text);
                        });
                    }
                });
            });
        });
}
