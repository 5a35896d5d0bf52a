//! The searches: the `=` of `href=` and `src=` ([`Search::find_block`]) and the `<…`
//! run before a point ([`Search::last_run`]).
//!
//! Both literals end in `=` preceded by `f` or `c`, and the regex's tail
//! `(.?)(\/[^\/])` needs a `/` one or two bytes after that `=`. The search looks for
//! bytes that meet all three conditions, a few vector compares per block, and leaves
//! the rest of the literal and of the tail to the scanner. On real HTML about one
//! byte in 800 is `=` after `f` or `c`, and one in three of those has the `/`.
//!
//! The search is written once, over [`Vector`]; [`Engine`] says which instance runs.

#[cfg(target_arch = "aarch64")]
use core::arch::aarch64::uint8x16_t;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::{__m128i, __m256i};

use core::marker::PhantomData;

use crate::vector::{Vector, Word};

/// Offsets `[base, end)` of the haystack were searched; bit `i` of `mask` is set when
/// `base + i` may hold the `=` of a literal whose tail matches: `h[base + i] == b'='`,
/// the byte before is `f` or `c`, one of the two after is `/`, and both are in `h` (the
/// tail is at least two bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) base: usize,
    pub(crate) mask: u64,
    pub(crate) end: usize,
    /// `h[quiet..end]` holds no `<` or `>`: a look-back to `end` can start at `quiet`.
    pub(crate) quiet: usize,
    /// Bit `i` set when `base + i` holds `<` (`lt`) or `>` (`gt`), for `[base, end)`.
    pub(crate) lt: u64,
    pub(crate) gt: u64,
}

impl Block {
    /// A block with no pair: the search ended at `end`, and `h[quiet..end]` holds no
    /// angle.
    fn empty(end: usize, quiet: usize) -> Block {
        Block {
            base: end,
            mask: 0,
            end,
            quiet,
            lt: 0,
            gt: 0,
        }
    }

    /// What [`Search::last_run`] would find in `h[from..to]`, from the masks, for a
    /// span within `[base, end)`.
    #[inline(always)]
    pub(crate) fn run_within(&self, from: usize, to: usize) -> Option<Run> {
        if from < self.base || to > self.end {
            return None;
        }
        let keep = span(from - self.base, to - self.base);
        Some(run_in(self.gt & keep, self.lt & keep, self.base))
    }
}

/// The bits `[from, to)` of a 64-bit mask, `to <= 64`.
#[inline(always)]
fn span(from: usize, to: usize) -> u64 {
    if from >= to {
        return 0;
    }
    (u64::MAX >> (64 - to)) & (u64::MAX << from)
}

/// The `<` and `>` bits of `h[from..to]`, byte by byte (bit `i` is offset
/// `from + i`), for spans shorter than 64 bytes.
fn angle_bits(h: &[u8], from: usize, to: usize) -> (u64, u64) {
    (from..to).fold((0, 0), |(lt, gt), j| {
        let bit = 1 << (j - from);
        (
            lt | (bit * u64::from(h[j] == b'<')),
            gt | (bit * u64::from(h[j] == b'>')),
        )
    })
}

/// The [`Run`] of a span from its `>` and `<` bits (bit `i` is offset `base + i`).
#[inline(always)]
fn run_in(gt: u64, lt: u64, base: usize) -> Run {
    if gt == 0 {
        let lt = (lt != 0).then(|| base + lt.trailing_zeros() as usize);
        return Run { gt: None, lt };
    }
    let g = 63 - gt.leading_zeros() as usize;
    let above = lt & !(u64::MAX >> (63 - g));
    Run {
        gt: Some(base + g),
        lt: (above != 0).then(|| base + above.trailing_zeros() as usize),
    }
}

/// Which instance of the search runs. A variant exists only where its instructions
/// do: [`Avx2`] can only be made by detecting the feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    /// Eight bytes at a time in a `u64`: every target, and Miri.
    Portable,
    /// Part of every x86-64 processor.
    #[cfg(target_arch = "x86_64")]
    Sse2,
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
    /// Part of every aarch64 processor.
    #[cfg(target_arch = "aarch64")]
    Neon,
}

/// Proof that the processor runs AVX2: [`Avx2::detect`] is the only way to make one.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Avx2(());

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    /// `Some` when the processor has AVX2: detected at run time with the `std`
    /// feature, known at compile time (`-C target-feature=+avx2`) without it.
    pub(crate) fn detect() -> Option<Avx2> {
        #[cfg(feature = "std")]
        let has = std::is_x86_feature_detected!("avx2");
        #[cfg(not(feature = "std"))]
        let has = cfg!(target_feature = "avx2");
        has.then_some(Avx2(()))
    }
}

impl Engine {
    /// The fastest engine this processor runs; the portable one under Miri, which
    /// does not model vector instructions.
    pub(crate) fn detect() -> Engine {
        if cfg!(miri) {
            return Engine::Portable;
        }
        #[cfg(target_arch = "x86_64")]
        return Avx2::detect().map_or(Engine::Sse2, Engine::Avx2);
        #[cfg(target_arch = "aarch64")]
        return Engine::Neon;
        #[allow(unreachable_code)]
        Engine::Portable
    }

    /// Runs `task` with this engine's [`Searcher`], the task compiled for its
    /// instruction set (so that the searches inline into it).
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn run<T: Task>(self, task: T) -> T::Output {
        match self {
            Engine::Portable => run_with::<T, Word>(task),
            #[cfg(target_arch = "x86_64")]
            Engine::Sse2 => run_with::<T, __m128i>(task),
            // SAFETY: the `Avx2` token proves the processor has AVX2.
            #[cfg(target_arch = "x86_64")]
            Engine::Avx2(_) => unsafe { run_avx2(task) },
            #[cfg(target_arch = "aarch64")]
            Engine::Neon => run_with::<T, uint8x16_t>(task),
        }
    }
}

/// [`Engine::run`] for an instance every processor of the target runs: one function
/// per engine, as for AVX2, rather than every engine's task inlined at each call.
#[inline(never)]
fn run_with<T: Task, V: Vector>(task: T) -> T::Output {
    task.run(Searcher::<V>(PhantomData))
}

/// [`Engine::run`] for AVX2: the task compiled with AVX2 enabled.
///
/// # Safety
///
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)]
unsafe fn run_avx2<T: Task>(task: T) -> T::Output {
    task.run(Searcher::<__m256i>(PhantomData))
}

/// Work that uses the searches, run by [`Engine::run`] with the engine's searcher.
pub(crate) trait Task {
    type Output;
    /// Runs the task; implementations are `#[inline(always)]`, so that they are
    /// compiled inside [`Engine::run`]'s instruction set.
    fn run<S: Search>(self, s: S) -> Self::Output;
}

/// The searches, for [`Task`]s.
pub(crate) trait Search: Copy {
    /// The first block at or after `from` with a bit set for a `=` before `to`, or
    /// one with no bit set ending where the search ended, when no `=` in `[from, to)`
    /// qualifies. `to <= h.len()`.
    fn find_block(self, h: &[u8], from: usize, to: usize) -> Block;

    /// The last `>` in `h[from..to]`, and the first `<` after it (after `from` when
    /// there is no `>`). `from <= to <= h.len()`.
    fn last_run(self, h: &[u8], from: usize, to: usize) -> Run;
}

/// The searches with vector instance `V`. Only [`Engine::run`] makes one, and only
/// where `V`'s instructions run: holding one proves it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Searcher<V>(PhantomData<V>);

impl<V: Vector> Search for Searcher<V> {
    #[inline(always)]
    #[allow(unsafe_code)]
    fn find_block(self, h: &[u8], from: usize, to: usize) -> Block {
        assert!(to <= h.len());
        if from >= to {
            return Block::empty(from, from);
        }
        // SAFETY: `self` proves `V` runs; the bounds were checked.
        unsafe { search::<V>(h, from, to) }
    }

    #[inline(always)]
    #[allow(unsafe_code)]
    fn last_run(self, h: &[u8], from: usize, to: usize) -> Run {
        assert!(from <= to && to <= h.len());
        // SAFETY: `self` proves `V` runs; the bounds were checked.
        unsafe { last_run::<V>(h, from, to) }
    }
}

/// How far ahead of a round the search asks for the input's cache lines: past the
/// end of a streaming chunk, into the next one when chunks come from one buffer.
const PREFETCH: usize = 4096;

/// The search, written once: `V::BYTES` offsets a round, each tested against the byte
/// before it and the two after, so a round at `i` reads `h[i - 1 .. i + 2 + V::BYTES]`.
/// Where the next round would pass the end of `h`, one last round ends at the end,
/// overlapping the one before; only inputs shorter than a round are tested byte by
/// byte.
///
/// # Safety
///
/// The processor must run `V`'s instructions. `from < to <= h.len()`.
#[inline(always)]
#[allow(unsafe_code)]
unsafe fn search<V: Vector>(h: &[u8], from: usize, to: usize) -> Block {
    let (eq, f, c, slash) = (
        V::splat(b'='),
        V::splat(b'f'),
        V::splat(b'c'),
        V::splat(b'/'),
    );
    let (lt, gt) = (V::splat(b'<'), V::splat(b'>'));
    let p = h.as_ptr();
    // A pair needs a byte before its `=`, and a tail two bytes after it.
    let to = to.min(h.len().saturating_sub(2));
    let mut i = from.max(1);
    if h.len() < V::BYTES + 3 {
        let to = to.max(i);
        let mask = (i..to).fold(0, |m, j| m | u64::from(is_pair(h, j)) << (j - i));
        // The angles from `from`: a pair's bits start at `i`, one later when `from` is 0.
        let (lt, gt) = angle_bits(h, from, to);
        let angles = lt | gt;
        let quiet = if angles == 0 {
            from
        } else {
            from + 64 - angles.leading_zeros() as usize
        };
        let (lt, gt) = (lt >> (i - from), gt >> (i - from));
        return Block {
            base: i,
            mask,
            end: to,
            quiet,
            lt,
            gt,
        };
    }
    let last = h.len() - 2 - V::BYTES;
    // The rounds see the angles from `i` on.
    let mut quiet = i;
    while i < to {
        // The last round may start before `i`: its bits before `i` are dropped.
        // In bounds: `1 <= at <= h.len() - 2 - V::BYTES`.
        let at = i.min(last);
        V::prefetch(p.wrapping_add(at + PREFETCH));
        let (before, here) = (V::load(p.add(at - 1)), V::load(p.add(at)));
        let (lts, gts) = (here.eq(lt), here.eq(gt));
        if lts.or(gts).any() {
            quiet = at + V::BYTES;
        }
        let m = here.eq(eq).and(before.eq(f).or(before.eq(c))).and(
            V::load(p.add(at + 1))
                .eq(slash)
                .or(V::load(p.add(at + 2)).eq(slash)),
        );
        let end = (at + V::BYTES).min(to);
        if m.any() {
            let keep = span(0, end - i);
            let mask = (m.bits() >> (i - at)) & keep;
            if mask != 0 {
                let quiet = quiet.min(end);
                let (lt, gt) = (
                    (lts.bits() >> (i - at)) & keep,
                    (gts.bits() >> (i - at)) & keep,
                );
                return Block {
                    base: i,
                    mask,
                    end,
                    quiet,
                    lt,
                    gt,
                };
            }
        }
        i = end;
    }
    let end = i.max(from);
    Block::empty(end, quiet.min(end))
}

/// What [`Search::last_run`] finds in a span: its last `>`, and the first `<` after it
/// (after the span's start when it has no `>`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Run {
    pub(crate) gt: Option<usize>,
    pub(crate) lt: Option<usize>,
}

/// The look-back, written once: rounds of `V::BYTES` from `to` back to the last `>`,
/// keeping the lowest `<` seen above it. Inputs shorter than a round get their bits
/// byte by byte; otherwise a round that would start before `h` starts at 0 instead, its bits
/// outside the span dropped.
///
/// # Safety
///
/// The processor must run `V`'s instructions. `from <= to <= h.len()`.
#[inline(always)]
#[allow(unsafe_code)]
unsafe fn last_run<V: Vector>(h: &[u8], from: usize, mut to: usize) -> Run {
    if h.len() < V::BYTES {
        let (lt, gt) = angle_bits(h, from, to);
        return run_in(gt, lt, from);
    }
    let mut run = Run::default();
    let (gt, lt) = (V::splat(b'>'), V::splat(b'<'));
    let p = h.as_ptr();
    while to > from {
        // In bounds: `at + V::BYTES <= to <= h.len()`, or `at == 0`.
        let at = to.saturating_sub(V::BYTES);
        let v = V::load(p.add(at));
        // Bits for `[max(from, at), to)`.
        let keep = span(from.saturating_sub(at), to - at);
        let here = run_in(v.eq(gt).bits() & keep, v.eq(lt).bits() & keep, at);
        run.lt = here.lt.or(run.lt);
        if here.gt.is_some() {
            return Run { gt: here.gt, ..run };
        }
        to = at;
    }
    run
}

/// Whether `h[j]` meets the search's conditions, byte by byte.
fn is_pair(h: &[u8], j: usize) -> bool {
    let at = |k: usize| h.get(k).copied();
    j >= 1
        && j + 2 < h.len()
        && at(j) == Some(b'=')
        && matches!(at(j - 1), Some(b'f' | b'c'))
        && (at(j + 1) == Some(b'/') || at(j + 2) == Some(b'/'))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::vec::Vec;

    use super::*;

    /// Every engine this processor runs.
    pub(crate) fn engines() -> Vec<Engine> {
        #[allow(unused_mut)]
        let mut v = std::vec![Engine::Portable];
        if cfg!(miri) {
            return v;
        }
        #[cfg(target_arch = "x86_64")]
        {
            v.push(Engine::Sse2);
            v.extend(Avx2::detect().map(Engine::Avx2));
        }
        #[cfg(target_arch = "aarch64")]
        v.push(Engine::Neon);
        v
    }

    /// A task that runs one search: `find_block`, or `last_run` as a block.
    struct Call<'h>(&'h [u8], usize, usize, bool);

    impl Task for Call<'_> {
        type Output = (Block, Run);
        fn run<S: Search>(self, s: S) -> (Block, Run) {
            let Call(h, from, to, find) = self;
            if find {
                (s.find_block(h, from, to), Run::default())
            } else {
                (Block::default(), s.last_run(h, from, to))
            }
        }
    }

    /// Every offset the search reports in `[from, to)`, block by block.
    fn found(e: Engine, h: &[u8], from: usize, to: usize) -> Vec<usize> {
        let mut v = Vec::new();
        let mut at = from;
        loop {
            let (b, _) = e.run(Call(h, at, to, true));
            assert!(
                b.end <= to.max(at) && at <= b.quiet && b.quiet <= b.end,
                "{b:?}"
            );
            let angle = h[b.quiet..b.end].iter().any(|&x| x == b'<' || x == b'>');
            assert!(!angle, "{b:?} {h:?}");
            if b.mask == 0 {
                return v;
            }
            assert!(b.base >= at && b.end > b.base, "{b:?}");
            for (mask, byte) in [(b.lt, b'<'), (b.gt, b'>')] {
                let want = (b.base..b.end)
                    .filter(|&j| h[j] == byte)
                    .fold(0, |m, j| m | 1 << (j - b.base));
                assert_eq!(mask, want, "{b:?} {h:?}");
            }
            assert!(b.mask >> (b.end - b.base) == 0, "{b:?}");
            v.extend((0..64).filter(|i| b.mask >> i & 1 == 1).map(|i| b.base + i));
            at = b.end;
        }
    }

    /// Deterministic bytes from a small alphabet of the bytes the search tests.
    fn noise(len: usize, seed: u32) -> Vec<u8> {
        let alphabet = b"=fc/x=/x<x>";
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                alphabet[x as usize % alphabet.len()]
            })
            .collect()
    }

    /// Each engine finds exactly the offsets the byte-by-byte test accepts, for every
    /// start and end, on inputs that place pairs at every offset of a vector.
    #[test]
    fn engines_agree_with_bytes() {
        let lens: &[usize] = if cfg!(miri) {
            &[0, 1, 5, 40]
        } else {
            &[0, 1, 2, 3, 5, 17, 40, 100, 200]
        };
        for &len in lens {
            for seed in 1..if cfg!(miri) { 3 } else { 20 } {
                let h = noise(len, seed);
                for from in 0..=len {
                    for to in (from..=len).step_by(if cfg!(miri) { 7 } else { 1 }) {
                        let want: Vec<usize> = (from..to).filter(|&j| is_pair(&h, j)).collect();
                        for e in engines() {
                            assert_eq!(found(e, &h, from, to), want, "{e:?} {h:?} {from}..{to}");
                        }
                    }
                }
            }
        }
    }

    /// Each engine's look-back equals the byte-by-byte one, for every span.
    #[test]
    fn last_run_agrees_with_bytes() {
        let naive = |h: &[u8], from: usize, to: usize| {
            let gt = (from..to).rev().find(|&j| h[j] == b'>');
            let lt = (gt.map_or(from, |g| g + 1)..to).find(|&j| h[j] == b'<');
            Run { gt, lt }
        };
        let lens: &[usize] = if cfg!(miri) {
            &[0, 3, 20]
        } else {
            &[0, 1, 7, 16, 31, 33, 64, 100, 200]
        };
        for &len in lens {
            for seed in 1..if cfg!(miri) { 3 } else { 12 } {
                let h: Vec<u8> = noise(len, seed)
                    .iter()
                    .map(|&b| b"<>x<x>xx"[b as usize % 8])
                    .collect();
                for from in 0..=len {
                    for to in (from..=len).step_by(if cfg!(miri) { 5 } else { 1 }) {
                        for e in engines() {
                            assert_eq!(
                                e.run(Call(&h, from, to, false)).1,
                                naive(&h, from, to),
                                "{e:?} {h:?} {from}..{to}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn detect_chooses_a_vector_engine() {
        let e = Engine::detect();
        if cfg!(miri) {
            assert_eq!(e, Engine::Portable);
        } else if cfg!(target_arch = "x86_64") || cfg!(target_arch = "aarch64") {
            assert_ne!(e, Engine::Portable);
            assert_eq!(Some(&e), engines().last());
        }
    }
}
