//! The bundled seed page and the real corpus (`testdata/corpus/`) against the oracles.

mod support;

use support::*;

/// The six matches the seed program printed (PHP 8.2.36, PCRE2 10.42), kept in
/// `testdata/seed.expected-output.txt`: group texts in PREG_SET_ORDER.
#[test]
fn seed_page_matches_php_output() {
    let page = seed_page();
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/seed.expected-output.txt"
    ))
    .unwrap();
    // Pull the `string(N) "..."` values out of the var_dump, five per match.
    let mut want: Vec<Vec<u8>> = Vec::new();
    let bytes = expected.as_bytes();
    let mut i = 0;
    while let Some(k) = bytes[i..].windows(7).position(|w| w == b"string(") {
        let at = i + k + 7;
        let close = at + bytes[at..].iter().position(|&b| b == b')').unwrap();
        let n: usize = expected[at..close].parse().unwrap();
        let text = close + 3; // `) "`
        want.push(bytes[text..text + n].to_vec());
        i = text + n;
    }
    assert_eq!(
        want.len(),
        30,
        "6 matches of 5 groups in the expected output"
    );
    let got: Vec<Vec<u8>> = rootrel::find_iter(&page)
        .flat_map(|m| (0..=4).map(move |g| m.group(g)))
        .map(|r| page[r].to_vec())
        .collect();
    assert_eq!(got, want);
    assert_eq!(regex_spans(&regex_oracle(), &page), rootrel_spans(&page));
}

#[test]
fn real_corpus_matches_regex_and_pcre2() {
    let pages = corpus();
    let re = regex_oracle();
    let pc = pcre2_oracle();
    let mut total = 0;
    for (path, page) in &pages {
        let got = rootrel_spans(page);
        assert_eq!(
            got,
            regex_spans(&re, page),
            "regex differs on {}",
            path.display()
        );
        assert_eq!(
            got,
            pcre2_spans(&pc, page),
            "pcre2 differs on {}",
            path.display()
        );
        total += got.len();
    }
    eprintln!(
        "real corpus: {} pages, {total} matches, all spans equal",
        pages.len()
    );
    if corpus_is_bundled() {
        assert_eq!(pages.len(), 130);
        assert_eq!(total, 10_185);
    }
}

/// Rewriting the real corpus in one call (`absolutize` and a PHP template, both of which
/// the block search copies as it reads), into a fresh buffer and appended to one, gives
/// what the regex crate's `replace_all` gives.
#[cfg(feature = "alloc")]
#[test]
fn real_corpus_rewrites_as_regex_replace_all() {
    let pages = corpus();
    let re = regex_oracle();
    let base = rootrel::Base::parse("https://go.dev").unwrap();
    let mut appended = Vec::new();
    for (path, page) in &pages {
        let want = re.replace_all(page, b"${1}${2}${3}https://go.dev${4}".as_slice());
        assert_eq!(
            rootrel::absolutize(page, &base)[..],
            want[..],
            "absolutize differs on {}",
            path.display()
        );
        assert_eq!(
            rootrel::replace_all(page, "$1$2$3https://go.dev$4")[..],
            want[..],
            "replace_all differs on {}",
            path.display()
        );
        let from = appended.len();
        rootrel::replace_all_into(page, &base, &mut appended);
        assert_eq!(
            appended[from..],
            want[..],
            "replace_all_into differs on {}",
            path.display()
        );
    }
}
