//! The streaming driver: [`Rewriter`] rewrites input that arrives in chunks, holding
//! back only the bytes whose output is still undecided.

use alloc::vec::Vec;
use core::fmt;

use crate::replace::{extend, Plan, Replacer, Sink};
use crate::scan::{Batch, Scanner, Step};
use crate::Match;

/// The default for [`Rewriter::with_max_buffer`]: 64 MiB.
pub const DEFAULT_MAX_BUFFER: usize = 64 << 20;

/// When at most this many bytes are held, a new chunk's first `SEAM` bytes are copied
/// after them to decide them, and the rest of the chunk is scanned where it lies.
const SEAM: usize = 256;

/// What a [`Rewriter`] (or [`rewrite`]) processed.
///
/// # Examples
///
/// ```
/// let mut rw = rootrel::Rewriter::new("x", Vec::new());
/// rw.write(b"<a src=/a> <b src=/b")?;
/// let (out, stats) = rw.finish()?;
/// assert_eq!((stats.bytes, stats.matches), (20, 2));
/// assert_eq!(out, b"x> x");
/// # Ok::<(), rootrel::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Bytes of input.
    pub bytes: u64,
    /// Matches replaced.
    pub matches: u64,
}

/// The error of a streaming [`Rewriter`].
///
/// # Examples
///
/// ```
/// let mut out = Vec::new();
/// let mut rw = rootrel::Rewriter::new("$1data-$2$3$4", &mut out).with_max_buffer(16);
/// // With a replacement that uses group 1, a `<…` run that may still hold a match is
/// // held until its `>` arrives.
/// let err = rw.write(b"ok <a href=/x and more text").unwrap_err();
/// assert_eq!(err, rootrel::Error::BufferLimit { limit: 16, offset: 3 });
/// assert!(err.to_string().starts_with("more than 16 undecided bytes"));
/// assert_eq!(out, b"ok ");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// More undecided bytes had to be held back than the limit allows. The output
    /// written so far is correct and ends at stream offset `offset`; nothing after it
    /// was written.
    BufferLimit {
        /// The limit, in bytes.
        limit: usize,
        /// The stream offset of the first byte not written.
        offset: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::BufferLimit { limit, offset } => write!(
                f,
                "more than {limit} undecided bytes held from stream offset {offset}: \
                 a `<` with no `>` for that long (raise the limit with with_max_buffer)"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// Rewrites a stream chunk by chunk, with output byte-identical to
/// [`replace_all`](crate::replace_all) on the whole input, however it is cut.
///
/// Call [`write`](Rewriter::write) with each chunk and [`end`](Rewriter::end) once at
/// the end; the rewritten bytes go to the sink `S` as soon as they are decided.
///
/// # Memory
///
/// The rewriter holds back only the bytes whose output is not decided yet:
///
/// - with a replacer that only inserts before group 4 ([`&Base`](crate::Base), a
///   template of the form `$1$2$3…$4`; see [`Replacer::insertion`]): from the latest
///   candidate (an `href=`/`src=` whose tail matches) to the end of its `<…` run, since
///   a later candidate in the same run would take its place; otherwise at most the last
///   few bytes;
/// - with any other replacer: the current `<…` run, from its `<` up to its `>`, as soon
///   as the run could still hold a match (the replacement may use group 1).
///
/// A `<` never followed by `>` can make that unbounded, so the held bytes are capped
/// (64 MiB by default, see [`with_max_buffer`](Rewriter::with_max_buffer)): past the
/// cap `write` returns [`Error::BufferLimit`], and everything written before is correct.
///
/// # Examples
///
/// ```
/// let base = rootrel::Base::parse("https://go.dev")?;
/// let mut out = Vec::new();
/// let mut rw = rootrel::Rewriter::new(&base, &mut out);
/// for chunk in [&b"<a hr"[..], b"ef=\"/p", b"kg\">pkg</a>"] {
///     rw.write(chunk)?;
/// }
/// rw.end()?;
/// assert_eq!(out, br#"<a href="https://go.dev/pkg">pkg</a>"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Rewriter<R, S> {
    scanner: Scanner,
    /// INVARIANT: exactly the input bytes not yet written to the sink (as themselves
    /// or as part of a replacement), in order; `buf[0]` is stream offset `offset`.
    buf: Vec<u8>,
    offset: u64,
    replacer: R,
    sink: S,
    max_buffer: usize,
    error: Option<Error>,
    bytes: u64,
    matches: u64,
}

impl<R: Replacer, S: Sink> Rewriter<R, S> {
    /// A rewriter that replaces matches with `replacer` and writes to `sink`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut out = Vec::new();
    /// let mut rw = rootrel::Rewriter::new(r"$1$2$3http://h$4", &mut out);
    /// rw.write(b"<a href=/x>")?;
    /// rw.end()?;
    /// assert_eq!(out, b"<a href=http://h/x>");
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn new(replacer: R, sink: S) -> Rewriter<R, S> {
        Rewriter {
            scanner: Scanner::new(),
            buf: Vec::new(),
            offset: 0,
            replacer,
            sink,
            max_buffer: DEFAULT_MAX_BUFFER,
            error: None,
            bytes: 0,
            matches: 0,
        }
    }

    /// Caps the undecided bytes held back at `max_buffer` (at least 16 are allowed
    /// whatever the cap: the scanner's own look-ahead).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut out = Vec::new();
    /// let mut rw = rootrel::Rewriter::new("", &mut out).with_max_buffer(1 << 20);
    /// rw.write(b"<a href=/x> plain text")?;
    /// rw.end()?;
    /// assert_eq!(out, b"> plain text");
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn with_max_buffer(mut self, max_buffer: usize) -> Rewriter<R, S> {
        self.max_buffer = max_buffer.max(16);
        self
    }

    /// Feeds the next chunk of input.
    ///
    /// # Errors
    ///
    /// [`Error::BufferLimit`] if the undecided bytes outgrow the cap; then and after,
    /// every call returns that error and writes nothing more.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut out = Vec::new();
    /// let mut rw = rootrel::Rewriter::new("[$4]", &mut out);
    /// for b in b"<img src=/a.png>" {
    ///     rw.write(std::slice::from_ref(b))?; // one byte at a time
    /// }
    /// rw.end()?;
    /// assert_eq!(out, b"[/a].png>");
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.bytes += chunk.len() as u64;
        if self.buf.is_empty() {
            self.drive_in_place(chunk);
        } else if self.scanner.seam_decided(&self.buf, chunk) {
            // The bytes held only might have begun a literal, and the chunk says they
            // did not: written out, they leave the chunk to be scanned where it lies.
            self.sink.write(&self.buf);
            let k = self.buf.len();
            self.buf.clear();
            self.done_with(k);
            self.drive_in_place(chunk);
        } else if self.buf.len() <= SEAM && chunk.len() > 2 * SEAM {
            // A few bytes held: decide them with the chunk's first bytes; once what is
            // still held lies within those, scan the rest of the chunk in place rather
            // than copying it.
            self.drive_held(&chunk[..SEAM]);
            if self.buf.len() <= SEAM {
                let from = SEAM - self.buf.len();
                self.buf.clear();
                self.drive_in_place(&chunk[from..]);
            } else {
                self.drive_held(&chunk[SEAM..]);
            }
        } else {
            self.drive_held(chunk);
        }
        if self.buf.len() > self.max_buffer {
            let e = Error::BufferLimit {
                limit: self.max_buffer,
                offset: self.offset,
            };
            self.error = Some(e);
            return Err(e);
        }
        Ok(())
    }

    /// Ends the input: decides and writes everything still held back, and returns the
    /// sink.
    ///
    /// # Errors
    ///
    /// The error an earlier [`write`](Rewriter::write) returned, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut rw = rootrel::Rewriter::new("$2$4", Vec::new());
    /// rw.write(b"<a href=/")?; // undecided until the end: `/` needs one more byte
    /// let out = rw.end()?;
    /// assert_eq!(out, b"<a href=/");
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn end(self) -> Result<S, Error> {
        self.finish().map(|(sink, _)| sink)
    }

    /// Like [`end`](Rewriter::end), and also returns the final [`Stats`].
    ///
    /// # Errors
    ///
    /// The error an earlier [`write`](Rewriter::write) returned, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut rw = rootrel::Rewriter::new("[$4]", Vec::new());
    /// rw.write(b"<a href=/x")?;
    /// let (out, stats) = rw.finish()?;
    /// assert_eq!((out, stats.matches), (b"[/x]".to_vec(), 1));
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn finish(mut self) -> Result<(S, Stats), Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let buf = core::mem::take(&mut self.buf);
        let keep = self.drive_chunk(&buf, true, false);
        debug_assert_eq!(keep, buf.len());
        let stats = self.stats();
        Ok((self.sink, stats))
    }

    /// The input bytes and matches seen so far (a match is counted once decided:
    /// [`finish`](Rewriter::finish) gives the final figures).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut rw = rootrel::Rewriter::new("x", Vec::new());
    /// rw.write(b"<a src=/a> <b src=/b")?;
    /// let stats = rw.stats();
    /// assert_eq!((stats.bytes, stats.matches), (20, 1)); // the second is undecided
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn stats(&self) -> Stats {
        Stats {
            bytes: self.bytes,
            matches: self.matches,
        }
    }

    /// The number of bytes held back, undecided, right now.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut rw = rootrel::Rewriter::new("x", Vec::new());
    /// rw.write(b"<a src=/a and the rest of a long tag")?;
    /// assert_eq!(rw.held(), 36);
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn held(&self) -> usize {
        self.buf.len()
    }

    /// The sink.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut rw = rootrel::Rewriter::new("x", Vec::new());
    /// rw.write(b"plain <b")?;
    /// assert_eq!(rw.sink(), b"plain "); // "<b" may still open a match
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn sink(&self) -> &S {
        &self.sink
    }

    /// Scans `chunk` where it lies (nothing is held before it) and holds its undecided
    /// tail.
    fn drive_in_place(&mut self, chunk: &[u8]) {
        debug_assert!(self.buf.is_empty());
        let keep = self.drive_chunk(chunk, false, true);
        if keep < chunk.len() {
            extend(&mut self.buf, &chunk[keep..]);
        }
    }

    /// Appends `more` to the held bytes, scans them all and holds their undecided tail.
    fn drive_held(&mut self, more: &[u8]) {
        extend(&mut self.buf, more);
        let buf = core::mem::take(&mut self.buf);
        let keep = self.drive_chunk(&buf, false, false);
        self.buf = buf;
        self.buf.drain(..keep);
    }

    /// Runs the scanner over `window` (the undecided bytes followed by new input),
    /// writes out what is decided and returns how many leading bytes of `window` are
    /// done with; the scanner's offsets then start after them. `in_place`: `window`
    /// is a chunk scanned where it lies, nothing held before it.
    fn drive_chunk(&mut self, window: &[u8], eof: bool, in_place: bool) -> usize {
        let mut plan = Plan::new(&mut self.replacer);
        // Inserting into a `Vec`, a chunk's bytes up to the first block that may hold a
        // candidate are copied in the pass that searches them.
        let done = match (in_place, &plan, self.sink.as_vec_mut()) {
            (true, Plan::Insert(_), Some(out)) => {
                let skipped = self.scanner.skip_writing(window, out);
                if skipped.finished {
                    // Written up to its undecided end: most chunks hold no link.
                    return self.done_with(skipped.to);
                }
                skipped.to
            }
            _ => 0,
        };
        let mut w = Writing {
            plan: &mut plan,
            sink: &mut self.sink,
            offset: self.offset as usize,
            done,
            matches: 0,
        };
        // The general step finds the window's first match; after each match the
        // scanner's quick path makes those it can decide from the bytes near their
        // literals (links come in groups), and hands the rest back. A window with no
        // match, as most are, costs the general step only.
        let need_more = loop {
            let step = if eof {
                self.scanner.step::<true>(window)
            } else {
                self.scanner.step::<false>(window)
            };
            match step {
                Step::Match(m) => {
                    w.take(window, m, 0);
                    if eof {
                        self.scanner.quick_path::<true, _>(window, &mut w);
                    } else {
                        self.scanner.quick_path::<false, _>(window, &mut w);
                    }
                }
                Step::Done => break false,
                Step::NeedMore => break true,
            }
        };
        let (done, matches) = (w.done, w.matches);
        self.matches += matches;
        let done = if need_more {
            let insert = matches!(plan, Plan::Insert(_));
            self.write_decided(window, done, insert)
        } else {
            self.sink.write(&window[done..]);
            window.len()
        };
        self.done_with(done)
    }

    /// Drops the window's first `done` bytes, written out: the scanner's offsets and
    /// the input's start move on past them. Returns `done`.
    fn done_with(&mut self, done: usize) -> usize {
        self.scanner.shift(done);
        self.offset += done as u64;
        done
    }

    /// After [`Step::NeedMore`], with `window[..done]` written out: writes out the
    /// bytes that are decided and returns where those still held start. `insert`:
    /// the replacement only inserts before group 4.
    fn write_decided(&mut self, window: &[u8], done: usize, insert: bool) -> usize {
        // Inserting into a `Vec`: in the seek phase nothing decided is kept, and the
        // bytes are written as the run state is read.
        if let (true, Some(out)) = (insert, self.sink.as_vec_mut()) {
            if let Some(end) = self.scanner.pending_writing(window, done, out) {
                return end;
            }
        }
        let p = self.scanner.pending(window, !insert);
        // Inserting before group 4 needs nothing before the candidate; any other
        // replacement may use group 1, from the run's `<`.
        let held_from = if insert { p.candidate } else { p.run_start };
        let keep = held_from
            .map_or(p.scan_from, |h| h.min(p.scan_from))
            .max(done);
        self.sink.write(&window[done..keep]);
        keep
    }
}

/// The [`Rewriter`]'s batch for the scanner's quick path: each match written out
/// through the plan as it is made, after the bytes before it.
struct Writing<'w, 'r, R: ?Sized, S: ?Sized> {
    plan: &'w mut Plan<'r, R>,
    sink: &'w mut S,
    /// Where the window starts in the whole input.
    offset: usize,
    /// The bytes of the window written out.
    done: usize,
    matches: u64,
}

impl<R: Replacer + ?Sized, S: Sink + ?Sized> Batch for Writing<'_, '_, R, S> {
    const COPY: bool = false;

    #[inline(always)]
    fn room(&self) -> bool {
        true
    }

    #[inline(always)]
    fn take(&mut self, h: &[u8], m: Match, _: usize) {
        self.matches += 1;
        // Into a `Vec`, the gap and the insertion go in one reservation. This belongs
        // in `Plan::write`'s insertion arm (the one-shot functions send a `Vec` to
        // `insert_all` instead, so only this caller would take it there), but moved
        // there, and inlined into the quick path, it ran the corpus in 4 KiB chunks at
        // 0.990-0.994x, with 1 % more mispredicted branches under callgrind.
        if let (Plan::Insert(ins), Some(out)) = (&*self.plan, self.sink.as_vec_mut()) {
            let at = m.path().start;
            crate::replace::insert_into(out, h, self.done, at, ins);
            self.done = at;
            return;
        }
        self.done = self.plan.write(h, self.done, m, self.offset, self.sink);
    }
}

#[cfg(feature = "std")]
pub use self::io::{rewrite, IoSink};

#[cfg(feature = "std")]
mod io {
    use std::io::{self, BufWriter, Read, Write};

    use super::{Rewriter, Stats};
    use crate::replace::{Replacer, Sink};

    /// A [`Sink`] that writes to a `std::io::Write`, buffered, and keeps the first
    /// error for [`IoSink::into_result`] (later writes are dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// use rootrel::{IoSink, Sink};
    ///
    /// let mut sink = IoSink::new(Vec::new());
    /// sink.write(b"abc");
    /// assert_eq!(sink.into_result()?, b"abc");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[derive(Debug)]
    pub struct IoSink<W: Write> {
        w: BufWriter<W>,
        error: Option<io::Error>,
    }

    impl<W: Write> IoSink<W> {
        /// A sink that writes to `w` through a 64 KiB buffer.
        pub fn new(w: W) -> IoSink<W> {
            IoSink {
                w: BufWriter::with_capacity(64 << 10, w),
                error: None,
            }
        }

        /// A sink that writes every piece straight to `w`, for writers that buffer
        /// already (a `BufWriter`, a `Vec<u8>`).
        ///
        /// # Examples
        ///
        /// ```
        /// use rootrel::{IoSink, Sink};
        ///
        /// let mut out = std::io::BufWriter::new(Vec::new());
        /// let mut sink = IoSink::unbuffered(&mut out);
        /// sink.write(b"abc");
        /// sink.into_result()?;
        /// assert_eq!(out.into_inner().unwrap(), b"abc");
        /// # Ok::<(), std::io::Error>(())
        /// ```
        pub fn unbuffered(w: W) -> IoSink<W> {
            IoSink {
                w: BufWriter::with_capacity(0, w),
                error: None,
            }
        }

        /// Whether a write has failed.
        ///
        /// # Examples
        ///
        /// ```
        /// assert!(!rootrel::IoSink::new(Vec::new()).failed());
        /// ```
        pub fn failed(&self) -> bool {
            self.error.is_some()
        }

        /// Flushes and returns the writer, or the first error.
        ///
        /// # Errors
        ///
        /// The first error of any write, or of the final flush.
        ///
        /// # Examples
        ///
        /// ```
        /// let sink = rootrel::IoSink::new(Vec::new());
        /// assert_eq!(sink.into_result()?, b"");
        /// # Ok::<(), std::io::Error>(())
        /// ```
        pub fn into_result(mut self) -> io::Result<W> {
            if let Some(e) = self.error.take() {
                return Err(e);
            }
            self.w.into_inner().map_err(|e| e.into_error())
        }
    }

    impl<W: Write> Sink for IoSink<W> {
        #[inline]
        fn write(&mut self, bytes: &[u8]) {
            if self.error.is_none() {
                if let Err(e) = self.w.write_all(bytes) {
                    self.error = Some(e);
                }
            }
        }
    }

    /// Rewrites everything `reader` gives into `writer`, streaming in 64 KiB chunks
    /// with the memory bound of [`Rewriter`], and flushes `writer`.
    ///
    /// # Errors
    ///
    /// The first error reading or writing (the writer then holds a correct prefix of
    /// the output), or [`Error::BufferLimit`](crate::Error::BufferLimit) as an
    /// `io::Error` of kind `Other`.
    ///
    /// # Examples
    ///
    /// ```
    /// let base = rootrel::Base::parse("https://go.dev")?;
    /// let mut out = Vec::new();
    /// let stats = rootrel::rewrite(&br#"<a href="/x">"#[..], &mut out, &base)?;
    /// assert_eq!((stats.bytes, stats.matches), (13, 1));
    /// assert_eq!(out, br#"<a href="https://go.dev/x">"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rewrite<Rd: Read, W: Write, R: Replacer>(
        reader: Rd,
        writer: W,
        replacer: R,
    ) -> io::Result<Stats> {
        let mut rw = Rewriter::new(replacer, IoSink::new(writer));
        rw.read_from(reader)?;
        let (sink, stats) = rw.finish().map_err(io::Error::other)?;
        let mut w = sink.into_result()?;
        w.flush()?;
        Ok(stats)
    }

    impl<R: Replacer, W: Write> Rewriter<R, IoSink<W>> {
        /// Feeds everything `reader` gives, in 64 KiB chunks, and stops early if the
        /// sink fails (its error then comes from [`IoSink::into_result`]). Call
        /// [`finish`](Rewriter::finish) or [`end`](Rewriter::end) after it.
        ///
        /// # Errors
        ///
        /// The first error reading, or [`Error::BufferLimit`](crate::Error::BufferLimit)
        /// as an `io::Error` of kind `Other`.
        ///
        /// # Examples
        ///
        /// ```
        /// let mut rw = rootrel::Rewriter::new("[$4]", rootrel::IoSink::new(Vec::new()));
        /// rw.read_from(&b"<a href=/x>"[..])?;
        /// let (sink, stats) = rw.finish().map_err(std::io::Error::other)?;
        /// assert_eq!((sink.into_result()?, stats.matches), (b"[/x]>".to_vec(), 1));
        /// # Ok::<(), std::io::Error>(())
        /// ```
        pub fn read_from<Rd: Read>(&mut self, mut reader: Rd) -> io::Result<()> {
            let mut chunk = std::vec![0u8; 64 << 10];
            while !self.sink.failed() {
                let n = match reader.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                self.write(&chunk[..n]).map_err(io::Error::other)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::vec::Vec;

    use super::*;
    use crate::Base;

    /// The scanner's quick path makes all the matches of a page cut in chunks but the
    /// first of each window, whatever the replacement and the sink; the output is the
    /// one-shot rewrite's.
    #[test]
    fn chunks_take_the_quick_path() {
        // A link every 300 bytes or so: a 4 KiB chunk holds a dozen.
        let h = crate::replace::tests::paragraphs_and_links(400, |i| 8 + i % 5);
        let base = Base::parse("https://go.dev").unwrap();
        // Every group: not an insertion before group 4.
        let template = "[$1|$2|$3|$4]";
        for size in [4096, 1000] {
            // The first match of a window goes the general way: two windows a chunk at
            // most (the seam with the bytes held, and the rest).
            let most = |n: u64, made: usize| n == 400 && made + 2 * h.len().div_ceil(size) >= 400;
            let mut out = Vec::new();
            let mut rw = Rewriter::new(&base, &mut out);
            for c in h.chunks(size) {
                rw.write(c).unwrap();
            }
            let (n, made) = (rw.stats().matches, rw.scanner.quick);
            rw.end().unwrap();
            assert_eq!(out, crate::absolutize(&h, &base).into_owned());
            assert!(most(n, made), "{size}: {made} of {n}");

            let mut out = Vec::new();
            let mut rw = Rewriter::new(template, |b: &[u8]| out.extend_from_slice(b));
            for c in h.chunks(size) {
                rw.write(c).unwrap();
            }
            let (n, made) = (rw.stats().matches, rw.scanner.quick);
            let _ = rw.end().unwrap(); // the closure, done with
            assert_eq!(out, crate::replace_all(&h, template).into_owned());
            assert!(most(n, made), "{size}, a template: {made} of {n}");
        }
    }

    /// The copying search of a window's first bytes (`Scanner::skip_writing`) stops
    /// before each literal whose tail may match, wherever its `=` falls against the
    /// search's blocks, up to the window's last bytes; and the run state it leaves
    /// (open or not, from the last `<` or `>` it passed, however far back) is the
    /// scanner's. Streamed into a `Vec`, the output is the one-shot rewrite's.
    #[test]
    fn skipping_stops_before_every_literal() {
        let base = Base::parse("https://go.dev").unwrap();
        let fillers: [&[u8]; 3] = [
            b"<p>Lorem ipsum.</p>\n",
            // A run open from the window's first byte, with no `<` or `>` after it.
            b"<div data-x='",
            b"a `>` late: >",
        ];
        let mut made = 0;
        for filler in fillers {
            for lit in [&b"href=/x>"[..], b"src=\"/x\">", b" href=x src=/y"] {
                for at in 1000..1140 {
                    for after in [0, 3, 70, 200] {
                        let mut h: Vec<u8> = filler.iter().copied().cycle().take(at).collect();
                        if filler.starts_with(b"<div") {
                            h[1..]
                                .iter_mut()
                                .filter(|b| **b | 2 == b'>')
                                .for_each(|b| *b = b'.');
                        }
                        h.extend_from_slice(lit);
                        h.resize(h.len() + after, b'.');
                        let want = crate::absolutize(&h, &base).into_owned();
                        let mut out = Vec::new();
                        let mut rw = Rewriter::new(&base, &mut out);
                        rw.write(&h).unwrap();
                        made += rw.scanner.skipped;
                        rw.end().unwrap();
                        assert_eq!(out, want, "{}", std::string::String::from_utf8_lossy(&h));
                    }
                }
            }
        }
        if crate::literal::tests::engines().contains(&crate::literal::Engine::Avx2) {
            assert!(made > 0);
        }
    }

    /// A window with no candidate is decided to its end in the copying search's pass
    /// (`Scanner::skip_writing`, with AVX2): up to the longest suffix that may begin a
    /// literal, unless a literal ends in its last 3 bytes, with its tail after them;
    /// the general step and `Scanner::pending_writing` write nothing. The run state
    /// and what is held carry on into the next chunk: the output is the one-shot
    /// rewrite's.
    #[test]
    fn a_window_without_a_candidate_ends_in_its_pass() {
        let base = Base::parse("https://go.dev").unwrap();
        let avx2 = crate::literal::tests::engines().contains(&crate::literal::Engine::Avx2);
        // The longest suffix of `h` that begins `href=` or `src=`, byte by byte.
        let prefix = |h: &[u8]| {
            (0..=4)
                .rev()
                .find(|&k| {
                    let s = &h[h.len() - k..];
                    b"href=".starts_with(s) || b"src=".starts_with(s)
                })
                .unwrap_or(0)
        };
        let ends: [&[u8]; 22] = [
            b"",
            b"h",
            b"hr",
            b"hre",
            b"href",
            b"s",
            b"sr",
            b"src",
            b"src=",
            b"href=",
            b"href=/",
            b"href=\"",
            b"src=\"/",
            b"rc=",
            b"xf=",
            b"f=/",
            b"hrefx",
            b"ssrc",
            b"<",
            b">",
            b"<a href",
            b"<a href=",
        ];
        let nexts: [&[u8]; 4] = [b"/x> after", b"\"/y\">", b"x/z>", b"=/w> <b src=/v>"];
        for filler in [
            &b"<p>Lorem ipsum.</p>\n"[..],
            b"<div data-x='",
            b"text, no angle ",
        ] {
            for len in [1024, 1025, 1087, 1100] {
                for end in ends {
                    let mut first: Vec<u8> = filler.iter().copied().cycle().take(len).collect();
                    first.extend_from_slice(end);
                    let n = first.len();
                    let literal_at_end = (n - 3..n)
                        .any(|eq| first[eq] == b'=' && first[..eq].ends_with(b"href"))
                        || (n - 3..n).any(|eq| first[eq] == b'=' && first[..eq].ends_with(b"src"));
                    for next in nexts {
                        let mut h = first.clone();
                        h.extend_from_slice(next);
                        let want = crate::absolutize(&h, &base).into_owned();
                        let mut out = Vec::new();
                        let mut rw = Rewriter::new(&base, &mut out);
                        rw.write(&first).unwrap();
                        let (written, skipped, held) =
                            (rw.scanner.written, rw.scanner.skipped, rw.held());
                        rw.write(next).unwrap();
                        rw.end().unwrap();
                        let ctx = std::string::String::from_utf8_lossy(&h).into_owned();
                        assert_eq!(out, want, "{ctx}");
                        if avx2 && !literal_at_end {
                            assert_eq!(
                                (written, skipped, held),
                                (0, n - prefix(&first), prefix(&first)),
                                "{ctx}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// A window may end in bytes that only may begin a literal (`h`, `hr`, `hre`,
    /// `href`, `s`, `sr`, `src`), which are held. When the next chunk's first bytes do
    /// not complete one, those bytes are written out and the chunk is scanned where it
    /// lies from its first byte (`Scanner::seam_decided`), its first bytes not copied
    /// to be scanned with them; when they do, the literal is found across the seam.
    /// The output is the one-shot rewrite's either way.
    #[test]
    fn a_held_literal_start_the_next_chunk_does_not_complete_is_written_out() {
        let base = Base::parse("https://go.dev").unwrap();
        let avx2 = crate::literal::tests::engines().contains(&crate::literal::Engine::Avx2);
        let filler = |n: usize| -> Vec<u8> {
            b"<p>Lorem ipsum.</p>\n"
                .iter()
                .copied()
                .cycle()
                .take(n)
                .collect()
        };
        let mut completed = 0;
        for held in ["h", "hr", "hre", "href", "s", "sr", "src"] {
            for run in [&b"<a "[..], b"</a> "] {
                let mut first = filler(1100);
                first.extend_from_slice(run);
                first.extend_from_slice(held.as_bytes());
                // What completes the literal, and what nearly does.
                let mut starts: Vec<Vec<u8>> = std::vec![b"q".to_vec(), b"=/x".to_vec()];
                for lit in ["href=", "src="] {
                    if let Some(rest) = lit.strip_prefix(held) {
                        starts.push(std::format!("{rest}/x>").into_bytes());
                        starts.push(std::format!("{}q", &rest[..rest.len() - 1]).into_bytes());
                    }
                }
                for start in starts {
                    let mut next = start.clone();
                    next.extend_from_slice(&filler(2000));
                    let h = [&first[..], &next[..]].concat();
                    let want = crate::absolutize(&h, &base).into_owned();
                    let literal = want.len() > h.len();
                    completed += usize::from(literal);
                    let mut out = Vec::new();
                    let mut rw = Rewriter::new(&base, &mut out);
                    rw.write(&first).unwrap();
                    assert_eq!(rw.held(), held.len());
                    let before = rw.scanner.skipped;
                    rw.write(&next).unwrap();
                    let skipped = rw.scanner.skipped - before;
                    rw.end().unwrap();
                    let ctx = std::string::String::from_utf8_lossy(&h).into_owned();
                    assert_eq!(out, want, "{ctx}");
                    // The chunk's bytes but its last (`\n`, `</p>` and a suffix that
                    // may begin a literal: none) are written in the copying pass.
                    let whole = !h[first.len() - held.len()..first.len() + 5]
                        .windows(4)
                        .any(|w| w == b"src=" || w == b"href");
                    if avx2 && whole {
                        assert_eq!(skipped, next.len(), "{ctx}");
                    }
                }
            }
        }
        assert!(completed > 0);
    }

    /// A window may start with the `>` that closes a run left open at the end of the
    /// one before (nothing is held: the run has no candidate there), or with a `<`:
    /// the copying search of its first bytes reads its first byte too.
    #[test]
    fn a_window_may_start_by_closing_a_run() {
        let base = Base::parse("https://go.dev").unwrap();
        let avx2 = crate::literal::tests::engines().contains(&crate::literal::Engine::Avx2);
        for first in [b'>', b'<', b'x'] {
            let mut h = b"<div class=x ".to_vec();
            let cut = h.len();
            h.push(first);
            h.resize(cut + 2000, b'.');
            h.extend_from_slice(b" href=/x>");
            h.resize(h.len() + 100, b'.');
            let want = crate::absolutize(&h, &base).into_owned();
            assert_eq!(want.len() > h.len(), first != b'>');
            let mut out = Vec::new();
            let mut rw = Rewriter::new(&base, &mut out);
            rw.write(&h[..cut]).unwrap();
            assert_eq!(rw.held(), 0);
            rw.write(&h[cut..]).unwrap();
            let skipped = rw.scanner.skipped;
            rw.end().unwrap();
            assert_eq!(out, want, "{}", first as char);
            assert!(!avx2 || skipped > 1900, "{skipped}");
        }
    }

    /// Inserting into a `Vec`, a chunk's bytes up to its first candidate are written
    /// in the pass that searches them (`Scanner::skip_writing`, with AVX2, which takes
    /// a chunk with none to its end), and those after its last link up to its end in
    /// the pass that brings the run state there up to date (`Scanner::pending_writing`);
    /// into any other sink they go the general way. The output is the same.
    #[test]
    fn chunk_ends_into_a_vec_are_written_in_one_pass() {
        // A link every 12 KB, between paragraphs and between scripts with no `<` or
        // `>` in them, so that most chunks hold no link and many no angle bracket.
        let mut h = Vec::new();
        for i in 0..40 {
            h.extend_from_slice(b"<p class=\"text\">");
            h.extend_from_slice(&b"Lorem ipsum dolor sit amet. ".repeat(200 + i));
            h.extend_from_slice(b"</p><script>");
            h.extend_from_slice(&b"var x = f(a, b) + 1; ".repeat(300));
            h.extend_from_slice(b"</script><a href=\"/page\">page</a>\n");
        }
        let base = Base::parse("https://go.dev").unwrap();
        let want = crate::absolutize(&h, &base).into_owned();
        for size in [4096, 1000, 65536] {
            let mut out = Vec::new();
            let mut rw = Rewriter::new(&base, &mut out);
            for c in h.chunks(size) {
                rw.write(c).unwrap();
            }
            let (written, skipped) = (rw.scanner.written, rw.scanner.skipped);
            let (_, stats) = rw.finish().unwrap();
            assert_eq!(stats.matches, 40);
            assert_eq!(out, want, "chunks of {size}");
            // The rest: the bytes from a chunk's first candidate to its last link,
            // written with the links (most of the bytes in 64 KiB chunks, which hold
            // five links each).
            let both = written + skipped;
            if size <= 4096 {
                assert!(both > h.len() * 3 / 4, "{size}: {both} of {}", h.len());
            } else {
                assert!(written > 0);
            }
            // Windows shorter than 1 KiB go the general way.
            if size < 1024 {
                assert_eq!(skipped, 0);
            } else if crate::literal::tests::engines().contains(&crate::literal::Engine::Avx2) {
                let most = if size <= 4096 { h.len() / 2 } else { 1 };
                assert!(skipped >= most, "{size}: {skipped} of {}", h.len());
            }

            let mut to_closure = Vec::new();
            let mut rw = Rewriter::new(&base, |b: &[u8]| to_closure.extend_from_slice(b));
            for c in h.chunks(size) {
                rw.write(c).unwrap();
            }
            assert_eq!((rw.scanner.written, rw.scanner.skipped), (0, 0));
            let _ = rw.end().unwrap(); // the closure, done with
            assert_eq!(to_closure, want, "chunks of {size}, into a closure");
        }
    }
}
