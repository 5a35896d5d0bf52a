//! Find and rewrite root-relative links (`href="/…"`, `src="/…"`) in HTML, exactly as
//! the regular expression
//!
//! ```text
//! /(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m
//! ```
//!
//! finds them in PHP, but in linear time, without allocating, and without ever failing.
//!
//! PHP feed readers run that regex through `preg_replace` to make links absolute. On
//! large inputs (a page with a 1 MB inline image is enough) PCRE hits its backtrack
//! limit, `preg_replace` returns `NULL`, and the document is lost. rootrel is a
//! hand-written byte scanner with the regex's exact semantics, quirks included: the
//! same matches, with the same five capture spans, for every byte string.
//!
//! # Example
//!
//! ```
//! let html = br#"<a href="/blog/">Blog</a> <script src="/js/play.js"></script>"#;
//! let found: Vec<&[u8]> = rootrel::find_iter(html).map(|m| m.as_bytes(html)).collect();
//! assert_eq!(found, [&br#"<a href="/b"#[..], br#"<script src="/j"#]);
//!
//! let m = rootrel::find(html).unwrap();
//! assert_eq!(m.group_bytes(html, 1), b"<a ");
//! assert_eq!(m.group_bytes(html, 2), b"href=");
//! assert_eq!(m.group_bytes(html, 3), b"\"");
//! assert_eq!(m.group_bytes(html, 4), b"/b");
//! ```
//!
//! # Semantics
//!
//! Byte semantics (PHP without the `/u` flag): `.` is any byte but `\n`, matching is
//! case-sensitive, leftmost-first and non-overlapping. Because `[^>]*` is greedy, only
//! the **last** qualifying `href=`/`src=` of a `<…` run matches, `data-src=` counts as
//! `src=`, `href="//cdn"` does not match but unquoted `href=//cdn` does (group 3 is the
//! first `/`), and a match may end past the `>` that closes its run (`<a href=>/x`).
//! Matches are found inside scripts, comments and attribute values alike: this is the
//! regex, not an HTML parser.
//!
//! # Crate features
//!
//! * `std` (default): `std::error::Error` impls, [`IoSink`], [`rewrite`] and
//!   [`replace_all_write`]; enables `alloc`.
//! * `alloc`: rewriting: [`replace_all`], [`absolutize`], [`Base`], [`Rewriter`].
//!
//! The crate is always `#![no_std]`; with no features, [`find_iter`] and [`find()`] work
//! unchanged.

#![no_std]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

/// The README's examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
#[cfg(any(feature = "std", test))]
extern crate std;

#[cfg(feature = "alloc")]
mod base;
mod find;
mod literal;
mod matches;
#[cfg(feature = "alloc")]
mod replace;
mod scan;
#[cfg(feature = "alloc")]
mod stream;
#[cfg(feature = "alloc")]
mod template;
mod vector;

#[cfg(feature = "alloc")]
pub use crate::base::{absolutize, Base, BaseError};
pub use crate::find::{find, find_iter, FindIter};
pub use crate::matches::Match;
#[cfg(feature = "std")]
pub use crate::replace::replace_all_write;
#[cfg(feature = "alloc")]
pub use crate::replace::{
    replace_all, replace_all_into, replace_all_to, Captures, NoExpand, Replacer, Sink,
};
#[cfg(feature = "std")]
pub use crate::stream::{rewrite, IoSink, Stats};
#[cfg(feature = "alloc")]
pub use crate::stream::{Error, Finder, Rewriter, DEFAULT_MAX_BUFFER};
