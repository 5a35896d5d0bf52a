//! `replace_all` with fuzz-chosen PHP templates, and `absolutize`, against the regex
//! crate's `replace_all` with the equivalent template.
#![no_main]

#[path = "common.rs"]
mod common;

use std::fmt;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use common::*;
use libfuzzer_sys::fuzz_target;

/// Template pieces: every reference form, the escapes, the near-misses.
const PIECES: &[&[u8]] = &[
    b"$0", b"$1", b"$2", b"$3", b"$4", b"$5", b"$12", b"$99", b"${1}", b"${4}", b"${10}",
    b"${123}", b"${1", b"${", b"$", b"\\", b"\\\\", b"\\$", b"\\0", b"\\4", b"\\42", b"{", b"}",
    b"0", b"x", b"https://go.dev",
];

struct Input {
    template: Vec<u8>,
    host: String,
    haystack: Haystack,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=8)?;
        let mut template = Vec::new();
        for _ in 0..n {
            if u.ratio(1, 4)? {
                template.push(u.arbitrary()?);
            } else {
                template.extend_from_slice(u.choose(PIECES)?);
            }
        }
        let host_len = u.int_in_range(1..=6)?;
        let host = (0..host_len).map(|_| u.choose(b"abcz09-.$").map(|&b| b as char)).collect::<Result<String, _>>()?;
        Ok(Input { template, host, haystack: Haystack::arbitrary(u)? })
    }
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "let template: &[u8] = {};", Lit(&self.template))?;
        writeln!(f, "let host = {:?};", self.host)?;
        write!(f, "{:?}", self.haystack)
    }
}

static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();

fuzz_target!(|input: Input| {
    let re = RE.get_or_init(regex);
    let h = &input.haystack.0;
    let want = re.replace_all(h, php_to_regex_template(&input.template).as_slice());
    assert_eq!(rootrel::replace_all(h, input.template.as_slice()), want, "{input:?}");
    if let Ok(base) = rootrel::Base::parse(&format!("http://{}", input.host)) {
        let t = format!("${{1}}${{2}}${{3}}{}${{4}}", base.as_str().replace('$', "$$"));
        let want = re.replace_all(h, t.as_bytes());
        assert_eq!(rootrel::absolutize(h, &base), want, "{input:?}");
    }
});
