//! Cohorts: named filters over any column of the evaluation file, with AND/OR
//! groups. Evaluating one gives a row mask over the decoded table that every view
//! then computes on.

use std::sync::atomic::{AtomicBool, Ordering};

use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::load::encode;
use crate::load::table::EvalTable;

/// How the items of a group combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Combine {
    /// Every item holds (AND).
    #[default]
    All,
    /// At least one item holds (OR).
    Any,
}

/// A comparison of one column with a value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[default]
    Eq,
    Ne,
    /// One of a comma-separated list.
    In,
    Lt,
    Le,
    Gt,
    Ge,
    /// `value <= x <= value2`.
    Between,
    /// Case-insensitive substring.
    Contains,
    Regex,
    IsMissing,
}

impl Op {
    pub const ALL: [Op; 11] = [
        Op::Eq,
        Op::Ne,
        Op::In,
        Op::Lt,
        Op::Le,
        Op::Gt,
        Op::Ge,
        Op::Between,
        Op::Contains,
        Op::Regex,
        Op::IsMissing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::In => "in",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Between => "between",
            Op::Contains => "contains",
            Op::Regex => "regex",
            Op::IsMissing => "is missing",
        }
    }

    /// How many values the operator takes.
    pub fn arity(self) -> usize {
        match self {
            Op::IsMissing => 0,
            Op::Between => 2,
            _ => 1,
        }
    }
}

/// `column op value [value2]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Condition {
    pub column: String,
    pub op: Op,
    pub value: String,
    pub value2: String,
}

impl Condition {
    pub fn describe(&self) -> String {
        match self.op.arity() {
            0 => format!("{} {}", self.column, self.op.label()),
            2 => format!("{} between {} and {}", self.column, self.value, self.value2),
            _ => format!("{} {} {}", self.column, self.op.label(), self.value),
        }
    }
}

/// A condition or a nested group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Filter {
    Cond(Condition),
    Group(FilterGroup),
}

/// Items combined with AND or OR. An empty group keeps every row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterGroup {
    pub combine: Combine,
    pub items: Vec<Filter>,
}

impl FilterGroup {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The columns the filter's conditions name, at any depth.
    pub fn columns(&self) -> Vec<&str> {
        self.items
            .iter()
            .flat_map(|f| match f {
                Filter::Cond(c) => vec![c.column.as_str()],
                Filter::Group(g) => g.columns(),
            })
            .collect()
    }

    /// A one-line description, such as `region = east AND device = tablet`.
    pub fn describe(&self) -> String {
        if self.items.is_empty() {
            return "all rows".into();
        }
        let joiner = match self.combine {
            Combine::All => " AND ",
            Combine::Any => " OR ",
        };
        self.items
            .iter()
            .map(|f| match f {
                Filter::Cond(c) => c.describe(),
                Filter::Group(g) => format!("({})", g.describe()),
            })
            .collect::<Vec<_>>()
            .join(joiner)
    }

    /// This filter narrowed by `other`: rows where both hold.
    pub fn and(self, other: FilterGroup) -> FilterGroup {
        if self.is_empty() {
            return other;
        }
        if other.is_empty() {
            return self;
        }
        FilterGroup {
            combine: Combine::All,
            items: vec![Filter::Group(self), Filter::Group(other)],
        }
    }

    /// The conjunction `col1 = v1 AND col2 = v2 ...` (what a slice is).
    pub fn equalities(pairs: &[(String, String)]) -> FilterGroup {
        FilterGroup {
            combine: Combine::All,
            items: pairs
                .iter()
                .map(|(c, v)| {
                    Filter::Cond(Condition {
                        column: c.clone(),
                        op: if v == encode::MISSING {
                            Op::IsMissing
                        } else {
                            Op::Eq
                        },
                        value: v.clone(),
                        value2: String::new(),
                    })
                })
                .collect(),
        }
    }
}

/// A named, saved filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cohort {
    pub name: String,
    pub filter: FilterGroup,
}

impl Cohort {
    /// The slice with these `(column, value)` pairs inside the cohort `within`,
    /// named after the pairs.
    pub fn slice_of(within: &FilterGroup, pairs: &[(String, String)]) -> Cohort {
        let name = pairs
            .iter()
            .map(|(c, v)| format!("{c} = {v}"))
            .collect::<Vec<_>>()
            .join(" & ");
        Cohort {
            name,
            filter: within.clone().and(FilterGroup::equalities(pairs)),
        }
    }
}

/// Why a filter cannot be evaluated; shown next to the condition.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CohortError {
    #[error("no column {0:?}")]
    NoColumn(String),
    #[error("{column}: {value:?} is not a number")]
    NotANumber { column: String, value: String },
    #[error("{column}: {op} needs a numeric column")]
    NeedsNumbers { column: String, op: &'static str },
    #[error("{0}: invalid regular expression: {1}")]
    BadRegex(String, String),
    #[error("cancelled")]
    Cancelled,
}

/// Evaluates a filter to a mask over the table's rows. `cancel` stops early.
pub fn evaluate(
    group: &FilterGroup,
    table: &EvalTable,
    frame: &DataFrame,
    cancel: &AtomicBool,
) -> Result<Vec<bool>, CohortError> {
    let n = table.len();
    if group.items.is_empty() {
        return Ok(vec![true; n]);
    }
    let mut acc: Option<Vec<bool>> = None;
    for item in &group.items {
        if cancel.load(Ordering::Relaxed) {
            return Err(CohortError::Cancelled);
        }
        let mask = match item {
            Filter::Cond(c) => condition_mask(c, table, frame)?,
            Filter::Group(g) => evaluate(g, table, frame, cancel)?,
        };
        acc = Some(match acc {
            None => mask,
            Some(mut a) => {
                match group.combine {
                    Combine::All => a.iter_mut().zip(&mask).for_each(|(x, &m)| *x &= m),
                    Combine::Any => a.iter_mut().zip(&mask).for_each(|(x, &m)| *x |= m),
                }
                a
            }
        });
    }
    Ok(acc.unwrap_or_else(|| vec![true; n]))
}

fn parse_number(column: &str, value: &str) -> Result<f64, CohortError> {
    value
        .trim()
        .parse::<f64>()
        .map_err(|_| CohortError::NotANumber {
            column: column.to_string(),
            value: value.to_string(),
        })
}

fn condition_mask(
    c: &Condition,
    table: &EvalTable,
    frame: &DataFrame,
) -> Result<Vec<bool>, CohortError> {
    let rows = &table.row_index;
    // A decoded categorical or binned feature answers equality from its codes.
    if let Some(f) = table.features.iter().find(|f| f.name == c.column) {
        let matches_level = |values: &[&str]| -> Option<Vec<bool>> {
            let levels: Vec<bool> = f
                .codes
                .levels
                .iter()
                .map(|l| values.contains(&l.as_str()))
                .collect();
            let missing = values.contains(&encode::MISSING);
            if f.codes.codes.is_empty() {
                return None;
            }
            // In the table's spare buffer when the window made one (a fresh
            // mask's page faults were most of the pass), and in parallel.
            let mut mask = table.mask_spare.take(f.codes.codes.len());
            match &f.codes.codes {
                encode::Codes::Byte(codes) => {
                    // Every byte's answer in one table: a load a row, no branch.
                    let mut answer = [false; 256];
                    answer[..levels.len()].copy_from_slice(&levels);
                    answer[usize::from(encode::BYTE_NULL)] = missing;
                    mask.par_extend(codes.par_iter().map(|&c| answer[usize::from(c)]));
                }
                encode::Codes::Wide(codes) => mask.par_extend(codes.par_iter().map(|&code| {
                    if code == encode::NULL_CODE {
                        missing
                    } else {
                        levels[code as usize]
                    }
                })),
            }
            Some(mask)
        };
        let is_numeric = matches!(f.kind, crate::load::table::FeatureKind::Numeric);
        match c.op {
            Op::Eq | Op::Ne | Op::In if !is_numeric || c.value.starts_with(['[', '(']) => {
                let values: Vec<&str> = if c.op == Op::In {
                    c.value.split(',').map(str::trim).collect()
                } else {
                    vec![c.value.as_str()]
                };
                if let Some(mut m) = matches_level(&values) {
                    if c.op == Op::Ne {
                        m.iter_mut().for_each(|x| *x = !*x);
                    }
                    return Ok(m);
                }
            }
            _ => {}
        }
    }
    let col = frame
        .column(&c.column)
        .map_err(|_| CohortError::NoColumn(c.column.clone()))?;
    let numeric = col.dtype().is_primitive_numeric();
    let na = |e: PolarsError| CohortError::NoColumn(format!("{} ({e})", c.column));
    if c.op == Op::IsMissing {
        let nulls = col.is_null();
        return Ok(rows
            .iter()
            .map(|&r| nulls.get(r as usize).unwrap_or(false))
            .collect());
    }
    if numeric && !matches!(c.op, Op::Contains | Op::Regex) {
        let values = encode::numeric_values(col).map_err(na)?;
        let list: Vec<f64> = match c.op {
            Op::In => c
                .value
                .split(',')
                .map(|v| parse_number(&c.column, v))
                .collect::<Result<_, _>>()?,
            _ => vec![parse_number(&c.column, &c.value)?],
        };
        let a = list[0];
        let b = if c.op == Op::Between {
            parse_number(&c.column, &c.value2)?
        } else {
            a
        };
        let test = |x: f64| -> bool {
            if x.is_nan() {
                return false;
            }
            match c.op {
                Op::Eq => x == a,
                Op::Ne => x != a,
                Op::In => list.contains(&x),
                Op::Lt => x < a,
                Op::Le => x <= a,
                Op::Gt => x > a,
                Op::Ge => x >= a,
                Op::Between => a <= x && x <= b,
                _ => false,
            }
        };
        return Ok(rows.iter().map(|&r| test(values[r as usize])).collect());
    }
    if matches!(c.op, Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Between) {
        return Err(CohortError::NeedsNumbers {
            column: c.column.clone(),
            op: c.op.label(),
        });
    }
    let s = col
        .as_materialized_series()
        .cast(&DataType::String)
        .map_err(na)?;
    let ca = s.str().map_err(na)?;
    let text = |r: u32| ca.get(r as usize);
    Ok(match c.op {
        Op::Eq => rows
            .iter()
            .map(|&r| text(r) == Some(c.value.as_str()))
            .collect(),
        Op::Ne => rows
            .iter()
            .map(|&r| text(r) != Some(c.value.as_str()))
            .collect(),
        Op::In => {
            let list: Vec<&str> = c.value.split(',').map(str::trim).collect();
            rows.iter()
                .map(|&r| text(r).is_some_and(|t| list.contains(&t)))
                .collect()
        }
        Op::Contains => {
            let needle = c.value.to_lowercase();
            rows.iter()
                .map(|&r| text(r).is_some_and(|t| t.to_lowercase().contains(&needle)))
                .collect()
        }
        Op::Regex => {
            let re = regex::Regex::new(&c.value)
                .map_err(|e| CohortError::BadRegex(c.column.clone(), e.to_string()))?;
            rows.iter()
                .map(|&r| text(r).is_some_and(|t| re.is_match(t)))
                .collect()
        }
        _ => vec![false; rows.len()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, Mapping, table::decode};

    fn fixture() -> (DataFrame, EvalTable) {
        let df = df!(
            "label" => [1i64, 0, 1, 0, 1],
            "pred_m" => [1i64, 0, 0, 0, 1],
            "region" => [Some("east"), Some("west"), None, Some("east"), Some("north")],
            "age" => [20.0, 35.0, 50.0, 65.0, 80.0],
            "note" => ["Refund please", "ok", "REFUND now", "fine", "thanks"]
        )
        .unwrap();
        let t = decode(
            std::path::Path::new("x.csv"),
            &df,
            String::new().into(),
            &Mapping::default(),
            &LoadOptions::default(),
        )
        .unwrap();
        (df, t)
    }

    fn cond(column: &str, op: Op, value: &str, value2: &str) -> Filter {
        Filter::Cond(Condition {
            column: column.into(),
            op,
            value: value.into(),
            value2: value2.into(),
        })
    }

    fn run(g: FilterGroup) -> Result<Vec<bool>, CohortError> {
        let (df, t) = fixture();
        evaluate(&g, &t, &df, &AtomicBool::new(false))
    }

    #[test]
    fn a_mask_is_written_into_the_tables_spare_buffer_when_there_is_one() {
        // The window makes the spare while idle; the next cohort's mask takes it
        // (no fresh pages), with the same answers as without it.
        let (df, t) = fixture();
        let east = FilterGroup::equalities(&[("region".into(), "east".into())]);
        let fresh = evaluate(&east, &t, &df, &AtomicBool::new(false)).unwrap();
        t.prepare_cohort_changes();
        assert!(t.mask_spare.capacity() >= t.len());
        let spared = evaluate(&east, &t, &df, &AtomicBool::new(false)).unwrap();
        assert_eq!(t.mask_spare.capacity(), 0);
        assert_eq!(spared, fresh);
        assert_eq!(spared, [true, false, false, true, false]);
        assert!(!t.cohort_changes_prepared());
    }

    #[test]
    fn conditions_and_groups() {
        let g = |items| FilterGroup {
            combine: Combine::All,
            items,
        };
        assert_eq!(
            run(g(vec![cond("region", Op::Eq, "east", "")])).unwrap(),
            [true, false, false, true, false]
        );
        assert_eq!(
            run(g(vec![cond("region", Op::IsMissing, "", "")])).unwrap(),
            [false, false, true, false, false]
        );
        assert_eq!(
            run(g(vec![cond("age", Op::Between, "30", "65")])).unwrap(),
            [false, true, true, true, false]
        );
        assert_eq!(
            run(g(vec![cond("note", Op::Contains, "refund", "")])).unwrap(),
            [true, false, true, false, false]
        );
        assert_eq!(
            run(g(vec![cond("note", Op::Regex, "^[a-z]+$", "")])).unwrap(),
            [false, true, false, true, true]
        );
        assert_eq!(
            run(g(vec![cond("region", Op::In, "east, north", "")])).unwrap(),
            [true, false, false, true, true]
        );
        let or = FilterGroup {
            combine: Combine::Any,
            items: vec![cond("age", Op::Lt, "30", ""), cond("age", Op::Ge, "80", "")],
        };
        let nested = g(vec![cond("label", Op::Eq, "1", ""), Filter::Group(or)]);
        assert_eq!(run(nested).unwrap(), [true, false, false, false, true]);
    }

    #[test]
    fn bad_filters_say_why() {
        let g = |items| FilterGroup {
            combine: Combine::All,
            items,
        };
        assert!(matches!(
            run(g(vec![cond("nope", Op::Eq, "x", "")])),
            Err(CohortError::NoColumn(_))
        ));
        assert!(matches!(
            run(g(vec![cond("age", Op::Gt, "old", "")])),
            Err(CohortError::NotANumber { .. })
        ));
        assert!(matches!(
            run(g(vec![cond("note", Op::Regex, "(", "")])),
            Err(CohortError::BadRegex(..))
        ));
        assert!(matches!(
            run(g(vec![cond("region", Op::Lt, "3", "")])),
            Err(CohortError::NeedsNumbers { .. })
        ));
    }
}
