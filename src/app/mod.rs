//! The workbench window (eframe/egui). A thin layer over the engine: views read the
//! [`workspace::Workspace`] and return [`Command`]s, which run at the end of the
//! frame; every computation that grows with the data runs in the background.

pub mod dialog;
pub mod jobs;
pub mod screenshot;
pub mod settings;
pub mod views;
pub mod workspace;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Key, KeyboardShortcut, Modifiers};
use serde::{Deserialize, Serialize};

use crate::cohort::Cohort;
use crate::load::{LoadOptions, Loaded, Mapping};
use dialog::FileDialog;
use jobs::Job;
use settings::Settings;
use workspace::Workspace;

/// The views, in tab and shortcut order (Ctrl+1..8).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    #[default]
    Overview,
    Slices,
    Examples,
    Cohorts,
    Mapping,
    Failures,
    Compare,
    Brief,
}

impl View {
    pub const ALL: [View; 8] = [
        View::Overview,
        View::Slices,
        View::Examples,
        View::Cohorts,
        View::Mapping,
        View::Failures,
        View::Compare,
        View::Brief,
    ];

    pub fn label(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Slices => "Slices",
            View::Examples => "Examples",
            View::Cohorts => "Cohorts",
            View::Mapping => "Mapping",
            View::Failures => "Failure clusters",
            View::Compare => "Compare",
            View::Brief => "Brief",
        }
    }

    pub fn shortcut(self) -> KeyboardShortcut {
        let key = match self {
            View::Overview => Key::Num1,
            View::Slices => Key::Num2,
            View::Examples => Key::Num3,
            View::Cohorts => Key::Num4,
            View::Mapping => Key::Num5,
            View::Failures => Key::Num6,
            View::Compare => Key::Num7,
            View::Brief => Key::Num8,
        };
        KeyboardShortcut::new(Modifiers::COMMAND, key)
    }

    /// Parses a `--view` name.
    pub fn from_name(name: &str) -> Option<View> {
        if ["failures", "clusters"]
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
        {
            return Some(View::Failures);
        }
        View::ALL
            .into_iter()
            .find(|v| v.label().eq_ignore_ascii_case(name))
    }
}

pub const SHORTCUT_OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const SHORTCUT_SEARCH: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
pub const SHORTCUT_SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);

/// Everything a view or menu can ask for; applied at the end of the frame.
#[derive(Debug, Clone)]
pub enum Command {
    OpenDialog,
    /// Pick several files to join on their id.
    OpenJoinDialog,
    OpenPath(PathBuf),
    /// Several files joined on their id column (or one in the long layout).
    OpenPaths(Vec<PathBuf>),
    ShowOpenPath,
    CancelLoad,
    SetView(View),
    SetCohort(Cohort),
    ClearCohort,
    SetThreshold(f64),
    ApplyMapping(Mapping),
    SaveCohort(Cohort),
    DeleteCohort(String),
    ToggleTheme,
    ClearSelection,
    FocusSearch,
    Copy(String),
    ShowExamplesOf(Cohort),
    /// Examples view: only the errors of this model.
    ShowErrorsOf(usize),
    /// Examples view: rows where `(baseline, candidate)` are right as given.
    ShowFlip(usize, usize, bool, bool),
    /// Add a finding to the brief.
    Pin(crate::brief::Finding),
    ExportBrief(PathBuf),
    /// Tag every row of the active cohort.
    TagCohort(String),
    /// Save the session (None: where it was last saved, else ask).
    SaveSession(Option<PathBuf>),
    OpenSession(PathBuf),
    /// Open a session even though a dataset changed since it was saved.
    OpenSessionAnyway,
    RestoreRecovery,
    DiscardRecovery,
    Quit,
}

/// How the window starts.
pub struct LaunchOptions {
    pub files: Vec<PathBuf>,
    pub mapping: Mapping,
    pub view: Option<View>,
    pub screenshot: Option<PathBuf>,
    /// Open the bundled sample when no file is given.
    pub open_sample: bool,
    pub dialog: Box<dyn FileDialog>,
    /// Where to autosave; None turns autosave and crash recovery off (tests).
    pub recovery: Option<PathBuf>,
    /// How often to autosave (30 seconds).
    pub autosave_every: Duration,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        LaunchOptions {
            files: Vec::new(),
            mapping: Mapping::default(),
            view: None,
            screenshot: None,
            open_sample: true,
            dialog: Box::new(dialog::NativeDialog),
            recovery: None,
            autosave_every: Duration::from_secs(30),
        }
    }
}

struct LoadJob {
    path: PathBuf,
    inputs: Vec<PathBuf>,
    name: String,
    mapping: Mapping,
    job: Job<crate::Result<(Loaded, Option<crate::join::JoinReport>)>>,
}

/// A message shown at the bottom right: errors stay until dismissed.
pub struct Notice {
    pub text: String,
    pub error: bool,
    pub at: Instant,
}

pub struct FaultlineApp {
    pub settings: Settings,
    pub view: View,
    pub workspace: Option<Workspace>,
    loading: Option<LoadJob>,
    pub notices: Vec<Notice>,
    commands: Vec<Command>,
    dialog: Box<dyn FileDialog>,
    ctx_for_jobs: egui::Context,
    open_path: Option<String>,
    pub views: views::ViewStates,
    screenshot: Option<screenshot::Screenshot>,
    theme_applied: Option<bool>,
    /// The session file this work was last saved to or opened from.
    pub session_path: Option<PathBuf>,
    /// A session to apply once its data has loaded.
    pending_session: Option<crate::session::Session>,
    /// A session whose datasets changed, waiting for the user's decision.
    flagged_session: Option<FlaggedSession>,
    /// Unsaved work found after a crash, offered at start.
    pub offered_recovery: Option<crate::session::Session>,
    recovery: Option<PathBuf>,
    autosave_every: Duration,
    last_autosave: Instant,
    last_autosaved: String,
    save_as: Option<String>,
    open_session: Option<String>,
    session_job: Option<Job<crate::Result<FlaggedSession>>>,
}

/// A session whose datasets changed since it was saved: the session, its file and
/// `(dataset, saved sha256, current sha256)` per changed dataset.
type FlaggedSession = (
    crate::session::Session,
    PathBuf,
    Vec<(PathBuf, String, String)>,
);

/// What the recovery file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recovery {
    pub clean_exit: bool,
    pub saved_at: String,
    pub session: crate::session::Session,
}

impl FaultlineApp {
    pub fn new(cc: &eframe::CreationContext<'_>, options: LaunchOptions) -> FaultlineApp {
        let mut settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        if options.screenshot.is_some() {
            settings.dark = false;
        }
        let view = options.view.unwrap_or(settings.view);
        let mut app = FaultlineApp {
            settings,
            view,
            workspace: None,
            loading: None,
            notices: Vec::new(),
            commands: Vec::new(),
            dialog: options.dialog,
            ctx_for_jobs: cc.egui_ctx.clone(),
            open_path: None,
            views: views::ViewStates::default(),
            screenshot: options.screenshot.map(screenshot::Screenshot::new),
            theme_applied: None,
            session_path: None,
            pending_session: None,
            flagged_session: None,
            offered_recovery: None,
            recovery: options.recovery.clone(),
            autosave_every: options.autosave_every,
            last_autosave: Instant::now(),
            last_autosaved: String::new(),
            save_as: None,
            open_session: None,
            session_job: None,
        };
        // Work left unsaved by a crash is offered before anything else.
        if let Some(path) = &options.recovery
            && let Ok(text) = std::fs::read_to_string(path)
            && let Ok(rec) = serde_json::from_str::<Recovery>(&text)
            && !rec.clean_exit
        {
            app.offered_recovery = Some(rec.session);
        }
        let ctx = cc.egui_ctx.clone();
        if !options.files.is_empty() {
            // Several files are joined on their id column.
            app.start_load(options.files.clone(), None, Some(options.mapping), &ctx);
        } else if options.open_sample {
            match bundled_sample() {
                Ok(path) => app.start_load(
                    vec![path],
                    Some("churn.parquet (bundled sample)".into()),
                    None,
                    &ctx,
                ),
                Err(e) => app.notify(format!("Cannot unpack the bundled sample: {e}"), true),
            }
        }
        app
    }

    pub fn notify(&mut self, text: impl Into<String>, error: bool) {
        let text = text.into();
        if error {
            eprintln!("faultline: {text}");
        }
        self.notices.push(Notice {
            text,
            error,
            at: Instant::now(),
        });
    }

    /// Queues a command as a menu or view would (for harnesses and tests).
    pub fn command(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// True while a file is loading.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// True while anything runs in the background.
    pub fn is_busy(&self) -> bool {
        self.loading.is_some()
            || self.session_job.is_some()
            || self.workspace.as_ref().is_some_and(Workspace::is_busy)
    }

    fn start_load(
        &mut self,
        paths: Vec<PathBuf>,
        name: Option<String>,
        mapping: Option<Mapping>,
        ctx: &egui::Context,
    ) {
        let Some(path) = paths.first().cloned() else {
            return;
        };
        let mapping = mapping
            .filter(|m| *m != Mapping::default())
            .or_else(|| self.settings.mappings.get(&Settings::key(&path)).cloned())
            .unwrap_or_default();
        let (p, m) = (paths.clone(), mapping.clone());
        let job = Job::spawn(Some(ctx.clone()), move |_| {
            let start = Instant::now();
            crate::join::load_joined(&p, &m, &LoadOptions::default()).map(|j| {
                (
                    Loaded {
                        frame: j.frame,
                        table: j.table,
                        read_time: start.elapsed(),
                        decode_time: Duration::ZERO,
                    },
                    j.report,
                )
            })
        });
        let name = name.unwrap_or_else(|| {
            paths
                .iter()
                .map(|path| {
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
                })
                .collect::<Vec<_>>()
                .join(" + ")
        });
        self.loading = Some(LoadJob {
            path,
            inputs: paths,
            name,
            mapping,
            job,
        });
    }

    fn poll_loading(&mut self) {
        let Some(l) = &self.loading else { return };
        let Some(result) = l.job.poll() else { return };
        let Some(l) = self.loading.take() else { return };
        match result {
            Ok(Ok((loaded, join))) => {
                if !l.name.contains("bundled sample") {
                    self.settings.remember_file(&l.path);
                }
                self.settings
                    .mappings
                    .insert(Settings::key(&l.path), l.mapping.clone());
                self.views.reset_for_new_data();
                if let Some(j) = &join {
                    let error = j.only_in_some > 0
                        || j.label_disagreements > 0
                        || j.sources.iter().any(|s| s.2 > 0);
                    self.notify(j.summary(), error);
                }
                let mut ws = Workspace::new(loaded, l.name, l.mapping);
                ws.join = join;
                ws.inputs = l.inputs;
                if let Some(s) = self.pending_session.take() {
                    ws.apply_session(&s, &self.ctx_for_jobs);
                    if let (Some(b), Some(c)) = (&s.baseline, &s.candidate) {
                        self.views.compare.baseline = ws.table.model_index(b).ok();
                        self.views.compare.candidate = ws.table.model_index(c).ok();
                    }
                    self.settings
                        .cohorts
                        .insert(Settings::key(&ws.path), s.cohorts.clone());
                }
                self.workspace = Some(ws);
            }
            // A failed load never replaces the open data.
            Ok(Err(e)) => self.notify(format!("Could not open {}: {e}", l.path.display()), true),
            Err(()) => self.notify(
                format!("Loading {} stopped unexpectedly", l.path.display()),
                true,
            ),
        }
    }

    /// The session of the open work.
    pub fn current_session(&self) -> Option<crate::session::Session> {
        let ws = self.workspace.as_ref()?;
        let cohorts = self
            .settings
            .cohorts
            .get(&Settings::key(&ws.path))
            .cloned()
            .unwrap_or_default();
        let name = |i: Option<usize>| {
            i.and_then(|i| ws.table.models.get(i))
                .map(|m| m.name.clone())
        };
        Some(ws.to_session(
            cohorts,
            name(self.views.compare.baseline),
            name(self.views.compare.candidate),
        ))
    }

    /// Writes the recovery file every `autosave_every` (and on exit, marked clean),
    /// atomically, when the work changed.
    pub fn autosave(&mut self, exiting: bool) {
        let Some(path) = self.recovery.clone() else {
            return;
        };
        if !exiting && self.last_autosave.elapsed() < self.autosave_every {
            return;
        }
        self.last_autosave = Instant::now();
        let Some(session) = self.current_session() else {
            if exiting {
                let _ = std::fs::remove_file(&path);
            }
            return;
        };
        let body = serde_json::to_string(&session).unwrap_or_default();
        if !exiting && body == self.last_autosaved {
            return;
        }
        let rec = Recovery {
            clean_exit: exiting,
            saved_at: crate::brief::now_utc(),
            session,
        };
        if let Ok(text) = serde_json::to_string_pretty(&rec)
            && crate::session::write_atomic(&path, text.as_bytes()).is_ok()
        {
            self.last_autosaved = body;
        }
    }

    fn default_session_path(&self) -> String {
        self.session_path
            .clone()
            .or_else(|| {
                self.workspace
                    .as_ref()
                    .map(|w| w.path.with_extension("faultline"))
            })
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    fn save_session(&mut self, path: Option<PathBuf>) {
        let Some(path) = path.or_else(|| self.session_path.clone()) else {
            self.save_as = Some(self.default_session_path());
            return;
        };
        let Some(session) = self.current_session() else {
            return;
        };
        match session.save(&path) {
            Ok(()) => {
                self.notify(format!("Saved the session to {}", path.display()), false);
                self.session_path = Some(path);
            }
            Err(e) => self.notify(format!("Could not save the session: {e}"), true),
        }
    }

    /// Reads the session and hashes its datasets in the background (a large file
    /// takes a while); `poll_session` acts on the result.
    fn open_session_file(&mut self, path: PathBuf, ctx: &egui::Context) {
        let p = path.clone();
        self.session_job = Some(Job::spawn(Some(ctx.clone()), move |_| {
            crate::session::Session::load(&p).map(|s| {
                let changed = s.changed_datasets();
                (s, p, changed)
            })
        }));
    }

    fn poll_session(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.session_job else { return };
        let Some(result) = job.poll() else { return };
        self.session_job = None;
        match result {
            // A changed dataset is flagged before anything is shown.
            Ok(Ok((s, path, changed))) if changed.is_empty() => self.start_session(s, path, ctx),
            Ok(Ok((s, path, changed))) => self.flagged_session = Some((s, path, changed)),
            Ok(Err(e)) => self.notify(format!("Could not open the session: {e}"), true),
            Err(()) => self.notify("Opening the session stopped unexpectedly", true),
        }
    }

    fn start_session(&mut self, s: crate::session::Session, path: PathBuf, ctx: &egui::Context) {
        let paths: Vec<PathBuf> = s.datasets.iter().map(|d| d.path.clone()).collect();
        let mapping = s.mapping.clone();
        self.pending_session = Some(s);
        if !path.as_os_str().is_empty() {
            self.session_path = Some(path);
        }
        self.start_load(paths, None, Some(mapping), ctx);
    }

    fn session_dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(text) = &mut self.save_as {
            let mut open = true;
            let mut go = None;
            egui::Window::new("Save session")
                .collapsible(false)
                .open(&mut open)
                .show(ctx, |ui| {
                    ui.label("Session file:");
                    ui.add(egui::TextEdit::singleline(text).desired_width(420.0));
                    if ui.button("Save").clicked() && !text.trim().is_empty() {
                        go = Some(PathBuf::from(text.trim()));
                    }
                });
            if let Some(p) = go {
                self.save_as = None;
                self.commands.push(Command::SaveSession(Some(p)));
            } else if !open {
                self.save_as = None;
            }
        }
        if let Some(text) = &mut self.open_session {
            let mut open = true;
            let mut go = None;
            egui::Window::new("Open session")
                .collapsible(false)
                .open(&mut open)
                .show(ctx, |ui| {
                    ui.label("Session file (.faultline):");
                    ui.add(egui::TextEdit::singleline(text).desired_width(420.0));
                    if ui.button("Open session").clicked() && !text.trim().is_empty() {
                        go = Some(PathBuf::from(text.trim()));
                    }
                });
            if let Some(p) = go {
                self.open_session = None;
                self.commands.push(Command::OpenSession(p));
            } else if !open {
                self.open_session = None;
            }
        }
        if let Some((_, _, changed)) = &self.flagged_session {
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("faultline-changed-data")).show(ctx, |ui| {
                ui.heading("A dataset changed since the session was saved");
                for (p, want, got) in changed {
                    ui.label(format!(
                        "{}\n  saved: sha256 {want}\n  now:   {got}",
                        p.display()
                    ));
                }
                ui.label("Its numbers may differ from the pinned findings.");
                ui.horizontal(|ui| {
                    if ui.button("Open anyway").clicked() {
                        choice = Some(true);
                    }
                    if ui.button("Cancel").clicked() {
                        choice = Some(false);
                    }
                });
            });
            match choice {
                Some(true) => self.commands.push(Command::OpenSessionAnyway),
                Some(false) => self.flagged_session = None,
                None => {}
            }
        }
        if let Some(s) = &self.offered_recovery {
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("faultline-recovery")).show(ctx, |ui| {
                ui.heading("Restore unsaved work?");
                ui.label(format!(
                    "faultline did not close cleanly last time. Unsaved work on {} ({} findings in the brief) can be restored.",
                    s.datasets.iter().map(|d| d.path.display().to_string()).collect::<Vec<_>>().join(", "),
                    s.brief.findings.len()
                ));
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        choice = Some(true);
                    }
                    if ui.button("Discard").clicked() {
                        choice = Some(false);
                    }
                });
            });
            match choice {
                Some(true) => self.commands.push(Command::RestoreRecovery),
                Some(false) => self.commands.push(Command::DiscardRecovery),
                None => {}
            }
        }
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        ctx.input_mut(|i| {
            if i.consume_shortcut(&SHORTCUT_OPEN) {
                self.commands.push(Command::OpenDialog);
            }
            if i.consume_shortcut(&SHORTCUT_SAVE) {
                self.commands.push(Command::SaveSession(None));
            }
            if i.consume_shortcut(&SHORTCUT_SEARCH) {
                self.commands.push(Command::FocusSearch);
            }
            for v in View::ALL {
                if i.consume_shortcut(&v.shortcut()) {
                    self.commands.push(Command::SetView(v));
                }
            }
            if i.key_pressed(Key::Escape) {
                self.commands.push(Command::ClearSelection);
            }
            for f in i.raw.dropped_files.drain(..) {
                self.commands
                    .push(Command::OpenPath(f.path().to_path_buf()));
            }
        });
    }

    fn run_commands(&mut self, ctx: &egui::Context) {
        let commands = std::mem::take(&mut self.commands);
        for c in commands {
            match c {
                Command::OpenDialog => {
                    if let Some(p) = self.dialog.pick_file() {
                        self.start_load(vec![p], None, None, ctx);
                    } else if !self.dialog.available() {
                        self.open_path = Some(String::new());
                    }
                }
                Command::OpenJoinDialog => {
                    if let Some(p) = self.dialog.pick_files() {
                        self.start_load(p, None, None, ctx);
                    } else if !self.dialog.available() {
                        self.open_path = Some(String::new());
                    }
                }
                Command::OpenPath(p) => {
                    self.open_path = None;
                    self.start_load(vec![p], None, None, ctx);
                }
                Command::OpenPaths(p) => {
                    self.open_path = None;
                    self.start_load(p, None, None, ctx);
                }
                Command::ShowOpenPath => self.open_path = Some(String::new()),
                Command::CancelLoad => {
                    if let Some(l) = self.loading.take() {
                        l.job.cancel();
                        self.notify(format!("Stopped loading {}", l.path.display()), false);
                    }
                }
                Command::SetView(v) => {
                    self.view = v;
                    self.settings.view = v;
                }
                Command::SetCohort(c) => {
                    if let Some(ws) = &mut self.workspace {
                        ws.set_cohort(c, ctx);
                    }
                }
                Command::ShowExamplesOf(c) => {
                    if let Some(ws) = &mut self.workspace {
                        ws.set_cohort(c, ctx);
                    }
                    self.view = View::Examples;
                }
                Command::ClearCohort => {
                    if let Some(ws) = &mut self.workspace {
                        ws.set_cohort(
                            Cohort {
                                name: "All rows".into(),
                                ..Default::default()
                            },
                            ctx,
                        );
                    }
                }
                Command::SetThreshold(t) => {
                    if let Some(ws) = &mut self.workspace {
                        ws.threshold = t;
                    }
                }
                Command::ApplyMapping(m) => {
                    if let Some(ws) = &mut self.workspace {
                        self.settings
                            .mappings
                            .insert(Settings::key(&ws.path), m.clone());
                        ws.remap(m, ctx);
                    }
                }
                Command::SaveCohort(c) => {
                    if let Some(ws) = &self.workspace {
                        let list = self
                            .settings
                            .cohorts
                            .entry(Settings::key(&ws.path))
                            .or_default();
                        list.retain(|x| x.name != c.name);
                        list.push(c);
                    }
                }
                Command::DeleteCohort(name) => {
                    if let Some(ws) = &self.workspace
                        && let Some(list) = self.settings.cohorts.get_mut(&Settings::key(&ws.path))
                    {
                        list.retain(|x| x.name != name);
                    }
                }
                Command::ToggleTheme => self.settings.dark = !self.settings.dark,
                Command::ClearSelection => self.views.clear_selection(),
                Command::FocusSearch => {
                    self.view = View::Examples;
                    self.views.examples.focus_search = true;
                }
                Command::Copy(text) => ctx.copy_text(text),
                Command::Pin(f) => {
                    if let Some(ws) = &mut self.workspace {
                        let title = f.title.clone();
                        ws.brief.findings.push(f);
                        self.notify(format!("Pinned to the brief: {title}"), false);
                    }
                }
                Command::ExportBrief(path) => {
                    if let Some(ws) = &self.workspace {
                        let brief = views::brief::brief_for_export(ws);
                        match crate::brief::render::export(&brief, &path) {
                            Ok(files) => self.notify(
                                format!(
                                    "Wrote {}",
                                    files
                                        .iter()
                                        .map(|f| f.display().to_string())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                                false,
                            ),
                            Err(e) => self.notify(format!("Export failed: {e}"), true),
                        }
                    }
                }
                Command::TagCohort(tag) => {
                    if let Some(ws) = &mut self.workspace {
                        let mut n = 0;
                        for (i, &r) in ws.table.row_index.iter().enumerate() {
                            if ws.active.mask.as_ref().is_none_or(|m| m[i]) {
                                let tags = ws.example_tags.entry(r + 1).or_default();
                                if !tags.contains(&tag) {
                                    tags.push(tag.clone());
                                }
                                n += 1;
                            }
                        }
                        self.notify(format!("Tagged {n} rows with {tag:?}"), false);
                    }
                }
                Command::SaveSession(path) => self.save_session(path),
                Command::OpenSession(path) => self.open_session_file(path, ctx),
                Command::OpenSessionAnyway => {
                    if let Some((s, path, _)) = self.flagged_session.take() {
                        self.start_session(s, path, ctx);
                    }
                }
                Command::RestoreRecovery => {
                    if let Some(s) = self.offered_recovery.take() {
                        self.session_job = Some(Job::spawn(Some(ctx.clone()), move |_| {
                            let changed = s.changed_datasets();
                            Ok((s, PathBuf::new(), changed))
                        }));
                    }
                }
                Command::DiscardRecovery => {
                    self.offered_recovery = None;
                    if let Some(p) = &self.recovery {
                        let _ = std::fs::remove_file(p);
                    }
                }
                Command::ShowErrorsOf(m) => self.views.examples.errors_of = Some(m),
                Command::ShowFlip(b, c, ok_b, ok_c) => {
                    self.views.examples.errors_of = None;
                    self.views.examples.flip = Some((b, c, ok_b, ok_c));
                }
                Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            }
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                let fmt = |s: &KeyboardShortcut| ui.ctx().format_shortcut(s);
                if ui
                    .add(egui::Button::new("Open…").shortcut_text(fmt(&SHORTCUT_OPEN)))
                    .clicked()
                {
                    self.commands.push(Command::OpenDialog);
                    ui.close();
                }
                if ui
                    .button("Open baseline + candidate files…")
                    .on_hover_text("Several files joined on their id column")
                    .clicked()
                {
                    self.commands.push(Command::OpenJoinDialog);
                    ui.close();
                }
                if ui.button("Open path…").clicked() {
                    self.commands.push(Command::ShowOpenPath);
                    ui.close();
                }
                ui.menu_button("Recent files", |ui| {
                    if self.settings.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for p in self.settings.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            self.commands.push(Command::OpenPath(p));
                            ui.close();
                        }
                    }
                });
                if ui.button("Open bundled sample").clicked() {
                    if let Ok(p) = bundled_sample() {
                        self.commands.push(Command::OpenPath(p));
                    }
                    ui.close();
                }
                ui.separator();
                let save = ui.ctx().format_shortcut(&SHORTCUT_SAVE);
                if ui
                    .add(egui::Button::new("Save session").shortcut_text(save))
                    .clicked()
                {
                    self.commands.push(Command::SaveSession(None));
                    ui.close();
                }
                if ui.button("Save session as…").clicked() {
                    self.save_as = Some(self.default_session_path());
                    ui.close();
                }
                if ui.button("Open session…").clicked() {
                    self.open_session = Some(String::new());
                    ui.close();
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    self.commands.push(Command::Quit);
                }
            });
            ui.menu_button("View", |ui| {
                for v in View::ALL {
                    let text = ui.ctx().format_shortcut(&v.shortcut());
                    if ui
                        .add(
                            egui::Button::selectable(self.view == v, v.label()).shortcut_text(text),
                        )
                        .clicked()
                    {
                        self.commands.push(Command::SetView(v));
                        ui.close();
                    }
                }
                ui.separator();
                let search = ui.ctx().format_shortcut(&SHORTCUT_SEARCH);
                if ui
                    .add(egui::Button::new("Search examples").shortcut_text(search))
                    .clicked()
                {
                    self.commands.push(Command::FocusSearch);
                    ui.close();
                }
                if ui
                    .add(egui::Button::new("Clear selection").shortcut_text("Esc"))
                    .clicked()
                {
                    self.commands.push(Command::ClearSelection);
                    ui.close();
                }
                let theme = if self.settings.dark {
                    "Light theme"
                } else {
                    "Dark theme"
                };
                if ui.button(theme).clicked() {
                    self.commands.push(Command::ToggleTheme);
                    ui.close();
                }
            });
        });
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            for v in View::ALL {
                let r = ui
                    .selectable_label(self.view == v, v.label())
                    .on_hover_text(ui.ctx().format_shortcut(&v.shortcut()));
                if r.clicked() {
                    self.commands.push(Command::SetView(v));
                }
            }
            ui.separator();
            if let Some(ws) = &self.workspace {
                ui.label(egui::RichText::new(&ws.name).strong());
                ui.label(format!(
                    "{} · {} rows",
                    ws.table.task.as_str(),
                    crate::report::text::fmt_int(ws.table.len() as u64)
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
                    crate::report::text::fmt_int(c.rows as u64)
                );
                ui.label(egui::RichText::new(text).color(ui.visuals().hyperlink_color))
                    .on_hover_text(c.cohort.filter.describe());
                if !c.cohort.filter.is_empty() && ui.button("Clear cohort").clicked() {
                    self.commands.push(Command::ClearCohort);
                }
                if ws.is_busy() {
                    ui.spinner();
                    ui.label("computing…");
                }
            } else if self.loading.is_none() {
                ui.label("No file open: File > Open, drop a file here, or File > Open path.");
            }
            if let Some(l) = &self.loading {
                ui.separator();
                ui.spinner();
                ui.label(format!(
                    "Loading {} … {:.1} s",
                    l.name,
                    l.job.started.elapsed().as_secs_f32()
                ));
                if ui.button("Cancel").clicked() {
                    self.commands.push(Command::CancelLoad);
                }
            }
        });
    }

    fn open_path_ui(&mut self, ctx: &egui::Context) {
        let Some(text) = &mut self.open_path else {
            return;
        };
        let mut open = true;
        let mut go = None;
        egui::Window::new("Open path")
            .collapsible(false)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label("Path of an evaluation file (.csv .tsv .parquet .json .jsonl .arrow);\nseveral paths separated by ; are joined on their id column:");
                let r = ui.add(
                    egui::TextEdit::singleline(text)
                        .desired_width(420.0)
                        .hint_text("/path/to/eval.parquet"),
                );
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                if (ui.button("Open").clicked() || enter) && !text.trim().is_empty() {
                    go = Some(text.split(';').map(|p| PathBuf::from(p.trim())).filter(|p| !p.as_os_str().is_empty()).collect::<Vec<_>>());
                }
            });
        if let Some(p) = go {
            self.commands.push(Command::OpenPaths(p));
        }
        if !open {
            self.open_path = None;
        }
    }

    fn notices_ui(&mut self, ctx: &egui::Context) {
        self.notices
            .retain(|n| n.error || n.at.elapsed() < Duration::from_secs(8));
        if self.notices.is_empty() {
            return;
        }
        let mut dismiss = None;
        egui::Area::new(egui::Id::unique("faultline-notices"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -12.0))
            .show(ctx, |ui| {
                for (i, n) in self.notices.iter().enumerate() {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width(460.0);
                        ui.horizontal(|ui| {
                            let color = if n.error {
                                ui.visuals().error_fg_color
                            } else {
                                ui.visuals().text_color()
                            };
                            ui.add(
                                egui::Label::new(egui::RichText::new(&n.text).color(color)).wrap(),
                            );
                            if ui.small_button("Dismiss").clicked() {
                                dismiss = Some(i);
                            }
                        });
                    });
                }
            });
        if let Some(i) = dismiss {
            self.notices.remove(i);
        }
    }
}

impl eframe::App for FaultlineApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if self.theme_applied != Some(self.settings.dark) {
            ctx.set_theme(if self.settings.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.theme_applied = Some(self.settings.dark);
        }
        self.handle_shortcuts(ctx);
        self.poll_loading();
        self.poll_session(ctx);
        if let Some(ws) = &mut self.workspace {
            for n in ws.poll() {
                self.notices.push(Notice {
                    text: n,
                    error: true,
                    at: Instant::now(),
                });
            }
        }
        if self.is_busy() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        self.autosave(false);
        if self.recovery.is_some() {
            ctx.request_repaint_after(self.autosave_every);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("status").show(ui, |ui| self.status_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            let mut out = Vec::new();
            match &mut self.workspace {
                Some(ws) => {
                    let ctx = ui.ctx().clone();
                    self.views.ui(self.view, ui, ws, &self.settings, &ctx, &mut out);
                }
                None => {
                    ui.centered_and_justified(|ui| {
                        ui.label(if self.loading.is_some() {
                            "Loading…"
                        } else {
                            "Open an evaluation file: File > Open (Ctrl+O), drop it on the window, or File > Open path."
                        });
                    });
                }
            }
            self.commands.extend(out);
        });
        self.open_path_ui(&ctx);
        self.session_dialogs_ui(&ctx);
        self.notices_ui(&ctx);
        self.run_commands(&ctx);
        if let Some(shot) = &mut self.screenshot {
            // A screenshot of the Examples view shows the inspector on the first row.
            if self.view == View::Examples
                && self.views.examples.selected.is_none()
                && let Some(rows) = self
                    .workspace
                    .as_ref()
                    .and_then(|w| w.examples.value.as_ref())
            {
                self.views.examples.selected = rows.first().copied();
            }
            let ready = self.workspace.is_some()
                && self.loading.is_none()
                && !self.workspace.as_ref().is_some_and(Workspace::is_busy);
            let failed = self.workspace.is_none() && self.loading.is_none();
            shot.step(&ctx, ready, failed);
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.autosave(true);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            eframe::set_value(storage, eframe::APP_KEY, &self.settings);
        }
    }
}

/// The bundled binary-classification sample, embedded in the binary and unpacked
/// to a temporary file so that it opens from any directory and after installation.
pub fn bundled_sample() -> std::io::Result<PathBuf> {
    const BYTES: &[u8] = include_bytes!("../../sample_data/churn.parquet");
    let dir = std::env::temp_dir().join("faultline-sample");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("churn.parquet");
    let fresh = std::fs::read(&path).map(|b| b == BYTES).unwrap_or(false);
    if !fresh {
        let tmp = dir.join(format!("churn.parquet.{}.tmp", std::process::id()));
        std::fs::write(&tmp, BYTES)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(path)
}

/// The window icon, from `assets/icon.png`.
pub fn icon() -> Option<egui::IconData> {
    let img = image::load_from_memory(include_bytes!("../../assets/icon.png"))
        .ok()?
        .to_rgba8();
    Some(egui::IconData {
        width: img.width(),
        height: img.height(),
        rgba: img.into_raw(),
    })
}

/// Opens the window; returns when it closes.
pub fn run(options: LaunchOptions) -> anyhow::Result<()> {
    let size = if options.screenshot.is_some() {
        [1400.0, 900.0]
    } else {
        [1280.0, 820.0]
    };
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("faultline")
        .with_app_id("faultline")
        .with_inner_size(size)
        .with_drag_and_drop(true);
    if let Some(icon) = icon() {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let native = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        persist_window: options.screenshot.is_none(),
        ..Default::default()
    };
    let shot = options.screenshot.clone();
    eframe::run_native(
        "faultline",
        native,
        Box::new(|cc| Ok(Box::new(FaultlineApp::new(cc, options)))),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))?;
    if let Some(path) = shot
        && !path.exists()
    {
        anyhow::bail!("no screenshot was written to {}", path.display());
    }
    Ok(())
}

/// Whether a path looks like a file faultline can open.
pub fn is_supported(path: &Path) -> bool {
    crate::load::read::Format::from_path(path).is_ok()
}
