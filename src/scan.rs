//! The scanner: the one place that knows the regex's semantics.
//!
//! # How the regex behaves
//!
//! `(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])`: since every `\s` byte is also a `[^>]` byte,
//! group 1 is exactly `<[^>]*`, and its split between `\s*` and `[^>]*` never shows.
//! Call the bytes from a `<` up to the next `>` (or the end of the input) its *run*.
//! A backtracking engine that starts at a `<` first lets `[^>]*` swallow the whole run,
//! then gives bytes back one at a time, trying `href=` and then `src=` at each end.
//! So the match it finds starts at the first `<` of the run and uses the **last**
//! candidate of the run: the last `href=` or `src=` occurrence, starting inside the run,
//! whose *tail* `(.?)(\/[^\/])` matches. A candidate's tail depends only on the bytes
//! after the literal (it may run past the `>` that ends the run), never on where the run
//! started, which gives three facts the scanner stands on:
//!
//! 1. A run with no valid candidate yields no match, and neither does any later `<` of
//!    the same run (its candidates are a subset), so the search skips to the run's end.
//! 2. After a match, no later `<` of the same run can match either (a valid candidate
//!    after it would have been the last one), so the search resumes at the later of the
//!    match's end and the run's end.
//! 3. Whether a candidate lies in a run only depends on the last `<` or `>` before it.
//!
//! # How the scanner works
//!
//! Instead of visiting every `<`, the scanner looks for the rare literals (`href=`,
//! `src=`) in one SIMD pass ([`crate::literal`]), checks each one's tail in place, and
//! only for valid candidates asks whether a run is open there, looking back to the last
//! `>`. When none is open it skips to the next `<`. Once it has a candidate in an open
//! run it finds the run's end and takes the run's last valid candidate: from the forward
//! search for short runs, looking back from the end for long ones. Every search starts
//! where the previous search of the same kind stopped, so each byte is examined a
//! bounded number of times: O(n) overall.
//!
//! The look-arounds are nearly always short: the scanner first reads up to 256 bytes
//! on either side of a literal ([`crate::probe`]), and when they show an open run that
//! ends within them with no other literal in between, it makes the match on the spot
//! ([`Scanner::quick_match`]); otherwise it takes the general way above. The slice
//! driver runs that quick rule in a loop of its own ([`Scanner::quick_batch`]), the
//! scanner's state in local variables for as long as the rule decides, and hands the
//! first candidate it does not decide back to the general step. The rewriting drivers
//! run the same loop ([`Scanner::quick_path`]), each match written out as it is made:
//! the one-shot insertion into a `Vec` with a block search that copies what it reads
//! to the output, and the streaming driver on each window after its first match, where
//! a candidate whose tail runs past the window's end is left to the general step.
//! Inserting into a `Vec`, the streaming driver also has a window's bytes up to its
//! first candidate copied by the pass that searches them ([`Scanner::skip_writing`]):
//! most windows of real pages hold no link, and their bytes are then read from memory
//! once.
//!
//! The scanner is resumable: [`Scanner::step`] works on a window of input and, unless
//! told the window reaches the end of the input (`eof`), says [`Step::NeedMore`] when
//! the next decision depends on bytes it has not seen. The slice driver
//! ([`crate::FindIter`]) always passes `eof = true`, through [`Scanner::find_batch`].

use memchr::memrchr;

use crate::literal::{Block, Engine};
use crate::probe::{self, find as first, rfind};
use crate::Match;

/// Counts bytes examined, in unit tests only, to prove linear time without a clock.
macro_rules! work {
    ($self:ident, $n:expr) => {{
        #[cfg(test)]
        {
            $self.work += $n;
        }
    }};
}

/// Binds `$w` to the counter of [`work!`] in unit tests, to a scratch count elsewhere:
/// the literal search's methods take one.
macro_rules! work_counter {
    ($self:ident, $w:ident) => {
        #[cfg(test)]
        let $w = &mut $self.work;
        #[cfg(not(test))]
        let $w = &mut 0;
    };
}

/// What [`Scanner::step`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// The next match; nothing before its start can be part of any match.
    Match(Match),
    /// No further match (only when `eof` was given).
    Done,
    /// The window ends before the next decision can be made.
    #[allow(dead_code)]
    NeedMore,
}

/// Whether the tail `(.?)(\/[^\/])` matches at a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tail {
    /// It matches; group 4 starts at this offset (group 3 is empty or one byte).
    Valid(usize),
    Invalid,
    /// The window ends too soon to tell.
    Undecided,
}

/// Checks the tail `(.?)(\/[^\/])` at `p`, preferring a one-byte `.?` as a backtracking
/// engine does. At most one of the two readings can match: the one-byte reading needs
/// `h[p + 1] == '/'`, the empty one needs `h[p + 1] != '/'`.
#[inline(always)]
pub(crate) fn tail<const EOF: bool>(h: &[u8], p: usize) -> Tail {
    // Near the end of the window.
    let short = if EOF { Tail::Invalid } else { Tail::Undecided };
    let (Some(&b0), Some(&b1)) = (h.get(p), h.get(p + 1)) else {
        return short;
    };
    if b0 == b'/' && b1 != b'/' {
        // `.?` empty, group 4 = "/" b1. The one-byte reading needs b1 == '/'.
        return Tail::Valid(p);
    }
    // `.?` = b0 (any byte but '\n'), then '/' and a byte that is not '/'.
    if b0 == b'\n' || b1 != b'/' {
        return Tail::Invalid;
    }
    match h.get(p + 2) {
        Some(&b2) if b2 != b'/' => Tail::Valid(p + 1),
        Some(_) => Tail::Invalid,
        None => short,
    }
}

/// The length of the literal (`href=` 5, `src=` 4) that ends with the `=` at `eq`, if
/// one does.
#[inline(always)]
fn literal_len(h: &[u8], eq: usize) -> Option<usize> {
    const HREF: u32 = u32::from_le_bytes(*b"href");
    const SRC: u32 = u32::from_le_bytes(*b"src\0");
    let Some(from) = eq.checked_sub(4) else {
        return (eq == 3 && h[..3] == *b"src").then_some(4);
    };
    // The four bytes before the `=`, the first in the low byte.
    let w = u32::from_le_bytes(h[from..eq].try_into().unwrap_or_default());
    if w == HREF {
        Some(5)
    } else if w >> 8 == SRC {
        Some(4)
    } else {
        None
    }
}

/// The next `href=` or `src=` occurrence, found by the one-pass pair search.
#[derive(Clone, Debug)]
struct Literals {
    engine: Engine,
    /// INVARIANT: no literal starts in `[Scanner::pos, at)` except, possibly, `hit`.
    at: usize,
    /// An occurrence found and handed back, not passed: (start, length). The caller
    /// puts back an occurrence it returns from [`Literals::next`] without passing it.
    hit: Option<(usize, usize)>,
    /// The pairs found by the block search and not yet looked at.
    pairs: Pairs,
    /// Where the block search copies what it reads, if anywhere (see
    /// [`Scanner::copy_to`]).
    copy: CopyTo,
}

/// Pairs found by the block search and not yet looked at, kept apart from the rest of
/// [`Literals`] so that the slice driver's quick path can hold them in local variables
/// ([`Scanner::quick_batch`]) and share these methods.
#[derive(Clone, Copy, Debug)]
struct Pairs {
    /// Bit `i` is offset `base + i`. INVARIANT: every pair in `[.., scanned)` is in
    /// `mask` or was looked at.
    base: usize,
    mask: u64,
    scanned: usize,
    /// Whether the pairs in `mask` all have a valid tail ([`Block`]).
    tails: bool,
}

impl Pairs {
    /// No pair at hand, and none searched for from `at` on.
    #[inline(always)]
    fn none_at(at: usize) -> Pairs {
        Pairs {
            base: at,
            mask: 0,
            scanned: at,
            tails: false,
        }
    }

    /// Drops the pairs whose `=` lies before `min_eq`.
    #[inline(always)]
    fn drop_before(&mut self, min_eq: usize) {
        if min_eq > self.base {
            let below = min_eq - self.base;
            self.mask = if below >= 64 {
                0
            } else {
                self.mask & (!0u64 << below)
            };
        }
    }

    /// The `=` of the first pair at hand, taken out of the mask. Requires `mask != 0`.
    #[inline(always)]
    fn take(&mut self) -> usize {
        let eq = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        eq
    }

    /// Records what the block search, run from `from` over `h`, found: whether it
    /// found a block, now at hand.
    #[inline(always)]
    fn found(&mut self, b: Option<Block>, h: &[u8], from: usize, work: &mut usize) -> bool {
        match b {
            Some(b) => {
                *work += b.end - from.min(b.end);
                (self.base, self.mask, self.scanned) = (b.base, b.mask, b.end);
                self.tails = b.tails;
                true
            }
            None => {
                *work += h.len().saturating_sub(from);
                self.scanned = self.scanned.max(h.len());
                false
            }
        }
    }

    /// Whether no pair other than those already looked at has its `=` before `to`,
    /// from what the block search already found (`false` when it has not looked that
    /// far).
    #[inline(always)]
    fn none_before(&self, to: usize) -> bool {
        if self.mask != 0 {
            self.base + self.mask.trailing_zeros() as usize >= to
        } else {
            self.scanned >= to
        }
    }
}

/// See [`Scanner::copy_to`]. The destination is kept as an address (0: nowhere), so
/// that the scanner stays `Send` and `Sync`.
#[derive(Clone, Debug)]
pub(crate) struct CopyTo {
    dst: usize,
    floor: usize,
    limit: usize,
    /// Offsets whose bytes are at `dst + offset`: one run.
    copied: core::ops::Range<usize>,
}

impl CopyTo {
    /// Copying to `dst + i` the blocks at offsets `i >= floor` that end by `limit`,
    /// `copied` being the run of offsets already at `dst + offset`.
    ///
    /// # Safety
    ///
    /// `dst + floor .. dst + limit` must be valid for writes, and not read or written
    /// by anything else, whenever [`CopyTo::find`] runs on this setting or a copy of
    /// it, or a method of a scanner given it ([`Scanner::copy_to`]) runs, until the
    /// scanner is given another; it must not overlap any haystack searched.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    #[allow(unsafe_code)]
    pub(crate) unsafe fn new(
        dst: *mut u8,
        floor: usize,
        limit: usize,
        copied: core::ops::Range<usize>,
    ) -> CopyTo {
        CopyTo {
            dst: dst.expose_provenance(),
            floor,
            limit,
            copied,
        }
    }

    /// The run of offsets whose bytes are at `dst + offset`.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn copied(&self) -> core::ops::Range<usize> {
        self.copied.clone()
    }

    /// The block search of `engine` from `from`, copying the blocks it reads as
    /// [`Scanner::copy_to`] set up: the run of offsets copied goes on from `from` when
    /// it reaches that far, or after the bytes the search skipped since, copied first;
    /// otherwise it starts again at `from`.
    #[inline(always)]
    #[allow(unsafe_code)]
    pub(crate) fn find(&mut self, engine: Engine, h: &[u8], from: usize) -> Option<Block> {
        let c = self;
        let from = from.max(1);
        if from < c.floor || from >= c.limit || engine == Engine::Portable {
            return engine.find_block(h, from);
        }
        let dst = core::ptr::with_exposed_provenance_mut::<u8>(c.dst);
        if !(c.copied.start <= from && from <= c.copied.end) {
            if c.floor <= c.copied.end && c.copied.end < from && from <= h.len() {
                // SAFETY: `c.floor <= copied.end < from < c.limit`: `CopyTo::new`'s caller
                // keeps `dst + floor .. dst + limit` valid for writes, apart from `h`.
                unsafe { crate::literal::copy_skipped(h, dst, c.copied.end..from) };
            } else {
                c.copied = from..from;
            }
        }
        // SAFETY: as above, `floor <= from`.
        let (b, to) = unsafe { engine.find_block_copying(h, from, dst, c.limit) };
        c.copied.end = c.copied.end.max(to);
        b
    }
}

/// The length of the longest suffix of `tail`, 4 bytes at most, that begins `href=` or
/// `src=`: where a literal may start that the bytes after `tail` complete.
#[inline(always)]
fn literal_prefix_at_end(tail: &[u8]) -> usize {
    if let Some(&[a, b, c, d]) = tail.last_chunk::<4>() {
        // The last 4 bytes as one number, compared without a branch per byte.
        let w = u32::from_be_bytes([a, b, c, d]);
        let k4 = w == u32::from_be_bytes(*b"href") || w == u32::from_be_bytes(*b"src=");
        let k3 = (w & 0xff_ffff) == 0x68_7265 || (w & 0xff_ffff) == 0x73_7263; // hre, src
        let k2 = (w & 0xffff) == 0x6872 || (w & 0xffff) == 0x7372; // hr, sr
        let k1 = d == b'h' || d == b's';
        return if k4 {
            4
        } else if k3 {
            3
        } else if k2 {
            2
        } else {
            usize::from(k1)
        };
    }
    (1..=tail.len())
        .rev()
        .find(|&k| {
            // Shorter than both literals: compare byte by byte (a `memcmp` call costs
            // more than these few bytes).
            let end = &tail[tail.len() - k..];
            let begins = |lit: &[u8]| end.iter().zip(lit).all(|(a, b)| a == b);
            begins(b"href=") || begins(b"src=")
        })
        .unwrap_or(0)
}

impl Literals {
    fn new() -> Literals {
        Literals {
            engine: Engine::detect(),
            at: 0,
            hit: None,
            pairs: Pairs::none_at(0),
            copy: CopyTo {
                dst: 0,
                floor: 0,
                limit: 0,
                copied: 0..0,
            },
        }
    }

    /// The first occurrence starting at or after `from` in `h`: (start, length). The
    /// block search reads no further than `end`: an occurrence whose `=` lies at or
    /// past `end` is found by a later search (the one returned may still start after
    /// `end`, from a block at hand).
    #[inline(always)]
    fn next(
        &mut self,
        h: &[u8],
        from: usize,
        end: usize,
        work: &mut usize,
    ) -> Option<(usize, usize)> {
        if let Some((s, len)) = self.hit.take() {
            if s >= from && s + len <= h.len() {
                return Some((s, len));
            }
        }
        self.at = self.at.max(from);
        // The `=` of a literal starting at `at` is at `at + 3` or later.
        let min_eq = self.at + 3;
        self.pairs.drop_before(min_eq);
        self.scan(h, from, min_eq, end, work)
    }

    /// The first occurrence starting at or after `from`, right after the caller passed
    /// the one this search last returned, which started before `from`: `mask` then
    /// holds no pair of a literal starting before `from`, so there is nothing to clear.
    /// `end` as for [`Literals::next`].
    #[inline(always)]
    fn after(
        &mut self,
        h: &[u8],
        from: usize,
        end: usize,
        work: &mut usize,
    ) -> Option<(usize, usize)> {
        debug_assert!(self.hit.is_none() && self.at < from);
        self.at = from;
        self.scan(h, from, from + 3, end, work)
    }

    /// The search itself, from the pairs in `mask` and then from the blocks found from
    /// `min_eq` on, up to `end` (`mask` holds no pair before `min_eq`).
    #[inline(always)]
    fn scan(
        &mut self,
        h: &[u8],
        from: usize,
        min_eq: usize,
        end: usize,
        work: &mut usize,
    ) -> Option<(usize, usize)> {
        loop {
            // A block found below holds no pair before `min_eq`: no bit to clear.
            if self.pairs.mask == 0 {
                if self.refill(&h[..end], min_eq, work) {
                    continue;
                }
                break;
            }
            let eq = self.pairs.take();
            let Some(len) = literal_len(h, eq) else {
                continue;
            };
            let s = eq + 1 - len;
            if s >= from {
                self.at = s;
                return Some((s, len));
            }
        }
        // A literal may start in the last bytes and end past what was searched: resume
        // at the longest suffix that begins one.
        let h = &h[..end];
        let keep = literal_prefix_at_end(&h[self.at.min(h.len())..]);
        self.at = self.at.max(h.len() - keep);
        None
    }

    /// With no pair at hand (`mask == 0`), runs the block search from where it stopped
    /// (and from `min_eq` on): whether it found a block, now at hand.
    #[inline(always)]
    fn refill(&mut self, h: &[u8], min_eq: usize, work: &mut usize) -> bool {
        debug_assert_eq!(self.pairs.mask, 0);
        let from = self.pairs.scanned.max(min_eq);
        let found = if self.copy.dst == 0 {
            self.engine.find_block(h, from)
        } else {
            self.find_copying(h, from)
        };
        self.pairs.found(found, h, from, work)
    }

    /// The block search, copying the blocks it reads as [`Scanner::copy_to`] set up
    /// (see [`CopyTo::find`]).
    #[inline(never)]
    fn find_copying(&mut self, h: &[u8], from: usize) -> Option<Block> {
        self.copy.find(self.engine, h, from)
    }

    /// How far a search that decides a match at `decided` may read in `len` bytes: a
    /// rewriting driver that has the search copy its blocks wants it to stop there,
    /// since what it reads past the match must be copied again after the insertion;
    /// otherwise it reads on to its next block at once.
    #[inline(always)]
    fn read_to(&self, decided: usize, len: usize) -> usize {
        if self.copy.dst != 0 {
            decided
        } else {
            len
        }
    }

    /// See [`Pairs::none_before`].
    #[inline(always)]
    fn none_before(&self, to: usize) -> bool {
        self.pairs.none_before(to)
    }

    /// Moves every offset `k` bytes down (see [`Scanner::shift`]).
    fn shift(&mut self, k: usize) {
        self.at = self.at.saturating_sub(k);
        self.hit = match self.hit {
            Some((s, len)) if s >= k => Some((s - k, len)),
            _ => None,
        };
        // Forget the block at hand: the search resumes at `at`, a few bytes back at
        // most, since no literal starts in `[pos, at)` but `hit`.
        self.pairs = Pairs::none_at(self.at);
    }
}

/// See [`Scanner::pending`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pending {
    pub(crate) scan_from: usize,
    pub(crate) run_start: Option<usize>,
    pub(crate) candidate: Option<usize>,
}

/// A valid candidate: a literal whose tail matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Candidate {
    /// Start of the literal (group 2).
    attr: usize,
    /// End of the literal (group 3 starts here).
    quote: usize,
    /// Start of group 4.
    path: usize,
}

/// What [`Scanner::skip_writing`] did.
#[cfg(feature = "alloc")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// How many of the window's bytes were appended: the scanner stands there.
    pub(crate) to: usize,
    /// Whether the window is done with: nothing is pending but the bytes from `to` on,
    /// a suffix that may begin a literal.
    pub(crate) finished: bool,
}

/// The shortest window that [`Scanner::skip_writing`] copies from: in shorter ones
/// the general step's few calls cost less than what they would save.
#[cfg(feature = "alloc")]
const SKIP_MIN: usize = 1024;

/// What the scanner is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Looking for a valid candidate inside a run.
    Seek,
    /// A run that starts at `start` holds the valid candidate `best`; looking for the
    /// run's end and for later valid candidates.
    InRun {
        start: usize,
        best: Candidate,
        /// INVARIANT: no `>` in `[best.quote, gt_from)`.
        gt_from: usize,
    },
}

/// What a search for the next valid candidate found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    Found(Candidate),
    /// No literal occurrence starts before the limit.
    None,
    /// A literal's tail runs past the window.
    Undecided,
}

/// The resumable scanner. Offsets are relative to the window passed to [`Scanner::step`].
#[derive(Clone, Debug)]
pub(crate) struct Scanner {
    lits: Literals,
    /// INVARIANT: every literal occurrence starting before `pos` has been dealt with.
    pos: usize,
    /// INVARIANT: `checked <= pos` in the seek phase, and `open` describes the run state
    /// at `checked`.
    checked: usize,
    /// The first `<` at or after the resume point with no `>` after it before
    /// `checked`: the start of the open run, if a run is open at `checked`.
    open: Option<usize>,
    phase: Phase,
    /// Bytes examined so far (unit tests only).
    #[cfg(test)]
    pub(crate) work: usize,
    /// Matches made by [`Scanner::quick_batch`] (unit tests only).
    #[cfg(test)]
    pub(crate) quick: usize,
    /// Bytes written by [`Scanner::pending_writing`] (unit tests only).
    #[cfg(all(test, feature = "alloc"))]
    pub(crate) written: usize,
    /// Bytes written by [`Scanner::skip_writing`] (unit tests only).
    #[cfg(all(test, feature = "alloc"))]
    pub(crate) skipped: usize,
}

/// Where the quick path ([`Scanner::quick_batch`]) puts the matches it makes, and how
/// its block search reads.
pub(crate) trait Batch {
    /// Whether the block search copies the blocks it reads to the output (as
    /// [`Scanner::copy_to`] would have it): it then reads no further than the `>` that
    /// decides a match, since what it reads past the match must be copied again after
    /// the insertion.
    const COPY: bool;
    /// Whether the batch takes another match.
    fn room(&self) -> bool;
    /// The block search of `engine` from `from` in `h` ([`Engine::find_block`]).
    #[inline(always)]
    fn find_block(&mut self, engine: Engine, h: &[u8], from: usize) -> Option<Block> {
        engine.find_block(h, from)
    }
    /// Takes the match `m` of `h`; the block search has read up to `frontier`.
    fn take(&mut self, h: &[u8], m: Match, frontier: usize);
}

/// The slice driver's batch: matches into slots.
struct Slots<'a> {
    out: &'a mut [Match],
    n: usize,
}

impl Batch for Slots<'_> {
    const COPY: bool = false;

    #[inline(always)]
    fn room(&self) -> bool {
        self.n < self.out.len()
    }

    #[inline(always)]
    fn take(&mut self, _: &[u8], m: Match, _: usize) {
        if let Some(slot) = self.out.get_mut(self.n) {
            *slot = m;
            self.n += 1;
        }
    }
}

impl Scanner {
    pub(crate) fn new() -> Scanner {
        Scanner {
            lits: Literals::new(),
            pos: 0,
            checked: 0,
            open: None,
            phase: Phase::Seek,
            #[cfg(test)]
            work: 0,
            #[cfg(test)]
            quick: 0,
            #[cfg(all(test, feature = "alloc"))]
            written: 0,
            #[cfg(all(test, feature = "alloc"))]
            skipped: 0,
        }
    }

    /// A scanner with the pair search `e` (tests of the engines).
    #[cfg(all(test, feature = "alloc"))]
    pub(crate) fn with_engine(e: Engine) -> Scanner {
        let mut s = Scanner::new();
        s.lits.engine = e;
        s
    }

    /// From now on, the block search copies as `copy` says ([`CopyTo::new`]: each
    /// whole block it reads at an offset `i >= floor` and ending by `limit` to `dst +
    /// i`), so that a rewriting driver need not read those bytes again.
    /// [`Scanner::copying`] tells how the search extended the run of offsets copied.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))] // the rewriting driver's
    pub(crate) fn copy_to(&mut self, copy: CopyTo) {
        self.lits.copy = copy;
    }

    /// The setting of [`Scanner::copy_to`], its run of offsets copied as the search
    /// left it.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn copying(&self) -> &CopyTo {
        &self.lits.copy
    }

    /// How far the block search has read: bytes from here on have not been copied.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn frontier(&self) -> usize {
        self.lits.pairs.scanned
    }

    /// Finds the next match in `h`, starting where the previous step stopped.
    ///
    /// With `eof`, `h` is the whole rest of the input and the answer is `Match` or
    /// `Done`. Without it, `NeedMore` means: call again with a longer window.
    #[inline]
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))] // the streaming driver's
    pub(crate) fn step<const EOF: bool>(&mut self, h: &[u8]) -> Step {
        #[cfg(target_arch = "x86_64")]
        if self.avx2_step() {
            return self.step_avx2::<EOF>(h);
        }
        self.step_impl::<EOF, false>(h)
    }

    /// Whether the step compiled for AVX2 may run: only when the pair search found the
    /// processor has AVX2 (it is the one place that asks).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx2_step(&self) -> bool {
        self.lits.engine.has_avx2()
    }

    /// [`Scanner::step`] compiled for AVX2: the 64-byte windows around a literal are
    /// read with two 32-byte compares per byte looked for, and the rest with
    /// three-operand instructions.
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    fn step_avx2<const EOF: bool>(&mut self, h: &[u8]) -> Step {
        #[target_feature(enable = "avx2")]
        fn run<const EOF: bool>(s: &mut Scanner, h: &[u8]) -> Step {
            s.step_impl::<EOF, true>(h)
        }
        // SAFETY: `Engine::has_avx2` holds only after `is_x86_feature_detected!("avx2")`.
        unsafe { run::<EOF>(self, h) }
    }

    /// The slice driver's step, several matches at a time: fills `out` with the next
    /// matches of `h` (the whole rest of the input) and returns how many it found and
    /// whether the input is exhausted. One call per batch rather than per match saves
    /// the call and the loading and storing of the scanner's state.
    pub(crate) fn find_batch(&mut self, h: &[u8], out: &mut [Match]) -> (usize, bool) {
        #[cfg(target_arch = "x86_64")]
        if self.avx2_step() {
            #[target_feature(enable = "avx2")]
            fn run(s: &mut Scanner, h: &[u8], out: &mut [Match]) -> (usize, bool) {
                s.batch_impl::<true>(h, out)
            }
            // SAFETY: `Engine::has_avx2` holds only after `is_x86_feature_detected!("avx2")`.
            #[allow(unsafe_code)]
            return unsafe { run(self, h, out) };
        }
        self.batch_impl::<false>(h, out)
    }

    #[inline(always)]
    fn batch_impl<const AVX2: bool>(&mut self, h: &[u8], out: &mut [Match]) -> (usize, bool) {
        let mut n = 0;
        loop {
            n += self.quick_batch::<AVX2, true, _>(
                h,
                &mut Slots {
                    out: &mut out[n..],
                    n: 0,
                },
            );
            let Some(slot) = out.get_mut(n) else {
                return (n, false);
            };
            match self.step_impl::<true, AVX2>(h) {
                Step::Match(m) => *slot = m,
                // `NeedMore` cannot follow `eof = true`; it ends the search all the same.
                Step::Done | Step::NeedMore => return (n, true),
            }
            n += 1;
        }
    }

    /// The rewriting drivers' quick path: [`Scanner::quick_batch`], each match handed
    /// to `b` as it is made ([`Batch::take`]). The one-shot insertion's batch has the
    /// block search copy what it reads to the output; its own [`Scanner::copy_to`]
    /// setting is neither used nor changed. `EOF` as for [`Scanner::step`]: without it,
    /// `h` is a window of a stream.
    #[cfg(feature = "alloc")]
    pub(crate) fn quick_path<const EOF: bool, B: Batch>(&mut self, h: &[u8], b: &mut B) {
        #[cfg(target_arch = "x86_64")]
        if self.avx2_step() {
            #[target_feature(enable = "avx2")]
            fn run<const EOF: bool, B: Batch>(s: &mut Scanner, h: &[u8], b: &mut B) {
                s.quick_batch::<true, EOF, B>(h, b);
            }
            // SAFETY: `Engine::has_avx2` holds only after `is_x86_feature_detected!("avx2")`.
            #[allow(unsafe_code)]
            return unsafe { run::<EOF, B>(self, h, b) };
        }
        self.quick_batch::<false, EOF, B>(h, b);
    }

    /// The quick path: the seek phase of [`Scanner::step`] (`EOF` alike) for as long as
    /// [`Scanner::quick_match`] decides each valid candidate, with the scanner's state in
    /// local variables rather than read and written back at each match. Hands each
    /// match to `b` and returns how many it made. It stops when `b` has no more room, at
    /// the first candidate that the quick rule does not decide (a valid one, or,
    /// without `EOF`, one whose tail runs past `h`), which it hands back to the pair
    /// search (`Literals::hit`) for the general step to take up, or when the pairs run
    /// out; it leaves the state as the general step would have, step for step (with
    /// `B::COPY`, as the general step with [`Scanner::copy_to`] set as `b` searches).
    #[inline(always)]
    fn quick_batch<const AVX2: bool, const EOF: bool, B: Batch>(
        &mut self,
        h: &[u8],
        b: &mut B,
    ) -> usize {
        if self.phase != Phase::Seek
            || self.lits.hit.is_some()
            || (!B::COPY && self.lits.copy.dst != 0)
        {
            return 0;
        }
        let (mut pos, mut checked, mut open) = (self.pos, self.checked, self.open);
        let (engine, mut at, mut pairs) = (self.lits.engine, self.lits.at, self.lits.pairs);
        let mut hit = None;
        let mut n = 0;
        work_counter!(self, work);
        while b.room() {
            // `Literals::next` from `pos`.
            at = at.max(pos);
            let min_eq = at + 3;
            pairs.drop_before(min_eq);
            if pairs.mask == 0 {
                // `Literals::refill`.
                let from = pairs.scanned.max(min_eq);
                if pairs.found(b.find_block(engine, h, from), h, from, work) {
                    continue;
                }
                break;
            }
            let eq = pairs.take();
            let Some(len) = literal_len(h, eq) else {
                continue;
            };
            let attr = eq + 1 - len;
            if attr < pos {
                continue;
            }
            at = attr;
            let quote = attr + len;
            // `Scanner::next_candidate`. A block whose pairs all have a valid tail leaves
            // only where group 4 starts.
            let path = if pairs.tails {
                // `.?` is one byte exactly when a `/` follows it (see `tail`).
                quote + usize::from(h[quote + 1] == b'/')
            } else {
                match tail::<EOF>(h, quote) {
                    Tail::Valid(path) => path,
                    Tail::Invalid => {
                        // `Literals::after`.
                        pos = attr + 1;
                        at = pos;
                        continue;
                    }
                    // The window ends too soon to tell (only without `EOF`).
                    Tail::Undecided => {
                        hit = Some((attr, len));
                        break;
                    }
                }
            };
            // `Scanner::quick_match`, with the block search's state at hand. (No closures
            // here: they would not be compiled for AVX2 with the rest.)
            let quick = 'quick: {
                let Some((g, lt)) = probe::run_state::<AVX2>(h, checked, attr) else {
                    break 'quick None;
                };
                let start = match g {
                    Some(_) => lt,
                    None => open.or(lt),
                };
                let (Some(start), Some(gt)) = (start, probe::gt_near::<AVX2>(h, quote)) else {
                    break 'quick None;
                };
                if !pairs.none_before(gt) {
                    if pairs.mask != 0 {
                        break 'quick None;
                    }
                    // The block search goes on now, as the next search would (a
                    // copying one no further than `gt`: `Literals::read_to`).
                    let from = pairs.scanned;
                    let h = &h[..if B::COPY { gt } else { h.len() }];
                    pairs.found(b.find_block(engine, h, from), h, from, work);
                    if !pairs.none_before(gt) {
                        break 'quick None;
                    }
                }
                Some((g, start, gt))
            };
            let Some((g, start, gt)) = quick else {
                hit = Some((attr, len));
                break;
            };
            *work += attr - g.unwrap_or(checked) + gt + 1 - quote;
            // `Scanner::finish`.
            let m = Match::new(start.min(attr), attr, quote, path);
            let resume = m.end().max(gt);
            (pos, checked, open) = (resume, resume, None);
            b.take(h, m, pairs.scanned);
            n += 1;
        }
        (self.pos, self.checked, self.open) = (pos, checked, open);
        (self.lits.at, self.lits.pairs, self.lits.hit) = (at, pairs, hit);
        #[cfg(test)]
        {
            self.quick += n;
        }
        n
    }

    #[inline(always)]
    fn step_impl<const EOF: bool, const AVX2: bool>(&mut self, h: &[u8]) -> Step {
        if let Phase::InRun {
            start,
            best,
            gt_from,
        } = self.phase
        {
            return self.in_run::<EOF>(h, start, best, gt_from);
        }
        loop {
            match self.next_candidate::<EOF>(h, h.len()) {
                Next::Found(c) => {
                    if let Some(m) = self.quick_match::<AVX2>(h, c) {
                        return Step::Match(m);
                    }
                    self.track::<AVX2>(h, c.attr);
                    if let Some(start) = self.open {
                        return self.in_run::<EOF>(h, start, c, c.quote);
                    }
                    // No run is open here, so no literal before the next `<` can
                    // match: skip straight to it.
                    let lt = first(b'<', h, c.attr, h.len());
                    work!(self, lt.map_or(h.len(), |i| i + 1) - c.attr);
                    match lt {
                        Some(lt) => (self.pos, self.checked) = (lt, lt),
                        None if EOF => return Step::Done,
                        None => {
                            (self.pos, self.checked) = (h.len(), h.len());
                            return Step::NeedMore;
                        }
                    }
                }
                Next::None if EOF => return Step::Done,
                Next::None | Next::Undecided => return Step::NeedMore,
            }
        }
    }

    /// The common case of a valid candidate `c`, decided from the bytes near its literal
    /// (up to 256 on either side): a run is open at `c`, it ends within 256 bytes, and
    /// the block search has seen that no other literal lies in between. Then `c` is
    /// the run's last valid candidate and this is the match that [`Scanner::track`]
    /// and [`Scanner::in_run`] would find; otherwise `None`, and nothing has changed
    /// but, possibly, how far the block search has looked.
    #[inline(always)]
    fn quick_match<const AVX2: bool>(&mut self, h: &[u8], c: Candidate) -> Option<Match> {
        let (g, lt) = probe::run_state::<AVX2>(h, self.checked, c.attr)?;
        // `open_at`'s rule, spelt out: this form compiles to fewer instructions here.
        let start = match g {
            Some(_) => lt?,
            None => self.open.or(lt)?,
        };
        let gt = probe::gt_near::<AVX2>(h, c.quote)?;
        // The `=` of a literal starting in `(c.attr, gt)` lies before `gt` (a literal
        // holds no `>`); the pair of `c` itself has been looked at. When the block
        // search has not looked that far, it goes on now: the next search would anyway.
        if !self.lits.none_before(gt) {
            if self.lits.pairs.mask != 0 {
                return None;
            }
            work_counter!(self, work);
            let to = self.lits.read_to(gt, h.len());
            self.lits.refill(&h[..to], 0, work);
            if !self.lits.none_before(gt) {
                return None;
            }
        }
        work!(self, c.attr - g.unwrap_or(self.checked) + gt + 1 - c.quote);
        Some(self.finish(start, c, gt))
    }

    /// The match of the run that starts at `start`, ends at `gt` and has `c` as its last
    /// valid candidate; the search goes on after both (Fact 2: nothing else in this run
    /// can match). The caller is, or goes back to, seeking.
    #[inline(always)]
    fn finish(&mut self, start: usize, c: Candidate, gt: usize) -> Match {
        let m = Match::new(start.min(c.attr), c.attr, c.quote, c.path);
        let resume = m.end().max(gt);
        self.pos = resume;
        self.checked = resume;
        self.open = None;
        m
    }

    /// The run that starts at `start` holds the valid candidate `best`, and no `>` lies
    /// in `[best.quote, gt_from)`: finds the run's end and its last valid candidate.
    /// Returns the match, or `NeedMore` (remembering where it stands) when the window
    /// ends first.
    #[inline(always)]
    fn in_run<const EOF: bool>(
        &mut self,
        h: &[u8],
        start: usize,
        mut best: Candidate,
        gt_from: usize,
    ) -> Step {
        let (gt, closed) = match first(b'>', h, gt_from.min(h.len()), h.len()) {
            Some(i) => {
                work!(self, i + 1 - gt_from);
                (i, true)
            }
            None => {
                work!(self, h.len().saturating_sub(gt_from));
                (h.len(), EOF)
            }
        };
        // A literal starting before `gt` lies wholly inside the run, as it holds no
        // `>`. A long closed run may hold many literals: its last valid candidate is
        // found looking back from its end, one `=` at a time. Otherwise (nearly every
        // run of real HTML, and a run still open at the end of a streaming window) the
        // literals after `best` are few and the forward search already has them at hand.
        let decided = if closed && gt.saturating_sub(self.pos) > 256 {
            match self.last_candidate::<EOF>(h, gt) {
                Next::Found(c) => {
                    best = c;
                    true
                }
                Next::None => true,
                Next::Undecided => false,
            }
        } else {
            self.forward::<EOF>(h, gt, &mut best)
        };
        if !closed || !decided {
            self.phase = Phase::InRun {
                start,
                best,
                gt_from: gt,
            };
            return Step::NeedMore;
        }
        self.phase = Phase::Seek;
        Step::Match(self.finish(start, best, gt))
    }

    /// The next valid candidate whose literal starts at or after `pos` and before
    /// `limit`.
    #[inline(always)]
    fn next_candidate<const EOF: bool>(&mut self, h: &[u8], limit: usize) -> Next {
        work_counter!(self, work);
        let end = self.lits.read_to(limit, h.len());
        let mut lit = self.lits.next(h, self.pos, end, work);
        loop {
            let Some((attr, len)) = lit else {
                // No literal starts in [pos, at).
                self.pos = self.pos.max(self.lits.at);
                return Next::None;
            };
            if attr >= limit {
                // Not passed: the next search starts with it.
                self.lits.hit = Some((attr, len));
                return Next::None;
            }
            let quote = attr + len;
            match tail::<EOF>(h, quote) {
                Tail::Valid(path) => {
                    self.pos = attr + 1;
                    return Next::Found(Candidate { attr, quote, path });
                }
                Tail::Invalid => {
                    self.pos = attr + 1;
                    lit = self.lits.after(h, self.pos, end, work);
                }
                Tail::Undecided => {
                    self.lits.hit = Some((attr, len));
                    return Next::Undecided;
                }
            }
        }
    }

    /// Moves `best` on to each later valid candidate whose literal starts before `end`,
    /// searching forward. Returns `false` if a tail runs past the window (undecided).
    #[inline(always)]
    fn forward<const EOF: bool>(&mut self, h: &[u8], end: usize, best: &mut Candidate) -> bool {
        loop {
            match self.next_candidate::<EOF>(h, end) {
                Next::Found(c) => *best = c,
                Next::None => return true,
                Next::Undecided => return false,
            }
        }
    }

    /// The last valid candidate whose literal starts in `[pos, end)`, looking back from
    /// `end` one `=` at a time.
    fn last_candidate<const EOF: bool>(&mut self, h: &[u8], end: usize) -> Next {
        let lo = self.pos;
        let mut hi = end;
        while hi > lo {
            let Some(i) = memrchr(b'=', &h[lo..hi]) else {
                work!(self, hi - lo);
                break;
            };
            let eq = lo + i;
            work!(self, hi - eq);
            hi = eq;
            let len = match literal_len(h, eq) {
                Some(len) if eq + 1 - len >= lo => len,
                _ => continue,
            };
            match tail::<EOF>(h, eq + 1) {
                Tail::Valid(path) => {
                    return Next::Found(Candidate {
                        attr: eq + 1 - len,
                        quote: eq + 1,
                        path,
                    })
                }
                Tail::Invalid => {}
                Tail::Undecided => return Next::Undecided,
            }
        }
        Next::None
    }

    /// What a streaming driver must keep after [`Step::NeedMore`]: the scanner needs
    /// no byte before `scan_from`, and a match, if one comes, starts at `run_start` and
    /// inserts before a group 4 that starts after `candidate` (the latest valid
    /// candidate's literal).
    ///
    /// Without `exact_start` the caller never reads a match's group 1 (it only inserts
    /// before group 4): a run left open at `h`'s end may then be recorded from its last
    /// `<` rather than its first, and `run_start` and a later match's group 1 start
    /// there. That spares a search back to the run's first `<` at each window's end.
    /// Which matches come, and their other spans, stay exact.
    #[allow(dead_code)]
    pub(crate) fn pending(&mut self, h: &[u8], exact_start: bool) -> Pending {
        match self.phase {
            Phase::Seek => {
                let to = self.pos.min(h.len());
                if self.checked < to {
                    if exact_start {
                        self.track::<false>(h, to);
                    } else {
                        #[cfg(target_arch = "x86_64")]
                        if self.avx2_step() {
                            self.track_open::<true>(h, to);
                        } else {
                            self.track_open::<false>(h, to);
                        }
                        #[cfg(not(target_arch = "x86_64"))]
                        self.track_open::<false>(h, to);
                    }
                }
                Pending {
                    scan_from: self.checked,
                    run_start: self.open,
                    candidate: None,
                }
            }
            Phase::InRun {
                start,
                best,
                gt_from,
            } => Pending {
                scan_from: self.pos.min(gt_from),
                run_start: Some(start),
                candidate: Some(best.attr),
            },
        }
    }

    /// For a driver that only inserts before group 4 and writes to a `Vec`, in place of
    /// [`Scanner::pending`] without `exact_start` in the seek phase: appends `h[done..]`
    /// up to where the scanner stands to `out` (nothing before it is kept then) and
    /// returns that offset, bringing the run state up to it in the same pass over the
    /// bytes (see [`probe::extend_rfind_angle`]). `None`, with nothing done, outside
    /// the seek phase or when the run state is up to date.
    #[cfg(feature = "alloc")]
    pub(crate) fn pending_writing(
        &mut self,
        h: &[u8],
        done: usize,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Option<usize> {
        let to = self.pos.min(h.len());
        let from = self.checked;
        if self.phase != Phase::Seek || from >= to || done > from {
            return None;
        }
        if done < from {
            crate::replace::extend(out, &h[done..from]);
        }
        #[cfg(target_arch = "x86_64")]
        let last = if self.avx2_step() {
            probe::extend_rfind_angle::<true>(out, h, from, to)
        } else {
            probe::extend_rfind_angle::<false>(out, h, from, to)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let last = probe::extend_rfind_angle::<false>(out, h, from, to);
        self.open_from_last(h, to, last);
        #[cfg(test)]
        {
            self.written += to - done;
        }
        Some(to)
    }

    /// For a streaming driver holding `held`, the bytes before `next`: whether they are
    /// decided and leave the scanner as it stands, so that the driver may write them
    /// out and scan `next` on its own. So they are when they only may begin `href=` or
    /// `src=` ([`literal_prefix_at_end`]; as most windows leave them held) and
    /// `next`'s first bytes do not complete one: they then hold no literal, no `<` nor
    /// `>`, and the scanner seeks with no literal at hand. `false` when `next` is too
    /// short to tell.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn seam_decided(&self, held: &[u8], next: &[u8]) -> bool {
        let k = held.len();
        if self.phase != Phase::Seek
            || self.lits.hit.is_some()
            || self.lits.copy.dst != 0
            || self.pos > k
            || self.checked > k
            || !(1..=4).contains(&k)
            || next.len() < 4
            || literal_prefix_at_end(held) != k
        {
            return false;
        }
        // The held bytes and the next 4: no literal may start among the held bytes (one
        // that does has its `=` among these, read as the scanner reads literals).
        let mut seam = [0u8; 8];
        seam[..k].copy_from_slice(held);
        seam[k..k + 4].copy_from_slice(&next[..4]);
        !(0..k + 4).any(|eq| {
            seam[eq] == b'=' && literal_len(&seam, eq).is_some_and(|len| eq + 1 - len < k)
        })
    }

    /// For a driver that only inserts before group 4 and writes to a `Vec`, at the
    /// start of a window `h` none of whose bytes is written yet: appends to `out` the
    /// window's leading bytes up to the first block with a pair whose tail may match,
    /// copied by the pass that searches them ([`Engine::copy_to_candidate`]), and
    /// moves the scanner past them with the run state at their end (from the last `<`
    /// or `>` before it, which the search finds among the bytes it copies), as if it
    /// had stepped over them. Returns how many bytes were appended:
    /// none without AVX2, unless the scanner stands at the window's start in the seek
    /// phase with no search at hand, or in a window shorter than [`SKIP_MIN`].
    ///
    /// When the search reaches the window's end with no such block, as in most windows,
    /// it has stopped 3 bytes before the end. Unless a literal ends in those 3 bytes
    /// (its tail runs past the window), no literal starts before the longest suffix
    /// that may begin one ([`literal_prefix_at_end`]): the bytes up to there are
    /// decided, appended too, and the window is done with ([`Skipped::finished`]),
    /// the scanner left where [`Scanner::step`] and then
    /// [`Scanner::pending_writing`] would leave it.
    ///
    /// Most chunks of real pages hold no link: they are then read from memory once,
    /// not once to scan and again to copy, as the one-shot driver's copying search
    /// does ([`Scanner::copy_to`]), and cost the general step nothing.
    #[cfg(feature = "alloc")]
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn skip_writing(&mut self, h: &[u8], out: &mut alloc::vec::Vec<u8>) -> Skipped {
        let none = Skipped {
            to: 0,
            finished: false,
        };
        if self.phase != Phase::Seek
            || (self.pos, self.checked) != (0, 0)
            || self.lits.hit.is_some()
            || self.lits.pairs.mask != 0
            || self.lits.copy.dst != 0
            || h.len() < SKIP_MIN
        {
            return none;
        }
        out.reserve(h.len());
        let len = out.len();
        let dst = out.as_mut_ptr().wrapping_add(len);
        // SAFETY: `reserve` made `out[len..len + h.len()]` spare capacity, apart from `h`.
        let Some((end, block, copied_angle)) =
            (unsafe { self.lits.engine.copy_to_candidate(h, 1, dst) })
        else {
            return none;
        };
        // At the window's end (the search stopped 3 bytes before it), with no literal
        // ending in the last 3 bytes, the scanner stops before the suffix that may begin
        // one. Otherwise a literal whose `=` lies at `end` or after may start up to 4
        // bytes before it, and the general step goes on from there.
        let n = h.len();
        let finished =
            block.is_none() && !(end..n).any(|eq| h[eq] == b'=' && literal_len(h, eq).is_some());
        let to = if finished {
            debug_assert_eq!(end, n - 3);
            n - literal_prefix_at_end(h)
        } else {
            end - 4
        };
        // The window's first byte, and its last 3 (the bytes the search did not read
        // past `end` at the window's end, which `to` may reach; elsewhere bytes that
        // `set_len` leaves out), in copies of a fixed size rather than a `memcpy` call.
        // SAFETY: `out[len + 1..len + end]` was written by the search, and
        // `out[len..len + 1]` and `out[len + n - 3..len + n]` are written here, within the
        // capacity reserved (`n >= SKIP_MIN`), apart from `h`; `to <= n`.
        unsafe {
            dst.write(h[0]);
            core::ptr::copy_nonoverlapping(h.as_ptr().add(n - 3), dst.add(n - 3), 3);
            debug_assert!(to <= end || end == n - 3);
            out.set_len(len + to);
        }
        // The run state at `to`, from the last `<` or `>` before it: among the window's
        // last bytes, else the search's (unless it lies in the 4 bytes before `end`,
        // past `to`: then searched for back from `to`, AVX2 being present), else the
        // window's first byte. With neither byte in the window, the state the window
        // started with goes on.
        let last = match h[end.min(to)..to].iter().rposition(|&x| x | 2 == b'>') {
            Some(k) => Some(end + k),
            None => match copied_angle {
                Some(a) if a < to => Some(a),
                Some(_) => probe::rfind_angle::<true>(h, 0, to),
                None => (h[0] | 2 == b'>').then_some(0),
            },
        };
        self.open_from_last(h, to, last);
        self.pos = to;
        self.lits.at = to;
        // The block it stopped at is the pair search's next, at hand: its pairs lie
        // at `end` or after.
        self.lits.pairs = Pairs::none_at(to);
        work_counter!(self, work);
        self.lits
            .pairs
            .found(block, &h[..block.map_or(end, |b| b.end)], 0, work);
        #[cfg(test)]
        {
            self.skipped += to;
        }
        Skipped { to, finished }
    }

    /// Moves the window `k` bytes on: the caller dropped its first `k` bytes. Offsets
    /// before `k` that the caller chose not to keep (a run's start, when it only
    /// inserts before group 4) are clamped to 0.
    #[allow(dead_code)]
    pub(crate) fn shift(&mut self, k: usize) {
        let sub = |x: &mut usize| *x = x.saturating_sub(k);
        sub(&mut self.pos);
        sub(&mut self.checked);
        self.lits.shift(k);
        if let Some(s) = &mut self.open {
            sub(s);
        }
        if let Phase::InRun {
            start,
            best,
            gt_from,
        } = &mut self.phase
        {
            sub(start);
            sub(&mut best.attr);
            sub(&mut best.quote);
            sub(&mut best.path);
            sub(gt_from);
        }
    }

    /// Brings the run state from `checked` up to `to` (Fact 3).
    #[inline(always)]
    fn track<const AVX2: bool>(&mut self, h: &[u8], to: usize) {
        // Nearly always the bytes just before `to` tell; else the last `>` and the `<`
        // after it are searched for.
        let (g, lt) = match probe::run_state::<AVX2>(h, self.checked, to) {
            Some(found) => found,
            None => {
                let g = rfind(b'>', h, self.checked, to);
                // No `<` is needed when no `>` comes and a run is open already.
                let lt = if g.is_some() || self.open.is_none() {
                    let from = g.map_or(self.checked, |g| g + 1);
                    let lt = first(b'<', h, from, to);
                    work!(self, lt.map_or(to, |s| s + 1) - from);
                    lt
                } else {
                    None
                };
                (g, lt)
            }
        };
        work!(self, to - g.unwrap_or(self.checked));
        self.open = self.open_at(g, lt);
        self.checked = to;
    }

    /// Brings the run state from `checked` up to `to` as [`track`](Scanner::track)
    /// does, except that an open run is recorded from its last `<` before `to`, not
    /// its first: the last `<` or `>` before `to` tells whether a run is open there,
    /// and one search back finds it. Which `<` of a run is recorded decides nothing
    /// but group 1's start: a later literal lies after all of them.
    fn track_open<const AVX2: bool>(&mut self, h: &[u8], to: usize) {
        let last = probe::rfind_angle::<AVX2>(h, self.checked, to);
        self.open_from_last(h, to, last);
    }

    /// Brings the run state from `checked` up to `to` from `last`, the last `<` or `>`
    /// in `h[checked..to]` ([`track_open`](Scanner::track_open) and
    /// [`pending_writing`](Scanner::pending_writing) find it).
    #[inline(always)]
    fn open_from_last(&mut self, h: &[u8], to: usize, last: Option<usize>) {
        work!(self, to - last.unwrap_or(self.checked));
        // With neither byte, the run open at `checked`, if any, goes on.
        if let Some(i) = last {
            self.open = (h[i] == b'<').then_some(i);
        }
        self.checked = to;
    }

    /// The run open at a point, from the last `>` before it since `checked` (`g`) and
    /// the first `<` after that `>` (or after `checked`) before the point (`lt`): after
    /// a `>`, the run that `lt` opens; with no `>`, the run open at `checked` goes on,
    /// or `lt` opens one.
    #[inline(always)]
    fn open_at(&self, g: Option<usize>, lt: Option<usize>) -> Option<usize> {
        match g {
            Some(_) => lt,
            None => self.open.or(lt),
        }
    }
}

#[cfg(test)]
#[path = "../tests/support/shapes.rs"]
mod shapes;

#[cfg(test)]
mod tests {
    use std::format;
    use std::vec;
    use std::vec::Vec;

    use super::*;

    use super::shapes;

    /// Without group 1's start (a driver that inserts before group 4), the run state
    /// at a window's end costs one search back to the last `<` or `>`, not one back to
    /// the last `>` and another on to the first `<` after it; the run is open either
    /// way, recorded from its last `<` instead of its first.
    #[test]
    fn pending_without_group_1_reads_back_to_the_last_angle_only() {
        let mut h = b"<p>".to_vec();
        h.extend(core::iter::repeat_n(b'x', 4000));
        h.extend_from_slice(b"<a <b yyyyyy");
        let (first, last) = (h.len() - 12, h.len() - 9);
        for engine in crate::literal::tests::engines() {
            for exact in [true, false] {
                let mut s = Scanner::new();
                s.lits.engine = engine;
                assert_eq!(s.step::<false>(&h), Step::NeedMore);
                let before = s.work;
                let p = s.pending(&h, exact);
                let work = s.work - before;
                assert_eq!(p.candidate, None);
                if exact {
                    assert_eq!(p.run_start, Some(first));
                    assert!(work >= 4000, "{engine:?}: {work}");
                } else {
                    assert_eq!(p.run_start, Some(last));
                    assert!(work <= 12, "{engine:?}: {work}");
                }
            }
        }
    }

    /// The copying search of a window's first bytes (`skip_writing`) runs only where a
    /// streaming driver calls it with nothing decided yet: at the window's start, in
    /// the seek phase, with no literal or block of pairs at hand, no copying search
    /// set, in 1 KiB or more. Anywhere else it leaves the scanner and the output as
    /// they are.
    #[test]
    #[cfg(feature = "alloc")]
    #[allow(unsafe_code)]
    fn skip_writing_runs_only_at_a_clean_window_start() {
        let avx2 = crate::literal::tests::engines().contains(&Engine::Avx2);
        let dots = vec![b'.'; 4096];
        let copies = |s: &mut Scanner, h: &[u8]| {
            let mut out = b"kept".to_vec();
            let before = (s.pos, s.checked, s.open, s.phase, s.lits.at);
            let n = s.skip_writing(h, &mut out).to;
            if n == 0 {
                assert_eq!(out, b"kept");
                assert_eq!((s.pos, s.checked, s.open, s.phase, s.lits.at), before);
            } else {
                assert_eq!(out[4..], h[..n]);
            }
            n
        };
        assert_eq!(copies(&mut Scanner::new(), &dots[..1023]), 0);
        assert_eq!(copies(&mut Scanner::new(), &dots[..1024]) > 0, avx2);
        assert_eq!(copies(&mut Scanner::new(), &dots) > 0, avx2);

        // A run with a candidate left open at a window's end, the window dropped.
        let mut s = Scanner::new();
        let h = b"<a href=/x and no end";
        assert_eq!(s.step::<false>(h), Step::NeedMore);
        s.shift(h.len());
        assert!(matches!(s.phase, Phase::InRun { .. }) && (s.pos, s.checked) == (0, 0));
        assert_eq!(copies(&mut s, &dots), 0);

        // Part of the window stepped over already.
        let mut s = Scanner::new();
        assert_eq!(s.step::<false>(&dots[..2000]), Step::NeedMore);
        assert!(s.phase == Phase::Seek && s.pos > 0 && s.lits.hit.is_none());
        assert_eq!(copies(&mut s, &dots), 0);

        // A literal at hand, its tail undecided at the previous window's end.
        let mut h = b"href=/".to_vec();
        let mut s = Scanner::new();
        assert_eq!(s.step::<false>(&h), Step::NeedMore);
        assert!(s.lits.hit.is_some() && (s.pos, s.checked) == (0, 0));
        h.extend_from_slice(&dots);
        assert_eq!(copies(&mut s, &h), 0);

        // A block of pairs at hand.
        let mut s = Scanner::new();
        s.lits.pairs.mask = 1 << 5;
        assert_eq!(copies(&mut s, &dots), 0);

        // The one-shot driver's copying search set.
        let mut s = Scanner::new();
        let mut buf = [0u8; 8];
        // SAFETY: with `limit == 0` nothing is written through the pointer.
        s.copy_to(unsafe { CopyTo::new(buf.as_mut_ptr(), 0, 0, 0..0) });
        assert_eq!(copies(&mut s, &dots), 0);
    }

    /// `seam_decided` lets bytes held go only when they are 1 to 4 bytes that may begin
    /// a literal, the next chunk's first 4 bytes do not complete one, and the scanner
    /// seeks from within them with no literal at hand and no copying search set.
    #[test]
    #[allow(unsafe_code)]
    fn seam_decided_only_for_a_literal_start_not_completed() {
        let s = Scanner::new();
        for (held, next, want) in [
            (&b"hr"[..], &b"xxxx"[..], true),
            (b"h", b"ref", false),
            (b"h", b"ref=", false),
            (b"h", b"rex=", true),
            (b"sr", b"c=/x", false),
            (b"src", b"=\"/\"", false),
            (b"href", b" x y", true),
            // A literal at the next chunk's start is the next chunk's to find.
            (b"s", b"src=", true),
            (b"hre", b"src=", true),
            (b"hre", b"f=xx", false),
            (b"ab", b"xxxx", false),
            (b"", b"xxxx", false),
            (b"xhref", b"=xxx", false),
        ] {
            assert_eq!(s.seam_decided(held, next), want, "{held:?} {next:?}");
        }
        // The scanner within the bytes held, or past them.
        let mut s = Scanner::new();
        (s.pos, s.checked) = (2, 2);
        assert!(s.seam_decided(b"hr", b"xxxx"));
        (s.pos, s.checked) = (3, 2);
        assert!(!s.seam_decided(b"hr", b"xxxx"));
        (s.pos, s.checked) = (2, 3);
        assert!(!s.seam_decided(b"hr", b"xxxx"));
        // A run with a candidate, a literal at hand, a copying search set.
        let mut s = Scanner::new();
        assert_eq!(s.step::<false>(b"<a href=/x and no end"), Step::NeedMore);
        s.shift(21);
        assert!(matches!(s.phase, Phase::InRun { .. }));
        assert!(!s.seam_decided(b"hr", b"xxxx"));
        let mut s = Scanner::new();
        assert_eq!(s.step::<false>(b"href=/"), Step::NeedMore);
        assert!(s.lits.hit.is_some() && (s.pos, s.checked) == (0, 0));
        assert!(!s.seam_decided(b"hr", b"xxxx"));
        let mut s = Scanner::new();
        let mut buf = [0u8; 8];
        // SAFETY: with `limit == 0` nothing is written through the pointer.
        s.copy_to(unsafe { CopyTo::new(buf.as_mut_ptr(), 0, 0, 0..0) });
        assert!(!s.seam_decided(b"hr", b"xxxx"));
    }

    /// `skip_writing` leaves the run state of the bytes before where it stops: open
    /// from the last `<` when that comes after the last `>`, closed after a `>`, as it
    /// was with neither. Wherever the last of them lies against the search's blocks:
    /// among the bytes copied, just before the literal it stops at (past that point,
    /// among the bytes the search read), in the window's first byte or last bytes.
    #[test]
    #[cfg(feature = "alloc")]
    fn skip_writing_leaves_the_run_state_where_it_stops() {
        let avx2 = crate::literal::tests::engines().contains(&Engine::Avx2);
        let mut stopped = 0;
        for len in 1024..1100 {
            for (before, end) in [
                (&b">"[..], &b"src=/x>"[..]),
                (b"<", b"src=/x>"),
                (b"> <", b"href=/x>"),
                (b"<a>", b" href=x "),
                (b"", b"..<"),
                (b"", b".>h"),
                (b"", b"..."),
            ] {
                for (first, mid) in [(b'.', b'<'), (b'<', b'.'), (b'>', b'.'), (b'<', b'>')] {
                    let mut h = vec![b'.'; len];
                    h[0] = first;
                    h[len / 2] = mid;
                    let cut = len - before.len();
                    h[cut..].copy_from_slice(before);
                    h.extend_from_slice(end);
                    for open in [None, Some(0)] {
                        let mut s = Scanner::new();
                        s.open = open;
                        let mut out = Vec::new();
                        let to = s.skip_writing(&h, &mut out).to;
                        if to == 0 {
                            assert!(!avx2);
                            continue;
                        }
                        stopped += usize::from(to < h.len() - 4);
                        let want = match h[..to].iter().rposition(|&b| b | 2 == b'>') {
                            Some(i) => (h[i] == b'<').then_some(i),
                            None => open,
                        };
                        let ctx = std::string::String::from_utf8_lossy(&h).into_owned();
                        assert_eq!((s.open, s.checked, s.pos), (want, to, to), "{ctx}");
                    }
                }
            }
        }
        assert!(!avx2 || stopped > 0);
    }

    /// Scans `h` to the end; returns the matches and the bytes examined.
    fn run(h: &[u8]) -> (usize, usize) {
        let mut s = Scanner::new();
        let mut n = 0;
        while let Step::Match(_) = s.step::<true>(h) {
            n += 1;
        }
        (n, s.work)
    }

    /// The matches of `h` from the slice driver's batches of `size`, with the pair
    /// search `e`; how many of them the quick path made, and the work done.
    fn in_batches(e: Engine, h: &[u8], size: usize) -> (Vec<Match>, usize, usize) {
        let mut s = Scanner::new();
        s.lits.engine = e;
        let mut v = Vec::new();
        let mut out = vec![Match::new(0, 0, 4, 4); size];
        loop {
            let (n, done) = s.find_batch(h, &mut out);
            v.extend_from_slice(&out[..n]);
            if done {
                return (v, s.quick, s.work);
            }
            assert_eq!(n, size, "a batch that is not the last is full");
        }
    }

    /// Linear time, shown by counting work: on every adversarial shape the bytes
    /// examined stay under a small constant times the input length, at 1 MB and 10 MB.
    #[test]
    fn work_is_linear_on_adversarial_shapes() {
        for name in shapes::SHAPES {
            let small = shapes::shape(name, 1 << 20);
            let big = shapes::shape(name, 10 << 20);
            let (_, w_small) = run(&small);
            let (_, w_big) = run(&big);
            // The slice driver's batches, whose quick path counts its own work.
            let (_, _, b_small) = in_batches(Engine::detect(), &small, 16);
            let (_, _, b_big) = in_batches(Engine::detect(), &big, 16);
            assert!(
                b_small <= 6 * small.len() && b_big <= 6 * big.len(),
                "{name}: batches examined {b_small} bytes for 1 MB, {b_big} for 10 MB"
            );
            assert!(
                b_small + 8 >= small.len() && b_big + 8 >= big.len() && b_big <= 11 * b_small,
                "{name}: batches examined {b_small} bytes for 1 MB, {b_big} for 10 MB"
            );
            assert!(
                w_small <= 6 * small.len() && w_big <= 6 * big.len(),
                "{name}: {w_small} bytes examined for 1 MB, {w_big} for 10 MB"
            );
            // And the count is honest: every byte is looked at by some search.
            assert!(
                w_small + 8 >= small.len() && w_big + 8 >= big.len(),
                "{name}: only {w_small} bytes examined for 1 MB, {w_big} for 10 MB"
            );
            assert!(
                w_big <= 11 * w_small,
                "{name}: 10 MB took {w_big} units, 1 MB {w_small}"
            );
        }
    }

    /// The work counter counts: a haystack with nothing to find costs one pass (the
    /// pair search starts at offset 3, where the first `=` of a literal can be).
    #[test]
    fn work_counter_counts() {
        let h = [b'x'; 1000];
        let (_, w) = run(&h);
        assert_eq!(w, 997);
        let (n, w) = run(b"<a href=/x>");
        assert_eq!(n, 1);
        assert!(w > 0);
    }

    /// The matches of `h` with the pair search `e`, the scanner fed the windows
    /// `h[..end]` for each `end` of `ends` in turn (the last one `h.len()`, with `eof`).
    fn in_windows(e: Engine, h: &[u8], ends: impl IntoIterator<Item = usize>) -> Vec<Match> {
        let mut s = Scanner::new();
        s.lits.engine = e;
        let mut v = Vec::new();
        for end in ends {
            loop {
                let step = if end == h.len() {
                    s.step::<true>(&h[..end])
                } else {
                    s.step::<false>(&h[..end])
                };
                match step {
                    Step::Match(m) => v.push(m),
                    _ => break,
                }
            }
        }
        v
    }

    /// The scanner's own state machine gives the same answers when the window grows a
    /// byte at a time (`eof = false`) as when it sees everything at once.
    #[test]
    fn need_more_then_resume_equals_one_shot() {
        let mut inputs: Vec<Vec<u8>> = shapes::SHAPES
            .iter()
            .map(|s| shapes::shape(s, 3000))
            .collect();
        inputs.push(shapes::page(7, 5000));
        inputs.push(b"<a href=>/<b href=/x> <a src=/x src=//y> <c href=/\n".to_vec());
        for h in &inputs {
            let want = in_windows(Engine::detect(), h, [h.len()]);
            assert_eq!(in_windows(Engine::detect(), h, 0..=h.len()), want);
        }
    }

    /// Every pair search engine, and the step compiled with and without AVX2, give
    /// the same matches as the engine this processor picks (the one the oracle tests
    /// check), one-shot and a few bytes at a time.
    #[test]
    fn every_engine_gives_the_same_matches() {
        let inputs = shapes_and_pages();
        let mut total = 0;
        for h in &inputs {
            let want = in_windows(Engine::detect(), h, [h.len()]);
            total += want.len();
            for e in crate::literal::tests::engines() {
                // The AVX2 step runs with the AVX2 engine only.
                #[cfg(target_arch = "x86_64")]
                {
                    let mut s = Scanner::new();
                    s.lits.engine = e;
                    assert_eq!(s.avx2_step(), e.has_avx2());
                }
                assert_eq!(in_windows(e, h, [h.len()]), want, "{e:?}");
                let windows = (4096..h.len()).step_by(4096).chain([h.len()]);
                assert_eq!(in_windows(e, h, windows), want, "{e:?} in 4 KiB windows");
            }
        }
        assert!(total > 2_000, "{total} matches");
    }

    /// Every adversarial shape (20 KB) and four generated pages (50 KB).
    fn shapes_and_pages() -> Vec<Vec<u8>> {
        let shapes = shapes::SHAPES.iter().map(|s| shapes::shape(s, 20_000));
        let pages = (0..4).map(|seed| shapes::page(seed, 50_000));
        shapes.chain(pages).collect()
    }

    /// The slice driver's batches, quick path and all, give the step's matches with
    /// every pair search and batch size; on markup like real pages' the quick path
    /// makes nearly all of them, and hands the others back to the general step.
    #[test]
    fn batches_give_the_steps_matches() {
        let mut inputs = shapes_and_pages();
        // Markup as real pages write it, where the quick path makes nearly every match:
        // the `>` before a literal and the one after it lie within its reach.
        let snippets = [
            "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/docs/start\" title=\"Getting started with the toolkit, step by step\">Docs</a></li>\n",
            "<p>Read the <a href=\"/blog/2024/06/release-notes\">release notes</a> and the <a href=\"https://example.org/spec\">spec</a>, then",
            " try it out in the playground, which runs the examples of this page.</p>\n",
            "<img src=\"/static/img/logo.png\" alt=\"The project's logo, a gopher holding a chart\" width=\"120\" height=\"40\" loading=\"lazy\">\n",
            "<script src=\"/static/js/app.min.js\" defer></script><link rel=\"stylesheet\" href=\"/static/css/site.css\">\n",
            "<a href=\"//cdn.example.org/a.js\">cdn</a> <a href=\"#top\">top</a> <a href=/plain>plain</a>\n",
        ];
        let markup: Vec<u8> = (0..400)
            .flat_map(|i: usize| snippets[(i * 7 + i / 6) % snippets.len()].bytes())
            .collect();
        inputs.push(markup.clone());
        inputs.push(b"<a href=>/<b href=/x> <a src=/x src=//y> <c href=/\n".to_vec());
        // Every kind of tail, in blocks whose tails the AVX2 search checks.
        inputs.push(
            b"<a href=//x> <b src=\"//y\"> <c href=/z> <d src='/w'> <e href=\n/x> ".repeat(9),
        );
        // A `>` far from the literal on either side, and nearer than the quick path's
        // reach, and a literal with no `>` after it.
        for gap in [10, 70, 200, 250, 300, 600] {
            let pad = "y".repeat(gap);
            let h = format!("<p>{pad}<a href=\"/x\" {pad}>t</a> {pad} <img src=/i {pad}");
            inputs.push(h.into_bytes());
        }
        for e in crate::literal::tests::engines() {
            for (k, h) in inputs.iter().enumerate() {
                let want = in_windows(e, h, [h.len()]);
                for size in [1, 3, 16] {
                    let (got, quick, _) = in_batches(e, h, size);
                    assert_eq!(got, want, "{e:?}, input {k}, batches of {size}");
                    assert!(quick <= got.len());
                    if *h == markup {
                        assert!(
                            quick * 10 >= got.len() * 9 && got.len() > 300,
                            "{e:?}: {quick} of {} matches by the quick path",
                            got.len()
                        );
                    }
                }
            }
        }
    }

    /// Every byte value, in every position of the tail, against the rule written out.
    #[test]
    fn tail_table() {
        for b0 in 0..=255u8 {
            for b1 in 0..=255u8 {
                for b2 in [b'/', b'x', b'\n'] {
                    let h = [b0, b1, b2];
                    let want = if b0 != b'\n' && b1 == b'/' && b2 != b'/' {
                        Tail::Valid(1)
                    } else if b0 == b'/' && b1 != b'/' {
                        Tail::Valid(0)
                    } else {
                        Tail::Invalid
                    };
                    assert_eq!(tail::<true>(&h, 0), want, "{h:?}");
                }
            }
        }
        assert_eq!(tail::<false>(b"/", 0), Tail::Undecided);
        assert_eq!(tail::<false>(b"\"/", 0), Tail::Undecided);
        assert_eq!(tail::<true>(b"\"/", 0), Tail::Invalid);
        assert_eq!(tail::<false>(b"/x", 0), Tail::Valid(0));
    }

    /// Every string of up to six bytes over the literals' letters (and two others):
    /// the longest suffix, four bytes at most, that begins a literal.
    #[test]
    fn literal_prefix_at_end_is_the_longest_suffix_beginning_a_literal() {
        let letters = b"hrefsc=x";
        let mut counts = [0usize; 5];
        for len in 0..=6u32 {
            for mut code in 0..8usize.pow(len) {
                let t: Vec<u8> = (0..len)
                    .map(|_| {
                        let b = letters[code % 8];
                        code /= 8;
                        b
                    })
                    .collect();
                let want = (0..=t.len().min(4))
                    .filter(|&k| {
                        let end = &t[t.len() - k..];
                        b"href=".starts_with(end) || b"src=".starts_with(end)
                    })
                    .max()
                    .unwrap_or(0);
                assert_eq!(literal_prefix_at_end(&t), want, "{t:?}");
                counts[want] += 1;
            }
        }
        assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
    }
}
