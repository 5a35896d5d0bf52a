//! One-byte searches over spans that are nearly always short.
//!
//! The scanner's look-arounds (the last `>` before a literal, the first `<` after that,
//! the `>` that ends a run) are a few dozen bytes away on real HTML, where `memchr`'s
//! setup costs more than the search itself. These functions compare one 64-byte window
//! at once (four SSE2 compares on x86-64, a byte loop elsewhere). [`find`] and [`rfind`]
//! hand what lies beyond it to `memchr`; [`run_state`] and [`gt_near`], which the
//! scanner's quick path asks, read up to four windows and else leave the answer to the
//! scanner's general path. In the scanner's step compiled for AVX2, these two first
//! read the 32 bytes nearest the literal, with one compare per byte looked for: on
//! dense markup the answer is nearly always there.

use memchr::{memchr, memrchr, memrchr2};

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

/// The last `<` or `>` in `h[from..to]`: the byte that tells whether a run is open at
/// `to`. Both are the bytes `x` with `x | 2 == b'>'`, one compare a byte; with `AVX2`
/// 128 bytes a round from `to` back, else `memrchr2`.
#[inline]
#[allow(unsafe_code)]
pub(crate) fn rfind_angle<const AVX2: bool>(h: &[u8], from: usize, to: usize) -> Option<usize> {
    assert!(from <= to && to <= h.len());
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: AVX2 is present (see `masks`).
        return unsafe { avx2::rfind_angle(h, from, to) };
    }
    memrchr2(b'<', b'>', &h[from..to]).map(|i| from + i)
}

/// Appends `h[from..to]` to `out` and returns [`rfind_angle`] of those bytes, reading
/// them once: with `AVX2`, one pass forward that stores each 64 bytes it tests (a
/// streaming driver writes out the bytes it then asks about); else a copy and a search.
#[cfg(feature = "alloc")]
#[inline]
#[allow(unsafe_code)]
pub(crate) fn extend_rfind_angle<const AVX2: bool>(
    out: &mut alloc::vec::Vec<u8>,
    h: &[u8],
    from: usize,
    to: usize,
) -> Option<usize> {
    assert!(from <= to && to <= h.len());
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        let n = to - from;
        out.reserve(n);
        let len = out.len();
        // SAFETY: `reserve` made `out[len..len + n]` spare capacity, a `Vec` of its own
        // apart from `h`; AVX2 is present (see `masks`). The copy writes all `n` bytes,
        // so they are initialised before `set_len`.
        unsafe {
            let last = avx2::copy_rfind_angle(h, from, to, out.as_mut_ptr().add(len));
            out.set_len(len + n);
            return last;
        }
    }
    crate::replace::extend(out, &h[from..to]);
    rfind_angle::<false>(h, from, to)
}

/// How many windows [`run_state`] and [`gt_near`] read at most: they look 256 bytes
/// away at most, where an answer nearly always lies on real HTML (a long `title`
/// attribute, a few words of text between two links).
const WINDOWS: usize = 4;

/// The run state just before `to`, from the bytes before it, read one window at a
/// time back from `to` ([`WINDOWS`] at most, after the 32 bytes before `to` with
/// `AVX2`): `Some((gt, lt))` with `gt` the last `>` in `h[from..to]` and `lt` the first
/// `<` after it (after `from` when there is no `>`), both before `to`. `None` when the
/// windows read cannot tell (no `>` in them, and `from` lies before them) or when `h`
/// is shorter than a window.
#[inline(always)]
pub(crate) fn run_state<const AVX2: bool>(
    h: &[u8],
    from: usize,
    to: usize,
) -> Option<(Option<usize>, Option<usize>)> {
    debug_assert!(from <= to && to <= h.len());
    // The windows read so far cover `[end, to)` and hold no `>` at or after `from`;
    // `later` is the first `<` among them at or after `from`.
    let mut end = to;
    let mut later = None;
    #[cfg(target_arch = "x86_64")]
    if AVX2 && to >= 32 {
        // First the 32 bytes before `to`, one compare per byte looked for: enough when
        // they hold a `>` after `from`, or when `from` lies among them.
        let start = to - 32;
        assert!(to <= h.len());
        // SAFETY: `h[start..to]` is in bounds (above), and AVX2 is present (see
        // `masks`).
        #[allow(unsafe_code)]
        let (gm, lm) = unsafe { avx2::eq_masks32(h[start..].as_ptr(), b'>', Some(b'<')) };
        match state_in(u64::from(gm), u64::from(lm), start, from, None) {
            Ok(state) => return Some(state),
            Err(lt) => (end, later) = (start, lt),
        }
    }
    for _ in 0..WINDOWS {
        // Near the start of `h`, the first W bytes, cut at `end`.
        let start = end.saturating_sub(W);
        if start + W > h.len() {
            return None;
        }
        let (gm, lm) = masks::<AVX2>(h, start, b'>', Some(b'<'));
        let below_end = !(u64::MAX.checked_shl((end - start) as u32).unwrap_or(0));
        match state_in(gm & below_end, lm & below_end, start, from, later) {
            Ok(state) => return Some(state),
            // A window at the start of `h` always tells (`start <= from`).
            Err(lt) => (end, later) = (start, lt),
        }
    }
    None
}

/// One window of [`run_state`]: the masks of `>` and `<` in the bytes from `start`
/// (bit `i` is offset `start + i`) up to where the windows already read begin, 64 at
/// most (the bits from there on are clear), and `later`, the first `<` in those
/// windows. `Ok` with the run state when the window tells, else `Err` with the first
/// `<` in it or after it.
#[inline(always)]
fn state_in(
    gm: u64,
    lm: u64,
    start: usize,
    from: usize,
    later: Option<usize>,
) -> Result<(Option<usize>, Option<usize>), Option<usize>> {
    // Only the bytes before `from` are to be dropped.
    let keep = u64::MAX
        .checked_shl(from.saturating_sub(start) as u32)
        .unwrap_or(0);
    let (gm, lm) = (gm & keep, lm & keep);
    let lowest = |m: u64| (m != 0).then(|| start + m.trailing_zeros() as usize);
    if gm != 0 {
        let g = 63 - gm.leading_zeros() as usize;
        // The bits after `g`: `2 << 63` is 0, and then none.
        let after = lm & !(2u64 << g).wrapping_sub(1);
        return Ok((Some(start + g), lowest(after).or(later)));
    }
    let later = lowest(lm).or(later);
    if start <= from {
        Ok((None, later))
    } else {
        Err(later)
    }
}

/// The first `>` from `from` on, if it lies in the windows from `from` that lie inside
/// `h`, [`WINDOWS`] at most.
#[inline(always)]
pub(crate) fn gt_near<const AVX2: bool>(h: &[u8], from: usize) -> Option<usize> {
    for w in 0..WINDOWS {
        let start = from + w * W;
        if start + W > h.len() {
            return None;
        }
        #[cfg(target_arch = "x86_64")]
        if AVX2 {
            // Half a window at a time: the `>` is nearly always in the first half.
            for half in [start, start + 32] {
                // SAFETY: `h[half..half + 32]` lies in `h[start..start + W]`, in bounds
                // (above); AVX2 is present (see `masks`).
                #[allow(unsafe_code)]
                let (m, _) = unsafe { avx2::eq_masks32(h[half..].as_ptr(), b'>', None) };
                if m != 0 {
                    return Some(half + m.trailing_zeros() as usize);
                }
            }
            continue;
        }
        let (m, _) = masks::<AVX2>(h, start, b'>', None);
        if m != 0 {
            return Some(start + m.trailing_zeros() as usize);
        }
    }
    None
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

/// [`eq_masks`], with 32-byte compares when `AVX2`.
/// `AVX2` is only true in the scanner's step compiled for AVX2 (see
/// `Scanner::step`), which runs only after the processor was found to have it.
#[inline(always)]
#[allow(unsafe_code)]
fn masks<const AVX2: bool>(h: &[u8], start: usize, a: u8, b: Option<u8>) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        assert!(start + W <= h.len());
        // SAFETY: the assertion keeps `h[start..start + 64]` in bounds, and AVX2 is
        // present (above).
        return unsafe { avx2::eq_masks(h[start..].as_ptr(), a, b) };
    }
    eq_masks(h, start, a, b)
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub(crate) mod avx2 {
    use core::arch::x86_64::*;

    /// The masks of `a` and `b` in the 64 bytes at `p`.
    ///
    /// # Safety
    ///
    /// `p .. p + 64` must be readable and the processor must have AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(super) unsafe fn eq_masks(p: *const u8, a: u8, b: Option<u8>) -> (u64, u64) {
        // SAFETY: the caller makes the two 32-byte loads readable; unaligned loads.
        let (v0, v1) = unsafe {
            (
                _mm256_loadu_si256(p.cast()),
                _mm256_loadu_si256(p.add(32).cast()),
            )
        };
        let m = |x: u8| {
            let n = _mm256_set1_epi8(x as i8);
            let lo = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, n)) as u32;
            let hi = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, n)) as u32;
            u64::from(lo) | (u64::from(hi) << 32)
        };
        (m(a), b.map_or(0, m))
    }

    /// The bytes `x` of `v` with `x | 2 == b'>'` (`<` and `>`), as a byte mask.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn angles(v: __m256i) -> __m256i {
        _mm256_cmpeq_epi8(
            _mm256_or_si256(v, _mm256_set1_epi8(2)),
            _mm256_set1_epi8(b'>' as i8),
        )
    }

    /// The `<` and `>` among the 64 bytes `a` then `b`, as a byte mask (its two
    /// halves or-ed).
    #[cfg(feature = "alloc")]
    #[target_feature(enable = "avx2")]
    #[inline]
    fn angles_or(a: __m256i, b: __m256i) -> __m256i {
        _mm256_or_si256(angles(a), angles(b))
    }

    /// The `<` and `>` among the 64 bytes `a` then `b`, as bits.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn angle_bits(a: __m256i, b: __m256i) -> u64 {
        let m = |v| _mm256_movemask_epi8(angles(v)) as u32;
        u64::from(m(a)) | u64::from(m(b)) << 32
    }

    /// The `<` and `>` among the 64 bytes at `p + i`, as a byte mask (its two halves
    /// or-ed).
    ///
    /// # Safety
    ///
    /// `p + i .. p + i + 64` must be readable and the processor must have AVX2.
    #[cfg(feature = "alloc")]
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(crate) unsafe fn angles_at(p: *const u8, i: usize) -> __m256i {
        // SAFETY: the caller's promise. Unaligned loads.
        let (a, b) = unsafe {
            (
                _mm256_loadu_si256(p.add(i).cast()),
                _mm256_loadu_si256(p.add(i + 32).cast()),
            )
        };
        angles_or(a, b)
    }

    /// The bits of `<` and `>` among the 64 bytes at `p`.
    ///
    /// # Safety
    ///
    /// `p .. p + 64` must be readable and the processor must have AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(crate) unsafe fn angles64(p: *const u8) -> u64 {
        // SAFETY: the caller makes the two 32-byte loads readable; unaligned loads.
        let (v0, v1) = unsafe {
            (
                _mm256_loadu_si256(p.cast()),
                _mm256_loadu_si256(p.add(32).cast()),
            )
        };
        angle_bits(v0, v1)
    }

    /// [`rfind_angle`](super::rfind_angle) with AVX2: 128 bytes a round from `to`
    /// back, one test for the round. Requires `from <= to <= h.len()`.
    ///
    /// # Safety
    ///
    /// The processor must have AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn rfind_angle(h: &[u8], from: usize, to: usize) -> Option<usize> {
        assert!(from <= to && to <= h.len());
        let p = h.as_ptr();
        let mut end = to;
        while end - from >= 128 {
            let at = |k: usize| {
                // SAFETY: `p + end - 128 .. p + end` lies in `h[from..to]`.
                angles(unsafe { _mm256_loadu_si256(p.add(end - 128 + k).cast()) })
            };
            let (a, b, c, d) = (at(0), at(32), at(64), at(96));
            let any = _mm256_or_si256(_mm256_or_si256(a, b), _mm256_or_si256(c, d));
            if _mm256_testz_si256(any, any) == 0 {
                break;
            }
            end -= 128;
        }
        while end - from >= 64 {
            // SAFETY: `p + end - 64 .. p + end` lies in `h[from..to]`.
            let m = unsafe { angles64(p.add(end - 64)) };
            if m != 0 {
                return Some(end - 1 - m.leading_zeros() as usize);
            }
            end -= 64;
        }
        if to - from >= 64 {
            // The last bytes, fewer than 64: the window at `from`, overlapping the
            // bytes done, cut at `end`.
            // SAFETY: `p + from .. p + from + 64` lies in `h[from..to]`.
            let m = unsafe { angles64(p.add(from)) } & !(!0u64 << (end - from));
            return (m != 0).then(|| from + 63 - m.leading_zeros() as usize);
        }
        h[from..end]
            .iter()
            .rposition(|&x| x | 2 == b'>')
            .map(|i| from + i)
    }

    /// Copies `h[from..to]` to `dst` and returns the last `<` or `>` among those
    /// bytes, 64 bytes a round forward: the round's two loads serve the store and the
    /// test, and the start of the last round that held either byte is kept.
    ///
    /// # Safety
    ///
    /// `dst .. dst + (to - from)` must be valid for writes and apart from `h`, and the
    /// processor must have AVX2.
    #[cfg(feature = "alloc")]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn copy_rfind_angle(
        h: &[u8],
        from: usize,
        to: usize,
        dst: *mut u8,
    ) -> Option<usize> {
        assert!(from <= to && to <= h.len());
        let p = h.as_ptr();
        let mut i = from;
        let mut last = None;
        while i + 64 <= to {
            // SAFETY: `p + i .. p + i + 64` lies in `h[from..to]`, and
            // `dst + i - from .. dst + i - from + 64` in what the caller makes writable.
            let any = unsafe {
                let (a, b) = (
                    _mm256_loadu_si256(p.add(i).cast()),
                    _mm256_loadu_si256(p.add(i + 32).cast()),
                );
                _mm256_storeu_si256(dst.add(i - from).cast(), a);
                _mm256_storeu_si256(dst.add(i - from + 32).cast(), b);
                angles_or(a, b)
            };
            if _mm256_testz_si256(any, any) == 0 {
                last = Some(i);
            }
            i += 64;
        }
        if to - from < 64 {
            // SAFETY: as above, for the `to - from < 64` bytes.
            unsafe { core::ptr::copy_nonoverlapping(p.add(from), dst, to - from) };
            return h[from..to]
                .iter()
                .rposition(|&x| x | 2 == b'>')
                .map(|k| from + k);
        }
        // The last bytes: one round over the 64 before `to`, overlapping those done,
        // its test cut at `i`.
        // SAFETY: `p + to - 64 .. p + to` lies in `h[from..to]`, and
        // `dst + to - 64 - from .. dst + to - from` in what the caller makes writable.
        let m = unsafe {
            let (a, b) = (
                _mm256_loadu_si256(p.add(to - 64).cast()),
                _mm256_loadu_si256(p.add(to - 32).cast()),
            );
            _mm256_storeu_si256(dst.add(to - 64 - from).cast(), a);
            _mm256_storeu_si256(dst.add(to - 32 - from).cast(), b);
            angle_bits(a, b)
        } & (!0u64).checked_shl((64 - (to - i)) as u32).unwrap_or(0);
        if m != 0 {
            return Some(to - 1 - m.leading_zeros() as usize);
        }
        // SAFETY: the round at `b` read `p + b .. p + b + 64`, within `h`.
        last.map(|b| b + 63 - unsafe { angles64(p.add(b)) }.leading_zeros() as usize)
    }

    /// The masks of `a`, and of `b` when given (else 0), in the 32 bytes at `p`.
    ///
    /// # Safety
    ///
    /// `p .. p + 32` must be readable and the processor must have AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub(super) unsafe fn eq_masks32(p: *const u8, a: u8, b: Option<u8>) -> (u32, u32) {
        // SAFETY: the caller makes the 32-byte load readable; an unaligned load.
        let v = unsafe { _mm256_loadu_si256(p.cast()) };
        let m =
            |x: u8| _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(x as i8))) as u32;
        (m(a), b.map_or(0, m))
    }
}

/// Bit `i` set when `h[start + i] == b`, for `i < 64`. Requires `start + 64 <= h.len()`.
#[inline(always)]
fn eq_mask(h: &[u8], start: usize, b: u8) -> u64 {
    eq_masks(h, start, b, None).0
}

/// The masks of [`eq_mask`] for `a`, and for `b` when given (else 0), from one read of
/// the window.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
#[inline(always)]
fn eq_masks(h: &[u8], start: usize, a: u8, b: Option<u8>) -> (u64, u64) {
    use core::arch::x86_64::*;
    assert!(start + W <= h.len());
    let p = h[start..].as_ptr();
    // SAFETY: the assertion above keeps the four 16-byte loads from `p`, `p + 16`,
    // `p + 32` and `p + 48` inside `h`; they are unaligned loads. SSE2 is part of the
    // x86-64 baseline, so its intrinsics run on every x86-64 processor.
    unsafe {
        let v = |k: usize| _mm_loadu_si128(p.add(k).cast());
        let (v0, v1, v2, v3) = (v(0), v(16), v(32), v(48));
        let m = |byte: u8| {
            let n = _mm_set1_epi8(byte as i8);
            let bits = |v: __m128i| _mm_movemask_epi8(_mm_cmpeq_epi8(v, n)) as u32 as u64;
            bits(v0) | bits(v1) << 16 | bits(v2) << 32 | bits(v3) << 48
        };
        (m(a), b.map_or(0, m))
    }
}

/// The masks of [`eq_mask`] for `a`, and for `b` when given (else 0).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn eq_masks(h: &[u8], start: usize, a: u8, b: Option<u8>) -> (u64, u64) {
    h[start..start + W]
        .iter()
        .enumerate()
        .fold((0, 0), |(ma, mb), (i, &x)| {
            (
                ma | u64::from(x == a) << i,
                mb | u64::from(Some(x) == b) << i,
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the AVX2 forms can run here.
    fn avx2() -> bool {
        #[cfg(target_arch = "x86_64")]
        return std::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        false
    }

    /// `len` pseudo-random bytes from `seed`: `<` and `>` each one time in `density`,
    /// the others drawn from `filler`.
    fn angles_among(len: usize, density: u32, seed: u32, filler: &[u8]) -> std::vec::Vec<u8> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                match (state >> 16) % density {
                    0 => b'<',
                    1 => b'>',
                    _ => filler[(state >> 8) as usize % filler.len()],
                }
            })
            .collect()
    }

    /// `rfind_angle` finds the last `<` or `>` of every span, with and without AVX2,
    /// among bytes one bit away from them (`=`, `?`, `:`, `\xbc`, `\xbe`); so does
    /// `extend_rfind_angle`, which also appends the span's bytes.
    #[test]
    fn rfind_angle_agrees_with_naive_on_every_span() {
        let avx2 = avx2();
        let (mut found, mut none) = (0, 0);
        for (len, density) in [0, 1, 5, 63, 64, 65, 127, 128, 129, 200, 300, 520]
            .into_iter()
            .flat_map(|len| [(len, 3u32), (len, 300)])
        {
            let h = angles_among(len, density, len as u32 * 7 + density, b"=?:\xbc\xbea");
            for from in 0..=len {
                for to in from..=len {
                    let want = h[from..to]
                        .iter()
                        .rposition(|&x| x == b'<' || x == b'>')
                        .map(|i| from + i);
                    assert_eq!(
                        rfind_angle::<false>(&h, from, to),
                        want,
                        "{len} {from} {to}"
                    );
                    if avx2 {
                        let got = rfind_angle::<true>(&h, from, to);
                        assert_eq!(got, want, "avx2 {len} {from} {to}");
                    }
                    #[cfg(feature = "alloc")]
                    for with_avx2 in [false, avx2] {
                        // Appends after what `out` holds, and answers as `rfind_angle`.
                        let mut out = b"xyz".to_vec();
                        let got = if with_avx2 {
                            extend_rfind_angle::<true>(&mut out, &h, from, to)
                        } else {
                            extend_rfind_angle::<false>(&mut out, &h, from, to)
                        };
                        assert_eq!(got, want, "extend, avx2 {with_avx2}: {len} {from} {to}");
                        assert_eq!(out[..3], *b"xyz");
                        assert_eq!(out[3..], h[from..to], "{with_avx2} {len} {from} {to}");
                    }
                    if want.is_some() {
                        found += 1;
                    } else {
                        none += 1;
                    }
                }
            }
        }
        assert!(found > 100_000 && none > 50_000, "{found} {none}");
    }

    #[test]
    fn agrees_with_naive_on_every_span() {
        let avx2 = avx2();
        let mut decided = 0;
        let mut decided_avx2 = 0;
        // Lengths around the window size, dense and sparse hits at every distance.
        for (len, density) in [0, 1, 5, 63, 64, 65, 100, 130, 200, 300, 420]
            .into_iter()
            .flat_map(|len| [(len, 2u32), (len, 40), (len, 400)])
        {
            let h = angles_among(len, density, len as u32 + density, b"a");
            for from in 0..=len {
                // The whole windows from `from`, four at most.
                let read = 64 * ((len - from) / 64).min(4);
                let near = h[from..from + read].iter().position(|&x| x == b'>');
                let near = near.map(|i| from + i);
                assert_eq!(gt_near::<false>(&h, from), near, "gt_near {len} {from}");
                if avx2 {
                    assert_eq!(gt_near::<true>(&h, from), near, "gt_near {len} {from}");
                }
                for to in from..=len {
                    let span = &h[from..to];
                    let g = span.iter().rposition(|&x| x == b'>').map(|i| from + i);
                    let after = g.map_or(from, |g| g + 1);
                    let l = h[after..to].iter().position(|&x| x == b'<');
                    let want = Some((g, l.map(|i| after + i)));
                    // Reading `look` bytes back from `to` (no further than the start of
                    // `h`) reaches `from` or a `>`: then the answer is decided.
                    let reach =
                        |look: usize| from + look >= to || g.is_some_and(|g| g + look >= to);
                    // The windows back from `to`, four at most, each inside `h`.
                    let got = run_state::<false>(&h, from, to);
                    assert_eq!(got.is_some(), len >= 64 && reach(256), "{len} {from} {to}");
                    if got.is_some() {
                        assert_eq!(got, want, "{len} {from} {to}");
                        decided += 1;
                    }
                    if avx2 {
                        // First the 32 bytes before `to`, then the windows back from them.
                        let got32 = run_state::<true>(&h, from, to);
                        let look = if to >= 32 { 32 + 256 } else { 256 };
                        let decides = to >= 32 && reach(32) || len >= 64 && reach(look);
                        assert_eq!(got32.is_some(), decides, "avx2 {len} {from} {to}");
                        if got32.is_some() {
                            assert_eq!(got32, want, "avx2 {len} {from} {to}");
                            decided_avx2 += 1;
                        }
                    }
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
        // The window decided often (it cannot below 64 bytes or far from `from`).
        assert!(decided > 3_000, "{decided}");
        assert!(!avx2 || decided_avx2 > decided, "{decided_avx2} {decided}");
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
