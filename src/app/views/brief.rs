//! Brief: the title, executive summary, recommendation and open risks above the
//! pinned findings (reorder, edit, remove), exports (Markdown with SVG charts, one
//! self-contained HTML file, JSON; Markdown to the clipboard), and the failure-mode
//! taxonomy with tag counts and shares per model, with intervals. Every edit is a
//! command; the default findings, tagging a cohort and exports run as tasks.

use std::path::PathBuf;

use super::{View, ViewCtx};
use crate::app::commands::{BriefEdit, TagEdit, brief_for_export};
use crate::app::tasks::TaskKind;
use crate::app::{Command, Request};
use crate::brief::{Content, Recommendation, Severity};
use crate::cli::ViewName;
use crate::stats;

#[derive(Default)]
pub struct BriefView {
    pub export_path: String,
    bulk_tag: Option<String>,
    tag_feature: Option<usize>,
}

impl View for BriefView {
    fn id(&self) -> ViewName {
        ViewName::Brief
    }

    fn title(&self) -> &'static str {
        "Brief"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num8)
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        if self.export_path.is_empty() {
            self.export_path = ws.path.with_extension("brief.html").display().to_string();
        }
        egui::ScrollArea::vertical().id_salt("brief").auto_shrink(false).show(ui, |ui| {
            let b = &ws.brief;
            ui.horizontal(|ui| {
                ui.heading("Brief");
                let mut title = b.title.clone();
                if ui.add(egui::TextEdit::singleline(&mut title).hint_text("Title, e.g. Release 2.3: candidate vs production").desired_width(520.0)).changed() {
                    cx.send(Command::EditBrief(BriefEdit::Title(title)));
                }
            });
            ui.horizontal(|ui| {
                ui.label("Recommendation:");
                let mut rec = b.recommendation;
                for r in Recommendation::ALL {
                    ui.radio_value(&mut rec, r, r.label());
                }
                if rec != b.recommendation {
                    cx.send(Command::EditBrief(BriefEdit::Recommendation(rec)));
                }
            });
            ui.label("Executive summary");
            let mut summary = b.summary.clone();
            if ui.add(egui::TextEdit::multiline(&mut summary).desired_rows(3).desired_width(f32::INFINITY).hint_text("What the lead must know in three sentences.")).changed() {
                cx.send(Command::EditBrief(BriefEdit::Summary(summary)));
            }
            ui.label("Open risks");
            let mut risks = b.risks.clone();
            if ui.add(egui::TextEdit::multiline(&mut risks).desired_rows(2).desired_width(f32::INFINITY).hint_text("What is not yet known or not yet fixed.")).changed() {
                cx.send(Command::EditBrief(BriefEdit::Risks(risks)));
            }
            ui.horizontal(|ui| {
                let n = ws.table.models.len();
                let (baseline, candidate) = ws.pair;
                let running = cx.tasks.is_running(TaskKind::DefaultBrief);
                let enabled = n >= 2 && baseline != candidate && !running;
                let text = if n >= 2 {
                    format!("Add the default findings ({} against {})", ws.table.models[candidate].name, ws.table.models[baseline].name)
                } else {
                    "Add the default findings (needs two models)".into()
                };
                if ui.add_enabled(enabled, egui::Button::new(text)).on_hover_text("Overview, comparison, regressions, failure clusters and ROC, computed from all rows (the pair is chosen in Compare)").clicked() {
                    cx.send(Command::AddDefaultFindings);
                }
                if running {
                    crate::app::busy::spinner_ui(ui);
                }
            });
            ui.separator();
            findings_ui(ui, cx);
            ui.separator();
            self.export_ui(ui, cx);
            ui.separator();
            self.tags_ui(ui, cx);
        });
    }
}

impl BriefView {
    fn export_ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        ui.heading("Export");
        ui.horizontal(|ui| {
            ui.label("File");
            ui.add(
                egui::TextEdit::singleline(&mut self.export_path)
                    .desired_width(460.0)
                    .hint_text("brief.html, brief.md or brief.json"),
            );
            let path = PathBuf::from(self.export_path.trim());
            for (label, ext) in [
                ("Export HTML", "html"),
                ("Export Markdown", "md"),
                ("Export JSON", "json"),
            ] {
                if ui.button(label).clicked() {
                    cx.send(Command::ExportBrief(path.with_extension(ext)));
                }
            }
            if ui
                .button("Copy Markdown")
                .on_hover_text("The brief as Markdown on the clipboard")
                .clicked()
            {
                let brief = brief_for_export(cx.ws);
                cx.send(Command::Copy(
                    crate::brief::render::to_markdown(&brief, "brief").0,
                ));
            }
            if cx.tasks.is_running(TaskKind::Export) {
                crate::app::busy::spinner_ui(ui);
            }
        });
    }

    fn tags_ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        ui.heading("Failure-mode tags");
        for (i, t) in ws.tags.iter().enumerate() {
            ui.horizontal(|ui| {
                let mut color = parse_color(&t.color);
                if ui.color_edit_button_srgba(&mut color).changed() {
                    let hex = format!("#{:02x}{:02x}{:02x}", color.r(), color.g(), color.b());
                    cx.send(Command::EditTags(TagEdit::Recolor(i, hex)));
                }
                let mut name = t.name.clone();
                if ui
                    .add(egui::TextEdit::singleline(&mut name).desired_width(200.0))
                    .changed()
                {
                    cx.send(Command::EditTags(TagEdit::Rename(i, name)));
                }
                if ui
                    .button("Remove")
                    .on_hover_text("Remove this tag")
                    .clicked()
                {
                    cx.send(Command::EditTags(TagEdit::Remove(i)));
                }
            });
        }
        if ui.button("Add tag").clicked() {
            cx.send(Command::EditTags(TagEdit::Add));
        }
        ui.horizontal(|ui| {
            ui.label(format!(
                "Tag every row of the active cohort ({} rows) with",
                crate::format::fmt_int(ws.active.rows as u64)
            ));
            let current = self.bulk_tag.clone().unwrap_or_else(|| "(choose)".into());
            egui::ComboBox::from_id_salt("bulk-tag")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for t in &ws.tags {
                        ui.selectable_value(&mut self.bulk_tag, Some(t.name.clone()), &t.name);
                    }
                });
            let running = cx.tasks.is_running(TaskKind::TagCohort);
            if ui
                .add_enabled(
                    self.bulk_tag.is_some() && !running,
                    egui::Button::new("Tag rows"),
                )
                .clicked()
                && let Some(tag) = self.bulk_tag.clone()
            {
                cx.send(Command::TagCohort(tag));
            }
            if running {
                crate::app::busy::spinner_ui(ui);
            }
        });
        self.tag_tables_ui(ui, cx);
    }
}

fn parse_color(hex: &str) -> egui::Color32 {
    let h = hex.trim_start_matches('#');
    let v = u32::from_str_radix(h, 16).unwrap_or(0x888888);
    egui::Color32::from_rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

fn findings_ui(ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
    let b = &cx.ws.brief;
    ui.heading(format!("Findings ({})", b.findings.len()));
    if b.findings.is_empty() {
        ui.label("Nothing pinned yet: use the Pin buttons in Overview, Slices, Failure clusters, Compare and the example inspector, or add the default findings.");
    }
    let n = b.findings.len();
    for (i, f) in b.findings.iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(format!("{}.", i + 1));
                let mut title = f.title.clone();
                if ui
                    .add(egui::TextEdit::singleline(&mut title).desired_width(420.0))
                    .changed()
                {
                    cx.send(Command::EditBrief(BriefEdit::FindingTitle(i, title)));
                }
                let mut severity = f.severity;
                egui::ComboBox::from_id_salt(("sev", i))
                    .selected_text(f.severity.as_str())
                    .show_ui(ui, |ui| {
                        for s in Severity::ALL {
                            ui.selectable_value(&mut severity, s, s.as_str());
                        }
                    });
                if severity != f.severity {
                    cx.send(Command::EditBrief(BriefEdit::FindingSeverity(i, severity)));
                }
                if ui
                    .add_enabled(i > 0, egui::Button::new("Up"))
                    .on_hover_text("Move up")
                    .clicked()
                {
                    cx.send(Command::EditBrief(BriefEdit::MoveFinding(i, -1)));
                }
                if ui
                    .add_enabled(i + 1 < n, egui::Button::new("Down"))
                    .on_hover_text("Move down")
                    .clicked()
                {
                    cx.send(Command::EditBrief(BriefEdit::MoveFinding(i, 1)));
                }
                if ui
                    .button("Remove")
                    .on_hover_text("Remove from the brief")
                    .clicked()
                {
                    cx.send(Command::EditBrief(BriefEdit::RemoveFinding(i)));
                }
            });
            if !f.source.is_empty() {
                ui.label(egui::RichText::new(&f.source).weak().italics());
            }
            let mut note = f.note.clone();
            if ui
                .add(
                    egui::TextEdit::multiline(&mut note)
                        .desired_rows(1)
                        .desired_width(f32::INFINITY)
                        .hint_text("Your note on this finding"),
                )
                .changed()
            {
                cx.send(Command::EditBrief(BriefEdit::FindingNote(i, note)));
            }
            ui.label(egui::RichText::new(preview(&f.content)).weak());
        });
    }
}

fn preview(c: &Content) -> String {
    match c {
        Content::Table { header, rows } => format!(
            "table: {} rows × {} columns ({})",
            rows.len(),
            header.len(),
            header.join(", ")
        ),
        Content::Chart(ch) => format!("chart: {} ({} series)", ch.title, ch.series.len()),
        Content::Example { fields } => format!(
            "example: {}",
            fields
                .iter()
                .take(4)
                .map(|(k, v)| format!("{k} = {}", v.chars().take(40).collect::<String>()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Content::Text { text } => text.chars().take(160).collect(),
    }
}

impl BriefView {
    /// Tag counts, shares of the cohort and of each model's errors, and per slice of
    /// one feature, with Wilson intervals; counted in the background.
    fn tag_tables_ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        if ws.example_tags.is_empty() {
            ui.label("No example is tagged yet: tag rows in the Examples inspector, or every row of the active cohort above.");
            return;
        }
        if super::features_pending_ui(ui, ws) {
            return;
        }
        let features: Vec<(usize, String)> = ws
            .table
            .features
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_sliceable())
            .map(|(i, f)| (i, f.name.clone()))
            .collect();
        if self.tag_feature.is_none() {
            self.tag_feature = features.first().map(|f| f.0);
        }
        cx.request(Request::TagStats {
            feature: self.tag_feature,
        });
        let Some(st) = cx.results.tag_stats.value.clone() else {
            crate::app::busy::spinner_ui(ui);
            return;
        };
        let share = |k: u64, n: u64| -> String {
            if n == 0 {
                return "-".into();
            }
            let ci = stats::wilson(k, n)
                .map_or(String::new(), |[lo, hi]| format!(" [{lo:.3}, {hi:.3}]"));
            format!("{k} ({:.3}{ci})", k as f64 / n as f64)
        };
        egui::Grid::new("tag-table")
            .striped(true)
            .spacing([14.0, 3.0])
            .show(ui, |ui| {
                ui.strong("tag");
                ui.strong("rows (share of cohort [95% CI])");
                for m in &ws.table.models {
                    ui.strong(format!("among {}'s errors", m.name));
                }
                ui.end_row();
                for (t, (rows, errs)) in ws.tags.iter().zip(&st.per_tag) {
                    ui.colored_label(parse_color(&t.color), &t.name);
                    ui.monospace(share(*rows, st.cohort_rows));
                    for (k, n) in errs.iter().zip(&st.errors) {
                        ui.monospace(share(*k, *n));
                    }
                    ui.end_row();
                }
            });
        ui.horizontal(|ui| {
            ui.label("Per slice of");
            let current = self
                .tag_feature
                .and_then(|f| ws.table.features.get(f))
                .map_or("(none)".to_string(), |f| f.name.clone());
            egui::ComboBox::from_id_salt("tag-feature")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for (i, n) in &features {
                        ui.selectable_value(&mut self.tag_feature, Some(*i), n);
                    }
                });
        });
        egui::Grid::new("tag-slices")
            .striped(true)
            .spacing([14.0, 3.0])
            .show(ui, |ui| {
                ui.strong("slice");
                ui.strong("rows");
                for t in &ws.tags {
                    ui.colored_label(parse_color(&t.color), format!("{} [95% CI]", t.name));
                }
                ui.end_row();
                for (value, n, counts) in &st.slices {
                    ui.label(value);
                    ui.label(n.to_string());
                    for k in counts {
                        ui.monospace(share(*k, *n));
                    }
                    ui.end_row();
                }
            });
    }
}
