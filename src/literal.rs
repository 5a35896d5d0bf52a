//! Finding `href=` and `src=` in one pass.
//!
//! Both literals end in `=` preceded by `f` or `c`, a pair of bytes that is rare in
//! HTML (on the real corpus about one in 800 bytes, against one `=` in 114). So the
//! search looks for that pair, with SIMD where the processor has it (SSE2 on every
//! x86-64, AVX2 and AVX-512BW when the `std` feature can detect them), and checks the
//! rest of the literal at each hit. One pass finds both literals, in order.
//!
//! The search hands back whole blocks: a start offset and a bit mask of the hits in
//! the block, so that dense inputs (a literal every few bytes) cost one SIMD round per
//! block, not one call per hit.
//!
//! The AVX2 and AVX-512 searches also drop, in blocks that hold a pair, the pairs after
//! which the regex's tail `(.?)(\/[^\/])` cannot match (two thirds of the literals of
//! real HTML, `href="https://…"`, and every one of `<a href=x`): a few more compares on
//! the rare blocks with a pair spare the scanner a call per such literal.

/// A block of the haystack with at least one pair: bit `i` of `mask` is set when
/// offset `base + i` holds the `=` of a pair. Every offset in `[base, end)` was looked
/// at. The block may start before the search's start (the last round of a search
/// overlaps the one before it), but `mask` holds no pair before it.
///
/// `mask` may leave out a pair whose tail cannot match (the AVX2 and AVX-512 searches
/// do, where the three bytes after the `=` lie inside the haystack); it holds every
/// other pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) base: usize,
    pub(crate) mask: u64,
    pub(crate) end: usize,
    /// Whether `mask` holds only pairs whose tail `(.?)(\/[^\/])` matches after the
    /// `=` (the AVX2 and AVX-512 searches' full rounds): then the scanner need not
    /// check it again.
    pub(crate) tails: bool,
}

/// Which pair search to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    /// `memchr` for `=`, then a look at the byte before.
    #[allow(dead_code)]
    Portable,
    #[cfg(target_arch = "x86_64")]
    Sse2,
    /// Detected at run time, with the `std` feature only.
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    Avx2,
    /// The AVX2 search with AVX-512BW: each 64-byte block in one register, its
    /// compares straight into bit masks. The processor has AVX2 too.
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    Avx512,
}

impl Engine {
    /// The fastest engine this processor runs.
    pub(crate) fn detect() -> Engine {
        #[cfg(all(target_arch = "x86_64", feature = "std"))]
        {
            if std::is_x86_feature_detected!("avx2") {
                // Built with `--cfg rootrel_no_avx512`, the AVX2 engine runs instead.
                if !cfg!(rootrel_no_avx512) && std::is_x86_feature_detected!("avx512bw") {
                    return Engine::Avx512;
                }
                return Engine::Avx2;
            }
        }
        #[cfg(target_arch = "x86_64")]
        {
            Engine::Sse2
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            Engine::Portable
        }
    }

    /// Whether the processor has AVX2 (the engine was chosen after detecting it): the
    /// scanner's own AVX2 code may run.
    #[inline(always)]
    pub(crate) fn has_avx2(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            matches!(self, Engine::Avx2 | Engine::Avx512)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// The first block at or after `from` that holds a pair (`h[j] == b'='` and
    /// `h[j - 1]` one of `f`, `c`, for `j >= from`), or `None` when no pair starts in
    /// `[from, h.len())`. `from` is raised to 1: a pair needs a byte before its `=`.
    /// Pairs whose tail cannot match may be left out (see [`Block`]).
    #[inline]
    pub(crate) fn find_block(self, h: &[u8], from: usize) -> Option<Block> {
        let from = from.max(1);
        if from >= h.len() {
            return None;
        }
        match self {
            Engine::Portable => portable(h, from),
            #[cfg(target_arch = "x86_64")]
            Engine::Sse2 => x86::sse2(h, from),
            #[cfg(target_arch = "x86_64")]
            Engine::Avx2 => x86::avx2(h, from),
            #[cfg(target_arch = "x86_64")]
            Engine::Avx512 => x86::avx512(h, from),
        }
    }

    /// [`Engine::find_block`], also copying what it reads: each whole block of the
    /// search, `h[i..i + n]` with `i + n <= limit`, is written to `dst + i` as it is
    /// read, so that a rewriting driver need not read it again. The blocks start at
    /// `from` (raised to 1) and follow each other; returns the block found and the end
    /// of the last block copied (`from` when none was). The portable search, which
    /// reads only `=` bytes, copies nothing.
    ///
    /// # Safety
    ///
    /// `dst + from .. dst + limit` must be valid for writes and not overlap `h`.
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) unsafe fn find_block_copying(
        self,
        h: &[u8],
        from: usize,
        dst: *mut u8,
        limit: usize,
    ) -> (Option<Block>, usize) {
        let from = from.max(1);
        if from >= h.len() {
            return (None, from);
        }
        let mut copied = from;
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (dst, limit);
        let b = match self {
            Engine::Portable => portable(h, from),
            // SAFETY: the caller's promise, passed on.
            #[cfg(target_arch = "x86_64")]
            Engine::Sse2 => unsafe { x86::sse2_copying(h, from, dst, limit, &mut copied) },
            // SAFETY: the caller's promise, passed on.
            #[cfg(target_arch = "x86_64")]
            Engine::Avx2 => unsafe { x86::avx2_copying(h, from, dst, limit, &mut copied) },
            // SAFETY: the caller's promise, passed on.
            #[cfg(target_arch = "x86_64")]
            Engine::Avx512 => unsafe { x86::avx512_copying(h, from, dst, limit, &mut copied) },
        };
        (b, copied)
    }

    /// For a streaming driver that inserts into a `Vec`: copies `h` block by block
    /// from `from` (raised to 1) to `dst + from ..`, in the pass that searches it, up to
    /// the first block that holds a pair whose tail may match, or to 3 bytes before the
    /// end (the tails of pairs closer to it are not known; the last block overlaps
    /// those before). Returns the end of the blocks copied (no pair in `[from, end)`
    /// has a tail that may match), the block it stopped at, if any, as
    /// [`Engine::find_block`] would find it from `end` (its pairs all with a tail that
    /// may match), and the last `<` or `>` in `h[from..end]` (the last block with
    /// either, kept block by block from the registers the copy stores, without a
    /// branch, is read again at the end: a driver then needs no search back for the
    /// run state); `None` without AVX2 or when nothing was copied.
    ///
    /// # Safety
    ///
    /// `dst + from .. dst + h.len()` must be valid for writes and not overlap `h`.
    #[cfg(feature = "alloc")]
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) unsafe fn copy_to_candidate(
        self,
        h: &[u8],
        from: usize,
        dst: *mut u8,
    ) -> Option<(usize, Option<Block>, Option<usize>)> {
        let from = from.max(1);
        let got = match self {
            // SAFETY: `Engine::Avx2` is only chosen after
            // `is_x86_feature_detected!("avx2")`; the caller's promise for `dst`.
            #[cfg(target_arch = "x86_64")]
            Engine::Avx2 => unsafe { x86::avx2_copy_to_candidate(h, from, dst) },
            // SAFETY: `Engine::Avx512` is only chosen after
            // `is_x86_feature_detected!("avx512bw")`; the caller's promise for `dst`.
            #[cfg(target_arch = "x86_64")]
            Engine::Avx512 => unsafe { x86::avx512_copy_to_candidate(h, from, dst) },
            _ => {
                let _ = (h, dst);
                return None;
            }
        };
        (got.0 > from).then_some(got)
    }
}

/// Copies `h[r]` to `dst + r.start ..`: for a driver whose block search skipped bytes.
///
/// # Safety
///
/// `dst + r.start .. dst + r.end` must be valid for writes and not overlap `h`.
#[cold]
#[inline(never)]
#[allow(unsafe_code)]
pub(crate) unsafe fn copy_skipped(h: &[u8], dst: *mut u8, r: core::ops::Range<usize>) {
    let src = &h[r.clone()];
    // SAFETY: `src` is readable; the caller's promise for `dst + r`.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst.add(r.start), src.len()) };
}

/// Whether `h[j - 1]` makes `h[j] == '='` a pair.
#[inline(always)]
fn before_is_pair(b: u8) -> bool {
    b == b'f' || b == b'c'
}

/// `memchr` for `=`, then a look at the byte before; one hit per block. Requires
/// `1 <= from`.
fn portable(h: &[u8], mut from: usize) -> Option<Block> {
    while let Some(i) = memchr::memchr(b'=', &h[from..]) {
        let j = from + i;
        if before_is_pair(h[j - 1]) {
            return Some(Block {
                base: j,
                mask: 1,
                end: j + 1,
                tails: false,
            });
        }
        from = j + 1;
    }
    None
}

/// Byte by byte, for the last bytes of the haystack: at most 64 from `from`.
/// Requires `1 <= from < h.len()`.
fn scalar_tail(h: &[u8], from: usize) -> Option<Block> {
    let mut from = from;
    while from < h.len() {
        let end = h.len().min(from + 64);
        let mut mask = 0u64;
        for j in from..end {
            if h[j] == b'=' && before_is_pair(h[j - 1]) {
                mask |= 1 << (j - from);
            }
        }
        if mask != 0 {
            return Some(Block {
                base: from,
                mask,
                end,
                tails: false,
            });
        }
        from = end;
    }
    None
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use core::arch::x86_64::*;

    use super::{scalar_tail, Block};

    /// How far ahead of the block at hand the pair search asks for the haystack's bytes.
    const PREFETCH_DISTANCE: usize = 4096;

    /// Asks the processor to start loading the cache line [`PREFETCH_DISTANCE`] bytes
    /// after `p + i` (or nothing, past the haystack's end: a prefetch never faults).
    #[inline(always)]
    fn prefetch(p: *const u8, i: usize) {
        // SAFETY: SSE is part of the x86-64 baseline, and a prefetch is only a hint:
        // it reads nothing into the program and never faults, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(i + PREFETCH_DISTANCE).cast()) }
    }

    /// How far ahead of the block at hand a copying search asks for the cache lines
    /// it will store to.
    const PREFETCH_OUT_DISTANCE: usize = 1024;

    /// Asks the processor to start loading the cache line [`PREFETCH_OUT_DISTANCE`]
    /// bytes after `dst + i`, which a copying search will store to: a store to a line
    /// that is not in the L1 cache waits for it (or nothing, past the output's
    /// capacity: a prefetch never faults).
    #[inline(always)]
    fn prefetch_out(dst: *mut u8, i: usize) {
        // SAFETY: as in `prefetch`.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(dst.wrapping_add(i + PREFETCH_OUT_DISTANCE).cast()) }
    }

    /// The pairs among the 32 bytes at `p + i` (bit `k`: offset `i + k`).
    ///
    /// # Safety
    ///
    /// `p + i - 1 .. p + i + 32` must be readable.
    #[inline(always)]
    unsafe fn round32(p: *const u8, i: usize) -> u64 {
        // SSE2 is part of the x86-64 baseline: its intrinsics run everywhere here.
        let eq = _mm_set1_epi8(b'=' as i8);
        let f = _mm_set1_epi8(b'f' as i8);
        let c = _mm_set1_epi8(b'c' as i8);
        // SAFETY: the caller makes the four 16-byte loads from i - 1, i, i + 15 and
        // i + 16 readable. Unaligned loads.
        let (prev0, cur0, prev1, cur1) = unsafe {
            (
                _mm_loadu_si128(p.add(i - 1).cast()),
                _mm_loadu_si128(p.add(i).cast()),
                _mm_loadu_si128(p.add(i + 15).cast()),
                _mm_loadu_si128(p.add(i + 16).cast()),
            )
        };
        let m0 = _mm_and_si128(
            _mm_cmpeq_epi8(cur0, eq),
            _mm_or_si128(_mm_cmpeq_epi8(prev0, f), _mm_cmpeq_epi8(prev0, c)),
        );
        let m1 = _mm_and_si128(
            _mm_cmpeq_epi8(cur1, eq),
            _mm_or_si128(_mm_cmpeq_epi8(prev1, f), _mm_cmpeq_epi8(prev1, c)),
        );
        (_mm_movemask_epi8(m0) as u32 as u64) | ((_mm_movemask_epi8(m1) as u32 as u64) << 16)
    }

    /// The pairs in `[i, h.len())` from one round over the last `n` bytes of `h`,
    /// which start before `i` (`round` gives the pairs of the `n` bytes at an offset):
    /// the bits below `i` are cleared. Requires `h.len() - n < i < h.len()` and
    /// `h.len() > n`.
    #[inline(always)]
    fn last_round(h: &[u8], i: usize, n: usize, round: impl FnOnce(usize) -> u64) -> Option<Block> {
        let base = h.len() - n;
        let mask = round(base) & (!0u64 << (i - base));
        (mask != 0).then_some(Block {
            base,
            mask,
            end: h.len(),
            tails: false,
        })
    }

    /// Writes the `N` bytes at `p + i` to `dst + i` when they end by `limit`, and
    /// records where the copy ends.
    ///
    /// # Safety
    ///
    /// `p + i .. p + i + N` must be readable and, when `i + N <= limit`,
    /// `dst + i .. dst + i + N` valid for writes and apart from `p`'s bytes.
    #[inline(always)]
    unsafe fn copy_block<const N: usize>(
        p: *const u8,
        i: usize,
        dst: *mut u8,
        limit: usize,
        copied: &mut usize,
    ) {
        if i + N <= limit {
            // SAFETY: the caller's promises.
            unsafe { core::ptr::copy_nonoverlapping(p.add(i), dst.add(i), N) };
            *copied = i + N;
        }
    }

    /// SSE2 (always present on x86-64): 32 bytes a round. Requires `1 <= from`.
    pub(super) fn sse2(h: &[u8], i: usize) -> Option<Block> {
        // SAFETY: nothing is copied.
        unsafe { sse2_impl::<false>(h, i, core::ptr::null_mut(), 0, &mut 0) }
    }

    /// [`sse2`], copying as [`Engine::find_block_copying`](super::Engine::find_block_copying)
    /// says. Requires `1 <= from`.
    ///
    /// # Safety
    ///
    /// `dst + i .. dst + limit` must be valid for writes and apart from `h`.
    pub(super) unsafe fn sse2_copying(
        h: &[u8],
        i: usize,
        dst: *mut u8,
        limit: usize,
        copied: &mut usize,
    ) -> Option<Block> {
        // SAFETY: the caller's promise, passed on.
        unsafe { sse2_impl::<true>(h, i, dst, limit, copied) }
    }

    /// # Safety
    ///
    /// With `COPY`, as [`sse2_copying`].
    #[inline(always)]
    unsafe fn sse2_impl<const COPY: bool>(
        h: &[u8],
        mut i: usize,
        dst: *mut u8,
        limit: usize,
        copied: &mut usize,
    ) -> Option<Block> {
        let p = h.as_ptr();
        while i + 32 <= h.len() {
            prefetch(p, i);
            // SAFETY: 1 <= i and i + 32 <= h.len().
            let mask = unsafe { round32(p, i) };
            if COPY {
                // SAFETY: i + 32 <= h.len(); the caller's promise for `dst`.
                unsafe { copy_block::<32>(p, i, dst, limit, copied) };
            }
            if mask != 0 {
                return Some(Block {
                    base: i,
                    mask,
                    end: i + 32,
                    tails: false,
                });
            }
            i += 32;
        }
        if i >= h.len() {
            return None;
        }
        if h.len() > 32 {
            // The last bytes: one round over the last 32, overlapping those done.
            // SAFETY: base = h.len() - 32 >= 1 and base + 32 = h.len().
            return last_round(h, i, 32, |base| unsafe { round32(p, base) });
        }
        scalar_tail(h, i)
    }

    /// AVX2: 64 bytes a round. Requires `1 <= from`.
    pub(super) fn avx2(h: &[u8], from: usize) -> Option<Block> {
        // SAFETY: `Engine::Avx2` is only chosen after `is_x86_feature_detected!("avx2")`;
        // nothing is copied.
        unsafe { avx2_impl::<false>(h, from, core::ptr::null_mut(), 0, &mut 0) }
    }

    /// [`avx2`], copying as [`Engine::find_block_copying`](super::Engine::find_block_copying)
    /// says. Requires `1 <= from`.
    ///
    /// # Safety
    ///
    /// `dst + from .. dst + limit` must be valid for writes and apart from `h`.
    pub(super) unsafe fn avx2_copying(
        h: &[u8],
        from: usize,
        dst: *mut u8,
        limit: usize,
        copied: &mut usize,
    ) -> Option<Block> {
        // SAFETY: `Engine::Avx2` is only chosen after `is_x86_feature_detected!("avx2")`;
        // the caller's promise for `dst`, passed on.
        unsafe { avx2_impl::<true>(h, from, dst, limit, copied) }
    }

    /// [`Engine::copy_to_candidate`](super::Engine::copy_to_candidate) with AVX2.
    /// Requires `1 <= from`.
    ///
    /// # Safety
    ///
    /// `dst + from .. dst + h.len()` must be valid for writes and apart from `h`; the
    /// processor must have AVX2.
    #[cfg(feature = "alloc")]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2_copy_to_candidate(
        h: &[u8],
        from: usize,
        dst: *mut u8,
    ) -> (usize, Option<Block>, Option<usize>) {
        // SAFETY: the caller's promise; AVX2 is enabled here.
        unsafe {
            copy_to_candidate64(h, from, dst, |i, last| {
                copy_candidate_block(h.as_ptr(), i, dst, last)
            })
        }
    }

    /// [`avx2_copy_to_candidate`] with AVX-512BW.
    ///
    /// # Safety
    ///
    /// As [`avx2_copy_to_candidate`], with AVX-512BW.
    #[cfg(feature = "alloc")]
    #[target_feature(enable = "avx512bw")]
    pub(super) unsafe fn avx512_copy_to_candidate(
        h: &[u8],
        from: usize,
        dst: *mut u8,
    ) -> (usize, Option<Block>, Option<usize>) {
        // SAFETY: the caller's promise; AVX-512BW is enabled here.
        unsafe {
            copy_to_candidate64(h, from, dst, |i, last| {
                copy_candidate_block512(h.as_ptr(), i, dst, last)
            })
        }
    }

    /// The copying search of the `copy_to_candidate` functions, in blocks of 64 bytes:
    /// `block(i, angle_block)` is [`copy_candidate_block`] or its AVX-512 twin.
    ///
    /// # Safety
    ///
    /// As [`avx2_copy_to_candidate`]; `block` must be safe to call for every `i` with
    /// `1 <= i` and `i + 67 <= h.len()`. Inlined into a caller with AVX2.
    #[cfg(feature = "alloc")]
    #[inline(always)]
    unsafe fn copy_to_candidate64(
        h: &[u8],
        from: usize,
        dst: *mut u8,
        mut block: impl FnMut(usize, &mut usize) -> Option<Block>,
    ) -> (usize, Option<Block>, Option<usize>) {
        let p = h.as_ptr();
        let n = h.len();
        if from + 67 > n {
            return (from, None, None);
        }
        let mut i = from;
        // The last block copied that holds a `<` or `>` (`usize::MAX`: none yet).
        let mut angle_block = usize::MAX;
        // The last `<` or `>` in it.
        let seen = |last: usize| {
            (last != usize::MAX).then(|| {
                // SAFETY: the block at `last` was read; the caller has AVX2.
                let m = unsafe { crate::probe::avx2::angles64(p.add(last)) };
                last + 63 - m.leading_zeros() as usize
            })
        };
        // Blocks of 64 bytes from `from`, as long as another fits after each (its
        // tails known); then one more, ending 3 bytes before `n` and overlapping those
        // passed, unless the last ends there.
        loop {
            prefetch(p, i);
            prefetch_out(dst, i);
            // 1 <= i and i + 67 <= n; `dst + i .. dst + i + 64` is writable by the
            // caller's promise.
            if let Some(b) = block(i, &mut angle_block) {
                return (i, Some(b), seen(angle_block));
            }
            i += 64;
            if i + 67 > n {
                break;
            }
        }
        if i + 3 == n {
            return (i, None, seen(angle_block));
        }
        // As above, for `n - 67`: 1 <= from <= n - 67.
        match block(n - 67, &mut angle_block) {
            Some(b) => (i, Some(b), seen(angle_block)),
            None => (n - 3, None, seen(angle_block)),
        }
    }

    /// The block of 64 bytes at `p + i`: the pairs among them whose tail may match,
    /// if any; else `None`, with the bytes copied to `dst + i`, and `angle_block` set
    /// to `i` when they hold a `<` or `>`.
    ///
    /// # Safety
    ///
    /// `p + i - 1 .. p + i + 67` must be readable, `dst + i .. dst + i + 64` writable
    /// and apart from them; the processor must have AVX2.
    #[cfg(feature = "alloc")]
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn copy_candidate_block(
        p: *const u8,
        i: usize,
        dst: *mut u8,
        angle_block: &mut usize,
    ) -> Option<Block> {
        // SAFETY: the caller's promise.
        let (m0, m1) = unsafe { round64(p, i) };
        let any = _mm256_or_si256(m0, m1);
        if _mm256_testz_si256(any, any) == 0 {
            // SAFETY: the caller's promise.
            let mask = bits64((m0, m1)) & unsafe { tails64(p, i) };
            if mask != 0 {
                return Some(Block {
                    base: i,
                    mask,
                    end: i + 64,
                    tails: true,
                });
            }
        }
        // SAFETY: the caller's promise.
        unsafe { copy64(p, i, dst) };
        // SAFETY: the caller's promise; the compiler shares these loads too.
        let a = unsafe { crate::probe::avx2::angles_at(p, i) };
        // A mask of all ones when the block holds either byte: a select, not a branch.
        let has = usize::from(_mm256_testz_si256(a, a) == 0).wrapping_neg();
        *angle_block = (i & has) | (*angle_block & !has);
        None
    }

    /// Copies the 64 bytes at `p + i` to `dst + i`, with loads that the compiler
    /// shares with a search's loads of the same bytes ([`round64`]), so that the
    /// bytes are stored from the registers the search read them into.
    ///
    /// # Safety
    ///
    /// `p + i .. p + i + 64` must be readable, `dst + i .. dst + i + 64` writable and
    /// apart from them; the processor must have AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn copy64(p: *const u8, i: usize, dst: *mut u8) {
        // SAFETY: the caller's promise. Unaligned loads and stores.
        unsafe {
            let (a, b) = (
                _mm256_loadu_si256(p.add(i).cast()),
                _mm256_loadu_si256(p.add(i + 32).cast()),
            );
            _mm256_storeu_si256(dst.add(i).cast(), a);
            _mm256_storeu_si256(dst.add(i + 32).cast(), b);
        }
    }

    /// The pairs among the 64 bytes at `p + i`, as two byte masks (0xff where the
    /// byte is the `=` of a pair).
    ///
    /// # Safety
    ///
    /// `p + i - 1 .. p + i + 64` must be readable, and the processor must have AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn round64(p: *const u8, i: usize) -> (__m256i, __m256i) {
        let eq = _mm256_set1_epi8(b'=' as i8);
        let f = _mm256_set1_epi8(b'f' as i8);
        let c = _mm256_set1_epi8(b'c' as i8);
        // SAFETY: the caller makes the four 32-byte loads from i - 1, i, i + 31 and
        // i + 32 readable. Unaligned loads.
        let (prev0, cur0, prev1, cur1) = unsafe {
            (
                _mm256_loadu_si256(p.add(i - 1).cast()),
                _mm256_loadu_si256(p.add(i).cast()),
                _mm256_loadu_si256(p.add(i + 31).cast()),
                _mm256_loadu_si256(p.add(i + 32).cast()),
            )
        };
        let m0 = _mm256_and_si256(
            _mm256_cmpeq_epi8(cur0, eq),
            _mm256_or_si256(_mm256_cmpeq_epi8(prev0, f), _mm256_cmpeq_epi8(prev0, c)),
        );
        let m1 = _mm256_and_si256(
            _mm256_cmpeq_epi8(cur1, eq),
            _mm256_or_si256(_mm256_cmpeq_epi8(prev1, f), _mm256_cmpeq_epi8(prev1, c)),
        );
        (m0, m1)
    }

    /// The bits of two byte masks from [`round64`], the first in the low half.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn bits64((m0, m1): (__m256i, __m256i)) -> u64 {
        let lo = _mm256_movemask_epi8(m0) as u32;
        let hi = _mm256_movemask_epi8(m1) as u32;
        u64::from(lo) | (u64::from(hi) << 32)
    }

    /// Bit `k` is clear when the tail `(.?)(\/[^\/])` cannot match after an `=` at
    /// `i + k` (it reads the bytes at `i + k + 1 ..= i + k + 3`), set when it may.
    ///
    /// # Safety
    ///
    /// `p + i + 1 .. p + i + 67` must be readable, and the processor must have AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn tails64(p: *const u8, i: usize) -> u64 {
        let slash = _mm256_set1_epi8(b'/' as i8);
        let nl = _mm256_set1_epi8(b'\n' as i8);
        // SAFETY: the caller makes the four 32-byte loads from i + 1, i + 33, i + 3 and
        // i + 35 readable. Unaligned loads.
        let (a0, a1, c0, c1) = unsafe {
            (
                _mm256_loadu_si256(p.add(i + 1).cast()),
                _mm256_loadu_si256(p.add(i + 33).cast()),
                _mm256_loadu_si256(p.add(i + 3).cast()),
                _mm256_loadu_si256(p.add(i + 35).cast()),
            )
        };
        let eq = |x, b| _mm256_cmpeq_epi8(x, b);
        // Bit k of s1, n1, s2, s3: the byte at i + k + 1 is `/`, is `\n`; the byte at
        // i + k + 2, i + k + 3 is `/`.
        let s1 = bits64((eq(a0, slash), eq(a1, slash)));
        let n1 = bits64((eq(a0, nl), eq(a1, nl)));
        let s3 = bits64((eq(c0, slash), eq(c1, slash)));
        let s2 = (s1 >> 1) | (s3 >> 62 << 63);
        // As `scan::tail`: `/` then not `/`; or one byte but `\n`, `/`, then not `/`.
        (s1 & !s2) | (!n1 & s2 & !s3)
    }

    /// # Safety
    ///
    /// The processor must have AVX2; with `COPY`, as [`avx2_copying`].
    #[target_feature(enable = "avx2")]
    unsafe fn avx2_impl<const COPY: bool>(
        h: &[u8],
        i: usize,
        dst: *mut u8,
        limit: usize,
        copied: &mut usize,
    ) -> Option<Block> {
        let p = h.as_ptr();
        // SAFETY: the caller's promise, passed on; `search64` calls each closure only
        // where the bytes it reads are in `h` and the bytes it writes below `limit`;
        // AVX2 is enabled here.
        unsafe {
            search64::<COPY, _>(
                h,
                i,
                dst,
                limit,
                copied,
                |i| round64(p, i),
                // The block's bytes, stored from the registers the search loaded them
                // into (the compiler shares the loads).
                |i, _| copy64(p, i, dst),
                |(m0, m1)| {
                    let any = _mm256_or_si256(m0, m1);
                    (_mm256_testz_si256(any, any) == 0).then(|| bits64((m0, m1)))
                },
                |i| tails64(p, i),
            )
        }
    }

    /// [`avx2`] with AVX-512BW. Requires `1 <= from`.
    pub(super) fn avx512(h: &[u8], from: usize) -> Option<Block> {
        // SAFETY: `Engine::Avx512` is only chosen after
        // `is_x86_feature_detected!("avx512bw")`; nothing is copied.
        unsafe { avx512_impl::<false>(h, from, core::ptr::null_mut(), 0, &mut 0) }
    }

    /// [`avx2_copying`] with AVX-512BW.
    ///
    /// # Safety
    ///
    /// As [`avx2_copying`].
    pub(super) unsafe fn avx512_copying(
        h: &[u8],
        from: usize,
        dst: *mut u8,
        limit: usize,
        copied: &mut usize,
    ) -> Option<Block> {
        // SAFETY: `Engine::Avx512` is only chosen after
        // `is_x86_feature_detected!("avx512bw")`; the caller's promise for `dst`.
        unsafe { avx512_impl::<true>(h, from, dst, limit, copied) }
    }

    /// [`avx2_impl`] with AVX-512BW.
    ///
    /// # Safety
    ///
    /// The processor must have AVX-512BW; with `COPY`, as [`avx2_copying`].
    #[target_feature(enable = "avx512bw")]
    unsafe fn avx512_impl<const COPY: bool>(
        h: &[u8],
        i: usize,
        dst: *mut u8,
        limit: usize,
        copied: &mut usize,
    ) -> Option<Block> {
        let p = h.as_ptr();
        // SAFETY: as in `avx2_impl`, with AVX-512BW enabled here.
        unsafe {
            search64::<COPY, _>(
                h,
                i,
                dst,
                limit,
                copied,
                |i| round512(p, i),
                |i, (_, cur)| _mm512_storeu_si512(dst.add(i).cast(), cur),
                |(pairs, _)| (pairs != 0).then_some(pairs),
                |i| tails512(p, i),
            )
        }
    }

    /// The block search of the AVX2 and AVX-512 engines, 64 bytes a round from `i`:
    /// `round(i)` reads the block at `i`, `store(i, r)` writes it to `dst + i`,
    /// `pairs(r)` gives its pairs when it has any, and `tails(i)` the pairs whose tail
    /// may match (see [`tails64`]). Inlined into each engine's loop, which compiles to
    /// the instructions it had as a loop of its own.
    ///
    /// # Safety
    ///
    /// With `COPY`, as [`avx2_copying`]. The closures must be safe to call: `round`
    /// and `pairs` for `1 <= i` and `i + 64 <= h.len()`, `store` when also
    /// `i + 64 <= limit`, `tails` when `i + 67 <= h.len()`. The caller has AVX2.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    unsafe fn search64<const COPY: bool, R: Copy>(
        h: &[u8],
        mut i: usize,
        dst: *mut u8,
        limit: usize,
        copied: &mut usize,
        round: impl Fn(usize) -> R,
        store: impl Fn(usize, R),
        pairs: impl Fn(R) -> Option<u64>,
        tails: impl Fn(usize) -> u64,
    ) -> Option<Block> {
        let p = h.as_ptr();
        // The end of the blocks copied, kept in a register until the search stops.
        let mut upto = *copied;
        while i + 64 <= h.len() {
            prefetch(p, i);
            let r = round(i);
            if COPY && i + 64 <= limit {
                prefetch_out(dst, i);
                store(i, r);
                upto = i + 64;
            }
            if let Some(mut mask) = pairs(r) {
                if i + 67 <= h.len() {
                    mask &= tails(i);
                }
                if mask != 0 {
                    *copied = upto;
                    return Some(Block {
                        base: i,
                        mask,
                        end: i + 64,
                        tails: i + 67 <= h.len(),
                    });
                }
            }
            i += 64;
        }
        *copied = upto;
        if i < h.len() && h.len() > 64 {
            // The last bytes: one round over the last 64, overlapping those done.
            // SAFETY: base = h.len() - 64 >= 1 and base + 64 = h.len(); the caller
            // has AVX2.
            return last_round(h, i, 64, |base| bits64(unsafe { round64(p, base) }));
        }
        sse2(h, i)
    }

    /// The pairs among the 64 bytes at `p + i`, and those bytes.
    ///
    /// # Safety
    ///
    /// `p + i - 1 .. p + i + 64` must be readable, and the processor must have
    /// AVX-512BW.
    #[target_feature(enable = "avx512bw")]
    #[inline]
    unsafe fn round512(p: *const u8, i: usize) -> (u64, __m512i) {
        // SAFETY: the caller's promise. Unaligned loads.
        let (prev, cur) = unsafe {
            (
                _mm512_loadu_si512(p.add(i - 1).cast()),
                _mm512_loadu_si512(p.add(i).cast()),
            )
        };
        let eq = _mm512_cmpeq_epi8_mask(cur, _mm512_set1_epi8(b'=' as i8));
        let pairs = _mm512_mask_cmpeq_epi8_mask(eq, prev, _mm512_set1_epi8(b'f' as i8))
            | _mm512_mask_cmpeq_epi8_mask(eq, prev, _mm512_set1_epi8(b'c' as i8));
        (pairs, cur)
    }

    /// [`tails64`] with AVX-512BW.
    ///
    /// # Safety
    ///
    /// `p + i + 1 .. p + i + 67` must be readable, and the processor must have
    /// AVX-512BW.
    #[target_feature(enable = "avx512bw")]
    #[inline]
    unsafe fn tails512(p: *const u8, i: usize) -> u64 {
        let slash = _mm512_set1_epi8(b'/' as i8);
        // SAFETY: the caller makes the two 64-byte loads from i + 1 and i + 3
        // readable. Unaligned loads.
        let (a, c) = unsafe {
            (
                _mm512_loadu_si512(p.add(i + 1).cast()),
                _mm512_loadu_si512(p.add(i + 3).cast()),
            )
        };
        let s1 = _mm512_cmpeq_epi8_mask(a, slash);
        let n1 = _mm512_cmpeq_epi8_mask(a, _mm512_set1_epi8(b'\n' as i8));
        let s3 = _mm512_cmpeq_epi8_mask(c, slash);
        let s2 = (s1 >> 1) | (s3 >> 62 << 63);
        // As `tails64`.
        (s1 & !s2) | (!n1 & s2 & !s3)
    }

    /// [`copy_candidate_block`] with AVX-512BW.
    ///
    /// # Safety
    ///
    /// As [`copy_candidate_block`], with AVX-512BW.
    #[cfg(feature = "alloc")]
    #[target_feature(enable = "avx512bw")]
    #[inline]
    unsafe fn copy_candidate_block512(
        p: *const u8,
        i: usize,
        dst: *mut u8,
        angle_block: &mut usize,
    ) -> Option<Block> {
        // SAFETY: the caller's promise.
        let (pairs, cur) = unsafe { round512(p, i) };
        if pairs != 0 {
            // SAFETY: the caller's promise.
            let mask = pairs & unsafe { tails512(p, i) };
            if mask != 0 {
                return Some(Block {
                    base: i,
                    mask,
                    end: i + 64,
                    tails: true,
                });
            }
        }
        // SAFETY: the caller's promise. An unaligned store.
        unsafe { _mm512_storeu_si512(dst.add(i).cast(), cur) };
        let a = _mm512_cmpeq_epi8_mask(
            _mm512_or_si512(cur, _mm512_set1_epi8(2)),
            _mm512_set1_epi8(b'>' as i8),
        );
        // As in `copy_candidate_block`: a select, not a branch.
        let has = usize::from(a != 0).wrapping_neg();
        *angle_block = (i & has) | (*angle_block & !has);
        None
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::vec::Vec;

    use super::*;
    use crate::scan::{tail, Tail};

    /// Every pair offset at or after `from`, from repeated block searches.
    fn all_pairs(e: Engine, h: &[u8], from: usize) -> Vec<usize> {
        let mut v = Vec::new();
        let mut at = from;
        while let Some(b) = e.find_block(h, at) {
            assert!(b.mask != 0 && b.base >= 1 && b.end <= h.len());
            // No pair before the search's start, even when the block starts before it.
            assert!(b.base + b.mask.trailing_zeros() as usize >= at.max(1));
            assert!(
                b.end - b.base <= 64 && (b.end - b.base == 64 || b.mask >> (b.end - b.base) == 0)
            );
            v.extend((0..64).filter(|i| b.mask >> i & 1 == 1).map(|i| b.base + i));
            at = b.end;
        }
        v
    }

    /// An engine's pairs from `from` on: in order, each a naive one, and every naive
    /// one whose tail may match among them. Only the AVX2 and AVX-512 searches leave any out.
    fn check_pairs(e: Engine, h: &[u8], from: usize) {
        let all = naive(h, from);
        let got = all_pairs(e, h, from);
        let ctx = || std::format!("{e:?} from {from} in {h:?}: got {got:?}, all {all:?}");
        assert!(got.windows(2).all(|w| w[0] < w[1]), "{}", ctx());
        assert!(got.iter().all(|j| all.contains(j)), "{}", ctx());
        // The scanner's own tail check, on a window that may go on past `h`.
        let must = all
            .iter()
            .filter(|&&j| tail::<false>(h, j + 1) != Tail::Invalid);
        assert!(must.clone().all(|j| got.contains(j)), "{}", ctx());
        if !e.has_avx2() {
            assert_eq!(got, all, "{}", ctx());
        }
    }

    fn naive(h: &[u8], from: usize) -> Vec<usize> {
        (from.max(1)..h.len())
            .filter(|&j| h[j] == b'=' && before_is_pair(h[j - 1]))
            .collect()
    }

    /// Every engine this processor runs (for the scanner's tests too).
    pub(crate) fn engines() -> Vec<Engine> {
        let mut v = std::vec![Engine::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            v.push(Engine::Sse2);
            if std::is_x86_feature_detected!("avx2") {
                v.push(Engine::Avx2);
            }
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("avx512bw") {
                v.push(Engine::Avx512);
            }
        }
        v
    }

    /// The byte-by-byte tail search on its own, over spans longer than one block.
    #[test]
    fn scalar_tail_agrees_with_naive() {
        for len in 2..300 {
            let h: Vec<u8> = b"xsrc=/f=c=".iter().copied().cycle().take(len).collect();
            for from in [1, 2, 5, 63, 64, 65, 130] {
                if from >= len {
                    continue;
                }
                let mut got = Vec::new();
                let mut at = from;
                while let Some(b) = scalar_tail(&h, at) {
                    assert!(b.end - b.base <= 64 && b.base >= at);
                    got.extend((0..64).filter(|i| b.mask >> i & 1 == 1).map(|i| b.base + i));
                    at = b.end;
                }
                assert_eq!(got, naive(&h, from), "len {len} from {from}");
            }
        }
    }

    /// Every engine against the naive search, with pairs at every offset of a block,
    /// every byte value before an `=`, and dense runs of pairs.
    #[test]
    fn engines_agree_with_naive() {
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for len in 0..150 {
            for at in 0..len {
                for before in [b'f', b'c', b'x', b'=', 0, 0xff] {
                    let mut h = std::vec![b'.'; len];
                    h[at] = b'=';
                    if at > 0 {
                        h[at - 1] = before;
                    }
                    inputs.push(h);
                }
            }
        }
        for b in 0..=255u8 {
            let mut h = std::vec![b'='; 100];
            h[50] = b;
            inputs.push(h);
        }
        for unit in [&b"c="[..], b"f=", b"src=/x href=/y ", b"=c=f"] {
            inputs.push(unit.iter().copied().cycle().take(300).collect());
        }
        // A pair then every three bytes out of `/`, `\n`, `a`, at every offset of a
        // block and near the end: the tails the AVX2 search tells apart.
        for at in (1..140).chain(180..200) {
            for t in 0..27 {
                let mut h = std::vec![b'.'; 200];
                h[at - 1] = b'f';
                h[at] = b'=';
                for (k, d) in [t % 3, t / 3 % 3, t / 9].into_iter().enumerate() {
                    if let Some(b) = h.get_mut(at + 1 + k) {
                        *b = [b'/', b'\n', b'a'][d];
                    }
                }
                inputs.push(h);
            }
        }
        for h in &inputs {
            for e in engines() {
                for from in [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100] {
                    check_pairs(e, h, from);
                }
            }
        }
    }

    /// The engine chosen is the last of [`engines`], the fastest this processor runs
    /// (AVX2 rather than AVX-512 when built with `--cfg rootrel_no_avx512`).
    #[cfg(feature = "std")]
    #[test]
    fn detect_chooses_the_fastest_engine() {
        let mut all = engines();
        if cfg!(rootrel_no_avx512) {
            #[cfg(target_arch = "x86_64")]
            all.retain(|&e| e != Engine::Avx512);
        }
        assert_eq!(Some(&Engine::detect()), all.last());
    }

    /// The AVX2 and AVX-512 searches leave out the pairs whose tail cannot match, so
    /// that `<a href=x` repeated costs no call per literal.
    #[test]
    fn avx2_leaves_out_pairs_whose_tail_cannot_match() {
        let mut h: Vec<u8> = b"<a href=x ".iter().copied().cycle().take(4096).collect();
        h.extend_from_slice(b"<a href=\"/k\"> src=/// src=\n/x src=xx/ src=x//");
        h.extend_from_slice(&[b'.'; 100]);
        for e in engines() {
            let got = all_pairs(e, &h, 0);
            if e.has_avx2() {
                assert_eq!(got, std::vec![4096 + 7], "{e:?}");
            } else {
                assert_eq!(got.len(), 409 + 5, "{e:?}");
            }
        }
    }

    /// The search that copies up to the first candidate: it copies exactly the blocks
    /// it passes and stops at the first block with a pair whose tail may match (or 3
    /// bytes before the end, the last block overlapping those before), wherever a `<`
    /// or `>` lies; and it finds the last of those among the bytes it copied.
    #[test]
    #[cfg(feature = "alloc")]
    #[allow(unsafe_code)]
    fn copy_to_candidate_stops_at_the_first_candidate_block() {
        let may_match = |h: &[u8], j: usize| {
            h[j] == b'=' && before_is_pair(h[j - 1]) && tail::<false>(h, j + 1) != Tail::Invalid
        };
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for len in [0, 66, 67, 130, 131, 200, 700] {
            inputs.push((0..len).map(|i| b'a' + (i % 26) as u8).collect());
        }
        // A pair with each kind of tail at offsets around the block ends; `<` or `>`
        // nowhere, once, or just before the pair.
        for at in [
            1usize, 2, 4, 5, 60, 63, 64, 65, 67, 68, 127, 128, 129, 131, 132, 300, 600, 640, 650,
            660, 680, 695,
        ] {
            for tail in [&b"/x"[..], b"\"/x", b"//", b"x/", b"\n/x", b""] {
                for angle in [
                    None,
                    Some(0),
                    Some(61),
                    Some(62),
                    Some(at.saturating_sub(2)),
                    Some(650),
                ] {
                    let mut h: Vec<u8> = (0..700).map(|i| b'a' + (i % 23) as u8).collect();
                    h[at - 1] = b'f';
                    h[at] = b'=';
                    h[at + 1..at + 1 + tail.len()].copy_from_slice(tail);
                    if let Some(a) = angle.filter(|&a| a < at - 1 || a > at + tail.len()) {
                        h[a] = if a % 2 == 0 { b'<' } else { b'>' };
                    }
                    inputs.push(h);
                }
            }
        }
        for h in &inputs {
            for e in engines() {
                for from in [0, 1, 2, 33, 64, 65, 100, 630] {
                    let mut dst = std::vec![0xAAu8; h.len() + 64];
                    // SAFETY: `dst` is longer than `h`; it does not overlap `h`.
                    let got = unsafe { e.copy_to_candidate(h, from, dst.as_mut_ptr()) };
                    let from = from.max(1);
                    // Where the search must stop: blocks of 64 from `from`.
                    let (mut i, mut end) = (from, from);
                    while i + 67 <= h.len() && !(i..i + 64).any(|j| may_match(h, j)) {
                        end = i + 64;
                        // The last block ends 3 bytes before the end.
                        i = if i + 131 <= h.len() || end + 3 >= h.len() {
                            i + 64
                        } else {
                            h.len() - 67
                        };
                    }
                    let ctx = std::format!("{e:?} from {from} in {h:?}");
                    if !e.has_avx2() || end == from {
                        assert_eq!(got, None, "{ctx}");
                        assert!(dst.iter().all(|&x| x == 0xAA), "{ctx}");
                        continue;
                    }
                    // The block stopped at: its pairs whose tail may match, all after
                    // `end`.
                    let block = (i + 67 <= h.len()).then(|| {
                        let mask = (0..64)
                            .filter(|&k| may_match(h, i + k))
                            .fold(0u64, |m, k| m | 1 << k);
                        Block {
                            base: i,
                            mask,
                            end: i + 64,
                            tails: true,
                        }
                    });
                    assert!(block.is_none_or(|b| b.base + b.mask.trailing_zeros() as usize >= end));
                    // The last `<` or `>` among the bytes copied.
                    let last = (from..end).rev().find(|&j| h[j] == b'<' || h[j] == b'>');
                    assert_eq!(got, Some((end, block, last)), "{ctx}");
                    assert_eq!(dst[from..end], h[from..end], "{ctx}");
                    assert!(
                        dst[..from].iter().chain(&dst[end..]).all(|&x| x == 0xAA),
                        "{ctx}"
                    );
                }
            }
        }
    }

    #[test]
    #[allow(unsafe_code)]
    fn copying_search_finds_the_same_blocks_and_copies_what_it_read() {
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for len in [0, 1, 31, 32, 63, 64, 65, 100, 200, 700] {
            inputs.push((0..len).map(|i| b'a' + (i % 26) as u8).collect());
        }
        for at in [1, 5, 63, 64, 65, 127, 128, 300, 650] {
            let mut h: Vec<u8> = (0..700).map(|i| b'a' + (i % 23) as u8).collect();
            h[at - 1] = b'f';
            h[at] = b'=';
            h[at + 1] = b'/';
            inputs.push(h);
        }
        for h in &inputs {
            for e in engines() {
                for from in [0, 1, 2, 33, 64, 100, 650] {
                    for limit in [0, 1, 64, 65, 100, 129, 400, 10_000] {
                        let mut dst = std::vec![0xAAu8; h.len() + 200];
                        let limit = limit.min(h.len());
                        let (b, end) =
                            // SAFETY: `dst` holds more than `limit` bytes; it does not
                            // overlap `h`.
                            unsafe { e.find_block_copying(h, from, dst.as_mut_ptr(), limit) };
                        assert_eq!(b, e.find_block(h, from), "{e:?} {from} {limit}");
                        let from = from.max(1);
                        if from >= h.len() {
                            assert_eq!(end, from);
                            continue;
                        }
                        assert!(from <= end && end <= limit.max(from), "{e:?} {end}");
                        if e == Engine::Portable {
                            assert_eq!(end, from);
                        }
                        // Copied: exactly `from..end`, as in `h`; nothing else touched.
                        assert_eq!(dst[from..end], h[from..end], "{e:?} {from} {limit}");
                        assert!(dst[..from].iter().chain(&dst[end..]).all(|&x| x == 0xAA));
                        // All the search read, up to the limit, in whole blocks.
                        let read = b.map_or(h.len(), |b| b.end);
                        let step = if e.has_avx2() { 64 } else { 32 };
                        if e != Engine::Portable && from + step <= limit.min(read) {
                            assert!(end + step > limit.min(read), "{e:?} {from} {end}");
                        }
                    }
                }
            }
        }
    }
}
