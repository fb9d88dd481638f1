//! Every change a menu, a shortcut or a view asks for is a [`Command`], queued during
//! the frame and applied at its end by [`FaultlineApp::apply`]. Views never change
//! the workspace themselves.

use std::path::PathBuf;

use super::FaultlineApp;
use super::tasks::{Done, TaskKind};
use super::workspace::{Workspace, all_rows};
use crate::brief::{Finding, Recommendation, Severity};
use crate::cli::ViewName;
use crate::cohort::Cohort;
use crate::load::Mapping;
use crate::session::Tag;

/// Everything a view, menu or shortcut can ask for.
#[derive(Debug, Clone)]
pub enum Command {
    // Files.
    OpenDialog,
    /// Pick several files to join on their id.
    OpenJoinDialog,
    ShowOpenPath,
    /// One file, or several joined on their id column.
    OpenPaths(Vec<PathBuf>),
    /// Pick a file, then choose its mapping in the form before it opens.
    OpenWithMappingDialog,
    /// Files with the mapping chosen in the form.
    OpenMapped(Vec<PathBuf>, Mapping),
    OpenSample,
    /// Ask for a Spark table or path and its server.
    ShowOpenSpark,
    /// Open `spark://TABLE_OR_PATH` (or a bare table or path) on a Spark Connect server.
    OpenSpark {
        source: String,
        connect: String,
    },
    /// Stop a background job (loading included).
    Cancel(TaskKind),
    // Navigation and view state.
    SetView(ViewName),
    FocusSearch,
    ClearSelection,
    /// Examples: select this decoded row.
    SelectExample(u32),
    /// Examples: only the errors of this model.
    ShowErrorsOf(usize),
    /// Examples: rows where `(baseline, candidate)` are right as given.
    ShowFlip(usize, usize, bool, bool),
    /// Make a cohort active and show its rows.
    ShowExamplesOf(Cohort),
    ToggleTheme,
    Copy(String),
    // The analysis.
    SetCohort(Cohort),
    ClearCohort,
    SaveCohort(Cohort),
    DeleteCohort(String),
    SetThreshold(f64),
    ApplyMapping(Mapping),
    /// Metric parameters (pass@k's k).
    SetMetricParams(crate::load::table::MetricParams),
    /// The compared pair `(baseline, candidate)`.
    SetPair(usize, usize),
    // Annotations and the brief.
    Pin(Box<Finding>),
    EditBrief(BriefEdit),
    AddDefaultFindings,
    ExportBrief(PathBuf),
    /// Ask where, then export the brief in this format.
    ExportBriefAs(crate::brief::render::BriefFormat),
    /// A chart (drawn in `rect`) to the clipboard or a file.
    ExportChart {
        chart: Box<crate::brief::Chart>,
        rect: egui::Rect,
        target: ChartTarget,
    },
    EditTags(TagEdit),
    /// Tag (or untag) one example, by 1-based file row.
    SetExampleTag {
        row: u32,
        tag: String,
        on: bool,
    },
    /// The note on one example (empty removes it).
    /// Marks an example (1-based frame row) reviewed in the review queue, or not.
    SetReviewed {
        row: u32,
        on: bool,
    },
    SetNote {
        row: u32,
        text: String,
    },
    /// Tag every row of the active cohort.
    TagCohort(String),
    // Sessions.
    SaveSession,
    SaveSessionAs,
    SaveSessionTo(PathBuf),
    OpenSessionDialog,
    OpenSession(PathBuf),
    /// Open a session even though a dataset changed since it was saved.
    OpenSessionAnyway,
    DismissFlaggedSession,
    RestoreRecovery,
    DiscardRecovery,
    Quit,
}

/// Where a chart goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartTarget {
    Clipboard,
    Png,
    Svg,
}

/// An edit of the brief's text or findings.
#[derive(Debug, Clone)]
pub enum BriefEdit {
    Title(String),
    Summary(String),
    Risks(String),
    Recommendation(Recommendation),
    FindingTitle(usize, String),
    FindingNote(usize, String),
    FindingSeverity(usize, Severity),
    /// Move a finding up (-1) or down (+1).
    MoveFinding(usize, i32),
    RemoveFinding(usize),
}

/// An edit of the failure-mode taxonomy.
#[derive(Debug, Clone)]
pub enum TagEdit {
    Add,
    Rename(usize, String),
    Recolor(usize, String),
    Remove(usize),
}

impl FaultlineApp {
    /// Applies one command (at the end of the frame).
    pub(super) fn apply(&mut self, command: Command, ctx: &egui::Context) {
        for v in self.views.iter_mut() {
            v.on_command(&command);
        }
        match command {
            Command::OpenDialog => self.open_dialog(false, false),
            Command::OpenJoinDialog => self.open_dialog(true, false),
            Command::OpenWithMappingDialog => self.open_dialog(false, true),
            Command::ShowOpenPath => {
                self.dialogs.open_path = Some(String::new());
                self.dialogs.open_with_mapping = false;
            }
            Command::OpenPaths(paths) => {
                self.dialogs.open_path = None;
                if std::mem::take(&mut self.dialogs.open_with_mapping) {
                    self.start_preview(paths, Mapping::default(), None);
                } else {
                    self.start_load(paths, None, None);
                }
            }
            Command::OpenMapped(paths, mapping) => {
                self.open_form = None;
                self.start_load(paths, None, Some(mapping));
            }
            Command::OpenSample => match super::launch::bundled_sample() {
                Ok(p) => self.start_load(vec![p], Some(super::launch::SAMPLE_NAME.into()), None),
                Err(e) => self
                    .notices
                    .error(format!("Cannot unpack the bundled sample: {e}")),
            },
            Command::ShowOpenSpark => {
                let connect =
                    std::env::var("SPARK_REMOTE").unwrap_or_else(|_| "sc://localhost:15002".into());
                self.dialogs.open_spark = Some((String::new(), connect));
            }
            Command::OpenSpark { source, connect } => {
                self.dialogs.open_spark = None;
                self.open_spark(source, connect);
            }
            Command::Cancel(kind) => self.cancel(kind),
            Command::SetView(v) => {
                self.view = v;
                self.settings.view = v;
            }
            Command::FocusSearch => self.view = ViewName::Examples,
            Command::ShowExamplesOf(c) => {
                self.with_workspace(|ws, tasks| ws.start_cohort(c, tasks));
                self.view = ViewName::Examples;
            }
            Command::ShowErrorsOf(_) | Command::ShowFlip(..) | Command::SelectExample(_) => {}
            Command::ClearSelection => {}
            Command::ToggleTheme => self.settings.dark = !self.settings.dark,
            Command::Copy(text) => ctx.copy_text(text),
            Command::SetCohort(c) => {
                let with_overview = self.view == ViewName::Overview;
                self.with_workspace(|ws, tasks| ws.start_cohort_with(c, with_overview, tasks))
            }
            Command::ClearCohort => {
                self.with_workspace(|ws, tasks| ws.start_cohort(all_rows(), tasks))
            }
            Command::SaveCohort(c) => {
                if let Some(ws) = &mut self.workspace {
                    ws.saved_cohorts.retain(|x| x.name != c.name);
                    ws.saved_cohorts.push(c);
                    self.settings.cohorts.insert(
                        super::settings::Settings::key(&ws.path),
                        ws.saved_cohorts.clone(),
                    );
                }
            }
            Command::DeleteCohort(name) => {
                if let Some(ws) = &mut self.workspace {
                    ws.saved_cohorts.retain(|x| x.name != name);
                    self.settings.cohorts.insert(
                        super::settings::Settings::key(&ws.path),
                        ws.saved_cohorts.clone(),
                    );
                }
            }
            Command::SetThreshold(t) => {
                if let Some(ws) = &mut self.workspace {
                    ws.threshold = t.clamp(0.0, 1.0);
                }
            }
            Command::SetMetricParams(p) => {
                if let Some(ws) = &mut self.workspace {
                    ws.set_params(p);
                }
            }
            Command::ApplyMapping(m) => {
                if let Some(ws) = &mut self.workspace {
                    self.settings
                        .mappings
                        .insert(super::settings::Settings::key(&ws.path), m.clone());
                    ws.start_remap(m, &mut self.tasks);
                }
            }
            Command::SetPair(b, c) => {
                if let Some(ws) = &mut self.workspace {
                    let n = ws.table.models.len();
                    if b < n && c < n {
                        ws.pair = (b, c);
                    }
                }
            }
            Command::Pin(f) => {
                if let Some(ws) = &mut self.workspace {
                    let title = f.title.clone();
                    ws.brief.findings.push(*f);
                    self.notices.info(format!("Pinned to the brief: {title}"));
                }
            }
            Command::EditBrief(edit) => {
                if let Some(ws) = &mut self.workspace {
                    edit_brief(&mut ws.brief, edit);
                }
            }
            Command::AddDefaultFindings => self.start_default_findings(),
            Command::ExportBrief(path) => self.start_export(path, None),
            Command::ExportBriefAs(format) => {
                if let Some(ws) = &self.workspace {
                    let ext = match format {
                        crate::brief::render::BriefFormat::Md => "md",
                        crate::brief::render::BriefFormat::Html => "html",
                        crate::brief::render::BriefFormat::Json => "json",
                    };
                    let default = ws.path.with_extension(format!("brief.{ext}"));
                    self.save_to(super::exports::SaveKind::Brief(format), default);
                }
            }
            Command::ExportChart {
                chart,
                rect,
                target,
            } => self.export_chart(*chart, rect, target, ctx),
            Command::EditTags(edit) => {
                if let Some(ws) = &mut self.workspace {
                    edit_tags(ws, edit);
                }
            }
            Command::SetExampleTag { row, tag, on } => {
                if let Some(ws) = &mut self.workspace {
                    let tags = ws.example_tags.entry(row).or_default();
                    tags.retain(|t| *t != tag);
                    if on {
                        tags.push(tag);
                    }
                    if tags.is_empty() {
                        ws.example_tags.remove(&row);
                    }
                }
            }
            Command::SetReviewed { row, on } => {
                if let Some(ws) = &mut self.workspace {
                    if on {
                        ws.reviewed.insert(row);
                    } else {
                        ws.reviewed.remove(&row);
                    }
                }
            }
            Command::SetNote { row, text } => {
                if let Some(ws) = &mut self.workspace {
                    if text.trim().is_empty() {
                        ws.notes.remove(&row);
                    } else {
                        ws.notes.insert(row, text);
                    }
                }
            }
            Command::TagCohort(tag) => self.start_tag_cohort(tag),
            Command::SaveSession => self.save_session(None),
            Command::SaveSessionAs => self.save_session_as(),
            Command::SaveSessionTo(p) => self.save_session(Some(p)),
            Command::OpenSessionDialog => self.open_session_dialog(),
            Command::OpenSession(p) => self.open_session_file(p),
            Command::OpenSessionAnyway => self.open_flagged_session(),
            Command::DismissFlaggedSession => self.session.flagged = None,
            Command::RestoreRecovery => self.restore_recovery(),
            Command::DiscardRecovery => self.discard_recovery(),
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    fn with_workspace(&mut self, f: impl FnOnce(&mut Workspace, &mut super::tasks::Tasks)) {
        if let Some(ws) = &mut self.workspace {
            f(ws, &mut self.tasks);
        }
    }

    fn cancel(&mut self, kind: TaskKind) {
        let label = self.tasks.get(kind).map(|t| t.label.clone());
        if self.tasks.cancel(kind) {
            self.results.stopped(kind);
            if let Some(ws) = &mut self.workspace {
                match kind {
                    TaskKind::Cohort => ws.pending_cohort = None,
                    TaskKind::Remap => ws.pending_mapping = None,
                    _ => {}
                }
            }
            #[cfg(feature = "spark")]
            if let Some(panel) = &mut self.spark {
                panel.cancelled(kind);
            }
            if kind.user_cancellable()
                && let Some(l) = label
            {
                self.notices.info(format!("Stopped: {l}"));
            }
        }
    }

    fn start_default_findings(&mut self) {
        let Some(ws) = &self.workspace else { return };
        let (b, c) = ws.pair;
        if ws.table.models.len() < 2 || b == c {
            self.notices
                .error("The default findings compare two different models: pick them in Compare.");
            return;
        }
        if ws.features_pending {
            self.notices.info(
                "The feature columns are still being read: the default findings slice by them, so ask again in a moment.",
            );
            return;
        }
        let (table, mapping, join) = (ws.table.clone(), ws.mapping.clone(), ws.join.clone());
        self.tasks.start(
            TaskKind::DefaultBrief,
            "Computing the default findings",
            move |control| {
                Done::DefaultBrief(crate::brief::default::default_brief(
                    &table,
                    &mapping,
                    join.as_ref(),
                    b,
                    c,
                    control,
                ))
            },
        );
    }

    pub(super) fn start_export(
        &mut self,
        path: PathBuf,
        format: Option<crate::brief::render::BriefFormat>,
    ) {
        let Some(ws) = &self.workspace else { return };
        let brief = brief_for_export(ws);
        self.tasks.start(
            TaskKind::Export,
            format!("Exporting {}", path.display()),
            move |_| Done::Export(crate::brief::render::export(&brief, &path, format)),
        );
    }

    fn start_tag_cohort(&mut self, tag: String) {
        let Some(ws) = &self.workspace else { return };
        let (rows, mask) = (ws.table.row_index.clone(), ws.active.mask.clone());
        self.tasks.start(
            TaskKind::TagCohort,
            format!("Tagging the cohort with {tag:?}"),
            move |control| {
                let mut out = Vec::new();
                for (chunk, start) in rows.chunks(1 << 16).zip((0..).step_by(1 << 16)) {
                    if control.is_cancelled() {
                        return Done::TagCohort(tag, Vec::new());
                    }
                    out.extend(chunk.iter().enumerate().filter_map(|(i, &r)| {
                        mask.as_ref().is_none_or(|m| m[start + i]).then_some(r + 1)
                    }));
                }
                Done::TagCohort(tag, out)
            },
        );
    }
}

/// The brief with provenance filled in for the current data, cohort and threshold.
pub fn brief_for_export(ws: &Workspace) -> crate::brief::Brief {
    let mut b = ws.brief.clone();
    b.provenance = crate::brief::Provenance::of(
        &ws.table,
        &ws.mapping,
        &ws.active.cohort.filter.describe(),
        ws.join.as_ref(),
    );
    b.provenance.threshold =
        Some(ws.threshold).filter(|_| ws.table.task == crate::load::Task::Binary);
    b.provenance.generated_at = crate::brief::now_utc();
    b
}

fn edit_brief(b: &mut crate::brief::Brief, edit: BriefEdit) {
    let n = b.findings.len();
    match edit {
        BriefEdit::Title(t) => b.title = t,
        BriefEdit::Summary(t) => b.summary = t,
        BriefEdit::Risks(t) => b.risks = t,
        BriefEdit::Recommendation(r) => b.recommendation = r,
        BriefEdit::FindingTitle(i, t) if i < n => b.findings[i].title = t,
        BriefEdit::FindingNote(i, t) if i < n => b.findings[i].note = t,
        BriefEdit::FindingSeverity(i, s) if i < n => b.findings[i].severity = s,
        BriefEdit::MoveFinding(i, d) => {
            let j = i as i64 + i64::from(d);
            if i < n && j >= 0 && (j as usize) < n {
                b.findings.swap(i, j as usize);
            }
        }
        BriefEdit::RemoveFinding(i) if i < n => {
            b.findings.remove(i);
        }
        _ => {}
    }
}

fn edit_tags(ws: &mut Workspace, edit: TagEdit) {
    match edit {
        TagEdit::Add => {
            let n = ws.tags.len() + 1;
            ws.tags.push(Tag {
                name: format!("tag {n}"),
                color: "#0ea5e9".into(),
            });
        }
        TagEdit::Rename(i, name) => {
            if let Some(t) = ws.tags.get_mut(i) {
                // The tagged examples follow the new name.
                let old = std::mem::replace(&mut t.name, name.clone());
                for tags in ws.example_tags.values_mut() {
                    for x in tags.iter_mut().filter(|x| **x == old) {
                        x.clone_from(&name);
                    }
                }
            }
        }
        TagEdit::Recolor(i, color) => {
            if let Some(t) = ws.tags.get_mut(i) {
                t.color = color;
            }
        }
        TagEdit::Remove(i) => {
            if i < ws.tags.len() {
                let name = ws.tags.remove(i).name;
                ws.example_tags.retain(|_, tags| {
                    tags.retain(|t| *t != name);
                    !tags.is_empty()
                });
            }
        }
    }
}
