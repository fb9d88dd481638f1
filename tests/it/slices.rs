//! Failure clusters on the UCI Adult sample: `--keep-equivalent` is SliceLine's
//! raw list, equal to the `sliceline` package's (reference computed once by
//! tests/reference/adult_slices.py); the default list has ten distinct row sets,
//! none of them a predicate that selects every row.

use std::collections::BTreeMap;

use faultline::cohort::FilterGroup;

use crate::{json, repo};

type Slice = (BTreeMap<String, String>, f64, u64);

fn slices(doc: &serde_json::Value) -> Vec<Slice> {
    doc["slices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let preds = s["predicates"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect();
            (
                preds,
                s["score"].as_f64().unwrap(),
                s["size"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn keep_equivalent_is_sliceline_s_raw_list() {
    let ours = json(&[
        "slices",
        "sample_data/adult_models.csv",
        "--model",
        "gbm",
        "--keep-equivalent",
    ]);
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("tests/reference/adult_slices.json")).unwrap(),
    )
    .unwrap();
    let (mut ours, mut theirs) = (slices(&ours), slices(&reference));
    assert_eq!(ours.len(), theirs.len());
    // Ties may be listed in another order: compare as sets.
    let key = |s: &Slice| format!("{:?}", s.0);
    ours.sort_by_key(key);
    theirs.sort_by_key(key);
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(o.0, t.0);
        assert_eq!(o.2, t.2);
        assert!((o.1 - t.1).abs() < 1e-9, "{:?}: {} vs {}", o.0, o.1, t.1);
    }
}

#[test]
fn the_default_top_ten_are_ten_distinct_row_sets() {
    let doc = json(&["slices", "sample_data/adult_models.csv", "--model", "gbm"]);
    let listed = slices(&doc);
    assert_eq!(listed.len(), 10);
    let loaded = faultline::join::load_joined(
        &[repo("sample_data/adult_models.csv")],
        &faultline::load::Mapping::default(),
        &faultline::load::LoadOptions::default(),
    )
    .unwrap();
    let never = std::sync::atomic::AtomicBool::new(false);
    let masks: Vec<Vec<bool>> = listed
        .iter()
        .map(|(preds, _, size)| {
            let pairs: Vec<(String, String)> =
                preds.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let mask = faultline::cohort::evaluate(
                &FilterGroup::equalities(&pairs),
                &loaded.table,
                &loaded.frame,
                &never,
            )
            .unwrap();
            assert_eq!(
                mask.iter().filter(|&&m| m).count() as u64,
                *size,
                "{preds:?}"
            );
            // No predicate selects every row.
            for (k, v) in preds {
                let one = faultline::cohort::evaluate(
                    &FilterGroup::equalities(&[(k.clone(), v.clone())]),
                    &loaded.table,
                    &loaded.frame,
                    &never,
                )
                .unwrap();
                assert!(one.iter().any(|&m| !m), "{k} = {v} selects every row");
            }
            mask
        })
        .collect();
    for i in 0..masks.len() {
        for j in i + 1..masks.len() {
            assert_ne!(
                masks[i], masks[j],
                "{:?} and {:?}",
                listed[i].0, listed[j].0
            );
        }
    }
    // Equivalent descriptions are reported with the entry they merge into.
    let equivalents: usize = doc["slices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["equivalent"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(equivalents >= 4, "{equivalents}");
}
