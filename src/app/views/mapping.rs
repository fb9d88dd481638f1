//! Mapping: what faultline inferred (task, label, positive class, models and their
//! columns, features) and the controls to change each. A change re-decodes in the
//! background; one that does not decode says why here and changes nothing else.

use super::{View, ViewCtx};
use crate::app::Command;
use crate::cli::ViewName;
use crate::load::roles::ModelColumns;
use crate::load::table::FeatureKind;
use crate::load::{Mapping, Task};

#[derive(Clone, PartialEq)]
struct Draft {
    task: Option<Task>,
    label: String,
    positive: Option<String>,
    threshold: f64,
    models: Vec<ModelColumns>,
    models_edited: bool,
    ignored: Vec<String>,
}

#[derive(Default)]
pub struct MappingView {
    draft: Option<Draft>,
    version: u64,
}

impl Draft {
    fn mapping(&self, id: Option<String>) -> Mapping {
        let (preds, scores) = if self.models_edited {
            (
                self.models
                    .iter()
                    .filter_map(|m| m.pred.clone().map(|c| (m.name.clone(), c)))
                    .collect(),
                self.models
                    .iter()
                    .filter_map(|m| m.score.clone().map(|c| (m.name.clone(), c)))
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        Mapping {
            task: self.task,
            label: Some(self.label.clone()),
            id,
            preds,
            scores,
            positive: self.positive.clone(),
            threshold: Some(self.threshold),
            explicit_models: self.models_edited,
            ignored: self.ignored.clone(),
        }
    }
}

impl View for MappingView {
    fn id(&self) -> ViewName {
        ViewName::Mapping
    }

    fn title(&self) -> &'static str {
        "Mapping"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num5)
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        let table = ws.table.clone();
        if self.draft.is_none() || self.version != ws.table_version {
            self.draft = Some(Draft {
                task: ws.mapping.task,
                label: table.label_column.clone(),
                positive: ws.mapping.positive.clone(),
                threshold: table.threshold,
                models: table.models.iter().map(|m| m.columns.clone()).collect(),
                models_edited: ws.mapping.explicit_models,
                ignored: ws.mapping.ignored.clone(),
            });
            self.version = ws.table_version;
        }
        let Some(draft) = &mut self.draft else { return };
        let before = draft.clone();
        let columns: Vec<String> = ws
            .frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        egui::ScrollArea::vertical().id_salt("mapping").show(ui, |ui| {
            ui.heading("Mapping");
            ui.label(format!(
                "Inferred: {} task, label {:?}, {} model(s), {} feature(s). Change anything below; the views follow.",
                table.task.as_str(),
                table.label_column,
                table.models.len(),
                table.features.len()
            ));
            if let Some(err) = &ws.mapping_error {
                ui.colored_label(ui.visuals().error_fg_color, err);
            }
            if ws.pending_mapping.is_some() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Applying…");
                });
            }
            ui.separator();
            egui::Grid::new("mapping-grid").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
                ui.label("Task");
                let text = draft.task.map_or(format!("inferred ({})", table.task.as_str()), |t| t.as_str().to_string());
                egui::ComboBox::from_id_salt("map-task").selected_text(text).show_ui(ui, |ui| {
                    ui.selectable_value(&mut draft.task, None, "inferred");
                    for t in [Task::Binary, Task::Multiclass, Task::Regression] {
                        ui.selectable_value(&mut draft.task, Some(t), t.as_str());
                    }
                });
                ui.end_row();
                ui.label("Label column");
                egui::ComboBox::from_id_salt("map-label").selected_text(&draft.label).show_ui(ui, |ui| {
                    for c in &columns {
                        ui.selectable_value(&mut draft.label, c.clone(), c);
                    }
                });
                ui.end_row();
                if table.task == Task::Binary {
                    ui.label("Positive class");
                    let text = draft.positive.clone().unwrap_or_else(|| format!("inferred ({})", table.classes[1]));
                    egui::ComboBox::from_id_salt("map-positive").selected_text(text).show_ui(ui, |ui| {
                        ui.selectable_value(&mut draft.positive, None, "inferred");
                        for c in &table.classes {
                            ui.selectable_value(&mut draft.positive, Some(c.clone()), c);
                        }
                    });
                    ui.end_row();
                    ui.label("Threshold");
                    ui.add(egui::DragValue::new(&mut draft.threshold).range(0.0..=1.0).speed(0.01));
                    ui.end_row();
                }
            });
            ui.separator();
            ui.strong("Models");
            let mut remove = None;
            let mut edited = false;
            egui::Grid::new("mapping-models").striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
                ui.label("name");
                ui.label("prediction column");
                ui.label("score column");
                ui.label("");
                ui.end_row();
                for (i, m) in draft.models.iter_mut().enumerate() {
                    edited |= ui.add_sized([140.0, 20.0], egui::TextEdit::singleline(&mut m.name)).changed();
                    edited |= column_choice(ui, ("pred", i), &mut m.pred, &columns);
                    edited |= column_choice(ui, ("score", i), &mut m.score, &columns);
                    if ui.button("Remove").on_hover_text("Remove this model").clicked() {
                        remove = Some(i);
                    }
                    ui.end_row();
                }
            });
            if let Some(i) = remove {
                draft.models.remove(i);
                edited = true;
            }
            if ui.button("Add model").clicked() {
                draft.models.push(ModelColumns { name: format!("model{}", draft.models.len() + 1), ..Default::default() });
                edited = true;
            }
            if edited {
                draft.models_edited = true;
            }
            ui.separator();
            ui.strong("Features");
            egui::Grid::new("mapping-features").striped(true).spacing([10.0, 2.0]).show(ui, |ui| {
                let roles: Vec<&str> = std::iter::once(table.label_column.as_str())
                    .chain(table.id_column.as_deref())
                    .chain(table.models.iter().flat_map(|m| m.columns.columns()))
                    .collect();
                for c in columns.iter().filter(|c| !roles.contains(&c.as_str())) {
                    let mut used = !draft.ignored.contains(c);
                    if ui.checkbox(&mut used, c).changed() {
                        if used {
                            draft.ignored.retain(|x| x != c);
                        } else {
                            draft.ignored.push(c.clone());
                        }
                    }
                    let kind = table.features.iter().find(|f| &f.name == c).map(|f| match &f.kind {
                        FeatureKind::Categorical => format!("categorical, {} values", f.codes.levels.len()),
                        FeatureKind::Numeric => match f.codes.levels.len() {
                            1 => "numeric, 1 bin (one value dominates)".to_string(),
                            n => format!("numeric, {n} quantile bins"),
                        },
                        FeatureKind::Text => "free text (searchable, not sliced)".to_string(),
                    });
                    ui.label(kind.unwrap_or_else(|| "not used".into()));
                    ui.end_row();
                }
            });
        });
        if *draft != before {
            cx.send(Command::ApplyMapping(
                draft.mapping(table.id_column.clone()),
            ));
        }
    }
}

fn column_choice(
    ui: &mut egui::Ui,
    id: (&str, usize),
    value: &mut Option<String>,
    columns: &[String],
) -> bool {
    let mut changed = false;
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.clone().unwrap_or_else(|| "(none)".into()))
        .show_ui(ui, |ui| {
            changed |= ui.selectable_value(value, None, "(none)").changed();
            for c in columns {
                changed |= ui.selectable_value(value, Some(c.clone()), c).changed();
            }
        });
    changed
}
