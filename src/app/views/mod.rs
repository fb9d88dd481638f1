//! One view per file; each draws from the workspace and returns commands.

pub mod brief;
pub mod cohorts;
pub mod compare;
pub mod examples;
pub mod failures;
pub mod mapping;
pub mod overview;
pub mod slices;

use super::settings::Settings;
use super::workspace::Workspace;
use super::{Command, View};

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

/// The shown result of a background computation, with a spinner while it runs;
/// None (after drawing "`what`…") until the first result is in.
pub fn result_or_spinner<K: PartialEq + Clone, T: Send + 'static>(
    ui: &mut egui::Ui,
    keyed: &crate::app::jobs::Keyed<K, T>,
    what: &str,
) -> Option<std::sync::Arc<T>> {
    let value = keyed.value.clone();
    if value.is_none() || keyed.is_busy() {
        ui.horizontal(|ui| {
            ui.spinner();
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
    crate::report::text::fmt_value(v)
}

/// `[lo, hi]` with three decimals, or nothing.
pub fn fmt_ci(ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("[{lo:.3}, {hi:.3}]"),
        None => String::new(),
    }
}

/// Per-view UI state (selections, choices), kept apart from the data.
#[derive(Default)]
pub struct ViewStates {
    pub overview: overview::OverviewView,
    pub slices: slices::SlicesView,
    pub examples: examples::ExamplesView,
    pub cohorts: cohorts::CohortsView,
    pub mapping: mapping::MappingView,
    pub failures: failures::FailuresView,
    pub compare: compare::CompareView,
    pub brief: brief::BriefView,
}

impl ViewStates {
    pub fn ui(
        &mut self,
        view: View,
        ui: &mut egui::Ui,
        ws: &mut Workspace,
        settings: &Settings,
        ctx: &egui::Context,
        out: &mut Vec<Command>,
    ) {
        match view {
            View::Overview => self.overview.ui(ui, ws, ctx, out),
            View::Slices => self.slices.ui(ui, ws, ctx, out),
            View::Examples => self.examples.ui(ui, ws, ctx, out),
            View::Cohorts => self.cohorts.ui(ui, ws, settings, out),
            View::Mapping => self.mapping.ui(ui, ws, out),
            View::Failures => self.failures.ui(ui, ws, ctx, out),
            View::Compare => self.compare.ui(ui, ws, ctx, out),
            View::Brief => {
                let n = ws.table.models.len();
                let b = self.compare.baseline.unwrap_or(0).min(n.saturating_sub(1));
                let c = self
                    .compare
                    .candidate
                    .unwrap_or(n.saturating_sub(1))
                    .min(n.saturating_sub(1));
                self.brief.ui(ui, ws, ctx, out, b, c)
            }
        }
    }

    pub fn reset_for_new_data(&mut self) {
        *self = ViewStates::default();
    }

    pub fn clear_selection(&mut self) {
        self.examples.selected = None;
        self.slices.selected = None;
        self.failures.selected = None;
    }
}
