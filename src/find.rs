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
        buf: [Match::new(0, 0, 4, 4); BATCH],
        next: 0,
        len: 0,
        want: 1,
        done: false,
    }
}

/// The most matches a [`FindIter`] finds ahead of those it has returned.
const BATCH: usize = 16;

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
    // The iterator's first search asks for one match only.
    find_iter(haystack).next()
}

/// An iterator over the matches in a haystack, created by [`find_iter`].
///
/// `'h` is the lifetime of the haystack. The iterator yields [`Match`] values in
/// increasing order of offset and is fused: once it returns `None` it always does.
/// It finds matches a few at a time (one, then two, up to sixteen), so it may have
/// searched a little past the last match it returned.
#[derive(Clone)]
pub struct FindIter<'h> {
    haystack: &'h [u8],
    scanner: Scanner,
    /// Matches found and not yet returned: `buf[next..len]`.
    buf: [Match; BATCH],
    next: usize,
    len: usize,
    /// How many matches the next search may find: 1 at first, so that taking only the
    /// first match (as [`find`] does) searches no further, then doubling up to `BATCH`.
    want: usize,
    done: bool,
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
        if self.next < self.len {
            self.next += 1;
            return Some(self.buf[self.next - 1]);
        }
        if self.done {
            return None;
        }
        let (n, done) = self
            .scanner
            .find_batch(self.haystack, &mut self.buf[..self.want]);
        self.want = (self.want * 2).min(BATCH);
        self.done = done;
        (self.next, self.len) = (1, n);
        (n > 0).then(|| self.buf[0])
    }
}

impl FusedIterator for FindIter<'_> {}

impl fmt::Debug for FindIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindIter")
            .field("haystack_len", &self.haystack.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::vec::Vec;

    /// The iterator asks for 1, 2, 4, 8, then 16 matches at a time: taking the first
    /// match (all that `find` does) searches for that one only.
    #[test]
    fn batches_grow_from_one() {
        let h = b"<a href=/x>".repeat(100);
        let mut it = super::find_iter(&h);
        let mut sizes = Vec::new();
        while it.next().is_some() {
            if it.next == 1 {
                sizes.push(it.len);
            }
        }
        assert_eq!(sizes, [1, 2, 4, 8, 16, 16, 16, 16, 16, 5]);
    }
}
