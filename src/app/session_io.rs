//! Sessions in and out of the window: save and open (`.faultline` files, a changed
//! dataset flagged before anything is shown), autosave to the recovery file, and
//! the offer to restore unsaved work after a crash. The session itself is written
//! from and restored to the workspace only.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::FaultlineApp;
use super::tasks::{Done, SessionCheck, TaskKind};
use crate::session::Session;

/// What the recovery file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recovery {
    pub clean_exit: bool,
    pub saved_at: String,
    pub session: Session,
}

/// Where sessions come from and go to.
pub struct SessionState {
    /// The session file this work was last saved to or opened from.
    pub path: Option<PathBuf>,
    /// A session to apply once its data has loaded.
    pub pending: Option<Session>,
    /// A session whose datasets changed, waiting for the user's decision.
    pub flagged: Option<SessionCheck>,
    /// Unsaved work found after a crash, offered at start.
    pub offered_recovery: Option<Session>,
    /// Where to autosave (None: off).
    pub recovery: Option<PathBuf>,
    pub autosave_every: Duration,
    pub last_autosave: Instant,
    pub last_autosaved: String,
}

impl SessionState {
    pub fn new(recovery: Option<PathBuf>, autosave_every: Duration) -> SessionState {
        // Work left unsaved by a crash is offered before anything else, if there is
        // work in it.
        let offered_recovery = recovery
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|t| serde_json::from_str::<Recovery>(&t).ok())
            .filter(|r| !r.clean_exit && r.session.has_work())
            .map(|r| r.session);
        SessionState {
            path: None,
            pending: None,
            flagged: None,
            offered_recovery,
            recovery,
            autosave_every,
            last_autosave: Instant::now(),
            last_autosaved: String::new(),
        }
    }
}

impl FaultlineApp {
    /// The session of the open work.
    pub fn current_session(&self) -> Option<Session> {
        self.workspace
            .as_ref()
            .map(super::workspace::Workspace::to_session)
    }

    /// Writes the recovery file every `autosave_every` (and on exit, marked clean),
    /// atomically, when there is work and it changed.
    pub fn autosave(&mut self, exiting: bool) {
        let Some(path) = self.session.recovery.clone() else {
            return;
        };
        if !exiting && self.session.last_autosave.elapsed() < self.session.autosave_every {
            return;
        }
        self.session.last_autosave = Instant::now();
        let Some(session) = self.current_session().filter(Session::has_work) else {
            // Nothing to restore: no recovery file to offer next time (unless the
            // one found at start is still waiting for the user's answer).
            if self.session.offered_recovery.is_none()
                && (exiting || !self.session.last_autosaved.is_empty())
            {
                std::fs::remove_file(&path).ok();
                self.session.last_autosaved.clear();
            }
            return;
        };
        let body = serde_json::to_string(&session).unwrap_or_default();
        if !exiting && body == self.session.last_autosaved {
            return;
        }
        let rec = Recovery {
            clean_exit: exiting,
            saved_at: crate::brief::now_utc(),
            session,
        };
        if let Ok(text) = serde_json::to_string_pretty(&rec)
            && crate::atomic::write_atomic(&path, text.as_bytes()).is_ok()
        {
            self.session.last_autosaved = body;
        }
    }

    pub(super) fn default_session_path(&self) -> String {
        self.session
            .path
            .clone()
            .or_else(|| {
                self.workspace
                    .as_ref()
                    .map(|w| w.path.with_extension("faultline"))
            })
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    pub(super) fn save_session(&mut self, path: Option<PathBuf>) {
        let Some(path) = path.or_else(|| self.session.path.clone()) else {
            self.save_session_as();
            return;
        };
        let Some(session) = self.current_session() else {
            return;
        };
        match session.save(&path) {
            Ok(()) => {
                self.notices
                    .info(format!("Saved the session to {}", path.display()));
                self.session.path = Some(path);
            }
            Err(e) => self
                .notices
                .error(format!("Could not save the session: {e}")),
        }
    }

    pub(super) fn save_session_as(&mut self) {
        if self.workspace.is_none() {
            return;
        }
        let default = PathBuf::from(self.default_session_path());
        self.save_to(super::exports::SaveKind::Session, default);
    }

    pub(super) fn open_session_dialog(&mut self) {
        if self.dialog.available() {
            if let Some(p) = self.dialog.pick_session() {
                self.open_session_file(p);
            }
        } else {
            self.dialogs.open_session = Some(String::new());
        }
    }

    /// Reads the session and hashes its datasets in the background (a large file
    /// takes a while); [`Self::session_done`] acts on the result.
    pub(super) fn open_session_file(&mut self, path: PathBuf) {
        let p = path.clone();
        self.tasks.start(
            TaskKind::Session,
            format!("Opening session {}", path.display()),
            move |_| {
                Done::Session(Session::load(&p).map(|session| {
                    let changed = session.changed_datasets();
                    Box::new(SessionCheck {
                        session,
                        path: p,
                        changed,
                    })
                }))
            },
        );
    }

    pub(super) fn session_done(&mut self, result: crate::Result<Box<SessionCheck>>) {
        match result {
            // A changed dataset is flagged before anything is shown.
            Ok(check) if check.changed.is_empty() => self.start_session(*check),
            Ok(check) => self.session.flagged = Some(*check),
            Err(e) => self
                .notices
                .error(format!("Could not open the session: {e}")),
        }
    }

    pub(super) fn open_flagged_session(&mut self) {
        if let Some(check) = self.session.flagged.take() {
            self.start_session(check);
        }
    }

    fn start_session(&mut self, check: SessionCheck) {
        let s = check.session;
        let paths: Vec<PathBuf> = s.datasets.iter().map(|d| d.path.clone()).collect();
        let mapping = s.mapping.clone();
        self.session.pending = Some(s);
        if !check.path.as_os_str().is_empty() {
            self.session.path = Some(check.path);
        }
        self.start_load(paths, None, Some(mapping));
    }

    pub(super) fn restore_recovery(&mut self) {
        if let Some(s) = self.session.offered_recovery.take() {
            self.tasks
                .start(TaskKind::Session, "Restoring unsaved work", move |_| {
                    let changed = s.changed_datasets();
                    Done::Session(Ok(Box::new(SessionCheck {
                        session: s,
                        path: PathBuf::new(),
                        changed,
                    })))
                });
        }
    }

    pub(super) fn discard_recovery(&mut self) {
        self.session.offered_recovery = None;
        if let Some(p) = &self.session.recovery {
            std::fs::remove_file(p).ok();
        }
    }

    /// The typed-path box for opening a session (no portal), and the two modals:
    /// a changed dataset, and unsaved work to restore.
    pub(super) fn session_dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(p) = path_box_ui(
            ctx,
            "Open session",
            "Session file (.faultline):",
            "Open session",
            &mut self.dialogs.open_session,
        ) {
            self.commands.push(super::Command::OpenSession(p));
        }
        if let Some(check) = &self.session.flagged {
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("faultline-changed-data")).show(ctx, |ui| {
                ui.heading("A dataset changed since the session was saved");
                for (p, want, got) in &check.changed {
                    ui.label(format!(
                        "{}\n  saved: sha256 {want}\n  now:   {got}",
                        p.display()
                    ));
                }
                ui.label("Its numbers may differ from the pinned findings.");
                ui.horizontal(|ui| {
                    if ui.button("Open anyway").clicked() {
                        choice = Some(super::Command::OpenSessionAnyway);
                    }
                    if ui.button("Cancel").clicked() {
                        choice = Some(super::Command::DismissFlaggedSession);
                    }
                });
            });
            self.commands.extend(choice);
        }
        if let Some(s) = &self.session.offered_recovery {
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
                        choice = Some(super::Command::RestoreRecovery);
                    }
                    if ui.button("Discard").clicked() {
                        choice = Some(super::Command::DiscardRecovery);
                    }
                });
            });
            self.commands.extend(choice);
        }
    }
}

/// A small window with a typed path and one button; the path when the button is
/// pressed (or Enter). Closing the window clears `text`.
pub(super) fn path_box_ui(
    ctx: &egui::Context,
    title: &str,
    prompt: &str,
    button: &str,
    text: &mut Option<String>,
) -> Option<PathBuf> {
    let t = text.as_mut()?;
    let mut open = true;
    let mut go = None;
    egui::Window::new(title)
        .collapsible(false)
        .open(&mut open)
        .show(ctx, |ui| {
            ui.label(prompt);
            let r = ui.add(egui::TextEdit::singleline(t).desired_width(420.0));
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button(button).clicked() || enter) && !t.trim().is_empty() {
                go = Some(PathBuf::from(t.trim()));
            }
        });
    if go.is_some() || !open {
        *text = None;
    }
    go
}
