//! Agreement between two raters of the same items (an LLM judge against a human,
//! two annotators): raw agreement and Cohen's kappa, unweighted or with linear or
//! quadratic weights (scikit-learn's `cohen_kappa_score`), with seeded bootstrap
//! intervals, overall and per slice (contract section 5).
//!
//! Kappa depends on the rows only through the raters' confusion matrix, so the
//! bootstrap draws that matrix's cells from a multinomial: the same distribution
//! as resampling rows, at a cost that does not grow with them.

use polars::prelude::*;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::load::graded::grade_value;
use crate::stats::{self, Bootstrap, Interval};

/// How disagreements weigh (scikit-learn's `weights`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Weights {
    /// Every disagreement counts the same (plain Cohen's kappa).
    #[default]
    None,
    /// By how many categories apart the ratings are.
    Linear,
    /// By the square of that.
    Quadratic,
}

impl Weights {
    pub fn as_str(self) -> &'static str {
        match self {
            Weights::None => "none",
            Weights::Linear => "linear",
            Weights::Quadratic => "quadratic",
        }
    }

    fn weight(self, i: usize, j: usize) -> f64 {
        let d = i.abs_diff(j) as f64;
        match self {
            Weights::None => f64::from(u8::from(i != j)),
            Weights::Linear => d,
            Weights::Quadratic => d * d,
        }
    }
}

/// Two raters' ratings as codes into shared, sorted categories (`None`: missing).
#[derive(Debug, Clone, Default)]
pub struct Ratings {
    pub a: Vec<Option<u32>>,
    pub b: Vec<Option<u32>>,
    pub categories: Vec<String>,
}

/// A rating as read: a number (numbers, booleans and grade words) or text.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Number(f64),
    Text(String),
}

fn column_values(path: &std::path::Path, col: &Column) -> Result<Vec<Option<Value>>> {
    let bad = |e: PolarsError| Error::BadColumn {
        path: path.to_path_buf(),
        column: col.name().to_string(),
        detail: crate::load::read::polars_message(&e),
    };
    let s = col.as_materialized_series();
    if s.dtype().is_bool() || s.dtype().is_primitive_numeric() {
        let f = s.cast(&DataType::Float64).map_err(bad)?;
        return Ok(f
            .f64()
            .map_err(bad)?
            .iter()
            .map(|v| {
                v.filter(|x| !x.is_nan())
                    .map(|x| Value::Number(if x == 0.0 { 0.0 } else { x }))
            })
            .collect());
    }
    let t = s.cast(&DataType::String).map_err(bad)?;
    let texts: Vec<Option<String>> = t
        .str()
        .map_err(bad)?
        .iter()
        .map(|v| v.map(|x| x.trim().to_string()).filter(|x| !x.is_empty()))
        .collect();
    // Grade words (pass/fail, true/false, C/I) and numbers are numbers, so that a
    // judge's `PASS` agrees with a human's `1`; anything else is compared as text.
    let as_number =
        |x: &str| grade_value(x).or_else(|| x.parse::<f64>().ok().filter(|v| v.is_finite()));
    if texts.iter().flatten().all(|x| as_number(x).is_some()) {
        return Ok(texts
            .iter()
            .map(|v| v.as_deref().and_then(as_number).map(Value::Number))
            .collect());
    }
    Ok(texts.into_iter().map(|v| v.map(Value::Text)).collect())
}

/// Reads two rater columns into shared categories.
pub fn ratings(path: &std::path::Path, a: &Column, b: &Column) -> Result<Ratings> {
    let (va, vb) = (column_values(path, a)?, column_values(path, b)?);
    let numeric = |v: &[Option<Value>]| v.iter().flatten().all(|x| matches!(x, Value::Number(_)));
    let (na, nb) = (numeric(&va), numeric(&vb));
    // A column of numbers against one of text: compare both as text.
    let text_of = |v: &Value| match v {
        Value::Number(x) => crate::load::encode::number_text(*x),
        Value::Text(t) => t.clone(),
    };
    let (va, vb) = if na != nb {
        let to_text = |v: Vec<Option<Value>>| -> Vec<Option<Value>> {
            v.into_iter()
                .map(|x| x.map(|x| Value::Text(text_of(&x))))
                .collect()
        };
        (to_text(va), to_text(vb))
    } else {
        (va, vb)
    };
    let mut cats: Vec<Value> = Vec::new();
    for v in va.iter().chain(&vb).flatten() {
        if !cats.contains(v) {
            cats.push(v.clone());
        }
        if cats.len() > MAX_CATEGORIES {
            return Err(Error::BadColumn {
                path: path.to_path_buf(),
                column: format!("{} / {}", a.name(), b.name()),
                detail: format!(
                    "more than {MAX_CATEGORIES} distinct ratings: agreement needs categories, not free values"
                ),
            });
        }
    }
    cats.sort_by(|x, y| match (x, y) {
        (Value::Number(p), Value::Number(q)) => p.total_cmp(q),
        _ => text_of(x).cmp(&text_of(y)),
    });
    let code = |v: &Option<Value>| {
        v.as_ref()
            .and_then(|v| cats.iter().position(|c| c == v).map(|i| i as u32))
    };
    Ok(Ratings {
        a: va.iter().map(code).collect(),
        b: vb.iter().map(code).collect(),
        categories: cats.iter().map(text_of).collect(),
    })
}

/// Pass/fail verdicts of two raters per row (1 pass, 0 fail, fractions over runs
/// counting as pass from one half up; NaN missing), on the rows `mask` keeps.
pub fn from_verdicts(a: &[f64], b: &[f64], mask: Option<&[bool]>) -> Ratings {
    let code = |x: f64| (!x.is_nan()).then(|| u32::from(x >= 0.5));
    let keep = |r: usize| mask.is_none_or(|m| m[r]);
    let rows = (0..a.len().min(b.len())).filter(|&r| keep(r));
    let (ca, cb) = rows.map(|r| (code(a[r]), code(b[r]))).unzip();
    Ratings {
        a: ca,
        b: cb,
        categories: vec!["fail".into(), "pass".into()],
    }
}

/// Distinct ratings accepted (a confusion matrix of this side is still cheap).
pub const MAX_CATEGORIES: usize = 200;

/// Agreement on one group of items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Agreement {
    /// Items both raters rated.
    pub n: u64,
    /// Items left out because a rating is missing.
    pub missing: u64,
    pub agreement: Option<f64>,
    pub kappa: Option<f64>,
    pub agreement_ci: Option<Interval>,
    pub kappa_ci: Option<Interval>,
}

/// Raw agreement and kappa of a K x K confusion matrix (`cells[i * k + j]`: rater a
/// said i, rater b said j), as scikit-learn computes them.
pub fn kappa_of(cells: &[u64], k: usize, weights: Weights) -> (Option<f64>, Option<f64>) {
    let n: u64 = cells.iter().sum();
    if n == 0 {
        return (None, None);
    }
    let nf = n as f64;
    let diag: u64 = (0..k).map(|i| cells[i * k + i]).sum();
    let agreement = diag as f64 / nf;
    let rows: Vec<f64> = (0..k)
        .map(|i| (0..k).map(|j| cells[i * k + j] as f64).sum())
        .collect();
    let cols: Vec<f64> = (0..k)
        .map(|j| (0..k).map(|i| cells[i * k + j] as f64).sum())
        .collect();
    let (mut observed, mut expected) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = weights.weight(i, j);
            observed += w * cells[i * k + j] as f64;
            expected += w * rows[i] * cols[j] / nf;
        }
    }
    // scikit-learn returns NaN when the expected disagreement is zero (one category).
    let kappa = (expected > 0.0).then(|| 1.0 - observed / expected);
    (Some(agreement), kappa)
}

/// Agreement per group (`groups[r]` a group index, `None` outside every group)
/// and overall (the last element).
pub fn agreement(
    ratings: &Ratings,
    groups: Option<(&[Option<u32>], usize)>,
    weights: Weights,
    boot: Bootstrap,
) -> Vec<Agreement> {
    let k = ratings.categories.len();
    let n_groups = groups.map_or(0, |g| g.1);
    let slots = n_groups + 1;
    let mut cells = vec![vec![0u64; k * k]; slots];
    let mut missing = vec![0u64; slots];
    for r in 0..ratings.a.len() {
        let slot_of_row = groups.and_then(|(g, _)| g[r]).map(|g| g as usize);
        let mut add = |s: usize| match (ratings.a[r], ratings.b[r]) {
            (Some(x), Some(y)) => cells[s][x as usize * k + y as usize] += 1,
            _ => missing[s] += 1,
        };
        if let Some(s) = slot_of_row {
            add(s);
        }
        add(n_groups);
    }
    (0..slots)
        .into_par_iter()
        .map(|s| {
            let c = &cells[s];
            let (agreement, kappa) = kappa_of(c, k, weights);
            let n: u64 = c.iter().sum();
            let (mut ci_a, mut ci_k) = (None, None);
            if n > 1 && boot.resamples > 0 {
                let mut rng = stats::rng(
                    boot.seed,
                    0x6b61_7070_6100_0000 ^ stats::slot_stream(s, n_groups),
                );
                let mut draw = vec![0u64; k * k];
                let mut reps_a = Vec::with_capacity(boot.resamples);
                let mut reps_k = Vec::with_capacity(boot.resamples);
                let multinomial = stats::Multinomial::new(c);
                for _ in 0..boot.resamples {
                    multinomial.draw(&mut rng, &mut draw);
                    let (a, kk) = kappa_of(&draw, k, weights);
                    reps_a.push(a.unwrap_or(f64::NAN));
                    reps_k.push(kk.unwrap_or(f64::NAN));
                }
                ci_a = stats::percentile_interval(&reps_a);
                ci_k = kappa.and_then(|_| stats::percentile_interval(&reps_k));
            }
            Agreement {
                n,
                missing: missing[s],
                agreement,
                kappa,
                agreement_ci: ci_a,
                kappa_ci: ci_k,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_by_hand() {
        // a\b: [[20, 5], [10, 15]]: po = 0.7, pe = (25*30 + 25*20) / 2500 = 0.5.
        let (a, k) = kappa_of(&[20, 5, 10, 15], 2, Weights::None);
        assert!((a.unwrap() - 0.7).abs() < 1e-15);
        assert!((k.unwrap() - 0.4).abs() < 1e-15);
        // With two categories every weighting is the same.
        assert!((kappa_of(&[20, 5, 10, 15], 2, Weights::Quadratic).1.unwrap() - 0.4).abs() < 1e-15);
        // One category: kappa undefined, as scikit-learn's NaN.
        assert_eq!(kappa_of(&[9], 1, Weights::None).1, None);
    }
}
