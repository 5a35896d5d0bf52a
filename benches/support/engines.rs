//! The engines that do rootrel's job, behind one interface, shared by the criterion
//! benches (`benches/bench.rs`) and the quick report (`examples/report.rs`). Each
//! returns a value derived from its whole result, so the callers can assert it.
#![allow(dead_code)]

use std::borrow::Cow;
use std::hint::black_box;

pub const PATTERN: &str = r"(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])";
pub const BASE: &str = "https://go.dev";
/// The feed readers' replacement, in the regex crate's syntax and PHP's.
pub const REGEX_TEMPLATE: &[u8] = b"${1}${2}${3}https://go.dev${4}";
pub const PHP_TEMPLATE: &str = "${1}${2}${3}https://go.dev${4}";

/// Everything built once, outside the timed loops.
pub struct Engines {
    pub regex: regex::bytes::Regex,
    pub pcre2: pcre2::bytes::Regex,
    pub href: memchr::memmem::Finder<'static>,
    pub src: memchr::memmem::Finder<'static>,
    pub base: rootrel::Base,
}

impl Engines {
    pub fn new() -> Engines {
        Engines {
            regex: regex::bytes::RegexBuilder::new(&format!("(?-u){PATTERN}"))
                .unicode(false)
                .build()
                .unwrap(),
            pcre2: pcre2::bytes::RegexBuilder::new()
                .jit_if_available(true)
                .build(PATTERN)
                .unwrap(),
            href: memchr::memmem::Finder::new(b"href="),
            src: memchr::memmem::Finder::new(b"src="),
            base: rootrel::Base::parse(BASE).unwrap(),
        }
    }

    /// rootrel: number of matches plus the sum of group-4 starts.
    pub fn rootrel_find(&self, h: &[u8]) -> (usize, usize) {
        let mut n = 0;
        let mut sum = 0usize;
        for m in rootrel::find_iter(h) {
            n += 1;
            sum = sum.wrapping_add(m.path().start);
        }
        (n, sum)
    }

    pub fn regex_captures(&self, h: &[u8]) -> (usize, usize) {
        let mut n = 0;
        let mut sum = 0usize;
        for c in self.regex.captures_iter(h) {
            n += 1;
            sum = sum.wrapping_add(c.get(4).unwrap().start());
        }
        (n, sum)
    }

    /// Group 0 only: the number of matches and the sum of their ends minus 2, which is
    /// where group 4 starts.
    pub fn regex_find(&self, h: &[u8]) -> (usize, usize) {
        let mut n = 0;
        let mut sum = 0usize;
        for m in self.regex.find_iter(h) {
            n += 1;
            sum = sum.wrapping_add(m.end() - 2);
        }
        (n, sum)
    }

    pub fn pcre2_captures(&self, h: &[u8]) -> (usize, usize) {
        let mut n = 0;
        let mut sum = 0usize;
        for c in self.pcre2.captures_iter(h) {
            let c = c.expect("pcre2 error");
            n += 1;
            sum = sum.wrapping_add(c.get(4).unwrap().start());
        }
        (n, sum)
    }

    /// The floor: find every `href=`, then every `src=` (two memmem passes).
    pub fn memmem_two_pass(&self, h: &[u8]) -> usize {
        self.href.find_iter(h).count() + self.src.find_iter(h).count()
    }

    /// The ceiling of any one-pass scan: `memchr` for a byte the input lacks.
    pub fn memchr_one_pass(&self, h: &[u8]) -> usize {
        memchr::memchr(0x01, h).map_or(0, |_| 1)
    }

    /// The floor of any one-shot rewrite: copying the input into a new `Vec`.
    pub fn copy(&self, h: &[u8]) -> usize {
        black_box(h.to_vec()).len()
    }

    pub fn rootrel_replace(&self, h: &[u8]) -> usize {
        out_len(rootrel::replace_all(h, PHP_TEMPLATE), h)
    }

    pub fn rootrel_absolutize(&self, h: &[u8]) -> usize {
        out_len(rootrel::absolutize(h, &self.base), h)
    }

    pub fn regex_replace(&self, h: &[u8]) -> usize {
        out_len(self.regex.replace_all(h, REGEX_TEMPLATE), h)
    }

    /// Streaming through 4 KiB chunks into a reused buffer.
    pub fn rootrel_stream(&self, h: &[u8], out: &mut Vec<u8>) -> usize {
        out.clear();
        let mut rw = rootrel::Rewriter::new(&self.base, &mut *out);
        for c in h.chunks(4096) {
            rw.write(c).unwrap();
        }
        rw.end().unwrap();
        out.len()
    }

    /// lol_html making the same links absolute: every `href`/`src` attribute value
    /// that starts with one `/`.
    pub fn lol_html(&self, h: &[u8]) -> usize {
        use lol_html::element;
        let mut out = Vec::with_capacity(h.len() + h.len() / 16);
        let mut rw = lol_html::HtmlRewriter::new(
            lol_html::Settings {
                element_content_handlers: vec![element!("[href], [src]", |el| {
                    for name in ["href", "src"] {
                        if let Some(v) = el.get_attribute(name) {
                            if v.starts_with('/') && !v.starts_with("//") {
                                el.set_attribute(name, &format!("{BASE}{v}"))?;
                            }
                        }
                    }
                    Ok(())
                })],
                ..lol_html::Settings::new()
            },
            |c: &[u8]| out.extend_from_slice(c),
        );
        rw.write(h).unwrap();
        rw.end().unwrap();
        out.len()
    }
}

impl Default for Engines {
    fn default() -> Self {
        Engines::new()
    }
}

fn out_len(c: Cow<'_, [u8]>, h: &[u8]) -> usize {
    match c {
        Cow::Borrowed(b) => b.len(),
        Cow::Owned(v) => {
            assert!(v.len() >= h.len());
            v.len()
        }
    }
}
