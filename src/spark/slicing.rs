//! Numeric slice columns on a Spark source, cut as the in-memory engine cuts them:
//! with no more distinct values than `--bins`, one slice per value; otherwise
//! quantile bins whose edges are Spark's exact `percentile` (linear
//! interpolation, as pandas' `qcut` and the in-memory binning), duplicate edges
//! dropped by the same `load::encode::bin_edges`. Each column becomes a SQL
//! expression giving the slice's text, and the order of its values.

use super::client::{Client, f64_of};
use super::profile::{Profile, SliceValues, is_numeric};
use super::source::{double_literal, quote, string_literal};
use crate::error::Result;
use crate::load::encode::{bin_edges, bin_labels, number_text};

/// Prepares every numeric column of `columns`; text and boolean columns are
/// sliced by their values as they are.
pub fn prepare(
    client: &Client,
    profile: &mut Profile,
    columns: &[String],
    bins: usize,
) -> Result<()> {
    let bins = bins.max(1);
    for name in columns {
        if !profile.dtype(name).is_some_and(is_numeric) || profile.slicing.contains_key(name) {
            continue;
        }
        let q = quote(name);
        let x = format!("CAST({q} AS DOUBLE)");
        let valid = format!(
            "{} AND {q} IS NOT NULL AND NOT isnan({x})",
            profile.labelled
        );
        let distinct = client.rows(&format!(
            "SELECT DISTINCT {x} + 0.0 AS v FROM {} WHERE {valid} LIMIT {}",
            profile.relation,
            bins + 1
        ))?;
        let mut values: Vec<f64> = distinct.iter().map(|r| f64_of(r.get(0))).collect();
        values.sort_by(f64::total_cmp);
        let (expr, order) = if values.len() <= bins {
            let order: Vec<String> = values.iter().map(|&v| number_text(v)).collect();
            let mut e = format!("CASE WHEN {q} IS NULL OR isnan({x}) THEN NULL");
            for (v, t) in values.iter().zip(&order) {
                e.push_str(&format!(
                    " WHEN {x} = {} THEN {}",
                    double_literal(*v),
                    string_literal(t)
                ));
            }
            e.push_str(" END");
            (e, order)
        } else {
            let quantiles: Vec<String> = (0..=bins)
                .map(|k| double_literal(k as f64 / bins as f64))
                .collect();
            let row = client.answer(&format!(
                "SELECT percentile({x}, array({})) FROM {} WHERE {valid}",
                quantiles.join(", "),
                profile.relation
            ))?;
            let edges: Vec<f64> = match row.first().and_then(|r| r.get(0)) {
                Some(spark_connect::row::Value::List(items)) => {
                    items.iter().map(|v| f64_of(Some(v))).collect()
                }
                other => {
                    return Err(client.error(format!(
                        "column {name:?}: Spark's percentile gave {other:?}, not an array"
                    )));
                }
            };
            let edges = bin_edges(edges);
            let labels = bin_labels(&edges);
            // A value goes to the first bin whose upper edge it does not pass
            // (the first bin closed on both sides), the last bin otherwise.
            let mut e = format!("CASE WHEN {q} IS NULL OR isnan({x}) THEN NULL");
            for (upper, label) in edges[1..edges.len() - 1].iter().zip(&labels) {
                e.push_str(&format!(
                    " WHEN {x} <= {} THEN {}",
                    double_literal(*upper),
                    string_literal(label)
                ));
            }
            let last = labels.last().cloned().unwrap_or_default();
            e.push_str(&format!(" ELSE {} END", string_literal(&last)));
            (e, labels)
        };
        profile
            .slicing
            .insert(name.clone(), SliceValues { expr, order });
    }
    Ok(())
}
