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
//! from their normal limit too (`stats::Multinomial::draw_approx`): the same
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
/// `bin_sums` is scratch space, reused across a bootstrap's draws.
fn figures(
    cells: &[(usize, usize, bool, u64, f64)],
    bins: usize,
    bin_sums: &mut Vec<(u64, f64, u64)>,
) -> [f64; 6] {
    bin_sums.clear();
    bin_sums.resize(2 * bins, (0, 0.0, 0));
    let (ew, em) = bin_sums.split_at_mut(bins);
    let (mut n, mut pos) = (0u64, 0u64);
    for &(w, m, label, count, sum) in cells {
        for (b, i) in [(&mut *ew, w), (&mut *em, m)] {
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
    let f = stats::count_f64;
    let nf = f(n);
    let ybar = f(pos) / nf;
    let (mut ece, mut mce, mut rel, mut res, mut ece_m) = (0.0, 0.0f64, 0.0, 0.0, 0.0);
    for &(c, s, p) in ew.iter() {
        if c == 0 {
            continue;
        }
        let conf = s / f(c);
        let acc = f(p) / f(c);
        let w = f(c) / nf;
        ece += w * (conf - acc).abs();
        mce = mce.max((conf - acc).abs());
        rel += w * (conf - acc).powi(2);
        res += w * (acc - ybar).powi(2);
    }
    for &(c, s, p) in em.iter() {
        if c > 0 {
            ece_m += f(c) / nf * (s / f(c) - f(p) / f(c)).abs();
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
/// cohort's rows of the score order): the same cells as [`calibration_of`] on
/// them in ascending order, summed one cell at a time ([`descending_cells`]).
pub fn calibration_of_descending(
    rows: &[crate::load::scores::ScoredRow],
    bins: usize,
    boot: Bootstrap,
    stream: u64,
) -> Calibration {
    let bins = bins.max(1);
    from_cells(
        rows.len(),
        &descending_cells(rows, bins),
        bins,
        boot,
        stream,
    )
}

/// The non-empty cells (equal-width bin, equal-mass bin, label) of rows given by
/// descending score, each summed in the order [`calibration_of`] adds to it
/// when it walks them by ascending score (ties in row order).
///
/// A cell's rows are one stretch of the order: the equal-width bins are ranges
/// of score (found by binary search) and the equal-mass bins ranges of
/// ascending position, so each cell is a tight loop over its stretch, read
/// backwards, with nothing else in the loop. Reading backwards visits tied rows
/// in reverse; that changes no sum (tied rows add the same value) except where
/// an equal-mass edge cuts a run of ties, which then contributes to each side
/// the rows the ascending walk gives it: the run's stretch mirrored within it.
fn descending_cells(rows: &[crate::load::scores::ScoredRow], bins: usize) -> Vec<KeyedCell> {
    let n = rows.len();
    let bins = bins.max(1);
    let (base, extra) = (n / bins, n % bins);
    let bins_f = bins as f64;
    // Rows `..cut[e]` have `s * bins >= e` (`equal_width_bin`'s floor at least
    // e): equal-width bin w is the stretch `cut[w + 1]..cut[w]`.
    let cut: Vec<usize> = (0..=bins)
        .map(|e| match e {
            0 => n,
            e if e == bins => 0,
            e => rows.partition_point(|r| r.score() * bins_f >= e as f64),
        })
        .collect();
    let mut cells = Vec::new();
    let mut above = 0; // rows of the lower equal-mass bins
    for m in 0..bins {
        let size = base + usize::from(m < extra);
        // Ascending positions `above..above + size`, as positions of `rows`.
        let (m_lo, m_hi) = (n - above - size, n - above);
        above += size;
        for w in 0..bins {
            let (lo, hi) = (m_lo.max(cut[w + 1]), m_hi.min(cut[w]));
            if lo >= hi {
                continue;
            }
            let [neg, pos] = stretch_cells(rows, lo, hi);
            for (label, c) in [(false, neg), (true, pos)] {
                if c.n > 0 {
                    cells.push(((w, m, label), c));
                }
            }
        }
    }
    cells
}

/// The two label cells of the rows at ascending positions `n - hi..n - lo` of
/// `rows` (descending), in ascending order: see [`descending_cells`].
fn stretch_cells(rows: &[crate::load::scores::ScoredRow], lo: usize, hi: usize) -> [Cell; 2] {
    // The run of ties holding position i: `start..end`.
    let run = |i: usize| {
        let s = rows[i].score();
        (
            rows.partition_point(|r| r.score() > s),
            rows.partition_point(|r| r.score() >= s),
        )
    };
    let (h0, h1) = run(hi - 1);
    let (t0, t1) = run(lo);
    let mut sums = [Cell::default(); 2];
    if h0 == t0 {
        // One run holds the whole stretch.
        add_backwards(&mut sums, &rows[h0 + h1 - hi..h0 + h1 - lo]);
    } else {
        // The run at the top end (lowest scores), mirrored, the whole runs
        // between, then the run at the bottom end, mirrored.
        add_backwards(&mut sums, &rows[h0 + h1 - hi..h1]);
        add_backwards(&mut sums, &rows[t1..h0]);
        add_backwards(&mut sums, &rows[t0..t0 + t1 - lo]);
    }
    sums
}

/// Adds `rows`, last first, to the negative and positive cells.
#[inline]
fn add_backwards(sums: &mut [Cell; 2], rows: &[crate::load::scores::ScoredRow]) {
    let [mut neg, mut pos] = *sums;
    for r in rows.iter().rev() {
        let s = r.score();
        let y = r.positive();
        // Both cells take the row, weighted by its label: times 1.0 it is the
        // row itself, times 0.0 it adds +0.0, which changes no bit of these
        // non-negative sums (a branch on the label would miss half the time).
        let yes = f64::from(u8::from(y));
        let no = 1.0 - yes;
        pos.n += u64::from(y);
        pos.sum += s * yes;
        neg.sum += s * no;
        pos.sq += s * s * yes;
        neg.sq += s * s * no;
    }
    neg.n += rows.len() as u64 - (pos.n - sums[1].n);
    *sums = [neg, pos];
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
    from_cells(n, &ascending_cells(n, ascending, bins), bins, boot, stream)
}

/// The non-empty cells (equal-width bin, equal-mass bin, label) of `n` rows
/// given in ascending score order, in that order of cells.
fn ascending_cells(
    n: usize,
    ascending: impl Iterator<Item = (f64, bool)>,
    bins: usize,
) -> Vec<KeyedCell> {
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
    pairs
        .iter()
        .flat_map(|&((w, m), c)| [((w, m, false), c[0]), ((w, m, true), c[1])])
        .filter(|(_, c)| c.n > 0)
        .collect()
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
    let (mut cal, mut replicates) = prepare(n, cells, bins, boot, stream);
    if let Some(r) = replicates.as_mut() {
        for _ in 0..boot.resamples {
            r.draw_counts();
            r.finish_replicate();
        }
    }
    cal.metrics = metrics_with(cal.metrics, replicates);
    cal
}

/// [`from_cells`] of two slots at once, the same numbers as one at a time (each
/// slot draws from its own stream, in the same order). Each cell's count is
/// drawn from what the cells before it left, a chain of dependent steps that
/// waits on each step's square root; with the two slots' chains stepped side by
/// side, the processor works on both at once.
fn from_cells_pair(
    slots: [(usize, &[KeyedCell], u64); 2],
    bins: usize,
    boot: Bootstrap,
) -> [Calibration; 2] {
    let [(na, ca, sa), (nb, cb, sb)] = slots;
    let (mut cal_a, mut rep_a) = prepare(na, ca, bins, boot, sa);
    let (mut cal_b, mut rep_b) = prepare(nb, cb, bins, boot, sb);
    match (rep_a.as_mut(), rep_b.as_mut()) {
        (Some(a), Some(b)) => {
            for _ in 0..boot.resamples {
                stats::Multinomial::draw_approx_pair(
                    [&a.multinomial, &b.multinomial],
                    [&mut a.rng, &mut b.rng],
                    [&mut a.draw, &mut b.draw],
                );
                a.finish_replicate();
                b.finish_replicate();
            }
        }
        (a, b) => {
            for r in [a, b].into_iter().flatten() {
                for _ in 0..boot.resamples {
                    r.draw_counts();
                    r.finish_replicate();
                }
            }
        }
    }
    cal_a.metrics = metrics_with(cal_a.metrics, rep_a);
    cal_b.metrics = metrics_with(cal_b.metrics, rep_b);
    [cal_a, cal_b]
}

/// [`calibration_of_descending`] of each of `slots` (rows and stream), two at
/// a time ([`from_cells_pair`]).
pub fn calibrations_of_descending(
    slots: &[(&[crate::load::scores::ScoredRow], u64)],
    bins: usize,
    boot: Bootstrap,
) -> Vec<Calibration> {
    let bins = bins.max(1);
    let cells: Vec<Vec<KeyedCell>> = slots
        .iter()
        .map(|(rows, _)| descending_cells(rows, bins))
        .collect();
    let mut out = Vec::with_capacity(slots.len());
    for (pair, cells) in slots.chunks(2).zip(cells.chunks(2)) {
        match (pair, cells) {
            ([(ra, sa), (rb, sb)], [ca, cb]) => out.extend(from_cells_pair(
                [(ra.len(), ca, *sa), (rb.len(), cb, *sb)],
                bins,
                boot,
            )),
            _ => {
                for ((rows, stream), cells) in pair.iter().zip(cells) {
                    out.push(from_cells(rows.len(), cells, bins, boot, *stream));
                }
            }
        }
    }
    out
}

/// One slot's bootstrap state: the cells' multinomial, each cell's score mean
/// and spread, the replicate being made and the figures of those made.
struct Replicates {
    multinomial: stats::Multinomial,
    spread: Vec<(f64, f64)>,
    rng: rand_chacha::ChaCha8Rng,
    draw: Vec<u64>,
    sample: Vec<(usize, usize, bool, u64, f64)>,
    bins: usize,
    bin_sums: Vec<(u64, f64, u64)>,
    reps: Vec<Vec<f64>>,
}

impl Replicates {
    /// The next replicate's cell counts.
    fn draw_counts(&mut self) {
        self.multinomial.draw_approx(&mut self.rng, &mut self.draw);
    }

    /// The rest of a replicate whose counts are drawn: each cell's score sum
    /// from its normal limit, then the figures.
    fn finish_replicate(&mut self) {
        let cells = self.sample.iter_mut().zip(&self.draw).zip(&self.spread);
        for ((cell, &k), &(mean, sd)) in cells {
            cell.3 = k;
            let z: f64 = StandardNormal.sample(&mut self.rng);
            cell.4 = if k == 0 {
                0.0
            } else {
                let k = stats::count_f64(k);
                k * mean + sd * k.sqrt() * z
            };
        }
        let figures = figures(&self.sample, self.bins, &mut self.bin_sums);
        for (r, v) in self.reps.iter_mut().zip(figures) {
            r.push(v);
        }
    }
}

/// The calibration of the cells without its intervals, and the state of its
/// bootstrap (None when it has none: fewer than two rows).
fn prepare(
    n: usize,
    cells: &[((usize, usize, bool), Cell)],
    bins: usize,
    boot: Bootstrap,
    stream: u64,
) -> (Calibration, Option<Replicates>) {
    let bins = bins.max(1);
    if n == 0 {
        let cal = Calibration {
            n: 0,
            bins: Vec::new(),
            metrics: NAMES.iter().map(|&m| (m, None, None)).collect(),
        };
        return (cal, None);
    }
    let flat: Vec<(usize, usize, bool, u64, f64)> = cells
        .iter()
        .map(|&((w, m, y), c)| (w, m, y, c.n, c.sum))
        .collect();
    let mut bin_sums = Vec::new();
    let values = figures(&flat, bins, &mut bin_sums);
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
    let metrics = NAMES
        .iter()
        .zip(values)
        .map(|(&name, v)| (name, Some(v).filter(|v| v.is_finite()), None))
        .collect();
    let cal = Calibration {
        n: n as u64,
        bins: rb,
        metrics,
    };
    // Bootstrap over the cells.
    if n <= 1 {
        return (cal, None);
    }
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
    let replicates = Replicates {
        multinomial: stats::Multinomial::new(&counts),
        spread,
        rng: stats::rng(boot.seed, stream),
        draw: vec![0u64; counts.len()],
        sample: flat,
        bins,
        bin_sums,
        reps: (0..NAMES.len())
            .map(|_| Vec::with_capacity(boot.resamples))
            .collect(),
    };
    (cal, Some(replicates))
}

/// The metrics with the percentile intervals of their replicates (none without).
type Metrics = Vec<(&'static str, Option<f64>, Option<Interval>)>;

fn metrics_with(metrics: Metrics, replicates: Option<Replicates>) -> Metrics {
    let Some(r) = replicates else {
        return metrics;
    };
    metrics
        .into_iter()
        .zip(r.reps)
        .map(|((name, v, _), reps)| {
            let ci = if reps.is_empty() {
                None
            } else {
                stats::percentile_interval(&reps)
            };
            (name, v, ci)
        })
        .collect()
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
    fn slots_calibrated_two_at_a_time_match_one_at_a_time() {
        use crate::load::scores::{ScoredRow, score_order};
        // Slots of 0, 1, 2 and more rows (no bootstrap below two), with ties,
        // in an odd count so that one slot goes alone.
        let rows = |n: usize, k: usize| -> Vec<ScoredRow> {
            let score: Vec<f64> = (0..n)
                .map(|i| (((i * 7919 + k * 31) % 1000) as f64 / 20.0).round() / 50.0)
                .collect();
            let label: Vec<u32> = (0..n)
                .map(|i| u32::from((i * k).is_multiple_of(3)))
                .collect();
            score_order(&score, &label).scored[..].to_vec()
        };
        let slots: Vec<Vec<ScoredRow>> = [0, 1, 2, 40, 3000, 700, 1]
            .iter()
            .enumerate()
            .map(|(k, &n)| rows(n, k + 1))
            .collect();
        let boot = Bootstrap {
            resamples: 200,
            seed: 4,
        };
        let streams: Vec<(&[ScoredRow], u64)> = (slots.iter())
            .enumerate()
            .map(|(k, r)| (&r[..], 100 + k as u64))
            .collect();
        for bins in [1, 10] {
            let paired = calibrations_of_descending(&streams, bins, boot);
            assert_eq!(paired.len(), slots.len());
            for ((rows, stream), got) in streams.iter().zip(&paired) {
                let want = calibration_of_descending(rows, bins, boot, *stream);
                assert_eq!(
                    format!("{got:?}"),
                    format!("{want:?}"),
                    "{} rows",
                    rows.len()
                );
            }
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

    #[test]
    fn descending_cells_equal_the_ascending_walk_s_to_the_bit() {
        use crate::load::scores::{ascending, tied_orders};
        // Equal-mass edges cut runs of ties of mixed labels.
        for (k, order) in tied_orders().iter().enumerate() {
            for bins in [1, 2, 3, 7, 10, 13] {
                let walked = ascending_cells(order.len(), ascending(&order.scored), bins);
                let stretched = descending_cells(&order.scored, bins);
                assert!(!order.is_empty() || walked.is_empty());
                assert_eq!(
                    format!("{stretched:?}"),
                    format!("{walked:?}"),
                    "set {k}, bins {bins}"
                );
            }
        }
    }
}
