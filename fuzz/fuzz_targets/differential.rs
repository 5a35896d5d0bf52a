//! `find_iter` against the regex crate (bytes, Unicode off): every span of every match.
#![no_main]

#[path = "common.rs"]
mod common;

use common::*;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();

fuzz_target!(|input: Haystack| {
    let re = RE.get_or_init(regex);
    let h = &input.0;
    assert_eq!(rootrel_spans(h), regex_spans(re, h), "{input:?}");
});
