//! Turning polars columns into the compact codes the engine computes on:
//! dictionary codes for categorical values and quantile-bin codes for numbers.
//! Every string is touched once here; later passes only read integers.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use polars::prelude::*;
use rayon::prelude::*;

/// The code of a null value in a code vector.
pub const NULL_CODE: u32 = u32::MAX;

/// The slice value written for a null feature value.
pub const MISSING: &str = "(missing)";

/// A column as dictionary codes; `levels[code]` is the value's canonical text.
/// Decoding makes `Vec<u32>` codes; a feature keeps them as [`Codes`].
#[derive(Debug, Clone, Default)]
pub struct Encoded<C = Vec<u32>> {
    pub codes: C,
    pub levels: Vec<String>,
}

impl Encoded {
    pub fn null_count(&self) -> usize {
        self.codes.iter().filter(|&&c| c == NULL_CODE).count()
    }
}

impl Encoded<Codes> {
    pub fn null_count(&self) -> usize {
        match &self.codes {
            Codes::Byte(v) => v.iter().filter(|&&c| c == BYTE_NULL).count(),
            Codes::Wide(v) => v.iter().filter(|&&c| c == NULL_CODE).count(),
        }
    }
}

impl From<Encoded> for Encoded<Codes> {
    fn from(e: Encoded) -> Encoded<Codes> {
        Encoded {
            codes: Codes::new(e.codes, e.levels.len()),
            levels: e.levels,
        }
    }
}

/// The null code of byte-wide [`Codes`].
pub const BYTE_NULL: u8 = u8::MAX;

/// A feature's per-row codes, a byte a row when it has fewer than 255 levels
/// (a slice feature's usual case, region or device), so that the passes over
/// every row (a cohort's mask, grouping, discovery) read a quarter of the
/// memory: at 10M rows 10 MB a feature instead of 40. Index it for one code as
/// `u32` ([`NULL_CODE`] for null); loops over rows take the width apart once,
/// through [`Code`].
#[derive(Debug, Clone)]
pub enum Codes {
    Byte(Vec<u8>),
    Wide(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Codes {
        Codes::Byte(Vec::new())
    }
}

/// An element of [`Codes`]: `u8` (null [`BYTE_NULL`]) or `u32` (null
/// [`NULL_CODE`]), so that a loop over rows is compiled once for each width.
pub trait Code: Copy + Send + Sync + 'static {
    /// The code as `u32`, [`NULL_CODE`] for null.
    fn wide(self) -> u32;
    /// A `u32` code (below the type's null, or [`NULL_CODE`]) in this type.
    fn narrow(code: u32) -> Self;
    /// Whether the type holds the codes of `levels` levels.
    fn holds(levels: usize) -> bool;
}

impl Code for u8 {
    #[inline(always)]
    fn wide(self) -> u32 {
        if self == BYTE_NULL {
            NULL_CODE
        } else {
            u32::from(self)
        }
    }
    #[inline(always)]
    fn narrow(code: u32) -> u8 {
        if code == NULL_CODE {
            BYTE_NULL
        } else {
            code as u8
        }
    }
    fn holds(levels: usize) -> bool {
        fits_byte(levels)
    }
}

impl Code for u32 {
    #[inline(always)]
    fn wide(self) -> u32 {
        self
    }
    #[inline(always)]
    fn narrow(code: u32) -> u32 {
        code
    }
    fn holds(_: usize) -> bool {
        true
    }
}

/// Whether codes of `levels` levels fit a byte a row.
pub fn fits_byte(levels: usize) -> bool {
    levels < usize::from(BYTE_NULL)
}

/// Each byte code as `u32`, for [`Codes`]' `Index` (which hands out a reference).
static WIDE_OF_BYTE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 255 {
        t[i] = i as u32;
        i += 1;
    }
    t[255] = NULL_CODE;
    t
};

impl Codes {
    /// `codes` of a column with `levels` levels, narrowed to bytes when they fit.
    pub fn new(codes: Vec<u32>, levels: usize) -> Codes {
        if fits_byte(levels) {
            Codes::Byte(codes.par_iter().map(|&c| u8::narrow(c)).collect())
        } else {
            Codes::Wide(codes)
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Codes::Byte(v) => v.len(),
            Codes::Wide(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether any row's code is null.
    pub fn contains_null(&self) -> bool {
        match self {
            Codes::Byte(v) => v.contains(&BYTE_NULL),
            Codes::Wide(v) => v.contains(&NULL_CODE),
        }
    }

    /// Every row's code as `u32`, in row order (for loops that are not hot).
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (bytes, wide) = match self {
            Codes::Byte(v) => (v.as_slice(), &[][..]),
            Codes::Wide(v) => (&[][..], v.as_slice()),
        };
        bytes.iter().map(|&c| c.wide()).chain(wide.iter().copied())
    }

    /// The codes as `u32`s (a copy when they are bytes).
    pub fn to_wide(&self) -> Vec<u32> {
        match self {
            Codes::Byte(v) => v.par_iter().map(|&c| c.wide()).collect(),
            Codes::Wide(v) => v.clone(),
        }
    }
}

impl std::ops::Index<usize> for Codes {
    type Output = u32;

    #[inline]
    fn index(&self, r: usize) -> &u32 {
        match self {
            Codes::Byte(v) => &WIDE_OF_BYTE[usize::from(v[r])],
            Codes::Wide(v) => &v[r],
        }
    }
}

/// The canonical text of a number: integral values print without a fraction, so a
/// label `1` and a prediction `1.0` are the same class.
pub fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Dictionary-encodes any column. Levels are sorted (numerically for numbers,
/// lexicographically otherwise) so codes have a stable, meaningful order.
pub fn encode_categorical(col: &Column) -> PolarsResult<Encoded> {
    let s = col.as_materialized_series();
    let dtype = s.dtype();
    if dtype.is_integer()
        && let Some(e) = encode_small_ints(s)?
    {
        return Ok(e);
    }
    if dtype.is_primitive_numeric() {
        let f = s.cast(&DataType::Float64)?;
        let ca = f.f64()?;
        let mut map: HashMap<u64, u32, RandomState> = HashMap::default();
        let mut values: Vec<f64> = Vec::new();
        let mut codes = Vec::with_capacity(ca.len());
        for v in ca.iter() {
            codes.push(match v {
                None => NULL_CODE,
                Some(x) if x.is_nan() => NULL_CODE,
                Some(x) => {
                    let x = if x == 0.0 { 0.0 } else { x };
                    *map.entry(x.to_bits()).or_insert_with(|| {
                        values.push(x);
                        (values.len() - 1) as u32
                    })
                }
            });
        }
        let mut order: Vec<u32> = (0..values.len() as u32).collect();
        order.sort_by(|&a, &b| values[a as usize].total_cmp(&values[b as usize]));
        let levels = order
            .iter()
            .map(|&i| number_text(values[i as usize]))
            .collect();
        Ok(remap(codes, &order, levels))
    } else if dtype.is_bool() {
        let ca = s.bool()?;
        let codes = ca
            .iter()
            .map(|v| match v {
                None => NULL_CODE,
                Some(false) => 0,
                Some(true) => 1,
            })
            .collect();
        Ok(drop_unused(Encoded {
            codes,
            levels: vec!["false".into(), "true".into()],
        }))
    } else if let Some(e) = enum_encoded(s) {
        // A compacted text column: its categories are the distinct values.
        Ok(e)
    } else {
        let owned;
        let ca = if dtype.is_string() {
            s.str()?
        } else {
            owned = s.cast(&DataType::String)?;
            owned.str()?
        };
        let mut map: HashMap<&str, u32, RandomState> = HashMap::default();
        let mut values: Vec<&str> = Vec::new();
        let mut codes = Vec::with_capacity(ca.len());
        for v in ca.iter() {
            codes.push(match v {
                None => NULL_CODE,
                Some(x) => *map.entry(x).or_insert_with(|| {
                    values.push(x);
                    (values.len() - 1) as u32
                }),
            });
        }
        let mut order: Vec<u32> = (0..values.len() as u32).collect();
        order.sort_by(|&a, &b| values[a as usize].cmp(values[b as usize]));
        let levels = order
            .iter()
            .map(|&i| values[i as usize].to_string())
            .collect();
        Ok(remap(codes, &order, levels))
    }
}

/// An enum column dictionary-coded as [`encode_categorical`] codes text:
/// levels are the values that occur, sorted; nulls are [`NULL_CODE`]. Two passes
/// over one byte a row, where coding the text hashes every row.
pub fn enum_encoded(series: &Series) -> Option<Encoded> {
    let (codes, levels) = enum_codes::<u32>(series)?;
    Some(Encoded { codes, levels })
}

/// [`enum_encoded`] for a feature: its codes written a byte a row when they fit.
pub fn enum_feature(series: &Series) -> Option<Encoded<Codes>> {
    let (codes, levels) = match enum_codes::<u8>(series) {
        Some((codes, levels)) => (Codes::Byte(codes), levels),
        None => {
            let (codes, levels) = enum_codes::<u32>(series)?;
            (Codes::Wide(codes), levels)
        }
    };
    Some(Encoded { codes, levels })
}

/// An enum column's codes in `C` (levels sorted) and its levels; None when it is
/// not an enum or `C` does not hold its levels.
fn enum_codes<C: Code>(series: &Series) -> Option<(Vec<C>, Vec<String>)> {
    let (ca, texts) = super::compact::enum_parts(series)?;
    let physical = ca.physical();
    // Which levels occur; the rows are read only until every level has.
    let mut seen = [false; 256];
    let mut unseen = texts.len();
    let mut see = |c: u8| {
        if !seen[c as usize] {
            seen[c as usize] = true;
            unseen = unseen.saturating_sub(1);
        }
        unseen == 0
    };
    'arrays: for arr in physical.downcast_iter() {
        let valid = arr.validity();
        for (r, &c) in arr.values().iter().enumerate() {
            if valid.is_none_or(|v| v.get_bit(r)) && see(c) {
                break 'arrays;
            }
        }
    }
    let mut present: Vec<usize> = (0..texts.len()).filter(|&c| seen[c]).collect();
    present.sort_by(|&a, &b| texts[a].cmp(&texts[b]));
    if !C::holds(present.len()) {
        return None;
    }
    let null = C::narrow(NULL_CODE);
    let mut code_of = [null; 256];
    for (new, &c) in present.iter().enumerate() {
        code_of[c] = C::narrow(new as u32);
    }
    let mut codes = Vec::with_capacity(physical.len());
    for arr in physical.downcast_iter() {
        match arr.validity() {
            None => codes.extend(arr.values().iter().map(|&c| code_of[c as usize])),
            Some(valid) => codes.extend(
                arr.values()
                    .iter()
                    .zip(valid.iter())
                    .map(|(&c, ok)| if ok { code_of[c as usize] } else { null }),
            ),
        }
    }
    let levels = present.iter().map(|&c| texts[c].clone()).collect();
    Some((codes, levels))
}

/// Integer columns with a small range (labels, predicted classes, flags) are coded
/// through a dense table instead of a hash map: one array read per row.
fn encode_small_ints(s: &Series) -> PolarsResult<Option<Encoded>> {
    match s.dtype() {
        DataType::Int64 => Ok(small_ints(s.i64()?, |v| v)),
        DataType::Int32 => Ok(small_ints(s.i32()?, i64::from)),
        _ => {
            let i = s.cast(&DataType::Int64)?;
            Ok(small_ints(i.i64()?, |v| v))
        }
    }
}

/// [`encode_small_ints`] on one integer type, read in place.
fn small_ints<T: PolarsNumericType<Native: Ord>>(
    ca: &ChunkedArray<T>,
    as_i64: impl Fn(T::Native) -> i64 + Copy + Sync,
) -> Option<Encoded> {
    let (min, max) = small_range(ca, as_i64)?;
    let mut seen = vec![false; (max - min + 1) as usize];
    for_each_valid(ca, as_i64, |v| seen[(v - min) as usize] = true);
    let mut code_of = vec![NULL_CODE; seen.len()];
    let mut levels = Vec::new();
    for (k, &present) in seen.iter().enumerate() {
        if present {
            code_of[k] = levels.len() as u32;
            levels.push((min + k as i64).to_string());
        }
    }
    Some(Encoded {
        codes: codes_by_value(ca, as_i64, min, &code_of),
        levels,
    })
}

/// Widest range of an integer column coded through a table indexed by value.
const MAX_INT_RANGE: i64 = 1 << 16;

/// The smallest and largest valid value, or None when there is none or they
/// are [`MAX_INT_RANGE`] or more apart.
fn small_range<T: PolarsNumericType<Native: Ord>>(
    ca: &ChunkedArray<T>,
    as_i64: impl Fn(T::Native) -> i64,
) -> Option<(i64, i64)> {
    let (mut min, mut max) = (i64::MAX, i64::MIN);
    for arr in ca.downcast_iter() {
        let values = arr.values().as_slice();
        // A chunk without nulls compared in its own width, which vectorizes (a
        // fold over `i64`s is scalar on the baseline x86-64 target).
        let (lo, hi) = match arr.validity().filter(|v| v.unset_bits() > 0) {
            None => {
                let Some(&first) = values.first() else {
                    continue;
                };
                let (lo, hi) = values
                    .iter()
                    .fold((first, first), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                (as_i64(lo), as_i64(hi))
            }
            Some(valid) => {
                let valid = || values.iter().zip(valid.iter()).filter(|&(_, ok)| ok);
                match (
                    valid().map(|(&v, _)| v).min(),
                    valid().map(|(&v, _)| v).max(),
                ) {
                    (Some(lo), Some(hi)) => (as_i64(lo), as_i64(hi)),
                    _ => continue,
                }
            }
        };
        min = min.min(lo);
        max = max.max(hi);
    }
    (min <= max && max.saturating_sub(min) < MAX_INT_RANGE).then_some((min, max))
}

/// Calls `f` with each valid value, chunk by chunk (a chunk without nulls in
/// a plain pass the compiler vectorizes).
fn for_each_valid<T: PolarsNumericType>(
    ca: &ChunkedArray<T>,
    as_i64: impl Fn(T::Native) -> i64,
    mut f: impl FnMut(i64),
) {
    for arr in ca.downcast_iter() {
        match arr.validity().filter(|v| v.unset_bits() > 0) {
            None => arr.values().iter().for_each(|&v| f(as_i64(v))),
            Some(valid) => arr
                .values()
                .iter()
                .zip(valid.iter())
                .filter(|&(_, ok)| ok)
                .for_each(|(&v, _)| f(as_i64(v))),
        }
    }
}

/// Each row's code, `code_of[value - min]`, or [`NULL_CODE`] for a null.
fn codes_by_value<T: PolarsNumericType, C: Code>(
    ca: &ChunkedArray<T>,
    as_i64: impl Fn(T::Native) -> i64 + Sync,
    min: i64,
    code_of: &[C],
) -> Vec<C> {
    let null = C::narrow(NULL_CODE);
    let code = |v: T::Native| code_of[(as_i64(v) - min) as usize];
    let mut codes = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        match arr.validity().filter(|v| v.unset_bits() > 0) {
            // Written in parallel, in place: the label's codes are made before
            // anything else can use the other core.
            None => codes.par_extend(arr.values().as_slice().par_iter().map(|&v| code(v))),
            Some(valid) => codes.extend(
                arr.values()
                    .iter()
                    .zip(valid.iter())
                    .map(|(&v, ok)| if ok { code(v) } else { null }),
            ),
        }
    }
    codes
}

/// Renumbers codes so that `order[new] = old`.
fn remap(mut codes: Vec<u32>, order: &[u32], levels: Vec<String>) -> Encoded {
    let mut new_of_old = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old as usize] = new as u32;
    }
    for c in codes.iter_mut() {
        if *c != NULL_CODE {
            *c = new_of_old[*c as usize];
        }
    }
    Encoded { codes, levels }
}

/// Drops levels that never occur (a boolean column with only `true`).
fn drop_unused(e: Encoded) -> Encoded {
    let mut seen = vec![false; e.levels.len()];
    for &c in &e.codes {
        if c != NULL_CODE {
            seen[c as usize] = true;
        }
    }
    if seen.iter().all(|&s| s) {
        return e;
    }
    let order: Vec<u32> = (0..e.levels.len() as u32)
        .filter(|&i| seen[i as usize])
        .collect();
    let levels = order
        .iter()
        .map(|&i| e.levels[i as usize].clone())
        .collect();
    let mut new_of_old = vec![NULL_CODE; e.levels.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old as usize] = new as u32;
    }
    let codes = e
        .codes
        .into_iter()
        .map(|c| {
            if c == NULL_CODE {
                c
            } else {
                new_of_old[c as usize]
            }
        })
        .collect();
    Encoded { codes, levels }
}

/// A numeric column as `f64`, with NaN for nulls and `-0.0` made `0.0` (the two
/// are the same number, and must sort and compare as one).
pub fn numeric_values(col: &Column) -> PolarsResult<Vec<f64>> {
    let s = col.as_materialized_series();
    // The common types are read straight into the output (a cast first would
    // allocate and fill a whole column more).
    fn read<T: PolarsNumericType>(
        ca: &ChunkedArray<T>,
        as_f64: impl Fn(T::Native) -> f64,
    ) -> Vec<f64> {
        let mut out = Vec::with_capacity(ca.len());
        for arr in ca.downcast_iter() {
            match arr.validity() {
                None => out.extend(arr.values().iter().map(|&v| as_f64(v) + 0.0)),
                Some(valid) => out.extend(
                    arr.values()
                        .iter()
                        .zip(valid.iter())
                        .map(|(&v, ok)| if ok { as_f64(v) + 0.0 } else { f64::NAN }),
                ),
            }
        }
        out
    }
    match s.dtype() {
        DataType::Float64 => return Ok(read(s.f64()?, |v| v)),
        DataType::Int64 => return Ok(read(s.i64()?, |v| v as f64)),
        DataType::Int32 => return Ok(read(s.i32()?, f64::from)),
        _ => {}
    }
    let f = s.cast(&DataType::Float64)?;
    Ok(read(f.f64()?, |v| v))
}

/// Numbers sliced by their values (a 0/1 flag, a rating of 1 to 5): one level per
/// distinct value, in numeric order; None if there are more than `max` values.
pub fn value_levels(values: &[f64], max: usize) -> Option<Encoded> {
    let mut distinct: Vec<f64> = Vec::new();
    for &v in values {
        if v.is_nan() {
            continue;
        }
        if let Err(at) = distinct.binary_search_by(|x| x.total_cmp(&v)) {
            if distinct.len() == max {
                return None;
            }
            distinct.insert(at, v);
        }
    }
    let codes = values
        .iter()
        .map(|&v| {
            if v.is_nan() {
                NULL_CODE
            } else {
                distinct
                    .binary_search_by(|x| x.total_cmp(&v))
                    .map_or(NULL_CODE, |i| i as u32)
            }
        })
        .collect();
    Some(Encoded {
        codes,
        levels: distinct.iter().map(|&v| number_text(v)).collect(),
    })
}

/// An integer column of a small range coded as [`value_levels`], or else
/// [`quantile_bins`], code its values as numbers, from one count per value: no
/// copy as `f64` and no hashing (an age, a tenure in months, a count at 10M
/// rows). None when the range is wide, when every value is null, or beyond
/// 2^53, where `f64` would merge neighbouring values.
pub fn integer_codes(col: &Column, bins: usize) -> Option<Encoded<Codes>> {
    let s = col.as_materialized_series();
    match s.dtype() {
        DataType::Int32 => integer_codes_of(s.i32().ok()?, i64::from, bins),
        DataType::Int64 => integer_codes_of(s.i64().ok()?, |v| v, bins),
        _ => None,
    }
}

fn integer_codes_of<T: PolarsNumericType<Native: Ord>>(
    ca: &ChunkedArray<T>,
    as_i64: impl Fn(T::Native) -> i64 + Copy + Sync,
    bins: usize,
) -> Option<Encoded<Codes>> {
    const EXACT: i64 = 1 << 53;
    let (min, max) = small_range(ca, as_i64)?;
    if min <= -EXACT || max >= EXACT {
        return None;
    }
    let mut counts = vec![0u64; (max - min + 1) as usize];
    for_each_valid(ca, as_i64, |v| counts[(v - min) as usize] += 1);
    let distinct: Vec<(f64, u64)> = counts
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c > 0)
        .map(|(k, &c)| ((min + k as i64) as f64, c))
        .collect();
    let mut code_of = vec![NULL_CODE; counts.len()];
    let slot = |v: f64| (v as i64 - min) as usize;
    let levels = if distinct.len() <= bins {
        for (i, &(v, _)) in distinct.iter().enumerate() {
            code_of[slot(v)] = i as u32;
        }
        distinct.iter().map(|&(v, _)| number_text(v)).collect()
    } else {
        let edges = bin_edges(crate::stats::quantiles_of_counts(
            &distinct,
            &bin_quantiles(bins),
        ));
        let last = (edges.len() - 2) as u32;
        for &(v, _) in &distinct {
            let below = edges[1..].iter().filter(|&&e| e < v).count() as u32;
            code_of[slot(v)] = below.min(last);
        }
        bin_labels(&edges)
    };
    let codes = if fits_byte(levels.len()) {
        let code_of: Vec<u8> = code_of.iter().map(|&c| u8::narrow(c)).collect();
        Codes::Byte(codes_by_value(ca, as_i64, min, &code_of))
    } else {
        Codes::Wide(codes_by_value(ca, as_i64, min, &code_of))
    };
    Some(Encoded { codes, levels })
}

/// Quantile bins as pandas' `qcut(x, bins, duplicates="drop")` makes them: edges at
/// the linear-interpolated quantiles, duplicate edges dropped, intervals closed on
/// the right and the first one closed on both sides. NaN goes to `(missing)`.
pub fn quantile_bins(values: &[f64], bins: usize) -> Encoded<Codes> {
    if values.iter().all(|v| v.is_nan()) {
        return Encoded {
            codes: Codes::Byte(vec![BYTE_NULL; values.len()]),
            levels: Vec::new(),
        };
    }
    let edges = bin_edges(crate::stats::quantiles_unsorted(
        values,
        &bin_quantiles(bins),
    ));
    // The bin is the number of upper edges below the value (the edges ascend),
    // counted edge by edge over a block of rows: a compare and an add per row
    // and edge that the compiler vectorizes, with no branch on where a value falls.
    let levels = bin_labels(&edges);
    let codes = if fits_byte(levels.len()) {
        Codes::Byte(bin_codes(values, &edges))
    } else {
        Codes::Wide(bin_codes(values, &edges))
    };
    Encoded { codes, levels }
}

/// Each value's bin among `edges` (see [`quantile_bins`]) in `C`.
fn bin_codes<C: Code>(values: &[f64], edges: &[f64]) -> Vec<C> {
    let last = (edges.len() - 2) as u32;
    let uppers = &edges[1..];
    let mut codes = vec![C::narrow(0); values.len()];
    codes
        .par_chunks_mut(1 << 16)
        .zip(values.par_chunks(1 << 16))
        .for_each(|(codes, values)| {
            let mut below = [0u32; 1024];
            for (codes, values) in codes.chunks_mut(1024).zip(values.chunks(1024)) {
                // Counted in a block that stays in cache, the codes written once
                // (a fresh page read before it is written is faulted in twice).
                let below = &mut below[..values.len()];
                below.fill(0);
                for &e in uppers {
                    for (c, &x) in below.iter_mut().zip(values) {
                        *c += u32::from(e < x);
                    }
                }
                for ((code, &c), &x) in codes.iter_mut().zip(below.iter()).zip(values) {
                    *code = C::narrow(if x.is_nan() { NULL_CODE } else { c.min(last) });
                }
            }
        });
    codes
}

/// The quantiles `0, 1/B, ..., 1` whose values are the edges of `B` bins (at
/// least one).
fn bin_quantiles(bins: usize) -> Vec<f64> {
    let bins = bins.max(1);
    (0..=bins).map(|k| k as f64 / bins as f64).collect()
}

/// Bin edges from the quantiles at `0, 1/B, ..., 1` (linear interpolation, as
/// pandas and Spark's exact `percentile`): duplicates dropped, a constant column
/// one bin. Shared by the in-memory binning and a Spark source's, so both cut at
/// the same edges.
pub fn bin_edges(mut quantiles: Vec<f64>) -> Vec<f64> {
    quantiles.dedup();
    if quantiles.len() == 1 {
        // A constant column: one bin holding every value.
        quantiles.push(quantiles[0]);
    }
    quantiles
}

/// Interval labels such as `[18, 25]`, `(25, 33]`, with just enough significant
/// digits that neighbouring edges print differently.
pub fn bin_labels(edges: &[f64]) -> Vec<String> {
    let mut digits = 3;
    let texts = loop {
        let t: Vec<String> = edges.iter().map(|&e| short_number(e, digits)).collect();
        if digits >= 15 || t.windows(2).all(|w| w[0] != w[1]) || edges.len() == 2 {
            break t;
        }
        digits += 1;
    };
    (0..edges.len() - 1)
        .map(|i| {
            let open = if i == 0 { '[' } else { '(' };
            format!("{open}{}, {}]", texts[i], texts[i + 1])
        })
        .collect()
}

/// A number with at most `digits` significant digits, without trailing zeros.
pub fn short_number(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return number_text(x);
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (digits as i32 - 1 - magnitude).max(0) as usize;
    if !(-5..15).contains(&magnitude) {
        return format!("{x:.*e}", digits.saturating_sub(1));
    }
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_text() {
        assert_eq!(number_text(1.0), "1");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(0.25), "0.25");
    }

    #[test]
    fn categorical_levels_are_sorted_and_nulls_coded() {
        let c = Column::new("c".into(), &[Some("b"), None, Some("a"), Some("b")]);
        let e = encode_categorical(&c).unwrap();
        assert_eq!(e.levels, vec!["a", "b"]);
        assert_eq!(e.codes, vec![1, NULL_CODE, 0, 1]);
        let n = Column::new("n".into(), &[10i64, 2, 10]);
        let e = encode_categorical(&n).unwrap();
        assert_eq!(e.levels, vec!["2", "10"]);
        assert_eq!(e.codes, vec![1, 0, 1]);
    }

    #[test]
    fn quantile_bins_count_the_upper_edges_below_each_value() {
        // Rows past several blocks, values on the edges, NaNs.
        let v: Vec<f64> = (0..200_003u32)
            .map(|i| match i % 101 {
                0 => f64::NAN,
                k => f64::from((i * 7919) % 1000) / 10.0 + f64::from(k % 3),
            })
            .collect();
        let bins = 7;
        let qs: Vec<f64> = (0..=bins).map(|k| k as f64 / bins as f64).collect();
        let edges = bin_edges(crate::stats::quantiles_unsorted(&v, &qs));
        let last = (edges.len() - 2) as u32;
        let want: Vec<u32> = v
            .iter()
            .map(|&x| {
                if x.is_nan() {
                    NULL_CODE
                } else {
                    (edges[1..].iter().filter(|&&e| e < x).count() as u32).min(last)
                }
            })
            .collect();
        assert_eq!(quantile_bins(&v, bins).codes.to_wide(), want);
    }

    #[test]
    fn integer_codes_equal_the_codes_of_the_values_as_numbers() {
        let as_numbers = |col: &Column, bins: usize| {
            let v = numeric_values(col).unwrap();
            value_levels(&v, bins)
                .map(Encoded::<Codes>::from)
                .unwrap_or_else(|| quantile_bins(&v, bins))
        };
        // Ages with nulls over two chunks (bins), a flag (levels), negative
        // counts as Int32 (bins), a constant, and few values with bins to spare.
        let ages: Vec<Option<i64>> = (0..30_011i64)
            .map(|i| (i % 97 != 0).then_some(18 + (i * 7919) % 73))
            .collect();
        let mut two_chunks = Column::new("age".into(), ages.clone());
        two_chunks
            .append(&Column::new("age".into(), ages[..5_000].to_vec()))
            .unwrap();
        let flag = Column::new(
            "flag".into(),
            (0..1_000i64).map(|i| i % 2).collect::<Vec<_>>(),
        );
        let signed = Column::new(
            "delta".into(),
            (0..20_000i32)
                .map(|i| (i * 31) % 401 - 200)
                .collect::<Vec<_>>(),
        );
        let constant = Column::new("one".into(), vec![7i64; 50]);
        for (col, bins) in [
            (&two_chunks, 10),
            (&two_chunks, 4),
            (&flag, 10),
            (&signed, 10),
            (&constant, 10),
            (&signed, 1000),
            (&flag, 0),
        ] {
            let got = integer_codes(col, bins).expect("a small range");
            let want = as_numbers(col, bins);
            assert_eq!(got.levels, want.levels, "{} {bins}", col.name());
            assert_eq!(
                got.codes.to_wide(),
                want.codes.to_wide(),
                "{} {bins}",
                col.name()
            );
        }
        // A wide range, values past 2^53, no values, and floats are left to the
        // general path.
        let wide = Column::new("id".into(), vec![0i64, 1 << 20]);
        let huge = Column::new("big".into(), vec![1i64 << 60, (1i64 << 60) + 1]);
        let none = Column::new("none".into(), vec![None::<i64>; 3]);
        let float = Column::new("x".into(), vec![1.0f64, 2.0]);
        for col in [wide, huge, none, float] {
            assert!(integer_codes(&col, 10).is_none(), "{}", col.name());
        }
    }

    #[test]
    fn quantile_bins_match_pandas_qcut() {
        // pandas.qcut([1..10], 5, duplicates="drop") gives edges
        // [1, 2.8, 4.6, 6.4, 8.2, 10] and codes [0,0,1,1,2,2,3,3,4,4].
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let e = quantile_bins(&v, 5);
        assert_eq!(e.codes.to_wide(), vec![0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
        assert_eq!(e.levels[0], "[1, 2.8]");
        assert_eq!(e.levels[4], "(8.2, 10]");
        // Heavy ties drop duplicate edges: qcut([0]*8 + [1], 4, duplicates="drop")
        // has the edges [0, 1] and a single bin.
        let v = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, f64::NAN];
        let e = quantile_bins(&v, 4);
        assert_eq!(e.codes[9], NULL_CODE);
        assert_eq!(e.levels, vec!["[0, 1]"]);
        assert_eq!(e.codes[8], 0);
    }
}
