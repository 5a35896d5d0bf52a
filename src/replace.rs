//! Rewriting: [`Replacer`], [`Sink`], [`Captures`] and the one-shot entry points.

use alloc::borrow::Cow;
use alloc::vec::Vec;

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
}

impl Sink for Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for &mut Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
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
/// - `&str`, `&[u8]`, `&[u8; N]`, `&String` and `&Vec<u8>`, and owned `String` and
///   `Vec<u8>`: templates with exactly PHP's `preg_replace` rules: `$n`, `${n}` and `\n`
///   for n = 0 to 99 (groups that do not exist give the empty string), `\\` and `\$`
///   escapes, everything else literal;
/// - closures `FnMut(&Match) -> T` where `T: AsRef<[u8]>`: the bytes returned replace
///   the match (offsets as in [`Captures::as_match`]);
/// - [`NoExpand`]: literal bytes, no expansion;
/// - [`Base`](crate::Base) and `&Base`: the feed readers' `$1$2$3{base}$4`.
///
/// The owned forms let a [`Rewriter`](crate::Rewriter) keep its replacer, with no
/// lifetime to carry.
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
///
/// // A rewriter that owns its base (or its template, as a `String` or `Vec<u8>`).
/// struct Feed {
///     rw: rootrel::Rewriter<rootrel::Base, Vec<u8>>,
/// }
/// let base = rootrel::Base::parse("https://go.dev").unwrap();
/// let mut feed = Feed { rw: rootrel::Rewriter::new(base, Vec::new()) };
/// feed.rw.write(html).unwrap();
/// assert_eq!(feed.rw.end().unwrap(), br#"<a href="https://go.dev/pkg">pkg</a>"#);
/// let owned = rootrel::replace_all(html, b"$1$2$3https://go.dev$4".to_vec());
/// assert_eq!(owned, rootrel::replace_all(html, "$1$2$3https://go.dev$4"));
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
                expand_template(AsRef::<[u8]>::as_ref(self), caps, dst);
            }

            #[inline]
            fn insertion(&mut self) -> Option<&[u8]> {
                template::insertion(AsRef::<[u8]>::as_ref(self))
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
    impl for alloc::string::String;
    impl for Vec<u8>;
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
fn replace_to<R, S>(haystack: &[u8], mut rep: R, dst: &mut S) -> usize
where
    R: Replacer,
    S: Sink + ?Sized,
{
    replace_matches(haystack, find_iter(haystack), &mut rep, dst)
}

/// Writes `haystack` with `matches` (its matches, in order) replaced to `dst`; returns
/// their number.
fn replace_matches<R, S>(
    haystack: &[u8],
    matches: impl Iterator<Item = Match>,
    rep: &mut R,
    dst: &mut S,
) -> usize
where
    R: Replacer,
    S: Sink + ?Sized,
{
    let mut plan = Plan::new(rep);
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
    let mut it = find_iter(haystack);
    let Some(first) = it.next() else {
        return Cow::Borrowed(haystack);
    };
    let mut out = Vec::with_capacity(haystack.len() + haystack.len() / 16);
    replace_matches(
        haystack,
        core::iter::once(first).chain(it),
        &mut rep,
        &mut out,
    );
    Cow::Owned(out)
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
