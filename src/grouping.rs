//! Assigning rows to slices: every combination of the chosen features' values that
//! occurs in the data is one group. Rows outside the active cohort are skipped.

use std::borrow::Cow;
use std::collections::HashMap;

use foldhash::fast::RandomState;

use rayon::prelude::*;

use crate::load::encode::{BYTE_NULL, Code, Codes, NULL_CODE};
use crate::load::scores::{ScoreOrder, ScoredRow};
use crate::load::table::EvalTable;
use crate::spare::Spare;

/// The group id of a row that belongs to no group (outside the cohort).
pub const SKIP: u32 = u32::MAX;

/// A set of rows as a bitset: a cohort in one bit per row (1.25 MB at 10M rows),
/// small enough to stay in cache while a walk of a score order tests its rows in
/// random order.
#[derive(Debug, Clone)]
pub struct RowSet {
    words: Vec<u64>,
}

impl RowSet {
    /// The rows where `mask` is true, eight rows at a time ([`crate::bits`]: a
    /// 10M-row cohort in about 1.7 ms instead of 4.5 ms a row at a time; every
    /// cohort change makes one).
    pub fn from_mask(mask: &[bool]) -> RowSet {
        RowSet {
            words: mask
                .par_chunks(64)
                .map(|flags| crate::bits::planes::<1, bool>(flags, u8::from)[0])
                .collect(),
        }
    }

    /// The set's words, rows `64 w..64 w + 64` in word `w`, the first the lowest bit.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The rows with a group (not [`SKIP`]).
    pub fn from_ids(ids: &Codes) -> RowSet {
        match ids {
            Codes::Byte(v) => RowSet::from_fn(v.len(), |r| v[r] != BYTE_NULL),
            Codes::Wide(v) => RowSet::from_fn(v.len(), |r| v[r] != SKIP),
        }
    }

    fn from_fn(n: usize, keep: impl Fn(usize) -> bool + Sync) -> RowSet {
        let words = (0..n.div_ceil(64))
            .into_par_iter()
            .map(|w| {
                // No branch on membership (a cohort's rows are as good as
                // random): each row's bit is shifted in.
                let start = w * 64;
                (start..(start + 64).min(n))
                    .fold(0u64, |word, r| word | u64::from(keep(r)) << (r - start))
            })
            .collect();
        RowSet { words }
    }

    /// How many rows the set holds.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    #[inline]
    pub fn contains(&self, row: u32) -> bool {
        let r = row as usize;
        self.words[r / 64] >> (r % 64) & 1 == 1
    }

    /// Calls `f(row)` for each row in the set, in order.
    #[inline]
    pub fn for_each(&self, mut f: impl FnMut(usize)) {
        for (w, &word) in self.words.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                f(w * 64 + bits.trailing_zeros() as usize);
                bits &= bits - 1;
            }
        }
    }
}

/// The scored rows `keep` holds, highest score first with ties in row order: the
/// cached order itself when every row is kept, else one walk of it. The
/// walks that follow (rank sums, calibration, curves) then read only the cohort's
/// rows, in order, with no lookup per row.
pub fn kept_order<'a>(order: &'a ScoreOrder, keep: Option<&RowSet>) -> Cow<'a, [ScoredRow]> {
    match keep {
        None => Cow::Borrowed(&order.scored),
        Some(set) => {
            let mut kept = Vec::with_capacity(set.len().min(order.len()));
            for_each_kept_position(order, set, |_, r| kept.push(r));
            Cow::Owned(kept)
        }
    }
}

/// Calls `f(position, row)` for each position of the score order whose row `set`
/// holds, in order. One thread per model (the overview runs the models side by
/// side): a parallel filter collects into pieces and copies them once more.
///
/// With the order's row positions made ([`ScoreOrder::positions`]), the set's
/// rows mark their positions in a bitset of the order (one write a cohort row,
/// into 1.25 MB at 10M rows) and the marked positions are visited; without, every
/// position's row is tested. Same positions, same order.
#[inline]
pub fn for_each_kept_position(
    order: &ScoreOrder,
    set: &RowSet,
    mut f: impl FnMut(usize, ScoredRow),
) {
    if let Some(positions) = order.made_positions() {
        let marked = positions_of(positions, set, order.len());
        marked.for_each(|i| f(i, order.scored[i]));
        return;
    }
    for_each_kept(
        &order.rows,
        |&r| set.contains(r),
        |i, _| {
            if let Some(&r) = order.scored.get(i) {
                f(i, r);
            }
        },
    );
}

/// The positions of `set`'s scored rows in an order of `len` positions, from
/// each row's position ([`crate::load::scores::NO_POSITION`] for a null score,
/// left out).
fn positions_of(positions: &[u32], set: &RowSet, len: usize) -> RowSet {
    let mut words = vec![0u64; len.div_ceil(64)];
    set.for_each(|r| {
        if let Some(&p) = positions.get(r)
            && let Some(w) = words.get_mut(p as usize / 64)
        {
            *w |= 1 << (p % 64);
        }
    });
    RowSet { words }
}

/// A grouping's row → group ids, narrowed (see [`Grouping::slot_ids`]).
pub enum SlotIds<'a> {
    Byte(&'a [u8]),
    Short(Vec<u16>),
    Wide(&'a [u32]),
}

/// A row's group id, or None outside every group; implemented for each width of
/// [`SlotIds`] so a walk is compiled once per width.
pub trait SlotOf: Sync {
    fn slot(&self, row: u32) -> Option<usize>;
}

impl SlotOf for [u8] {
    #[inline]
    fn slot(&self, row: u32) -> Option<usize> {
        let g = self[row as usize];
        (g != u8::MAX).then_some(g as usize)
    }
}

impl SlotOf for [u16] {
    #[inline]
    fn slot(&self, row: u32) -> Option<usize> {
        let g = self[row as usize];
        (g != u16::MAX).then_some(g as usize)
    }
}

impl SlotOf for [u32] {
    #[inline]
    fn slot(&self, row: u32) -> Option<usize> {
        let g = self[row as usize];
        (g != SKIP).then_some(g as usize)
    }
}

/// Calls `f(position, slot)` for each position of `rows` (a score order's rows)
/// whose row is in a group, in order. The ids are looked up a block at a time,
/// apart from `f`: each lookup is a random read (a cache miss at a million
/// rows), and a tight loop of them keeps many in flight where a lookup inside
/// `f`'s longer body waited on each (a third of the rank walk's time).
#[inline]
pub fn for_each_slotted<S: SlotOf + ?Sized>(
    ids: &S,
    rows: &[u32],
    mut f: impl FnMut(usize, usize),
) {
    const BLOCK: usize = 256;
    let mut slots = [usize::MAX; BLOCK];
    for (b, block) in rows.chunks(BLOCK).enumerate() {
        for (s, &row) in slots.iter_mut().zip(block) {
            *s = ids.slot(row).unwrap_or(usize::MAX);
        }
        for (j, &g) in slots[..block.len()].iter().enumerate() {
            if g != usize::MAX {
                f(b * BLOCK + j, g);
            }
        }
    }
}

/// Rows assigned to groups. `keys[g][i]` is the code of feature `features[i]` in
/// group `g` (`NULL_CODE` for missing); groups are in level order, missing last.
#[derive(Debug, Clone, Default)]
pub struct Grouping {
    pub features: Vec<usize>,
    /// Each row's group, [`SKIP`] (as `u32`) outside every group: a byte a row
    /// when the groups fit (10 MB at 10M rows instead of 40, for the passes
    /// that write and count them), made by [`Grouping::ids_of`].
    pub ids: Codes,
    pub keys: Vec<Vec<u32>>,
    pub sizes: Vec<u64>,
    /// A whole grouping of a cohort: the cohort's rows as a bitset, so a count
    /// over them reads 1 bit a row instead of a 4-byte id. None otherwise (for a
    /// whole grouping, every row, unless its ids say otherwise).
    pub members: Option<RowSet>,
}

/// Calls `f(index, item)` for each item that `keep` holds, in order. Items are
/// tested 64 at a time into a bitmask and the kept ones visited from it, so that
/// unpredictable membership (which rows a cohort keeps) costs a branch per kept
/// item, not a mispredicted one per item.
#[inline]
pub fn for_each_kept<T>(items: &[T], keep: impl Fn(&T) -> bool, mut f: impl FnMut(usize, &T)) {
    for (c, block) in items.chunks(64).enumerate() {
        let mut bits = 0u64;
        for (i, item) in block.iter().enumerate() {
            bits |= u64::from(keep(item)) << i;
        }
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            f(c * 64 + i, &block[i]);
        }
    }
}

impl Grouping {
    /// One group holding every row of the cohort (or every row).
    pub fn whole(n: usize, cohort: Option<&[bool]>) -> Grouping {
        let ids: Vec<u8> = match cohort {
            None => vec![0; n],
            Some(c) => c
                .par_iter()
                .map(|&k| if k { 0 } else { BYTE_NULL })
                .collect(),
        };
        Grouping {
            ids: Codes::Byte(ids),
            ..Grouping::whole_rows(n, cohort)
        }
    }

    /// [`Grouping::whole`] without the per-row ids (40 MB at 10M rows): its rows
    /// are `members`, or every row. For the binary overview, whose counts and
    /// walks read only the bitset; code that reads `ids` must not be given one.
    pub fn whole_rows(n: usize, cohort: Option<&[bool]>) -> Grouping {
        let members = cohort.map(RowSet::from_mask);
        let size = members.as_ref().map_or(n, RowSet::len) as u64;
        Grouping {
            features: Vec::new(),
            ids: Codes::default(),
            keys: vec![Vec::new()],
            sizes: vec![size],
            members,
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Hands the per-row ids, a byte a row, to `spare` for the next grouping
    /// and leaves none: for a caller done with them (a slice table keeps its
    /// groups' keys and sizes, not which row is in which).
    pub fn give_ids(&mut self, spare: &Spare<u8>) {
        if let Codes::Byte(ids) = std::mem::take(&mut self.ids) {
            spare.give(ids);
        }
    }

    /// One group of the cohort's rows and no features (the overview's grouping).
    pub fn is_whole(&self) -> bool {
        self.features.is_empty() && self.keys.len() == 1
    }

    /// The rows in some group, or None when that is every row.
    pub fn row_set(&self) -> Option<RowSet> {
        if self.members.is_some() {
            return self.members.clone();
        }
        (!self.holds_every_row()).then(|| RowSet::from_ids(&self.ids))
    }

    /// Whether every row is in some group (no cohort, no row without a group).
    pub fn holds_every_row(&self) -> bool {
        self.members.is_none() && !self.ids.contains_null()
    }

    /// Group ids `ids` (`SKIP` outside every group) of `groups` groups, a byte a
    /// row when they fit.
    pub fn ids_of(ids: Vec<u32>, groups: usize) -> Codes {
        Codes::new(ids, groups)
    }

    /// The grouped rows of a score order (see [`kept_order`]): for a whole
    /// grouping, the cohort's scored rows by descending score.
    pub fn kept_rows<'a>(&self, order: &'a ScoreOrder) -> Cow<'a, [ScoredRow]> {
        kept_order(order, self.row_set().as_ref())
    }

    /// Each row's group id in the narrowest integer type that holds them all, for
    /// walks of the score order that look rows up in random order: a byte per row
    /// (10 MB at 10M rows) stays in cache where the `u32` ids (40 MB) do not.
    pub fn slot_ids(&self) -> SlotIds<'_> {
        match &self.ids {
            Codes::Byte(ids) => SlotIds::Byte(ids),
            Codes::Wide(ids) if self.len() < u16::MAX as usize => SlotIds::Short(
                ids.par_iter()
                    .map(|&g| if g == SKIP { u16::MAX } else { g as u16 })
                    .collect(),
            ),
            Codes::Wide(ids) => SlotIds::Wide(ids),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every group's `(feature name, value text)` pairs, owned (for results that
    /// outlive the table borrow).
    pub fn labels(&self, table: &EvalTable) -> Vec<Vec<(String, String)>> {
        (0..self.len())
            .map(|g| {
                self.describe(table, g)
                    .into_iter()
                    .map(|(c, v)| (c.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    /// `(feature name, value text)` pairs describing group `g`.
    pub fn describe<'a>(&self, table: &'a EvalTable, g: usize) -> Vec<(&'a str, &'a str)> {
        self.features
            .iter()
            .zip(&self.keys[g])
            .map(|(&f, &code)| {
                let feat = &table.features[f];
                (feat.name.as_str(), feat.level(code))
            })
            .collect()
    }
}

/// Groups rows by the combination of `features` (indices into `table.features`).
/// `cohort`, when given, marks the rows to keep.
pub fn group_by(table: &EvalTable, features: &[usize], cohort: Option<&[bool]>) -> Grouping {
    let n = table.len();
    if features.is_empty() {
        return Grouping::whole(n, cohort);
    }
    // Mixed-radix key with one extra digit value for "missing".
    let radices: Vec<u64> = features
        .iter()
        .map(|&f| table.features[f].codes.levels.len() as u64 + 1)
        .collect();
    let space = radices.iter().try_fold(1u64, |acc, &r| acc.checked_mul(r));
    let columns: Vec<(&Codes, u64)> = features
        .iter()
        .zip(&radices)
        .map(|(&f, &radix)| (&table.features[f].codes.codes, radix))
        .collect();
    let layout = KeyLayout {
        columns: &columns,
        cohort,
    };
    match space {
        // The spare slot `space` (rows outside the cohort) must fit the key type.
        Some(space) if space < u64::from(u8::MAX) => group_small::<u8>(
            features,
            &radices,
            n,
            space as usize,
            layout,
            &table.group_ids_spare,
        ),
        Some(space) if space <= SMALL_KEY_SPACE => group_small::<u16>(
            features,
            &radices,
            n,
            space as usize,
            layout,
            &table.group_ids_spare,
        ),
        Some(space) if space <= 1 << 22 => {
            // Dense: every row's key (in parallel), then number the occurring
            // keys in key order. SKIP maps to a spare last slot.
            let spare = space as usize;
            let mut ids = filled(n, 0u32);
            ids.par_chunks_mut(KEY_CHUNK)
                .enumerate()
                .for_each(|(c, keys)| layout.fill(c * KEY_CHUNK, keys, SKIP));
            let mut slot = vec![u32::MAX; spare + 1];
            for &k in &ids {
                slot[(k as usize).min(spare)] = 0;
            }
            let mut order_keys = Vec::new();
            for (k, s) in slot[..spare].iter_mut().enumerate() {
                if *s == 0 {
                    *s = order_keys.len() as u32;
                    order_keys.push(k as u64);
                }
            }
            slot[spare] = SKIP;
            ids.par_iter_mut().for_each(|id| {
                *id = slot[(*id as usize).min(spare)];
            });
            let keys = order_keys
                .iter()
                .map(|&k| decode_key(k as u128, &radices))
                .collect();
            finish(features, ids, keys)
        }
        _ => group_hashed(features, &radices, n, layout),
    }
}

/// Rows a chunk of the key passes covers: 64 KiB of byte keys, which stay in
/// cache while each feature's digits are folded in.
const KEY_CHUNK: usize = 1 << 16;

/// What a row's group key is made of: the features' codes with their radices,
/// and the cohort.
#[derive(Clone, Copy)]
struct KeyLayout<'a> {
    columns: &'a [(&'a Codes, u64)],
    cohort: Option<&'a [bool]>,
}

impl KeyLayout<'_> {
    /// The mixed-radix keys of rows `first..first + keys.len()` (a missing value
    /// is the digit `radix - 1`), `skip` for rows outside the cohort. Column by
    /// column, each pass compiled for its codes' width and free of branches, so
    /// a feature of byte codes reads a byte a row.
    fn fill<K: Key>(&self, first: usize, keys: &mut [K], skip: K) {
        let rows = first..first + keys.len();
        keys.fill(K::of(0));
        for &(codes, radix) in self.columns {
            match codes {
                Codes::Byte(v) => fold_digits(keys, &v[rows.clone()], radix),
                Codes::Wide(v) => fold_digits(keys, &v[rows.clone()], radix),
            }
        }
        if let Some(cohort) = self.cohort {
            for (k, &keep) in keys.iter_mut().zip(&cohort[rows]) {
                *k = if keep { *k } else { skip };
            }
        }
    }

    /// One row's key as `u128` (the hashed path: key spaces past the dense tables).
    fn wide_key(&self, r: usize) -> u128 {
        self.columns.iter().fold(0u128, |key, &(codes, radix)| {
            key.wrapping_mul(u128::from(radix)) + u128::from(digit(codes[r], radix))
        })
    }
}

/// A code's digit in a mixed-radix key: the code, or `radix - 1` for missing.
fn digit(code: u32, radix: u64) -> u64 {
    if code == NULL_CODE {
        radix - 1
    } else {
        u64::from(code)
    }
}

/// `keys = keys * radix + digit(code)` along a chunk (wrapping: the caller's
/// key type holds the whole key space).
fn fold_digits<K: Key, C: Code>(keys: &mut [K], codes: &[C], radix: u64) {
    let r = K::of(radix as u32);
    let null = K::of((radix - 1) as u32);
    for (k, &c) in keys.iter_mut().zip(codes) {
        let code = c.wide();
        let d = if code == NULL_CODE { null } else { K::of(code) };
        *k = k.mul_add(r, d);
    }
}

/// An unsigned key type of the key passes (`u8`, `u16`, `u32`).
trait Key: Copy + Send + Sync + 'static {
    /// `x` truncated to the type (callers pick a type that holds it).
    fn of(x: u32) -> Self;
    fn index(self) -> usize;
    fn mul_add(self, radix: Self, digit: Self) -> Self;
    /// Each key's group through `slot` (the last entry for keys beyond it),
    /// as bytes: written over the keys when they are bytes themselves, so that
    /// a slice table of a few groups takes no second buffer of a byte a row
    /// (at 10M rows, 10 MB of fresh pages, which this VM gives slowly).
    fn into_byte_ids(keys: Vec<Self>, slot: &[u8]) -> Vec<u8> {
        renumber(&keys, slot)
    }
    /// A buffer of `n` keys to write them into: for byte keys the table's
    /// spare ([`EvalTable::group_ids_spare`]) when it holds that many, whose
    /// pages were written while idle.
    fn buffer(n: usize, _spare: &Spare<u8>) -> Vec<Self> {
        filled(n, Self::of(0))
    }
}

/// Each key's group through `slot` (the last entry for keys beyond it), into a
/// new buffer written in parallel.
fn renumber<K: Key, G: Copy + Send + Sync>(keys: &[K], slot: &[G]) -> Vec<G> {
    let spare = slot.len() - 1;
    keys.par_iter()
        .with_min_len(KEY_CHUNK)
        .map(|k| slot[k.index().min(spare)])
        .collect()
}

/// `n` copies of `value`, written in parallel: on fresh pages each thread
/// takes its own page faults, where a zeroed allocation is written by the
/// allocator on one thread (at 10M rows ~45 ms of a slice table's first run).
fn filled<T: Copy + Send + Sync>(n: usize, value: T) -> Vec<T> {
    filled_into(Vec::with_capacity(n), n, value)
}

/// [`filled`] into `items` (emptied first), reusing its pages if it holds `n`.
fn filled_into<T: Copy + Send + Sync>(mut items: Vec<T>, n: usize, value: T) -> Vec<T> {
    items.clear();
    items.par_extend(rayon::iter::repeat_n(value, n));
    items
}

macro_rules! key_type {
    ($t:ty $(, $by_type:item)*) => {
        impl Key for $t {
            $($by_type)*
            #[inline(always)]
            fn of(x: u32) -> $t {
                x as $t
            }
            #[inline(always)]
            fn index(self) -> usize {
                self as usize
            }
            #[inline(always)]
            fn mul_add(self, radix: $t, digit: $t) -> $t {
                self.wrapping_mul(radix).wrapping_add(digit)
            }
        }
    };
}
key_type!(
    u8,
    fn into_byte_ids(mut keys: Vec<u8>, slot: &[u8]) -> Vec<u8> {
        let spare = slot.len() - 1;
        keys.par_chunks_mut(KEY_CHUNK).for_each(|keys| {
            for k in keys {
                *k = slot[usize::from(*k).min(spare)];
            }
        });
        keys
    },
    fn buffer(n: usize, spare: &Spare<u8>) -> Vec<u8> {
        filled_into(spare.take(n), n, 0)
    }
);
key_type!(u16);
key_type!(u32);

/// Key spaces up to this size are grouped by [`group_small`].
const SMALL_KEY_SPACE: u64 = 1 << 12;

/// Grouping when the key space is small (a few features of a few values each, the
/// slice table's usual case): one parallel pass makes each row's key in `K`
/// (a byte when the space fits) and counts the keys per chunk, and a second
/// writes each row's group, the occurring keys numbered in key order. The
/// counts are the group sizes; no pass has a branch on the cohort.
fn group_small<K: Key>(
    features: &[usize],
    radices: &[u64],
    n: usize,
    space: usize,
    layout: KeyLayout<'_>,
    ids_spare: &Spare<u8>,
) -> Grouping {
    let spare = space;
    let mut keys = K::buffer(n, ids_spare);
    let counts = keys
        .par_chunks_mut(KEY_CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            layout.fill(c * KEY_CHUNK, chunk, K::of(spare as u32));
            let mut counts = vec![0u64; spare + 1];
            for &k in chunk.iter() {
                counts[k.index().min(spare)] += 1;
            }
            counts
        })
        .reduce(|| vec![0u64; spare + 1], add_counts);
    let mut slot = vec![SKIP; spare + 1];
    let mut occurring = Vec::new();
    let mut sizes = Vec::new();
    for (k, &count) in counts[..spare].iter().enumerate() {
        if count > 0 {
            slot[k] = occurring.len() as u32;
            occurring.push(k as u64);
            sizes.push(count);
        }
    }
    // Each row's group through `slot`, written once in the id type that holds
    // the groups.
    let ids = if occurring.len() < usize::from(BYTE_NULL) {
        // SKIP is the wide null code: it narrows to the byte null.
        let slot: Vec<u8> = slot.iter().map(|&g| u8::narrow(g)).collect();
        Codes::Byte(K::into_byte_ids(keys, &slot))
    } else {
        Codes::Wide(renumber(&keys, &slot))
    };
    Grouping {
        features: features.to_vec(),
        ids,
        keys: occurring
            .iter()
            .map(|&k| decode_key(k as u128, radices))
            .collect(),
        sizes,
        members: None,
    }
}

/// Grouping when the key space is past the dense tables: the occurring keys
/// hashed, numbered, then renumbered in key order.
fn group_hashed(features: &[usize], radices: &[u64], n: usize, layout: KeyLayout<'_>) -> Grouping {
    let mut ids = vec![SKIP; n];
    let mut map: HashMap<u128, u32, RandomState> = HashMap::default();
    let mut keys128: Vec<u128> = Vec::new();
    for (r, id) in ids.iter_mut().enumerate() {
        if !layout.cohort.is_none_or(|c| c[r]) {
            continue;
        }
        let key = layout.wide_key(r);
        let next = keys128.len() as u32;
        *id = *map.entry(key).or_insert_with(|| {
            keys128.push(key);
            next
        });
    }
    let mut order: Vec<u32> = (0..keys128.len() as u32).collect();
    order.sort_by_key(|&i| keys128[i as usize]);
    let mut new_of_old = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old as usize] = new as u32;
    }
    for id in ids.iter_mut() {
        if *id != SKIP {
            *id = new_of_old[*id as usize];
        }
    }
    let keys: Vec<Vec<u32>> = order
        .iter()
        .map(|&i| decode_key(keys128[i as usize], radices))
        .collect();
    finish(features, ids, keys)
}

/// Two chunks' per-key counts summed (the reduce step of a parallel count).
fn add_counts(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    a
}

fn decode_key(mut key: u128, radices: &[u64]) -> Vec<u32> {
    let mut out = vec![0u32; radices.len()];
    for i in (0..radices.len()).rev() {
        let r = radices[i] as u128;
        let d = (key % r) as u64;
        key /= r;
        out[i] = if d == radices[i] - 1 {
            NULL_CODE
        } else {
            d as u32
        };
    }
    out
}

fn finish(features: &[usize], ids: Vec<u32>, keys: Vec<Vec<u32>>) -> Grouping {
    let groups = keys.len();
    // Each chunk counts into its own vector: a million rows per chunk, and
    // one chunk for the whole when the groups are many.
    let chunk = if groups > 1 << 16 {
        ids.len().max(1)
    } else {
        1 << 20
    };
    let sizes = ids
        .par_chunks(chunk)
        .map(|chunk| {
            // SKIP counts into a spare last cell (no branch per row).
            let mut sizes = vec![0u64; groups + 1];
            for &g in chunk {
                sizes[(g as usize).min(groups)] += 1;
            }
            sizes.truncate(groups);
            sizes
        })
        .reduce(|| vec![0u64; groups], add_counts);
    Grouping {
        features: features.to_vec(),
        ids: Grouping::ids_of(ids, groups),
        keys,
        sizes,
        members: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_set_holds_exactly_the_true_rows() {
        // Lengths that end mid-byte, mid-word and on a word; byte b of the
        // flags is the pattern b % 256, so the longest has all 256.
        for n in [0, 1, 7, 8, 9, 63, 64, 65, 130, 2048 + 13] {
            let mask: Vec<bool> = (0..n)
                .map(|r| ((r / 8) % 256) >> (r % 8) & 1 == 1)
                .collect();
            let set = RowSet::from_mask(&mask);
            let naive: Vec<usize> = (0..n).filter(|&r| mask[r]).collect();
            let mut seen = Vec::new();
            set.for_each(|r| seen.push(r));
            assert_eq!(seen, naive, "{n} rows");
            assert_eq!(set.len(), naive.len());
            for (r, &m) in mask.iter().enumerate() {
                assert_eq!(set.contains(r as u32), m, "row {r} of {n}");
            }
        }
    }

    #[test]
    fn for_each_kept_visits_the_kept_items_in_order() {
        // 150 rows span three 64-row words, the last one partial.
        let ids: Vec<u32> = (0..150u32)
            .map(|r| if r % 3 == 0 || r == 149 { SKIP } else { r % 5 })
            .collect();
        let mut seen = Vec::new();
        for_each_kept(&ids, |&g| g != SKIP, |r, &g| seen.push((r, g)));
        let naive: Vec<(usize, u32)> = ids
            .iter()
            .enumerate()
            .filter(|(_, g)| **g != SKIP)
            .map(|(r, &g)| (r, g))
            .collect();
        assert_eq!(seen, naive);
    }

    #[test]
    fn kept_positions_are_the_same_with_the_rows_positions_made() {
        // 300 rows: tied scores, null scores, a cohort of every third row and
        // more; the positions made from the rows' positions equal those from
        // testing every position's row, and the naive filter.
        let n = 300;
        let score: Vec<f64> = (0..n)
            .map(|r| match r % 11 {
                0 => f64::NAN,
                k => (k as f64 / 10.0).min(1.0) * ((r * 7) % 5) as f64 / 4.0,
            })
            .collect();
        let y: Vec<u32> = (0..n).map(|r| ((r * 13) % 3 == 0) as u32).collect();
        let order = crate::load::scores::score_order(&score, &y);
        let mask: Vec<bool> = (0..n).map(|r| r % 3 == 0 || r % 7 == 1).collect();
        let set = RowSet::from_mask(&mask);
        let walk = |order: &ScoreOrder| {
            let mut seen = Vec::new();
            for_each_kept_position(order, &set, |i, r| seen.push((i, r)));
            seen
        };
        let tested = walk(&order);
        assert!(order.made_positions().is_none());
        order.positions(n);
        assert!(order.made_positions().is_some());
        let marked = walk(&order);
        let naive: Vec<(usize, ScoredRow)> = (0..order.len())
            .filter(|&i| mask[order.rows[i] as usize])
            .map(|i| (i, order.scored[i]))
            .collect();
        assert!(!naive.is_empty() && naive.len() < order.len());
        assert_eq!(tested, naive);
        assert_eq!(marked, naive);
        // Null-score rows have no position.
        let positions = order.positions(n);
        assert_eq!(positions[0], crate::load::scores::NO_POSITION);
        assert_eq!(positions[order.rows[5] as usize], 5);
    }
}
