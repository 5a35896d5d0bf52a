//! The streaming `Rewriter` with fuzz-chosen cut points against the one-shot result:
//! for a template that inserts before group 4 and for `absolutize`, into a `Vec`, and
//! for a template that uses every group, into a closure.
#![no_main]

#[path = "common.rs"]
mod common;

use std::fmt;

use arbitrary::Arbitrary;
use common::*;
use libfuzzer_sys::fuzz_target;

struct Input {
    cuts: Vec<u16>,
    haystack: Haystack,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=16)?;
        let cuts = (0..n).map(|_| u.arbitrary()).collect::<Result<Vec<u16>, _>>()?;
        Ok(Input { cuts, haystack: Haystack::arbitrary(u)? })
    }
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "let cuts: &[usize] = &{:?};", self.cuts)?;
        write!(f, "{:?}", self.haystack)
    }
}

fn stream_into<R: rootrel::Replacer, S: rootrel::Sink>(h: &[u8], rep: R, cuts: &[usize], to: S) {
    let mut rw = rootrel::Rewriter::new(rep, to);
    let mut last = 0;
    for &c in cuts.iter().chain([&h.len()]) {
        rw.write(&h[last..c]).unwrap();
        last = c;
    }
    rw.end().unwrap();
}

fn streamed<R: rootrel::Replacer>(h: &[u8], rep: R, cuts: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    stream_into(h, rep, cuts, &mut out);
    out
}

fuzz_target!(|input: Input| {
    let h = &input.haystack.0;
    let mut cuts: Vec<usize> = input.cuts.iter().map(|&c| usize::from(c).min(h.len())).collect();
    cuts.sort();
    let t: &[u8] = b"$1$2$3https://go.dev$4";
    assert_eq!(streamed(h, t, &cuts), rootrel::replace_all(h, t).into_owned(), "{input:?}");
    let base = rootrel::Base::parse("https://go.dev").unwrap();
    assert_eq!(streamed(h, &base, &cuts), rootrel::absolutize(h, &base).into_owned(), "{input:?}");
    let groups: &[u8] = b"[$1|$2|$3|$4]";
    let mut out = Vec::new();
    stream_into(h, groups, &cuts, |b: &[u8]| out.extend_from_slice(b));
    assert_eq!(out, rootrel::replace_all(h, groups).into_owned(), "{input:?}");
});
