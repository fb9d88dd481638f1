//! The command registry: each user command's label, shortcut, tooltip and menu,
//! written once. Menus, keyboard shortcuts and tooltips are all drawn from it (the
//! views' own titles and shortcuts come from the view trait).

use egui::{Key, KeyboardShortcut, Modifiers};

use super::commands::Command;

/// Which menu an action is listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    File,
    View,
}

/// One user command as the menus and shortcuts know it.
pub struct Action {
    pub label: &'static str,
    pub shortcut: Option<KeyboardShortcut>,
    pub hint: &'static str,
    pub menu: Menu,
    /// Draw a separator above it in its menu.
    pub separated: bool,
    pub command: fn() -> Command,
}

const fn ctrl(key: Key) -> Option<KeyboardShortcut> {
    Some(KeyboardShortcut::new(Modifiers::COMMAND, key))
}

/// Every action, in menu order. "Recent files" is drawn after "Open path…".
pub const ACTIONS: &[Action] = &[
    Action {
        label: "Open…",
        shortcut: ctrl(Key::O),
        hint: "Open an evaluation file (.csv .tsv .parquet .json .jsonl .arrow)",
        menu: Menu::File,
        separated: false,
        command: || Command::OpenDialog,
    },
    Action {
        label: "Open with mapping…",
        shortcut: None,
        hint: "Choose the label, the models and the features before the file opens",
        menu: Menu::File,
        separated: false,
        command: || Command::OpenWithMappingDialog,
    },
    Action {
        label: "Open baseline + candidate files…",
        shortcut: None,
        hint: "Several files joined on their id column",
        menu: Menu::File,
        separated: false,
        command: || Command::OpenJoinDialog,
    },
    Action {
        label: "Open path…",
        shortcut: None,
        hint: "Type the path of a file (several separated by ; are joined)",
        menu: Menu::File,
        separated: false,
        command: || Command::ShowOpenPath,
    },
    Action {
        label: "Open bundled sample",
        shortcut: None,
        hint: "The churn sample shipped with faultline",
        menu: Menu::File,
        separated: false,
        command: || Command::OpenSample,
    },
    Action {
        label: "Open Spark table…",
        shortcut: None,
        hint: "A table or Parquet path on a Spark Connect server: the numbers are computed on the cluster",
        menu: Menu::File,
        separated: false,
        command: || Command::ShowOpenSpark,
    },
    Action {
        label: "Save session",
        shortcut: ctrl(Key::S),
        hint: "Save mapping, cohorts, tags, notes and the brief to a .faultline file",
        menu: Menu::File,
        separated: true,
        command: || Command::SaveSession,
    },
    Action {
        label: "Save session as…",
        shortcut: None,
        hint: "Save the session to a new file",
        menu: Menu::File,
        separated: false,
        command: || Command::SaveSessionAs,
    },
    Action {
        label: "Open session…",
        shortcut: None,
        hint: "Open a .faultline session and its data",
        menu: Menu::File,
        separated: false,
        command: || Command::OpenSessionDialog,
    },
    Action {
        label: "Quit",
        shortcut: ctrl(Key::Q),
        hint: "Close the window (work is autosaved)",
        menu: Menu::File,
        separated: true,
        command: || Command::Quit,
    },
    Action {
        label: "Search examples",
        shortcut: ctrl(Key::F),
        hint: "Text search over the active cohort's rows",
        menu: Menu::View,
        separated: true,
        command: || Command::FocusSearch,
    },
    Action {
        label: "Clear selection",
        shortcut: Some(KeyboardShortcut::new(Modifiers::NONE, Key::Escape)),
        hint: "Deselect the slice, cluster or example",
        menu: Menu::View,
        separated: false,
        command: || Command::ClearSelection,
    },
    Action {
        label: "Light / dark theme",
        shortcut: None,
        hint: "Switch between the light and the dark theme",
        menu: Menu::View,
        separated: false,
        command: || Command::ToggleTheme,
    },
];

impl Action {
    /// The tooltip: the hint and the shortcut.
    pub fn tooltip(&self, ctx: &egui::Context) -> String {
        match &self.shortcut {
            Some(s) => format!("{} ({})", self.hint, ctx.format_shortcut(s)),
            None => self.hint.to_string(),
        }
    }

    /// A menu button for the action; true when clicked.
    pub fn button_ui(&self, ui: &mut egui::Ui) -> bool {
        let mut button = egui::Button::new(self.label);
        if let Some(s) = &self.shortcut {
            button = button.shortcut_text(ui.ctx().format_shortcut(s));
        }
        ui.add(button).on_hover_text(self.hint).clicked()
    }
}

/// The commands whose shortcuts were pressed this frame. Shortcuts with a modifier
/// are consumed; a bare key (Esc) is only read, so text fields and popups still get it.
pub fn pressed(ctx: &egui::Context) -> Vec<Command> {
    let mut out = Vec::new();
    ctx.input_mut(|i| {
        for a in ACTIONS {
            let Some(s) = &a.shortcut else { continue };
            let hit = if s.modifiers.is_none() {
                i.key_pressed(s.logical_key)
            } else {
                i.consume_shortcut(s)
            };
            if hit {
                out.push((a.command)());
            }
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_actions_share_a_shortcut_or_label() {
        for (i, a) in ACTIONS.iter().enumerate() {
            for b in &ACTIONS[i + 1..] {
                assert_ne!(a.label, b.label);
                assert!(
                    a.shortcut.is_none() || a.shortcut != b.shortcut,
                    "{}",
                    a.label
                );
            }
        }
    }
}
