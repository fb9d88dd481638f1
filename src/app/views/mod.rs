//! One view per file behind the [`View`] trait; [`Views`] holds them in tab and
//! shortcut order and the app draws the chosen one with one call. A view reads the
//! workspace and the cached results through [`ViewCtx`], and changes nothing
//! itself: it sends [`Command`]s and [`Request`]s.

pub mod brief;
pub mod charts;
pub mod cohorts;
pub mod compare;
pub mod examples;
pub mod failures;
pub mod fairness;
pub mod mapping;
pub mod overview;
pub mod slices;

use egui::KeyboardShortcut;

use super::commands::Command;
use super::results::{Keyed, Request, Results};
use super::settings::Settings;
use super::tasks::Tasks;
use super::workspace::Workspace;
use crate::cli::ViewName;

/// What a view sees and how it asks for change.
pub struct ViewCtx<'a> {
    pub ws: &'a Workspace,
    pub results: &'a Results,
    pub tasks: &'a Tasks,
    pub settings: &'a Settings,
    pub(super) commands: &'a mut Vec<Command>,
    pub(super) requests: &'a mut Vec<Request>,
}

impl ViewCtx<'_> {
    /// Asks for a change, applied at the end of the frame.
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Asks for a result on the current workspace (computed in the background).
    pub fn request(&mut self, request: Request) {
        self.requests.push(request);
    }

    /// Where a finding comes from: the active cohort.
    pub fn scope(&self) -> crate::brief::findings::Scope {
        crate::brief::findings::Scope {
            cohort: self.ws.active.cohort.filter.describe(),
            rows: self.ws.active.rows,
        }
    }
}

/// A view of the workbench.
pub trait View {
    /// Its name for `--view` and commands.
    fn id(&self) -> ViewName;
    /// Its tab and menu label.
    fn title(&self) -> &'static str;
    fn shortcut(&self) -> KeyboardShortcut;
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>);
    /// Follows commands that concern the view's own state (a selection, a filter).
    fn on_command(&mut self, _command: &Command) {}
}

/// `Ctrl+N`, the shortcut of the N-th view.
pub const fn ctrl(key: egui::Key) -> KeyboardShortcut {
    KeyboardShortcut::new(egui::Modifiers::COMMAND, key)
}

/// Every view. The app reaches them through [`Views::all`] and [`Views::all_mut`]
/// (tab and shortcut order); tests and benchmarks may set a view's choices directly.
#[derive(Default)]
pub struct Views {
    pub overview: overview::OverviewView,
    pub slices: slices::SlicesView,
    pub examples: examples::ExamplesView,
    pub cohorts: cohorts::CohortsView,
    pub mapping: mapping::MappingView,
    pub failures: failures::FailuresView,
    pub compare: compare::CompareView,
    pub brief: brief::BriefView,
    pub fairness: fairness::FairnessView,
}

impl Views {
    pub fn new() -> Views {
        Views::default()
    }

    /// The views in tab and shortcut order.
    pub fn all(&self) -> [&dyn View; 9] {
        [
            &self.overview,
            &self.slices,
            &self.examples,
            &self.cohorts,
            &self.mapping,
            &self.failures,
            &self.compare,
            &self.brief,
            &self.fairness,
        ]
    }

    pub fn all_mut(&mut self) -> [&mut dyn View; 9] {
        [
            &mut self.overview,
            &mut self.slices,
            &mut self.examples,
            &mut self.cohorts,
            &mut self.mapping,
            &mut self.failures,
            &mut self.compare,
            &mut self.brief,
            &mut self.fairness,
        ]
    }

    pub fn iter(&self) -> impl Iterator<Item = &dyn View> {
        self.all().into_iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut dyn View> {
        self.all_mut().into_iter()
    }

    pub fn get_mut(&mut self, id: ViewName) -> Option<&mut dyn View> {
        self.iter_mut().find(|v| v.id() == id)
    }

    pub fn title(&self, id: ViewName) -> &'static str {
        self.iter().find(|v| v.id() == id).map_or("", |v| v.title())
    }
}

/// A color per model, in model order.
pub fn model_color(i: usize) -> egui::Color32 {
    const PALETTE: [egui::Color32; 6] = [
        egui::Color32::from_rgb(96, 165, 250),
        egui::Color32::from_rgb(251, 146, 60),
        egui::Color32::from_rgb(52, 211, 153),
        egui::Color32::from_rgb(244, 114, 182),
        egui::Color32::from_rgb(167, 139, 250),
        egui::Color32::from_rgb(250, 204, 21),
    ];
    PALETTE[i % PALETTE.len()]
}

/// A plot over the unit square with a legend (ROC, precision-recall, calibration).
pub fn unit_square_plot<'a>(
    id: &'a str,
    width: f32,
    x_label: &str,
    y_label: &str,
) -> egui_plot::Plot<'a> {
    egui_plot::Plot::new(id)
        .width(width)
        .height(width * 0.8)
        .legend(egui_plot::Legend::default())
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label(x_label.to_string())
        .y_axis_label(y_label.to_string())
}

/// Whether the load left the table's features for later and they are still
/// being read ([`super::workspace::Workspace::features_pending`]); if so, says
/// so with a spinner, for a view that lists or slices by them to draw instead.
pub fn features_pending_ui(ui: &mut egui::Ui, ws: &super::workspace::Workspace) -> bool {
    if ws.features_pending {
        ui.horizontal(|ui| {
            crate::app::busy::spinner_ui(ui);
            ui.label("Reading the feature columns…");
        });
    }
    ws.features_pending
}

/// The shown result of a background computation, with a spinner while it runs;
/// None (after drawing "`what`…") until the first result is in.
pub fn result_or_spinner<K: PartialEq + Clone, T>(
    ui: &mut egui::Ui,
    keyed: &Keyed<K, T>,
    what: &str,
) -> Option<std::sync::Arc<T>> {
    let value = keyed.value.clone();
    if value.is_none() || keyed.is_busy() {
        ui.horizontal(|ui| {
            crate::app::busy::spinner_ui(ui);
            ui.label(if value.is_none() {
                format!("{what}…")
            } else {
                "Updating…".to_string()
            });
        });
    }
    value
}

/// A value with four decimals, or a dash.
pub fn fmt(v: Option<f64>) -> String {
    crate::format::fmt_value(v)
}

/// `[lo, hi]` with three decimals, or nothing.
pub fn fmt_ci(ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("[{lo:.3}, {hi:.3}]"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_has_its_own_name_and_shortcut() {
        let views = Views::new();
        let all = views.all();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.id(), b.id());
                assert_ne!(a.title(), b.title());
                assert_ne!(a.shortcut(), b.shortcut());
            }
            for action in super::super::actions::ACTIONS {
                assert_ne!(action.shortcut, Some(a.shortcut()), "{}", a.title());
            }
        }
    }
}
