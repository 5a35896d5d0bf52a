//! The regex's semantics, written once: a resumable scanner that yields the matches
//! of `(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])` from a window of input.
//!
//! # How the regex matches
//!
//! `\s` holds no `>`, so group 1 is `<` and then any bytes but `>`: a match starts at a
//! `<` and its literal lies before the next `>` (or the end). Matching is
//! leftmost-first and `[^>]*` greedy, so from a given `<` the regex takes the **last**
//! literal before that `>` whose tail `(.?)(\/[^\/])` matches (`.?` takes a byte when
//! it can, and `.` is any byte but `\n`). A later `<` before the same `>` sees fewer
//! literals than the first one, so it can only match if the first did. Hence:
//!
//! - a *run* starts at the first `<` at or after where the search resumes with no `>`
//!   between, and ends at the next `>`;
//! - its match, if any, takes the run's last *candidate* (a literal whose tail
//!   matches) for groups 2 to 4, and the run's `<` for the start of group 1;
//! - the search resumes after the match, which may end past the `>`; a run without
//!   candidates matches nothing.
//!
//! # How the scanner finds them
//!
//! The pair search ([`Search::find_block`]) proposes the `=` of candidates in order;
//! each is checked here, then placed against the runs by looking back at the `<` and
//! `>` between it and the previous candidate only ([`Search::last_run`]), so every
//! byte is read a bounded number of times: linear time, whatever the input.
//!
//! The scanner never writes output: the drivers (`find`, `replace`, `stream`) do.

use crate::literal::{Block, Engine, Run, Search, Task};
use crate::Match;

/// A literal whose tail matches: groups 2 to 4 of a match, if its run has no later
/// one. Offsets into the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Candidate {
    attr: usize,
    quote: usize,
    path: usize,
}

/// The candidate whose `=` is `h[eq]`, if there is one: `href=` or `src=` ending
/// there and the tail matching after it. The tail reads at most three bytes past
/// `eq`; those missing count as the end of the input.
#[inline(always)]
fn candidate(h: &[u8], eq: usize) -> Option<Candidate> {
    let before = &h[..eq];
    let attr = if before.ends_with(b"href") {
        eq - 4
    } else if before.ends_with(b"src") {
        eq - 3
    } else {
        return None;
    };
    let quote = eq + 1;
    // `.?` takes one byte (not `\n`) if `/` and a byte other than `/` follow it, and
    // none otherwise.
    let path = match h.get(quote..quote + 3) {
        Some(&[q, b'/', x]) if q != b'\n' && x != b'/' => quote + 1,
        _ => match h.get(quote..quote + 2) {
            Some(&[b'/', x]) if x != b'/' => quote,
            _ => return None,
        },
    };
    Some(Candidate { attr, quote, path })
}

/// The length of the longest end of `h` that begins `href` or `src` (0 to 4).
fn literal_prefix(h: &[u8]) -> usize {
    match h.last() {
        Some(b'f') if h.ends_with(b"href") => 4,
        Some(b'e') if h.ends_with(b"hre") => 3,
        Some(b'c') if h.ends_with(b"src") => 3,
        Some(b'r') if h.ends_with(b"hr") || h.ends_with(b"sr") => 2,
        Some(b'h' | b's') => 1,
        _ => 0,
    }
}

/// The resumable scanner, over a window of input that may grow at its end and lose
/// bytes at its start ([`Scanner::shift`]) between calls.
#[derive(Clone, Debug)]
pub(crate) struct Scanner {
    engine: Engine,
    /// No match starts before `pos` (the end of the last match).
    /// INVARIANT: `pos <= known`.
    pos: usize,
    /// `open` is the state of the runs at `known`: every candidate before `known` has
    /// been placed.
    known: usize,
    /// The `<` of the run open at `known`: the first `<` at or after `pos` with no `>`
    /// after it before `known`.
    open: Option<usize>,
    /// The open run's last candidate so far. INVARIANT: `Some` only with `open`.
    best: Option<Candidate>,
    /// A candidate found after the `>` that decided the last match, placed next.
    next: Option<Candidate>,
    /// Pairs found and not yet checked.
    block: Block,
    /// Where the pair search resumes: every `=` before it was checked, or is in `block`.
    from: usize,
    /// `h[quiet..from]` holds no `<` or `>` (the pair search saw them).
    quiet: usize,
}

impl Scanner {
    /// A scanner at the start of its input, with the fastest engine.
    pub(crate) fn new() -> Scanner {
        Scanner::with_engine(Engine::detect())
    }

    pub(crate) fn with_engine(engine: Engine) -> Scanner {
        Scanner {
            engine,
            pos: 0,
            known: 0,
            open: None,
            best: None,
            next: None,
            block: Block::default(),
            from: 0,
            quiet: 0,
        }
    }

    /// The next match in `h`, or `None` when there is none that `h` decides. With
    /// `eof`, `h` is the whole rest of the input; without, more may follow, and a match
    /// is returned only once no byte to come can change it.
    #[inline]
    pub(crate) fn next_match(&mut self, h: &[u8], eof: bool) -> Option<Match> {
        self.engine.run(NextMatch(self, h, eof))
    }

    /// [`next_match`](Scanner::next_match) with the searches of `s`.
    #[inline(always)]
    fn next_match_with<S: Search>(&mut self, s: S, h: &[u8], eof: bool) -> Option<Match> {
        // The tail of a `=` before `to` lies in `h`, or the input ends there.
        let to = if eof {
            h.len()
        } else {
            h.len().saturating_sub(3)
        };
        while let Some(c) = self.next_candidate(s, h, to) {
            if let Some(m) = self.place(s, h, c.attr) {
                self.next = Some(c);
                return Some(m);
            }
            if self.open.is_some() {
                self.best = Some(c);
            }
        }
        // Every candidate before `end` is placed: those still to come have their `=`
        // in `h[to..]` or in bytes to come, and start four bytes at most before a `=`
        // in `h`, or where the end of `h` begins a literal.
        let end = if eof {
            h.len()
        } else {
            let held = h[to..].iter().position(|&b| b == b'=');
            let held = held.map_or(h.len(), |i| (to + i).saturating_sub(4));
            held.min(h.len() - literal_prefix(h))
        };
        if let Some(m) = self.place(s, h, end) {
            return Some(m);
        }
        if eof {
            // The run never closes: its last candidate is final.
            let c = self.best.take()?;
            let lt = self.open.take().expect("a candidate lies in an open run");
            return Some(self.matched(lt, c, self.known));
        }
        None
    }

    /// Where the bytes whose output is still undecided start, after
    /// [`next_match`](Scanner::next_match) returned `None` without `eof`. A driver
    /// that writes each match's group 1 (`whole_run`) must keep the open run; one that
    /// only inserts before group 4 need keep neither the run nor its last candidate's
    /// bytes before group 4.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn undecided(&self, whole_run: bool) -> usize {
        match (self.open, self.best) {
            (Some(lt), _) if whole_run => lt,
            (_, Some(c)) => c.path.min(self.known),
            _ => self.known,
        }
    }

    /// Forgets the first `k` bytes of the window, at most
    /// [`undecided`](Scanner::undecided)`(false)`: offsets move `k` down. Offsets of
    /// bytes forgotten become 0, which only a driver that inserts before group 4 may
    /// see, in the match's groups 1 to 3.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn shift(&mut self, k: usize) {
        let down = |x: &mut usize| *x = x.saturating_sub(k);
        down(&mut self.pos);
        down(&mut self.known);
        down(&mut self.from);
        down(&mut self.quiet);
        if let Some(lt) = &mut self.open {
            down(lt);
        }
        if let Some(c) = &mut self.best {
            down(&mut c.attr);
            down(&mut c.quote);
            down(&mut c.path);
        }
        debug_assert!(self.next.is_none() && self.block.mask == 0);
        self.block = Block::default();
    }

    /// The next candidate that may start a match (its literal at or after `pos`), with
    /// its `=` before `to`.
    #[inline(always)]
    fn next_candidate<S: Search>(&mut self, s: S, h: &[u8], to: usize) -> Option<Candidate> {
        if let Some(c) = self.next.take() {
            if c.attr >= self.pos {
                return Some(c);
            }
        }
        loop {
            while self.block.mask != 0 {
                let eq = self.block.base + self.block.mask.trailing_zeros() as usize;
                self.block.mask &= self.block.mask - 1;
                match candidate(h, eq) {
                    Some(c) if c.attr >= self.pos => return Some(c),
                    _ => {}
                }
            }
            let b = s.find_block(h, self.from, to);
            if b.quiet > self.from {
                // Else the angle-free bytes before `from` run on to `b.end`.
                self.quiet = b.quiet;
            }
            (self.block, self.from) = (b, b.end.max(self.from));
            if b.mask == 0 {
                return None;
            }
        }
    }

    /// Moves the state of the runs from `known` to `to`; or, if a `>` on the way
    /// closes a run with a candidate, returns its match and moves the state past the
    /// match and that `>` only.
    #[inline(always)]
    fn place<S: Search>(&mut self, s: S, h: &[u8], to: usize) -> Option<Match> {
        if to <= self.known {
            return None;
        }
        // The state does not change over `h[quiet..from]`, which holds no `<` or `>`:
        // look back over the bytes on either side of it only.
        let (free, tail) = (self.quiet.max(self.known), self.from.min(to));
        let run = if let Some(run) = self.block.run_within(self.known, to) {
            // Within the block the search found: its angle bits say it.
            run
        } else if free < tail {
            let after = s.last_run(h, tail, to);
            if after.gt.is_some() {
                after
            } else {
                let before = s.last_run(h, self.known, free);
                Run {
                    gt: before.gt,
                    lt: before.lt.or(after.lt),
                }
            }
        } else {
            s.last_run(h, self.known, to)
        };
        if let (Some(c), Some(gt)) = (self.best, run.gt) {
            // The `>` closed the run (the first one did, the last one at the latest).
            let lt = self.open.take().expect("a candidate lies in an open run");
            self.best = None;
            return Some(self.matched(lt, c, gt + 1));
        }
        if run.gt.is_some() || self.open.is_none() {
            self.open = run.lt;
        }
        self.known = to;
        None
    }

    /// The match of the run from `lt` with its last candidate `c`; the search resumes
    /// after it, with no run open and the runs known up to `known` (or the end of the
    /// match, if later). Any `<` between the run's end and `known` begins a run
    /// closed before `known`, with no candidate.
    fn matched(&mut self, lt: usize, c: Candidate, known: usize) -> Match {
        let m = Match::new(lt, c.attr, c.quote, c.path);
        self.pos = m.end();
        self.known = known.max(self.pos);
        m
    }
}

/// [`Scanner::next_match`] as a [`Task`].
struct NextMatch<'s, 'h>(&'s mut Scanner, &'h [u8], bool);

impl Task for NextMatch<'_, '_> {
    type Output = Option<Match>;

    #[inline(always)]
    fn run<S: Search>(self, s: S) -> Option<Match> {
        self.0.next_match_with(s, self.1, self.2)
    }
}

#[cfg(test)]
#[path = "../tests/support/shapes.rs"]
mod shapes;

#[cfg(test)]
mod tests {
    use std::vec::Vec;

    use super::*;
    use crate::literal::tests::engines;

    /// The matches of `h` fed in windows ending at `ends` (then the rest), shifted as a
    /// streaming driver shifts them; offsets in the whole input.
    fn in_windows(e: Engine, h: &[u8], ends: &[usize], whole_run: bool) -> Vec<Match> {
        let mut s = Scanner::with_engine(e);
        let (mut out, mut start) = (Vec::new(), 0);
        for &end in ends.iter().chain([&h.len()]) {
            let end = end.clamp(start, h.len());
            let w = &h[start..end];
            let eof = end == h.len();
            while let Some(m) = s.next_match(w, eof) {
                out.push(m.offset(start));
            }
            if !eof {
                let k = s.undecided(whole_run);
                s.shift(k);
                start += k;
            }
        }
        out
    }

    fn inputs() -> Vec<Vec<u8>> {
        // Miri runs a fraction, slowly.
        let len = if cfg!(miri) { 200 } else { 3000 };
        let mut v: Vec<Vec<u8>> = shapes::SHAPES
            .iter()
            .map(|s| shapes::shape(s, len))
            .collect();
        v.push(shapes::page(7, len * 2));
        v.push(b"<a href=>/x <b src=/<c href=></<d src=\"/y\"> <e <f href=/z".to_vec());
        v
    }

    /// Every engine, in one window or many, gives the one-shot matches of the
    /// portable engine; windows keep the run whole, or only what an insertion needs
    /// (then groups before group 4 may have been forgotten).
    #[test]
    fn windows_and_engines_agree() {
        let mut total = 0;
        for h in inputs() {
            let want = in_windows(Engine::Portable, &h, &[], true);
            total += want.len();
            for e in engines() {
                assert_eq!(in_windows(e, &h, &[], true), want, "{e:?}");
                let sizes: &[usize] = if cfg!(miri) {
                    &[1, 7, 64]
                } else {
                    &[1, 2, 3, 5, 64, 1000]
                };
                for &size in sizes {
                    let ends: Vec<usize> = (size..h.len()).step_by(size).collect();
                    assert_eq!(in_windows(e, &h, &ends, true), want, "{e:?} {size}");
                    let paths = |v: Vec<Match>| v.iter().map(|m| m.path()).collect::<Vec<_>>();
                    let got = in_windows(e, &h, &ends, false);
                    assert_eq!(paths(got), paths(want.clone()), "{e:?} {size}");
                }
            }
        }
        assert!(total > if cfg!(miri) { 10 } else { 150 }, "{total}");
    }

    /// The tail rules, one by one, at the end of the input and before more bytes.
    #[test]
    fn candidate_tails() {
        let path =
            |h: &[u8]| candidate(h, h.iter().position(|&b| b == b'=').unwrap()).map(|c| c.path);
        assert_eq!(path(b"href=\"/x"), Some(6));
        assert_eq!(path(b"href=/x"), Some(5));
        assert_eq!(path(b"src=//x"), Some(5)); // `.` is the first `/`
        assert_eq!(path(b"src=//"), None);
        assert_eq!(path(b"src=\"//x"), None);
        assert_eq!(path(b"src=\n/x"), None); // `.` is not `\n`
        assert_eq!(path(b"src=/\n"), Some(4)); // `[^\/]` is
        assert_eq!(path(b"src=/"), None);
        assert_eq!(path(b"src=x/"), None);
        assert_eq!(path(b"rc=/x"), None);
        assert_eq!(path(b"hre=/x"), None);
    }

    #[test]
    fn literal_prefix_is_the_longest_end_beginning_a_literal() {
        for (h, n) in [
            (&b""[..], 0),
            (b"x", 0),
            (b"h", 1),
            (b"xhr", 2),
            (b"hre", 3),
            (b"href", 4),
            (b"href=", 0),
            (b"s", 1),
            (b"asr", 2),
            (b"src", 3),
            (b"hsrc", 3),
            (b"srch", 1),
            (b"rc", 0),
        ] {
            assert_eq!(literal_prefix(h), n, "{h:?}");
        }
    }
}
