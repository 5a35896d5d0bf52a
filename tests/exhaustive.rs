//! Bounded-exhaustive: every string of up to N tokens over
//! {`<`, `>`, `href=`, `src=`, `/`, `"`, `\n`, `x`} agrees with the regex crate, all
//! spans, on its own and padded with 64 bytes on each side (`x`s, and a `>` just before
//! the string): the scanner decides from the 64-byte windows around a literal when
//! they fit in the input and tell (the first of them; up to four on either side), and
//! looks further otherwise; both paths are checked. N is `ROOTREL_EXHAUSTIVE_TOKENS`
//! (default 8: 19,173,961 strings).

mod support;

use support::*;

const ALPHABET: [&[u8]; 8] = [b"<", b">", b"href=", b"src=", b"/", b"\"", b"\n", b"x"];

fn max_tokens() -> u32 {
    std::env::var("ROOTREL_EXHAUSTIVE_TOKENS")
        .ok()
        .map(|s| s.parse().expect("ROOTREL_EXHAUSTIVE_TOKENS: a number"))
        .unwrap_or(8)
}

/// Checks that rootrel gives the regex crate's matches in `h`; returns their number.
fn check(re: &regex::bytes::Regex, h: &[u8]) -> u64 {
    let mut matches = 0;
    let mut got = rootrel::find_iter(h);
    for c in re.captures_iter(h) {
        let m = got
            .next()
            .unwrap_or_else(|| panic!("missing match in {}", show(h)));
        for g in 0..5 {
            assert_eq!(
                m.group(g),
                c.get(g).unwrap().range(),
                "group {g} of {}",
                show(h)
            );
        }
        matches += 1;
    }
    assert_eq!(got.next(), None, "extra match in {}", show(h));
    matches
}

/// Checks every string of exactly `len` tokens whose index is `part` modulo `parts`,
/// bare and padded.
fn check_len(len: u32, part: u64, parts: u64) -> (u64, u64) {
    const PAD: usize = 64;
    let re = regex_oracle();
    let mut padded = Vec::with_capacity(8 * len as usize + 2 * PAD);
    let (mut strings, mut matches) = (0, 0);
    let mut idx = part;
    while idx < 8u64.pow(len) {
        padded.clear();
        padded.resize(PAD - 1, b'x');
        padded.push(b'>');
        let mut n = idx;
        for _ in 0..len {
            padded.extend_from_slice(ALPHABET[(n % 8) as usize]);
            n /= 8;
        }
        let end = padded.len();
        matches += check(&re, &padded[PAD..end]);
        padded.resize(end + PAD, b'x');
        matches += check(&re, &padded);
        strings += 1;
        idx += parts;
    }
    (strings, matches)
}

#[test]
fn every_string_up_to_the_bound() {
    let max = max_tokens();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let (mut strings, mut matches) = (0, 0);
    for len in 0..=max {
        let handles: Vec<_> = (0..threads)
            .map(|part| std::thread::spawn(move || check_len(len, part, threads)))
            .collect();
        for h in handles {
            let (s, m) = h.join().unwrap();
            strings += s;
            matches += m;
        }
    }
    eprintln!(
        "exhaustive: {strings} strings of up to {max} tokens, each bare and padded, \
         {matches} matches, all equal"
    );
    let want: u64 = (0..=max).map(|k| 8u64.pow(k)).sum();
    assert_eq!(strings, want);
}
