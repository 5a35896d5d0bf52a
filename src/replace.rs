//! Rewriting: [`Replacer`], [`Sink`], [`Captures`] and the one-shot entry points.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::literal::{Block, Engine};
use crate::scan::{Batch, CopyTo, Scanner, Step};
use crate::template::{self, Piece};
use crate::{find_iter, Match};

/// Where rewritten bytes go.
///
/// Implemented for `Vec<u8>` (appends), for every `FnMut(&[u8])`, and, with the `std`
/// feature, by [`IoSink`](crate::IoSink) for any `std::io::Write`. Writing cannot fail
/// here: a sink that can fail keeps its first error for its owner to collect, as
/// `IoSink` does.
///
/// # Examples
///
/// ```
/// use rootrel::Sink;
///
/// let mut pieces = 0;
/// let mut sink = |bytes: &[u8]| pieces += usize::from(!bytes.is_empty());
/// sink.write(b"<a href=");
/// sink.write(b"");
/// assert_eq!(pieces, 1);
///
/// let mut v = Vec::new();
/// v.write(b"abc");
/// assert_eq!(v, b"abc");
/// ```
pub trait Sink {
    /// Takes the next bytes of output.
    fn write(&mut self, bytes: &[u8]);

    /// The `Vec` this sink appends to, if it is one (`None` by default). A one-shot
    /// rewrite into a `Vec` lets the search for the literals write the bytes between
    /// links to their place in it as it reads them, rather than copying them after.
    ///
    /// # Examples
    ///
    /// ```
    /// use rootrel::Sink;
    ///
    /// let mut v = Vec::new();
    /// assert!(v.as_vec_mut().is_some());
    /// assert!((&mut |_: &[u8]| {}).as_vec_mut().is_none());
    /// ```
    #[inline]
    fn as_vec_mut(&mut self) -> Option<&mut Vec<u8>> {
        None
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        extend(self, bytes);
    }

    #[inline]
    fn as_vec_mut(&mut self) -> Option<&mut Vec<u8>> {
        Some(self)
    }
}

impl Sink for &mut Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        extend(self, bytes);
    }

    #[inline]
    fn as_vec_mut(&mut self) -> Option<&mut Vec<u8>> {
        Some(self)
    }
}

/// Appends `bytes` to `v` in one copy, or in pieces of at most 1 KiB when the copy
/// would start 1 to 63 bytes after the source's address modulo 4096.
///
/// glibc's `memcpy` moves 2 KiB or more with `rep movsb`, on most processors the
/// fastest copy there is, except that some (AMD Zen 3 here) run it at a quarter of its
/// speed when the destination lies just after the source modulo 4096: loads then wait
/// on stores to addresses they appear to alias. Pieces of 1 KiB go through glibc's
/// vector loop, which avoids that but is slower elsewhere. Copying the real corpus in
/// 4 KiB pieces (AMD EPYC, glibc 2.36): 8.1–11.7 GB/s in one copy at most distances,
/// 1.9–2.8 GB/s at 1 to 31 bytes; 5.3–8.4 GB/s in 1 KiB pieces below 256 bytes,
/// 8.2–11.5 GB/s above. A rewrite meets short distances often: each insertion moves
/// the output a few bytes further from the input, and large buffers from the allocator
/// start at the same offset within a page.
#[inline]
#[allow(unsafe_code)]
pub(crate) fn extend(v: &mut Vec<u8>, bytes: &[u8]) {
    v.reserve(bytes.len());
    let len = v.len();
    // SAFETY: `reserve` made room for `bytes` after `len`, and `v` does not overlap
    // `bytes` (one is borrowed mutably, the other shared); they are then written.
    unsafe {
        copy_spare(bytes, v.as_mut_ptr().add(len));
        v.set_len(len + bytes.len());
    }
}

/// Appends `window[from..at]` and then `ins` to `out`: a match's insertion, the
/// bytes before it first, for a driver that inserts into a `Vec`. A gap of up to 64
/// bytes goes in one copy of that fixed size, rather than a `memcpy` call whose path
/// depends on the gap's length (the gaps between links vary from match to match).
#[inline(always)]
#[allow(unsafe_code)]
pub(crate) fn insert_into(out: &mut Vec<u8>, window: &[u8], from: usize, at: usize, ins: &[u8]) {
    let gap = &window[from..at];
    out.reserve(gap.len() + ins.len() + 64);
    let len = out.len();
    // SAFETY: `reserve` made room for the gap, `ins` and 64 bytes more after `len`,
    // apart from `window` and `ins` (`out` is borrowed mutably); the fixed-size copy
    // reads `window[from..from + 64]`, within `window`, and writes within that room;
    // the bytes up to `len + gap.len() + ins.len()` are then written.
    unsafe {
        let dst = out.as_mut_ptr().add(len);
        if gap.len() <= 64 && from + 64 <= window.len() {
            core::ptr::copy_nonoverlapping(window.as_ptr().add(from), dst, 64);
        } else {
            copy_spare(gap, dst);
        }
        core::ptr::copy_nonoverlapping(ins.as_ptr(), dst.add(gap.len()), ins.len());
        out.set_len(len + gap.len() + ins.len());
    }
}

/// Copies `bytes` to `dst` as [`extend`] does: in 1 KiB pieces when `dst` lies just
/// after `bytes` modulo 4096.
///
/// # Safety
///
/// `dst .. dst + bytes.len()` must be valid for writes and apart from `bytes`.
#[inline]
#[allow(unsafe_code)]
unsafe fn copy_spare(bytes: &[u8], dst: *mut u8) {
    if just_after(dst as usize, bytes.as_ptr() as usize) {
        for (i, piece) in bytes.chunks(1024).enumerate() {
            // SAFETY: the caller's promise, for a part of `bytes`.
            unsafe {
                core::ptr::copy_nonoverlapping(piece.as_ptr(), dst.add(i * 1024), piece.len())
            };
        }
    } else {
        // SAFETY: the caller's promise.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len()) };
    }
}

/// Whether the address `dst` lies 1 to 63 bytes after `src` modulo 4096 (see
/// [`extend`]).
#[inline]
fn just_after(dst: usize, src: usize) -> bool {
    (1..64).contains(&(dst.wrapping_sub(src) % 4096))
}

impl<F: FnMut(&[u8])> Sink for F {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self(bytes)
    }
}

/// One match together with the bytes it was found in, handed to a [`Replacer`].
///
/// `'h` is the lifetime of those bytes: the haystack of a one-shot call, or the
/// streaming [`Rewriter`](crate::Rewriter)'s window of undecided input.
///
/// # Examples
///
/// ```
/// use rootrel::{Captures, Replacer, Sink};
///
/// /// Upper-cases the attribute name of each match.
/// struct Upper;
///
/// impl Replacer for Upper {
///     fn replace_append<S: Sink + ?Sized>(&mut self, caps: &Captures<'_>, dst: &mut S) {
///         dst.write(caps.get(1).unwrap());
///         dst.write(&caps.get(2).unwrap().to_ascii_uppercase());
///         dst.write(caps.get(3).unwrap());
///         dst.write(caps.get(4).unwrap());
///     }
/// }
///
/// let out = rootrel::replace_all(b"<a href=/x>", Upper);
/// assert_eq!(&out[..], b"<a HREF=/x>");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Captures<'h> {
    haystack: &'h [u8],
    /// Offsets into `haystack`.
    m: Match,
    /// Offset of `haystack[0]` in the whole input.
    offset: usize,
}

impl<'h> Captures<'h> {
    #[inline]
    pub(crate) fn new(haystack: &'h [u8], m: Match, offset: usize) -> Captures<'h> {
        Captures {
            haystack,
            m,
            offset,
        }
    }

    /// The bytes of group `i` (0 to 4, numbered as in [`Match`]), or `None` for a
    /// group the regex does not have.
    ///
    /// # Examples
    ///
    /// ```
    /// use rootrel::{Captures, Replacer, Sink};
    ///
    /// /// Keeps only the quote and the path: `<img src='/i.png'>` gives `'/i.png'>`.
    /// struct QuoteAndPath;
    /// impl Replacer for QuoteAndPath {
    ///     fn replace_append<S: Sink + ?Sized>(&mut self, caps: &Captures<'_>, dst: &mut S) {
    ///         assert_eq!(caps.get(5), None);
    ///         dst.write(caps.get(3).unwrap());
    ///         dst.write(caps.get(4).unwrap());
    ///     }
    /// }
    /// assert_eq!(&rootrel::replace_all(b"<img src='/i.png'>", QuoteAndPath)[..], b"'/i.png'>");
    /// ```
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'h [u8]> {
        self.m.get(i).map(|r| &self.haystack[r])
    }

    /// The bytes of the whole match (group 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use rootrel::{Captures, Replacer, Sink};
    ///
    /// struct Brackets;
    /// impl Replacer for Brackets {
    ///     fn replace_append<S: Sink + ?Sized>(&mut self, caps: &Captures<'_>, dst: &mut S) {
    ///         dst.write(b"[");
    ///         dst.write(caps.as_bytes());
    ///         dst.write(b"]");
    ///     }
    /// }
    /// assert_eq!(&rootrel::replace_all(b"<a src=/x>", Brackets)[..], b"[<a src=/x]>");
    /// ```
    #[inline]
    pub fn as_bytes(&self) -> &'h [u8] {
        &self.haystack[self.m.range()]
    }

    /// The match, with offsets into the whole input: the haystack of a one-shot call,
    /// or the stream so far (bytes written to a streaming rewriter) when streaming.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut starts = Vec::new();
    /// let out = rootrel::replace_all(b"x <a href=/y>", |m: &rootrel::Match| {
    ///     starts.push(m.start());
    ///     "*"
    /// });
    /// assert_eq!(starts, [2]);
    /// assert_eq!(&out[..], b"x *>");
    /// ```
    #[inline]
    pub fn as_match(&self) -> Match {
        self.m.offset(self.offset)
    }
}

/// What to put in place of each match.
///
/// Implemented for:
///
/// - `&str`, `&[u8]`, `&[u8; N]`, `&String` and `&Vec<u8>`: templates with exactly PHP's
///   `preg_replace` rules: `$n`, `${n}` and `\n` for n = 0 to 99 (groups that do not
///   exist give the empty string), `\\` and `\$` escapes, everything else literal;
/// - closures `FnMut(&Match) -> T` where `T: AsRef<[u8]>`: the bytes returned replace
///   the match (offsets as in [`Captures::as_match`]);
/// - [`NoExpand`]: literal bytes, no expansion;
/// - [`&Base`](crate::Base): the feed readers' `$1$2$3{base}$4`.
///
/// # Examples
///
/// ```
/// let html = br#"<a href="/pkg">pkg</a>"#;
/// let out = rootrel::replace_all(html, "$1$2$3https://go.dev$4");
/// assert_eq!(&out[..], br#"<a href="https://go.dev/pkg">pkg</a>"#);
///
/// let out = rootrel::replace_all(html, |m: &rootrel::Match| format!("[{}]", m.start()));
/// assert_eq!(&out[..], br#"[0]kg">pkg</a>"#);
/// ```
pub trait Replacer {
    /// Writes the replacement for one match to `dst`.
    fn replace_append<S: Sink + ?Sized>(&mut self, caps: &Captures<'_>, dst: &mut S);

    /// If every replacement is `$1$2$3` + a fixed byte string + `$4` (the match with
    /// bytes inserted before group 4), returns those bytes. The rewriters then insert
    /// them directly, and without holding group 1 in memory; see
    /// [`Rewriter`](crate::Rewriter). Templates of that form (`$1$2$3https://go.dev$4`,
    /// `${1}${2}${3}x${4}`, ...) answer with their literal part, [`&Base`](crate::Base)
    /// with its URL. The default returns `None`, which is always correct.
    ///
    /// It is asked once per call of the one-shot functions and once per chunk by
    /// [`Rewriter`](crate::Rewriter), not per match, so it must give the same answer
    /// every time.
    ///
    /// # Examples
    ///
    /// ```
    /// use rootrel::Replacer;
    ///
    /// let base = rootrel::Base::parse("https://go.dev").unwrap();
    /// assert_eq!((&base).insertion(), Some(&b"https://go.dev"[..]));
    /// assert_eq!("$1$2$3x$4".insertion(), Some(&b"x"[..]));
    /// assert_eq!("$2$1$3x$4".insertion(), None);
    /// ```
    fn insertion(&mut self) -> Option<&[u8]> {
        None
    }
}

/// Writes the expansion of a PHP template for one match.
#[inline]
fn expand_template<S: Sink + ?Sized>(t: &[u8], caps: &Captures<'_>, dst: &mut S) {
    template::expand(t, |p| match p {
        Piece::Literal(b) => dst.write(b),
        Piece::Group(n) => dst.write(caps.get(n).unwrap_or(&[])),
    });
}

/// The PHP-template replacers: one implementation for each way of holding the bytes.
macro_rules! template_replacers {
    ($(impl$([$($generics:tt)*])? for $ty:ty;)*) => {$(
        impl$(<$($generics)*>)? Replacer for $ty {
            #[inline]
            fn replace_append<S: Sink + ?Sized>(&mut self, caps: &Captures<'_>, dst: &mut S) {
                expand_template(AsRef::<[u8]>::as_ref(*self), caps, dst);
            }

            #[inline]
            fn insertion(&mut self) -> Option<&[u8]> {
                template::insertion(AsRef::<[u8]>::as_ref(*self))
            }
        }
    )*};
}

template_replacers! {
    impl for &[u8];
    impl[const N: usize] for &[u8; N];
    impl for &str;
    impl for &alloc::string::String;
    impl for &Vec<u8>;
}

impl<F, T> Replacer for F
where
    F: FnMut(&Match) -> T,
    T: AsRef<[u8]>,
{
    #[inline]
    fn replace_append<S: Sink + ?Sized>(&mut self, caps: &Captures<'_>, dst: &mut S) {
        dst.write((self)(&caps.as_match()).as_ref());
    }
}

/// A replacement used as it is: no `$n` or `\n` expansion, no escapes.
///
/// # Examples
///
/// ```
/// use rootrel::NoExpand;
///
/// let out = rootrel::replace_all(b"<a href=/x>", NoExpand(b"$1"));
/// assert_eq!(&out[..], b"$1>");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoExpand<'t>(pub &'t [u8]);

impl Replacer for NoExpand<'_> {
    #[inline]
    fn replace_append<S: Sink + ?Sized>(&mut self, _: &Captures<'_>, dst: &mut S) {
        dst.write(self.0);
    }
}

/// How a replacer is applied, decided once per call (or per streaming chunk) rather than
/// once per match: by inserting fixed bytes before group 4, or through the replacer.
pub(crate) enum Plan<'r, R: ?Sized> {
    Insert(&'r [u8]),
    Replace(&'r mut R),
}

impl<'r, R: Replacer + ?Sized> Plan<'r, R> {
    #[inline]
    pub(crate) fn new(rep: &'r mut R) -> Plan<'r, R> {
        // Asked twice: returning the first answer's borrow from one arm and `rep` from
        // the other is more than the borrow checker accepts.
        if rep.insertion().is_some() {
            Plan::Insert(rep.insertion().unwrap_or_default())
        } else {
            Plan::Replace(rep)
        }
    }

    /// Writes the bytes of `window` from `from` up to where `m`'s replacement goes,
    /// then the replacement; returns the offset in `window` where the unwritten rest
    /// starts. `offset` is where `window` starts in the whole input (for
    /// [`Captures::as_match`]). Shared by the one-shot functions and the streaming
    /// [`Rewriter`](crate::Rewriter).
    #[inline]
    pub(crate) fn write<S: Sink + ?Sized>(
        &mut self,
        window: &[u8],
        from: usize,
        m: Match,
        offset: usize,
        dst: &mut S,
    ) -> usize {
        match self {
            Plan::Insert(ins) => {
                // `$1$2$3` + bytes + `$4`: the input with `ins` inserted before group 4.
                let at = m.path().start;
                dst.write(&window[from..at]);
                dst.write(ins);
                at
            }
            Plan::Replace(rep) => {
                dst.write(&window[from..m.start()]);
                rep.replace_append(&Captures::new(window, m, offset), dst);
                m.end()
            }
        }
    }
}

/// Writes `haystack` with every match replaced to `dst`; returns the number of matches.
pub(crate) fn replace_to<R, S>(haystack: &[u8], mut rep: R, dst: &mut S) -> usize
where
    R: Replacer,
    S: Sink + ?Sized,
{
    if let Plan::Insert(ins) = Plan::new(&mut rep) {
        if let Some(out) = dst.as_vec_mut() {
            return insert_all(haystack, ins, Scanner::new(), None, out);
        }
    }
    replace_matches(haystack, find_iter(haystack), rep, dst)
}

/// Writes `haystack` with `matches` (its matches, in order) replaced to `dst`; returns
/// their number.
fn replace_matches<R, S>(
    haystack: &[u8],
    matches: impl Iterator<Item = Match>,
    mut rep: R,
    dst: &mut S,
) -> usize
where
    R: Replacer,
    S: Sink + ?Sized,
{
    let mut plan = Plan::new(&mut rep);
    let mut last = 0;
    let mut n = 0;
    for m in matches {
        last = plan.write(haystack, last, m, 0, dst);
        n += 1;
    }
    dst.write(&haystack[last..]);
    n
}

/// Replaces every match in `haystack`, as PHP's `preg_replace` with the seed regex does.
///
/// Returns `Cow::Borrowed(haystack)` when nothing matched. Unlike `preg_replace`, this
/// cannot fail: there is no backtrack limit to hit, and it runs in linear time.
///
/// With a template (`&str`, `&[u8]`), the result is byte for byte what
/// `preg_replace('/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m', $template, $haystack)`
/// returns whenever PHP returns something.
///
/// # Examples
///
/// ```
/// use std::borrow::Cow;
///
/// let html = br#"<a href="/pkg">pkg</a> <img src='/logo.png'>"#;
/// let out = rootrel::replace_all(html, r"${1}${2}${3}https://go.dev${4}");
/// assert_eq!(&out[..], br#"<a href="https://go.dev/pkg">pkg</a> <img src='https://go.dev/logo.png'>"#);
///
/// let untouched = rootrel::replace_all(b"<p>no links</p>", "x");
/// assert!(matches!(untouched, Cow::Borrowed(_)));
/// ```
pub fn replace_all<R: Replacer>(haystack: &[u8], mut rep: R) -> Cow<'_, [u8]> {
    if let Plan::Insert(ins) = Plan::new(&mut rep) {
        return insert_all_cow(haystack, ins);
    }
    let mut it = find_iter(haystack);
    let Some(first) = it.next() else {
        return Cow::Borrowed(haystack);
    };
    let mut out = Vec::with_capacity(haystack.len() + haystack.len() / 16);
    replace_matches(haystack, core::iter::once(first).chain(it), rep, &mut out);
    Cow::Owned(out)
}

/// [`replace_all`] for [`Plan::Insert`]: no buffer until the first match.
#[allow(unsafe_code)]
fn insert_all_cow<'h>(h: &'h [u8], ins: &[u8]) -> Cow<'h, [u8]> {
    let mut scanner = Scanner::new();
    // Searches stop where `insert_all` wants them to from the start, but nothing is
    // copied before there is a buffer to copy to.
    // SAFETY: with `limit == 0`, nothing is ever written through the pointer.
    scanner.copy_to(unsafe { CopyTo::new(core::ptr::NonNull::dangling().as_ptr(), 0, 0, 0..0) });
    let Step::Match(first) = scanner.step::<true>(h) else {
        return Cow::Borrowed(h);
    };
    let mut out = Vec::with_capacity(h.len() + h.len() / 16);
    insert_all(h, ins, scanner, Some(first), &mut out);
    Cow::Owned(out)
}

/// Appends `h` to `out` with `ins` inserted before each match's group 4: the
/// one-shot rewrite of [`Plan::Insert`] into a `Vec`. `scanner` goes on from where
/// it stands (its last match, `first`, not yet written; `done` is where both start).
///
/// Most bytes are not copied here: the block search writes each block it reads
/// straight to its place in `out` ([`Scanner::copy_to`]), so that they are read
/// from memory once, not once to scan and again to copy. What the search did not
/// write (the last bytes, the bytes after a jump, the block a match was decided in,
/// which an insertion moves) is copied here. The matches are made by the scanner's
/// quick path, [`INSERT_BATCH`] at a time, with the insertions written as they come
/// ([`Inserting`]), and by the general step where the quick rule does not decide.
#[allow(unsafe_code)]
fn insert_all(
    h: &[u8],
    ins: &[u8],
    mut scanner: Scanner,
    mut first: Option<Match>,
    out: &mut Vec<u8>,
) -> usize {
    // A batch makes room for a few KB of insertions at most.
    let batch = (4096 / ins.len().max(1)).clamp(1, INSERT_BATCH);
    let mut w = Inserting {
        ins,
        base: out.as_mut_ptr(),
        cap: out.capacity(),
        off: out.len(),
        done: 0,
        // SAFETY: with `limit == 0`, nothing is written through it.
        copy: unsafe { CopyTo::new(core::ptr::null_mut(), 0, 0, 0..0) },
        n: 0,
        room: 0,
    };
    loop {
        // Room for a batch of insertions and the rest of `h`, keeping what the block
        // search wrote past `done` (within `out`'s length, should it move).
        let valid = w.valid();
        // SAFETY: `out[..off + valid]` is written (`Inserting`'s invariant, and the
        // search's run from `done` on).
        unsafe { out.set_len(w.off + valid) };
        out.reserve(h.len() - valid + batch * ins.len());
        (w.base, w.cap, w.room) = (out.as_mut_ptr(), out.capacity(), batch);
        // SAFETY: `base` and `cap` are `out`'s buffer, which is not used until below.
        unsafe { w.copy_from(w.copy.copied()) };
        // The scanner's own setting follows, so that it never keeps an address `out`
        // may have left.
        scanner.copy_to(w.copy.clone());
        let found = match first.take() {
            Some(m) => Some(m),
            None => {
                let _made = w.n;
                scanner.quick_path::<true, _>(h, &mut w);
                #[cfg(test)]
                tests::QUICK_INSERTED.with(|c| c.set(c.get() + (w.n - _made)));
                if w.room == 0 {
                    continue;
                }
                // The general step, for one match, with the same setting (the quick
                // path's insertions have moved it on), and back.
                scanner.copy_to(w.copy.clone());
                let step = scanner.step::<true>(h);
                w.copy = scanner.copying().clone();
                match step {
                    Step::Match(m) => Some(m),
                    Step::Done | Step::NeedMore => None,
                }
            }
        };
        match found {
            Some(m) => w.take(h, m, scanner.frontier()),
            None => {
                w.write_to(h, h.len());
                // SAFETY: `out[..off + h.len()]` is written.
                unsafe { out.set_len(w.off + h.len()) };
                return w.n;
            }
        }
    }
}

/// How many insertions [`insert_all`] makes room for at a time, at most.
const INSERT_BATCH: usize = 64;

/// The state of [`insert_all`]'s output between two matches, which the scanner's
/// quick path also inserts into ([`Batch`]).
///
/// INVARIANT: `out` (at `base`, `cap` bytes) holds `h[..done]` with an insertion before
/// each match's group 4 so far in its first `off + done` bytes, written, and
/// `cap >= off + h.len() + room * ins.len()`; `copy` copies to `base + off`, from
/// `done` on, up to `cap - off`.
struct Inserting<'a> {
    ins: &'a [u8],
    base: *mut u8,
    cap: usize,
    off: usize,
    done: usize,
    copy: CopyTo,
    /// Matches inserted.
    n: usize,
    /// How many more the capacity makes room for.
    room: usize,
}

impl Inserting<'_> {
    /// Has the block search copy to `base + off`, from `done` on, up to `cap - off`,
    /// with `run` the offsets whose bytes are already there.
    ///
    /// # Safety
    ///
    /// `base` and `cap` must be `out`'s buffer, which nothing else reads or writes
    /// until `out` is used again: the range lies past the bytes written for good (up
    /// to `off + done`) and apart from any haystack.
    #[inline(always)]
    #[allow(unsafe_code)]
    unsafe fn copy_from(&mut self, run: core::ops::Range<usize>) {
        let dst = self.base.wrapping_add(self.off);
        // SAFETY: the caller's promise.
        self.copy = unsafe { CopyTo::new(dst, self.done, self.cap - self.off, run) };
    }

    /// Where the bytes written in place end: the block search's run, when it goes on
    /// from `done`, else `done`.
    #[inline(always)]
    fn valid(&self) -> usize {
        let run = self.copy.copied();
        if run.start <= self.done && self.done <= run.end {
            run.end
        } else {
            self.done
        }
    }

    /// Writes `h[done..to]` after what is written, taking what the block search
    /// already wrote in place (its run from `done` on) and copying the rest.
    #[inline(always)]
    #[allow(unsafe_code)]
    fn write_to(&mut self, h: &[u8], to: usize) {
        let keep = self.valid().min(to);
        if keep < to {
            // SAFETY: `base + off + keep .. base + off + to` lies within the capacity
            // (`to <= h.len()`), past what is read, and apart from `h`.
            unsafe { copy_spare(&h[keep..to], self.base.wrapping_add(self.off + keep)) };
        }
        #[cfg(test)]
        tests::DRIVER_COPIED.with(|c| c.set(c.get() + (to - keep)));
        self.done = to;
    }
}

impl Batch for Inserting<'_> {
    const COPY: bool = true;

    #[inline(always)]
    fn room(&self) -> bool {
        self.room > 0
    }

    #[inline(always)]
    fn find_block(&mut self, engine: Engine, h: &[u8], from: usize) -> Option<Block> {
        self.copy.find(engine, h, from)
    }

    #[inline(always)]
    #[allow(unsafe_code)]
    fn take(&mut self, h: &[u8], m: Match, frontier: usize) {
        let at = m.path().start;
        self.write_to(h, at);
        let ins = self.ins;
        // SAFETY: the capacity holds `off + h.len() + ins.len()` bytes (`room > 0`), so
        // `base + off + at .. + ins.len()` is spare capacity, apart from `ins`.
        unsafe {
            core::ptr::copy_nonoverlapping(ins.as_ptr(), self.base.add(self.off + at), ins.len())
        };
        self.off += ins.len();
        self.n += 1;
        self.room -= 1;
        // What the search read past the insertion was written where it no longer
        // belongs: write it again (at least 64 bytes, in one fixed-size copy, when the
        // search read no further and the input goes on), and tell the search where
        // its run starts.
        let front = frontier.clamp(at, h.len());
        let src = h.as_ptr().wrapping_add(at);
        let dst = self.base.wrapping_add(self.off + at);
        let end = if front - at <= 64 && at + 64 <= h.len() {
            // SAFETY: `h[at..at + 64]` is readable, and `off + at .. off + at + 64` lies
            // within the capacity of `off + h.len()` bytes, past what is written.
            unsafe { core::ptr::copy_nonoverlapping(src, dst, 64) };
            at + 64
        } else {
            // SAFETY: as above, for `at..front`.
            unsafe { core::ptr::copy_nonoverlapping(src, dst, front - at) };
            front
        };
        #[cfg(test)]
        tests::DRIVER_COPIED.with(|c| c.set(c.get() + (end - at)));
        // SAFETY: as in `insert_all`, with `off` and `done` (now `at`) moved on.
        unsafe { self.copy_from(at..end) };
    }
}

/// Appends `haystack` with every match replaced to `dst`, allocating nothing but what
/// `dst` needs to grow. Returns the number of matches.
///
/// # Examples
///
/// ```
/// let mut out = b"<!-- rewritten -->".to_vec();
/// let n = rootrel::replace_all_into(b"<a href=/x>", "$1$2$3http://h$4", &mut out);
/// assert_eq!(n, 1);
/// assert_eq!(out, b"<!-- rewritten --><a href=http://h/x>");
/// ```
pub fn replace_all_into<R: Replacer>(haystack: &[u8], rep: R, dst: &mut Vec<u8>) -> usize {
    replace_to(haystack, rep, dst)
}

/// Writes `haystack` with every match replaced to any [`Sink`]. Returns the number of
/// matches.
///
/// # Examples
///
/// ```
/// let mut pieces = Vec::new();
/// let n = rootrel::replace_all_to(b"<a href=/x>", "$1$2$3http://h$4", &mut |b: &[u8]| {
///     pieces.push(b.to_vec())
/// });
/// assert_eq!(n, 1);
/// assert_eq!(pieces.concat(), b"<a href=http://h/x>");
/// ```
pub fn replace_all_to<R: Replacer, S: Sink + ?Sized>(
    haystack: &[u8],
    rep: R,
    dst: &mut S,
) -> usize {
    replace_to(haystack, rep, dst)
}

#[cfg(feature = "std")]
/// Writes `haystack` with every match replaced to `w`, allocating nothing. Returns
/// the number of matches.
///
/// The output is written in many small pieces: give it a buffered writer.
///
/// # Errors
///
/// The first error `w` returns; the bytes before it were written correctly.
///
/// # Examples
///
/// ```
/// let mut out = std::io::BufWriter::new(Vec::new());
/// let n = rootrel::replace_all_write(b"<a href=/x>", "$1$2$3http://h$4", &mut out)?;
/// assert_eq!((n, out.into_inner().unwrap()), (1, b"<a href=http://h/x>".to_vec()));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn replace_all_write<R: Replacer, W: std::io::Write>(
    haystack: &[u8],
    rep: R,
    w: W,
) -> std::io::Result<usize> {
    let mut sink = crate::IoSink::unbuffered(w);
    let n = replace_to(haystack, rep, &mut sink);
    sink.into_result()?;
    Ok(n)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::borrow::ToOwned;
    use std::vec::Vec;

    use super::*;
    use crate::literal::tests::engines;

    std::thread_local! {
        /// Bytes `insert_all` copied itself, rather than the block search.
        pub(super) static DRIVER_COPIED: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
        /// Matches that [`insert_all`] made through the scanner's quick path.
        pub(super) static QUICK_INSERTED: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
    }

    /// `$1$2$3` + `ins` + `$4` the long way: through the groups, not an insertion.
    struct ByGroups<'a>(&'a [u8]);

    impl Replacer for ByGroups<'_> {
        fn replace_append<S: Sink + ?Sized>(&mut self, caps: &Captures<'_>, dst: &mut S) {
            for g in 1..=3 {
                dst.write(caps.get(g).unwrap_or_default());
            }
            dst.write(self.0);
            dst.write(caps.get(4).unwrap_or_default());
        }
    }

    /// `insert_into` appends the gap and the insertion, and nothing else, whatever
    /// the gap's length (up to 64 bytes in one copy of that size, when the window
    /// holds 64 bytes from the gap's start; longer ones, or near the window's end,
    /// with `memcpy`), the insertion's, and what `out` holds already; the bytes the
    /// fixed-size copy writes past the end are spare capacity, not output.
    #[test]
    fn insert_into_appends_the_gap_then_the_insertion() {
        let window: Vec<u8> = (0..200u8).collect();
        let long = [b'x'; 100];
        for ins in [&b""[..], b"h", b"https://go.dev", &long] {
            for from in [0, 1, 60, 100, 136, 137, 150, 199, 200] {
                for gap in [0, 1, 7, 63, 64, 65, 100] {
                    let at = from + gap;
                    if at > window.len() {
                        continue;
                    }
                    for before in [0, 3] {
                        let mut out = b"abc"[..before].to_vec();
                        insert_into(&mut out, &window, from, at, ins);
                        let want = [&b"abc"[..before], &window[from..at], ins].concat();
                        assert_eq!(out, want, "ins {}, from {from}, gap {gap}", ins.len());
                    }
                }
            }
        }
    }

    /// `links` paragraphs of text, the `i`th of `sentences(i)` sentences, each
    /// followed by a link.
    pub(crate) fn paragraphs_and_links(links: usize, sentences: fn(usize) -> usize) -> Vec<u8> {
        let mut h = Vec::new();
        for i in 0..links {
            h.extend_from_slice(b"<p class=\"text\">");
            h.extend_from_slice(&b"Lorem ipsum dolor sit amet. ".repeat(sentences(i)));
            h.extend_from_slice(b"</p><a href=\"/page\" class=\"link\">page</a>\n");
        }
        h
    }

    /// Inputs that put matches, near-misses, long runs, runs that never close and
    /// stretches the search skips at every distance from the edges of its blocks.
    fn inputs() -> Vec<Vec<u8>> {
        let mut v: Vec<Vec<u8>> = Vec::new();
        for pad in 0..140 {
            let mut h = b"x".repeat(pad);
            h.extend_from_slice(b"<a href=/x>y</a>");
            h.extend_from_slice(&b"z".repeat(pad % 70));
            h.extend_from_slice(b"<img src=\"/i.png\">");
            v.push(h.clone());
            // A link whose run ends far past its block, then a later candidate.
            h.extend_from_slice(b"<a href=/p ");
            h.extend_from_slice(&b"q".repeat(pad * 3));
            h.extend_from_slice(b" src=/r>tail");
            v.push(h.clone());
            // A run that never closes.
            h.extend_from_slice(b"<a href=/open ");
            h.extend_from_slice(&b"w".repeat(pad));
            v.push(h);
        }
        // Pseudo-random bytes over an alphabet rich in the regex's bytes, a few KB.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let pieces: [&[u8]; 12] = [
            b"<",
            b">",
            b"href=",
            b"src=",
            b"/",
            b"//",
            b"\n",
            b"\"",
            b"a",
            b"<a href=\"/x\">",
            b"                                ",
            b"=",
        ];
        for len in [10, 40, 100, 300, 1000, 3000] {
            for _ in 0..40 {
                let mut h = Vec::new();
                while h.len() < len {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    h.extend_from_slice(pieces[(x % 12) as usize]);
                }
                v.push(h);
            }
        }
        v
    }

    #[test]
    fn just_after_is_one_to_63_bytes_on_modulo_4096() {
        for (dst, src, want) in [
            (1000, 1000, false),
            (1001, 1000, true),
            (1063, 1000, true),
            (1064, 1000, false),
            (999, 1000, false),
            (1000 + 4096 + 5, 1000, true),
            (1000 + 4096 + 64, 1000, false),
            (5, usize::MAX - 2, true), // 8 bytes after, across the wrap
            (usize::MAX - 2, 5, false),
        ] {
            assert_eq!(just_after(dst, src), want, "dst {dst}, src {src}");
        }
    }

    /// Both ways of appending (one copy, 1 KiB pieces) append exactly the bytes, at
    /// every distance between source and destination modulo 4096.
    #[test]
    fn extend_appends_the_bytes_at_every_distance() {
        let src: Vec<u8> = (0..4096 + 5000).map(|i| (i * 7 % 251) as u8).collect();
        let mut v = Vec::with_capacity(8192);
        let (mut pieces, mut whole) = (0, 0);
        for start in 0..4096 {
            let bytes = &src[start..start + 3000 + start % 2000];
            v.clear();
            v.push(b'<');
            let dst = v.as_ptr() as usize + 1;
            if just_after(dst, bytes.as_ptr() as usize) {
                pieces += 1;
            } else {
                whole += 1;
            }
            extend(&mut v, bytes);
            assert_eq!(v[0], b'<');
            assert!(v[1..] == *bytes, "start {start}");
        }
        assert_eq!((pieces, whole), (63, 4096 - 63));
    }

    #[test]
    fn insert_all_agrees_with_the_general_rewrite() {
        let long = b"https://example.com/".repeat(16);
        for h in inputs() {
            for e in engines() {
                for ins in [&b""[..], b"https://go.dev", &long] {
                    for prefix in [&b""[..], b"kept"] {
                        let mut want = prefix.to_owned();
                        let n = replace_matches(&h, find_iter(&h), ByGroups(ins), &mut want);
                        // An empty `Vec` grows by reallocation as the insertions add up.
                        let mut got = prefix.to_owned();
                        let scanner = crate::scan::Scanner::with_engine(e);
                        assert_eq!(insert_all(&h, ins, scanner, None, &mut got), n);
                        assert_eq!(got, want, "{e:?} {:?}", h.escape_ascii());
                    }
                }
            }
        }
    }

    #[test]
    fn a_long_insertion_makes_room_for_few_at_a_time() {
        // Ten links and an insertion of 64 KiB: `insert_all` makes room for one at a
        // time, not for a batch of 64 (4 MiB).
        let h = b"<a href=/x>y</a> ".repeat(10);
        let ins = std::vec![b'i'; 64 << 10];
        let mut out = Vec::new();
        assert_eq!(insert_all(&h, &ins, Scanner::new(), None, &mut out), 10);
        assert_eq!(out.len(), h.len() + 10 * ins.len());
        let bound = 2 * out.len() + 3 * ins.len();
        assert!(out.capacity() < bound, "{} >= {bound}", out.capacity());
    }

    #[test]
    fn one_shot_rewrites_take_the_copying_path() {
        // Real pages: a link every couple of KB, with markup in between.
        let h = paragraphs_and_links(200, |i| 60 + i % 20);
        let mut want = Vec::new();
        let n = replace_matches(&h, find_iter(&h), ByGroups(b"https://go.dev"), &mut want);
        assert_eq!(n, 200);
        let driver_copied = |f: &dyn Fn()| {
            DRIVER_COPIED.with(|c| c.set(0));
            f();
            DRIVER_COPIED.with(|c| c.get())
        };
        for e in engines() {
            QUICK_INSERTED.with(|c| c.set(0));
            let copied = driver_copied(&|| {
                let scanner = crate::scan::Scanner::with_engine(e);
                // From an empty `Vec`, which moves as it grows, batch after batch.
                let mut got = Vec::new();
                assert_eq!(
                    insert_all(&h, b"https://go.dev", scanner, None, &mut got),
                    n
                );
                assert!(got == want, "{e:?}");
            });
            // The scanner's quick path makes the matches, inserting as it goes.
            let quick = QUICK_INSERTED.with(|c| c.get());
            assert!(quick >= 190, "{e:?}: {quick} of 200 by the quick path");
            if e == crate::literal::Engine::Portable {
                // It reads only `=` bytes: every byte is copied by the driver.
                assert_eq!(copied, h.len());
            } else {
                // The search copies the bytes between links as it reads them.
                assert!(copied < h.len() / 20, "{e:?}: {copied} of {}", h.len());
            }
        }
        // The public functions go this way.
        let base = crate::Base::parse("https://go.dev").unwrap();
        let copied = driver_copied(&|| drop(crate::absolutize(&h, &base)));
        assert!(0 < copied && copied < h.len() / 20);
        let copied = driver_copied(&|| drop(replace_all(&h, "$1$2$3https://go.dev$4")));
        assert!(0 < copied && copied < h.len() / 20);
        let copied = driver_copied(&|| {
            replace_all_into(&h, &base, &mut Vec::new());
        });
        assert!(0 < copied && copied < h.len() / 20);
        let copied = driver_copied(&|| {
            replace_all_to(&h, &base, &mut &mut Vec::new());
        });
        assert!(0 < copied && copied < h.len() / 20);
        // Into any other sink, the bytes are copied the usual way.
        let copied = driver_copied(&|| {
            replace_all_to(&h, &base, &mut |_: &[u8]| {});
        });
        assert_eq!(copied, 0);
    }
}
