//! Examples: the active cohort's rows in a virtualized table (only visible rows are
//! drawn), with a column chooser, sort, text search and "only errors of model X";
//! the inspector shows every field of the selected row and each model's output.

use egui_extras::{Column, TableBuilder};

use super::{View, ViewCtx};
use crate::app::workspace::Workspace;
use crate::app::{Command, Request};
use crate::brief::findings;
use crate::cli::ViewName;
use crate::examples::{ExampleQuery, cell_preview, row_as_text};
use crate::load::encode::NULL_CODE;
use crate::load::table::{EvalTable, Prediction, Target};

#[derive(Default)]
pub struct ExamplesView {
    pub search: String,
    pub errors_of: Option<usize>,
    pub sort: Option<(String, bool)>,
    /// Hidden columns by name.
    pub hidden: Vec<String>,
    /// Selected table row (index into the decoded table).
    pub selected: Option<u32>,
    pub focus_search: bool,
    /// A flips-table cell chosen in the Compare view.
    pub flip: Option<(usize, usize, bool, bool)>,
    /// Characters shown of each long field in the inspector, by column, for the
    /// selected row (a huge cell is shown in parts, on demand).
    shown: std::collections::HashMap<usize, usize>,
    /// Graded: how the inspector compares responses.
    pub diff: DiffSettings,
    diff_cache: Option<(DiffKey, std::sync::Arc<Vec<crate::text_diff::WordDiff>>)>,
}

/// What the response diff shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiffSettings {
    /// The two models compared (default: the Compare view's pair).
    pub models: Option<(usize, usize)>,
    /// Each response against the reference answer instead of against each other.
    pub against_reference: bool,
    pub ignore_whitespace: bool,
}

/// The inputs of a cached diff.
#[derive(Debug, Clone, PartialEq)]
struct DiffKey {
    row: usize,
    table_version: u64,
    settings: (usize, usize, bool, bool),
}

/// A column of the examples table.
enum Col {
    /// A column of the file: index and name.
    Frame(usize, String),
    /// A model's prediction at the current threshold, coloured by its verdict.
    Pred(usize),
    /// A model's right/wrong mark.
    Mark(usize),
}

impl Col {
    fn title(&self, table: &EvalTable) -> String {
        match self {
            Col::Frame(_, n) => n.clone(),
            Col::Pred(m) => table
                .models
                .get(*m)
                .map_or(String::new(), |x| x.name.clone()),
            Col::Mark(m) => table
                .models
                .get(*m)
                .map_or(String::new(), |x| format!("{}?", x.name)),
        }
    }

    /// The file column a click on the header sorts by.
    fn sort_name(&self, table: &EvalTable) -> Option<String> {
        match self {
            Col::Frame(_, n) => Some(n.clone()),
            Col::Pred(m) => table
                .models
                .get(*m)
                .and_then(|x| x.columns.pred.clone().or_else(|| x.columns.score.clone())),
            Col::Mark(_) => None,
        }
    }
}

/// A model's prediction for decoded row `r` at `threshold` (scored binary models
/// are re-thresholded), and whether it is right (None for regression).
pub fn prediction(table: &EvalTable, m: usize, r: usize, threshold: f64) -> (String, Option<bool>) {
    let Some(model) = table.models.get(m) else {
        return (String::new(), None);
    };
    if let Some(g) = model.grades.as_deref() {
        return graded_verdict(g, r);
    }
    let rethreshold = table.task == crate::load::Task::Binary && threshold != table.threshold;
    match (model.pred(), table.target.as_ref()) {
        (Prediction::Classes(p), Target::Classes(y)) => {
            let c = match (&model.score, rethreshold) {
                (Some(s), true) if s[r].is_nan() => NULL_CODE,
                (Some(s), true) => u32::from(s[r] >= threshold),
                _ => p[r],
            };
            let text = if c == NULL_CODE {
                "(null)".to_string()
            } else {
                table.classes.get(c as usize).cloned().unwrap_or_default()
            };
            (text, Some(c == y[r]))
        }
        (Prediction::Values(p), Target::Values(y)) => {
            (format!("{} ({:+.3})", p[r], p[r] - y[r]), None)
        }
        _ => (String::new(), None),
    }
}

/// A graded model's verdict on example `r`: its pass rate over the runs and its
/// mean score; right when at least half the runs pass.
pub fn graded_verdict(g: &crate::load::table::Grades, r: usize) -> (String, Option<bool>) {
    let mut parts = Vec::new();
    let mut ok = None;
    if let Some(p) = &g.pass
        && !p[r].is_nan()
    {
        let runs = g.pass_runs[r];
        parts.push(if runs > 1 {
            format!("pass {}/{runs} runs", g.passes[r])
        } else if p[r] >= 0.5 {
            "pass".to_string()
        } else {
            "fail".to_string()
        });
        ok = Some(p[r] >= 0.5);
    }
    if let Some(s) = &g.score
        && !s[r].is_nan()
    {
        parts.push(format!(
            "score {}",
            crate::load::encode::short_number(s[r], 3)
        ));
    }
    if parts.is_empty() {
        parts.push("(not graded)".into());
    }
    (parts.join(" · "), ok)
}

fn verdict_color(ui: &egui::Ui, ok: Option<bool>) -> egui::Color32 {
    match ok {
        Some(true) => egui::Color32::from_rgb(22, 163, 74),
        Some(false) => ui.visuals().error_fg_color,
        None => ui.visuals().text_color(),
    }
}

/// Rows a copy of the examples table holds at most.
const COPY_ROWS: usize = 10_000;

/// Characters of a field the inspector shows at first, and how many more each
/// "Show more" adds.
const FIELD_CHARS: usize = 20_000;
/// The same for graded files, whose long texts are read in the diff above the
/// fields (laying out tens of thousands of characters twice would cost a frame).
const GRADED_FIELD_CHARS: usize = 2_000;
/// A reference longer than this starts folded in the diff panel.
const OPEN_REFERENCE_CHARS: usize = 3_000;
const MORE_CHARS: usize = 100_000;
/// Characters of each field a pinned example keeps.
const PIN_CHARS: usize = 10_000;

impl ExamplesView {
    pub fn query(&self) -> ExampleQuery {
        ExampleQuery {
            search: self.search.clone(),
            errors_of: self.errors_of,
            sort: self.sort.clone(),
            flip: self.flip,
        }
    }
}

impl View for ExamplesView {
    fn id(&self) -> ViewName {
        ViewName::Examples
    }

    fn title(&self) -> &'static str {
        "Examples"
    }

    fn shortcut(&self) -> egui::KeyboardShortcut {
        super::ctrl(egui::Key::Num3)
    }

    fn on_command(&mut self, command: &Command) {
        match command {
            Command::ClearSelection => self.selected = None,
            Command::FocusSearch => self.focus_search = true,
            Command::SelectExample(r) => {
                self.selected = Some(*r);
                self.shown.clear();
            }
            Command::ShowErrorsOf(m) => self.errors_of = Some(*m),
            Command::ShowFlip(b, c, ok_b, ok_c) => {
                self.errors_of = None;
                self.flip = Some((*b, *c, *ok_b, *ok_c));
            }
            _ => {}
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>) {
        let ws = cx.ws;
        let table = ws.table.clone();
        let frame = ws.frame.clone();
        if self.errors_of.is_some_and(|m| m >= table.models.len()) {
            self.errors_of = None;
        }
        if self
            .flip
            .is_some_and(|(b, c, _, _)| b.max(c) >= table.models.len())
        {
            self.flip = None;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("Search");
            let r = ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("text in any column (Ctrl+F)")
                    .desired_width(240.0),
            );
            if self.focus_search {
                r.request_focus();
                self.focus_search = false;
            }
            ui.label("Show");
            let label = match self.errors_of {
                None => "all rows".to_string(),
                Some(m) => format!(
                    "only errors of {}",
                    table.models.get(m).map_or("?", |m| m.name.as_str())
                ),
            };
            egui::ComboBox::from_id_salt("errors-of")
                .selected_text(label)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.errors_of, None, "all rows");
                    for (i, m) in table.models.iter().enumerate() {
                        ui.selectable_value(
                            &mut self.errors_of,
                            Some(i),
                            format!("only errors of {}", m.name),
                        );
                    }
                });
            if let Some((b, c, ok_b, ok_c)) = self.flip {
                let word = |ok: bool| if ok { "right" } else { "wrong" };
                let text = format!(
                    "{} {} and {} {}",
                    table.models.get(b).map_or("?", |m| m.name.as_str()),
                    word(ok_b),
                    table.models.get(c).map_or("?", |m| m.name.as_str()),
                    word(ok_c)
                );
                ui.label(text);
                if ui
                    .button("Show all rows")
                    .on_hover_text("Drop the flips filter")
                    .clicked()
                {
                    self.flip = None;
                }
            }
            ui.menu_button("Columns", |ui| {
                for c in frame.get_column_names() {
                    let name = c.to_string();
                    let mut shown = !self.hidden.contains(&name);
                    if ui.checkbox(&mut shown, &name).changed() {
                        if shown {
                            self.hidden.retain(|h| h != &name);
                        } else {
                            self.hidden.push(name);
                        }
                    }
                }
            });
        });
        cx.request(Request::Examples(self.query()));
        let Some(rows) = cx.results.examples.value.clone() else {
            ui.horizontal(|ui| {
                crate::app::busy::spinner_ui(ui);
                ui.label("Selecting rows…");
            });
            return;
        };
        ui.horizontal(|ui| {
            ui.label(format!(
                "{} rows",
                crate::format::fmt_int(rows.len() as u64)
            ));
            if cx.results.examples.is_busy() {
                crate::app::busy::spinner_ui(ui);
            }
        });
        if let Some(sel) = self.selected {
            // Graded responses sit side by side: a wider inspector.
            let graded = table.task == crate::load::Task::Graded;
            egui::Panel::right(if graded {
                "inspector-graded"
            } else {
                "inspector"
            })
            .resizable(true)
            .default_size(if graded { 660.0 } else { 380.0 })
            .show(ui, |ui| {
                self.inspector_ui(ui, cx, sel);
            });
        }
        // The label and each model's prediction, score and a right/wrong mark come
        // first, then the other columns.
        let name_index = |n: &str| frame.get_column_index(n);
        let mut lead: Vec<Col> = Vec::new();
        let mut taken: Vec<String> = vec![table.label_column.clone()];
        if let Some(i) = name_index(&table.label_column) {
            lead.push(Col::Frame(i, table.label_column.clone()));
        }
        for (m, model) in table.models.iter().enumerate() {
            lead.push(Col::Pred(m));
            taken.extend(model.columns.columns().map(str::to_string));
            if let Some(sc) = model.columns.score.as_deref()
                && let Some(i) = name_index(sc)
            {
                lead.push(Col::Frame(i, sc.to_string()));
            }
            if table.task != crate::load::Task::Regression {
                lead.push(Col::Mark(m));
            }
        }
        let mut columns: Vec<Col> = lead;
        columns.extend(
            frame
                .get_column_names()
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c.to_string()))
                .filter(|(_, c)| !taken.contains(c))
                .map(|(i, c)| Col::Frame(i, c)),
        );
        columns.retain(|c| !self.hidden.contains(&c.title(&table)));
        let mut clicked = None;
        let mut sort_click = None;
        let threshold = ws.threshold;
        ui.horizontal(|ui| {
            super::charts::copy_table_with(ui, cx, || {
                let mut header = vec!["row".to_string()];
                header.extend(columns.iter().map(|c| c.title(&table)));
                let body = rows
                    .iter()
                    .take(COPY_ROWS)
                    .map(|&r| {
                        let file_row = table.row_index[r as usize] as usize;
                        let mut out = vec![(file_row + 1).to_string()];
                        out.extend(columns.iter().map(|c| match c {
                            Col::Frame(ci, _) => cell_preview(&frame, *ci, file_row, 10_000).0,
                            Col::Pred(m) => prediction(&table, *m, r as usize, threshold).0,
                            Col::Mark(m) => match prediction(&table, *m, r as usize, threshold).1 {
                                Some(true) => "right".into(),
                                Some(false) => "wrong".into(),
                                None => String::new(),
                            },
                        }));
                        out
                    })
                    .collect();
                (header, body)
            });
            ui.label(egui::RichText::new(format!("(copies up to {COPY_ROWS} rows)")).weak());
        });
        egui::ScrollArea::horizontal()
            .id_salt("examples-h")
            .show(ui, |ui| {
                // Text in rows must not take the click that selects the row.
                ui.style_mut().interaction.selectable_labels = false;
                let mut builder = TableBuilder::new(ui)
                    .id_salt("examples-table")
                    .striped(true)
                    .sense(egui::Sense::click())
                    .column(Column::auto().at_least(50.0));
                for c in &columns {
                    let width = match c {
                        Col::Mark(_) => 48.0,
                        Col::Pred(_) => 110.0,
                        Col::Frame(_, name) => {
                            let text = table.features.iter().any(|f| {
                                &f.name == name && f.kind == crate::load::table::FeatureKind::Text
                            });
                            if text { 260.0 } else { 110.0 }
                        }
                    };
                    builder = builder.column(
                        Column::initial(width)
                            .at_least(24.0)
                            .clip(true)
                            .resizable(true),
                    );
                }
                builder
                    .header(22.0, |mut h| {
                        h.col(|ui| {
                            ui.strong("row");
                        });
                        for c in &columns {
                            h.col(|ui| {
                                let title = c.title(&table);
                                let Some(sort_name) = c.sort_name(&table) else {
                                    ui.strong(title);
                                    return;
                                };
                                let arrow = match &self.sort {
                                    Some((s, desc)) if *s == sort_name => {
                                        if *desc {
                                            " (desc)"
                                        } else {
                                            " (asc)"
                                        }
                                    }
                                    _ => "",
                                };
                                if ui
                                    .button(format!("{title}{arrow}"))
                                    .on_hover_text("Sort by this column")
                                    .clicked()
                                {
                                    sort_click = Some(sort_name);
                                }
                            });
                        }
                    })
                    .body(|body| {
                        body.rows(20.0, rows.len(), |mut row| {
                            let r = rows[row.index()];
                            let file_row = table.row_index[r as usize] as usize;
                            row.set_selected(self.selected == Some(r));
                            row.col(|ui| {
                                ui.label((file_row + 1).to_string());
                            });
                            for c in &columns {
                                row.col(|ui| match c {
                                    Col::Frame(ci, _) => {
                                        let (text, _) = cell_preview(&frame, *ci, file_row, 300);
                                        let first_line =
                                            text.lines().next().unwrap_or("").to_string();
                                        ui.add(
                                            egui::Label::new(first_line)
                                                .truncate()
                                                .selectable(false),
                                        );
                                    }
                                    Col::Pred(m) => {
                                        let (text, ok) =
                                            prediction(&table, *m, r as usize, threshold);
                                        let color = verdict_color(ui, ok);
                                        ui.add(
                                            egui::Label::new(
                                                egui::RichText::new(text).color(color),
                                            )
                                            .truncate()
                                            .selectable(false),
                                        );
                                    }
                                    Col::Mark(m) => {
                                        let (_, ok) = prediction(&table, *m, r as usize, threshold);
                                        let mark = match ok {
                                            Some(true) => "right",
                                            Some(false) => "wrong",
                                            None => "",
                                        };
                                        ui.label(
                                            egui::RichText::new(mark).color(verdict_color(ui, ok)),
                                        );
                                    }
                                });
                            }
                            if row.response().clicked() {
                                clicked = Some(r);
                            }
                        });
                    });
            });
        if let Some(r) = clicked {
            self.selected = Some(r);
            self.shown.clear();
        }
        if let Some(name) = sort_click {
            self.sort = match &self.sort {
                Some((c, false)) if *c == name => Some((name, true)),
                Some((c, true)) if *c == name => None,
                _ => Some((name, false)),
            };
        }
    }
}

impl ExamplesView {
    fn inspector_ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>, r: u32) {
        let ws: &Workspace = cx.ws;
        let table = &ws.table;
        let Some(&file_row) = table.row_index.get(r as usize) else {
            self.selected = None;
            return;
        };
        let file_row = file_row as usize;
        ui.horizontal(|ui| {
            ui.heading(format!("Row {}", file_row + 1));
            if ui
                .button("Copy row")
                .on_hover_text("Copy every field to the clipboard")
                .clicked()
            {
                cx.send(Command::Copy(row_as_text(&ws.frame, file_row)));
            }
            if ui
                .button("Close")
                .on_hover_text("Close the inspector (Esc)")
                .clicked()
            {
                self.selected = None;
            }
        });
        ui.separator();
        // Only this row's predictions are re-thresholded: nothing here grows with the data.
        let t = table;
        let label = match t.target.as_ref() {
            Target::Classes(y) => t
                .classes
                .get(y[r as usize] as usize)
                .cloned()
                .unwrap_or_default(),
            Target::Values(y) => format!("{}", y[r as usize]),
        };
        egui::Grid::new("inspector-models")
            .striped(true)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                if t.task != crate::load::Task::Graded {
                    ui.strong("label");
                    ui.strong(&label);
                    ui.label("");
                    ui.end_row();
                }
                for (m, model) in t.models.iter().enumerate() {
                    let (pred, ok) = prediction(t, m, r as usize, ws.threshold);
                    ui.label(&model.name);
                    let mut text = pred;
                    if let Some(s) = &model.score {
                        text.push_str(&format!("   score {:.4}", s[r as usize]));
                    }
                    ui.label(text);
                    match ok {
                        Some(true) => ui.colored_label(verdict_color(ui, ok), "right"),
                        Some(false) => ui.colored_label(verdict_color(ui, ok), "wrong"),
                        None => ui.label(""),
                    };
                    ui.end_row();
                }
            });
        ui.separator();
        if t.task == crate::load::Task::Graded {
            self.responses_ui(ui, cx, file_row, r as usize);
            ui.separator();
        }
        let key = file_row as u32 + 1;
        if ui.button("Pin example to brief").clicked() {
            let note = ws.notes.get(&key).cloned().unwrap_or_default();
            let fields = crate::examples::row_fields_capped(&ws.frame, file_row, PIN_CHARS);
            let f = findings::example(fields, file_row, &note, &cx.scope());
            cx.send(Command::Pin(Box::new(f)));
        }
        // Failure-mode tags and a note on this example.
        ui.horizontal_wrapped(|ui| {
            ui.label("Tags:");
            for t in &ws.tags {
                let mut on = ws
                    .example_tags
                    .get(&key)
                    .is_some_and(|x| x.contains(&t.name));
                if ui.checkbox(&mut on, &t.name).changed() {
                    cx.send(Command::SetExampleTag {
                        row: key,
                        tag: t.name.clone(),
                        on,
                    });
                }
            }
        });
        let mut note = ws.notes.get(&key).cloned().unwrap_or_default();
        if ui
            .add(
                egui::TextEdit::multiline(&mut note)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY)
                    .hint_text("Note on this example"),
            )
            .changed()
        {
            cx.send(Command::SetNote {
                row: key,
                text: note,
            });
        }
        ui.separator();

        egui::ScrollArea::vertical()
            .id_salt("inspector-fields")
            .show(ui, |ui| {
                // Graded: responses, rationales and the reference are shown above,
                // and the per-run companions say nothing a reader needs here.
                let shown_above: Vec<&str> = table
                    .models
                    .iter()
                    .filter_map(|m| m.grades.as_deref())
                    .flat_map(|g| {
                        [
                            g.columns.response.as_deref(),
                            g.columns.rationale.as_deref(),
                        ]
                    })
                    .flatten()
                    .collect();
                for (ci, name) in ws.frame.get_column_names().iter().enumerate() {
                    if shown_above.contains(&name.as_str())
                        || crate::load::graded::is_companion(name)
                    {
                        continue;
                    }
                    let first = if table.task == crate::load::Task::Graded {
                        GRADED_FIELD_CHARS
                    } else {
                        FIELD_CHARS
                    };
                    let limit = *self.shown.get(&ci).unwrap_or(&first);
                    let (value, more) = cell_preview(&ws.frame, ci, file_row, limit);
                    ui.label(egui::RichText::new(name.as_str()).strong());
                    ui.add(
                        egui::Label::new(if value.is_empty() {
                            "(missing)".to_string()
                        } else {
                            value
                        })
                        .wrap()
                        .selectable(true),
                    );
                    if more {
                        ui.horizontal(|ui| {
                            ui.label(
                                egui::RichText::new(format!("… first {limit} characters shown"))
                                    .weak(),
                            );
                            if ui.button("Show more").clicked() {
                                self.shown.insert(ci, limit + MORE_CHARS);
                            }
                            if ui.button("Copy the whole value").clicked() {
                                cx.send(Command::Copy(crate::examples::cell_text(
                                    &ws.frame, ci, file_row,
                                )));
                            }
                        });
                    }
                    ui.add_space(4.0);
                }
            });
    }
}

/// About this many characters of a diff are laid out as one label.
const DIFF_CHUNK_CHARS: usize = 1500;

/// A diff's segments cut into chunks of about `size` bytes, each ending at a line
/// break or a space where there is one, so that each chunk is a label of its own.
fn diff_chunks(
    segments: &[crate::text_diff::Segment],
    size: usize,
) -> Vec<Vec<crate::text_diff::Segment>> {
    use crate::text_diff::Segment;
    let mut out: Vec<Vec<Segment>> = vec![Vec::new()];
    let mut len = 0;
    for s in segments {
        let mut rest = s.text.as_str();
        while !rest.is_empty() {
            let room = size.saturating_sub(len);
            if rest.len() <= room {
                len += rest.len();
                if let Some(chunk) = out.last_mut() {
                    chunk.push(Segment {
                        change: s.change,
                        text: rest.to_string(),
                    });
                }
                break;
            }
            let mut end = room;
            while end > 0 && !rest.is_char_boundary(end) {
                end -= 1;
            }
            let head = &rest[..end];
            let at_space = head.rfind('\n').or_else(|| head.rfind(' ')).map(|i| i + 1);
            let cut = match at_space {
                Some(c) => c,
                // A chunk that is empty takes a hard cut (at least one character).
                None if len == 0 => end.max(rest.chars().next().map_or(1, char::len_utf8)),
                None => 0,
            };
            if cut > 0 {
                if let Some(chunk) = out.last_mut() {
                    chunk.push(Segment {
                        change: s.change,
                        text: rest[..cut].to_string(),
                    });
                }
                rest = &rest[cut..];
            }
            out.push(Vec::new());
            len = 0;
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// A diff in a scroll area that lays out only the chunks in view (a 20,000
/// character response costs a few chunks per frame, not the whole text); the
/// others take their estimated height.
fn diff_text_ui(
    ui: &mut egui::Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    segments: &[crate::text_diff::Segment],
    wrap_width: f32,
) {
    let chunks = diff_chunks(segments, DIFF_CHUNK_CHARS);
    let row = ui.text_style_height(&egui::TextStyle::Body);
    // Body text averages about half its height in width per character.
    let per_line = (wrap_width / (row * 0.5)).max(10.0);
    let estimate = |c: &[crate::text_diff::Segment]| {
        let n: usize = c.iter().map(|s| s.text.chars().count()).sum();
        (n as f32 / per_line).ceil().max(1.0) * row
    };
    egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(360.0)
        .show_viewport(ui, |ui, viewport| {
            ui.spacing_mut().item_spacing.y = 0.0;
            ui.set_width(wrap_width);
            let mut y = 0.0;
            for c in &chunks {
                let h = estimate(c);
                if y + h >= viewport.min.y && y <= viewport.max.y {
                    let job = diff_job(ui, c, wrap_width);
                    y += ui.add(egui::Label::new(job).selectable(true)).rect.height();
                } else {
                    ui.allocate_space(egui::vec2(wrap_width, h));
                    y += h;
                }
            }
        });
}

/// Text colours of a diff: removed words red and struck through, added words green.
fn diff_job(
    ui: &egui::Ui,
    segments: &[crate::text_diff::Segment],
    wrap_width: f32,
) -> egui::text::LayoutJob {
    use crate::text_diff::Change;
    let mut job = egui::text::LayoutJob::default();
    job.wrap.max_width = wrap_width;
    let font = egui::TextStyle::Body.resolve(ui.style());
    let base = ui.visuals().text_color();
    let dark = ui.visuals().dark_mode;
    let (red, green) = if dark {
        (
            egui::Color32::from_rgb(127, 29, 29),
            egui::Color32::from_rgb(20, 83, 45),
        )
    } else {
        (
            egui::Color32::from_rgb(254, 202, 202),
            egui::Color32::from_rgb(187, 247, 208),
        )
    };
    for s in segments {
        let mut format = egui::TextFormat {
            font_id: font.clone(),
            color: base,
            ..Default::default()
        };
        match s.change {
            Change::Same => {}
            Change::Removed => {
                format.background = red;
                format.strikethrough = egui::Stroke::new(1.0, base);
            }
            Change::Added => format.background = green,
        }
        job.append(&s.text, 0.0, format);
    }
    job
}

impl ExamplesView {
    /// Graded: two models' responses side by side with a word-level diff, or
    /// each against the reference.
    fn responses_ui(&mut self, ui: &mut egui::Ui, cx: &mut ViewCtx<'_>, file_row: usize, r: usize) {
        let ws: &Workspace = cx.ws;
        let table = &ws.table;
        let n = table.models.len();
        if n == 0 {
            return;
        }
        let (mut a, mut b) = self.diff.models.unwrap_or(ws.pair);
        a = a.min(n - 1);
        b = b.min(n - 1);
        let response_col = |m: usize| {
            table.models[m]
                .grades
                .as_deref()
                .and_then(|g| g.columns.response.clone())
        };
        let names: Vec<String> = ws
            .frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let reference = crate::load::roles::REFERENCE_NAMES
            .iter()
            .find_map(|c| crate::load::roles::find_column(&names, c))
            .map(str::to_string);
        let mut settings = self.diff.clone();
        let runs = table
            .models
            .iter()
            .filter_map(|m| m.grades.as_deref())
            .map(|g| g.pass_runs[r].max(g.score_runs[r]))
            .max()
            .unwrap_or(1);
        ui.horizontal_wrapped(|ui| {
            ui.strong("Responses");
            if runs > 1 {
                ui.label(egui::RichText::new(format!("(the first of {runs} runs)")).weak())
                    .on_hover_text(
                        "Grades are averaged over the runs; the text shown is the first run's",
                    );
            }
            let label = ui.label("compare");
            let pick = |ui: &mut egui::Ui, id: &str, m: &mut usize, label: egui::Id| {
                egui::ComboBox::from_id_salt(id)
                    .selected_text(table.models[*m].name.clone())
                    .show_ui(ui, |ui| {
                        for (i, model) in table.models.iter().enumerate() {
                            ui.selectable_value(m, i, &model.name);
                        }
                    })
                    .response
                    .labelled_by(label);
            };
            pick(ui, "diff-a", &mut a, label.id);
            let with = ui.label("with");
            pick(ui, "diff-b", &mut b, with.id);
            if reference.is_some() {
                ui.checkbox(
                    &mut settings.against_reference,
                    "each against the reference",
                );
            }
            ui.checkbox(&mut settings.ignore_whitespace, "ignore whitespace")
                .on_hover_text(
                    "Compare words only: spaces and line breaks that differ are not changes",
                );
        });
        settings.models = Some((a, b));
        if settings != self.diff {
            self.diff = settings.clone();
        }
        let text = |col: &Option<String>| -> String {
            col.as_deref()
                .and_then(|c| ws.frame.get_column_index(c))
                .map(|ci| crate::examples::cell_text(&ws.frame, ci, file_row))
                .unwrap_or_default()
        };
        let (ta, tb) = (text(&response_col(a)), text(&response_col(b)));
        let tr = text(&reference);
        let key = DiffKey {
            row: file_row,
            table_version: ws.table_version,
            settings: (a, b, settings.against_reference, settings.ignore_whitespace),
        };
        let diffs = match &self.diff_cache {
            Some((k, d)) if *k == key => d.clone(),
            _ => {
                let ws_flag = settings.ignore_whitespace;
                let d = if settings.against_reference {
                    vec![
                        crate::text_diff::word_diff(&tr, &ta, ws_flag),
                        crate::text_diff::word_diff(&tr, &tb, ws_flag),
                    ]
                } else {
                    vec![crate::text_diff::word_diff(&ta, &tb, ws_flag)]
                };
                let d = std::sync::Arc::new(d);
                self.diff_cache = Some((key, d.clone()));
                d
            }
        };
        if settings.against_reference {
            let chars = tr.chars().count();
            egui::CollapsingHeader::new(egui::RichText::new("Reference").strong())
                .id_salt(("reference", file_row))
                .default_open(chars <= OPEN_REFERENCE_CHARS)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("reference-text")
                        .max_height(200.0)
                        .show(ui, |ui| {
                            ui.add(egui::Label::new(&tr).wrap().selectable(true));
                        });
                });
        }
        let width = ((ui.available_width() - 12.0) / 2.0).max(120.0);
        ui.columns(2, |cols| {
            for (side, (ui, m)) in cols.iter_mut().zip([a, b]).enumerate() {
                let (verdict, ok) = prediction(table, m, r, ws.threshold);
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        egui::RichText::new(&table.models[m].name)
                            .strong()
                            .color(super::model_color(m)),
                    );
                    ui.colored_label(verdict_color(ui, ok), verdict);
                });
                let (segments, counts) = if settings.against_reference {
                    let d = &diffs[side];
                    (
                        &d.unified,
                        format!("+{} −{} words against the reference", d.added, d.removed),
                    )
                } else {
                    let d = &diffs[0];
                    if side == 0 {
                        (&d.left, format!("{} words not in the other", d.removed))
                    } else {
                        (&d.right, format!("{} words not in the other", d.added))
                    }
                };
                ui.label(egui::RichText::new(counts).weak());
                diff_text_ui(ui, ("response", side), segments, width - 16.0);
                let rationale = table.models[m]
                    .grades
                    .as_deref()
                    .and_then(|g| g.columns.rationale.clone());
                if rationale.is_some() {
                    let why = text(&rationale);
                    if !why.is_empty() {
                        ui.label(
                            egui::RichText::new(format!("Judge: {why}"))
                                .italics()
                                .weak(),
                        );
                    }
                }
                if ui.small_button("Copy response").clicked() {
                    cx.send(Command::Copy(if side == 0 {
                        ta.clone()
                    } else {
                        tb.clone()
                    }));
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text_diff::{Change, Segment};

    #[test]
    fn diff_chunks_keep_every_character_and_cut_at_spaces() {
        let seg = |change, text: &str| Segment {
            change,
            text: text.to_string(),
        };
        let segments = vec![
            seg(Change::Same, "alpha beta gamma delta "),
            seg(Change::Removed, "epsilon"),
            seg(Change::Same, " zeta\neta théta iota"),
            seg(Change::Added, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ];
        let chunks = diff_chunks(&segments, 12);
        let joined: String = chunks.iter().flatten().map(|s| s.text.as_str()).collect();
        let original: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, original);
        assert!(chunks.len() > 3);
        for c in &chunks[..chunks.len() - 1] {
            let text: String = c.iter().map(|s| s.text.as_str()).collect();
            assert!(text.len() <= 12 || !text.contains(' '), "{text:?}");
        }
        // Changes survive the cuts.
        assert!(chunks.iter().flatten().any(|s| s.change == Change::Removed));
        assert!(chunks.iter().flatten().any(|s| s.change == Change::Added));
    }
}
