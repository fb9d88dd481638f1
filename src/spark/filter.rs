//! A cohort's filter as a SQL predicate, so the window's cohorts narrow a Spark
//! source on the cluster. Each operator means what it means on a file
//! (`cohort::evaluate`): numbers compare as numbers (NaN matches nothing), text
//! as text, `contains` ignores case, a missing value is null, and a binned
//! numeric slice column (`(0.5, 3]`) matches by its bin.

use super::profile::{Profile, is_numeric};
use super::source::{double_literal, quote, string_literal};
use crate::cohort::{CohortError, Combine, Condition, Filter, FilterGroup, Op};
use crate::load::encode::MISSING;

/// The predicate of `group` (`TRUE` for an empty group).
pub fn predicate(group: &FilterGroup, profile: &Profile) -> Result<String, CohortError> {
    if group.items.is_empty() {
        return Ok("TRUE".into());
    }
    let parts: Vec<String> = group
        .items
        .iter()
        .map(|item| match item {
            Filter::Cond(c) => condition(c, profile),
            Filter::Group(g) => predicate(g, profile),
        })
        .collect::<Result<_, _>>()?;
    let joiner = match group.combine {
        Combine::All => " AND ",
        Combine::Any => " OR ",
    };
    Ok(parts
        .iter()
        .map(|p| format!("({p})"))
        .collect::<Vec<_>>()
        .join(joiner))
}

fn number(column: &str, value: &str) -> Result<f64, CohortError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| CohortError::NotANumber {
            column: column.to_string(),
            value: value.to_string(),
        })
}

fn condition(c: &Condition, profile: &Profile) -> Result<String, CohortError> {
    let Some(dtype) = profile.dtype(&c.column) else {
        return Err(CohortError::NoColumn(c.column.clone()));
    };
    let q = quote(&c.column);
    if c.op == Op::IsMissing {
        return Ok(format!("{q} IS NULL"));
    }
    let list = |value: &str| -> Vec<String> {
        if c.op == Op::In {
            value.split(',').map(|v| v.trim().to_string()).collect()
        } else {
            vec![value.to_string()]
        }
    };
    // A binned slice column's bins (and `(missing)`) match through its slice text.
    if let Some(values) = profile.slicing.get(&c.column)
        && matches!(c.op, Op::Eq | Op::Ne | Op::In)
        && (c.value.starts_with(['[', '(']) || c.value == MISSING)
    {
        let items = list(&c.value);
        let missing = items.iter().any(|v| v == MISSING);
        let texts: Vec<String> = items
            .iter()
            .filter(|v| *v != MISSING)
            .map(|v| string_literal(v))
            .collect();
        let mut parts = Vec::new();
        if !texts.is_empty() {
            parts.push(format!("({}) IN ({})", values.expr, texts.join(", ")));
        }
        if missing {
            parts.push(format!("({}) IS NULL", values.expr));
        }
        let any = format!("coalesce({}, FALSE)", parts.join(" OR "));
        return Ok(if c.op == Op::Ne {
            format!("NOT {any}")
        } else {
            any
        });
    }
    if is_numeric(dtype) && !matches!(c.op, Op::Contains | Op::Regex) {
        let x = format!("CAST({q} AS DOUBLE)");
        let valid = format!("{q} IS NOT NULL AND NOT isnan({x})");
        let a = number(&c.column, &c.value)?;
        let test = match c.op {
            Op::Eq => format!("{x} = {}", double_literal(a)),
            Op::Ne => format!("{x} <> {}", double_literal(a)),
            Op::In => {
                let values: Vec<String> = list(&c.value)
                    .iter()
                    .map(|v| number(&c.column, v).map(double_literal))
                    .collect::<Result<_, _>>()?;
                format!("{x} IN ({})", values.join(", "))
            }
            Op::Lt => format!("{x} < {}", double_literal(a)),
            Op::Le => format!("{x} <= {}", double_literal(a)),
            Op::Gt => format!("{x} > {}", double_literal(a)),
            Op::Ge => format!("{x} >= {}", double_literal(a)),
            Op::Between => {
                let b = number(&c.column, &c.value2)?;
                format!(
                    "{x} BETWEEN {} AND {}",
                    double_literal(a),
                    double_literal(b)
                )
            }
            Op::Contains | Op::Regex | Op::IsMissing => "FALSE".into(),
        };
        return Ok(format!("{valid} AND {test}"));
    }
    if matches!(c.op, Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Between) {
        return Err(CohortError::NeedsNumbers {
            column: c.column.clone(),
            op: c.op.label(),
        });
    }
    let text = format!("CAST({q} AS STRING)");
    Ok(match c.op {
        Op::Eq => format!("{text} = {}", string_literal(&c.value)),
        // A missing value differs from every value (as on a file).
        Op::Ne => format!("NOT ({text} <=> {})", string_literal(&c.value)),
        Op::In => {
            let values: Vec<String> = list(&c.value).iter().map(|v| string_literal(v)).collect();
            format!("{text} IN ({})", values.join(", "))
        }
        Op::Contains => format!(
            "instr(lower({text}), {}) > 0",
            string_literal(&c.value.to_lowercase())
        ),
        Op::Regex => {
            regex::Regex::new(&c.value)
                .map_err(|e| CohortError::BadRegex(c.column.clone(), e.to_string()))?;
            format!("{text} RLIKE {}", string_literal(&c.value))
        }
        _ => "FALSE".into(),
    })
}
