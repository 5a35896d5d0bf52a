//! The slice driver: [`find_iter`] and [`find`].

use core::fmt;
use core::iter::FusedIterator;

use crate::scan::Scanner;
use crate::Match;

/// Returns an iterator over the matches of the seed regex in `haystack`, in order.
///
/// The matches are exactly those of PHP's
/// `preg_match_all('/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m', $haystack, $m, PREG_SET_ORDER)`:
/// leftmost-first, non-overlapping, byte by byte, for any bytes (UTF-8 or not, HTML or
/// not). The iterator allocates nothing and examines each byte a bounded number of
/// times, so a whole iteration takes time linear in `haystack.len()`.
///
/// # Examples
///
/// ```
/// let html = br#"<a href="/docs">Docs</a> <img src="/logo.png"> <a href="https://x.org/">"#;
/// let links: Vec<&[u8]> = rootrel::find_iter(html)
///     .map(|m| &html[m.path().start..])
///     .map(|rest| &rest[..rest.iter().position(|&b| b == b'"').unwrap()])
///     .collect();
/// assert_eq!(links, [&b"/docs"[..], b"/logo.png"]);
/// ```
///
/// The quirks of the regex are kept, for instance only the last qualifying attribute
/// of a tag matches, `data-src=` counts as `src=`, and a match may run past the `>`:
///
/// ```
/// let html = br#"<img src="/a.png" data-src="/b.png"><a href=>/x"#;
/// let spans: Vec<_> = rootrel::find_iter(html).map(|m| m.attr()).collect();
/// assert_eq!(spans, [23..27, 39..44]);
/// ```
pub fn find_iter(haystack: &[u8]) -> FindIter<'_> {
    FindIter {
        haystack,
        scanner: Scanner::new(),
    }
}

/// Returns the first match of the seed regex in `haystack`, if any.
///
/// The same as `find_iter(haystack).next()`.
///
/// # Examples
///
/// ```
/// let m = rootrel::find(b"<link rel=icon href=/favicon.ico>").unwrap();
/// assert_eq!(m.range(), 0..22);
/// assert_eq!(rootrel::find(br#"<a href="https://example.org/">"#), None);
/// ```
pub fn find(haystack: &[u8]) -> Option<Match> {
    find_iter(haystack).next()
}

/// An iterator over the matches in a haystack, created by [`find_iter`].
///
/// `'h` is the lifetime of the haystack. The iterator yields [`Match`] values in
/// increasing order of offset and is fused: once it returns `None` it always does.
/// To decide a match it reads on to the `>` that ends the match's `<…` run.
#[derive(Clone)]
pub struct FindIter<'h> {
    haystack: &'h [u8],
    scanner: Scanner,
}

impl<'h> FindIter<'h> {
    /// The haystack this iterator searches.
    ///
    /// # Examples
    ///
    /// ```
    /// let it = rootrel::find_iter(b"<a href=/x>");
    /// assert_eq!(it.haystack(), b"<a href=/x>");
    /// ```
    pub fn haystack(&self) -> &'h [u8] {
        self.haystack
    }
}

impl Iterator for FindIter<'_> {
    type Item = Match;

    #[inline]
    fn next(&mut self) -> Option<Match> {
        self.scanner.next_match(self.haystack, true)
    }
}

impl FusedIterator for FindIter<'_> {}

impl fmt::Debug for FindIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindIter")
            .field("haystack_len", &self.haystack.len())
            .finish_non_exhaustive()
    }
}
