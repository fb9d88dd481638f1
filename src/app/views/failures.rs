//! Failure clusters: SliceLine's ranked slices (score, size, error rate with
//! interval, q-value, coverage) beside a shallow error tree. Selecting a slice or a
//! node makes it the active cohort and compares its metrics with the searched
//! cohort's; "Open rows" shows its rows (errors first) in the Examples view. The
//! search runs in the background, with a cancel button, and re-runs when the
//! cohort, the model or a setting changes.

use std::sync::Arc;

use egui_extras::{Column, TableBuilder};

use super::{View, ViewCtx, fmt, fmt_ci};
use crate::analysis::{ClusterRequest, Clusters};
use crate::app::results::BaseKey;
use crate::app::tasks::TaskKind;
use crate::app::workspace::Workspace;
use crate::app::{Command, Request};
use crate::brief::findings;
use crate::cli::ViewName;
use crate::cohort::{Cohort, Combine, Condition, Filter, FilterGroup, Op};
use crate::discovery::error_tree::{Node, TreeParams};
use crate::discovery::sliceline::Params;
use crate::metrics::metric_names;

/// The search for over-confident slices, as the search combo names it.
const OVERCONFIDENT: &str = "over-confident slices (score above outcome)";

#[derive(Default)]
pub struct FailuresView {
    pub model: Option<usize>,
    pub against: Option<usize>,
    /// Features left out of the search, by name.
    pub excluded: Vec<String>,
    pub params: Params,
    pub tree: TreeParams,
    /// The cohort searched: follows the active cohort unless the active cohort was
    /// set by selecting a slice here.
    searched: Option<(BaseKey, Option<Arc<Vec<bool>>>)>,
    selection_version: Option<u64>,
    pub selected: Option<String>,
    paused: bool,
}

impl View for FailuresView {
    fn id(&self) -> ViewName {
        ViewName::Failures
    }

    fn title(&self) -> &'static str {
        "Failure clusters"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num6)
    }

    fn on_command(&mut self, command: &Command) {
        if matches!(command, Command::ClearSelection) {
            self.selected = None;
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        if super::features_pending_ui(ui, ws) {
            return;
        }
        let table = ws.table.clone();
        // The first search: with two models, where the candidate got worse than
        // the baseline (the compared pair); with one, all its errors.
        if self.model.is_none() {
            let (b, c) = ws.pair;
            self.model = Some(c);
            if table.models.len() > 1 && b != c {
                self.against = Some(b);
            }
        }
        let model = *self
            .model
            .get_or_insert(table.models.len().saturating_sub(1));
        let model = model.min(table.models.len().saturating_sub(1));
        if self.against == Some(model) || self.against.is_some_and(|a| a >= table.models.len()) {
            self.against = None;
        }
        let sliceable: Vec<(usize, String)> = table
            .features
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_sliceable())
            .map(|(i, f)| (i, f.name.clone()))
            .collect();
        ui.horizontal_wrapped(|ui| {
            ui.label("Errors of");
            egui::ComboBox::from_id_salt("fail-model")
                .selected_text(&table.models[model].name)
                .show_ui(ui, |ui| {
                    for (i, m) in table.models.iter().enumerate() {
                        ui.selectable_value(&mut self.model, Some(i), &m.name);
                    }
                });
            let scored = table.task == crate::load::Task::Binary
                && table.models[model].score.is_some();
            if !scored {
                self.params.excess = false;
            }
            let against = if self.params.excess {
                OVERCONFIDENT.to_string()
            } else {
                self.against.map_or("(all its errors)".to_string(), |a| {
                    format!("where {} is right", table.models[a].name)
                })
            };
            let l = ui.label("search");
            egui::ComboBox::from_id_salt("fail-against")
                .selected_text(against)
                .show_ui(ui, |ui| {
                    let all = self.against.is_none() && !self.params.excess;
                    if ui.selectable_label(all, "(all its errors)").clicked() {
                        self.against = None;
                        self.params.excess = false;
                    }
                    for (i, m) in table.models.iter().enumerate().filter(|(i, _)| *i != model) {
                        let on = self.against == Some(i) && !self.params.excess;
                        if ui
                            .selectable_label(on, format!("where {} is right (got worse)", m.name))
                            .clicked()
                        {
                            self.against = Some(i);
                            self.params.excess = false;
                        }
                    }
                    if scored
                        && ui
                            .selectable_label(self.params.excess, OVERCONFIDENT)
                            .on_hover_text("Slices whose mean score most exceeds their observed positive rate (the calibration gap), with t intervals and Benjamini-Hochberg q-values")
                            .clicked()
                    {
                        self.against = None;
                        self.params.excess = true;
                    }
                })
                .response
                .labelled_by(l.id);
            ui.menu_button(
                format!(
                    "Features ({})",
                    sliceable.len()
                        - self
                            .excluded
                            .iter()
                            .filter(|e| sliceable.iter().any(|(_, n)| n == *e))
                            .count()
                ),
                |ui| {
                    for (_, name) in &sliceable {
                        let mut on = !self.excluded.contains(name);
                        if ui.checkbox(&mut on, name).changed() {
                            if on {
                                self.excluded.retain(|e| e != name);
                            } else {
                                self.excluded.push(name.clone());
                            }
                        }
                    }
                },
            );
            ui.label("alpha");
            ui.add(
                egui::DragValue::new(&mut self.params.alpha)
                    .range(0.5..=1.0)
                    .speed(0.005)
                    .max_decimals(3),
            );
            ui.label("top");
            ui.add(egui::DragValue::new(&mut self.params.top).range(1..=100));
            ui.label("max level");
            ui.add(egui::DragValue::new(&mut self.params.max_level).range(1..=4));
            ui.checkbox(&mut self.params.keep_equivalent, "keep equivalent slices")
                .on_hover_text("List every slice SliceLine finds, also those that select exactly the same rows as one above (SliceLine's raw list)");
            ui.label("tree depth");
            ui.add(egui::DragValue::new(&mut self.tree.max_depth).range(1..=6));
            ui.label("min leaf");
            ui.add(egui::DragValue::new(&mut self.tree.min_leaf).range(1..=1_000_000));
        });
        let features: Vec<usize> = sliceable
            .iter()
            .filter(|(_, n)| !self.excluded.contains(n))
            .map(|(i, _)| *i)
            .collect();
        // Follow the active cohort, except the one this view set by a selection.
        if self.selection_version != Some(ws.active.version) || self.searched.is_none() {
            let base = ws.base_key();
            if self.searched.as_ref().is_none_or(|(b, _)| *b != base) {
                self.searched = Some((base, ws.active.mask.clone()));
                self.selected = None;
            }
        }
        let request = ClusterRequest {
            model,
            against: self.against,
            features,
            params: self.params.clone(),
            tree: self.tree,
        };
        if let Some((base, mask)) = self.searched.clone()
            && !self.paused
        {
            cx.request(Request::Clusters {
                base,
                mask,
                request,
            });
        }
        ui.horizontal(|ui| {
            if let Some(t) = cx.tasks.get(TaskKind::Clusters) {
                crate::app::busy::spinner_ui(ui);
                ui.label(format!(
                    "Searching… {:.1} s",
                    t.started.elapsed().as_secs_f32()
                ));
                if ui.button("Cancel").clicked() {
                    cx.send(Command::Cancel(TaskKind::Clusters));
                    self.paused = true;
                }
            } else if self.paused && ui.button("Run the search").clicked() {
                self.paused = false;
            }
        });
        let Some(result) = cx.results.clusters.value.clone() else {
            return;
        };
        let result = match result.as_ref() {
            Ok(r) => r,
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("No search: {e}"));
                return;
            }
        };
        let f = &result.found;
        let what = match self.against {
            _ if self.params.excess => format!(
                "over-confidence of {} (mean score minus positive rate)",
                table.models[model].name
            ),
            Some(a) if a < table.models.len() => format!(
                "rows where {} is wrong and {} right",
                table.models[model].name, table.models[a].name
            ),
            _ => format!("errors of {}", table.models[model].name),
        };
        ui.label(format!(
            "Searched: {what} · {} features · {} rows ({}) · min support {} · max level {} · alpha {} · {} slices scored · {:.0} ms",
            result.searched_features,
            crate::format::fmt_int(f.rows),
            ws.active.cohort.filter.describe(),
            f.min_support,
            result.params.max_level,
            result.params.alpha,
            crate::format::fmt_int(f.scored as u64),
            result.elapsed_ms
        ));
        let finding = findings::failure_clusters(&table, result, model, self.against, &cx.scope());
        ui.horizontal(|ui| {
            if ui.button("Pin these failure clusters to brief").clicked() {
                cx.send(Command::Pin(Box::new(finding.clone())));
            }
            if let crate::brief::Content::Table { header, rows } = &finding.content {
                super::charts::copy_table_ui(ui, header, rows, cx);
            }
        });
        let mut picked: Option<(String, FilterGroup)> = None;
        ui.columns(2, |cols| {
            cols[0].strong("Top slices (SliceLine)");
            if result.found.slices.is_empty() && !result.found.by_significance.is_empty() {
                cols[0].colored_label(
                    cols[0].visuals().warn_fg_color,
                    format!(
                        "No slice scores above 0 at alpha {:.3} (none fails clearly more than average for its size). Listed instead: the slices with the most significant excess of errors, smallest q first.",
                        self.params.alpha
                    ),
                );
            } else if result.found.slices.is_empty() {
                cols[0].label(format!(
                    "No slice scores above 0 at alpha {:.3}, and none has more errors than average: nothing to list.",
                    self.params.alpha
                ));
            }
            if let Some(p) = slices_table_ui(&mut cols[0], result, self.selected.as_deref()) {
                picked = Some(p);
            }
            cols[1].strong("Error tree");
            egui::ScrollArea::vertical().id_salt("tree").max_height(cols[1].available_height() * 0.5).show(&mut cols[1], |ui| {
                if let Some(p) = tree_ui(ui, &table, &result.tree, 0, self.selected.as_deref()) {
                    picked = Some(p);
                }
            });
            cols[1].separator();
            self.selection_ui(&mut cols[1], cx, result, model);
        });
        if let Some((name, filter)) = picked {
            self.selected = Some(name.clone());
            let base = self.searched_filter(ws);
            let combined = base.and(filter);
            cx.send(Command::SetCohort(Cohort {
                name,
                filter: combined,
            }));
            // The cohort version the selection will get.
            self.selection_version = Some(ws.active.version + 1);
        }
    }
}

impl FailuresView {
    /// The filter of the searched cohort (the active one unless a selection moved it).
    fn searched_filter(&self, ws: &Workspace) -> FilterGroup {
        if self.selection_version == Some(ws.active.version) {
            if let Filter::Group(g) = ws
                .active
                .cohort
                .filter
                .items
                .first()
                .cloned()
                .unwrap_or(Filter::Group(FilterGroup::default()))
                && ws.active.cohort.filter.items.len() == 2
            {
                return g;
            }
            return FilterGroup::default();
        }
        ws.active.cohort.filter.clone()
    }

    fn selection_ui(
        &mut self,
        ui: &mut egui::Ui,
        cx: &mut ViewCtx<'_>,
        result: &Clusters,
        model: usize,
    ) {
        let ws = cx.ws;
        let Some(name) = &self.selected else {
            ui.label("Select a slice or a tree node to compare it with the searched cohort and open its rows.");
            return;
        };
        ui.strong(format!("Selected: {name}"));
        let selection_active = self.selection_version == Some(ws.active.version);
        if selection_active {
            cx.request(Request::Overview);
        }
        let slice = cx
            .results
            .overview
            .value
            .as_ref()
            .filter(|_| selection_active && cx.results.overview.is_current(&ws.base_key()));
        egui::Grid::new("fail-compare")
            .striped(true)
            .spacing([12.0, 2.0])
            .show(ui, |ui| {
                ui.strong("metric");
                ui.strong("selected");
                ui.strong("searched cohort");
                ui.end_row();
                for m in metric_names(&ws.table) {
                    let s = slice
                        .and_then(|o| o.metrics.get(model))
                        .and_then(|x| x.get(m));
                    let o = result.overall.get(model).and_then(|x| x.get(m));
                    ui.label(m);
                    ui.monospace(format!(
                        "{} {}",
                        fmt(s.and_then(|x| x.value)),
                        fmt_ci(s.and_then(|x| x.ci))
                    ));
                    ui.monospace(format!(
                        "{} {}",
                        fmt(o.and_then(|x| x.value)),
                        fmt_ci(o.and_then(|x| x.ci))
                    ));
                    ui.end_row();
                }
            });
        if slice.is_none() {
            ui.horizontal(|ui| {
                crate::app::busy::spinner_ui(ui);
                ui.label("computing the selection's metrics…");
            });
        }
        if ui
            .button("Open rows in Examples")
            .on_hover_text("Its rows, only the errors of this model")
            .clicked()
        {
            cx.send(Command::ShowErrorsOf(model));
            cx.send(Command::SetView(ViewName::Examples));
        }
    }
}

fn slices_table_ui(
    ui: &mut egui::Ui,
    result: &Clusters,
    selected: Option<&str>,
) -> Option<(String, FilterGroup)> {
    let f = &result.found;
    let listed = &result.listed;
    let total_errors = f.average_error * f.rows as f64;
    let mut picked = None;
    ui.style_mut().interaction.selectable_labels = false;
    // Numbers and intervals never wrap mid-number: columns grow to fit them.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
    TableBuilder::new(ui)
        .id_salt("fail-slices")
        .striped(true)
        .sense(egui::Sense::click())
        .max_scroll_height(420.0)
        .column(Column::auto().at_least(24.0))
        .column(Column::auto().at_least(56.0))
        .column(Column::auto().at_least(56.0))
        .column(Column::auto().at_least(150.0))
        .column(Column::auto().at_least(64.0))
        .column(Column::auto().at_least(64.0))
        .column(Column::remainder().at_least(160.0))
        .header(20.0, |mut h| {
            for t in [
                "#",
                "score",
                "size",
                if result.params.excess {
                    "score - positive rate [95% CI]"
                } else if listed.iter().any(|s| s.ci.is_some()) || listed.is_empty() {
                    "error rate [95% CI]"
                } else {
                    "mean error"
                },
                "q",
                "coverage",
                "slice",
            ] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(20.0, listed.len(), |mut row| {
                let i = row.index();
                let s = &listed[i];
                let text = result.slice_labels[i]
                    .iter()
                    .map(|(c, v)| format!("{c} = {v}"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                row.set_selected(selected == Some(text.as_str()));
                row.col(|ui| {
                    ui.label((i + 1).to_string());
                });
                row.col(|ui| {
                    ui.monospace(format!("{:.4}", s.score));
                });
                row.col(|ui| {
                    ui.label(crate::format::fmt_int(s.size));
                });
                row.col(|ui| {
                    if result.params.excess {
                        let gap = crate::discovery::gap_of;
                        ui.monospace(format!(
                            "{:+.4} {}",
                            gap(s.error_rate),
                            fmt_ci(s.ci.map(|[lo, hi]| [gap(lo), gap(hi)]))
                        ));
                    } else {
                        ui.monospace(format!("{:.4} {}", s.error_rate, fmt_ci(s.ci)));
                    }
                });
                row.col(|ui| {
                    let q = crate::format::fmt_p(s.q_value);
                    if s.q_value >= 0.05 {
                        ui.label(format!("{q} (n.s.)"))
                            .on_hover_text("Not significant: q >= 0.05");
                    } else {
                        ui.monospace(q);
                    }
                });
                row.col(|ui| {
                    let cov = if total_errors > 0.0 {
                        s.errors / total_errors
                    } else {
                        0.0
                    };
                    ui.monospace(format!("{:.1}%", cov * 100.0));
                });
                row.col(|ui| {
                    let eq = &result.equivalents[i];
                    if eq.is_empty() {
                        ui.label(&text);
                    } else {
                        ui.label(format!("{text}  (+{} equivalent)", eq.len()))
                            .on_hover_text(format!("The same rows as:\n{}", eq.join("\n")));
                    }
                });
                if row.response().clicked() {
                    picked = Some((
                        text.clone(),
                        FilterGroup::equalities(&result.slice_labels[i]),
                    ));
                }
            });
        });
    picked
}

fn node_filter(table: &crate::load::table::EvalTable, node: &Node) -> FilterGroup {
    FilterGroup {
        combine: Combine::All,
        items: node
            .path
            .iter()
            .map(|&(f, code, eq)| {
                let feat = &table.features[f];
                Filter::Cond(Condition {
                    column: feat.name.clone(),
                    op: if eq { Op::Eq } else { Op::Ne },
                    value: feat.level(code).to_string(),
                    value2: String::new(),
                })
            })
            .collect(),
    }
}

fn tree_ui(
    ui: &mut egui::Ui,
    table: &crate::load::table::EvalTable,
    nodes: &[Node],
    id: usize,
    selected: Option<&str>,
) -> Option<(String, FilterGroup)> {
    let node = nodes.get(id)?;
    let mut picked = None;
    let last = node
        .path
        .last()
        .map_or("all rows".to_string(), |&(f, c, eq)| {
            format!(
                "{} {} {}",
                table.features[f].name,
                if eq { "=" } else { "!=" },
                table.features[f].level(c)
            )
        });
    let text = crate::discovery::error_tree::path_text(table, node);
    let label = format!(
        "{last}   ·   {} {:.3}   ·   {:.1}% of errors   ·   {:.1}% of rows",
        if table.task == crate::load::Task::Regression {
            "mean squared error"
        } else {
            "error rate"
        },
        node.error_rate,
        node.coverage * 100.0,
        node.share * 100.0
    );
    // Nodes clearly above the root's error rate stand out.
    let ratio = node.error_rate / nodes[0].error_rate.max(1e-9);
    let color = if ratio >= 1.2 {
        ui.visuals().error_fg_color
    } else {
        ui.visuals().text_color()
    };
    ui.horizontal(|ui| {
        ui.add_space(14.0 * node.depth as f32);
        let r = ui.add(egui::Button::selectable(
            selected == Some(text.as_str()),
            egui::RichText::new(label).color(color),
        ));
        if r.on_hover_text(&text).clicked() {
            picked = Some((text.clone(), node_filter(table, node)));
        }
    });
    for &c in &node.children {
        if let Some(p) = tree_ui(ui, table, nodes, c, selected) {
            picked = Some(p);
        }
    }
    picked
}
