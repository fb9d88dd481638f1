//! The window on a Spark source (feature `spark`): the rows stay on the cluster.
//! A cohort (the cohort builder's filter) and up to two slice columns make one
//! request; each change runs the source's aggregate queries as one background job
//! with a spinner and Cancel (Cancel interrupts the Spark operations by their
//! tag), and the previous numbers stay on screen until the new ones arrive. Rows
//! are fetched a page at a time with `LIMIT`/`OFFSET`, only when asked for.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::tasks::{Done, TaskKind, Tasks};
use crate::cohort::{Cohort, FilterGroup};
use crate::control::Control;
use crate::format::{fmt_ci, fmt_int, fmt_value};
use crate::spark::remote::{RemoteMetrics, RemoteTable, RowPage};

/// Rows per page of the rows table.
pub const PAGE: usize = 50;

/// What a metrics result was computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct SparkKey {
    pub cohort: FilterGroup,
    pub by: Vec<String>,
}

/// What a page of rows was fetched for.
#[derive(Debug, Clone, PartialEq)]
pub struct PageKey {
    pub cohort: FilterGroup,
    pub offset: usize,
}

/// A finished metrics job: its key, the numbers or the error, how long it took.
pub type MetricsDone = (SparkKey, crate::Result<RemoteMetrics>, Duration);

/// The open Spark source and what the panel shows of it.
pub struct SparkPanel {
    pub table: Arc<RemoteTable>,
    /// The cohort in effect (every query is narrowed by it).
    pub cohort: Cohort,
    /// The cohort builder's draft.
    pub draft: FilterGroup,
    /// Slice columns (at most two; empty: overall only).
    pub by: Vec<String>,
    /// The model whose metrics the table shows.
    pub model: usize,
    /// The numbers on screen, with their key and time; kept while a new query runs.
    pub shown: Option<(SparkKey, RemoteMetrics, Duration)>,
    /// The last query's error (the numbers on screen stay).
    pub error: Option<String>,
    /// The page of rows on screen, and the one asked for.
    pub page: Option<(PageKey, RowPage)>,
    pub want_page: Option<PageKey>,
    running: Option<SparkKey>,
    running_page: Option<PageKey>,
}

impl SparkPanel {
    pub fn new(table: RemoteTable) -> SparkPanel {
        SparkPanel {
            table: Arc::new(table),
            cohort: crate::app::workspace::all_rows(),
            draft: FilterGroup::default(),
            by: Vec::new(),
            model: 0,
            shown: None,
            error: None,
            page: None,
            want_page: None,
            running: None,
            running_page: None,
        }
    }

    /// The numbers the panel should show now.
    pub fn key(&self) -> SparkKey {
        SparkKey {
            cohort: self.cohort.filter.clone(),
            by: self.by.clone(),
        }
    }

    /// True while a query of the panel runs.
    pub fn is_querying(&self) -> bool {
        self.running.is_some() || self.running_page.is_some()
    }

    /// Starts the queries the panel needs (at the end of the frame): at most one
    /// metrics job and one page job, each only when its key is neither shown,
    /// failed nor running.
    pub fn ensure(&mut self, tasks: &mut Tasks) {
        if !tasks.is_running(TaskKind::SparkQuery) {
            self.running = None;
        }
        if !tasks.is_running(TaskKind::SparkRows) {
            self.running_page = None;
        }
        let key = self.key();
        let shown = self.shown.as_ref().is_some_and(|(k, _, _)| *k == key);
        if !shown && self.running.as_ref() != Some(&key) && self.error.is_none() {
            let table = self.table.clone();
            let k = key.clone();
            let label = format!("Querying Spark ({})", self.cohort.filter.describe());
            tasks.start(TaskKind::SparkQuery, label, move |control| {
                let start = Instant::now();
                let result = interruptible(&table, control, || {
                    table.metrics(&k.cohort, &k.by, crate::stats::Bootstrap::default())
                });
                Done::SparkMetrics(Box::new((k, result, start.elapsed())))
            });
            self.running = Some(key);
        }
        if let Some(want) = self.want_page.clone()
            && self.page.as_ref().is_none_or(|(k, _)| *k != want)
            && self.running_page.as_ref() != Some(&want)
        {
            let table = self.table.clone();
            let k = want.clone();
            tasks.start(
                TaskKind::SparkRows,
                "Fetching rows from Spark",
                move |control| {
                    let result =
                        interruptible(&table, control, || table.rows(&k.cohort, k.offset, PAGE));
                    Done::SparkRows(Box::new((k, result)))
                },
            );
            self.running_page = Some(want);
        }
    }

    /// Takes a finished metrics job; an error keeps the numbers on screen.
    pub fn metrics_done(&mut self, done: MetricsDone) -> Option<String> {
        let (key, result, took) = done;
        if self.running.as_ref() == Some(&key) {
            self.running = None;
        }
        if key != self.key() {
            return None;
        }
        match result {
            Ok(m) => {
                self.shown = Some((key, m, took));
                self.error = None;
                None
            }
            Err(crate::Error::Cancelled) => None,
            Err(e) => {
                let text = e.to_string();
                self.error = Some(text.clone());
                Some(text)
            }
        }
    }

    pub fn rows_done(&mut self, key: PageKey, result: crate::Result<RowPage>) -> Option<String> {
        if self.running_page.as_ref() == Some(&key) {
            self.running_page = None;
        }
        match result {
            Ok(page) => {
                self.page = Some((key, page));
                None
            }
            Err(crate::Error::Cancelled) => None,
            Err(e) => {
                self.want_page = None;
                Some(format!("Could not fetch rows: {e}"))
            }
        }
    }

    /// A Cancel: the query stops, the numbers on screen stay.
    pub fn cancelled(&mut self, kind: TaskKind) {
        match kind {
            TaskKind::SparkQuery => {
                self.running = None;
                self.error = Some("Cancelled: the numbers shown are the previous query's.".into());
            }
            TaskKind::SparkRows => {
                self.running_page = None;
                self.want_page = None;
            }
            _ => {}
        }
    }

    /// A new cohort: the next frame queries it.
    pub fn set_cohort(&mut self, cohort: Cohort) {
        self.cohort = cohort;
        self.error = None;
        if self.want_page.is_some() {
            self.want_page = Some(PageKey {
                cohort: self.cohort.filter.clone(),
                offset: 0,
            });
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, tasks: &mut Tasks) {
        let table = self.table.clone();
        let t = table.table();
        ui.heading(format!("Spark: {}", table.source().display()));
        ui.label(format!(
            "on {} · {} · {} rows, {} labelled · models: {}",
            table.source().remote,
            t.task.as_str(),
            fmt_int(t.dataset.rows as u64),
            fmt_int(t.dataset.used_rows as u64),
            t.models
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        ui.separator();
        egui::CollapsingHeader::new("Cohort")
            .default_open(true)
            .show(ui, |ui| self.cohort_ui(ui));
        ui.horizontal(|ui| self.slice_by_ui(ui));
        ui.horizontal(|ui| self.status_ui(ui, tasks));
        ui.separator();
        let rows_height = if self.want_page.is_some() {
            ui.available_height() * 0.45
        } else {
            0.0
        };
        egui::ScrollArea::both()
            .id_salt("spark-metrics")
            .max_height(ui.available_height() - rows_height - 40.0)
            .show(ui, |ui| self.metrics_ui(ui));
        ui.separator();
        self.rows_ui(ui);
    }

    fn cohort_ui(&mut self, ui: &mut egui::Ui) {
        let columns = self.table.columns();
        ui.label(format!("In effect: {}", self.cohort.filter.describe()));
        super::views::cohorts::group_ui(ui, &mut self.draft, &columns, 0, "spark");
        ui.horizontal(|ui| {
            if ui.button("Add condition").clicked() {
                self.draft
                    .items
                    .push(crate::cohort::Filter::Cond(crate::cohort::Condition {
                        column: columns.first().cloned().unwrap_or_default(),
                        ..Default::default()
                    }));
            }
            if ui
                .button("Apply cohort")
                .on_hover_text("Narrow every query to these rows (one query on the cluster)")
                .clicked()
            {
                self.set_cohort(Cohort {
                    name: self.draft.describe(),
                    filter: self.draft.clone(),
                });
            }
            if !self.cohort.filter.is_empty() && ui.button("Clear cohort").clicked() {
                self.draft = FilterGroup::default();
                self.set_cohort(crate::app::workspace::all_rows());
            }
        });
    }

    fn slice_by_ui(&mut self, ui: &mut egui::Ui) {
        let columns = self.table.slice_columns();
        let mut by = self.by.clone();
        for i in 0..2 {
            let label = ui.label(if i == 0 { "Slice by" } else { "then by" });
            let current = by.get(i).cloned();
            let text = current.clone().unwrap_or_else(|| "(none)".into());
            let mut chosen = current.clone();
            egui::ComboBox::from_id_salt(format!("spark-by-{i}"))
                .selected_text(text)
                .width(140.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut chosen, None, "(none)");
                    for c in &columns {
                        ui.selectable_value(&mut chosen, Some(c.clone()), c);
                    }
                })
                .response
                .labelled_by(label.id);
            if chosen != current {
                match (chosen, i < by.len()) {
                    (Some(c), true) => by[i] = c,
                    (Some(c), false) => by.push(c),
                    (None, true) => {
                        by.remove(i);
                    }
                    (None, false) => {}
                }
            }
        }
        by.dedup();
        if by != self.by {
            self.by = by;
            self.error = None;
        }
        let t = self.table.table();
        if t.models.len() > 1 {
            ui.separator();
            let label = ui.label("Model");
            egui::ComboBox::from_id_salt("spark-model")
                .selected_text(t.models.get(self.model).map_or("", |m| m.name.as_str()))
                .show_ui(ui, |ui| {
                    for (i, m) in t.models.iter().enumerate() {
                        ui.selectable_value(&mut self.model, i, &m.name);
                    }
                })
                .response
                .labelled_by(label.id);
        }
    }

    fn status_ui(&mut self, ui: &mut egui::Ui, tasks: &mut Tasks) {
        if self.running.is_some() {
            crate::app::busy::spinner_ui(ui);
            let secs = tasks
                .get(TaskKind::SparkQuery)
                .map_or(0.0, |t| t.started.elapsed().as_secs_f32());
            ui.label(format!("Querying Spark… {secs:.1} s"));
            if ui
                .button("Cancel")
                .on_hover_text("Interrupt the Spark operations; the numbers shown stay")
                .clicked()
            {
                tasks.cancel(TaskKind::SparkQuery);
                self.cancelled(TaskKind::SparkQuery);
            }
        } else if let Some((_, m, took)) = &self.shown {
            ui.label(format!(
                "{} labelled rows in the cohort · {} {}, {} bytes back, {:.1} s",
                fmt_int(m.rows),
                m.queries,
                if m.queries == 1 { "query" } else { "queries" },
                fmt_int(m.received_bytes),
                took.as_secs_f64()
            ));
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
            if ui.button("Retry").clicked() {
                self.error = None;
            }
        }
    }

    fn metrics_ui(&mut self, ui: &mut egui::Ui) {
        let Some((key, m, _)) = &self.shown else {
            ui.label("No numbers yet.");
            return;
        };
        let model = self.model.min(m.eval.overall.len().saturating_sub(1));
        // Calibration, fairness and cost are computed by the command line only.
        let names: Vec<&str> = crate::metrics::metric_names(&m.table)
            .into_iter()
            .filter(|n| m.eval.overall.iter().any(|s| s.get(n).is_some()))
            .collect();
        let labels = m.grouping.labels(&m.table);
        let mut drill = None;
        egui::Grid::new("spark-metrics-grid")
            .striped(true)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                ui.strong("slice");
                ui.strong("n");
                for n in &names {
                    ui.strong(*n);
                }
                ui.end_row();
                let row = |ui: &mut egui::Ui, name: String, set: &crate::metrics::MetricSet| {
                    ui.label(name);
                    ui.label(fmt_int(set.n));
                    for n in &names {
                        let metric = set.get(n);
                        let value = fmt_value(metric.and_then(|x| x.value));
                        let ci = fmt_ci(metric.and_then(|x| x.ci));
                        ui.label(value).on_hover_text(if ci.is_empty() {
                            "no interval".to_string()
                        } else {
                            format!("95% interval {ci}")
                        });
                    }
                };
                if let Some(set) = m.eval.overall.get(model) {
                    row(ui, "Overall".into(), set);
                    ui.end_row();
                }
                if !key.by.is_empty() {
                    for (g, pairs) in labels.iter().enumerate() {
                        let Some(set) = m.eval.groups.get(g).and_then(|s| s.get(model)) else {
                            continue;
                        };
                        let name = pairs
                            .iter()
                            .map(|(c, v)| format!("{c} = {v}"))
                            .collect::<Vec<_>>()
                            .join(" & ");
                        row(ui, name, set);
                        if ui
                            .small_button("Drill in")
                            .on_hover_text("Make this slice (within the cohort) the cohort")
                            .clicked()
                        {
                            drill = Some(pairs.clone());
                        }
                        ui.end_row();
                    }
                }
            });
        if let Some(pairs) = drill {
            let cohort = Cohort::slice_of(&self.cohort.filter, &pairs);
            self.draft = cohort.filter.clone();
            self.set_cohort(cohort);
        }
    }

    fn rows_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.strong("Rows of the cohort");
            let offset = self.want_page.as_ref().map(|p| p.offset);
            match offset {
                None => {
                    if ui
                        .button("Show rows")
                        .on_hover_text(format!("Fetch the first {PAGE} rows (LIMIT {PAGE})"))
                        .clicked()
                    {
                        self.want_page = Some(PageKey {
                            cohort: self.cohort.filter.clone(),
                            offset: 0,
                        });
                    }
                }
                Some(o) => {
                    if ui
                        .add_enabled(o > 0, egui::Button::new("Previous page"))
                        .clicked()
                    {
                        self.want_page = Some(PageKey {
                            cohort: self.cohort.filter.clone(),
                            offset: o.saturating_sub(PAGE),
                        });
                    }
                    let full = self
                        .page
                        .as_ref()
                        .is_some_and(|(_, p)| p.rows.len() == PAGE);
                    if ui
                        .add_enabled(full, egui::Button::new("Next page"))
                        .clicked()
                    {
                        self.want_page = Some(PageKey {
                            cohort: self.cohort.filter.clone(),
                            offset: o + PAGE,
                        });
                    }
                    if ui.button("Hide rows").clicked() {
                        self.want_page = None;
                        self.page = None;
                    }
                    if self.running_page.is_some() {
                        crate::app::busy::spinner_ui(ui);
                    }
                    if let Some((_, p)) = &self.page {
                        ui.label(format!("rows {}-{}", p.offset + 1, p.offset + p.rows.len()));
                    }
                }
            }
        });
        let Some((_, page)) = &self.page else {
            return;
        };
        if self.want_page.is_none() {
            return;
        }
        egui::ScrollArea::both()
            .id_salt("spark-rows")
            .show(ui, |ui| {
                egui::Grid::new("spark-rows-grid")
                    .striped(true)
                    .spacing([12.0, 2.0])
                    .show(ui, |ui| {
                        for c in &page.columns {
                            ui.strong(c);
                        }
                        ui.end_row();
                        for r in &page.rows {
                            for cell in r {
                                ui.label(cell.as_deref().unwrap_or(crate::load::encode::MISSING));
                            }
                            ui.end_row();
                        }
                    });
            });
    }
}

/// Runs `work` on this thread while a watcher interrupts the Spark operations as
/// soon as the job is cancelled; a cancelled job reports `Cancelled`.
pub fn interruptible<T>(
    table: &RemoteTable,
    control: &Control,
    work: impl FnOnce() -> crate::Result<T>,
) -> crate::Result<T> {
    let finished = Arc::new(AtomicBool::new(false));
    let watcher = {
        let finished = finished.clone();
        let control = control.clone();
        let interrupter = table.interrupter();
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                if control.is_cancelled() {
                    interrupter.interrupt();
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let out = work();
    finished.store(true, Ordering::Relaxed);
    watcher.join().ok();
    if control.is_cancelled() {
        return Err(crate::Error::Cancelled);
    }
    out
}
