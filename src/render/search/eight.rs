//! Text read eight bytes at a time: a `u64` of eight bytes, and the high bit of each byte
//! as a flag for that byte. The tokenizer and the reading of bodies as plain text skip
//! plain ASCII this way and look one byte at a time only where it matters.

pub(super) const ONES: u64 = 0x0101_0101_0101_0101;
pub(super) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The next eight bytes of `bytes` from `at`, if there are eight.
pub(super) fn at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at + 8)?;
    let mut eight = [0u8; 8];
    eight.copy_from_slice(chunk);
    Some(u64::from_le_bytes(eight))
}

/// The flag of each byte of `x` (all below 0x80) that is from `lo` to `hi`. No byte's sum
/// carries into the next, so every flag is exact.
pub(super) fn between(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = x + ONES * u64::from(0x80 - lo);
    let above_hi = x + ONES * u64::from(0x7f - hi);
    at_least_lo & !above_hi & HIGHS
}

/// The place of the first flagged byte of `flags`; 8 if none is.
pub(super) fn first(flags: u64) -> usize {
    (flags.trailing_zeros() / 8) as usize
}
