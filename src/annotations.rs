//! Counts of the analyst's failure-mode tags: per tag, how many rows of the cohort
//! carry it and what share of each model's errors it explains; per slice of one
//! feature, each tag's count. Computed off the UI thread by the window.

use std::collections::{BTreeMap, HashMap};

use crate::load::encode::NULL_CODE;
use crate::load::table::EvalTable;

/// Tag counts for one cohort.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagStats {
    pub cohort_rows: u64,
    /// Errors of each model in the cohort.
    pub errors: Vec<u64>,
    /// Per tag (in the order given): tagged rows, and tagged rows among each model's errors.
    pub per_tag: Vec<(u64, Vec<u64>)>,
    /// Per slice of the chosen feature: `(value, rows, tagged rows per tag)`.
    pub slices: Vec<(String, u64, Vec<u64>)>,
}

/// Counts `tags` over the rows `mask` keeps; `example_tags` is keyed by 1-based
/// file row.
pub fn tag_stats(
    table: &EvalTable,
    mask: Option<&[bool]>,
    tags: &[String],
    example_tags: &BTreeMap<u32, Vec<String>>,
    feature: Option<usize>,
) -> TagStats {
    let keep = |i: usize| mask.is_none_or(|m| m[i]);
    let correct: Vec<Option<Vec<bool>>> =
        (0..table.models.len()).map(|m| table.correct(m)).collect();
    let cohort_rows = (0..table.len()).filter(|&i| keep(i)).count() as u64;
    let errors = correct
        .iter()
        .map(|c| {
            c.as_ref().map_or(0, |c| {
                (0..c.len()).filter(|&i| keep(i) && !c[i]).count() as u64
            })
        })
        .collect();
    let by_file_row: HashMap<u32, usize> = table
        .row_index
        .iter()
        .enumerate()
        .map(|(i, &r)| (r + 1, i))
        .collect();
    let tagged: Vec<(usize, &Vec<String>)> = example_tags
        .iter()
        .filter_map(|(r, t)| by_file_row.get(r).map(|&i| (i, t)))
        .filter(|(i, _)| keep(*i))
        .collect();
    let per_tag = tags
        .iter()
        .map(|name| {
            let rows: Vec<usize> = tagged
                .iter()
                .filter(|(_, t)| t.contains(name))
                .map(|(i, _)| *i)
                .collect();
            let model_errors = correct
                .iter()
                .map(|c| {
                    c.as_ref()
                        .map_or(0, |c| rows.iter().filter(|&&i| !c[i]).count() as u64)
                })
                .collect();
            (rows.len() as u64, model_errors)
        })
        .collect();
    let slices = match feature.and_then(|f| table.features.get(f)) {
        None => Vec::new(),
        Some(feat) => {
            let k = feat.codes.levels.len() + 1;
            let slot = |i: usize| {
                let c = feat.codes.codes[i];
                if c == NULL_CODE { k - 1 } else { c as usize }
            };
            let mut size = vec![0u64; k];
            for i in (0..table.len()).filter(|&i| keep(i)) {
                size[slot(i)] += 1;
            }
            let mut counts = vec![vec![0u64; tags.len()]; k];
            for (i, t) in &tagged {
                for (j, name) in tags.iter().enumerate() {
                    if t.contains(name) {
                        counts[slot(*i)][j] += 1;
                    }
                }
            }
            (0..k)
                .filter(|&s| size[s] > 0)
                .map(|s| {
                    let code = if s == k - 1 { NULL_CODE } else { s as u32 };
                    (feat.level(code).to_string(), size[s], counts[s].clone())
                })
                .collect()
        }
    };
    TagStats {
        cohort_rows,
        errors,
        per_tag,
        slices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, Mapping, table::decode};
    use polars::prelude::*;

    #[test]
    fn counts_tags_per_model_error_and_slice() {
        let df = df!(
            "label" => [1i64, 0, 1, 0, 1, 0],
            "pred_a" => [0i64, 0, 1, 1, 1, 0],
            "region" => ["x", "x", "y", "y", "y", "x"]
        )
        .unwrap();
        let t = decode(
            std::path::Path::new("t.csv"),
            &df,
            String::new().into(),
            &Mapping::default(),
            &LoadOptions::default(),
        )
        .unwrap();
        let mut tagged = BTreeMap::new();
        tagged.insert(1, vec!["noise".to_string()]); // row 1: a wrong
        tagged.insert(3, vec!["noise".to_string(), "scope".to_string()]); // row 3: a right
        tagged.insert(4, vec!["scope".to_string()]); // row 4: a wrong
        let names = vec!["noise".to_string(), "scope".to_string()];
        let s = tag_stats(&t, None, &names, &tagged, Some(0));
        assert_eq!(s.cohort_rows, 6);
        assert_eq!(s.errors, vec![2]);
        assert_eq!(s.per_tag, vec![(2, vec![1]), (2, vec![1])]);
        assert_eq!(
            s.slices,
            vec![("x".into(), 3, vec![1, 0]), ("y".into(), 3, vec![1, 2])]
        );
        // A cohort keeps only its rows.
        let mask = [true, true, true, false, false, false];
        let s = tag_stats(&t, Some(&mask), &names, &tagged, None);
        assert_eq!(s.per_tag, vec![(2, vec![1]), (1, vec![0])]);
    }
}
