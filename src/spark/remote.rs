//! A Spark source kept open for the window: one connection and one profile, then a
//! query per cohort or slice change, each narrowing the source by the cohort's
//! predicate on the cluster, and pages of the cohort's rows fetched with `LIMIT`.
//! Cancel interrupts the running queries by their tag.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::client::{Client, text_of};
use super::profile::{Profile, SliceValues, profile};
use super::source::SparkSource;
use crate::cohort::FilterGroup;
use crate::error::{Error, Result};
use crate::grouping::Grouping;
use crate::load::roles::Mapping;
use crate::load::table::EvalTable;
use crate::metrics::Evaluation;
use crate::stats::Bootstrap;

/// An open Spark source.
pub struct RemoteTable {
    client: Arc<Client>,
    profile: Profile,
    bins: usize,
    /// Numeric slice columns already cut (their bins are the whole table's).
    slicing: Mutex<HashMap<String, SliceValues>>,
}

/// A cohort's metrics, overall and per slice of the chosen columns.
pub struct RemoteMetrics {
    /// The profile's table with the slice columns' levels (what reports read).
    pub table: EvalTable,
    pub grouping: Grouping,
    pub eval: Evaluation,
    /// Labelled rows in the cohort.
    pub rows: u64,
    /// How many queries the change sent, and the bytes that came back.
    pub queries: usize,
    pub received_bytes: u64,
}

/// One page of a cohort's rows, as text.
pub struct RowPage {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    /// The first row's position in the cohort (0-based).
    pub offset: usize,
}

/// Stops the running queries of a [`RemoteTable`] from another thread.
#[derive(Clone)]
pub struct Interrupter(Arc<Client>);

impl Interrupter {
    pub fn interrupt(&self) {
        self.0.interrupt();
    }
}

impl RemoteTable {
    /// Connects and reads the source's roles (every column without a role is a
    /// slice column, as for a file).
    pub fn open(
        source: &SparkSource,
        mapping: &Mapping,
        bins: usize,
        verbose: bool,
    ) -> Result<RemoteTable> {
        let client = Client::connect(source, verbose)?;
        let profile = profile(&client, mapping, None, bins)?;
        Ok(RemoteTable {
            client: Arc::new(client),
            profile,
            bins,
            slicing: Mutex::new(HashMap::new()),
        })
    }

    /// The roles, task, classes and models (no rows).
    pub fn table(&self) -> &EvalTable {
        &self.profile.table
    }

    pub fn source(&self) -> &SparkSource {
        self.client.source()
    }

    /// Columns a cohort or a slice can name: every column of the source.
    pub fn columns(&self) -> Vec<String> {
        self.profile
            .columns
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Columns the slice tables offer: the decoded features Spark can group by.
    pub fn slice_columns(&self) -> Vec<String> {
        self.profile
            .table
            .features
            .iter()
            .filter(|f| {
                self.profile
                    .dtype(&f.name)
                    .is_some_and(super::sql::sliceable)
            })
            .map(|f| f.name.clone())
            .collect()
    }

    pub fn interrupter(&self) -> Interrupter {
        Interrupter(self.client.clone())
    }

    /// The profile with the slice columns of `by` cut (each column once per session).
    fn cut(&self, by: &[String]) -> Result<Profile> {
        let mut p = self.profile.clone();
        let mut cut = self
            .slicing
            .lock()
            .map_err(|_| self.client.error("a previous query panicked".into()))?;
        p.slicing = cut.clone();
        super::slicing::prepare(&self.client, &mut p, by, self.bins)?;
        cut.extend(p.slicing.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(p)
    }

    /// The cohort's SQL predicate (`TRUE` for every row).
    fn predicate(&self, cohort: &FilterGroup, p: &Profile) -> Result<String> {
        super::filter::predicate(cohort, p).map_err(|e| self.client.error(format!("cohort: {e}")))
    }

    /// Every model's metrics on the cohort, overall and per slice of `by`
    /// (calibration, fairness and cost are left to the command line).
    pub fn metrics(
        &self,
        cohort: &FilterGroup,
        by: &[String],
        boot: Bootstrap,
    ) -> Result<RemoteMetrics> {
        super::engine::check_slice_columns(&self.client, &self.profile, by, "slice by")?;
        let before = self.client.received_bytes();
        let mut p = self.cut(by)?;
        let predicate = self.predicate(cohort, &p)?;
        if predicate != "TRUE" {
            p.labelled = format!("({}) AND ({predicate})", p.labelled);
        }
        let mut queries = 0;
        let (_, grouping, per_model) =
            super::engine::evaluate(&self.client, &mut p, by, boot, false, &mut queries)?;
        let eval = Evaluation::from_models(per_model, grouping.len());
        let rows = eval.overall.first().map_or(0, |s| s.n);
        Ok(RemoteMetrics {
            table: p.table,
            grouping,
            eval,
            rows,
            queries,
            received_bytes: self.client.received_bytes() - before,
        })
    }

    /// Rows `offset..offset + limit` of the cohort (labelled or not), in the order
    /// Spark reads them; never more than `limit` rows cross the network.
    pub fn rows(&self, cohort: &FilterGroup, offset: usize, limit: usize) -> Result<RowPage> {
        let predicate = self.predicate(cohort, &self.cut(&[])?)?;
        let columns: Vec<&(String, _)> = self
            .profile
            .columns
            .iter()
            .filter(|(_, t)| super::sql::sliceable(t))
            .collect();
        if columns.is_empty() {
            return Err(Error::Usage("the source has no column to show".into()));
        }
        let list: Vec<String> = columns
            .iter()
            .map(|(n, _)| super::source::quote(n))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {predicate} LIMIT {limit} OFFSET {offset}",
            list.join(", "),
            self.profile.relation
        );
        let rows = self.client.rows(&sql)?;
        Ok(RowPage {
            columns: columns.iter().map(|(n, _)| n.clone()).collect(),
            rows: rows
                .iter()
                .map(|r| (0..columns.len()).map(|i| text_of(r.get(i))).collect())
                .collect(),
            offset,
        })
    }
}
