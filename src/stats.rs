//! Interval and test statistics shared by metrics, discovery and comparison.
//! Each function mirrors a named reference (statsmodels, numpy) closely enough to
//! agree to 1e-9.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::HashMap;

/// The two-sided 95% normal critical value, `scipy.stats.norm.isf(0.025)`.
pub const Z_95: f64 = 1.959_963_984_540_054_5;

/// Slots with more rows than this get no row-bootstrap interval (it would cost
/// rows × resamples); the paired closed forms cover the main metrics at any size.
pub const ROW_BOOTSTRAP_MAX: u64 = 200_000;

/// A closed interval `[lo, hi]`.
pub type Interval = [f64; 2];

/// Wilson score interval, as statsmodels `proportion_confint(count, nobs, 0.05, "wilson")`.
pub fn wilson(count: u64, nobs: u64) -> Option<Interval> {
    if nobs == 0 {
        return None;
    }
    let n = nobs as f64;
    let q = count as f64 / n;
    let crit2 = Z_95 * Z_95;
    let denom = 1.0 + crit2 / n;
    let center = (q + crit2 / (2.0 * n)) / denom;
    let dist = Z_95 * (q * (1.0 - q) / n + crit2 / (4.0 * n * n)).sqrt() / denom;
    Some([center - dist, center + dist])
}

/// Wilson score interval for a fractional count (the mean of per-example pass
/// rates times n), as statsmodels `proportion_confint` computes it for a float count.
pub fn wilson_fraction(count: f64, nobs: u64) -> Option<Interval> {
    if nobs == 0 || !count.is_finite() {
        return None;
    }
    let n = nobs as f64;
    let q = count / n;
    let crit2 = Z_95 * Z_95;
    let denom = 1.0 + crit2 / n;
    let center = (q + crit2 / (2.0 * n)) / denom;
    let dist = Z_95 * ((q * (1.0 - q)).max(0.0) / n + crit2 / (4.0 * n * n)).sqrt() / denom;
    Some([center - dist, center + dist])
}

/// The normal quantile for 80% power, `scipy.stats.norm.ppf(0.8)`.
pub const Z_POWER_80: f64 = 0.841_621_233_572_914_3;

/// The clustered standard error of a mean (Miller 2024, eq. 4; statsmodels OLS on
/// an intercept with `cov_type="cluster"`, `use_correction=False`):
/// `sqrt(sum over clusters of (sum of residuals in the cluster)^2) / n`, from each
/// cluster's `(sum, count)` of the values and the mean over all of them.
pub fn clustered_se(cluster_sums: impl Iterator<Item = (f64, u64)>, mean: f64, n: u64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let ss: f64 = cluster_sums
        .map(|(sum, count)| {
            let r = sum - count as f64 * mean;
            r * r
        })
        .sum();
    ss.sqrt() / n as f64
}

/// `estimate ± 1.959964 × se`.
pub fn normal_interval(estimate: f64, se: f64) -> Option<Interval> {
    (estimate.is_finite() && se.is_finite()).then_some([estimate - Z_95 * se, estimate + Z_95 * se])
}

/// Student t interval for a mean from its sample standard deviation (ddof = 1).
pub fn t_interval(mean: f64, sd: f64, n: u64) -> Option<Interval> {
    if n < 2 || !sd.is_finite() || !mean.is_finite() {
        return None;
    }
    let t = t_quantile_975((n - 1) as f64)?;
    let half = t * sd / (n as f64).sqrt();
    Some([mean - half, mean + half])
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom. Above 1,000
/// degrees of freedom from its asymptotic expansion in 1/df (Abramowitz and Stegun
/// 26.7.5, exact to double precision there): statrs' inverse regularized beta
/// takes minutes at millions of degrees of freedom (a slice of a Spark table).
pub fn t_quantile_975(df: f64) -> Option<f64> {
    if df > 1000.0 {
        let z = 1.959_963_984_540_054_f64;
        let (z2, v) = (z * z, df);
        let z3 = z2 * z;
        let z5 = z3 * z2;
        let z7 = z5 * z2;
        let z9 = z7 * z2;
        let g1 = (z3 + z) / 4.0;
        let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
        let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
        let g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;
        return Some(z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v));
    }
    Some(StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(0.975))
}

/// Sample standard deviation (ddof = 1) from a sum and a sum of squares around the mean.
pub fn sd_from_sums(n: u64, sum: f64, sum_sq: f64) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    let nf = n as f64;
    let mean = sum / nf;
    ((sum_sq - nf * mean * mean).max(0.0) / (nf - 1.0)).sqrt()
}

/// A slot's random-stream number: groups by their index, the overall slot (the last,
/// `n_groups`) by a fixed number, so that the overall interval is the same with or
/// without slices (`--by`) for the same seed.
pub fn slot_stream(slot: usize, n_groups: usize) -> u64 {
    if slot == n_groups {
        u64::from(u32::MAX)
    } else {
        slot as u64
    }
}

/// The deterministic random stream for one computation: the same seed and stream
/// give the same draws on every machine.
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// A multinomial with the given cell counts as probabilities and their total as
/// trials, drawn as a bootstrap resample of rows summarised as a contingency
/// table. Each draw is a chain of binomials, one per cell, whose probabilities
/// (a cell's count over the mass of the cells from it on) depend only on the
/// counts: they are worked out once here, not once per cell per draw of a
/// thousand-draw bootstrap.
#[derive(Debug, Clone)]
pub struct Multinomial {
    total: u64,
    /// Per cell: its count, its conditional probability, and whether it takes
    /// every remaining trial (the last non-empty cells).
    steps: Vec<(u64, f64, bool)>,
}

impl Multinomial {
    pub fn new(cells: &[u64]) -> Multinomial {
        let total: u64 = cells.iter().sum();
        let mut mass = total as f64;
        let steps = cells
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let step = (
                    c,
                    (c as f64 / mass).clamp(0.0, 1.0),
                    i == cells.len() - 1 || c as f64 >= mass,
                );
                mass -= c as f64;
                step
            })
            .collect();
        Multinomial { total, steps }
    }

    /// One resample's cell counts into `out`.
    pub fn draw(&self, rng: &mut ChaCha8Rng, out: &mut [u64]) {
        self.draw_with(rng, out, |rng, n, p| {
            Binomial::new(n, p).map(|b| b.sample(rng)).unwrap_or(0)
        });
    }

    /// [`Multinomial::draw`] where a conditional binomial with a large variance
    /// (n p (1 - p) above 100) is drawn from its normal limit, rounded and
    /// clamped: the same distribution to well within what a 95% interval
    /// resolves, at the cost of one normal draw instead of a binomial's
    /// rejection sampler. For bootstraps of many cells (calibration's bins).
    pub fn draw_approx(&self, rng: &mut ChaCha8Rng, out: &mut [u64]) {
        self.draw_with(rng, out, approx_binomial);
    }

    /// [`Multinomial::draw_approx`] of two multinomials, each from its own
    /// stream: the same draws as one after the other, with the two chains of
    /// conditional draws stepped side by side so that the processor overlaps
    /// their latencies (each step waits on the one before, through a square
    /// root).
    pub fn draw_approx_pair(
        [a, b]: [&Multinomial; 2],
        [rng_a, rng_b]: [&mut ChaCha8Rng; 2],
        [out_a, out_b]: [&mut [u64]; 2],
    ) {
        let (mut left_a, mut left_b) = (a.total, b.total);
        let mut steps_a = a.steps.iter().zip(out_a.iter_mut());
        let mut steps_b = b.steps.iter().zip(out_b.iter_mut());
        loop {
            let (next_a, next_b) = (steps_a.next(), steps_b.next());
            if next_a.is_none() && next_b.is_none() {
                return;
            }
            if let Some((&step, o)) = next_a {
                *o = conditional(rng_a, left_a, step, approx_binomial);
                left_a -= *o;
            }
            if let Some((&step, o)) = next_b {
                *o = conditional(rng_b, left_b, step, approx_binomial);
                left_b -= *o;
            }
        }
    }

    /// The chain of draws, `binomial(rng, remaining trials, p)` for each cell
    /// that does not simply take the rest.
    #[inline]
    fn draw_with(
        &self,
        rng: &mut ChaCha8Rng,
        out: &mut [u64],
        binomial: impl Fn(&mut ChaCha8Rng, u64, f64) -> u64,
    ) {
        let mut remaining = self.total;
        for (&step, o) in self.steps.iter().zip(out.iter_mut()) {
            *o = conditional(rng, remaining, step, &binomial);
            remaining -= *o;
        }
    }
}

/// One cell's count given the trials the cells before it left: none for an
/// empty cell, the rest for the last, else a conditional binomial draw.
#[inline]
fn conditional(
    rng: &mut ChaCha8Rng,
    remaining: u64,
    (c, p, rest): (u64, f64, bool),
    binomial: impl Fn(&mut ChaCha8Rng, u64, f64) -> u64,
) -> u64 {
    if remaining == 0 || c == 0 {
        0
    } else if rest {
        remaining
    } else {
        binomial(rng, remaining, p)
    }
}

/// A binomial draw, from its normal limit (rounded and clamped) when its
/// variance is above 100: see [`Multinomial::draw_approx`].
#[inline(always)]
fn approx_binomial(rng: &mut ChaCha8Rng, remaining: u64, p: f64) -> u64 {
    use rand_distr::StandardNormal;
    let n = count_f64(remaining);
    let var = n * p * (1.0 - p);
    if var > 100.0 {
        let z: f64 = StandardNormal.sample(rng);
        round_within(n * p + var.sqrt() * z, remaining)
    } else {
        exact_binomial(rng, remaining, p)
    }
}

/// A binomial draw by rand_distr's sampler, kept out of line so that the
/// common path of [`approx_binomial`], inlined into the chains' steps, stays
/// short (few conditional draws of a calibration bootstrap come here).
#[inline(never)]
fn exact_binomial(rng: &mut ChaCha8Rng, n: u64, p: f64) -> u64 {
    Binomial::new(n, p).map(|b| b.sample(rng)).unwrap_or(0)
}

/// A count as a float, the same value as `n as f64` for every count below
/// 2^63 (any count of rows): converted through `i64`, one instruction on
/// x86-64 without AVX-512, where the unsigned conversion takes several. On
/// the chain of a multinomial's conditional draws and in the figures each
/// bootstrap replicate recomputes.
#[inline]
pub fn count_f64(n: u64) -> f64 {
    debug_assert!(n < 1 << 63);
    n as i64 as f64
}

/// `x.round().clamp(0.0, n as f64) as u64` for a finite `x` and `n` below
/// 2^52, in integer steps: clamped first (rounding is monotone, so the order
/// does not matter), then truncated and rounded half away from zero as
/// `f64::round` does. It sits on the chain of a multinomial's conditional
/// draws (each cell's trials are what the cells before it left), where a
/// call into libm's `round` and the branchy unsigned conversion added to
/// every step's latency.
#[inline]
fn round_within(x: f64, n: u64) -> u64 {
    let x = x.clamp(0.0, count_f64(n));
    // Exact: `x` is non-negative and below 2^52, so the truncation and the
    // difference are both exact, as in `f64::round`.
    let t = x as i64;
    (t + i64::from(x - t as f64 >= 0.5)) as u64
}

/// numpy's default (linear) quantile of sorted data.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

/// [`quantile_sorted`] at each of `qs` of the non-NaN `values` as if they were
/// sorted (by `total_cmp`), without sorting them: the few order statistics the
/// quantiles read are counted from the distinct values when there are at most
/// 65,536 of them (an age, a count), and selected otherwise. Sorting 10M values
/// to bin a feature took ~0.2 s a column. NaN for every quantile of no values.
pub fn quantiles_unsorted(values: &[f64], qs: &[f64]) -> Vec<f64> {
    let n = values.iter().filter(|v| !v.is_nan()).count();
    quantiles_by_rank(n, qs, |ranks| order_statistics(values, ranks))
}

/// [`quantiles_unsorted`] of values given as their distinct values, ascending,
/// with how often each occurs (an integer column counted by value).
pub fn quantiles_of_counts(distinct: &[(f64, u64)], qs: &[f64]) -> Vec<f64> {
    let n = distinct.iter().map(|&(_, c)| c).sum::<u64>() as usize;
    quantiles_by_rank(n, qs, |ranks| statistics_of_counts(distinct, ranks))
}

/// The quantiles at `qs` of `n` values, linear between the two order
/// statistics each reads; `at(ranks)` gives the values at `ranks` (ascending,
/// distinct).
fn quantiles_by_rank(n: usize, qs: &[f64], at: impl FnOnce(&[usize]) -> Vec<f64>) -> Vec<f64> {
    if n == 0 {
        return vec![f64::NAN; qs.len()];
    }
    // The two ranks each quantile reads, and its interpolation weight.
    let spots: Vec<(usize, usize, f64)> = qs
        .iter()
        .map(|&q| {
            if n == 1 {
                return (0, 0, 0.0);
            }
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            (lo, (lo + 1).min(n - 1), pos - lo as f64)
        })
        .collect();
    let mut ranks: Vec<usize> = spots.iter().flat_map(|&(lo, hi, _)| [lo, hi]).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let at = at(&ranks);
    let value = |k: usize| at[ranks.partition_point(|&r| r < k)];
    spots
        .iter()
        .map(|&(lo, hi, frac)| {
            if n == 1 {
                value(0)
            } else {
                value(lo) + (value(hi) - value(lo)) * frac
            }
        })
        .collect()
}

/// The values at `ranks` (ascending, distinct, below the total count) of
/// values given as `(value, count)`, ascending.
fn statistics_of_counts(distinct: &[(f64, u64)], ranks: &[usize]) -> Vec<f64> {
    let mut out = Vec::with_capacity(ranks.len());
    let (mut i, mut below) = (0, 0u64);
    for &k in ranks {
        // The first distinct value whose run reaches past rank k.
        while below + distinct[i].1 <= k as u64 {
            below += distinct[i].1;
            i += 1;
        }
        out.push(distinct[i].0);
    }
    out
}

/// The values at `ranks` (ascending, distinct) of the non-NaN `values` in
/// `total_cmp` order.
fn order_statistics(values: &[f64], ranks: &[usize]) -> Vec<f64> {
    if let Some(counts) = distinct_counts(values) {
        let mut distinct: Vec<(f64, u64)> = counts
            .into_iter()
            .map(|(bits, c)| (f64::from_bits(bits), c))
            .collect();
        distinct.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        return statistics_of_counts(&distinct, ranks);
    }
    select_in_buckets(values, ranks)
}

/// [`order_statistics`] of many distinct values. Every non-NaN value is
/// counted, in parallel, by the top 16 bits of its key (its bits, ordered as
/// `total_cmp` orders the values); only the values in the buckets that hold a
/// wanted rank are copied out and selected among. Copying all 10M values of a
/// column and selecting in them took ~0.12 s on one core while the other
/// waited.
fn select_in_buckets(values: &[f64], ranks: &[usize]) -> Vec<f64> {
    use rayon::prelude::*;
    const BITS: u32 = 16;
    let bucket = |v: f64| {
        let bits = v.to_bits();
        let key = if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        };
        (key >> (64 - BITS)) as usize
    };
    let counts: Vec<u64> = values
        .par_chunks(1 << 20)
        .map(|chunk| {
            let mut counts = vec![0u32; 1 << BITS];
            for &v in chunk {
                if !v.is_nan() {
                    counts[bucket(v)] += 1;
                }
            }
            counts
        })
        .fold(
            || vec![0u64; 1 << BITS],
            |mut sum, counts| {
                sum.iter_mut()
                    .zip(counts)
                    .for_each(|(s, c)| *s += u64::from(c));
                sum
            },
        )
        .reduce(
            || vec![0u64; 1 << BITS],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    // The buckets holding a wanted rank, and how many values lie below each.
    let mut wanted = vec![false; 1 << BITS];
    let mut below = 0u64;
    let mut next = ranks.iter().peekable();
    for (b, &count) in counts.iter().enumerate() {
        while next.next_if(|&&k| (k as u64) < below + count).is_some() {
            wanted[b] = true;
        }
        below += count;
    }
    let picked: Vec<f64> = values
        .par_iter()
        .copied()
        .filter(|&v| !v.is_nan() && wanted[bucket(v)])
        .collect();
    // A wanted rank's place among the picked values: less the values of the
    // buckets not picked below it.
    let mut skipped_below = Vec::with_capacity(ranks.len());
    let (mut skipped, mut below) = (0u64, 0u64);
    let mut next = ranks.iter().peekable();
    for (b, &count) in counts.iter().enumerate() {
        while let Some(&k) = next.next_if(|&&k| (k as u64) < below + count) {
            skipped_below.push(k - skipped as usize);
        }
        if !wanted[b] {
            skipped += count;
        }
        below += count;
    }
    select_ranks(picked, &skipped_below)
}

/// The values at `ranks` (ascending, distinct) of `values` (no NaN) by
/// `total_cmp`. Each selection leaves every value below its rank before it,
/// so the next (higher) rank is selected from what is after it.
fn select_ranks(mut values: Vec<f64>, ranks: &[usize]) -> Vec<f64> {
    let mut out = Vec::with_capacity(ranks.len());
    let mut start = 0;
    for &k in ranks {
        let (_, nth, _) = values[start..].select_nth_unstable_by(k - start, f64::total_cmp);
        out.push(*nth);
        start = k + 1;
    }
    out
}

/// Distinct values past which [`distinct_counts`] gives up.
const MAX_DISTINCT: usize = 1 << 16;

/// How often each non-NaN value (by its bits) occurs, or None past 65,536
/// distinct values: counted a million values at a time in parallel (on one
/// core, a 10M-row column of prices took ~80 ms while the other core waited),
/// the counts then added up.
fn distinct_counts(values: &[f64]) -> Option<HashMap<u64, u64, foldhash::fast::RandomState>> {
    use rayon::prelude::*;
    values
        .par_chunks(1 << 20)
        .map(distinct_counts_of)
        .try_reduce(HashMap::default, |a, b| {
            let (mut into, from) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (bits, count) in from {
                *into.entry(bits).or_insert(0) += count;
            }
            (into.len() <= MAX_DISTINCT).then_some(into)
        })
}

/// [`distinct_counts`] of one piece. Most rows of a column of few values
/// (ages, counts, ratings) are counted in a small direct-mapped table, one
/// multiply and one compare a row; the rest go to a hash map.
fn distinct_counts_of(values: &[f64]) -> Option<HashMap<u64, u64, foldhash::fast::RandomState>> {
    const SLOTS_LOG2: u32 = 12;
    // A NaN's bits: never a key, as NaNs are not counted.
    const EMPTY: u64 = u64::MAX;
    let mut slot_bits = vec![EMPTY; 1 << SLOTS_LOG2];
    let mut slot_count = vec![0u64; 1 << SLOTS_LOG2];
    let mut spill: HashMap<u64, u64, foldhash::fast::RandomState> = HashMap::default();
    for v in values {
        if v.is_nan() {
            continue;
        }
        let bits = v.to_bits();
        let slot = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS_LOG2)) as usize;
        if slot_bits[slot] == bits {
            slot_count[slot] += 1;
        } else if slot_bits[slot] == EMPTY {
            slot_bits[slot] = bits;
            slot_count[slot] = 1;
        } else {
            *spill.entry(bits).or_insert(0) += 1;
            if spill.len() > MAX_DISTINCT {
                return None;
            }
        }
    }
    for (&bits, &count) in slot_bits.iter().zip(&slot_count) {
        if bits != EMPTY {
            *spill.entry(bits).or_insert(0) += count;
        }
    }
    (spill.len() <= MAX_DISTINCT).then_some(spill)
}

/// numpy's default (linear) percentile of unsorted values; NaNs are dropped.
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    percentiles(values, [q]).map(|[x]| x)
}

/// The 95% percentile interval of bootstrap replicates.
pub fn percentile_interval(replicates: &[f64]) -> Option<Interval> {
    percentiles(replicates, [0.025, 0.975])
}

/// [`percentile`] at each of `qs`, from one copy of the non-NaN values; None
/// when there are none.
fn percentiles<const N: usize>(values: &[f64], qs: [f64; N]) -> Option<[f64; N]> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    (!v.is_empty()).then(|| qs.map(|q| quantile_selected(&mut v, q)))
}

/// [`quantile_sorted`] of `v` (no NaN, not empty) as if sorted by `total_cmp`:
/// the two order statistics it reads are selected, not sorted for. Every
/// bootstrap interval takes two quantiles of a thousand replicates, and
/// sorting them twice was ~3% of `faultline metrics`' CPU time.
fn quantile_selected(v: &mut [f64], q: f64) -> f64 {
    let n = v.len();
    if n == 1 {
        return v[0];
    }
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, &mut low, above) = v.select_nth_unstable_by(lo, f64::total_cmp);
    // The next order statistic is the least of those above (or `low` itself
    // at the top, as `quantile_sorted` reads it).
    let high = above.iter().copied().min_by(f64::total_cmp).unwrap_or(low);
    low + (high - low) * frac
}

/// The percentile interval of bootstrap replicates of `estimate`, unless the
/// replicates are so far off-centre (a biased ratio, such as macro F1 over many
/// small classes) that it leaves the estimate out: then the estimate ± 1.96
/// bootstrap standard errors (Efron's standard interval).
pub fn centred_interval(estimate: f64, replicates: &[f64]) -> Option<Interval> {
    let [lo, hi] = percentile_interval(replicates)?;
    if (lo..=hi).contains(&estimate) {
        return Some([lo, hi]);
    }
    let v: Vec<f64> = replicates
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    let n = v.len() as f64;
    if n < 2.0 {
        return None;
    }
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    Some([estimate - Z_95 * sd, estimate + Z_95 * sd])
}

/// Default bootstrap settings (contract section 4: 1,000 resamples, seeded).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bootstrap {
    pub resamples: usize,
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 1000,
            seed: 0,
        }
    }
}

/// Benjamini-Hochberg adjusted p-values (q-values), in the input order, as
/// statsmodels `multipletests(p, method="fdr_bh")`. NaN p-values stay NaN and are
/// not counted.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    let m = idx.len() as f64;
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut q = vec![f64::NAN; p.len()];
    let mut running = 1.0f64;
    for (rank, &i) in idx.iter().enumerate().rev() {
        let v = (p[i] * m / (rank + 1) as f64).min(1.0);
        running = running.min(v);
        q[i] = running;
    }
    q
}

/// Standard normal upper tail, `P(Z > z)`.
pub fn normal_sf(z: f64) -> f64 {
    use statrs::distribution::Normal;
    Normal::new(0.0, 1.0).map(|n| n.sf(z)).unwrap_or(f64::NAN)
}

/// One-sided two-proportion z-test (pooled) that proportion a = `xa / na` is
/// lower than b = `xb / nb`; returns the p-value.
pub fn proportion_lower_p(xa: u64, na: u64, xb: u64, nb: u64) -> Option<f64> {
    if na == 0 || nb == 0 {
        return None;
    }
    let (pa, pb) = (xa as f64 / na as f64, xb as f64 / nb as f64);
    let pooled = (xa + xb) as f64 / (na + nb) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / na as f64 + 1.0 / nb as f64)).sqrt();
    if se == 0.0 {
        return Some(if pa < pb { 0.0 } else { 1.0 });
    }
    Some(normal_sf((pb - pa) / se))
}

/// One-sided Welch t-test p-value that mean 1 exceeds mean 2 (scipy
/// `ttest_ind(equal_var=False, alternative="greater")`), from means, sample
/// variances and sizes.
pub fn welch_greater_p(m1: f64, v1: f64, n1: f64, m2: f64, v2: f64, n2: f64) -> f64 {
    let (a, b) = (v1 / n1, v2 / n2);
    let se = (a + b).sqrt();
    if se == 0.0 || !se.is_finite() {
        return if m1 > m2 { 0.0 } else { 1.0 };
    }
    let t = (m1 - m2) / se;
    let df = (a + b).powi(2) / (a * a / (n1 - 1.0).max(1.0) + b * b / (n2 - 1.0).max(1.0));
    StudentsT::new(0.0, 1.0, df.max(1.0))
        .map(|d| d.sf(t))
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_without_sorting_equal_quantiles_of_the_sorted_values() {
        use rand::RngExt;
        let mut r = rng(7, 0);
        let qs: Vec<f64> = (0..=7)
            .map(|k| k as f64 / 7.0)
            .chain([0.025, 0.5, 0.975])
            .collect();
        // Few distinct values (counted), many (selected), signed zeros, one value.
        let few: Vec<f64> = (0..10_000).map(|_| r.random_range(18..90) as f64).collect();
        let many: Vec<f64> = (0..100_000).map(|_| r.random_range(-10.0..990.0)).collect();
        // More distinct values than the counting table's slots, fewer than the
        // 65,536 past which they are selected.
        let some: Vec<f64> = (0..50_000)
            .map(|_| r.random_range(0..10_000) as f64 / 8.0)
            .collect();
        let zeros: Vec<f64> = (0..1_001).map(|i| [0.0, -0.0, 1.5, -2.0][i % 4]).collect();
        // Selected among buckets of the values' top bits: many values in one
        // bucket, signs and zeros among many distinct values, more values than
        // one counting chunk.
        let close: Vec<f64> = (0..100_000)
            .map(|_| 1.0 + r.random_range(0.0..1e-9))
            .collect();
        let signed: Vec<f64> = (0..200_000)
            .map(|i| match i % 50 {
                0 => 0.0,
                1 => -0.0,
                _ => r.random_range(-1e6..1e6) * r.random_range(0.0..1.0f64).powi(8),
            })
            .collect();
        let large: Vec<f64> = (0..1_500_000)
            .map(|_| r.random_range(0.0..1.0f64).ln())
            .collect();
        // Counted a million at a time and added up; and pieces each under the
        // limit of distinct values whose union is over it (then selected).
        let counted: Vec<f64> = (0..1_500_000)
            .map(|_| r.random_range(0..50_000) as f64 / 4.0)
            .collect();
        let split: Vec<f64> = (0..2_100_000)
            .map(|i| (r.random_range(0..40_000) + if i < 1 << 20 { 0 } else { 40_000 }) as f64)
            .collect();
        assert!(distinct_counts(&counted).is_some());
        assert!(distinct_counts(&split).is_none());
        for values in [
            few,
            many,
            counted,
            split,
            some,
            zeros,
            close,
            signed,
            large,
            vec![3.25],
            vec![2.0, 1.0],
        ] {
            let mut sorted = values.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let want: Vec<u64> = qs
                .iter()
                .map(|&q| quantile_sorted(&sorted, q).to_bits())
                .collect();
            let mut with_nulls = values.clone();
            with_nulls.insert(values.len() / 2, f64::NAN);
            let got: Vec<u64> = quantiles_unsorted(&with_nulls, &qs)
                .into_iter()
                .map(f64::to_bits)
                .collect();
            assert_eq!(got, want, "{} values", values.len());
        }
    }

    #[test]
    fn the_t_quantile_expansion_meets_scipy() {
        // scipy.stats.t.ppf(0.975, df), scipy 1.17 (statrs is 1e-12 off at 2000).
        for (df, want) in [
            (1001.0, 1.962_336_705_280_879_8),
            (2000.0, 1.961_150_826_099_437_7),
            (1e4, 1.960_201_239_890_626),
            (1e5, 1.959_987_707_534_609_5),
        ] {
            let got = t_quantile_975(df).unwrap();
            assert!((got - want).abs() < 1e-13, "df {df}: {got} vs {want}");
        }
        // scipy.stats.t.ppf(0.975, 6.7e6), from the closed form (statrs took
        // minutes here; a wall-clock bound would only make the test flaky).
        let big = t_quantile_975(6.7e6).unwrap();
        assert!((big - 1.959_964_338_610_449_5).abs() < 1e-12, "{big}");
    }

    #[test]
    fn benjamini_hochberg_matches_statsmodels() {
        // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.2], method="fdr_bh")[1]
        // -> [0.04, 0.05333333, 0.05333333, 0.2]
        let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.2]);
        let want = [0.04, 0.05333333333333334, 0.05333333333333334, 0.2];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels.stats.proportion.proportion_confint(7, 20, method="wilson")
        // -> (0.18119182410108203, 0.5671457233147638)
        let [lo, hi] = wilson(7, 20).unwrap();
        assert!((lo - 0.18119182410108203).abs() < 1e-12, "{lo}");
        assert!((hi - 0.5671457233147638).abs() < 1e-12, "{hi}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn t_interval_matches_scipy() {
        // scipy.stats.t.interval(0.95, df=9, loc=2.0, scale=1.5/sqrt(10))
        // -> (0.9269646410440029, 3.0730353589559973)
        let [lo, hi] = t_interval(2.0, 1.5, 10).unwrap();
        assert!((lo - 0.9269646410440029).abs() < 1e-9, "{lo}");
        assert!((hi - 3.0730353589559973).abs() < 1e-9, "{hi}");
    }

    #[test]
    fn multinomial_keeps_the_total_and_is_seeded() {
        let cells = [50, 0, 30, 20];
        let mut a = [0u64; 4];
        let mut b = [0u64; 4];
        Multinomial::new(&cells).draw(&mut rng(7, 1), &mut a);
        Multinomial::new(&cells).draw(&mut rng(7, 1), &mut b);
        assert_eq!(a, b);
        assert_eq!(a.iter().sum::<u64>(), 100);
        assert_eq!(a[1], 0);
    }

    /// The draw as it was before [`Multinomial`] kept its probabilities: a
    /// division per cell per draw. The plan must draw the same counts.
    fn resample_dividing_each_time(
        rng: &mut ChaCha8Rng,
        cells: &[u64],
        out: &mut [u64],
        approx: bool,
    ) {
        let mut remaining_n: u64 = cells.iter().sum();
        let mut remaining_mass = remaining_n as f64;
        for (i, (&c, o)) in cells.iter().zip(out.iter_mut()).enumerate() {
            if remaining_n == 0 || c == 0 {
                *o = 0;
                continue;
            }
            if i == cells.len() - 1 || c as f64 >= remaining_mass {
                *o = remaining_n;
            } else {
                let p = (c as f64 / remaining_mass).clamp(0.0, 1.0);
                let n = remaining_n as f64;
                let var = n * p * (1.0 - p);
                *o = if approx && var > 100.0 {
                    let z: f64 = rand_distr::StandardNormal.sample(rng);
                    (n * p + var.sqrt() * z).round().clamp(0.0, n) as u64
                } else {
                    Binomial::new(remaining_n, p)
                        .map(|b| b.sample(rng))
                        .unwrap_or(0)
                };
            }
            remaining_n -= *o;
            remaining_mass -= c as f64;
        }
    }

    #[test]
    fn a_planned_multinomial_draws_what_dividing_each_time_drew() {
        use rand::RngExt;
        let mut cells_rng = rng(3, 9);
        for case in 0..200 {
            let len = 1 + case % 40;
            let cells: Vec<u64> = (0..len)
                .map(|_| match cells_rng.random_range(0..4) {
                    0 => 0,
                    1 => cells_rng.random_range(1..20),
                    _ => cells_rng.random_range(1..200_000),
                })
                .collect();
            let plan = Multinomial::new(&cells);
            for approx in [false, true] {
                let (mut a, mut b) = (rng(11, case as u64), rng(11, case as u64));
                let (mut x, mut y) = (vec![0; len], vec![0; len]);
                for _ in 0..20 {
                    if approx {
                        plan.draw_approx(&mut a, &mut x);
                    } else {
                        plan.draw(&mut a, &mut x);
                    }
                    resample_dividing_each_time(&mut b, &cells, &mut y, approx);
                    assert_eq!(x, y, "{cells:?}");
                }
            }
        }
    }

    #[test]
    fn paired_draws_are_each_multinomials_own_draws() {
        use rand::RngExt;
        let mut cells_rng = rng(5, 2);
        let mut cells = |len: usize| -> Vec<u64> {
            (0..len)
                .map(|_| match cells_rng.random_range(0..4) {
                    0 => 0,
                    1 => cells_rng.random_range(1..20),
                    _ => cells_rng.random_range(1..200_000),
                })
                .collect()
        };
        for case in 0..100u64 {
            // Chains of different lengths, either one the longer, and empty.
            let (la, lb) = ((case % 13) as usize, (case % 7 * 3) as usize);
            let (ca, cb) = (cells(la), cells(lb));
            let (pa, pb) = (Multinomial::new(&ca), Multinomial::new(&cb));
            let (mut ra, mut rb) = (rng(8, case), rng(9, case));
            let (mut sa, mut sb) = (rng(8, case), rng(9, case));
            let (mut xa, mut xb) = (vec![0; la], vec![0; lb]);
            let (mut ya, mut yb) = (vec![0; la], vec![0; lb]);
            for _ in 0..20 {
                Multinomial::draw_approx_pair(
                    [&pa, &pb],
                    [&mut ra, &mut rb],
                    [&mut xa[..], &mut xb[..]],
                );
                pa.draw_approx(&mut sa, &mut ya);
                pb.draw_approx(&mut sb, &mut yb);
                assert_eq!((&xa, &xb), (&ya, &yb), "{ca:?} {cb:?}");
            }
        }
    }

    #[test]
    fn counts_as_floats_are_their_values() {
        for n in [0, 1, 2, 1 << 52, (1 << 53) + 1, (1 << 63) - 1, 123_456_789] {
            assert_eq!(count_f64(n).to_bits(), (n as f64).to_bits(), "{n}");
        }
    }

    #[test]
    fn percentile_is_numpys_linear() {
        // numpy.percentile([1, 2, 3, 4], 25) == 1.75
        assert_eq!(percentile(&[4.0, 1.0, 3.0, 2.0], 0.25), Some(1.75));
    }

    #[test]
    fn rounding_within_a_range_is_f64_round_then_clamp() {
        let n = (1u64 << 52) - 1;
        let edges = [
            -3.5,
            -0.5,
            -0.0,
            0.0,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            2.4999999999999996,
            7.0,
            1e6 + 0.5,
            4503599627370494.5,
            4503599627370495.0,
            1e300,
            f64::NAN,
        ];
        for limit in [0, 1, 2, 1_000_000, n] {
            for x in edges {
                let want = x.round().clamp(0.0, limit as f64) as u64;
                assert_eq!(round_within(x, limit), want, "{x} within {limit}");
            }
        }
    }

    #[test]
    fn selected_percentiles_equal_those_of_the_sorted_values_to_the_bit() {
        use rand::RngExt;
        let mut r = rng(5, 0);
        for case in 0..300 {
            let len = 1 + case % 23 + (case / 100) * 1000;
            let v: Vec<f64> = (0..len)
                .map(|_| match r.random_range(0..10) {
                    0 => 0.0,
                    1 => -0.0,
                    2 => f64::NAN,
                    3 => f64::INFINITY,
                    4 => r.random_range(0..4) as f64,
                    _ => r.random_range(-1.0..1.0),
                })
                .collect();
            let mut sorted: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            sorted.sort_unstable_by(f64::total_cmp);
            let want = (!sorted.is_empty())
                .then(|| [0.025, 0.975].map(|q| quantile_sorted(&sorted, q).to_bits()));
            let got = percentile_interval(&v).map(|i| i.map(f64::to_bits));
            assert_eq!(got, want, "{v:?}");
            for q in [0.0, 0.3, 0.5, 1.0] {
                let want = (!sorted.is_empty()).then(|| quantile_sorted(&sorted, q).to_bits());
                assert_eq!(percentile(&v, q).map(f64::to_bits), want);
            }
        }
    }
}
