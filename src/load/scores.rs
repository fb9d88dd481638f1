//! Per-row quantities derived once from a model's scores and shared by every later
//! pass: the descending score order (for ROC AUC, average precision, DeLong,
//! log loss, Brier and curves) and the log loss of each row of that order. They
//! live with the decoded table because the table caches them.

use rayon::prelude::*;

/// sklearn's probability clipping for log loss (machine epsilon).
pub const EPS: f64 = f64::EPSILON;

/// One row's log loss, with the probability clipped to `[eps, 1 - eps]` as
/// sklearn does.
#[inline]
pub fn log_loss(p: f64, positive: bool) -> f64 {
    let q = if positive { p } else { 1.0 - p };
    -q.clamp(EPS, 1.0 - EPS).ln()
}

/// The log loss of each row of a score order, in that order: the walks that sum
/// it read it alongside the order, sequentially, instead of one row at a time.
/// Made on the caller's thread alone: the window makes it while idle, leaving
/// the other core to drawing.
pub fn order_log_loss(order: &ScoreOrder) -> Vec<f64> {
    let mut tied = TiedLogLoss::default();
    order.scored.iter().map(|&r| tied.of(r)).collect()
}

/// [`log_loss`] of rows met in score order, taken once per run of tied scores
/// and label: a logarithm costs more than the rest of a row's walk, and
/// evaluation scores are often tied (rounded probabilities, a judge's grades;
/// the generated 10M-row file has about ten rows a distinct score). The same
/// function of the same inputs, so the same bits.
#[derive(Debug, Clone, Copy)]
pub struct TiedLogLoss {
    /// The run's score's bits, and its log loss for a negative and a positive
    /// row (NaN until a row of that label is met; a log loss is never NaN).
    score_bits: u64,
    by_label: [f64; 2],
}

impl Default for TiedLogLoss {
    fn default() -> Self {
        TiedLogLoss {
            // No score has these bits: a NaN with the label bit set.
            score_bits: u64::MAX,
            by_label: [f64::NAN; 2],
        }
    }
}

impl TiedLogLoss {
    /// The log loss of `r`, the next row of a walk in score order.
    #[inline]
    pub fn of(&mut self, r: ScoredRow) -> f64 {
        let p = r.score();
        if p.to_bits() != self.score_bits {
            self.score_bits = p.to_bits();
            self.by_label = [f64::NAN; 2];
        }
        let slot = &mut self.by_label[usize::from(r.positive())];
        if slot.is_nan() {
            *slot = log_loss(p, r.positive());
        }
        *slot
    }
}

/// A model's scored rows by descending score (ties in row order), computed once
/// per model and reused for every slice and cohort, as two arrays side by side:
/// every walk reads `scored` (8 bytes a position), and only a walk that looks
/// rows up (a cohort's bitset, a slice's group id) also reads `rows` (4 bytes).
/// One array of 16-byte rows made the walks that need no row read twice the
/// bytes, and a cohort's membership test read all 16.
#[derive(Debug, Clone, Default)]
pub struct ScoreOrder {
    pub scored: ScoredRows,
    pub rows: Vec<u32>,
    /// The rows whose score is null, ascending (they have no place in the order).
    pub nulls: Vec<u32>,
    /// Each row's position in the order ([`NO_POSITION`] for a null score),
    /// made on request ([`ScoreOrder::positions`]) and read only once made.
    positions: std::sync::OnceLock<Vec<u32>>,
}

/// A null-score row's entry in [`ScoreOrder::positions`].
pub const NO_POSITION: u32 = u32::MAX;

impl ScoreOrder {
    /// At `threshold`, whether most scored rows are predicted positive, and
    /// the positions of the others (a prefix or a suffix of the order, at most
    /// half of it): the rows a moved threshold's cells set apart from the
    /// majority (`load::table::cells_from_order`, `metrics::binary`).
    pub fn minority_at(&self, threshold: f64) -> (bool, std::ops::Range<usize>) {
        let above = self.scored.partition_point(|r| r.score() >= threshold);
        if above * 2 <= self.len() {
            (false, 0..above)
        } else {
            (true, above..self.len())
        }
    }

    pub fn len(&self) -> usize {
        self.scored.len()
    }

    /// Each of the table's `rows` rows' position in the order, made on first
    /// call (one scattered write a row: ~110 ms at 10M rows on a 2-core laptop,
    /// so the window makes it in the background after the first overview). With
    /// it, a cohort's positions are found from the cohort's rows (one write a
    /// cohort row) instead of testing every position's row for membership.
    pub fn positions(&self, rows: usize) -> &[u32] {
        self.positions.get_or_init(|| {
            let mut at = vec![NO_POSITION; rows];
            for (i, &r) in self.rows.iter().enumerate() {
                if let Some(p) = at.get_mut(r as usize) {
                    *p = i as u32;
                }
            }
            at
        })
    }

    /// [`ScoreOrder::positions`] if made, without making it.
    pub fn made_positions(&self) -> Option<&[u32]> {
        self.positions.get().map(Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.scored.is_empty()
    }
}

/// The sort key of one scored row, from which [`score_order`] makes a
/// [`ScoreOrder`]: the score's bits inverted (so that a plain ascending sort
/// puts the highest score first), then the row, then the label, in one `u128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(transparent)]
struct RankedRow(u128);

impl RankedRow {
    fn new(score: f64, row: u32, positive: bool) -> RankedRow {
        // The score in the high word, so reading it back is one `not`.
        RankedRow(
            (u128::from(!score.to_bits()) << 64) | (u128::from(row) << 1) | u128::from(positive),
        )
    }

    #[inline]
    fn score(&self) -> f64 {
        f64::from_bits(!((self.0 >> 64) as u64))
    }

    #[inline]
    fn row(&self) -> u32 {
        (self.0 >> 1) as u32
    }

    #[inline]
    fn positive(&self) -> bool {
        self.0 & 1 == 1
    }
}

/// Rows with a non-null score, highest score first (ties in row order).
pub fn score_order(score: &[f64], y: &[u32]) -> ScoreOrder {
    score_order_with(score, y, true)
}

/// [`score_order`] with a sequential sort, for a caller that sorts several
/// models side by side, one per thread: a parallel sort spends about a quarter
/// more CPU time than a sequential one (measured at 10M rows: 180 ms on two
/// cores against 290 ms on one), which is waste when every core has a sort.
pub fn score_order_sequential(score: &[f64], y: &[u32]) -> ScoreOrder {
    score_order_with(score, y, false)
}

fn score_order_with(score: &[f64], y: &[u32], parallel: bool) -> ScoreOrder {
    // Probabilities are non-negative, so their bit patterns sort like the values;
    // below them the row, then the label (which never decides: rows are unique).
    // Null scores sort last (the largest key) and are cut off: an unfiltered
    // (indexed) parallel collect writes straight into one vector, with no pieces
    // to join.
    let key = |(r, (&p, &l)): (usize, (&f64, &u32))| {
        if p.is_nan() {
            RankedRow(u128::MAX)
        } else {
            RankedRow::new(p, r as u32, l == 1)
        }
    };
    // The keys are split in two arrays, then dropped.
    let nulls;
    let (rows, scored) = if parallel {
        let mut order: Vec<RankedRow> = score
            .par_iter()
            .zip(y.par_iter())
            .enumerate()
            .map(key)
            .collect();
        order.par_sort_unstable();
        nulls = null_rows(score, true);
        order.truncate(score.len() - nulls.len());
        (
            order.par_iter().map(RankedRow::row).collect(),
            ScoredRows::over_keys(order),
        )
    } else {
        let (buckets, null_count) = ScoreBuckets::of(score);
        nulls = list_nulls(score, null_count);
        let scored_rows = score.len() - nulls.len();
        let (scored, rows) = match buckets {
            Some(buckets) => buckets.sorted(score, y, scored_rows),
            None => {
                let mut order: Vec<RankedRow> = score.iter().zip(y).enumerate().map(key).collect();
                order.sort_unstable();
                order.truncate(scored_rows);
                ScoredRows::over_keys_listing_rows(order)
            }
        };
        (rows, scored)
    };
    ScoreOrder {
        positions: Default::default(),
        scored,
        rows,
        nulls,
    }
}

/// Score ranges that split a sequential sort of the keys into many small ones:
/// each row is written straight into its range's place (one pass, instead of
/// in row order), and each range is then sorted on its own, in cache. The
/// ranges follow the scores' values, not their bits, so that probabilities
/// spread over them rather than pile into the few that share an exponent.
struct ScoreBuckets {
    high: f64,
    scale: f64,
}

impl ScoreBuckets {
    const COUNT: usize = 256;
    /// Below this many rows, one sort of every key is as fast.
    const FROM_ROWS: usize = 1 << 16;

    /// The ranges of `score`'s non-null values, if every one is finite with a
    /// clear sign bit (for those the keys sort by value: a range's keys all
    /// fall between its neighbours') and they are not all equal; else None.
    /// And the number of null scores, counted in the same pass.
    fn of(score: &[f64]) -> (Option<ScoreBuckets>, usize) {
        if score.len() < Self::FROM_ROWS {
            return (None, score.iter().filter(|p| p.is_nan()).count());
        }
        let (mut low, mut high, mut signed, mut nulls) =
            (f64::INFINITY, f64::NEG_INFINITY, false, 0);
        for &p in score {
            // min and max pass over NaN; a NaN's sign is no score's.
            low = low.min(p);
            high = high.max(p);
            signed |= p.is_sign_negative() && !p.is_nan();
            nulls += usize::from(p.is_nan());
        }
        let scale = Self::COUNT as f64 / (high - low);
        let buckets = (!signed && high.is_finite() && high > low && scale.is_finite())
            .then_some(ScoreBuckets { high, scale });
        (buckets, nulls)
    }

    /// The range of a non-null score, 0 for the highest scores. It never rises
    /// as the score rises (a rounded difference, a product with a positive
    /// number and a truncation are each monotone), and tied scores share it.
    #[inline]
    fn of_score(&self, p: f64) -> usize {
        // Through i64: one conversion instruction (to usize, several on
        // x86-64), the same range for every value from 0 up.
        (((self.high - p) * self.scale) as i64 as usize).min(Self::COUNT - 1)
    }

    /// The `scored` non-null rows in score order, and their rows: what one
    /// sort of all their keys makes ([`ScoredRows::over_keys_listing_rows`]).
    /// Each row is written straight into its range's place in the two arrays
    /// the order keeps (12 bytes a row); only one range at a time is made
    /// into 16-byte keys, sorted, and written back. No array of every key is
    /// made, nor its pages (160 MB a model at 10M rows).
    fn sorted(&self, score: &[f64], y: &[u32], scored: usize) -> (ScoredRows, Vec<u32>) {
        let mut counts = [0usize; Self::COUNT];
        for &p in score {
            if !p.is_nan() {
                counts[self.of_score(p)] += 1;
            }
        }
        let mut next = [0usize; Self::COUNT];
        let mut start = 0;
        for (n, c) in next.iter_mut().zip(counts) {
            *n = start;
            start += c;
        }
        // The scored rows' buffer, as [`ScoredRows`] keeps it: two to a key.
        let mut keys: Vec<RankedRow> = bytemuck::zeroed_vec(scored.div_ceil(2));
        let words: &mut [ScoredRow] = &mut bytemuck::cast_slice_mut(&mut keys)[..scored];
        let mut rows: Vec<u32> = vec![0; scored];
        for (r, (&p, &l)) in score.iter().zip(y).enumerate() {
            if !p.is_nan() {
                let b = self.of_score(p);
                words[next[b]] = ScoredRow::of(&RankedRow::new(p, 0, l == 1));
                rows[next[b]] = r as u32;
                next[b] += 1;
            }
        }
        // Each range's next place is now its end. The ranges are sorted as
        // rayon tasks: a thread done with its own model's sort takes ranges
        // of the other's (the two models' sorts ended up to ~0.2 s apart).
        let mut ranges: Vec<(&mut [ScoredRow], &mut [u32])> = Vec::with_capacity(Self::COUNT);
        let (mut words_left, mut rows_left) = (words, &mut rows[..]);
        let mut from = 0;
        for end in next {
            let (w, w_after) = std::mem::take(&mut words_left).split_at_mut(end - from);
            let (r, r_after) = std::mem::take(&mut rows_left).split_at_mut(end - from);
            ranges.push((w, r));
            (words_left, rows_left, from) = (w_after, r_after, end);
        }
        ranges
            .into_par_iter()
            .for_each_init(RangeScratch::default, |scratch, (words, rows)| {
                sort_range(scratch, words, rows)
            });
        (ScoredRows { keys, len: scored }, rows)
    }
}

/// The buffers one thread reuses from range to range while sorting them.
#[derive(Default)]
struct RangeScratch {
    keys: Vec<RankedRow>,
    words: Vec<ScoredRow>,
    rows: Vec<u32>,
}

/// Sorts one range's scored rows and rows, given in row order, together
/// (highest score first, ties in row order). A range holds a narrow span of
/// scores, so a comparison sort of all of it walks many levels; instead its
/// rows are split, in row order, by the top bits in which their scores differ
/// (most-significant-digit first: one counting pass and one scattered copy, in
/// cache), and each part is sorted: parts of a handful of rows by one stable
/// insertion pass in place over the whole range, up to a few hundred by a
/// comparison sort of 16-byte keys (which hold the row, so ties fall in row order), more by
/// splitting again. At 10M rows this took about half the time of one
/// comparison sort of each range.
fn sort_range(scratch: &mut RangeScratch, words: &mut [ScoredRow], rows: &mut [u32]) {
    /// Below this many rows, a comparison sort is as fast as a split.
    const SPLIT_FROM: usize = 256;
    /// Up to this many rows, an insertion sort in place (most parts of a split
    /// hold a few rows: at 1M rows with six-decimal scores, ~2).
    const INSERT_UP_TO: usize = 16;
    const DIGIT_BITS: u32 = 11;
    const DIGITS: usize = 1 << DIGIT_BITS;
    let n = words.len();
    if n <= INSERT_UP_TO {
        insertion_sort(words, rows);
        return;
    }
    if n < SPLIT_FROM {
        let keys = &mut scratch.keys;
        keys.clear();
        keys.extend(
            words
                .iter()
                .zip(rows.iter())
                .map(|(w, &r)| RankedRow::new(w.score(), r, w.positive())),
        );
        keys.sort_unstable();
        for ((w, r), key) in words.iter_mut().zip(rows.iter_mut()).zip(keys.iter()) {
            *w = ScoredRow::of(key);
            *r = key.row();
        }
        return;
    }
    let bits = |w: &ScoredRow| w.score_bits();
    let (low, high) = words.iter().fold((u64::MAX, 0), |(lo, hi), w| {
        (lo.min(bits(w)), hi.max(bits(w)))
    });
    if low == high {
        // One score throughout: row order is score order.
        return;
    }
    // Non-negative scores' bits order like their values, so the highest score
    // has the smallest key; the digit is the key's top differing bits.
    let shift = (u64::BITS - (high - low).leading_zeros()).saturating_sub(DIGIT_BITS);
    let digit = |w: &ScoredRow| ((high - bits(w)) >> shift) as usize;
    let mut counts = vec![0u32; DIGITS];
    for w in words.iter() {
        counts[digit(w)] += 1;
    }
    let mut start = 0;
    for c in counts.iter_mut() {
        (*c, start) = (start, start + *c);
    }
    scratch.words.resize(n, ScoredRow(0));
    scratch.rows.resize(n, 0);
    for (w, &r) in words.iter().zip(rows.iter()) {
        let at = &mut counts[digit(w)];
        scratch.words[*at as usize] = *w;
        scratch.rows[*at as usize] = r;
        *at += 1;
    }
    words.copy_from_slice(&scratch.words[..n]);
    rows.copy_from_slice(&scratch.rows[..n]);
    // Each part's next place is now its end; its rows are still in row order.
    // The few parts of many rows are sorted on their own; then one insertion
    // pass over the whole range sorts the small parts: a row moves only past
    // rows of its own part, as every row of an earlier part scores higher.
    // (One call a part, most of ~2 rows, spent its time on the branches.)
    let mut from = 0;
    for end in counts {
        let end = end as usize;
        if end - from > INSERT_UP_TO {
            sort_range(scratch, &mut words[from..end], &mut rows[from..end]);
        }
        from = end;
    }
    insertion_sort(words, rows);
}

/// Scored rows and their rows sorted by descending score in place, stable, so
/// ties keep the order they came in (row order, in a part): the order one sort
/// of the 16-byte keys (which hold the row) makes, without making them. For a
/// few rows, or many that are sorted but for runs of a few.
#[inline]
fn insertion_sort(words: &mut [ScoredRow], rows: &mut [u32]) {
    for i in 1..words.len().min(rows.len()) {
        let (w, r) = (words[i], rows[i]);
        let mut j = i;
        while j > 0 && words[j - 1].score_bits() < w.score_bits() {
            words[j] = words[j - 1];
            rows[j] = rows[j - 1];
            j -= 1;
        }
        words[j] = w;
        rows[j] = r;
    }
}

/// The rows whose score is null: counted first (a count vectorizes, and most
/// models score every row), then listed only if there are any.
fn null_rows(score: &[f64], parallel: bool) -> Vec<u32> {
    let nulls = if parallel {
        score.par_iter().filter(|p| p.is_nan()).count()
    } else {
        score.iter().filter(|p| p.is_nan()).count()
    };
    list_nulls(score, nulls)
}

/// The rows whose score is null, `nulls` of them.
fn list_nulls(score: &[f64], nulls: usize) -> Vec<u32> {
    if nulls == 0 {
        return Vec::new();
    }
    let mut rows = Vec::with_capacity(nulls);
    rows.extend(
        score
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_nan())
            .map(|(r, _)| r as u32),
    );
    rows
}

/// `(score, positive)` of rows given by descending score (ties in row order),
/// by ascending score with ties in row order (numpy's stable argsort): one run
/// of tied scores at a time from the lowest, each run forwards.
pub fn ascending(rows: &[ScoredRow]) -> impl Iterator<Item = (f64, bool)> + '_ {
    rows.chunk_by(|a, b| a.score() == b.score())
        .rev()
        .flatten()
        .map(|r| (r.score(), r.positive()))
}

/// A spare buffer for a cohort's scored rows ([`crate::metrics::binary::kept_rows`])
/// whose pages the kernel has already given ([`crate::spare::Spare`]): a cohort
/// change copies up to one row of the score order a row (at 10M rows a 25%
/// cohort's copy was ~10k page faults for two models, 10-20% of the change).
/// The window fills it in the background
/// ([`crate::load::table::EvalTable::prepare_cohort_changes`]); a cohort's rows
/// give their buffer back when the overview holding them is dropped, so the
/// next change reuses it.
pub type RowsSpare = crate::spare::Spare<ScoredRow>;

impl RowsSpare {
    /// Makes the spare hold `n` rows ([`crate::spare::Spare::fill`]).
    pub fn fill_rows(&self, n: usize) {
        self.fill(n, ScoredRow(u64::MAX));
    }
}

/// A scored row in score order, in 8 bytes: the score's bits with the label in
/// the sign bit (scores are probabilities, never negative, and `-0.0` is read as
/// `0.0`). Half the 16-byte sort key: the order is walked four times per overview, and
/// a cohort's rows are copied out of it on every cohort change, so its size is
/// what those walks and the fresh pages for the copy cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(transparent)]
pub struct ScoredRow(u64);

/// The scored rows of a [`ScoreOrder`], written over the first half of the
/// sorted keys they are read from: the keys' buffer becomes the rows' (its
/// second half given back), so the order's 8 bytes a row take no fresh pages
/// (80 MB a model at 10M rows, measured ~30 ms of the first overview).
#[derive(Clone, Default)]
pub struct ScoredRows {
    keys: Vec<RankedRow>,
    len: usize,
}

impl ScoredRows {
    /// The rows of sorted keys, in their order.
    fn over_keys(keys: Vec<RankedRow>) -> ScoredRows {
        Self::over_keys_with(keys, |_| {})
    }

    /// [`ScoredRows::over_keys`], and the keys' rows in their order, listed in
    /// the same pass over the keys (at 10M rows they are 160 MB a model).
    fn over_keys_listing_rows(keys: Vec<RankedRow>) -> (ScoredRows, Vec<u32>) {
        let mut rows = Vec::with_capacity(keys.len());
        let scored = Self::over_keys_with(keys, |key| rows.push(key.row()));
        (scored, rows)
    }

    /// [`ScoredRows::over_keys`], showing each key to `each` before it is
    /// written over.
    fn over_keys_with(mut keys: Vec<RankedRow>, mut each: impl FnMut(&RankedRow)) -> ScoredRows {
        let len = keys.len();
        let words: &mut [u64] = bytemuck::cast_slice_mut(&mut keys);
        // Row `i` is written to word `i`, which belongs to key `i / 2`: a key
        // read before (or, for the first, just read).
        for i in 0..len {
            let (lo, hi) = if cfg!(target_endian = "little") {
                (words[2 * i], words[2 * i + 1])
            } else {
                (words[2 * i + 1], words[2 * i])
            };
            let key = RankedRow((u128::from(hi) << 64) | u128::from(lo));
            each(&key);
            words[i] = ScoredRow::of(&key).0;
        }
        keys.truncate(len.div_ceil(2));
        keys.shrink_to_fit();
        ScoredRows { keys, len }
    }
}

impl std::ops::Deref for ScoredRows {
    type Target = [ScoredRow];

    fn deref(&self) -> &[ScoredRow] {
        &bytemuck::cast_slice(&self.keys)[..self.len]
    }
}

impl<'a> IntoIterator for &'a ScoredRows {
    type Item = &'a ScoredRow;
    type IntoIter = std::slice::Iter<'a, ScoredRow>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for ScoredRows {
    fn eq(&self, other: &ScoredRows) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for ScoredRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScoredRows({} rows)", self.len)
    }
}

impl ScoredRow {
    const LABEL: u64 = 1 << 63;

    #[inline]
    fn of(r: &RankedRow) -> ScoredRow {
        ScoredRow(r.score().to_bits() | if r.positive() { Self::LABEL } else { 0 })
    }

    /// The score's bits without the label: for the non-negative scores the
    /// sort splits, they order like the scores.
    #[inline]
    fn score_bits(self) -> u64 {
        self.0 & !Self::LABEL
    }
}

impl ScoredRow {
    #[inline]
    pub fn score(&self) -> f64 {
        f64::from_bits(self.0 & !Self::LABEL)
    }

    #[inline]
    pub fn positive(&self) -> bool {
        self.0 & Self::LABEL != 0
    }
}

/// Score orders for tests of the walks over an order: empty and one-row sets,
/// distinct scores, long runs of ties (a few distinct values, and one value
/// throughout), scores on every bin edge and threshold (0.3 * 10 is
/// 3.0000000000000004), 0 and 1, at sizes below, at and above a few hundred
/// bins or points; labels mixed within the runs of ties.
#[cfg(test)]
pub fn tied_orders() -> Vec<ScoreOrder> {
    let sets: Vec<Vec<f64>> = vec![
        Vec::new(),
        vec![0.5],
        vec![1.0],
        (0..7).map(|r| (r % 3) as f64 / 2.0).collect(),
        (0..101).map(|r| ((r * 37) % 5) as f64 / 4.0).collect(),
        (0..=100).map(|k| k as f64 / 100.0).collect(),
        (0..5001)
            .map(|r| ((r * 7919) % 1000) as f64 / 999.0)
            .collect(),
        (0..3000).map(|r| ((r * 13) % 11) as f64 / 10.0).collect(),
        (0..900).map(|r| ((r * 17) % 450) as f64 / 449.0).collect(),
        (0..64).map(|_| 0.3).collect(),
    ];
    sets.iter()
        .enumerate()
        .map(|(k, scores)| {
            let y: Vec<u32> = (0..scores.len())
                .map(|r| u32::from((r * 31 + k) % 7 < 3))
                .collect();
            score_order(scores, &y)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tied_log_losses_are_each_rows_log_loss_to_the_bit() {
        for order in tied_orders() {
            let want: Vec<u64> = order
                .scored
                .iter()
                .map(|r| log_loss(r.score(), r.positive()).to_bits())
                .collect();
            let got: Vec<u64> = order_log_loss(&order).iter().map(|l| l.to_bits()).collect();
            assert_eq!(got, want, "{} rows", order.len());
            // Rows met out of score order (a walk that skips some, or any
            // order at all) still get their own log loss.
            let mut tied = TiedLogLoss::default();
            for r in order.scored.iter().rev().step_by(3) {
                assert_eq!(
                    tied.of(*r).to_bits(),
                    log_loss(r.score(), r.positive()).to_bits()
                );
            }
        }
    }

    /// The keys of one sort of every row, nulls cut off: what the ranges must give.
    fn one_sort(score: &[f64], y: &[u32]) -> Vec<RankedRow> {
        let mut keys: Vec<RankedRow> = score
            .iter()
            .zip(y)
            .enumerate()
            .map(|(r, (&p, &l))| {
                if p.is_nan() {
                    RankedRow(u128::MAX)
                } else {
                    RankedRow::new(p, r as u32, l == 1)
                }
            })
            .collect();
        keys.sort_unstable();
        keys.truncate(score.iter().filter(|p| !p.is_nan()).count());
        keys
    }

    #[test]
    fn keys_sorted_by_score_range_are_one_sorts_keys() {
        let n = ScoreBuckets::FROM_ROWS + 4321;
        // A fixed pseudo-random stream (splitmix64), as uniform doubles.
        let mut state = 7u64;
        let mut uniform = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let u: Vec<f64> = (0..n).map(|_| uniform()).collect();
        let y: Vec<u32> = u.iter().map(|&x| u32::from(x * 1e6 % 1.0 < 0.4)).collect();
        let sets: Vec<(&str, Vec<f64>)> = vec![
            ("uniform", u.clone()),
            (
                "rounded to 3 places (ties)",
                u.iter().map(|x| (x * 1e3).round() / 1e3).collect(),
            ),
            (
                "rounded to 5 places (a few rows a tie)",
                u.iter().map(|x| (x * 1e5).round() / 1e5).collect(),
            ),
            (
                "most near 0, with 0 and 1",
                u.iter()
                    .map(|x| {
                        if *x < 0.01 {
                            1.0
                        } else if *x > 0.99 {
                            0.0
                        } else {
                            x.powi(8)
                        }
                    })
                    .collect(),
            ),
            (
                "nulls among them",
                u.iter()
                    .map(|x| if *x < 0.1 { f64::NAN } else { *x })
                    .collect(),
            ),
            ("a narrow range", u.iter().map(|x| 0.5 + x * 1e-9).collect()),
            (
                "single precision (low bits all zero)",
                u.iter().map(|&x| f64::from(x as f32)).collect(),
            ),
            (
                "crowded into a few ranges (thousands of rows each)",
                u.iter()
                    .map(|&x| if x < 0.9 { 0.5 + x * 1e-3 } else { x })
                    .collect(),
            ),
            (
                "two values",
                u.iter()
                    .map(|x| if *x < 0.5 { 0.25 } else { 0.75 })
                    .collect(),
            ),
            (
                "beyond 1 (raw scores)",
                u.iter().map(|x| x * 1e300).collect(),
            ),
        ];
        for (what, score) in &sets {
            let (buckets, nulls) = ScoreBuckets::of(score);
            let buckets = buckets.unwrap_or_else(|| panic!("{what}: no ranges"));
            assert_eq!(nulls, score.iter().filter(|p| p.is_nan()).count(), "{what}");
            let scored = score.iter().filter(|p| !p.is_nan()).count();
            let (got, rows) = buckets.sorted(score, &y, scored);
            let (want, want_rows) = ScoredRows::over_keys_listing_rows(one_sort(score, &y));
            assert!(got == want && rows == want_rows, "{what}");
            // And the whole order is the parallel sort's.
            assert!(
                score_order_sequential(score, &y).scored == score_order(score, &y).scored,
                "{what}"
            );
        }
        // Left to one sort: few rows, equal scores, a negative zero or score,
        // an infinity, every score null, subnormal scores.
        let rest: Vec<(&str, Vec<f64>)> = vec![
            ("few rows", u[..1000].to_vec()),
            ("all equal", vec![0.3; n]),
            (
                "a negative zero",
                u.iter()
                    .enumerate()
                    .map(|(i, x)| if i == 5 { -0.0 } else { *x })
                    .collect(),
            ),
            ("a negative score", u.iter().map(|x| x - 0.5).collect()),
            (
                "an infinity",
                u.iter()
                    .enumerate()
                    .map(|(i, x)| if i == 9 { f64::INFINITY } else { *x })
                    .collect(),
            ),
            ("all null", vec![f64::NAN; n]),
            // A range too narrow to divide.
            ("subnormal", u.iter().map(|x| x * 1e-310).collect()),
        ];
        for (what, score) in &rest {
            let (buckets, nulls) = ScoreBuckets::of(score);
            assert!(buckets.is_none(), "{what}");
            assert_eq!(nulls, score.iter().filter(|p| p.is_nan()).count(), "{what}");
            let order = score_order_sequential(score, &y[..score.len()]);
            let rows: Vec<u32> = one_sort(score, &y).iter().map(RankedRow::row).collect();
            assert_eq!(order.rows, rows, "{what}");
        }
    }

    #[test]
    fn scored_rows_written_over_their_keys_are_the_keys_rows() {
        for len in 0..7u32 {
            let keys: Vec<RankedRow> = (0..len)
                .map(|r| RankedRow::new(f64::from(r) / 7.0, r * 3 + 1, r % 3 == 0))
                .collect();
            let want: Vec<ScoredRow> = keys.iter().map(ScoredRow::of).collect();
            let want_rows: Vec<u32> = keys.iter().map(RankedRow::row).collect();
            let rows = ScoredRows::over_keys(keys.clone());
            assert_eq!(&rows[..], &want[..], "{len} rows");
            assert_eq!(rows.keys.len(), (len as usize).div_ceil(2));
            let (same, listed) = ScoredRows::over_keys_listing_rows(keys);
            assert_eq!(same, rows);
            assert_eq!(listed, want_rows);
        }
    }

    #[test]
    fn the_order_is_by_descending_score_then_row_and_keeps_each_label() {
        let score = [0.2, f64::NAN, 0.9, 0.2, 0.0, 0.9, 1.0];
        let y = [1, 0, 0, 0, 1, 1, 0];
        let order = score_order(&score, &y);
        let got: Vec<(f64, u32, bool)> = order
            .scored
            .iter()
            .zip(&order.rows)
            .map(|(r, &row)| (r.score(), row, r.positive()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1.0, 6, false),
                (0.9, 2, false),
                (0.9, 5, true),
                (0.2, 0, true),
                (0.2, 3, false),
                (0.0, 4, true),
            ]
        );
        // The null score's row is kept aside.
        assert_eq!(order.nulls, vec![1]);
        // The sequential sort makes the same order.
        let same = score_order_sequential(&score, &y);
        assert_eq!(
            (same.scored, same.rows, same.nulls),
            (order.scored, order.rows, order.nulls)
        );
    }
}
