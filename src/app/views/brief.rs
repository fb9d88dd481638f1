//! Brief: the title, executive summary, recommendation and open risks above the
//! pinned findings (reorder, edit, remove), exports (Markdown with SVG charts, one
//! self-contained HTML file, JSON; Markdown to the clipboard), and the failure-mode
//! taxonomy with tag counts and shares per model, with intervals.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use crate::annotations::{TagStats, tag_stats};
use crate::app::Command;
use crate::app::jobs::{Job, Keyed};
use crate::app::workspace::Workspace;
use crate::brief::{Brief, Content, Provenance, Recommendation, Severity};
use crate::session::Tag;
use crate::stats;

#[derive(Default)]
pub struct BriefView {
    pub export_path: String,
    default_job: Option<Job<Brief>>,
    bulk_tag: Option<String>,
    tag_feature: Option<usize>,
    tag_stats: Keyed<TagKey, TagStats>,
}

/// Inputs of the tag tables: cohort, table, feature and the tags' fingerprint.
type TagKey = (u64, u64, Option<usize>, Vec<String>, usize, usize);

impl BriefView {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &mut Workspace,
        ctx: &egui::Context,
        out: &mut Vec<Command>,
        baseline: usize,
        candidate: usize,
    ) {
        if let Some(job) = &self.default_job
            && let Some(result) = job.poll()
        {
            if let Ok(b) = result {
                // Keep what the analyst wrote; add the computed findings.
                let old = std::mem::take(&mut ws.brief);
                ws.brief = b;
                if !old.title.is_empty() {
                    ws.brief.title = old.title;
                }
                if !old.summary.is_empty() {
                    ws.brief.summary = old.summary;
                }
                if !old.risks.is_empty() {
                    ws.brief.risks = old.risks;
                }
                let mut findings = old.findings;
                findings.append(&mut ws.brief.findings);
                ws.brief.findings = findings;
            }
            self.default_job = None;
        }
        if self.export_path.is_empty() {
            self.export_path = ws.path.with_extension("brief.html").display().to_string();
        }
        egui::ScrollArea::vertical().id_salt("brief").auto_shrink(false).show(ui, |ui| {
            let b = &mut ws.brief;
            ui.horizontal(|ui| {
                ui.heading("Brief");
                ui.add(egui::TextEdit::singleline(&mut b.title).hint_text("Title, e.g. Release 2.3: candidate vs production").desired_width(520.0));
            });
            ui.horizontal(|ui| {
                ui.label("Recommendation:");
                for r in Recommendation::ALL {
                    ui.radio_value(&mut b.recommendation, r, r.label());
                }
            });
            ui.label("Executive summary");
            ui.add(egui::TextEdit::multiline(&mut b.summary).desired_rows(3).desired_width(f32::INFINITY).hint_text("What the lead must know in three sentences."));
            ui.label("Open risks");
            ui.add(egui::TextEdit::multiline(&mut b.risks).desired_rows(2).desired_width(f32::INFINITY).hint_text("What is not yet known or not yet fixed."));
            ui.horizontal(|ui| {
                let n = ws.table.models.len();
                let enabled = n >= 2 && baseline != candidate && self.default_job.is_none();
                let text = if n >= 2 {
                    format!("Add the default findings ({} against {})", ws.table.models[candidate].name, ws.table.models[baseline].name)
                } else {
                    "Add the default findings (needs two models)".into()
                };
                if ui.add_enabled(enabled, egui::Button::new(text)).on_hover_text("Overview, comparison, regressions, failure clusters and ROC, computed from all rows").clicked() {
                    let (table, mapping) = (ws.table.clone(), ws.mapping.clone());
                    self.default_job = Some(Job::spawn(Some(ctx.clone()), move |_: &AtomicBool| {
                        crate::brief::default::default_brief(&table, &mapping, baseline, candidate)
                    }));
                }
                if self.default_job.is_some() {
                    ui.spinner();
                }
            });
            ui.separator();
            findings_ui(ui, ws);
            ui.separator();
            self.export_ui(ui, ws, out);
            ui.separator();
            self.tags_ui(ui, ws, ctx, out);
        });
    }

    fn export_ui(&mut self, ui: &mut egui::Ui, ws: &Workspace, out: &mut Vec<Command>) {
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
                    out.push(Command::ExportBrief(path.with_extension(ext)));
                }
            }
            if ui
                .button("Copy Markdown")
                .on_hover_text("The brief as Markdown on the clipboard")
                .clicked()
            {
                let brief = brief_for_export(ws);
                out.push(Command::Copy(
                    crate::brief::render::to_markdown(&brief, "brief").0,
                ));
            }
        });
    }

    fn tags_ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &mut Workspace,
        ctx: &egui::Context,
        out: &mut Vec<Command>,
    ) {
        ui.heading("Failure-mode tags");
        let mut remove = None;
        for (i, t) in ws.tags.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                let mut color = parse_color(&t.color);
                if ui.color_edit_button_srgba(&mut color).changed() {
                    t.color = format!("#{:02x}{:02x}{:02x}", color.r(), color.g(), color.b());
                }
                ui.add(egui::TextEdit::singleline(&mut t.name).desired_width(200.0));
                if ui
                    .button("Remove")
                    .on_hover_text("Remove this tag")
                    .clicked()
                {
                    remove = Some(i);
                }
            });
        }
        if let Some(i) = remove {
            let name = ws.tags.remove(i).name;
            for tags in ws.example_tags.values_mut() {
                tags.retain(|t| *t != name);
            }
        }
        if ui.button("Add tag").clicked() {
            ws.tags.push(Tag {
                name: format!("tag {}", ws.tags.len() + 1),
                color: "#0ea5e9".into(),
            });
        }
        ui.horizontal(|ui| {
            ui.label(format!(
                "Tag every row of the active cohort ({} rows) with",
                crate::report::text::fmt_int(ws.active.rows as u64)
            ));
            let current = self.bulk_tag.clone().unwrap_or_else(|| "(choose)".into());
            egui::ComboBox::from_id_salt("bulk-tag")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for t in &ws.tags {
                        ui.selectable_value(&mut self.bulk_tag, Some(t.name.clone()), &t.name);
                    }
                });
            if ui
                .add_enabled(self.bulk_tag.is_some(), egui::Button::new("Tag rows"))
                .clicked()
                && let Some(tag) = self.bulk_tag.clone()
            {
                out.push(Command::TagCohort(tag));
            }
        });
        self.tag_tables_ui(ui, ws, ctx);
    }
}

/// The brief with provenance filled in for the current data and cohort.
pub fn brief_for_export(ws: &Workspace) -> Brief {
    let mut b = ws.brief.clone();
    b.provenance = Provenance::of(&ws.table, &ws.mapping, &ws.active.cohort.filter.describe());
    b.provenance.threshold =
        Some(ws.threshold).filter(|_| ws.table.task == crate::load::Task::Binary);
    if ws.inputs.len() > 1 {
        let hashes = ws.input_hashes();
        b.provenance.files = ws
            .inputs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p.display().to_string(),
                    hashes.get(i).cloned().unwrap_or_default(),
                    0,
                )
            })
            .collect();
    }
    b.provenance.generated_at = crate::brief::now_utc();
    b
}

fn parse_color(hex: &str) -> egui::Color32 {
    let h = hex.trim_start_matches('#');
    let v = u32::from_str_radix(h, 16).unwrap_or(0x888888);
    egui::Color32::from_rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

fn findings_ui(ui: &mut egui::Ui, ws: &mut Workspace) {
    let b = &mut ws.brief;
    ui.heading(format!("Findings ({})", b.findings.len()));
    if b.findings.is_empty() {
        ui.label("Nothing pinned yet: use the Pin buttons in Overview, Slices, Failure clusters, Compare and the example inspector, or add the default findings.");
    }
    let mut action: Option<(usize, i32)> = None;
    let n = b.findings.len();
    for (i, f) in b.findings.iter_mut().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(format!("{}.", i + 1));
                ui.add(egui::TextEdit::singleline(&mut f.title).desired_width(420.0));
                egui::ComboBox::from_id_salt(("sev", i))
                    .selected_text(f.severity.as_str())
                    .show_ui(ui, |ui| {
                        for s in Severity::ALL {
                            ui.selectable_value(&mut f.severity, s, s.as_str());
                        }
                    });
                if ui
                    .add_enabled(i > 0, egui::Button::new("Up"))
                    .on_hover_text("Move up")
                    .clicked()
                {
                    action = Some((i, -1));
                }
                if ui
                    .add_enabled(i + 1 < n, egui::Button::new("Down"))
                    .on_hover_text("Move down")
                    .clicked()
                {
                    action = Some((i, 1));
                }
                if ui
                    .button("Remove")
                    .on_hover_text("Remove from the brief")
                    .clicked()
                {
                    action = Some((i, 0));
                }
            });
            if !f.source.is_empty() {
                ui.label(egui::RichText::new(&f.source).weak().italics());
            }
            ui.add(
                egui::TextEdit::multiline(&mut f.note)
                    .desired_rows(1)
                    .desired_width(f32::INFINITY)
                    .hint_text("Your note on this finding"),
            );
            ui.label(egui::RichText::new(preview(&f.content)).weak());
        });
    }
    match action {
        Some((i, 0)) => {
            b.findings.remove(i);
        }
        Some((i, d)) => {
            let j = (i as i32 + d) as usize;
            b.findings.swap(i, j);
        }
        None => {}
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
    fn tag_tables_ui(&mut self, ui: &mut egui::Ui, ws: &Workspace, ctx: &egui::Context) {
        if ws.example_tags.is_empty() {
            ui.label("No example is tagged yet: tag rows in the Examples inspector, or every row of the active cohort above.");
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
        let names: Vec<String> = ws.tags.iter().map(|t| t.name.clone()).collect();
        let fingerprint: usize = ws.example_tags.values().map(|t| t.len()).sum();
        let key = (
            ws.active.version,
            ws.table_version,
            self.tag_feature,
            names.clone(),
            ws.example_tags.len(),
            fingerprint,
        );
        let (table, mask, tagged, feature) = (
            ws.table.clone(),
            ws.active.mask.clone(),
            ws.example_tags.clone(),
            self.tag_feature,
        );
        let tag_names = names.clone();
        self.tag_stats.ensure(key, ctx, move |_| {
            tag_stats(
                &table,
                mask.as_deref().map(Vec::as_slice),
                &tag_names,
                &tagged,
                feature,
            )
        });
        self.tag_stats.poll();
        let Some(st) = self.tag_stats.value.clone() else {
            ui.spinner();
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
