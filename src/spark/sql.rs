//! The SQL faultline sends for a Spark source. Every query is one aggregate over
//! `GROUPING SETS ((slice columns...), ())`: the slices and the overall slot in a
//! single scan, returning rows per slot (never per input row). Each expression
//! mirrors what the in-memory decoder does with the same value, so the two
//! engines count the same rows the same way.

use spark_connect::types::DataType;

use super::profile::{Profile, is_float, is_numeric, is_text};
use super::source::{double_literal, quote, string_literal};
use crate::load::roles::Task;
use crate::load::scores::EPS;

/// The slice columns' aliases in every query: `g0`, `g1`, ...
pub fn group_alias(i: usize) -> String {
    format!("g{i}")
}

/// A predicate: `expr` names class `class` as the file decoder would match it
/// (numbers by value, so `1.0` is class `1`; `true`/`1` and `false`/`0` alike).
fn class_match(expr: &str, dtype: &DataType, class: &str) -> String {
    let alias = match class.to_ascii_lowercase().as_str() {
        "1" => Some("true"),
        "0" => Some("false"),
        "true" => Some("1"),
        "false" => Some("0"),
        _ => None,
    };
    if is_numeric(dtype) {
        let as_number = class
            .parse::<f64>()
            .ok()
            .or_else(|| alias.and_then(|a| a.parse::<f64>().ok()));
        match as_number {
            Some(x) => format!("CAST({expr} AS DOUBLE) = {}", double_literal(x)),
            None => "FALSE".into(),
        }
    } else if matches!(dtype, DataType::Boolean) {
        let mut texts = vec![class.to_ascii_lowercase()];
        texts.extend(alias.map(str::to_string));
        let list: Vec<String> = texts.iter().map(|t| string_literal(t)).collect();
        format!("CAST({expr} AS STRING) IN ({})", list.join(", "))
    } else {
        // A text level matches exactly, or through its boolean alias.
        let from_alias = match class {
            "true" => Some("1"),
            "1" => Some("true"),
            "false" => Some("0"),
            "0" => Some("false"),
            _ => None,
        };
        match from_alias {
            Some(a) => format!(
                "({expr} = {} OR lower({expr}) = {})",
                string_literal(class),
                string_literal(a)
            ),
            None => format!("{expr} = {}", string_literal(class)),
        }
    }
}

/// The class code of a column's value: its index in `classes`, NULL for null,
/// -1 for a value that is none of the classes.
fn class_code(column: &str, dtype: &DataType, classes: &[String]) -> String {
    let q = quote(column);
    let mut s = format!("CASE WHEN {q} IS NULL THEN NULL");
    if is_float(dtype) {
        s.push_str(&format!(" WHEN isnan({q}) THEN NULL"));
    }
    for (i, c) in classes.iter().enumerate() {
        s.push_str(&format!(" WHEN {} THEN {i}", class_match(&q, dtype, c)));
    }
    s.push_str(" ELSE -1 END");
    s
}

/// A numeric column as a double, NULL for null or NaN, `-0.0` made `0.0`.
fn number(column: &str) -> String {
    let q = quote(column);
    format!("CASE WHEN isnan(CAST({q} AS DOUBLE)) THEN NULL ELSE CAST({q} AS DOUBLE) + 0.0 END")
}

/// `SELECT g0.., y, per model ... FROM source WHERE labelled`: one row per
/// labelled row, with the label and each model's output coded.
pub fn base(profile: &Profile, features: &[String]) -> String {
    let t = &profile.table;
    let mut cols: Vec<String> = features
        .iter()
        .enumerate()
        .map(|(i, f)| match profile.slicing.get(f) {
            Some(values) => format!("{} AS {}", values.expr, group_alias(i)),
            None => format!("CAST({} AS STRING) AS {}", quote(f), group_alias(i)),
        })
        .collect();
    let label_type = profile
        .dtype(&t.label_column)
        .cloned()
        .unwrap_or(DataType::Null);
    match t.task {
        Task::Regression => cols.push(format!("{} AS y", number(&t.label_column))),
        _ => cols.push(format!(
            "{} AS y",
            class_code(&t.label_column, &label_type, &t.classes)
        )),
    }
    for (m, model) in t.models.iter().enumerate() {
        let c = &model.columns;
        match t.task {
            Task::Regression => {
                let pred = c.pred.as_deref().unwrap_or_default();
                cols.push(format!("{} AS p{m}", number(pred)));
            }
            _ => {
                if let Some(pred) = &c.pred {
                    let dtype = profile.dtype(pred).cloned().unwrap_or(DataType::Null);
                    cols.push(format!("{} AS p{m}", class_code(pred, &dtype, &t.classes)));
                } else if let Some(score) = &c.score {
                    let s = number(score);
                    cols.push(format!(
                        "CASE WHEN ({s}) IS NULL THEN NULL WHEN ({s}) >= {} THEN 1 ELSE 0 END AS p{m}",
                        double_literal(t.threshold)
                    ));
                }
                if let (Some(score), Task::Binary) = (&c.score, t.task) {
                    cols.push(format!("{} AS s{m}", number(score)));
                }
            }
        }
    }
    format!(
        "SELECT {} FROM {} WHERE {}",
        cols.join(", "),
        profile.relation,
        profile.labelled
    )
}

/// `GROUP BY GROUPING SETS ((g0.., extra..), (extra..))`, with `grouping_id()`
/// telling the overall rows from a slice whose values are null.
fn grouping_sets(n_features: usize, extra: &[&str]) -> (String, String) {
    let groups: Vec<String> = (0..n_features).map(group_alias).collect();
    let mut full = groups.clone();
    full.extend(extra.iter().map(|s| s.to_string()));
    let select = if groups.is_empty() {
        String::new()
    } else {
        format!("{}, ", groups.join(", "))
    };
    let clause = if groups.is_empty() {
        format!("GROUP BY GROUPING SETS (({}))", extra.join(", "))
    } else {
        format!(
            "GROUP BY GROUPING SETS (({}), ({}))",
            full.join(", "),
            extra.join(", ")
        )
    };
    (select, clause)
}

/// Per slot: rows, then per model the confusion counts, nulls, values that are no
/// class, out-of-range scores, and the log loss and Brier sums (binary).
pub fn binary_counts(profile: &Profile, features: &[String]) -> String {
    let aggs: Vec<String> = binary_count_aggregates(profile)
        .into_iter()
        .map(|(expr, alias)| format!("{expr} AS {alias}"))
        .collect();
    let (select, clause) = grouping_sets(features.len(), &[]);
    format!(
        "WITH base AS ({}) SELECT {select}grouping_id() AS gid, {} FROM base {clause}",
        base(profile, features),
        aggs.join(", ")
    )
}

/// The counts query's aggregates: `(expression, column name)`.
fn binary_count_aggregates(profile: &Profile) -> Vec<(String, String)> {
    let mut aggs = vec![("count(*)".to_string(), "rows".to_string())];
    let eps = double_literal(EPS);
    let one_minus = double_literal(1.0 - EPS);
    for (m, model) in profile.table.models.iter().enumerate() {
        let mut add = |expr: String, name: &str| aggs.push((expr, format!("{name}{m}")));
        add(format!("count_if(y = 1 AND p{m} = 1)"), "tp");
        add(
            format!("count_if(y = 0 AND (p{m} = 1 OR p{m} IS NULL))"),
            "fp",
        );
        add(format!("count_if(y = 0 AND p{m} = 0)"), "tn");
        add(
            format!("count_if(y = 1 AND (p{m} = 0 OR p{m} IS NULL))"),
            "fn",
        );
        add(format!("count_if(p{m} IS NULL)"), "nulls");
        add(format!("count_if(p{m} = -1 OR y = -1)"), "unknown");
        if model.columns.score.is_some() {
            let ll = format!(
                "-ln(least(greatest(CASE WHEN y = 1 THEN s{m} ELSE 1.0D - s{m} END, {eps}), {one_minus}))"
            );
            let br = format!("pow(s{m} - y, 2)");
            add(format!("count(s{m})"), "scored");
            add(
                format!("count_if(s{m} IS NOT NULL AND y = 1)"),
                "scored_pos",
            );
            add(format!("count_if(s{m} < 0 OR s{m} > 1)"), "out_of_range");
            add(format!("coalesce(sum({ll}), 0D)"), "ll");
            add(format!("coalesce(sum(pow({ll}, 2)), 0D)"), "ll_sq");
            add(format!("coalesce(sum({br}), 0D)"), "br");
            add(format!("coalesce(sum(pow({br}, 2)), 0D)"), "br_sq");
        }
    }
    aggs
}

/// The rank-sum query's value columns (after the slice columns and `gid`).
pub const RANK_COLUMNS: [&str; 4] = ["auc2", "ap_sum", "v10_sq", "v01_sq"];

/// The counts query and every scored model's rank sums as one query (one Spark
/// operation, what a change in the window sends): the parts' rows stacked with
/// `UNION ALL`, each tagged by `part` (0 for the counts, then one per scored
/// model in model order) and holding its own columns, the rank columns of model
/// `m` renamed `auc2_m{m}` and so on.
pub fn binary_counts_and_ranks(profile: &Profile, features: &[String]) -> String {
    let mut parts: Vec<Part> = vec![(
        binary_counts(profile, features),
        binary_count_aggregates(profile)
            .into_iter()
            .map(|(_, a)| (a.clone(), a))
            .collect(),
    )];
    for (m, model) in profile.table.models.iter().enumerate() {
        if model.columns.score.is_some() {
            parts.push((
                binary_ranks(profile, features, m),
                RANK_COLUMNS
                    .iter()
                    .map(|c| (c.to_string(), format!("{c}_m{m}")))
                    .collect(),
            ));
        }
    }
    fuse(&parts, features.len())
}

/// Every multiclass model's sparse confusion cells as one query: part `m` holds
/// model `m`'s `(y, p, n)` as `y_m{m}`, `p_m{m}`, `n_m{m}`.
pub fn confusions(profile: &Profile, features: &[String]) -> String {
    let parts: Vec<Part> = (0..profile.table.models.len())
        .map(|m| {
            (
                confusion(profile, features, m),
                ["y", "p", "n"]
                    .iter()
                    .map(|c| (c.to_string(), format!("{c}_m{m}")))
                    .collect(),
            )
        })
        .collect();
    fuse(&parts, features.len())
}

/// One query of a fused set: its SQL (slice columns, then `gid`, then values) and
/// its value columns with the names they take in the fused result.
type Part = (String, Vec<(String, String)>);

/// Several aggregate queries as one: their rows stacked with `UNION ALL`, each
/// tagged by `part` (its index) after the slice columns and `gid`, with its own
/// value columns filled and the other parts' null.
fn fuse(parts: &[Part], n_features: usize) -> String {
    let groups: Vec<String> = (0..n_features).map(group_alias).collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, (sql, _))| {
            let mut cols: Vec<String> = groups.clone();
            cols.push("gid".into());
            cols.push(format!("{i} AS part"));
            for (j, (_, names)) in parts.iter().enumerate() {
                for (name, alias) in names {
                    cols.push(if i == j {
                        format!("{name} AS {alias}")
                    } else {
                        format!("NULL AS {alias}")
                    });
                }
            }
            format!("SELECT {} FROM ({sql}) AS part{i}", cols.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Score buckets of the rank walk: the window over tie groups runs per (slot,
/// bucket), in parallel, and each bucket starts from the totals of the buckets
/// above it (a small table Spark broadcasts). One partition per slot would sort
/// every distinct score of the overall slot in one task.
const RANK_BUCKETS: u32 = 1024;

/// Per slot, one model's rank sums (ROC AUC's Mann-Whitney numerator, average
/// precision, DeLong's placements), exactly as the in-memory walk of the score
/// order computes them: tie groups of equal scores, walked by descending score,
/// with the positives and negatives above each group from window sums within its
/// score bucket plus the bucket totals above. Scores are probabilities (the counts
/// query has checked they lie in [0, 1]).
pub fn binary_ranks(profile: &Profile, features: &[String], model: usize) -> String {
    let groups: Vec<String> = (0..features.len()).map(group_alias).collect();
    let (select, clause) = grouping_sets(features.len(), &["s"]);
    let slot_cols = {
        let mut p = vec!["gid".to_string()];
        p.extend(groups.iter().cloned());
        p
    };
    let slot = slot_cols.join(", ");
    let join_on = slot_cols
        .iter()
        .chain(std::iter::once(&"b".to_string()))
        .map(|c| format!("t.{c} <=> k.{c}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let above = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING";
    let nb = RANK_BUCKETS;
    format!(
        "WITH base AS ({base}), \
         ties AS (SELECT {select}grouping_id() AS gid, s, \
                  least(CAST(floor(s * {nb}) AS INT), {last}) AS b, \
                  count_if(y = 1) AS p, count_if(y = 0) AS q \
                  FROM (SELECT *, s{model} AS s FROM base WHERE s{model} IS NOT NULL) {clause}), \
         buckets AS (SELECT {slot}, b, sum(p) AS bp, sum(q) AS bq FROM ties GROUP BY {slot}, b), \
         above AS (SELECT {slot}, b, \
                  coalesce(sum(bp) OVER (PARTITION BY {slot} ORDER BY b DESC {above}), 0) AS bpa, \
                  coalesce(sum(bq) OVER (PARTITION BY {slot} ORDER BY b DESC {above}), 0) AS bqa, \
                  sum(bp) OVER (PARTITION BY {slot}) AS tp, sum(bq) OVER (PARTITION BY {slot}) AS tn \
                  FROM buckets), \
         walk AS (SELECT t.*, \
                  k.bpa + coalesce(sum(t.p) OVER (PARTITION BY {t_slot}, t.b ORDER BY t.s DESC {above}), 0) AS pai, \
                  k.bqa + coalesce(sum(t.q) OVER (PARTITION BY {t_slot}, t.b ORDER BY t.s DESC {above}), 0) AS qai, \
                  CAST(k.tp AS DOUBLE) AS tpd, CAST(k.tn AS DOUBLE) AS tnd \
                  FROM ties t JOIN above k ON {join_on}), \
         w AS (SELECT *, CAST(p AS DOUBLE) AS pd, CAST(q AS DOUBLE) AS qd, CAST(pai AS DOUBLE) AS pa, CAST(qai AS DOUBLE) AS na FROM walk) \
         SELECT {outer_groups}gid, \
           sum(CAST(q AS DECIMAL(38,0)) * (2 * CAST(pai AS DECIMAL(38,0)) + CAST(p AS DECIMAL(38,0)))) AS auc2, \
           sum(CASE WHEN p > 0 THEN pd * (pa + pd) / (pa + pd + na + qd) ELSE 0D END) AS ap_sum, \
           sum(CASE WHEN tnd > 0 AND p > 0 THEN pd * pow((tnd - na - 0.5D * qd) / tnd, 2) ELSE 0D END) AS v10_sq, \
           sum(CASE WHEN tpd > 0 AND q > 0 THEN qd * pow((pa + 0.5D * pd) / tpd, 2) ELSE 0D END) AS v01_sq \
         FROM w GROUP BY {slot}",
        base = base(profile, features),
        last = nb - 1,
        t_slot = slot_cols
            .iter()
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        outer_groups = if groups.is_empty() {
            String::new()
        } else {
            format!("{}, ", groups.join(", "))
        },
    )
}

/// Per slot, one classifier's sparse confusion cells `(y, p, count)`.
pub fn confusion(profile: &Profile, features: &[String], model: usize) -> String {
    let (select, clause) = grouping_sets(features.len(), &["y", "p"]);
    format!(
        "WITH base AS ({}) SELECT {select}grouping_id() AS gid, y, p, count(*) AS n \
         FROM (SELECT *, p{model} AS p FROM base) {clause}",
        base(profile, features)
    )
}

/// Per slot: rows, then per model the sums of errors and their centred sums
/// (from Spark's `var_samp`, times n - 1).
pub fn regression_sums(profile: &Profile, features: &[String]) -> String {
    let mut aggs = vec!["count(*) AS rows".to_string()];
    for m in 0..profile.table.models.len() {
        let e = format!("(p{m} - y)");
        let yk = format!("CASE WHEN p{m} IS NOT NULL THEN y END");
        aggs.push(format!(
            "count(p{m}) AS n{m}, coalesce(sum({e}), 0D) AS err{m}, coalesce(sum(abs({e})), 0D) AS abs{m}, \
             coalesce(sum(pow({e}, 2)), 0D) AS sq{m}, coalesce(sum({yk}), 0D) AS ysum{m}, \
             coalesce(var_samp(abs({e})), 0D) AS abs_v{m}, coalesce(var_samp({e}), 0D) AS err_v{m}, \
             coalesce(var_samp(pow({e}, 2)), 0D) AS sq_v{m}, coalesce(var_samp({yk}), 0D) AS y_v{m}"
        ));
    }
    let (select, clause) = grouping_sets(features.len(), &[]);
    format!(
        "WITH base AS ({}) SELECT {select}grouping_id() AS gid, {} FROM base {clause}",
        base(profile, features),
        aggs.join(", ")
    )
}

/// True when the column can be sliced on Spark: by value (text, boolean) or by
/// value or bin (numbers, see `spark::slicing`).
pub fn sliceable(dtype: &DataType) -> bool {
    is_text(dtype) || is_numeric(dtype) || matches!(dtype, DataType::Boolean)
}

/// Per slot, the joint binary cells of two models: `(y, pb, pc)` with a null
/// prediction counted as the wrong class, as `compare::joint_cells` codes them.
pub fn joint_cells(profile: &Profile, features: &[String], b: usize, c: usize) -> String {
    let (select, clause) = grouping_sets(features.len(), &["y", "bb", "bc"]);
    format!(
        "WITH base AS ({}) SELECT {select}grouping_id() AS gid, y, bb, bc, count(*) AS n \
         FROM (SELECT *, CASE WHEN p{b} IS NULL THEN 1 - y ELSE p{b} END AS bb, \
                         CASE WHEN p{c} IS NULL THEN 1 - y ELSE p{c} END AS bc FROM base) {clause}",
        base(profile, features)
    )
}

/// Per slot, the joint multiclass cells of two models: `(y, pb, pc)` class
/// codes, NULL for a null prediction.
pub fn class_joint(profile: &Profile, features: &[String], b: usize, c: usize) -> String {
    let (select, clause) = grouping_sets(features.len(), &["y", "pb", "pc"]);
    format!(
        "WITH base AS ({}) SELECT {select}grouping_id() AS gid, y, pb, pc, count(*) AS n \
         FROM (SELECT *, p{b} AS pb, p{c} AS pc FROM base) {clause}",
        base(profile, features)
    )
}

/// Per slot, regression rows by which model had the smaller absolute error (ties
/// both; a null prediction loses, as `compare::flips` counts them), with the sums
/// of the paired differences of absolute errors (`dm`) and errors (`de`) on the
/// rows both models predicted.
pub fn regression_pairs(profile: &Profile, features: &[String], b: usize, c: usize) -> String {
    let (select, clause) = grouping_sets(features.len(), &["okb", "okc"]);
    let (eb, ec) = (format!("abs(p{b} - y)"), format!("abs(p{c} - y)"));
    format!(
        "WITH base AS ({base}) SELECT {select}grouping_id() AS gid, okb, okc, count(*) AS n, \
         count(dm) AS dn, coalesce(sum(dm), 0D) AS dm, coalesce(sum(dm * dm), 0D) AS dm2, \
         coalesce(sum(de), 0D) AS de, coalesce(sum(de * de), 0D) AS de2 \
         FROM (SELECT *, \
           CASE WHEN {eb} <= {ec} OR (p{c} IS NULL AND p{b} IS NOT NULL) THEN 1 ELSE 0 END AS okb, \
           CASE WHEN {ec} <= {eb} OR (p{b} IS NULL AND p{c} IS NOT NULL) THEN 1 ELSE 0 END AS okc, \
           {ec} - {eb} AS dm, (p{c} - y) - (p{b} - y) AS de FROM base) {clause}",
        base = base(profile, features),
    )
}

/// Per slot, sums of the per-row differences (candidate - baseline) of log loss
/// and Brier on the rows both models scored, for the paired t intervals.
pub fn paired_sums(profile: &Profile, features: &[String], b: usize, c: usize) -> String {
    let eps = double_literal(EPS);
    let one_minus = double_literal(1.0 - EPS);
    let ll = |m: usize| {
        format!(
            "-ln(least(greatest(CASE WHEN y = 1 THEN s{m} ELSE 1.0D - s{m} END, {eps}), {one_minus}))"
        )
    };
    let (select, clause) = grouping_sets(features.len(), &[]);
    format!(
        "WITH base AS ({base}) SELECT {select}grouping_id() AS gid, count(*) AS n, \
         coalesce(sum(dll), 0D) AS dll, coalesce(sum(dll * dll), 0D) AS dll_sq, \
         coalesce(sum(dbr), 0D) AS dbr, coalesce(sum(dbr * dbr), 0D) AS dbr_sq \
         FROM (SELECT *, {llc} - {llb} AS dll, pow(s{c} - y, 2) - pow(s{b} - y, 2) AS dbr \
               FROM base WHERE s{b} IS NOT NULL AND s{c} IS NOT NULL) {clause}",
        base = base(profile, features),
        llb = ll(b),
        llc = ll(c),
    )
}

/// Per slot and class (`y`), the sums of both models' DeLong placements on the
/// rows both scored (a positive's share of negatives below it, a negative's
/// share of positives above it, ties half), and of their squares and products.
pub fn delong_sums(profile: &Profile, features: &[String], b: usize, c: usize) -> String {
    let nf = features.len();
    let groups: Vec<String> = (0..nf).map(group_alias).collect();
    let slot_cols = {
        let mut p = vec!["gid".to_string()];
        p.extend(groups.iter().cloned());
        p
    };
    let slot = slot_cols.join(", ");
    let above = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING";
    let place = |m: usize| {
        let (select, clause) = grouping_sets(nf, &[&format!("s{m}")]);
        format!(
            "ties{m} AS (SELECT {select}grouping_id() AS gid, s{m} AS s, CAST(count_if(y = 1) AS DOUBLE) AS p, \
                        CAST(count_if(y = 0) AS DOUBLE) AS q FROM common {clause}), \
             walk{m} AS (SELECT *, \
                        coalesce(sum(p) OVER (PARTITION BY {slot} ORDER BY s DESC {above}), 0D) AS pa, \
                        coalesce(sum(q) OVER (PARTITION BY {slot} ORDER BY s DESC {above}), 0D) AS na, \
                        sum(p) OVER (PARTITION BY {slot}) AS tp, sum(q) OVER (PARTITION BY {slot}) AS tn FROM ties{m}), \
             place{m} AS (SELECT {slot}, s, \
                        CASE WHEN tn > 0 THEN (tn - na - 0.5D * q) / tn ELSE 0D END AS v10, \
                        CASE WHEN tp > 0 THEN (pa + 0.5D * p) / tp ELSE 0D END AS v01 FROM walk{m})"
        )
    };
    // Each row in its slice's slot and in the overall one, with the grouping id
    // the placement queries give those slots.
    let overall_gid = if nf == 0 { 0 } else { ((1u64 << nf) - 1) << 1 };
    let rows = if nf == 0 {
        format!("SELECT 0 AS gid, y, s{b} AS sb, s{c} AS sc FROM common")
    } else {
        let nulls: Vec<String> = groups
            .iter()
            .map(|g| format!("CAST(NULL AS STRING) AS {g}"))
            .collect();
        format!(
            "SELECT 0 AS gid, {gs}, y, s{b} AS sb, s{c} AS sc FROM common \
             UNION ALL SELECT {overall_gid} AS gid, {nulls}, y, s{b} AS sb, s{c} AS sc FROM common",
            gs = groups.join(", "),
            nulls = nulls.join(", ")
        )
    };
    let on = |alias: &str, score: &str| {
        let mut conds: Vec<String> = slot_cols
            .iter()
            .map(|col| format!("r.{col} <=> {alias}.{col}"))
            .collect();
        conds.push(format!("r.{score} = {alias}.s"));
        conds.join(" AND ")
    };
    let r_slot = slot_cols
        .iter()
        .map(|col| format!("r.{col}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "WITH base AS ({base}), \
         common AS (SELECT * FROM base WHERE s{b} IS NOT NULL AND s{c} IS NOT NULL), \
         {pb}, {pc}, \
         r AS ({rows}), \
         j AS (SELECT {r_slot}, r.y, \
                 CASE WHEN r.y = 1 THEN xb.v10 ELSE xb.v01 END AS x, \
                 CASE WHEN r.y = 1 THEN xc.v10 ELSE xc.v01 END AS v \
               FROM r JOIN place{b} xb ON {onb} JOIN place{c} xc ON {onc}) \
         SELECT {out_cols}, y, count(*) AS n, sum(x) AS x, sum(v) AS v, sum(x * x) AS xx, \
                sum(v * v) AS vv, sum(x * v) AS xv FROM j GROUP BY {slot}, y",
        out_cols = groups
            .iter()
            .cloned()
            .chain(std::iter::once("gid".to_string()))
            .collect::<Vec<_>>()
            .join(", "),
        base = base(profile, features),
        pb = place(b),
        pc = place(c),
        onb = on("xb", "sb"),
        onc = on("xc", "sc"),
    )
}

/// The per-row error SliceLine searches: 1 where the model is wrong (a null
/// prediction is wrong; with `against`, wrong where that model is right), the
/// squared error for regression (how much worse than `against`); NULL for rows
/// left out, as `discovery::row_errors` does.
fn row_error(profile: &Profile, model: usize, against: Option<usize>) -> String {
    let m = model;
    match (profile.table.task, against) {
        (Task::Regression, None) => format!("pow(p{m} - y, 2)"),
        (Task::Regression, Some(a)) => format!("greatest(pow(p{m} - y, 2) - pow(p{a} - y, 2), 0D)"),
        (_, None) => format!("CASE WHEN p{m} IS NULL OR p{m} <> y THEN 1D ELSE 0D END"),
        (_, Some(a)) => {
            format!("CASE WHEN (p{m} IS NULL OR p{m} <> y) AND p{a} = y THEN 1D ELSE 0D END")
        }
    }
}

/// SliceLine's totals: rows with an error, their error sum and sum of squares,
/// how many errors are not 0 or 1, and values that are no class.
pub fn slice_totals(profile: &Profile, model: usize, against: Option<usize>) -> String {
    let unknown = match (profile.table.task, against) {
        (Task::Regression, _) => "0".to_string(),
        (_, None) => format!("count_if(p{model} = -1 OR y = -1)"),
        (_, Some(a)) => format!("count_if(p{model} = -1 OR p{a} = -1 OR y = -1)"),
    };
    format!(
        "WITH base AS ({base}) SELECT count(err) AS n, coalesce(sum(err), 0D) AS e, \
         coalesce(sum(err * err), 0D) AS e2, count_if(err <> 0 AND err <> 1) AS fractional, {unknown} AS unknown \
         FROM (SELECT *, {err} AS err FROM base)",
        base = base(profile, &[]),
        err = row_error(profile, model, against),
    )
}

/// Every slice of every feature combination in `combos` (indices into
/// `features`) with at least `min_support` rows, in one query of one grouping
/// set per combination: rows, error sum and sum of squares, and the sum of the
/// rows' 64-bit hash keys (equal row sets have equal sums).
pub fn slice_cubes(
    profile: &Profile,
    features: &[String],
    combos: &[Vec<usize>],
    model: usize,
    against: Option<usize>,
    min_support: u64,
) -> String {
    let groups: Vec<String> = (0..features.len()).map(group_alias).collect();
    let sets: Vec<String> = combos
        .iter()
        .map(|c| {
            let cols: Vec<&str> = c.iter().map(|&i| groups[i].as_str()).collect();
            format!("({})", cols.join(", "))
        })
        .collect();
    format!(
        "WITH base AS ({base}), \
         e AS (SELECT *, {err} AS err, xxhash64(monotonically_increasing_id()) AS rk FROM base) \
         SELECT {g}, grouping_id() AS gid, count(*) AS n, sum(err) AS e, sum(err * err) AS e2, \
                sum(CAST(rk AS DECIMAL(38,0))) AS rk \
         FROM e WHERE err IS NOT NULL GROUP BY GROUPING SETS ({sets}) HAVING count(*) >= {min_support}",
        base = base(profile, features),
        err = row_error(profile, model, against),
        g = groups.join(", "),
        sets = sets.join(", "),
    )
}

/// Per slot, one scored model's calibration cells `(equal-width bin, equal-mass
/// bin, label)` with count, score sum and sum of squares. Equal-mass bins follow
/// each row's position in ascending score order, ties in file order
/// (`_metadata.file_path`, `_metadata.row_index`: the in-memory engine's row
/// order for one file); positions come from window row numbers per (slot, score
/// bucket) plus the bucket's offset, so no task sorts a whole slot.
pub fn calibration_cells(
    profile: &Profile,
    features: &[String],
    model: usize,
    bins: usize,
) -> String {
    let nf = features.len();
    let groups: Vec<String> = (0..nf).map(group_alias).collect();
    let mut slot_cols = vec!["gid".to_string()];
    slot_cols.extend(groups.iter().cloned());
    let slot = slot_cols.join(", ");
    let overall_gid = if nf == 0 { 0 } else { (1u64 << nf) - 1 };
    let gs = if groups.is_empty() {
        String::new()
    } else {
        format!("{}, ", groups.join(", "))
    };
    let nulls = if groups.is_empty() {
        String::new()
    } else {
        format!(
            "{}, ",
            groups
                .iter()
                .map(|g| format!("CAST(NULL AS STRING) AS {g}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let scored = format!(
        "SELECT {{gid}} AS gid, {{g}}s{model} AS s, y, fp, ri, \
         least(CAST(floor(s{model} * {RANK_BUCKETS}) AS INT), {last}) AS b FROM base WHERE s{model} IS NOT NULL",
        last = RANK_BUCKETS - 1
    );
    let rows = if nf == 0 {
        scored.replace("{gid}", "0").replace("{g}", "")
    } else {
        format!(
            "{} UNION ALL {}",
            scored.replace("{gid}", "0").replace("{g}", &gs),
            scored
                .replace("{gid}", &overall_gid.to_string())
                .replace("{g}", &nulls)
        )
    };
    let join_on = slot_cols
        .iter()
        .chain(std::iter::once(&"b".to_string()))
        .map(|c| format!("r.{c} <=> k.{c}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let r_slot = slot_cols
        .iter()
        .map(|c| format!("r.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let out_cols = groups
        .iter()
        .cloned()
        .chain(std::iter::once("gid".to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    let b = bins.max(1);
    let base_sql = base(profile, features).replacen(
        " FROM ",
        ", _metadata.file_path AS fp, _metadata.row_index AS ri FROM ",
        1,
    );
    format!(
        "WITH base AS ({base_sql}), \
         r AS ({rows}), \
         bt AS (SELECT {slot}, b, count(*) AS c FROM r GROUP BY {slot}, b), \
         bo AS (SELECT {slot}, b, \
                coalesce(sum(c) OVER (PARTITION BY {slot} ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS off, \
                sum(c) OVER (PARTITION BY {slot}) AS n FROM bt), \
         pos AS (SELECT {r_slot}, r.s, r.y, k.n, \
                 k.off + row_number() OVER (PARTITION BY {r_slot}, r.b ORDER BY r.s, r.fp, r.ri) - 1 AS i \
                 FROM r JOIN bo k ON {join_on}), \
         binned AS (SELECT *, n DIV {b} AS base_n, n % {b} AS extra FROM pos), \
         cells AS (SELECT {slot}, n, y, s, \
                   least(CAST(floor(s * {b}) AS INT), {bl}) AS w, \
                   least(CASE WHEN i < extra * (base_n + 1) THEN i DIV (base_n + 1) \
                              WHEN base_n > 0 THEN extra + (i - extra * (base_n + 1)) DIV base_n \
                              ELSE {bl} END, {bl}) AS m FROM binned) \
         SELECT {out_cols}, w, m, y, max(n) AS slot_n, count(*) AS c, sum(s) AS sum, sum(s * s) AS sq \
         FROM cells GROUP BY {slot}, w, m, y",
        bl = b - 1,
    )
}
