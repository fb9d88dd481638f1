//! What fairness and calibration add to `faultline metrics` (issue 13): on a
//! binary file (1M rows, two scored models), the compute of the plain binary
//! metrics against the full evaluation with calibration (ECE equal-width and
//! equal-mass, MCE, Brier decomposition, bootstrap intervals), two sensitive
//! features and the cost optimum. Loading is outside the timings.
//!
//!     bash bench/fairness_calibration.sh    # generates the file, then runs this

#![allow(clippy::expect_used)] // A benchmark that cannot set up fails loudly.

use std::time::Instant;

use faultline::grouping::Grouping;
use faultline::load::{LoadOptions, Mapping};
use faultline::metrics;
use faultline::stats::Bootstrap;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench/out/churn_1000000.parquet".into());
    let features = vec!["region".to_string(), "device".to_string()];
    let options = LoadOptions {
        features: Some(features.clone()),
        keep_frame: false,
        ..Default::default()
    };
    let mut table =
        faultline::load::load(std::path::Path::new(&path), &Mapping::default(), &options)
            .expect("load")
            .table;
    let grouping = Grouping::whole(table.len(), None);
    let boot = Bootstrap::default();
    // Warm the per-model caches (score order, log loss) as the first pass does.
    let _ = metrics::evaluate(&table, &grouping, boot);
    let runs = 7;
    let time = |f: &dyn Fn()| {
        median(
            (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect(),
        )
    };
    let plain = time(&|| {
        for m in 0..table.models.len() {
            let _ = metrics::binary::evaluate(&table, m, &grouping, boot);
        }
    });
    let calibration = time(&|| {
        for m in 0..table.models.len() {
            let _ = metrics::evaluate_model(&table, m, &grouping, boot);
        }
    });
    table.params.sensitive = features;
    let fairness = time(&|| {
        for m in 0..table.models.len() {
            let _ = metrics::evaluate_model(&table, m, &grouping, boot);
        }
    });
    table.params.cost = Some((1.0, 5.0));
    let everything = time(&|| {
        for m in 0..table.models.len() {
            let _ = metrics::evaluate_model(&table, m, &grouping, boot);
        }
    });
    println!(
        "{} rows, {} models one after the other (median of {runs}): binary metrics {plain:.1} ms; with calibration {calibration:.1} ms (+{:.1}); with calibration and fairness over region and device {fairness:.1} ms (+{:.1}); and the cost optimum {everything:.1} ms (+{:.1} for the cost)",
        table.len(),
        table.models.len(),
        calibration - plain,
        fairness - plain,
        everything - fairness
    );
}
