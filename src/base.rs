//! [`Base`]: a validated absolute URL to put in front of root-relative links, and
//! [`absolutize`], the feed readers' job.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use crate::replace::{replace_all, Captures, Replacer, Sink};

/// An absolute `http` or `https` URL (scheme, host, optional port and path) that is
/// safe to insert into an attribute value.
///
/// Made by [`Base::parse`], which refuses anything that could end the attribute value
/// or inject markup. Trailing `/` bytes are removed: group 4 of every match starts with
/// `/`, so `https://go.dev/` and `https://go.dev` both turn `/pkg` into
/// `https://go.dev/pkg` (not `https://go.dev//pkg`).
///
/// # Examples
///
/// ```
/// let base = rootrel::Base::parse("https://go.dev/")?;
/// assert_eq!(base.as_str(), "https://go.dev");
/// let out = rootrel::absolutize(br#"<a href="/pkg">"#, &base);
/// assert_eq!(&out[..], br#"<a href="https://go.dev/pkg">"#);
/// # Ok::<(), rootrel::BaseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Base {
    url: String,
}

/// Why [`Base::parse`] refused a URL.
///
/// Its `Display` is one line naming what is wrong and where.
///
/// # Examples
///
/// ```
/// let err = rootrel::Base::parse("https://go.dev\"><script>").unwrap_err();
/// assert_eq!(err.position(), Some(14));
/// assert_eq!(
///     err.to_string(),
///     "invalid base URL: '\"' at byte 14 is not allowed (it could end the attribute value or inject markup)"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaseError {
    /// The URL does not start with `http://` or `https://`.
    Scheme,
    /// No host after the scheme.
    EmptyHost,
    /// A character that could break out of an attribute value or inject markup:
    /// quotes, `<`, `>`, backtick, whitespace, control characters.
    Forbidden {
        /// The character.
        ch: char,
        /// Its byte offset in the URL.
        position: usize,
    },
    /// A character that has no place in the host, port or path of a base URL
    /// (including `?` and `#`: the link's path is appended after the base).
    Unexpected {
        /// The character.
        ch: char,
        /// Its byte offset in the URL.
        position: usize,
    },
    /// The port is not a number from 0 to 65535.
    Port {
        /// Byte offset of the port.
        position: usize,
    },
}

impl BaseError {
    /// The byte offset the error points at, if it points at one.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rootrel::Base::parse("https://a b").unwrap_err().position(), Some(9));
    /// assert_eq!(rootrel::Base::parse("ftp://a").unwrap_err().position(), None);
    /// ```
    pub fn position(&self) -> Option<usize> {
        match *self {
            BaseError::Scheme | BaseError::EmptyHost => None,
            BaseError::Forbidden { position, .. }
            | BaseError::Unexpected { position, .. }
            | BaseError::Port { position } => Some(position),
        }
    }
}

impl fmt::Display for BaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid base URL: ")?;
        match *self {
            BaseError::Scheme => f.write_str("it must start with http:// or https://"),
            BaseError::EmptyHost => f.write_str("no host after the scheme"),
            BaseError::Forbidden { ch, position } => write!(
                f,
                "{:?} at byte {position} is not allowed (it could end the attribute value or inject markup)",
                ch
            ),
            BaseError::Unexpected { ch, position } => write!(
                f,
                "{ch:?} at byte {position} is not allowed in a base URL (scheme, host, optional port and path only)"
            ),
            BaseError::Port { position } => {
                write!(f, "the port at byte {position} is not a number from 0 to 65535")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BaseError {}

/// Characters that could end an attribute value or start markup.
fn forbidden(c: char) -> bool {
    matches!(c, '"' | '\'' | '<' | '>' | '`') || c.is_whitespace() || c.is_control()
}

/// RFC 3986 unreserved and sub-delimiters (less the quote), `%`, `:` and `@`: what
/// may appear in a host or path.
fn url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&()*+,;=%:@".contains(&b)
}

impl Base {
    /// Checks `url` and makes a `Base` of it.
    ///
    /// Accepted: `http://` or `https://` (in any case), a non-empty host (a name, an
    /// IPv4 address or a bracketed IPv6 address), an optional `:port`, an optional
    /// path. Trailing `/` bytes are removed (see [`Base`]).
    ///
    /// # Errors
    ///
    /// [`BaseError`] naming the offending character and its byte offset: quotes, `<`,
    /// `>`, backtick, whitespace and control characters are [`BaseError::Forbidden`];
    /// other characters a URL's host or path cannot hold (`?`, `#`, `\`, non-ASCII, …)
    /// are [`BaseError::Unexpected`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rootrel::{Base, BaseError};
    ///
    /// assert_eq!(Base::parse("http://localhost:8080/blog/")?.as_str(), "http://localhost:8080/blog");
    /// assert_eq!(
    ///     Base::parse("https://go.dev/ onload=alert(1)"),
    ///     Err(BaseError::Forbidden { ch: ' ', position: 15 })
    /// );
    /// assert_eq!(Base::parse("javascript:alert(1)"), Err(BaseError::Scheme));
    /// # Ok::<(), BaseError>(())
    /// ```
    pub fn parse(url: &str) -> Result<Base, BaseError> {
        // Markup-breaking characters first, wherever they are.
        if let Some((position, ch)) = url.char_indices().find(|&(_, c)| forbidden(c)) {
            return Err(BaseError::Forbidden { ch, position });
        }
        let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
        let host_start = if lower(7).as_deref() == Some("http://") {
            7
        } else if lower(8).as_deref() == Some("https://") {
            8
        } else {
            return Err(BaseError::Scheme);
        };
        let bytes = url.as_bytes();
        let unexpected = |position: usize| BaseError::Unexpected {
            ch: url[position..].chars().next().unwrap_or('\0'),
            position,
        };
        // Host: up to ':' or '/' (a bracketed IPv6 address may hold ':').
        let mut i = host_start;
        if bytes.get(i) == Some(&b'[') {
            i += 1;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b']' => break,
                    b if b.is_ascii_hexdigit() || b == b':' || b == b'.' => i += 1,
                    _ => return Err(unexpected(i)),
                }
            }
            if bytes.get(i) != Some(&b']') {
                return Err(BaseError::EmptyHost);
            }
            i += 1;
        } else {
            while let Some(&b) = bytes.get(i) {
                match b {
                    b':' | b'/' => break,
                    b if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_' => i += 1,
                    _ => return Err(unexpected(i)),
                }
            }
        }
        if i == host_start {
            return Err(BaseError::EmptyHost);
        }
        if bytes.get(i) == Some(&b':') {
            let start = i + 1;
            let mut end = start;
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            let port_ok = end > start
                && end - start <= 5
                && url[start..end].parse::<u32>().is_ok_and(|p| p <= 65535);
            if !port_ok {
                return Err(BaseError::Port { position: start });
            }
            i = end;
        }
        match bytes.get(i) {
            None | Some(b'/') => {}
            Some(_) => return Err(unexpected(i)),
        }
        while let Some(&b) = bytes.get(i) {
            if b != b'/' && !url_byte(b) {
                return Err(unexpected(i));
            }
            i += 1;
        }
        Ok(Base {
            url: String::from(url.trim_end_matches('/')),
        })
    }

    /// The URL as accepted, without trailing `/`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rootrel::Base::parse("https://go.dev//")?.as_str(), "https://go.dev");
    /// # Ok::<(), rootrel::BaseError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.url
    }
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl core::str::FromStr for Base {
    type Err = BaseError;

    fn from_str(s: &str) -> Result<Base, BaseError> {
        Base::parse(s)
    }
}

/// `$1$2$3{base}$4`: the match with the base inserted before group 4, for a `Base`
/// borrowed or owned (a [`Rewriter`](crate::Rewriter) that keeps its base).
macro_rules! base_replacers {
    ($($ty:ty),*) => {$(
        impl Replacer for $ty {
            #[inline]
            fn replace_append<S: Sink + ?Sized>(&mut self, caps: &Captures<'_>, dst: &mut S) {
                let whole = caps.as_bytes();
                let split = whole.len() - 2;
                dst.write(&whole[..split]);
                dst.write(self.url.as_bytes());
                dst.write(&whole[split..]);
            }

            #[inline]
            fn insertion(&mut self) -> Option<&[u8]> {
                Some(self.url.as_bytes())
            }
        }
    )*};
}

base_replacers!(&Base, Base);

/// Makes root-relative links absolute: the feed readers'
/// `preg_replace($re, '$1$2$3' . $base . '$4', $html)`, without its failures.
///
/// Equal to `replace_all(haystack, format!("$1$2$3{base}$4"))` for every input (and
/// to PHP's output wherever PHP returns one). `Cow::Borrowed` when nothing matched.
///
/// # Examples
///
/// ```
/// let base = rootrel::Base::parse("https://go.dev")?;
/// let html = br#"<a href="/blog/">Blog</a> <a href="//cdn.example/x">cdn</a>"#;
/// let out = rootrel::absolutize(html, &base);
/// assert_eq!(&out[..], br#"<a href="https://go.dev/blog/">Blog</a> <a href="//cdn.example/x">cdn</a>"#);
/// # Ok::<(), rootrel::BaseError>(())
/// ```
pub fn absolutize<'h>(haystack: &'h [u8], base: &Base) -> Cow<'h, [u8]> {
    replace_all(haystack, base)
}
