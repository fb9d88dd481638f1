//! Calibration of a binary model's scores (contract section 5): the expected
//! calibration error on equal-width bins (`ece`) and on equal-mass bins
//! (`ece_equal_mass`), the maximum calibration error (`mce`) and Murphy's
//! decomposition of the Brier score into reliability, resolution and
//! uncertainty, overall and per slice, each with a seeded bootstrap interval;
//! and per equal-width bin the positive rate with its Wilson interval, for the
//! reliability curve.
//!
//! The bootstrap resamples rows as a multinomial over the cells (equal-width bin,
//! equal-mass bin, label) and draws each cell's score sum from its normal limit
//! (cell mean times count, plus the cell's spread), and draws large cells' counts
//! from their normal limit too (`stats::multinomial_resample_approx`): the same
//! replicates as
//! resampling rows, to the precision a 95% interval needs, at a cost that does
//! not grow with the rows.

use rand_distr::{Distribution, StandardNormal};

use super::MetricSet;
use crate::stats::{self, Bootstrap, Interval};

/// The equal-width bin of a score: `min(floor(s * B), B - 1)`.
pub fn equal_width_bin(score: f64, bins: usize) -> usize {
    ((score * bins as f64).floor().max(0.0) as usize).min(bins - 1)
}

/// One equal-width bin of the reliability curve.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReliabilityBin {
    pub lo: f64,
    pub hi: f64,
    pub n: u64,
    pub mean_score: f64,
    pub positive_rate: f64,
    /// Wilson interval of the positive rate.
    pub ci: Option<Interval>,
}

/// The calibration figures of one group of rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calibration {
    pub n: u64,
    pub bins: Vec<ReliabilityBin>,
    /// `(name, value, interval)` in the contract's order.
    pub metrics: Vec<(&'static str, Option<f64>, Option<Interval>)>,
}

/// A non-empty cell: `(equal-width bin, equal-mass bin, label)` and its sums.
pub type KeyedCell = ((usize, usize, bool), Cell);

/// Per cell: count, score sum and sum of squares.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cell {
    pub n: u64,
    pub sum: f64,
    pub sq: f64,
}

/// The figures from per-cell totals: `cells[(ew * bins + em) * 2 + label]`.
fn figures(cells: &[(usize, usize, bool, u64, f64)], bins: usize) -> [f64; 6] {
    let mut ew = vec![(0u64, 0.0f64, 0u64); bins];
    let mut em = vec![(0u64, 0.0f64, 0u64); bins];
    let (mut n, mut pos) = (0u64, 0u64);
    for &(w, m, label, count, sum) in cells {
        for (b, i) in [(&mut ew, w), (&mut em, m)] {
            b[i].0 += count;
            b[i].1 += sum;
            if label {
                b[i].2 += count;
            }
        }
        n += count;
        if label {
            pos += count;
        }
    }
    if n == 0 {
        return [f64::NAN; 6];
    }
    let nf = n as f64;
    let ybar = pos as f64 / nf;
    let (mut ece, mut mce, mut rel, mut res, mut ece_m) = (0.0, 0.0f64, 0.0, 0.0, 0.0);
    for &(c, s, p) in &ew {
        if c == 0 {
            continue;
        }
        let conf = s / c as f64;
        let acc = p as f64 / c as f64;
        let w = c as f64 / nf;
        ece += w * (conf - acc).abs();
        mce = mce.max((conf - acc).abs());
        rel += w * (conf - acc).powi(2);
        res += w * (acc - ybar).powi(2);
    }
    for &(c, s, p) in &em {
        if c > 0 {
            ece_m += c as f64 / nf * (s / c as f64 - p as f64 / c as f64).abs();
        }
    }
    [ece, ece_m, mce, rel, res, ybar * (1.0 - ybar)]
}

/// The metric names, in the order of [`figures`].
pub const NAMES: [&str; 6] = [
    "ece",
    "ece_equal_mass",
    "mce",
    "brier_reliability",
    "brier_resolution",
    "brier_uncertainty",
];

/// Calibration of `(score, positive)` pairs sorted by ascending score (ties in
/// row order, as numpy's stable argsort), with `bins` bins.
pub fn calibration(
    sorted: &[(f64, bool)],
    bins: usize,
    boot: Bootstrap,
    stream: u64,
) -> Calibration {
    calibration_of(sorted.len(), sorted.iter().copied(), bins, boot, stream)
}

/// [`calibration`] of rows given by descending score, ties in row order (a
/// cohort's rows of the score order), read in ascending order.
pub fn calibration_of_descending(
    rows: &[crate::load::scores::ScoredRow],
    bins: usize,
    boot: Bootstrap,
    stream: u64,
) -> Calibration {
    let ascending = crate::load::scores::ascending(rows);
    calibration_of(rows.len(), ascending, bins, boot, stream)
}

/// [`calibration`] of `n` rows given in ascending score order by an iterator
/// (the window walks a model's cached score order instead of copying it).
pub fn calibration_of(
    n: usize,
    ascending: impl Iterator<Item = (f64, bool)>,
    bins: usize,
    boot: Bootstrap,
    stream: u64,
) -> Calibration {
    let bins = bins.max(1);
    // numpy.array_split: the first n % B bins hold one row more.
    let (base, extra) = (n / bins, n % bins);
    // Cells (equal-width bin, equal-mass bin, label). Both bins only grow along
    // the sorted rows, so each new (equal-width, equal-mass) pair opens two cells
    // and they come out in (equal-width, equal-mass, label) order: one pass.
    let mut pairs: Vec<((usize, usize), [Cell; 2])> = Vec::new();
    let (mut m, mut left) = (0, base + usize::from(extra > 0));
    // The equal-width bin also only grows: step it up where `s * bins` reaches
    // the next integer (the same test as `equal_width_bin`'s floor, without a
    // floor call per row).
    let mut w = None;
    for (s, y) in ascending.take(n) {
        while left == 0 && m + 1 < bins {
            m += 1;
            left = base + usize::from(m < extra);
        }
        left = left.saturating_sub(1);
        let x = s * bins as f64;
        let mut bin = w.unwrap_or_else(|| equal_width_bin(s, bins));
        while bin + 1 < bins && x >= (bin + 1) as f64 {
            bin += 1;
        }
        w = Some(bin);
        let key = (bin, m);
        if pairs.last().is_none_or(|p| p.0 != key) {
            pairs.push((key, [Cell::default(); 2]));
        }
        if let Some(p) = pairs.last_mut() {
            let c = &mut p.1[usize::from(y)];
            c.n += 1;
            c.sum += s;
            c.sq += s * s;
        }
    }
    let cells: Vec<((usize, usize, bool), Cell)> = pairs
        .iter()
        .flat_map(|&((w, m), c)| [((w, m, false), c[0]), ((w, m, true), c[1])])
        .filter(|(_, c)| c.n > 0)
        .collect();
    from_cells(n, &cells, bins, boot, stream)
}

/// The equal-mass bin of the row at ascending position `i` of `n` (numpy's
/// `array_split`: the first `n % B` bins hold one row more).
pub fn equal_mass_bin(i: u64, n: u64, bins: usize) -> usize {
    let b = bins.max(1) as u64;
    let (base, extra) = (n / b, n % b);
    let big = extra * (base + 1);
    let bin = if i < big {
        i / (base + 1)
    } else {
        (i - big).checked_div(base).map_or(b - 1, |k| extra + k)
    };
    bin.min(b - 1) as usize
}

/// Calibration from the non-empty cells `(equal-width bin, equal-mass bin, label)`
/// in that order, over `n` rows: what the in-memory walk and a Spark query both
/// produce.
pub fn from_cells(
    n: usize,
    cells: &[((usize, usize, bool), Cell)],
    bins: usize,
    boot: Bootstrap,
    stream: u64,
) -> Calibration {
    let bins = bins.max(1);
    if n == 0 {
        return Calibration {
            n: 0,
            bins: Vec::new(),
            metrics: NAMES.iter().map(|&m| (m, None, None)).collect(),
        };
    }
    let flat: Vec<(usize, usize, bool, u64, f64)> = cells
        .iter()
        .map(|&((w, m, y), c)| (w, m, y, c.n, c.sum))
        .collect();
    let values = figures(&flat, bins);
    // Reliability bins with Wilson intervals.
    let mut rb: Vec<ReliabilityBin> = (0..bins)
        .map(|b| ReliabilityBin {
            lo: b as f64 / bins as f64,
            hi: (b + 1) as f64 / bins as f64,
            ..Default::default()
        })
        .collect();
    let mut pos = vec![0u64; bins];
    for &(w, _, y, c, s) in &flat {
        rb[w].n += c;
        rb[w].mean_score += s;
        if y {
            pos[w] += c;
        }
    }
    for (b, p) in rb.iter_mut().zip(&pos) {
        if b.n > 0 {
            b.mean_score /= b.n as f64;
            b.positive_rate = *p as f64 / b.n as f64;
            b.ci = stats::wilson(*p, b.n);
        } else {
            b.mean_score = f64::NAN;
            b.positive_rate = f64::NAN;
        }
    }
    // Bootstrap over the cells.
    let mut reps: Vec<Vec<f64>> = (0..NAMES.len())
        .map(|_| Vec::with_capacity(boot.resamples))
        .collect();
    if n > 1 {
        let counts: Vec<u64> = cells.iter().map(|(_, c)| c.n).collect();
        let spread: Vec<(f64, f64)> = cells
            .iter()
            .map(|(_, c)| {
                let mean = c.sum / c.n as f64;
                let var = if c.n > 1 {
                    ((c.sq - c.n as f64 * mean * mean) / (c.n - 1) as f64).max(0.0)
                } else {
                    0.0
                };
                (mean, var.sqrt())
            })
            .collect();
        let mut rng = stats::rng(boot.seed, stream);
        let mut draw = vec![0u64; counts.len()];
        let mut sample = flat.clone();
        for _ in 0..boot.resamples {
            stats::multinomial_resample_approx(&mut rng, &counts, &mut draw);
            for ((cell, &k), &(mean, sd)) in sample.iter_mut().zip(&draw).zip(&spread) {
                cell.3 = k;
                let z: f64 = StandardNormal.sample(&mut rng);
                cell.4 = if k == 0 {
                    0.0
                } else {
                    k as f64 * mean + sd * (k as f64).sqrt() * z
                };
            }
            for (r, v) in reps.iter_mut().zip(figures(&sample, bins)) {
                r.push(v);
            }
        }
    }
    let metrics = NAMES
        .iter()
        .zip(values)
        .zip(reps)
        .map(|((&name, v), mut r)| {
            let ci = if r.is_empty() {
                None
            } else {
                stats::percentile_interval(&mut r)
            };
            (name, Some(v).filter(|v| v.is_finite()), ci)
        })
        .collect();
    Calibration {
        n: n as u64,
        bins: rb,
        metrics,
    }
}

/// Adds a slot's calibration figures to its metric set.
pub fn push(set: &mut MetricSet, c: &Calibration) {
    for &(name, v, ci) in &c.metrics {
        set.push(name, v, ci);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_mass_bins_by_position_match_the_walk() {
        // The walk in `calibration_of` gives bin m `n / B (+1 for m < n % B)` rows.
        for n in 0..60u64 {
            for bins in 1..13usize {
                let (base, extra) = (n as usize / bins, n as usize % bins);
                let mut expected = Vec::new();
                for m in 0..bins {
                    let size = base + usize::from(m < extra);
                    expected.extend(std::iter::repeat_n(m, size));
                }
                let got: Vec<usize> = (0..n).map(|i| equal_mass_bin(i, n, bins)).collect();
                assert_eq!(got, expected, "n {n}, bins {bins}");
            }
        }
    }

    #[test]
    fn the_walk_puts_each_score_in_its_equal_width_bin() {
        // Scores on and beside every bin edge (0.3 * 10 is 3.0000000000000004),
        // 0 and 1: each bin's count must be that of `equal_width_bin` per score.
        let mut scores: Vec<f64> = (0..=100).map(|k| k as f64 / 100.0).collect();
        scores.extend((0..=10).map(|k| (k as f64 / 10.0 - 1e-12).max(0.0)));
        scores.extend([0.05, 0.55, 0.999_999]);
        scores.sort_by(f64::total_cmp);
        for bins in [1, 3, 7, 10] {
            let rows: Vec<(f64, bool)> = scores
                .iter()
                .enumerate()
                .map(|(i, &s)| (s, i % 3 == 0))
                .collect();
            let c = calibration_of(
                rows.len(),
                rows.iter().copied(),
                bins,
                Bootstrap {
                    resamples: 0,
                    seed: 0,
                },
                0,
            );
            let mut want = vec![0u64; bins];
            for &s in &scores {
                want[equal_width_bin(s, bins)] += 1;
            }
            let got: Vec<u64> = c.bins.iter().map(|b| b.n).collect();
            assert_eq!(got, want, "bins {bins}");
        }
    }

    #[test]
    fn hand_worked_bins() {
        // Scores 0.1 (neg), 0.15 (pos), 0.9 (pos), 0.95 (pos), two bins.
        let rows = [(0.1, false), (0.15, true), (0.9, true), (0.95, true)];
        let c = calibration(
            &rows,
            2,
            Bootstrap {
                resamples: 0,
                seed: 0,
            },
            0,
        );
        let v = |name: &str| {
            c.metrics
                .iter()
                .find(|m| m.0 == name)
                .and_then(|m| m.1)
                .unwrap()
        };
        // Bin 0: mean 0.125, rate 0.5; bin 1: mean 0.925, rate 1.
        let ece = 0.5 * (0.125f64 - 0.5).abs() + 0.5 * (0.925f64 - 1.0).abs();
        assert!((v("ece") - ece).abs() < 1e-12);
        assert!((v("mce") - 0.375).abs() < 1e-12);
        // Equal mass splits the same way here.
        assert!((v("ece_equal_mass") - ece).abs() < 1e-12);
        let rel = 0.5 * 0.375f64.powi(2) + 0.5 * 0.075f64.powi(2);
        assert!((v("brier_reliability") - rel).abs() < 1e-12);
        assert!((v("brier_resolution") - 0.0625).abs() < 1e-12);
        assert!((v("brier_uncertainty") - 0.75 * 0.25).abs() < 1e-12);
        assert_eq!(equal_width_bin(1.0, 10), 9);
        assert_eq!(equal_width_bin(0.3, 10), 3);
    }
}
