//! The menu bar and the status bar, drawn from the command registry and the view
//! registry: the views as tabs, the open data and active cohort, and every running
//! job with its progress and Cancel.

use std::path::PathBuf;

use super::FaultlineApp;
use super::actions::{ACTIONS, Menu};
use super::commands::Command;
use crate::format::fmt_int;

impl FaultlineApp {
    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for a in ACTIONS.iter().filter(|a| a.menu == Menu::File) {
                    if a.separated {
                        ui.separator();
                    }
                    if a.button_ui(ui) {
                        self.commands.push((a.command)());
                        ui.close();
                    }
                    if a.label == "Open path…" {
                        self.recent_files_ui(ui);
                    }
                }
            });
            ui.menu_button("View", |ui| {
                for v in self.views.iter() {
                    let text = ui.ctx().format_shortcut(&v.shortcut());
                    let button = egui::Button::selectable(self.view == v.id(), v.title())
                        .shortcut_text(text);
                    if ui.add(button).clicked() {
                        self.commands.push(Command::SetView(v.id()));
                        ui.close();
                    }
                }
                for a in ACTIONS.iter().filter(|a| a.menu == Menu::View) {
                    if a.separated {
                        ui.separator();
                    }
                    if a.button_ui(ui) {
                        self.commands.push((a.command)());
                        ui.close();
                    }
                }
            });
        });
    }

    fn recent_files_ui(&mut self, ui: &mut egui::Ui) {
        ui.menu_button("Recent files", |ui| {
            if self.settings.recent.is_empty() {
                ui.label("No recent files");
            }
            for p in &self.settings.recent {
                if ui.button(p.display().to_string()).clicked() {
                    self.commands.push(Command::OpenPaths(vec![p.clone()]));
                    ui.close();
                }
            }
        });
    }

    pub(super) fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            // A Spark source has one panel; the views need a file's rows.
            let views = if self.spark_status().is_none() {
                self.views.iter().collect::<Vec<_>>()
            } else {
                Vec::new()
            };
            for v in views {
                let r = ui
                    .selectable_label(self.view == v.id(), v.title())
                    .on_hover_text(ui.ctx().format_shortcut(&v.shortcut()));
                if r.clicked() {
                    self.commands.push(Command::SetView(v.id()));
                }
            }
            ui.separator();
            if let Some(ws) = &self.workspace {
                ui.label(egui::RichText::new(&ws.name).strong());
                ui.label(format!(
                    "{} · {} rows",
                    ws.table.task.as_str(),
                    fmt_int(ws.table.len() as u64)
                ));
                ui.separator();
                let c = &ws.active;
                let text = format!(
                    "Cohort: {} — {} rows",
                    if c.cohort.filter.is_empty() {
                        "all rows".to_string()
                    } else {
                        c.cohort.name.clone()
                    },
                    fmt_int(c.rows as u64)
                );
                ui.label(egui::RichText::new(text).color(ui.visuals().hyperlink_color))
                    .on_hover_text(c.cohort.filter.describe());
                if !c.cohort.filter.is_empty() && ui.button("Clear cohort").clicked() {
                    self.commands.push(Command::ClearCohort);
                }
            } else if let Some(text) = self.spark_status() {
                ui.label(egui::RichText::new(text).strong());
            } else if !self.tasks.is_running(super::tasks::TaskKind::Load) {
                ui.label("No file open: File > Open, drop a file here, or File > Open path.");
            }
            self.tasks_ui(ui);
        });
    }

    /// The open Spark source, for the status bar.
    fn spark_status(&self) -> Option<String> {
        #[cfg(feature = "spark")]
        if let Some(p) = &self.spark {
            return Some(format!(
                "Spark: {} · {} · cohort: {}",
                p.table.source().display(),
                p.table.table().task.as_str(),
                p.cohort.filter.describe()
            ));
        }
        None
    }

    /// Running jobs: a spinner while any view's numbers are computed, and for the
    /// jobs a user starts (loading, a search, an export) their progress and Cancel.
    /// Only once the window has been busy for `busy::QUIET`: most jobs end
    /// sooner, and each line appearing costs frames (egui draws a new widget
    /// twice more) that would take CPU from the job.
    fn tasks_ui(&mut self, ui: &mut egui::Ui) {
        if crate::app::busy::quiet_left(ui.ctx()).is_some() {
            return;
        }
        let computing = self.tasks.iter().any(|t| !t.kind.user_cancellable());
        if computing {
            ui.spinner();
            ui.label("computing…");
        }
        for t in self.tasks.iter().filter(|t| t.kind.user_cancellable()) {
            ui.separator();
            ui.spinner();
            let (stage, done, total) = t.control.progress();
            let progress = if total > 0 {
                format!(" {stage} {:.0}%", 100.0 * done as f64 / total as f64)
            } else if !stage.is_empty() {
                format!(" {stage}")
            } else {
                String::new()
            };
            ui.label(format!(
                "{} …{progress} {:.1} s",
                t.label,
                t.started.elapsed().as_secs_f32()
            ));
            if ui
                .button("Cancel")
                .on_hover_text(format!("Stop: {}", t.label))
                .clicked()
            {
                self.commands.push(Command::Cancel(t.kind));
            }
        }
    }

    /// File > Open Spark table: the table or path, and the server.
    pub(super) fn open_spark_ui(&mut self, ctx: &egui::Context) {
        let Some((source, connect)) = &mut self.dialogs.open_spark else {
            return;
        };
        let mut open = true;
        let mut go = false;
        egui::Window::new("Open Spark table")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label("A table of the session's catalog (db.table) or a Parquet path the cluster can read.");
                let r = labelled_field(ui, "Table or path", source, "evals.predictions or /data/evals.parquet");
                let r2 = labelled_field(ui, "Spark Connect server", connect, "sc://HOST:PORT");
                let enter = (r.lost_focus() || r2.lost_focus())
                    && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.label("Only aggregates and pages of rows come back; nothing is written to the cluster.");
                if ui.button("Open").clicked() || enter {
                    go = true;
                }
            });
        if go && !source.trim().is_empty() {
            let command = Command::OpenSpark {
                source: source.clone(),
                connect: connect.clone(),
            };
            self.commands.push(command);
        } else if !open {
            self.dialogs.open_spark = None;
        }
    }

    pub(super) fn open_path_ui(&mut self, ctx: &egui::Context) {
        if let Some(p) = super::session_io::path_box_ui(
            ctx,
            "Open path",
            "Path of an evaluation file (.csv .tsv .parquet .json .jsonl .arrow);\nseveral paths separated by ; are joined on their id column:",
            "Open",
            &mut self.dialogs.open_path,
        ) {
            let paths: Vec<PathBuf> = p
                .to_string_lossy()
                .split(';')
                .map(|s| PathBuf::from(s.trim()))
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
            self.commands.push(Command::OpenPaths(paths));
        }
    }
}

/// A label and, under it, a one-line text field that it names (for screen readers
/// and tests).
fn labelled_field(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) -> egui::Response {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(380.0),
    )
    .labelled_by(label.id)
}
