//! The engine's share of the window's changes (issue 15), without the window: on
//! the churn file the latency harness opens (`bench/out/churn_ROWS.parquet`, made
//! by `cargo bench --bench gui_latency -- ROWS`), the first overview, a cohort's
//! overview (region = east), a threshold move, and a two-feature slice table, each
//! the median of five runs, with the parts of the cohort overview and of the
//! slice table. `PROFILE=sizes` prints the columns' sizes (as read and decoded),
//! `PROFILE=load` runs only the load and the first overview, `PROFILE=1` only
//! the cohort overview and `PROFILE=slices` only the cohort's slice table (the
//! last two twenty times each; `T=0.8` for the table at a moved threshold),
//! for `perf record`. After the first overview it reads and decodes what the
//! load left out and makes what the window makes in the background then
//! (`EvalTable::prepare_cohort_changes`); `NOPREP=1` leaves the latter out. The
//! load leaves the id and feature columns and the file's hash for later, as the
//! window does; `NOW=1` reads, decodes and hashes them in it.
//!
//!     cargo bench --bench overview_compute -- 10000000

#![allow(clippy::expect_used)] // A benchmark that cannot set up fails loudly.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use faultline::cohort::FilterGroup;
use faultline::load::{LoadOptions, Mapping};
use faultline::{analysis, curves, metrics};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time(label: &str, f: &dyn Fn()) {
    let runs: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let lo = runs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = runs.iter().copied().fold(0.0, f64::max);
    println!(
        "{label:<36} {:>8.1} ms (min {lo:.1}, max {hi:.1})",
        median(runs.clone())
    );
}

/// Bytes of the decoded table's columns (labels, predictions, scores, feature
/// codes, row index): the "decoded size" the window's memory bound is set against.
fn decoded_bytes(t: &faultline::load::EvalTable) -> usize {
    use faultline::load::table::{Prediction, Target};
    let target = match t.target.as_ref() {
        Target::Classes(v) => v.len() * 4,
        Target::Values(v) => v.len() * 8,
    };
    let models: usize = t
        .models
        .iter()
        .map(|m| {
            let pred = match m.pred() {
                Prediction::Classes(v) => v.len() * 4,
                Prediction::Values(v) => v.len() * 8,
            };
            pred + m.score.as_ref().map_or(0, |s| s.len() * 8)
        })
        .sum();
    let features: usize = t.features.iter().map(|f| f.codes.codes.len() * 4).sum();
    target + models + features + t.row_index.len() * 4
}

fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let path = format!("bench/out/churn_{rows}.parquet");
    let profile = std::env::var("PROFILE").unwrap_or_default();
    let t = Instant::now();
    let loaded = faultline::load::load(
        std::path::Path::new(&path),
        &Mapping::default(),
        // As the window loads it: the id column is read and the file hashed
        // after the first overview (`NOW=1`: both in the load, as the command
        // line does).
        &LoadOptions {
            defer_id: std::env::var_os("NOW").is_none(),
            defer_features: std::env::var_os("NOW").is_none(),
            read: faultline::load::read::ReadOptions {
                defer_hash: std::env::var_os("NOW").is_none(),
                ..Default::default()
            },
            ..LoadOptions::default()
        },
    )
    .expect("load (make the file with `cargo bench --bench gui_latency -- ROWS`)");
    println!(
        "load {:.0} ms (read {:.0}, decode {:.0})",
        t.elapsed().as_secs_f64() * 1e3,
        loaded.read_time.as_secs_f64() * 1e3,
        loaded.decode_time.as_secs_f64() * 1e3
    );
    let (mut table, mut frame) = (loaded.table, loaded.frame);
    if profile != "sizes" {
        let t = Instant::now();
        let _ = analysis::overview(&table, None, 0.5);
        println!(
            "first overview (builds the caches) {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
        // `PROFILE=load`: only the load and the first overview, as the window does.
        if profile == "load" {
            return;
        }
    }
    // The columns the load left out, read and decoded as the window does once
    // the first overview is on screen.
    if !loaded.deferred.is_empty() {
        let t = Instant::now();
        let kept = faultline::load::kept_frame::KeptFrame::new(
            frame,
            path.clone().into(),
            loaded.deferred,
        );
        let whole = kept.read().expect("the deferred columns");
        (table, frame) = if loaded.features_deferred {
            faultline::load::open::decode_deferred_features(
                &table,
                &whole,
                &Mapping::default(),
                &LoadOptions::default(),
            )
            .expect("the deferred features")
        } else {
            (table, (*whole).clone())
        };
        println!(
            "deferred columns read and decoded (background in the window) {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    println!(
        "decoded table {:.0} MB, kept frame {:.0} MB (polars' estimate)",
        decoded_bytes(&table) as f64 / 1e6,
        frame.estimated_size() as f64 / 1e6
    );
    if profile == "sizes" {
        // The file's columns as read, before the window compacts them: the
        // "decoded size" of issue 15's memory bound.
        let read =
            faultline::load::read::read_frame(std::path::Path::new(&path), &Default::default())
                .expect("read");
        println!(
            "columns as read {:.0} MB (polars' estimate)",
            read.estimated_size() as f64 / 1e6
        );
        return;
    }
    // What the window makes in the background after the first overview
    // (`NOPREP=1`: not made, as a cohort change right after the first overview).
    if std::env::var_os("NOPREP").is_none() {
        let t = Instant::now();
        table.prepare_cohort_changes();
        println!(
            "prepare cohort changes (background in the window) {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let filter = FilterGroup::equalities(&[("region".into(), "east".into())]);
    let t = Instant::now();
    let mask = faultline::cohort::evaluate(&filter, &table, &frame, &AtomicBool::new(false))
        .expect("cohort");
    println!("cohort mask {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let cohort_mask = mask.as_slice();
    let mask = Some(cohort_mask);
    // `PROFILE=slices`: only the cohort's slice table, twenty times.
    if std::env::var("PROFILE").as_deref() == Ok("slices") {
        let region = table.feature_index("region").expect("region");
        let device = table.feature_index("device").expect("device");
        // `T=0.8`: at a moved threshold (as the window after a threshold move).
        let t: f64 = std::env::var("T")
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0.5);
        let moved = analysis::at_threshold(&table, t);
        for i in 0..20 {
            let start = Instant::now();
            let _ = analysis::slices(&moved, mask, t, &[region, device], 0, "accuracy");
            if i < 3 {
                println!(
                    "slices at {t}, run {} {:.1} ms",
                    i + 1,
                    start.elapsed().as_secs_f64() * 1e3
                );
            }
        }
        return;
    }
    // `PROFILE=kept`: the parts of one model's cohort overview on one thread
    // (the overview runs the models side by side), each forty times: the
    // marking of the cohort's positions, the copy of its rows with their sums
    // and rank walk, and the walks of the copy. Minimum and median.
    if std::env::var("PROFILE").as_deref() == Ok("kept") {
        let members = faultline::grouping::RowSet::from_mask(cohort_mask);
        let m = &table.models[0];
        let nulls = faultline::curves::null_scores(&table, 0, mask);
        let totals = metrics::binary::cohort_scored_labels(m, &members, nulls);
        let part = |name: &str, f: &dyn Fn()| {
            let mut all: Vec<f64> = (0..40)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            all.sort_by(f64::total_cmp);
            println!(
                "{name:<40} min {:>6.2} ms  median {:>6.2} ms",
                all[0], all[20]
            );
        };
        part("cohort mask and row set (buffer given back)", &|| {
            let m = faultline::cohort::evaluate(&filter, &table, &frame, &AtomicBool::new(false))
                .expect("cohort");
            table.mask_spare.give(m);
        });
        part("mask to row set", &|| {
            let _ = faultline::grouping::RowSet::from_mask(cohort_mask);
        });
        let order = m.score_order(&table.target);
        part("positions marked and visited", &|| {
            let mut n = 0usize;
            faultline::grouping::for_each_kept_position(order, &members, |_, _| n += 1);
            assert!(n > 0);
        });
        // Handed to a `ScoredCohort`, whose drop gives the copy's buffer back
        // to the model's spare, as the window's overviews do.
        part("rows copied, sums and rank walk", &|| {
            let kept = metrics::binary::kept_rows_ranked(&table, 0, Some(&members), totals);
            let _ = metrics::binary::ScoredCohort::new(kept, m, nulls);
        });
        part("rows copied, sums (rank walked apart)", &|| {
            let kept = metrics::binary::kept_rows_ranked(&table, 0, Some(&members), None);
            let _ = metrics::binary::ScoredCohort::new(kept, m, nulls);
        });
        let kept = metrics::binary::kept_rows_ranked(&table, 0, Some(&members), totals);
        println!("cohort: {} of {} scored rows", kept.rows.len(), order.len());
        let k = &*kept.rows;
        part("calibration of the copy", &|| {
            let _ = metrics::calibration::calibration_of_descending(
                k,
                table.params.bins(),
                faultline::stats::Bootstrap::default(),
                0,
            );
        });
        part("curves of the copy", &|| {
            let _ = faultline::curves::rank_curves_of(k, table.len());
        });
        part("score shapes of the copy", &|| {
            let _ = faultline::curves::score_shapes(k, nulls, table.params.bins(), 20, 100);
        });
        return;
    }
    // `PROFILE=1`: only the cohort's overview, twenty times (`RUNS=N`: N times),
    // for `perf record`; the first three runs' times are printed (the first two
    // take fresh pages from the kernel, later ones reuse freed memory).
    if std::env::var_os("PROFILE").is_some() {
        let runs = std::env::var("RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(20);
        let mut all = Vec::new();
        for i in 0..runs {
            let t = Instant::now();
            let _ = analysis::overview(&table, mask, 0.5);
            all.push(t.elapsed().as_secs_f64() * 1e3);
            if i + 1 == runs {
                all.sort_by(f64::total_cmp);
                println!(
                    "cohort overview, median of {runs} {:.1} ms, min {:.1}",
                    all[runs / 2],
                    all[0]
                );
            }
            if i < 3 {
                println!(
                    "cohort overview, run {} {:.1} ms",
                    i + 1,
                    t.elapsed().as_secs_f64() * 1e3
                );
            }
        }
        return;
    }
    time("overview, every row", &|| {
        let _ = analysis::overview(&table, None, 0.5);
    });
    time("overview, cohort", &|| {
        let _ = analysis::overview(&table, mask, 0.5);
    });
    let grouping = faultline::grouping::Grouping::whole(table.len(), mask);
    let boot = faultline::stats::Bootstrap::default();
    time("  part: Grouping::whole", &|| {
        let _ = faultline::grouping::Grouping::whole(table.len(), mask);
    });
    time("  part: binary::evaluate, model 0", &|| {
        let _ = metrics::binary::evaluate(&table, 0, &grouping, boot);
    });
    time("  part: evaluate_model (+extras), model 0", &|| {
        let _ = metrics::evaluate_model(&table, 0, &grouping, boot);
    });
    time("  part: binary::counts, model 0", &|| {
        let _ = metrics::binary::counts(&table, 0, &grouping);
    });
    let order = table.models[0].score_order(&table.target);
    let set = mask.map(faultline::grouping::RowSet::from_mask);
    time("  part: kept_order, model 0", &|| {
        let _ = faultline::grouping::kept_order(order, set.as_ref());
    });
    let kept = faultline::grouping::kept_order(order, set.as_ref());
    time("  part: rank_curves_of, model 0", &|| {
        let _ = curves::rank_curves_of(&kept, kept.len());
    });
    time("  part: score_shapes, model 0", &|| {
        let _ = curves::score_shapes(&kept, (0, 0), 10, 20, 100);
    });
    let prev = analysis::overview(&table, mask, 0.5);
    time("threshold move, cohort", &|| {
        let _ = analysis::overview_at_threshold(&prev, &table, mask, 0.6);
    });
    let every = analysis::overview(&table, None, 0.5);
    time("threshold move, every row", &|| {
        let _ = analysis::overview_at_threshold(&every, &table, None, 0.6);
    });
    time(
        "  part: counts_at (a pass over every row), model 0",
        &|| {
            let _ = metrics::binary::counts_at(&table, 0, mask, 0.6);
        },
    );
    let region = table.feature_index("region").expect("region");
    let device = table.feature_index("device").expect("device");
    time("slices region x device, every row", &|| {
        let _ = analysis::slices(&table, None, 0.5, &[region, device], 0, "accuracy");
    });
    time("slices region x device, cohort", &|| {
        let _ = analysis::slices(&table, mask, 0.5, &[region, device], 0, "accuracy");
    });
    time("slices region x device, cohort, t=0.6", &|| {
        let _ = analysis::slices(&table, mask, 0.6, &[region, device], 0, "accuracy");
    });
    time("  part: at_threshold 0.6", &|| {
        let _ = analysis::at_threshold(&table, 0.6);
    });
    time("  part: group_by region x device, cohort", &|| {
        let _ = faultline::grouping::group_by(&table, &[region, device], mask);
    });
}
