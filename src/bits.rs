//! Per-row bytes packed into bitsets eight rows at a time: the bits of eight
//! bytes gathered by one multiplication instead of a shift and an or per row.

/// Bits `0..K` of up to 64 rows' bytes (`byte(row)`) as K words: bit i of word
/// k is bit k of row i's byte.
pub fn planes<const K: usize, T: Copy>(rows: &[T], byte: impl Fn(T) -> u8) -> [u64; K] {
    let mut words = [0u64; K];
    for (j, eight) in rows.chunks(8).enumerate() {
        let mut bytes = [0u8; 8];
        for (b, &r) in bytes.iter_mut().zip(eight) {
            *b = byte(r);
        }
        let x = u64::from_le_bytes(bytes);
        for (k, w) in words.iter_mut().enumerate() {
            *w |= gather(x >> k) << (8 * j);
        }
    }
    words
}

/// Bit 0 of each of the eight bytes of `x` (byte i at bits 8i..8i+8), as the
/// low eight bits of the result (byte i's at bit i): byte i's bit times
/// 2^(56 - 7i) lands at bit 56 + i, and no two of the 64 partial products share
/// a bit, so nothing carries.
#[inline]
fn gather(x: u64) -> u64 {
    (x & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_plane_holds_its_bit_of_every_byte() {
        // Every byte value at every position of a 64-row word, and short words.
        for n in [0, 1, 7, 8, 9, 63, 64] {
            for shift in 0..256 {
                let rows: Vec<u8> = (0..n).map(|i| ((i * 37 + shift) % 256) as u8).collect();
                let words = planes::<8, u8>(&rows, |b| b);
                for (k, w) in words.iter().enumerate() {
                    let naive = rows
                        .iter()
                        .enumerate()
                        .fold(0u64, |w, (i, &b)| w | u64::from(b >> k & 1) << i);
                    assert_eq!(*w, naive, "bit {k}, {n} rows, shift {shift}");
                }
            }
        }
    }
}
