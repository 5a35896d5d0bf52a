//! The streaming driver: [`Rewriter`] rewrites input that arrives in chunks, holding
//! back only the bytes whose output is still undecided.

use alloc::vec::Vec;
use core::fmt;

use crate::replace::{Captures, Plan, Replacer, Sink};
use crate::scan::Scanner;
use crate::Match;

/// The default for [`Rewriter::with_max_buffer`]: 64 MiB.
pub const DEFAULT_MAX_BUFFER: usize = 64 << 20;

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
    window: Window,
    replacer: R,
    sink: S,
}

/// The state of a stream shared by [`Rewriter`] and [`Finder`]: the scanner and the
/// bytes it has not decided yet.
#[derive(Debug)]
struct Window {
    scanner: Scanner,
    /// INVARIANT: exactly the input bytes not yet decided (written, or passed to the
    /// caller), in order; `buf[0]` is stream offset `offset`.
    buf: Vec<u8>,
    offset: u64,
    max_buffer: usize,
    error: Option<Error>,
    bytes: u64,
    matches: u64,
}

/// What [`Window::drive`] hands its caller: a decided match, then where the decided
/// bytes end, each with the window and its stream offset.
enum Step {
    Match(Match),
    Decided(usize),
}

impl Window {
    fn new() -> Window {
        Window {
            scanner: Scanner::new(),
            buf: Vec::new(),
            offset: 0,
            max_buffer: DEFAULT_MAX_BUFFER,
            error: None,
            bytes: 0,
            matches: 0,
        }
    }

    /// Feeds `chunk`: hands `each` the matches it decides and where the decided bytes
    /// end, and keeps the rest. `whole_run`: the caller needs each match's group 1.
    fn write(
        &mut self,
        chunk: &[u8],
        whole_run: bool,
        each: &mut impl FnMut(&[u8], u64, Step),
    ) -> Result<(), Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.bytes += chunk.len() as u64;
        if self.buf.is_empty() {
            // Scanned where it lies; only its undecided end is copied.
            let done = self.drive(chunk, false, whole_run, each);
            self.buf.extend_from_slice(&chunk[done..]);
        } else {
            let mut buf = core::mem::take(&mut self.buf);
            buf.extend_from_slice(chunk);
            let done = self.drive(&buf, false, whole_run, each);
            buf.drain(..done);
            self.buf = buf;
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

    /// Ends the input: decides everything held.
    fn end(&mut self, each: &mut impl FnMut(&[u8], u64, Step)) -> Result<(), Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let buf = core::mem::take(&mut self.buf);
        self.drive(&buf, true, true, each);
        Ok(())
    }

    /// Hands `each` the matches `window` decides, then the offset where the undecided
    /// bytes start (the end, with `eof`); returns that offset.
    fn drive(
        &mut self,
        window: &[u8],
        eof: bool,
        whole_run: bool,
        each: &mut impl FnMut(&[u8], u64, Step),
    ) -> usize {
        while let Some(m) = self.scanner.next_match(window, eof) {
            each(window, self.offset, Step::Match(m));
            self.matches += 1;
        }
        let decided = if eof {
            window.len()
        } else {
            self.scanner.undecided(whole_run)
        };
        each(window, self.offset, Step::Decided(decided));
        self.scanner.shift(decided);
        self.offset += decided as u64;
        decided
    }

    fn stats(&self) -> Stats {
        Stats {
            bytes: self.bytes,
            matches: self.matches,
        }
    }
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
            window: Window::new(),
            replacer,
            sink,
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
        self.window.max_buffer = max_buffer.max(16);
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
        let mut plan = Plan::new(&mut self.replacer);
        let whole_run = matches!(plan, Plan::Replace(_));
        let sink = &mut self.sink;
        let mut done = 0;
        self.window.write(chunk, whole_run, &mut |w, offset, step| {
            done = write_step(&mut plan, sink, w, offset, step, done);
        })
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
        let mut plan = Plan::new(&mut self.replacer);
        let sink = &mut self.sink;
        let mut done = 0;
        self.window.end(&mut |w, offset, step| {
            done = write_step(&mut plan, sink, w, offset, step, done);
        })?;
        let stats = self.window.stats();
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
        self.window.stats()
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
        self.window.buf.len()
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

    /// The sink, mutably: to take the output written so far between chunks, for
    /// instance. The rewriter only ever appends to it.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut rw = rootrel::Rewriter::new("$1$2$3https://h$4", Vec::new());
    /// rw.write(b"<a href=/x> <b")?;
    /// let first = std::mem::take(rw.sink_mut());
    /// assert_eq!(first, b"<a href=https://h/x> <b");
    /// rw.write(b" src=/y>")?;
    /// assert_eq!(rw.end()?, b" src=https://h/y>");
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn sink_mut(&mut self) -> &mut S {
        &mut self.sink
    }
}

/// The rewriter's part of a [`Step`]: a match's gap and replacement, or the decided
/// bytes after the last match; returns where the unwritten bytes of `window` start.
fn write_step<R: Replacer + ?Sized, S: Sink + ?Sized>(
    plan: &mut Plan<'_, R>,
    sink: &mut S,
    window: &[u8],
    offset: u64,
    step: Step,
    done: usize,
) -> usize {
    match step {
        Step::Match(m) => plan.write(window, done, m, offset as usize, sink),
        Step::Decided(decided) => {
            sink.write(&window[done..decided]);
            0
        }
    }
}

/// Finds the matches of a stream fed in chunks, each handed over with the bytes it was
/// found in and its offsets in the whole stream: the same matches as
/// [`find_iter`](crate::find_iter) on the whole input, however it is cut.
///
/// # Memory
///
/// A match is handed over once no byte to come can change it, which takes the `>` that
/// ends its `<…` run; the finder holds that run meanwhile (its group 1), so memory is
/// bounded by the longest run with a candidate, capped at 64 MiB by default
/// ([`with_max_buffer`](Finder::with_max_buffer)); past the cap, `write` returns
/// [`Error::BufferLimit`]. Offsets are `usize`: on 32-bit targets a stream longer
/// than 4 GiB wraps them.
///
/// # Examples
///
/// ```
/// let mut found = Vec::new();
/// let mut f = rootrel::Finder::new();
/// for chunk in [&b"<a hr"[..], b"ef=\"/p", b"kg\"> <img src=/i.png>"] {
///     f.write(chunk, |caps| found.push((caps.as_match().start(), caps.as_bytes().to_vec())))?;
/// }
/// f.end(|caps| found.push((caps.as_match().start(), caps.as_bytes().to_vec())))?;
/// assert_eq!(found, [(0, br#"<a href="/p"#.to_vec()), (16, b"<img src=/i".to_vec())]);
/// # Ok::<(), rootrel::Error>(())
/// ```
#[derive(Debug)]
pub struct Finder {
    window: Window,
}

impl Default for Finder {
    fn default() -> Finder {
        Finder::new()
    }
}

impl Finder {
    /// A finder at the start of a stream.
    ///
    /// # Examples
    ///
    /// ```
    /// let f = rootrel::Finder::new();
    /// assert_eq!(f.stats().bytes, 0);
    /// ```
    pub fn new() -> Finder {
        Finder {
            window: Window::new(),
        }
    }

    /// Caps the bytes held back at `max_buffer` (at least 16).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut f = rootrel::Finder::new().with_max_buffer(16);
    /// let err = f.write(b"<div class=\"a long run with no end", |_| {}).unwrap_err();
    /// assert!(matches!(err, rootrel::Error::BufferLimit { limit: 16, offset: 0 }));
    /// ```
    pub fn with_max_buffer(mut self, max_buffer: usize) -> Finder {
        self.window.max_buffer = max_buffer.max(16);
        self
    }

    /// Feeds the next chunk; `each` gets every match it decides, in order.
    ///
    /// # Errors
    ///
    /// [`Error::BufferLimit`] if the held bytes outgrow the cap; then and after, every
    /// call returns that error.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut n = 0;
    /// let mut f = rootrel::Finder::new();
    /// for b in b"<a href=/x> <b src=/y>" {
    ///     f.write(std::slice::from_ref(b), |_| n += 1)?; // one byte at a time
    /// }
    /// f.end(|_| n += 1)?;
    /// assert_eq!(n, 2);
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn write(
        &mut self,
        chunk: &[u8],
        mut each: impl FnMut(&Captures<'_>),
    ) -> Result<(), Error> {
        self.window.write(chunk, true, &mut |w, offset, step| {
            if let Step::Match(m) = step {
                each(&Captures::new(w, m, offset as usize));
            }
        })
    }

    /// Ends the stream: `each` gets the matches still held; returns the [`Stats`].
    ///
    /// # Errors
    ///
    /// The error an earlier [`write`](Finder::write) returned, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut f = rootrel::Finder::new();
    /// let mut paths = Vec::new();
    /// f.write(b"<a href=/x", |c| paths.push(c.get(4).unwrap().to_vec()))?;
    /// assert!(paths.is_empty()); // a later candidate in the run could replace it
    /// let stats = f.end(|c| paths.push(c.get(4).unwrap().to_vec()))?;
    /// assert_eq!((paths, stats.matches), (vec![b"/x".to_vec()], 1));
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn end(mut self, mut each: impl FnMut(&Captures<'_>)) -> Result<Stats, Error> {
        self.window.end(&mut |w, offset, step| {
            if let Step::Match(m) = step {
                each(&Captures::new(w, m, offset as usize));
            }
        })?;
        Ok(self.window.stats())
    }

    /// The input bytes and matches seen so far.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut f = rootrel::Finder::new();
    /// f.write(b"<a src=/a> <b src=/b", |_| {})?;
    /// assert_eq!((f.stats().bytes, f.stats().matches), (20, 1));
    /// # Ok::<(), rootrel::Error>(())
    /// ```
    pub fn stats(&self) -> Stats {
        self.window.stats()
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
