//! [`Match`]: the five capture spans of one match, as plain offsets.

use core::fmt;
use core::ops::Range;

/// One match of the seed regex, as byte offsets into the haystack it was found in.
///
/// The groups are numbered as PCRE (and PHP's `preg_match_all`) numbers them:
///
/// | group | pattern piece   | accessor          | example on `<a href="/p">` |
/// |-------|-----------------|-------------------|----------------------------|
/// | 0     | the whole match | [`Match::range`]  | `<a href="/p`              |
/// | 1     | `<\s*[^>]*`     | [`Match::tag`]    | `<a `                      |
/// | 2     | `href=\|src=`   | [`Match::attr`]   | `href=`                    |
/// | 3     | `.?`            | [`Match::quote`]  | `"` (may be empty)         |
/// | 4     | `\/[^\/]`       | [`Match::path`]   | `/p` (always two bytes)    |
///
/// The groups are adjacent: group 1 starts where the match starts, each group starts
/// where the one before it ends, and group 4 ends where the match ends. A `Match` holds
/// only offsets (it is `Copy`); [`Match::as_bytes`] and [`Match::group_bytes`] borrow the
/// text from the haystack on demand.
///
/// # Examples
///
/// ```
/// let html = br#"<p><a href="/docs">docs</a></p>"#;
/// let m = rootrel::find(html).unwrap();
/// assert_eq!(m.range(), 3..14);
/// assert_eq!(m.as_bytes(html), br#"<a href="/d"#);
/// assert_eq!(m.group_bytes(html, 1), b"<a ");
/// assert_eq!(&html[m.attr()], b"href=");
/// assert_eq!(&html[m.quote()], b"\"");
/// assert_eq!(&html[m.path()], b"/d");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Match {
    // INVARIANT: start < attr, attr + 4 <= quote <= path <= quote + 1, and path + 2 is
    // the end of the match; except inside the streaming rewriter when it only inserts
    // before group 4, where offsets of bytes it no longer holds read 0 (it reads only
    // `path` and never shows the match).
    start: usize,
    attr: usize,
    quote: usize,
    path: usize,
}

impl Match {
    /// Builds a match from the start offsets of its groups 1 to 4.
    #[inline]
    pub(crate) fn new(start: usize, attr: usize, quote: usize, path: usize) -> Match {
        debug_assert!(start <= attr && attr <= quote && quote <= path && path <= quote + 1);
        Match {
            start,
            attr,
            quote,
            path,
        }
    }

    /// Returns the same match moved `delta` bytes later, for drivers that scan a window
    /// of a longer stream.
    #[inline]
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn offset(self, delta: usize) -> Match {
        Match {
            start: self.start + delta,
            attr: self.attr + delta,
            quote: self.quote + delta,
            path: self.path + delta,
        }
    }

    /// The offset of the first byte of the match (always a `<`).
    ///
    /// # Examples
    ///
    /// ```
    /// let m = rootrel::find(b"x <img src=/a.png>").unwrap();
    /// assert_eq!(m.start(), 2);
    /// ```
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }

    /// The offset just past the last byte of the match.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = rootrel::find(b"x <img src=/a.png>").unwrap();
    /// assert_eq!(m.end(), 13); // "<img src=/a" ends before ".png"
    /// ```
    #[inline]
    pub fn end(&self) -> usize {
        self.path + 2
    }

    /// The match as a range, `start()..end()`: group 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let html = b"<img src=/a.png>";
    /// let m = rootrel::find(html).unwrap();
    /// assert_eq!(&html[m.range()], b"<img src=/a");
    /// ```
    #[inline]
    pub fn range(&self) -> Range<usize> {
        self.start..self.end()
    }

    /// The length of the match in bytes (at least 7: `<`, `src=`, `/`, one byte).
    ///
    /// # Examples
    ///
    /// ```
    /// let m = rootrel::find(b"<a src=/x").unwrap();
    /// assert_eq!(m.len(), 9);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.end() - self.start
    }

    /// Always `false`: the regex cannot match the empty string. Present because
    /// [`Match::len`] is.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!rootrel::find(b"<a src=/x").unwrap().is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The span of capture group `i`, numbered as PCRE numbers them (see [`Match`]).
    ///
    /// # Panics
    ///
    /// Panics if `i > 4`: the regex has four capture groups. [`Match::get`] returns
    /// `None` instead.
    ///
    /// # Examples
    ///
    /// ```
    /// let html = br#"<a href="/p">"#;
    /// let m = rootrel::find(html).unwrap();
    /// let groups: Vec<&[u8]> = (0..=4).map(|i| &html[m.group(i)]).collect();
    /// assert_eq!(groups, [&b"<a href=\"/p"[..], b"<a ", b"href=", b"\"", b"/p"]);
    /// ```
    #[inline]
    #[track_caller]
    pub fn group(&self, i: usize) -> Range<usize> {
        match self.get(i) {
            Some(r) => r,
            None => panic!("rootrel::Match::group: no group {i}, the regex has groups 0 to 4"),
        }
    }

    /// The span of capture group `i`, or `None` if `i > 4`.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = rootrel::find(b"<a src=/x").unwrap();
    /// assert_eq!(m.get(2), Some(3..7));
    /// assert_eq!(m.get(5), None);
    /// ```
    #[inline]
    pub fn get(&self, i: usize) -> Option<Range<usize>> {
        Some(match i {
            0 => self.range(),
            1 => self.tag(),
            2 => self.attr(),
            3 => self.quote(),
            4 => self.path(),
            _ => return None,
        })
    }

    /// Group 1, `<\s*[^>]*`: from the `<` up to the attribute name that matched.
    ///
    /// # Examples
    ///
    /// ```
    /// let html = b"<img alt=x src=/i.png>";
    /// let m = rootrel::find(html).unwrap();
    /// assert_eq!(&html[m.tag()], b"<img alt=x ");
    /// ```
    #[inline]
    pub fn tag(&self) -> Range<usize> {
        self.start..self.attr
    }

    /// Group 2: the literal `href=` or `src=` (which may end a longer name such as
    /// `data-src=`).
    ///
    /// # Examples
    ///
    /// ```
    /// let html = b"<img data-src=/i.png>";
    /// let m = rootrel::find(html).unwrap();
    /// assert_eq!(&html[m.attr()], b"src=");
    /// ```
    #[inline]
    pub fn attr(&self) -> Range<usize> {
        self.attr..self.quote
    }

    /// Group 3, `.?`: the one byte between `=` and the `/` (usually a quote), or an
    /// empty span when the `/` follows the `=` directly.
    ///
    /// # Examples
    ///
    /// ```
    /// let html = b"<a href=/x>";
    /// let m = rootrel::find(html).unwrap();
    /// assert!(m.quote().is_empty());
    /// assert_eq!(m.quote(), 8..8);
    /// ```
    #[inline]
    pub fn quote(&self) -> Range<usize> {
        self.quote..self.path
    }

    /// Group 4, `\/[^\/]`: the `/` that makes the link root-relative and the byte after
    /// it, which is never a second `/`.
    ///
    /// # Examples
    ///
    /// ```
    /// let html = b"<a href='/about'>";
    /// let m = rootrel::find(html).unwrap();
    /// assert_eq!(&html[m.path()], b"/a");
    /// ```
    #[inline]
    pub fn path(&self) -> Range<usize> {
        self.path..self.path + 2
    }

    /// The bytes of the match in `haystack`, which must be the haystack the match was
    /// found in.
    ///
    /// # Panics
    ///
    /// Panics if the match does not lie within `haystack`.
    ///
    /// # Examples
    ///
    /// ```
    /// let html = b"<a href=/x>";
    /// let m = rootrel::find(html).unwrap();
    /// assert_eq!(m.as_bytes(html), b"<a href=/x");
    /// ```
    #[inline]
    pub fn as_bytes<'h>(&self, haystack: &'h [u8]) -> &'h [u8] {
        &haystack[self.range()]
    }

    /// The bytes of group `i` in `haystack`, which must be the haystack the match was
    /// found in.
    ///
    /// # Panics
    ///
    /// Panics if `i > 4` or if the match does not lie within `haystack`.
    ///
    /// # Examples
    ///
    /// ```
    /// let html = b"<a href=/x>";
    /// let m = rootrel::find(html).unwrap();
    /// assert_eq!(m.group_bytes(html, 4), b"/x");
    /// ```
    #[inline]
    #[track_caller]
    pub fn group_bytes<'h>(&self, haystack: &'h [u8], i: usize) -> &'h [u8] {
        &haystack[self.group(i)]
    }
}

impl fmt::Debug for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Match")
            .field("range", &self.range())
            .field("tag", &self.tag())
            .field("attr", &self.attr())
            .field("quote", &self.quote())
            .field("path", &self.path())
            .finish()
    }
}
