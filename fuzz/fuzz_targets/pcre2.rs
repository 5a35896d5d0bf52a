//! `find_iter` against PCRE2 with its JIT, the engine inside PHP. Inputs are capped at
//! 4 KiB: PCRE2 backtracks, and a match-limit error says nothing about rootrel.
#![no_main]

#[path = "common.rs"]
mod common;

use common::*;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static RE: OnceLock<pcre2::bytes::Regex> = OnceLock::new();

fuzz_target!(|input: Haystack| {
    let h = &input.0;
    if h.len() > 4096 {
        return;
    }
    let re = RE.get_or_init(|| pcre2::bytes::RegexBuilder::new().jit_if_available(true).build(PATTERN).unwrap());
    let mut want = Vec::new();
    for c in re.captures_iter(h) {
        let Ok(c) = c else { return };
        want.push(std::array::from_fn(|i| {
            let m = c.get(i).unwrap();
            m.start()..m.end()
        }));
    }
    assert_eq!(rootrel_spans(h), want, "{input:?}");
});
