//! Inputs and oracles shared by the fuzz targets.
#![allow(dead_code)]

use std::fmt;

use arbitrary::{Arbitrary, Unstructured};

#[path = "../../tests/support/php_template.rs"]
mod php_template;
#[allow(unused_imports)]
pub use php_template::php_to_regex_template;

pub const PATTERN: &str = r"(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])";

/// Shows bytes as a Rust byte-string literal, ready to paste into a test.
pub struct Lit<'a>(pub &'a [u8]);

impl fmt::Display for Lit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("b\"")?;
        for &b in self.0 {
            match b {
                b'"' => f.write_str("\\\"")?,
                b'\\' => f.write_str("\\\\")?,
                b'\n' => f.write_str("\\n")?,
                b' '..=b'~' => write!(f, "{}", b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        f.write_str("\"")
    }
}

/// A haystack: all the bytes the fuzzer gives (so plain HTML files are seeds as they
/// are). Its `Debug` is a line of Rust to paste into a test.
pub struct Haystack(pub Vec<u8>);

impl<'a> Arbitrary<'a> for Haystack {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Haystack(u.bytes(u.len())?.to_vec()))
    }
    fn arbitrary_take_rest(u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Haystack(u.take_rest().to_vec()))
    }
}

impl fmt::Debug for Haystack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "let haystack: &[u8] = {};", Lit(&self.0))
    }
}

pub fn regex() -> regex::bytes::Regex {
    regex::bytes::RegexBuilder::new(&format!("(?-u){PATTERN}"))
        .unicode(false)
        .build()
        .unwrap()
}

pub fn regex_spans(re: &regex::bytes::Regex, h: &[u8]) -> Vec<[std::ops::Range<usize>; 5]> {
    re.captures_iter(h)
        .map(|c| std::array::from_fn(|i| c.get(i).unwrap().range()))
        .collect()
}

pub fn rootrel_spans(h: &[u8]) -> Vec<[std::ops::Range<usize>; 5]> {
    rootrel::find_iter(h).map(|m| std::array::from_fn(|i| m.group(i))).collect()
}
