//! Deterministic inputs shared by tests and benches: the adversarial shapes that make
//! backtracking engines slow, and realistic generated pages. Uses only `std`.
#![allow(dead_code)]

// Spelled out so the file also compiles inside the `no_std` library's unit tests.
use std::vec;
use std::vec::Vec;

/// The adversarial shapes, by name.
pub const SHAPES: &[&str] = &[
    "lt-run-no-gt",
    "lt-src-slash",
    "a-href-x",
    "base64-image",
    "dense-links",
    "text-no-lt",
    "only-lt",
    "nested-runs",
];

/// Repeats `unit` until the result is exactly `len` bytes long.
fn repeat_to(unit: &[u8], len: usize) -> Vec<u8> {
    unit.iter().copied().cycle().take(len).collect()
}

/// The shape `name`, `len` bytes long.
pub fn shape(name: &str, len: usize) -> Vec<u8> {
    match name {
        // One `<` and then no `>` at all: a backtracking engine retries every `<`... here
        // there is one, followed by attribute-like text full of near-misses.
        "lt-run-no-gt" => {
            let mut v = b"<div ".to_vec();
            v.extend(repeat_to(b"class=x href=x src=\"x\" data-y=1 ", len - 5));
            v
        }
        "lt-src-slash" => repeat_to(b"<src=/", len),
        "a-href-x" => repeat_to(b"<a href=x ", len),
        "base64-image" => {
            let head =
                b"<p><a href=\"/home\">home</a><img alt=\"chart\" src=\"data:image/png;base64,";
            let foot = b"\"></p>\n";
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut v = head.to_vec();
            let mut x: u32 = 0x9e37_79b9;
            while v.len() + foot.len() < len {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                v.push(alphabet[(x % 64) as usize]);
            }
            v.extend_from_slice(foot);
            v.truncate(len);
            v
        }
        "dense-links" => repeat_to(b"<a href=\"/x\">y</a>\n", len),
        "text-no-lt" => repeat_to(b"src=/x href=/y ", len),
        "only-lt" => vec![b'<'; len],
        "nested-runs" => repeat_to(b"<a <b <c href=/x ", len),
        _ => panic!("unknown shape {name}"),
    }
}

/// A realistic page of about `len` bytes: markup, text, absolute, relative and
/// root-relative links, scripts, comments, an inline image. Deterministic in `seed`.
pub fn page(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let words = [
        "the",
        "go",
        "runtime",
        "trace",
        "execution",
        "program",
        "tool",
        "data",
        "with",
        "and",
        "of",
        "a",
        "to",
        "in",
        "is",
        "for",
        "on",
        "that",
        "by",
        "this",
    ];
    let mut v = b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n".to_vec();
    while v.len() < len {
        match next() % 12 {
            0 => v.extend_from_slice(b"<a href=\"/pkg/runtime/trace\">runtime/trace</a> "),
            1 => v.extend_from_slice(
                b"<a href=\"https://example.org/a/b\" rel=\"noreferrer\">x</a> ",
            ),
            2 => v.extend_from_slice(b"<a href=\"//cdn.example.org/s.js\">cdn</a> "),
            3 => v.extend_from_slice(b"<img src=\"images/p.png\" alt=\"\" width=\"10\">\n"),
            4 => v.extend_from_slice(b"<script src=\"/js/play.js\"></script>\n"),
            5 => v.extend_from_slice(b"<!-- <a href=/commented> -->\n"),
            6 => v.extend_from_slice(b"</p>\n<p class=\"para\">"),
            7 => v.extend_from_slice(b"<img data-src=\"/lazy.png\" src=\"/ph.gif\">"),
            _ => {
                for _ in 0..(next() % 40 + 5) {
                    v.extend_from_slice(words[(next() % words.len() as u64) as usize].as_bytes());
                    v.push(b' ');
                }
                v.push(b'\n');
            }
        }
    }
    v.truncate(len);
    v
}

/// Whether [`corpus`] is the bundled one, whose page and match counts are known.
pub fn corpus_is_bundled() -> bool {
    std::env::var_os("ROOTREL_CORPUS").is_none()
}

/// The real corpus, sorted by path: the pages in `ROOTREL_CORPUS` when it is set, else
/// the 130 pages bundled in `testdata/corpus/`.
pub fn corpus() -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let dir = std::env::var_os("ROOTREL_CORPUS").map_or_else(
        || std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/corpus")),
        std::path::PathBuf::from,
    );
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "corpus {}: no .html files",
        dir.display()
    );
    paths
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, b)
        })
        .collect()
}
