//! Metrics of a Spark source: the queries of [`super::sql`] run on the cluster,
//! and their per-slot aggregates go through the same `metrics_from` functions as
//! the in-memory pass. The result is an [`EvalTable`] with metadata only (no rows),
//! a [`Grouping`] of the slices Spark found and an [`Evaluation`]: what the
//! reports take from a file, so `metrics` prints the same documents.

use std::collections::HashMap;

use spark_connect::row::Row;

use super::client::{Client, f64_of, text_of, u64_of, u128_of};
use super::profile::{Profile, profile};
use super::source::SparkSource;
use super::sql;
use crate::error::{Error, Result};
use crate::grouping::Grouping;
use crate::load::encode::{Encoded, NULL_CODE};
use crate::load::roles::{Mapping, Task};
use crate::load::table::{EvalTable, MetricParams};
use crate::metrics::binary::{self, Counts, Rank};
use crate::metrics::calibration::{self, Calibration, Cell, KeyedCell};
use crate::metrics::multiclass::{self, Confusion};
use crate::metrics::regression::{self, Sums};
use crate::metrics::{Evaluation, MetricSet, cost, stream_id};
use crate::stats::Bootstrap;

/// What a `metrics` run on Spark needs besides the source.
pub struct MetricsRequest<'a> {
    pub mapping: &'a Mapping,
    pub by: &'a [String],
    pub bins: usize,
    pub params: MetricParams,
    pub boot: Bootstrap,
    pub verbose: bool,
}

/// A finished run: the reports' inputs, and what crossed the network.
pub struct SparkMetrics {
    pub table: EvalTable,
    pub grouping: Grouping,
    pub eval: Evaluation,
    /// Bytes of result values received from Spark (independent of the rows).
    pub received_bytes: u64,
    pub queries: usize,
}

/// Every model's metrics on a Spark source, overall and per slice of `by`.
pub fn metrics(source: &SparkSource, req: MetricsRequest) -> Result<SparkMetrics> {
    let (client, mut profile) = open(source, req.mapping, req.by, req.bins, req.verbose)?;
    if req.params.cost.is_some() {
        return Err(client.error(
            "--cost-fp/--cost-fn (the cost curve) is not computed on Spark sources yet".into(),
        ));
    }
    let mut params = req.params;
    // Sensitive columns are checked against the whole table below, not the sample.
    let sensitive = std::mem::take(&mut params.sensitive);
    profile.table.params = params;
    crate::metrics::check_params(&profile.table)?;
    if !sensitive.is_empty() && profile.table.task != Task::Binary {
        return Err(Error::Usage(format!(
            "--sensitive is for binary tasks; {} is {}",
            profile.table.dataset.path.display(),
            profile.table.task.as_str()
        )));
    }
    let mut queries = 0;
    let (_, grouping, mut per_model) =
        evaluate(&client, &mut profile, req.by, req.boot, true, &mut queries)?;
    if !sensitive.is_empty() {
        let fair = fairness(&client, &profile, &sensitive, req.boot)?;
        queries += sensitive.len();
        for (sets, fair) in per_model.iter_mut().zip(fair) {
            if let Some(overall) = sets.last_mut() {
                overall.fairness = fair;
            }
        }
        profile.table.params.sensitive = sensitive;
    }
    let eval = Evaluation::from_models(per_model, grouping.len());
    Ok(SparkMetrics {
        received_bytes: client.received_bytes(),
        table: profile.table,
        grouping,
        eval,
        queries,
    })
}

/// Per model, its fairness across each sensitive column: the confusion cells of
/// each of the column's values (one counts query per column, values as they are,
/// as in memory) through `metrics::fairness::from_cells`, with the in-memory
/// run's bootstrap stream.
fn fairness(
    client: &Client,
    profile: &Profile,
    sensitive: &[String],
    boot: Bootstrap,
) -> Result<Vec<Vec<crate::metrics::fairness::Fairness>>> {
    use crate::metrics::fairness::{from_cells, stream_of};
    let mut p = profile.clone();
    let models = profile.table.models.len();
    let mut out = vec![Vec::new(); models];
    for col in sensitive {
        let name = p
            .columns
            .iter()
            .map(|(n, _)| n)
            .find(|n| *n == col)
            .or_else(|| {
                p.columns
                    .iter()
                    .map(|(n, _)| n)
                    .find(|n| n.eq_ignore_ascii_case(col))
            })
            .cloned()
            .unwrap_or_else(|| col.clone());
        let by = [name.clone()];
        check_slice_columns(client, &p, &by, "--sensitive")?;
        // By value, as `--sensitive` columns are read from a file.
        p.slicing.remove(&name);
        super::slicing::prepare(client, &mut p, &by, 1000)?;
        let rows = client.answer(&sql::binary_counts(&p, &by))?;
        let order = p.level_order(&name).map(<[String]>::to_vec);
        let slots = Slots::new(&rows, 1, &[order.as_deref()]);
        let names: Vec<String> = slots
            .keys
            .iter()
            .map(|k| match k.first() {
                Some(&c) if c != NULL_CODE => slots.levels[0][c as usize].clone(),
                _ => crate::load::encode::MISSING.to_string(),
            })
            .collect();
        for (m, fair) in out.iter_mut().enumerate() {
            let counts = binary_counts(client, &p, &slots, &rows, m)?;
            let cells: Vec<[u64; 4]> = counts[..slots.n_groups()]
                .iter()
                .map(|c| [c.tp, c.fp, c.tn, c.fn_])
                .collect();
            if cells.iter().filter(|c| c.iter().sum::<u64>() > 0).count() < 2 {
                return Err(Error::BadColumn {
                    path: profile.table.dataset.path.clone(),
                    column: name.clone(),
                    detail: "the sensitive column has one group; fairness compares at least two"
                        .into(),
                });
            }
            fair.push(from_cells(&name, &names, &cells, boot, stream_of(m, &name)));
        }
    }
    Ok(out)
}

/// Connects, reads the source's roles and checks the slice columns.
fn open(
    source: &SparkSource,
    mapping: &Mapping,
    by: &[String],
    bins: usize,
    verbose: bool,
) -> Result<(Client, Profile)> {
    let client = Client::connect(source, verbose)?;
    let profile = profile(&client, mapping, Some(by), bins)?;
    check_slice_columns(&client, &profile, by, "--by")?;
    let mut profile = profile;
    super::slicing::prepare(&client, &mut profile, by, bins)?;
    Ok((client, profile))
}

/// Per model, every slot's metric set; the slots and the grouping they make.
pub(super) fn evaluate(
    client: &Client,
    profile: &mut Profile,
    by: &[String],
    boot: Bootstrap,
    with_calibration: bool,
    queries: &mut usize,
) -> Result<(Slots, Grouping, Vec<Vec<MetricSet>>)> {
    let counter = std::cell::Cell::new(*queries);
    let run = |q: String| -> Result<Vec<Row>> {
        counter.set(counter.get() + 1);
        client.rows(&q)
    };
    let answer = |q: String| -> Result<Vec<Row>> {
        counter.set(counter.get() + 1);
        client.answer(&q)
    };
    let nf = by.len();
    let order_of: Vec<Option<Vec<String>>> = by
        .iter()
        .map(|f| profile.level_order(f).map(<[String]>::to_vec))
        .collect();
    let orders: Vec<Option<&[String]>> = order_of.iter().map(Option::as_deref).collect();
    let out = match profile.table.task {
        Task::Binary => {
            // The counts and every scored model's rank sums: one query.
            let fused = answer(sql::binary_counts_and_ranks(profile, by))?;
            let part = |i: usize| part_rows(&fused, nf, i);
            let counts_rows = part(0);
            let slots = Slots::new(&counts_rows, nf, &orders);
            let mut per_model = Vec::new();
            let mut scored_part = 0;
            for m in 0..profile.table.models.len() {
                let counts = binary_counts(client, profile, &slots, &counts_rows, m)?;
                let ranks = if profile.table.models[m].columns.score.is_some() {
                    scored_part += 1;
                    Some(binary_ranks(&slots, &part(scored_part), m))
                } else {
                    None
                };
                let n_groups = slots.n_groups();
                let mut sets: Vec<MetricSet> = counts
                    .iter()
                    .enumerate()
                    .map(|(slot, c)| {
                        let rank = ranks.as_ref().map(|r| &r[slot]);
                        binary::metrics_from(c, rank, m, slot, n_groups, boot)
                    })
                    .collect();
                if let Some(costs) = profile.table.params.cost {
                    for set in &mut sets {
                        let value = set.cells.and_then(|c| cost::expected_cost(c, costs));
                        set.push("expected_cost", value, None);
                    }
                }
                if with_calibration && profile.table.models[m].columns.score.is_some() {
                    let bins = profile.table.params.bins();
                    let scored = counts.iter().any(|c| c.scored > 0);
                    let q = sql::calibration_cells(profile, by, m, bins);
                    let rows = if scored { answer(q)? } else { run(q)? };
                    let cals = calibrations(&slots, &rows, m, bins, boot);
                    for (set, cal) in sets.iter_mut().zip(&cals) {
                        calibration::push(set, cal);
                    }
                }
                per_model.push(sets);
            }
            {
                let g = slots.grouping(profile, by, &counts_rows);
                (slots, g, per_model)
            }
        }
        Task::Multiclass => {
            for model in &profile.table.models {
                if model.columns.pred.is_none() {
                    return Err(client.error(format!(
                        "model {:?} has only probability columns; on Spark a multiclass model needs a prediction column",
                        model.name
                    )));
                }
            }
            // Every model's cells: one query.
            let fused = answer(sql::confusions(profile, by))?;
            let all: Vec<Vec<Row>> = (0..profile.table.models.len())
                .map(|m| part_rows(&fused, nf, m))
                .collect();
            // Every slot has rows in every model's cells: the first model's rows
            // name the slots.
            let first = all.first().cloned().unwrap_or_default();
            let slots = Slots::new(&first, nf, &orders);
            let k = profile.table.classes.len();
            let mut per_model = Vec::new();
            for (m, rows) in all.iter().enumerate() {
                let mut cells: Vec<Vec<(u32, u32, u64)>> = vec![Vec::new(); slots.len()];
                for r in rows {
                    let Some(slot) = slots.slot_of(r) else {
                        continue;
                    };
                    let y = r.get_by_name(&format!("y_m{m}")).and_then(|v| v.as_i64());
                    let p = r.get_by_name(&format!("p_m{m}")).and_then(|v| v.as_i64());
                    let n = u64_of(r.get_by_name(&format!("n_m{m}")));
                    if y == Some(-1) || p == Some(-1) {
                        return Err(unknown_class(client, profile, m));
                    }
                    let y = y.unwrap_or(0) as u32;
                    let p = p.map_or(k as u32, |p| p as u32);
                    cells[slot].push((y, p, n));
                }
                slots.spread(&mut cells);
                let sets = cells
                    .into_iter()
                    .enumerate()
                    .map(|(slot, mut c)| {
                        c.sort_unstable();
                        let conf = Confusion { k, cells: c };
                        multiclass::metrics_from(&conf, m, slot, slots.n_groups(), boot)
                    })
                    .collect();
                per_model.push(sets);
            }
            {
                let g = slots.grouping(profile, by, &first);
                (slots, g, per_model)
            }
        }
        Task::Regression => {
            let rows = answer(sql::regression_sums(profile, by))?;
            let slots = Slots::new(&rows, nf, &orders);
            let mut per_model = Vec::new();
            for m in 0..profile.table.models.len() {
                let mut sums = vec![Sums::default(); slots.len()];
                for r in &rows {
                    let Some(slot) = slots.slot_of(r) else {
                        continue;
                    };
                    let col = |name: &str| r.get_by_name(&format!("{name}{m}"));
                    let total = u64_of(r.get_by_name("rows"));
                    let n = u64_of(col("n"));
                    let centred = |name: &str| f64_of(col(name)) * n.saturating_sub(1) as f64;
                    sums[slot] = Sums {
                        n,
                        nulls: total - n,
                        err: f64_of(col("err")),
                        abs: f64_of(col("abs")),
                        sq: f64_of(col("sq")),
                        y: f64_of(col("ysum")),
                        abs_c: centred("abs_v"),
                        err_c: centred("err_v"),
                        sq_c: centred("sq_v"),
                        y_c: centred("y_v"),
                    };
                }
                slots.spread(&mut sums);
                per_model.push(
                    sums.iter()
                        .map(|s| regression::metrics_from(s, None))
                        .collect(),
                );
            }
            {
                let g = slots.grouping(profile, by, &rows);
                (slots, g, per_model)
            }
        }
        other => {
            return Err(Error::Usage(format!(
                "a {} evaluation cannot be read from Spark yet",
                other.as_str()
            )));
        }
    };
    *queries = counter.get();
    Ok(out)
}

/// Every slice column exists and can be sliced on Spark.
pub(super) fn check_slice_columns(
    client: &Client,
    profile: &Profile,
    columns: &[String],
    flag: &str,
) -> Result<()> {
    for f in columns {
        match profile.dtype(f) {
            None => {
                return Err(Error::MissingColumn {
                    path: client.source().display().into(),
                    column: f.clone(),
                    hint: format!("columns: {}", column_list(profile)),
                });
            }
            Some(t) if !sql::sliceable(t) => {
                return Err(client.error(format!(
                    "{flag} {f}: a {t:?} column cannot be sliced on Spark yet (text, boolean and number columns can)"
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn column_list(profile: &Profile) -> String {
    profile
        .columns
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_class(client: &Client, profile: &Profile, m: usize) -> Error {
    let model = &profile.table.models[m];
    client.error(format!(
        "model {:?}: column {:?} holds values that are none of the label's classes ({})",
        model.name,
        model.columns.pred.clone().unwrap_or_default(),
        profile.table.classes.join(", ")
    ))
}

fn binary_counts(
    client: &Client,
    profile: &Profile,
    slots: &Slots,
    rows: &[Row],
    m: usize,
) -> Result<Vec<Counts>> {
    let mut counts = vec![Counts::default(); slots.len()];
    let has_score = profile.table.models[m].columns.score.is_some();
    for r in rows {
        let Some(slot) = slots.slot_of(r) else {
            continue;
        };
        let get = |name: &str| u64_of(r.get_by_name(&format!("{name}{m}")));
        let sum = |name: &str| f64_of(r.get_by_name(&format!("{name}{m}")));
        if get("unknown") > 0 {
            return Err(unknown_class(client, profile, m));
        }
        let c = &mut counts[slot];
        c.tp = get("tp");
        c.fp = get("fp");
        c.tn = get("tn");
        c.fn_ = get("fn");
        c.nulls = get("nulls");
        if has_score {
            if get("out_of_range") > 0 {
                return Err(client.error(format!(
                    "column {:?}: {} probabilities are outside [0, 1]",
                    profile.table.models[m]
                        .columns
                        .score
                        .clone()
                        .unwrap_or_default(),
                    get("out_of_range")
                )));
            }
            c.scored = get("scored");
            c.scored_pos = get("scored_pos");
            c.ll_sum = sum("ll");
            c.ll_sq = sum("ll_sq");
            c.br_sum = sum("br");
            c.br_sq = sum("br_sq");
        }
    }
    slots.spread(&mut counts);
    Ok(counts)
}

/// The rows of part `i` of a fused query (`sql::fuse`: its `part` column follows
/// the slice columns and `gid`).
fn part_rows(fused: &[Row], n_features: usize, i: usize) -> Vec<Row> {
    fused
        .iter()
        .filter(|r| r.get(n_features + 1).and_then(|v| v.as_i64()) == Some(i as i64))
        .cloned()
        .collect()
}

/// Model `m`'s rank sums per slot, from its part of the fused query.
fn binary_ranks(slots: &Slots, rows: &[Row], m: usize) -> Vec<Rank> {
    let mut ranks = vec![Rank::default(); slots.len()];
    for r in rows {
        let Some(slot) = slots.slot_of(r) else {
            continue;
        };
        let get = |name: &str| r.get_by_name(&format!("{name}_m{m}"));
        let k = &mut ranks[slot];
        k.auc2 = u128_of(get("auc2"));
        k.ap_sum = f64_of(get("ap_sum"));
        k.v10_sq = f64_of(get("v10_sq"));
        k.v01_sq = f64_of(get("v01_sq"));
    }
    slots.spread(&mut ranks);
    ranks
}

/// The slices Spark returned, in the in-memory engine's order: each feature's
/// values sorted (text by bytes, `false` before `true`), missing last; the
/// overall slot after them.
pub(super) struct Slots {
    n_features: usize,
    levels: Vec<Vec<String>>,
    keys: Vec<Vec<u32>>,
    index: HashMap<Vec<u32>, usize>,
}

impl Slots {
    fn new(rows: &[Row], n_features: usize, orders: &[Option<&[String]>]) -> Slots {
        let mut levels: Vec<Vec<String>> = vec![Vec::new(); n_features];
        let detail: Vec<Vec<Option<String>>> = rows
            .iter()
            .filter(|r| u64_of(r.get(n_features)) == 0 && n_features > 0)
            .map(|r| (0..n_features).map(|i| text_of(r.get(i))).collect())
            .collect();
        for values in &detail {
            for (i, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    levels[i].push(v.clone());
                }
            }
        }
        for (l, order) in levels.iter_mut().zip(orders) {
            order_levels(l, *order);
        }
        let code = |i: usize, v: &Option<String>| -> u32 {
            v.as_ref()
                .and_then(|v| position(&levels[i], v))
                .map_or(NULL_CODE, |c| c as u32)
        };
        let mut keys: Vec<Vec<u32>> = detail
            .iter()
            .map(|values| values.iter().enumerate().map(|(i, v)| code(i, v)).collect())
            .collect();
        keys.sort();
        keys.dedup();
        if n_features == 0 {
            keys.clear();
        }
        let index = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        Slots {
            n_features,
            levels,
            keys,
            index,
        }
    }

    /// Groups, then the overall slot (with no `--by`, one group of every row).
    fn n_groups(&self) -> usize {
        self.keys.len().max(1)
    }

    fn len(&self) -> usize {
        self.n_groups() + 1
    }

    /// The slot of one result row (its grouping id tells the overall row).
    fn slot_of(&self, row: &Row) -> Option<usize> {
        let nf = self.n_features;
        if nf == 0 {
            // The one grouping set is `()`: the whole table, slot 0; `spread`
            // copies it to the overall slot.
            return Some(0);
        }
        if u64_of(row.get(nf)) != 0 {
            return Some(self.n_groups());
        }
        let key: Vec<u32> = (0..nf)
            .map(|i| {
                text_of(row.get(i))
                    .and_then(|v| position(&self.levels[i], &v))
                    .map_or(NULL_CODE, |c| c as u32)
            })
            .collect();
        self.index.get(&key).copied()
    }

    /// With no `--by` the one result row is both the single group and the overall
    /// slot (as in memory, each keeps its own bootstrap stream).
    fn spread<T: Clone>(&self, per_slot: &mut [T]) {
        if self.n_features == 0 && per_slot.len() == 2 {
            per_slot[1] = per_slot[0].clone();
        }
    }

    /// The grouping the reports read, with the profile's features given the
    /// levels Spark found; group sizes from the first query's row counts.
    fn grouping(&self, profile: &mut Profile, by: &[String], rows: &[Row]) -> Grouping {
        let table = &mut profile.table;
        let mut features = Vec::new();
        for (i, name) in by.iter().enumerate() {
            let Ok(f) = table.feature_index(name) else {
                continue;
            };
            let mut feats = (*table.features).clone();
            feats[f].codes = Encoded {
                codes: Default::default(),
                levels: self.levels[i].clone(),
            };
            table.features = std::sync::Arc::new(feats);
            features.push(f);
        }
        let mut sizes = vec![0u64; self.n_groups()];
        let total: u64 = rows
            .iter()
            .filter(|r| self.n_features == 0 || u64_of(r.get(self.n_features)) != 0)
            .map(count_of)
            .sum();
        if self.n_features == 0 {
            sizes[0] = total;
        } else {
            for r in rows {
                if let Some(slot) = self.slot_of(r)
                    && slot < self.keys.len()
                {
                    sizes[slot] += count_of(r);
                }
            }
        }
        Grouping {
            features,
            ids: Default::default(),
            keys: if self.n_features == 0 {
                vec![Vec::new()]
            } else {
                self.keys.clone()
            },
            sizes,
            members: None,
        }
    }
}

/// The rows a result row counts: `rows` (counts, sums) or `n` (confusion cells).
fn count_of(r: &Row) -> u64 {
    // Counts rows say `rows`; the first model's part of the fused multiclass cells `n_m0`.
    u64_of(
        r.get_by_name("rows")
            .or_else(|| r.get_by_name("n"))
            .or_else(|| r.get_by_name("n_m0")),
    )
}

/// What a `compare` run on Spark needs besides the source.
pub struct CompareRequest<'a> {
    pub mapping: &'a Mapping,
    pub by: &'a [String],
    pub bins: usize,
    pub baseline: &'a str,
    pub candidate: &'a str,
    pub boot: Bootstrap,
    pub verbose: bool,
}

/// A finished paired comparison on Spark: the reports' inputs.
pub struct SparkComparison {
    pub table: EvalTable,
    pub grouping: Grouping,
    pub baseline: usize,
    pub candidate: usize,
    /// Per slot (groups, then overall).
    pub comparisons: Vec<crate::compare::Comparison>,
    pub received_bytes: u64,
    pub queries: usize,
}

/// A candidate against a baseline on a Spark source: both models' metrics, then
/// the joint cells, paired sums and DeLong placement sums per slot, all from
/// aggregates, through the same `compare::comparisons_from` as in memory.
pub fn compare(source: &SparkSource, req: CompareRequest) -> Result<SparkComparison> {
    use crate::compare::{DelongSums, Flips, PairedAggregates, PairedSums, comparisons_from};
    let (client, mut profile) = open(source, req.mapping, req.by, req.bins, req.verbose)?;
    let baseline = profile.table.model_index(req.baseline)?;
    let candidate = profile.table.model_index(req.candidate)?;
    if baseline == candidate {
        return Err(Error::Usage(
            "--baseline and --candidate must name two different models".into(),
        ));
    }
    let mut queries = 0;
    let (slots, grouping, mut per_model) =
        evaluate(&client, &mut profile, req.by, req.boot, false, &mut queries)?;
    let nf = req.by.len();
    let (b, c) = (baseline, candidate);
    if profile.table.task != Task::Binary {
        let aggregates = match profile.table.task {
            Task::Multiclass => {
                multiclass_pairs(&client, &profile, req.by, &slots, &mut per_model, b, c)?
            }
            _ => regression_pairs(&client, &profile, req.by, &slots, &mut per_model, b, c)?,
        };
        queries += 1;
        // RMSE's and R²'s delta intervals are row bootstraps in memory: none here.
        let comparisons = comparisons_from(&aggregates, b, c, req.boot, |_, _| None);
        return Ok(SparkComparison {
            received_bytes: client.received_bytes(),
            table: profile.table,
            grouping,
            baseline,
            candidate,
            comparisons,
            queries,
        });
    }
    let has_scores = profile.table.models[b].columns.score.is_some()
        && profile.table.models[c].columns.score.is_some();
    queries += 1;
    let cells_rows = client.answer(&sql::joint_cells(&profile, req.by, b, c))?;
    let mut joint = vec![[0u64; 8]; slots.len()];
    for r in &cells_rows {
        let Some(slot) = slots.slot_of(r) else {
            continue;
        };
        let bit = |i: usize| r.get(nf + i).and_then(|v| v.as_i64()).unwrap_or(0) as usize;
        let (y, pb, pc) = (bit(1), bit(2), bit(3));
        joint[slot][(y * 4 + pb * 2 + pc) & 7] += u64_of(r.get_by_name("n"));
    }
    slots.spread(&mut joint);
    let flips: Vec<Flips> = joint
        .iter()
        .map(|cells| {
            let mut f = Flips::default();
            for (i, &n) in cells.iter().enumerate() {
                let (y, pb, pc) = (i >> 2, (i >> 1) & 1, i & 1);
                f.add(pb == y, pc == y, n);
            }
            f
        })
        .collect();
    let mut sums: Vec<Vec<(&'static str, u64, f64, f64)>> = vec![Vec::new(); slots.len()];
    let mut auc = None;
    if has_scores {
        queries += 2;
        for r in &client.answer(&sql::paired_sums(&profile, req.by, b, c))? {
            let Some(slot) = slots.slot_of(r) else {
                continue;
            };
            let n = u64_of(r.get_by_name("n"));
            let f = |name: &str| f64_of(r.get_by_name(name));
            if n > 0 {
                sums[slot] = vec![
                    ("log_loss", n, f("dll"), f("dll_sq")),
                    ("brier", n, f("dbr"), f("dbr_sq")),
                ];
            }
        }
        slots.spread(&mut sums);
        let mut delong = vec![DelongSums::default(); slots.len()];
        for r in &client.rows(&sql::delong_sums(&profile, req.by, b, c))? {
            let Some(slot) = slots.slot_of(r) else {
                continue;
            };
            let k = usize::from(r.get_by_name("y").and_then(|v| v.as_i64()) != Some(1));
            let f = |name: &str| f64_of(r.get_by_name(name));
            let e = &mut delong[slot];
            e.n[k] = u64_of(r.get_by_name("n")) as f64;
            e.x[k] = f("x");
            e.y[k] = f("v");
            e.xx[k] = f("xx");
            e.yy[k] = f("vv");
            e.xy[k] = f("xv");
        }
        slots.spread(&mut delong);
        auc = Some(delong.iter().map(DelongSums::interval).collect());
    }
    let sets_c = std::mem::take(&mut per_model[c]);
    let sets_b = std::mem::take(&mut per_model[b]);
    let aggregates = PairedAggregates {
        task: Task::Binary,
        has_scores,
        sets_b,
        sets_c,
        flips,
        paired: PairedSums { sums },
        auc,
        joint: Some(joint),
        class_joint: None,
    };
    // Every binary delta has an aggregate interval (average precision has none).
    let comparisons = comparisons_from(&aggregates, b, c, req.boot, |_, _| None);
    Ok(SparkComparison {
        received_bytes: client.received_bytes(),
        table: profile.table,
        grouping,
        baseline,
        candidate,
        comparisons,
        queries,
    })
}

/// Paired aggregates of two multiclass models: the joint cells `(y, pb, pc)` per
/// slot give the flips, the accuracy cells and the F1 bootstrap.
fn multiclass_pairs(
    client: &Client,
    profile: &Profile,
    by: &[String],
    slots: &Slots,
    per_model: &mut [Vec<MetricSet>],
    b: usize,
    c: usize,
) -> Result<crate::compare::PairedAggregates> {
    use crate::compare::{Flips, PairedAggregates, PairedSums};
    let nf = by.len();
    let k = profile.table.classes.len() as u32;
    let rows = client.answer(&sql::class_joint(profile, by, b, c))?;
    let mut cells: Vec<Vec<(u32, u32, u32, u64)>> = vec![Vec::new(); slots.len()];
    for r in &rows {
        let Some(slot) = slots.slot_of(r) else {
            continue;
        };
        let code = |i: usize| -> u32 {
            r.get(nf + i)
                .and_then(|v| v.as_i64())
                .map_or(k, |x| x.max(0) as u32)
        };
        cells[slot].push((code(1), code(2), code(3), u64_of(r.get_by_name("n"))));
    }
    slots.spread(&mut cells);
    for v in &mut cells {
        v.sort_unstable();
    }
    let mut flips = vec![Flips::default(); slots.len()];
    let mut joint = vec![[0u64; 8]; slots.len()];
    for (s, v) in cells.iter().enumerate() {
        for &(y, pb, pc, n) in v {
            let (okb, okc) = (pb == y, pc == y);
            joint[s][usize::from(okb) * 2 + usize::from(okc)] += n;
            flips[s].add(okb, okc, n);
        }
    }
    Ok(PairedAggregates {
        task: Task::Multiclass,
        has_scores: false,
        sets_b: std::mem::take(&mut per_model[b]),
        sets_c: std::mem::take(&mut per_model[c]),
        flips,
        paired: PairedSums {
            sums: vec![Vec::new(); slots.len()],
        },
        auc: None,
        joint: Some(joint),
        class_joint: Some((k as usize, cells)),
    })
}

/// Paired aggregates of two regression models: rows by which model had the
/// smaller absolute error, and the sums of the paired differences of absolute
/// and signed errors for the t intervals.
fn regression_pairs(
    client: &Client,
    profile: &Profile,
    by: &[String],
    slots: &Slots,
    per_model: &mut [Vec<MetricSet>],
    b: usize,
    c: usize,
) -> Result<crate::compare::PairedAggregates> {
    use crate::compare::{Flips, PairedAggregates, PairedSums};
    let nf = by.len();
    let rows = client.answer(&sql::regression_pairs(profile, by, b, c))?;
    let mut flips = vec![Flips::default(); slots.len()];
    // Per slot: (n, mae sum, mae squares, error sum, error squares).
    let mut acc = vec![(0u64, 0f64, 0f64, 0f64, 0f64); slots.len()];
    for r in &rows {
        let Some(slot) = slots.slot_of(r) else {
            continue;
        };
        let bit = |i: usize| r.get(nf + i).and_then(|v| v.as_i64()) == Some(1);
        flips[slot].add(bit(1), bit(2), u64_of(r.get_by_name("n")));
        let a = &mut acc[slot];
        a.0 += u64_of(r.get_by_name("dn"));
        a.1 += f64_of(r.get_by_name("dm"));
        a.2 += f64_of(r.get_by_name("dm2"));
        a.3 += f64_of(r.get_by_name("de"));
        a.4 += f64_of(r.get_by_name("de2"));
    }
    slots.spread(&mut flips);
    slots.spread(&mut acc);
    let sums = acc
        .iter()
        .map(|&(n, dm, dm2, de, de2)| {
            if n == 0 {
                Vec::new()
            } else {
                vec![("mae", n, dm, dm2), ("mean_error", n, de, de2)]
            }
        })
        .collect();
    Ok(PairedAggregates {
        task: Task::Regression,
        has_scores: false,
        sets_b: std::mem::take(&mut per_model[b]),
        sets_c: std::mem::take(&mut per_model[c]),
        flips,
        paired: PairedSums { sums },
        auc: None,
        joint: None,
        class_joint: None,
    })
}

/// What a `slices` run on Spark needs besides the source.
pub struct SlicesRequest<'a> {
    pub mapping: &'a Mapping,
    /// The columns to search (empty: every text or boolean column without a role).
    pub features: &'a [String],
    pub bins: usize,
    pub model: &'a str,
    pub against: Option<&'a str>,
    pub params: crate::discovery::sliceline::Params,
    pub verbose: bool,
}

/// A finished failure-slice search on Spark: the report's inputs.
pub struct SparkSlices {
    pub table: EvalTable,
    pub model: usize,
    pub against: Option<usize>,
    /// The searched features (indices into `table.features`).
    pub features: Vec<usize>,
    pub found: crate::discovery::sliceline::Found,
    pub received_bytes: u64,
    pub queries: usize,
}

/// SliceLine on a Spark source: one query for the totals, then one for every
/// feature combination up to the maximum level (a grouping set each, slices
/// under the minimum support left on the cluster); the counts go through the
/// in-memory search's scorer, so the top slices, p- and q-values are its own.
pub fn slices(source: &SparkSource, req: SlicesRequest) -> Result<SparkSlices> {
    use crate::discovery::sliceline::{Cube, Found, Scorer, feature_combinations, usable_features};
    let client = Client::connect(source, req.verbose)?;
    let explicit = (!req.features.is_empty()).then_some(req.features);
    let mut profile = profile(&client, req.mapping, explicit, req.bins)?;
    let names: Vec<String> = match explicit {
        Some(list) => {
            check_slice_columns(&client, &profile, list, "--features")?;
            list.to_vec()
        }
        None => profile
            .table
            .features
            .iter()
            .filter(|f| f.is_sliceable() && profile.dtype(&f.name).is_some_and(sql::sliceable))
            .map(|f| f.name.clone())
            .collect(),
    };
    if names.is_empty() {
        return Err(client.error("no column to search; name them with --features".into()));
    }
    super::slicing::prepare(&client, &mut profile, &names, req.bins)?;
    let model = profile.table.model_index(req.model)?;
    let against = req
        .against
        .map(|a| profile.table.model_index(a))
        .transpose()?;
    if against == Some(model) {
        return Err(Error::Usage(
            "--against must name another model than --model".into(),
        ));
    }
    let mut queries = 1;
    let totals = client.answer(&sql::slice_totals(&profile, model, against))?;
    let t = totals.first();
    let n = u64_of(t.and_then(|r| r.get_by_name("n")));
    let total_err = f64_of(t.and_then(|r| r.get_by_name("e")));
    let total_sq = f64_of(t.and_then(|r| r.get_by_name("e2")));
    if u64_of(t.and_then(|r| r.get_by_name("unknown"))) > 0 {
        return Err(unknown_class(&client, &profile, model));
    }
    let binary = u64_of(t.and_then(|r| r.get_by_name("fractional"))) == 0;
    let params = &req.params;
    let found = Found::start(n, total_err, params);
    let min_support = found.min_support;
    let features: Vec<usize> = names
        .iter()
        .map(|f| profile.table.feature_index(f))
        .collect::<Result<_>>()?;
    if n == 0 || total_err <= 0.0 {
        return Ok(SparkSlices {
            received_bytes: client.received_bytes(),
            table: profile.table,
            model,
            against,
            features,
            found,
            queries,
        });
    }
    let level = params.max_level.max(1);
    let combos = feature_combinations(names.len(), level);
    if combos.len() > MAX_GROUPING_SETS {
        return Err(client.error(format!(
            "{} features give {} feature combinations up to level {level}; Spark takes up to {MAX_GROUPING_SETS} in one query: choose fewer features (--features) or a lower --max-level",
            names.len(),
            combos.len()
        )));
    }
    queries += 1;
    let rows = client.rows(&sql::slice_cubes(
        &profile,
        &names,
        &combos,
        model,
        against,
        min_support,
    ))?;
    // Each feature's values in the slices Spark returned, sorted as in memory.
    let nf = names.len();
    let present = |r: &Row| -> Vec<usize> {
        let gid = u64_of(r.get(nf));
        (0..nf)
            .filter(|&i| (gid >> (nf - 1 - i)) & 1 == 0)
            .collect()
    };
    let mut levels: Vec<Vec<String>> = vec![Vec::new(); nf];
    for r in &rows {
        for i in present(r) {
            if let Some(v) = text_of(r.get(i)) {
                levels[i].push(v);
            }
        }
    }
    for (l, name) in levels.iter_mut().zip(&names) {
        order_levels(l, profile.level_order(name));
    }
    let mut feats = (*profile.table.features).clone();
    for (i, &f) in features.iter().enumerate() {
        feats[f].codes = Encoded {
            codes: Default::default(),
            levels: levels[i].clone(),
        };
    }
    profile.table.features = std::sync::Arc::new(feats);
    // Level-1 counts decide which features take part, as in memory.
    let mut value_counts: Vec<Vec<u64>> = vec![Vec::new(); nf];
    for r in &rows {
        let p = present(r);
        if p.len() == 1 {
            value_counts[p[0]].push(u64_of(r.get_by_name("n")));
        }
    }
    let usable = usable_features(&value_counts, n, min_support, params.keep_equivalent);
    let mut cubes: HashMap<Vec<usize>, Cube> = HashMap::new();
    for r in &rows {
        let p = present(r);
        if !p.iter().all(|i| usable.contains(i)) {
            continue;
        }
        let mut key = 0u64;
        for &i in &p {
            let radix = levels[i].len() as u64 + 1;
            let digit = text_of(r.get(i))
                .and_then(|v| position(&levels[i], &v))
                .map_or(radix - 1, |c| c as u64);
            key = key * radix + digit;
        }
        let rk = r
            .get_by_name("rk")
            .and_then(|v| match v {
                spark_connect::row::Value::Decimal { value, .. } => value.parse::<i128>().ok(),
                other => other.as_i64().map(i128::from),
            })
            .unwrap_or(0)
            .rem_euclid(1i128 << 64) as u64;
        let cube = cubes.entry(p).or_default();
        cube.keys.push(key);
        cube.count.push(u64_of(r.get_by_name("n")));
        cube.err.push(f64_of(r.get_by_name("e")));
        cube.err_sq.push(f64_of(r.get_by_name("e2")));
        cube.rows_key.push(rk);
    }
    let table = &profile.table;
    let mut scorer = Scorer::new(table, found, binary, total_sq, params);
    let batch: Vec<(Vec<usize>, Cube)> = combos
        .iter()
        .filter_map(|c| {
            cubes
                .remove(c)
                .map(|cube| (c.iter().map(|&i| features[i]).collect(), cube))
        })
        .collect();
    scorer.add(&batch);
    let found = scorer.finish();
    Ok(SparkSlices {
        received_bytes: client.received_bytes(),
        table: profile.table.clone(),
        model,
        against,
        features,
        found,
        queries,
    })
}

/// Most grouping sets one SliceLine query holds.
const MAX_GROUPING_SETS: usize = 4096;

/// A slice column's values in the in-memory engine's order: the given order
/// (numeric values, bins) or text order, each value once.
fn order_levels(values: &mut Vec<String>, order: Option<&[String]>) {
    match order {
        Some(order) => {
            let seen: std::collections::HashSet<&String> = values.iter().collect();
            let ordered: Vec<String> = order.iter().filter(|o| seen.contains(o)).cloned().collect();
            *values = ordered;
        }
        None => {
            values.sort();
            values.dedup();
        }
    }
}

/// The code of a value among a column's levels.
fn position(levels: &[String], value: &str) -> Option<usize> {
    levels.iter().position(|l| l == value)
}

/// Every slot's calibration from its cells, with the in-memory engine's bootstrap
/// streams (without `--by`, the one group and the overall slot share the
/// overall's, as in memory).
fn calibrations(
    slots: &Slots,
    rows: &[Row],
    model: usize,
    bins: usize,
    boot: Bootstrap,
) -> Vec<Calibration> {
    let nf = slots.n_features;
    let mut cells: Vec<Vec<KeyedCell>> = vec![Vec::new(); slots.len()];
    let mut sizes = vec![0u64; slots.len()];
    for r in rows {
        let Some(slot) = slots.slot_of(r) else {
            continue;
        };
        let int = |i: usize| r.get(nf + i).and_then(|v| v.as_i64()).unwrap_or(0);
        let (w, m, y) = (int(1) as usize, int(2) as usize, int(3) == 1);
        sizes[slot] = u64_of(r.get_by_name("slot_n"));
        cells[slot].push((
            (w, m, y),
            Cell {
                n: u64_of(r.get_by_name("c")),
                sum: f64_of(r.get_by_name("sum")),
                sq: f64_of(r.get_by_name("sq")),
            },
        ));
    }
    let n_groups = slots.n_groups();
    (0..slots.len())
        .map(|s| {
            // Without --by, slot 0 holds every row and stands for both slots.
            let (source, stream_slot) = if nf == 0 { (0, n_groups) } else { (s, s) };
            let mut c = cells[source].clone();
            c.sort_by_key(|(k, _)| *k);
            calibration::from_cells(
                sizes[source] as usize,
                &c,
                bins,
                boot,
                stream_id(model, stream_slot, n_groups, 0xca),
            )
        })
        .collect()
}
