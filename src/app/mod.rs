//! The workbench window (eframe/egui), a thin layer over the engine. Each frame:
//! finished background jobs are taken from the task registry; views draw from the
//! workspace and the cached results and emit [`Command`]s and [`Request`]s; at the
//! end of the frame the commands change the workspace and the requests start jobs.
//!
//! Files: `commands` (what can change), `actions` (the command registry: labels,
//! shortcuts, menus), `menus` (menu and status bars), `tasks` (background jobs),
//! `results` (cached view results), `workspace` (the open analysis), `session_io`
//! (sessions, autosave, recovery), `notices`, `launch` (window and sample),
//! `dialog` (file dialogs), `settings` (persisted), `screenshot`, `glyphs` (the
//! font atlas filled in the first frames), `views/`.

pub mod actions;
pub mod busy;
pub mod commands;
pub mod dialog;
pub mod exports;
pub mod frame_times;
pub mod glyphs;
pub mod launch;
pub mod menus;
pub mod notices;
pub mod open_form;
pub mod priority;
pub mod results;
pub mod screenshot;
pub mod session_io;
pub mod settings;
#[cfg(feature = "spark")]
pub mod spark_panel;
pub mod tasks;
pub mod views;
pub mod workspace;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use commands::Command;
pub use launch::{LaunchOptions, bundled_sample, run};
pub use results::Request;

use crate::cli::ViewName;
use crate::load::{LoadOptions, Loaded, Mapping};
use dialog::FileDialog;
use notices::Notices;
use results::Results;
use session_io::SessionState;
use settings::Settings;
use tasks::{ColumnsDone, Done, LoadDone, TaskKind, Tasks};
use views::Views;
use workspace::Workspace;

/// Typed-path boxes that are open (for machines without a file portal).
#[derive(Default)]
pub struct Dialogs {
    pub open_path: Option<String>,
    /// File > Open Spark table: (table or path, server).
    pub open_spark: Option<(String, String)>,
    /// The typed path opens the mapping form first.
    pub open_with_mapping: bool,
    pub open_session: Option<String>,
    pub save: Option<exports::SaveBox>,
}

pub struct FaultlineApp {
    pub settings: Settings,
    pub view: ViewName,
    pub workspace: Option<Workspace>,
    /// An open Spark source (instead of a file): its rows stay on the cluster.
    #[cfg(feature = "spark")]
    pub spark: Option<spark_panel::SparkPanel>,
    pub results: Results,
    pub tasks: Tasks,
    pub notices: Notices,
    pub views: Views,
    pub session: SessionState,
    pub dialogs: Dialogs,
    /// A file waiting for its mapping (shown instead of the views).
    pub open_form: Option<open_form::OpenForm>,
    commands: Vec<Command>,
    requests: Vec<Request>,
    dialog: Box<dyn FileDialog>,
    screenshot: Option<screenshot::Screenshot>,
    /// Charts waiting for their pixels (copy as image, save as PNG).
    shots: Vec<exports::PendingShot>,
    theme_applied: Option<bool>,
    /// How files are read (format and encoding from the command line).
    read: crate::load::read::ReadOptions,
    /// An example to select once the first file has loaded (`--select`).
    select: Option<u32>,
    /// Metric parameters for the first file loaded (`--k`).
    params: Option<crate::load::table::MetricParams>,
    /// The command line's mapping, for a Spark source given at launch.
    launch_mapping: Option<Mapping>,
    /// `FAULTLINE_FRAME_TIMES=1`: each frame's time, printed.
    frame_times: Option<frame_times::FrameTimes>,
    /// The font atlas, filled in the first frames ([`glyphs`]).
    atlas: glyphs::AtlasFill,
}

impl FaultlineApp {
    pub fn new(cc: &eframe::CreationContext<'_>, options: LaunchOptions) -> FaultlineApp {
        // Before any job computes: the pool's threads are made lowered.
        priority::lower_thread_pool();
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
            #[cfg(feature = "spark")]
            spark: None,
            results: Results::default(),
            tasks: Tasks::new(Some(cc.egui_ctx.clone())),
            notices: Notices::default(),
            views: Views::new(),
            session: SessionState::new(options.recovery.clone(), options.autosave_every),
            dialogs: Dialogs::default(),
            open_form: None,
            commands: Vec::new(),
            requests: Vec::new(),
            dialog: options.dialog,
            screenshot: options
                .screenshot
                .map(|p| screenshot::Screenshot::new(p, options.select.is_none())),
            shots: Vec::new(),
            theme_applied: None,
            read: options.read,
            select: options.select,
            params: Some(options.params),
            launch_mapping: Some(options.mapping.clone()),
            frame_times: options.frame_times.then(Default::default),
            atlas: glyphs::AtlasFill::default(),
        };
        if let Some(source) = options.files.first().filter(|p| crate::spark::is_spark(p)) {
            app.commands.push(Command::OpenSpark {
                source: source.display().to_string(),
                connect: options
                    .connect
                    .clone()
                    .or_else(|| std::env::var("SPARK_REMOTE").ok())
                    .unwrap_or_default(),
            });
        } else if !options.files.is_empty() {
            // Several files are joined on their id column.
            app.start_load(options.files, None, Some(options.mapping));
        } else if options.open_sample {
            app.commands.push(Command::OpenSample);
        }
        app
    }

    /// Queues a command as a menu or view would (for harnesses and tests).
    pub fn command(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// True while a file or a Spark source is opening.
    pub fn is_loading(&self) -> bool {
        self.tasks.is_running(TaskKind::Load) || self.tasks.is_running(TaskKind::SparkOpen)
    }

    /// True when a file or a Spark source is open.
    pub fn has_data(&self) -> bool {
        #[cfg(feature = "spark")]
        if self.spark.is_some() {
            return true;
        }
        self.workspace.is_some()
    }

    /// True while anything runs in the background or waits to be applied.
    pub fn is_busy(&self) -> bool {
        self.tasks.is_busy() || !self.commands.is_empty() || !self.requests.is_empty()
    }

    /// Starts loading one file, or several joined on their id; the open data stays
    /// until the new data has loaded.
    fn start_load(&mut self, paths: Vec<PathBuf>, name: Option<String>, mapping: Option<Mapping>) {
        let Some(path) = paths.first().cloned() else {
            return;
        };
        let mapping = mapping
            .filter(|m| *m != Mapping::default())
            .or_else(|| self.settings.mappings.get(&Settings::key(&path)).cloned())
            .unwrap_or_default();
        let name = name.unwrap_or_else(|| {
            paths
                .iter()
                .map(|p| {
                    p.file_name().map_or_else(
                        || p.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
                })
                .collect::<Vec<_>>()
                .join(" + ")
        });
        let (p, m, n) = (paths.clone(), mapping.clone(), name.clone());
        let read = self.read.clone();
        self.tasks
            .start(TaskKind::Load, format!("Loading {name}"), move |control| {
                let start = Instant::now();
                let options = LoadOptions {
                    read: crate::load::read::ReadOptions {
                        control: control.clone(),
                        // One file's hash is taken once the window is idle
                        // (`hash_when_idle`); a join's are joined as it loads.
                        defer_hash: p.len() == 1,
                        ..read
                    },
                    // The id and feature columns are read once the first
                    // overview is drawn.
                    defer_id: true,
                    defer_features: true,
                    ..LoadOptions::default()
                };
                let result = crate::join::load_joined(&p, &m, &options).map(|j| {
                    (
                        Loaded {
                            frame: j.frame,
                            table: j.table,
                            deferred: j.deferred,
                            features_deferred: j.features_deferred,
                            read_time: start.elapsed(),
                            decode_time: Duration::ZERO,
                        },
                        j.report,
                    )
                });
                Done::Load(Box::new(LoadDone {
                    paths: p,
                    name: n,
                    mapping: m,
                    result,
                }))
            });
    }

    fn load_done(&mut self, l: LoadDone) {
        let first = l.paths.first().cloned().unwrap_or_default();
        match l.result {
            Ok((loaded, join)) => {
                if l.paths.len() == 1 {
                    self.settings.remember_file(&first);
                }
                self.settings
                    .mappings
                    .insert(Settings::key(&first), l.mapping.clone());
                // New data: every job and result of the old data goes.
                self.tasks.cancel_all();
                #[cfg(feature = "spark")]
                {
                    self.spark = None;
                }
                self.results = Results::default();
                self.views = Views::new();
                if let Some(j) = &join {
                    let text = j.summary();
                    if j.only_in_some > 0
                        || j.label_disagreements > 0
                        || j.sources.iter().any(|s| s.2 > 0)
                    {
                        self.notices.error(text);
                    } else {
                        self.notices.info(text);
                    }
                }
                let mut ws = Workspace::new(loaded, l.name, l.mapping, join, l.paths);
                ws.saved_cohorts = self
                    .settings
                    .cohorts
                    .get(&Settings::key(&ws.path))
                    .cloned()
                    .unwrap_or_default();
                if let Some(s) = self.session.pending.take() {
                    ws.apply_session(&s, &mut self.tasks);
                    self.settings
                        .cohorts
                        .insert(Settings::key(&ws.path), ws.saved_cohorts.clone());
                }
                // The command line's `--k` (a session's own parameters stand otherwise).
                if let Some(p) = self.params.take().filter(|p| *p != Default::default()) {
                    ws.set_params(p);
                }
                self.workspace = Some(ws);
                if let Some(r) = self.select.take() {
                    self.commands.push(Command::SelectExample(r));
                }
            }
            // A failed load never replaces the open data.
            Err(crate::Error::Cancelled) => {}
            // The file reads but its roles do not follow from its names: ask.
            Err(
                e @ (crate::Error::MissingColumn { .. }
                | crate::Error::BadColumn { .. }
                | crate::Error::BadValue { .. }
                | crate::Error::UnknownModel { .. }),
            ) if l.paths.len() == 1 && !crate::load::read::is_stdin(&first) => {
                self.start_preview(l.paths, l.mapping, Some(e.to_string()));
            }
            Err(e) => self
                .notices
                .error(format!("Could not open {}: {e}", first.display())),
        }
    }

    /// Connects to a Spark source in the background; the open data stays until it
    /// has opened, and stays for good if it cannot.
    fn open_spark(&mut self, source: String, connect: String) {
        let source = source.trim();
        let source = if crate::spark::is_spark(std::path::Path::new(source)) {
            source.to_string()
        } else {
            format!("spark://{source}")
        };
        let connect = Some(connect.trim().to_string()).filter(|c| !c.is_empty());
        #[cfg(feature = "spark")]
        {
            let resolved = crate::spark::SparkSource::resolve(
                std::path::Path::new(&source),
                connect.as_deref(),
            );
            let resolved = match resolved {
                Ok(s) => s,
                Err(e) => {
                    self.notices
                        .error(format!("Could not open the Spark source: {e}"));
                    return;
                }
            };
            let mapping = self.launch_mapping.take().unwrap_or_default();
            let label = format!("Opening {} on {}", resolved.display(), resolved.remote);
            self.tasks.start(TaskKind::SparkOpen, label, move |_| {
                Done::SparkOpened(Box::new(crate::spark::remote::RemoteTable::open(
                    &resolved,
                    &mapping,
                    crate::load::LoadOptions::default().bins,
                    false,
                )))
            });
        }
        #[cfg(not(feature = "spark"))]
        {
            let _unused = (connect, self.launch_mapping.take());
            self.notices.error(format!(
                "Could not open the Spark source: {}",
                crate::spark::unsupported(std::path::Path::new(&source), "the window")
            ));
        }
    }

    fn open_dialog(&mut self, several: bool, with_mapping: bool) {
        let picked = if several {
            self.dialog.pick_files()
        } else {
            self.dialog.pick_file().map(|p| vec![p])
        };
        match picked {
            Some(paths) if with_mapping => {
                let mapping = paths
                    .first()
                    .and_then(|p| self.settings.mappings.get(&Settings::key(p)).cloned())
                    .unwrap_or_default();
                self.start_preview(paths, mapping, None);
            }
            Some(paths) => self.start_load(paths, None, None),
            None if !self.dialog.available() => {
                self.dialogs.open_path = Some(String::new());
                self.dialogs.open_with_mapping = with_mapping;
            }
            None => {}
        }
    }

    /// With no job running, reads the columns the load left for later (the id,
    /// [`crate::load::kept_frame`]): the first overview is on screen by then.
    /// A job may have read them first; this then only hands them to the views.
    fn read_columns_when_idle(&mut self) {
        let Some(ws) = &self.workspace else {
            return;
        };
        if self.tasks.is_busy() || ws.columns_read {
            return;
        }
        let kept = ws.kept.clone();
        let features = ws
            .features_pending
            .then(|| (ws.table.clone(), ws.mapping.clone()));
        let label = if features.is_some() {
            "Reading the feature columns".to_string()
        } else {
            format!("Reading column {}", kept.deferred().join(", "))
        };
        self.tasks.start(TaskKind::Columns, label, move |control| {
            let work = || {
                let read = kept.read();
                let features = match (&read, features) {
                    (Ok(whole), Some((table, mapping))) => {
                        let options = LoadOptions {
                            read: crate::load::read::ReadOptions {
                                control: control.clone(),
                                ..Default::default()
                            },
                            ..LoadOptions::default()
                        };
                        Some(crate::load::open::decode_deferred_features(
                            &table, whole, &mapping, &options,
                        ))
                    }
                    _ => None,
                };
                (read, features)
            };
            // On one thread, leaving the other core to drawing: on both, the
            // Overview's frames took 20-40 ms while the features decoded.
            let (read, features) = match priority::one_lowered_thread() {
                Some(pool) => pool.install(work),
                None => work(),
            };
            Done::Columns(Box::new(ColumnsDone {
                kept,
                read,
                features,
            }))
        });
    }

    /// With no job running, makes what the next cohort change reads and the
    /// first overview did not need, in the background: a user looking at the
    /// first overview does not wait for it, and a cohort change made before it
    /// is done takes the slower way, with the same numbers.
    fn prepare_when_idle(&mut self) {
        let Some(ws) = &self.workspace else {
            return;
        };
        if self.tasks.is_busy() || ws.table.cohort_changes_prepared() {
            return;
        }
        let table = ws.table.clone();
        self.tasks.start(
            TaskKind::Prepare,
            "Preparing for cohort changes",
            move |_| {
                table.prepare_cohort_changes();
                Done::Prepared
            },
        );
    }

    /// With no job running, takes the sha256 of the open file if the load left
    /// it for later ([`crate::load::file_hash::FileHash`]): sessions and briefs
    /// name the data by it, and taking it here keeps a save from waiting.
    fn hash_when_idle(&mut self) {
        let Some(ws) = &self.workspace else {
            return;
        };
        let hash = &ws.table.dataset.sha256;
        if self.tasks.is_busy() || hash.is_taken() {
            return;
        }
        let hash = hash.clone();
        self.tasks
            .start(TaskKind::Hash, "Taking the file's sha256", move |_| {
                hash.get();
                Done::Prepared
            });
    }

    /// Routes a finished job's result.
    fn finished(&mut self, done: Done) {
        let Some(done) = self.results.accept(done) else {
            return;
        };
        match done {
            Done::Load(l) => self.load_done(*l),
            Done::Preview(p) => {
                let (paths, mapping, reason, head) = *p;
                self.preview_done(paths, mapping, reason, head);
            }
            Done::Session(r) => self.session_done(r),
            Done::Cohort(c, r, overview) => {
                if let Some(ws) = self.workspace.as_mut() {
                    if let Some(msg) = ws.cohort_done(c.clone(), r) {
                        self.notices.error(msg);
                    }
                    if let Some(o) = overview
                        && let Some(key) = ws.cohort_overview_key(&c, &o)
                    {
                        self.results.offer_overview(key, o.overview);
                    }
                }
            }
            Done::Remap(m, r) => {
                if let Some(ws) = &mut self.workspace
                    && let Some(msg) = ws.remap_done(m, *r, &mut self.tasks)
                {
                    self.notices.error(msg);
                }
            }
            Done::DefaultBrief(Some(computed)) => {
                if let Some(ws) = &mut self.workspace {
                    ws.brief = crate::brief::merge(&ws.brief, computed);
                    self.notices.info("Added the default findings to the brief");
                }
            }
            Done::DefaultBrief(None) => {}
            Done::TagCohort(tag, rows) => {
                if let Some(ws) = &mut self.workspace {
                    let n = rows.len();
                    for r in rows {
                        let tags = ws.example_tags.entry(r).or_default();
                        if !tags.contains(&tag) {
                            tags.push(tag.clone());
                        }
                    }
                    self.notices.info(format!("Tagged {n} rows with {tag:?}"));
                }
            }
            Done::Export(Ok(files)) => self.notices.info(format!(
                "Wrote {}",
                files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Done::Export(Err(e)) => self.notices.error(format!("Export failed: {e}")),
            Done::Columns(done) => {
                let ColumnsDone {
                    kept,
                    read,
                    features,
                } = *done;
                if let Some(ws) = &mut self.workspace
                    && Arc::ptr_eq(&ws.kept, &kept)
                {
                    ws.columns_read = true;
                    match read {
                        Ok(whole) => ws.frame = whole,
                        Err(e) => self.notices.error(format!(
                            "Could not read column {}: {e}",
                            kept.deferred().join(", ")
                        )),
                    }
                    match features {
                        Some(Ok((table, frame))) => {
                            ws.features_done(table, frame, &mut self.results)
                        }
                        Some(Err(e)) => {
                            ws.features_pending = false;
                            self.notices
                                .error(format!("Could not decode the feature columns: {e}"));
                        }
                        None => ws.features_pending = false,
                    }
                }
            }
            Done::Screenshot(path, r) => {
                if let Err(e) = r {
                    eprintln!("faultline: cannot write {}: {e}", path.display());
                }
                if let Some(s) = &mut self.screenshot {
                    s.written = true;
                }
            }
            #[cfg(feature = "spark")]
            Done::SparkOpened(r) => match *r {
                Ok(table) => {
                    self.tasks.cancel_all();
                    self.results = Results::default();
                    self.views = Views::new();
                    self.workspace = None;
                    self.notices
                        .info(format!("Opened {} on Spark", table.source().display()));
                    self.spark = Some(spark_panel::SparkPanel::new(table));
                }
                Err(crate::Error::Cancelled) => {}
                Err(e) => self
                    .notices
                    .error(format!("Could not open the Spark source: {e}")),
            },
            #[cfg(feature = "spark")]
            Done::SparkMetrics(done) => {
                if let Some(msg) = self.spark.as_mut().and_then(|p| p.metrics_done(*done)) {
                    self.notices.error(format!("Spark query failed: {msg}"));
                }
            }
            #[cfg(feature = "spark")]
            Done::SparkRows(done) => {
                let (key, result) = *done;
                if let Some(msg) = self.spark.as_mut().and_then(|p| p.rows_done(key, result)) {
                    self.notices.error(msg);
                }
            }
            Done::Failed(kind) => {
                // A read of the deferred columns that died is not tried again.
                if kind == TaskKind::Columns
                    && let Some(ws) = &mut self.workspace
                {
                    ws.columns_read = true;
                    ws.features_pending = false;
                }
                self.notices
                    .error(format!("A background job ({kind:?}) stopped unexpectedly"))
            }
            // View results were taken by `results.accept`.
            _ => {}
        }
    }

    fn central_ui(&mut self, ui: &mut egui::Ui) {
        if self.open_form.is_some() {
            self.open_form_ui(ui);
            return;
        }
        #[cfg(feature = "spark")]
        if let Some(panel) = &mut self.spark {
            panel.ui(ui, &mut self.tasks);
            return;
        }
        let Some(ws) = &self.workspace else {
            ui.centered_and_justified(|ui| {
                ui.label(if self.is_loading() {
                    "Loading…"
                } else {
                    "Open an evaluation file: File > Open (Ctrl+O), drop it on the window, or File > Open path."
                });
            });
            return;
        };
        let mut cx = views::ViewCtx {
            ws,
            results: &self.results,
            tasks: &self.tasks,
            settings: &self.settings,
            commands: &mut self.commands,
            requests: &mut self.requests,
        };
        if let Some(v) = self.views.get_mut(self.view) {
            v.ui(ui, &mut cx);
        }
    }

    /// Dropped files: one opens alone, several are joined on their id.
    fn dropped_files(&mut self, ctx: &egui::Context) {
        let paths: Vec<PathBuf> = ctx.input_mut(|i| {
            i.raw
                .dropped_files
                .drain(..)
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !paths.is_empty() {
            self.commands.push(Command::OpenPaths(paths));
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        self.commands.extend(actions::pressed(ctx));
        let views: Vec<(egui::KeyboardShortcut, ViewName)> =
            self.views.iter().map(|v| (v.shortcut(), v.id())).collect();
        ctx.input_mut(|i| {
            for (s, id) in views {
                if i.consume_shortcut(&s) {
                    self.commands.push(Command::SetView(id));
                }
            }
        });
    }
}

impl eframe::App for FaultlineApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        if let Some(f) = &mut self.frame_times {
            f.begin(frame.info().cpu_usage);
        }
        if self.theme_applied != Some(self.settings.dark) {
            ctx.set_theme(if self.settings.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.theme_applied = Some(self.settings.dark);
        }
        self.shortcuts(ctx);
        self.dropped_files(ctx);
        for done in self.tasks.poll() {
            self.finished(done);
        }
        self.poll_shots(ctx);
        busy::set_since(ctx, self.tasks.iter().map(|t| t.started).min());
        // A job asks for a frame when the quiet start ends and when it ends
        // (`tasks::Tasks::start`); past the quiet start, a poll besides the
        // spinners' frames.
        if self.tasks.is_busy() && busy::quiet_left(ctx).is_none() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        self.autosave(false);
        if self.session.recovery.is_some() {
            ctx.request_repaint_after(self.session.autosave_every);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.atlas.step(&ctx);
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("status").show(ui, |ui| self.status_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        self.open_path_ui(&ctx);
        self.open_spark_ui(&ctx);
        self.session_dialogs_ui(&ctx);
        self.save_box_ui(&ctx);
        self.notices.notices_ui(&ctx);
        // End of the frame: commands change the workspace, requests start jobs.
        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // This pass drew the state before the commands: draw the new one
            // now (egui runs the pass again, once), so that the views' requests
            // for it start their jobs in this frame rather than the next.
            ctx.request_discard("commands changed what the views show");
        }
        for c in commands {
            self.apply(c, &ctx);
        }
        if let Some(ws) = &self.workspace {
            for r in std::mem::take(&mut self.requests) {
                self.results.ensure(r, ws, &mut self.tasks);
            }
        } else {
            self.requests.clear();
        }
        self.read_columns_when_idle();
        self.prepare_when_idle();
        self.hash_when_idle();
        #[cfg(feature = "spark")]
        if let Some(panel) = &mut self.spark {
            panel.ensure(&mut self.tasks);
        }
        self.screenshot_step(&ctx);
        if !self.commands.is_empty() {
            // A command that applying another one sent: taken next frame.
            ctx.request_repaint();
        }
        if let Some(f) = &mut self.frame_times {
            f.end(&self.tasks);
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
