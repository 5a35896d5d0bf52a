//! One-byte searches over spans that are nearly always short.
//!
//! The scanner's look-arounds (the last `>` before a literal, the first `<` after that,
//! the `>` that ends a run) are a few dozen bytes away on real HTML, where `memchr`'s
//! setup costs more than the search itself. These functions compare one 64-byte window
//! at once (four SSE2 compares on x86-64, a byte loop elsewhere) and hand only what lies
//! beyond it to `memchr`.

use memchr::{memchr, memrchr};

/// How many bytes one window covers.
const W: usize = 64;

/// The first `b` in `h[from..to]`.
#[inline(always)]
pub(crate) fn find(b: u8, h: &[u8], from: usize, to: usize) -> Option<usize> {
    debug_assert!(from <= to && to <= h.len());
    if from >= to {
        return None;
    }
    // The window: the W bytes from `from`, or the last W bytes of `h` near its end.
    let Some(start) = window_start(h.len(), from) else {
        return h[from..to].iter().position(|&x| x == b).map(|i| from + i);
    };
    let m = within(eq_mask(h, start, b), start, from, to);
    if m != 0 {
        return Some(start + m.trailing_zeros() as usize);
    }
    let done = start + W;
    if done >= to {
        return None;
    }
    memchr(b, &h[done..to]).map(|i| done + i)
}

/// The last `b` in `h[from..to]`.
#[inline(always)]
pub(crate) fn rfind(b: u8, h: &[u8], from: usize, to: usize) -> Option<usize> {
    debug_assert!(from <= to && to <= h.len());
    if from >= to {
        return None;
    }
    // The window: the W bytes before `to`, or the first W bytes of `h` near its start.
    let start = to.saturating_sub(W);
    if start + W > h.len() {
        return h[from..to].iter().rposition(|&x| x == b).map(|i| from + i);
    }
    let m = within(eq_mask(h, start, b), start, from, to);
    if m != 0 {
        return Some(start + 63 - m.leading_zeros() as usize);
    }
    if start <= from {
        return None;
    }
    memrchr(b, &h[from..start]).map(|i| from + i)
}

/// Where a window holding `from` can start: at `from`, or `len - W` when fewer than W
/// bytes follow `from`; `None` when `len < W`.
#[inline(always)]
fn window_start(len: usize, from: usize) -> Option<usize> {
    if from + W <= len {
        Some(from)
    } else {
        len.checked_sub(W)
    }
}

/// Keeps the bits of a window mask (bit `i` is offset `start + i`) for offsets in
/// `[from, to)`. Requires `start <= from` or `from - start < 64` as the callers ensure.
#[inline(always)]
fn within(m: u64, start: usize, from: usize, to: usize) -> u64 {
    let lo = from.saturating_sub(start);
    let hi = to.saturating_sub(start);
    let m = if lo >= W { 0 } else { m & (!0u64 << lo) };
    if hi >= W {
        m
    } else {
        m & !(!0u64 << hi)
    }
}

/// Bit `i` set when `h[start + i] == b`, for `i < 64`. Requires `start + 64 <= h.len()`.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
#[inline(always)]
fn eq_mask(h: &[u8], start: usize, b: u8) -> u64 {
    use core::arch::x86_64::*;
    assert!(start + W <= h.len());
    let p = h[start..].as_ptr();
    // SAFETY: the assertion above keeps the four 16-byte loads from `p`, `p + 16`,
    // `p + 32` and `p + 48` inside `h`; they are unaligned loads. SSE2 is part of the
    // x86-64 baseline, so its intrinsics run on every x86-64 processor.
    unsafe {
        let n = _mm_set1_epi8(b as i8);
        let m = |k: usize| {
            let v = _mm_loadu_si128(p.add(k).cast());
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, n)) as u32 as u64
        };
        m(0) | m(16) << 16 | m(32) << 32 | m(48) << 48
    }
}

/// Bit `i` set when `h[start + i] == b`, for `i < 64`. Requires `start + 64 <= h.len()`.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn eq_mask(h: &[u8], start: usize, b: u8) -> u64 {
    h[start..start + W]
        .iter()
        .enumerate()
        .fold(0, |m, (i, &x)| m | u64::from(x == b) << i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_naive_on_every_span() {
        // Lengths around the window size, dense and sparse hits at every distance.
        for (len, density) in [0, 1, 5, 63, 64, 65, 100, 130, 200]
            .into_iter()
            .flat_map(|len| [(len, 2u32), (len, 40)])
        {
            let mut state = len as u32 + density;
            let h: std::vec::Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    match (state >> 16) % density {
                        0 => b'<',
                        1 => b'>',
                        _ => b'a',
                    }
                })
                .collect();
            for from in 0..=len {
                for to in from..=len {
                    for b in [b'<', b'>', b'z'] {
                        let span = &h[from..to];
                        assert_eq!(
                            find(b, &h, from, to),
                            span.iter().position(|&x| x == b).map(|i| from + i),
                            "find {b} {len} {from} {to}"
                        );
                        assert_eq!(
                            rfind(b, &h, from, to),
                            span.iter().rposition(|&x| x == b).map(|i| from + i),
                            "rfind {b} {len} {from} {to}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn sparse_bytes_far_away() {
        // One hit far beyond the window, on either side: the memchr path.
        let mut h = [b'a'; 1000];
        h[7] = b'>';
        h[900] = b'>';
        assert_eq!(find(b'>', &h, 8, 1000), Some(900));
        assert_eq!(find(b'>', &h, 8, 900), None);
        assert_eq!(rfind(b'>', &h, 0, 899), Some(7));
        assert_eq!(rfind(b'>', &h, 8, 899), None);
        assert_eq!(rfind(b'>', &h, 0, 1000), Some(900));
    }
}
