//! Mapping: which column is the label, the id, each model's prediction and score,
//! and which are features; the task and the positive class. The same form serves
//! the Mapping view (a loaded file: a change re-decodes in the background, and one
//! that does not decode says why and changes nothing else) and the form shown
//! before a file is opened (`app/open_form.rs`).

use super::{View, ViewCtx};
use crate::app::Command;
use crate::cli::ViewName;
use crate::load::roles::ModelColumns;
use crate::load::table::{EvalTable, FeatureKind};
use crate::load::{Mapping, Task};

/// A mapping being edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub task: Option<Task>,
    pub label: Option<String>,
    pub positive: Option<String>,
    pub threshold: f64,
    pub id: Option<String>,
    pub models: Vec<ModelColumns>,
    /// The models were edited: use exactly these, infer no others.
    pub models_edited: bool,
    pub ignored: Vec<String>,
    /// What the form does not edit (graded roles, cluster, descriptors), kept.
    pub base: Mapping,
    /// Text descriptors being edited `(name, column, regex)`; they apply (into
    /// `base.describe`) when the user says so, not on every keystroke.
    pub describe_edit: Vec<(String, String, String)>,
    /// The file decodes as a graded evaluation when the task is inferred.
    pub inferred_graded: bool,
}

impl Draft {
    /// A draft of `mapping`, filled in with what `table` inferred where it decoded.
    pub fn new(mapping: &Mapping, table: Option<&EvalTable>) -> Draft {
        Draft {
            task: mapping.task,
            label: table
                .map(|t| t.label_column.clone())
                .or_else(|| mapping.label.clone()),
            positive: mapping.positive.clone(),
            threshold: table.map_or(mapping.threshold(), |t| t.threshold),
            id: table
                .and_then(|t| t.id_column.clone())
                .or_else(|| mapping.id.clone()),
            models: table
                .map(|t| t.models.iter().map(|m| m.columns.clone()).collect())
                .unwrap_or_else(|| {
                    let mut models: Vec<ModelColumns> = Vec::new();
                    for (name, col) in &mapping.preds {
                        models.push(ModelColumns {
                            name: name.clone(),
                            pred: Some(col.clone()),
                            ..Default::default()
                        });
                    }
                    for (name, col) in &mapping.scores {
                        match models.iter_mut().find(|m| m.name == *name) {
                            Some(m) => m.score = Some(col.clone()),
                            None => models.push(ModelColumns {
                                name: name.clone(),
                                score: Some(col.clone()),
                                ..Default::default()
                            }),
                        }
                    }
                    models
                }),
            models_edited: mapping.explicit_models
                || !mapping.passes.is_empty()
                || !mapping.grades.is_empty(),
            ignored: mapping.ignored.clone(),
            base: mapping.clone(),
            describe_edit: mapping.describe.clone(),
            inferred_graded: table.is_some_and(|t| t.task == Task::Graded),
        }
    }

    /// True when the form edits a graded evaluation (models are graded by
    /// pass/fail and score columns, there is no label).
    pub fn is_graded(&self) -> bool {
        self.task == Some(Task::Graded) || (self.task.is_none() && self.inferred_graded)
    }

    pub fn mapping(&self) -> Mapping {
        if self.is_graded() {
            // Graded models: the prediction column is the pass/fail grade, the
            // score column the judge's score.
            let (passes, grades) = if self.models_edited {
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
            return Mapping {
                task: self.task,
                id: self.id.clone(),
                passes,
                grades,
                ignored: self.ignored.clone(),
                label: None,
                preds: Vec::new(),
                scores: Vec::new(),
                explicit_models: false,
                ..self.base.clone()
            };
        }
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
            label: self.label.clone(),
            id: self.id.clone(),
            preds,
            scores,
            positive: self.positive.clone(),
            threshold: Some(self.threshold),
            explicit_models: self.models_edited,
            ignored: self.ignored.clone(),
            ..self.base.clone()
        }
    }
}

/// What the form knows about the file's columns.
pub struct Columns<'a> {
    pub names: &'a [String],
    /// The label's values (for the positive class).
    pub label_values: Vec<String>,
    /// The task the file decodes to now (shown as "inferred (...)").
    pub inferred_task: Option<Task>,
    /// How each feature is used, by column name.
    pub kind: &'a dyn Fn(&str) -> Option<String>,
}

/// The form's fields; true when anything changed.
pub fn draft_ui(ui: &mut egui::Ui, id: &str, draft: &mut Draft, cols: &Columns<'_>) -> bool {
    let before = draft.clone();
    egui::Grid::new((id, "grid"))
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let name = ui.label("Task").id;
            let text = draft.task.map_or_else(
                || {
                    cols.inferred_task.map_or("inferred".to_string(), |t| {
                        format!("inferred ({})", t.as_str())
                    })
                },
                |t| t.as_str().to_string(),
            );
            egui::ComboBox::from_id_salt((id, "task"))
                .selected_text(text)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut draft.task, None, "inferred");
                    for t in [
                        Task::Binary,
                        Task::Multiclass,
                        Task::Regression,
                        Task::Graded,
                        Task::Ranking,
                    ] {
                        ui.selectable_value(&mut draft.task, Some(t), t.as_str());
                    }
                })
                .response
                .labelled_by(name);
            ui.end_row();
            if !draft.is_graded() {
                let name = ui.label("Label column").id;
                egui::ComboBox::from_id_salt((id, "label"))
                    .selected_text(draft.label.clone().unwrap_or_else(|| "(choose)".into()))
                    .show_ui(ui, |ui| {
                        for c in cols.names {
                            ui.selectable_value(&mut draft.label, Some(c.clone()), c);
                        }
                    })
                    .response
                    .labelled_by(name);
                ui.end_row();
            } else {
                optional_choice_row(
                    ui,
                    (id, "cluster"),
                    "Cluster column",
                    &mut draft.base.cluster,
                    ("(none: examples independent)", "(none)"),
                    cols.names,
                    Some("Examples that share a passage, conversation or template: intervals use the clustered standard error"),
                );
            }
            // The task chosen, or inferred when none is.
            let task_is = |t: Task| {
                draft.task == Some(t) || (draft.task.is_none() && cols.inferred_task == Some(t))
            };
            if task_is(Task::Ranking) {
                optional_choice_row(
                    ui,
                    (id, "query"),
                    "Query column",
                    &mut draft.base.query,
                    ("inferred (query_id, qid)", "inferred"),
                    cols.names,
                    Some("The column naming each row's query: metrics are per query, then averaged"),
                );
            }
            if task_is(Task::Binary) {
                optional_choice_row(
                    ui,
                    (id, "positive"),
                    "Positive class",
                    &mut draft.positive,
                    ("inferred", "inferred"),
                    &cols.label_values,
                    None,
                );
                let name = ui.label("Threshold").id;
                ui.add(
                    egui::DragValue::new(&mut draft.threshold)
                        .range(0.0..=1.0)
                        .speed(0.01),
                )
                .labelled_by(name);
                ui.end_row();
            }
            optional_choice_row(
                ui,
                (id, "id"),
                "Id column",
                &mut draft.id,
                ("(none)", "(none)"),
                cols.names,
                None,
            );
        });
    ui.separator();
    ui.strong("Models");
    let mut remove = None;
    let mut edited = false;
    egui::Grid::new((id, "models"))
        .striped(true)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            ui.label("name");
            let graded = draft.is_graded();
            ui.label(if graded {
                "pass/fail column"
            } else {
                "prediction column"
            });
            ui.label(if graded {
                "judge score column"
            } else {
                "score column"
            });
            ui.label("");
            ui.end_row();
            for (i, m) in draft.models.iter_mut().enumerate() {
                let r = ui.add_sized([140.0, 20.0], egui::TextEdit::singleline(&mut m.name));
                edited |= r.changed();
                let name = m.name.clone();
                edited |= column_choice(
                    ui,
                    (id, "pred", i),
                    &mut m.pred,
                    cols.names,
                    &format!("prediction column of {name}"),
                );
                edited |= column_choice(
                    ui,
                    (id, "score", i),
                    &mut m.score,
                    cols.names,
                    &format!("score column of {name}"),
                );
                if ui
                    .button("Remove")
                    .on_hover_text("Remove this model")
                    .clicked()
                {
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
        draft.models.push(ModelColumns {
            name: format!("model{}", draft.models.len() + 1),
            ..Default::default()
        });
        edited = true;
    }
    if edited {
        draft.models_edited = true;
    }
    ui.separator();
    ui.strong("Features");
    // A ranking file's query column is a role, given or inferred.
    let ranking = draft.task.or(cols.inferred_task) == Some(Task::Ranking);
    let query = ranking
        .then(|| {
            crate::load::roles::query_column(std::path::Path::new(""), cols.names, &draft.base)
        })
        .and_then(Result::ok)
        .flatten();
    let roles: Vec<&str> = draft
        .label
        .as_deref()
        .into_iter()
        .chain(draft.id.as_deref())
        .chain(query.as_deref())
        .chain(draft.models.iter().flat_map(|m| m.columns()))
        .collect();
    egui::Grid::new((id, "features"))
        .striped(true)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            for c in cols
                .names
                .iter()
                .filter(|c| !roles.contains(&c.as_str()) && !crate::load::graded::is_companion(c))
            {
                let mut used = !draft.ignored.contains(c);
                if ui.checkbox(&mut used, c).changed() {
                    if used {
                        draft.ignored.retain(|x| x != c);
                    } else {
                        draft.ignored.push(c.clone());
                    }
                }
                ui.label((cols.kind)(c).unwrap_or_default());
                ui.end_row();
            }
        });
    descriptors_ui(ui, id, draft, cols.names);
    *draft != before
}

/// Text descriptors: a feature per regular expression over a text column
/// (`--describe NAME=COL~REGEX`). Edits apply with the button, so typing a
/// pattern does not re-decode the file on every keystroke.
fn descriptors_ui(ui: &mut egui::Ui, id: &str, draft: &mut Draft, columns: &[String]) {
    ui.separator();
    ui.strong("Text descriptors");
    ui.label(
        egui::RichText::new(
            "A feature that says whether a text column matches a regular expression, e.g. refusal = response ~ (?i)i can(not|'t) help. Slices, cohorts and failure clusters use it.",
        )
        .weak(),
    );
    let mut remove = None;
    let mut errors: Vec<String> = Vec::new();
    egui::Grid::new((id, "describe"))
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            ui.label("name");
            let column_label = ui.label("text column").id;
            ui.label("regular expression");
            ui.end_row();
            for (i, (name, col, re)) in draft.describe_edit.iter_mut().enumerate() {
                ui.add_sized([120.0, 20.0], egui::TextEdit::singleline(name))
                    .on_hover_text("descriptor name");
                egui::ComboBox::from_id_salt((id, "describe-col", i))
                    .selected_text(if col.is_empty() {
                        "(choose)".to_string()
                    } else {
                        col.clone()
                    })
                    .show_ui(ui, |ui| {
                        for c in columns {
                            ui.selectable_value(col, c.clone(), c);
                        }
                    })
                    .response
                    .labelled_by(column_label);
                ui.add_sized([260.0, 20.0], egui::TextEdit::singleline(re).code_editor())
                    .on_hover_text("regular expression (Rust regex syntax; (?i) ignores case)");
                if ui.button("Remove").clicked() {
                    remove = Some(i);
                }
                ui.end_row();
                if let Err(e) = crate::load::text_features::compile(re) {
                    errors.push(format!("{name}: {e}"));
                } else if name.trim().is_empty() || col.is_empty() || re.is_empty() {
                    errors.push(format!(
                        "row {}: give a name, a column and a pattern",
                        i + 1
                    ));
                }
            }
        });
    if let Some(i) = remove {
        draft.describe_edit.remove(i);
    }
    ui.horizontal(|ui| {
        if ui.button("Add descriptor").clicked() {
            draft.describe_edit.push((
                format!("descriptor{}", draft.describe_edit.len() + 1),
                String::new(),
                String::new(),
            ));
        }
        let pending = draft.describe_edit != draft.base.describe;
        if ui
            .add_enabled(
                pending && errors.is_empty(),
                egui::Button::new("Apply descriptors"),
            )
            .clicked()
        {
            draft.base.describe = draft.describe_edit.clone();
        }
    });
    for e in errors {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}

/// A grid row: `label` and its combo over `choices` for an optional value;
/// `unset` is `(shown when no value, the list's item for none)`.
fn optional_choice_row(
    ui: &mut egui::Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    label: &str,
    value: &mut Option<String>,
    unset: (&str, &str),
    choices: &[String],
    hover: Option<&str>,
) {
    let name = ui.label(label).id;
    let r = egui::ComboBox::from_id_salt(salt)
        .selected_text(value.clone().unwrap_or_else(|| unset.0.into()))
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, unset.1);
            for c in choices {
                ui.selectable_value(value, Some(c.clone()), c);
            }
        })
        .response
        .labelled_by(name);
    if let Some(h) = hover {
        r.on_hover_text(h);
    }
    ui.end_row();
}

fn column_choice(
    ui: &mut egui::Ui,
    id: (&str, &str, usize),
    value: &mut Option<String>,
    columns: &[String],
    what: &str,
) -> bool {
    let mut changed = false;
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.clone().unwrap_or_else(|| "(none)".into()))
        .show_ui(ui, |ui| {
            changed |= ui.selectable_value(value, None, "(none)").changed();
            for c in columns {
                changed |= ui.selectable_value(value, Some(c.clone()), c).changed();
            }
        })
        .response
        .on_hover_text(what.to_string());
    changed
}

/// How a decoded feature is used, in words.
pub fn feature_kind(table: &EvalTable, name: &str) -> Option<String> {
    table
        .features
        .iter()
        .find(|f| f.name == name)
        .map(|f| match &f.kind {
            FeatureKind::Categorical => format!("categorical, {} values", f.codes.levels.len()),
            FeatureKind::Numeric => match f.codes.levels.len() {
                1 => "numeric, 1 bin (one value dominates)".to_string(),
                n if f.codes.levels.first().is_some_and(|l| !l.starts_with('[')) => {
                    format!("numeric, {n} values")
                }
                n => format!("numeric, {n} quantile bins"),
            },
            FeatureKind::Text => "free text (searchable, not sliced)".to_string(),
        })
}

#[derive(Default)]
pub struct MappingView {
    draft: Option<Draft>,
    version: u64,
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
            self.draft = Some(Draft::new(&ws.mapping, Some(&table)));
            self.version = ws.table_version;
        }
        let Some(draft) = &mut self.draft else { return };
        let columns: Vec<String> = ws
            .frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let kind = |c: &str| Some(feature_kind(&table, c).unwrap_or_else(|| "not used".into()));
        let cols = Columns {
            names: &columns,
            label_values: table.classes.clone(),
            inferred_task: Some(table.task),
            kind: &kind,
        };
        let mut changed = false;
        egui::ScrollArea::vertical().id_salt("mapping").show(ui, |ui| {
            ui.heading("Mapping");
            let label = if table.task == Task::Graded {
                "no label".to_string()
            } else {
                format!("label {:?}", table.label_column)
            };
            ui.label(format!(
                "Inferred: {} task, {label}, {} model(s), {} feature(s). Change anything below; the views follow.",
                table.task.as_str(),
                table.models.len(),
                table.features.len()
            ));
            if let Some(err) = &ws.mapping_error {
                ui.colored_label(ui.visuals().error_fg_color, err);
            }
            if ws.pending_mapping.is_some() {
                ui.horizontal(|ui| {
                    crate::app::busy::spinner_ui(ui);
                    ui.label("Applying…");
                });
            }
            ui.separator();
            changed = draft_ui(ui, "map", draft, &cols);
        });
        // Edits that leave the mapping as it is (a descriptor being typed) wait.
        if changed && draft.mapping() != ws.mapping {
            cx.send(Command::ApplyMapping(draft.mapping()));
        }
    }
}
