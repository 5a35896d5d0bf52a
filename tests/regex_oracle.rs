//! rootrel against the regex crate (bytes, Unicode off): every span of every match.

mod support;

use support::shapes;

use proptest::prelude::*;
use support::*;

fn check(re: &regex::bytes::Regex, h: &[u8]) -> Result<(), TestCaseError> {
    let want = regex_spans(re, h);
    let got = rootrel_spans(h);
    prop_assert_eq!(got, want, "input {}", show(h));
    Ok(())
}

proptest! {
    #![proptest_config(config(20_000))]

    #[test]
    fn tokens(h in tricky_input()) {
        thread_local!(static RE: regex::bytes::Regex = regex_oracle());
        RE.with(|re| check(re, &h))?;
    }

    #[test]
    fn small_alphabet(h in small_alphabet_input()) {
        thread_local!(static RE: regex::bytes::Regex = regex_oracle());
        RE.with(|re| check(re, &h))?;
    }

    #[test]
    fn any_bytes(h in proptest::collection::vec(any::<u8>(), 0..300)) {
        thread_local!(static RE: regex::bytes::Regex = regex_oracle());
        RE.with(|re| check(re, &h))?;
    }
}

/// Hand-picked cases for each quirk, each padded in front so the match sits across 16-,
/// 32- and 64-byte boundaries; the oracle's count is checked too.
#[test]
fn quirks_padded() {
    let re = regex_oracle();
    let cases: &[(&[u8], usize)] = &[
        (br#"<a href="/p">"#, 1),
        (br#"<img src="/a.png" data-src="/b.png">"#, 1),
        (b"<a HREF=/x>", 0),
        (b"<a href = /x>", 0),
        (b"<a href=//x>", 1),
        (br#"<a href="//x">"#, 0),
        (b"<a href=>/x", 1),
        (b"<a href=\n/x>", 0),
        (b"<a href=\n//x>", 0),
        (b"<a href=/\n>", 1),
        (b"<a href=/", 0),
        (b"<a href=x/", 0),
        (b"<<<<a src=/x", 1),
        (b"<a src=/x><b src=/y>", 2),
        (b"<a href=>/<b href=/x>", 1),
        (b"src=/x <", 0),
        (b"<a src=/x src=//y>", 1),
        (b"<a\xff src=\xff/\xff>", 1),
        (b"<!-- <a href=/c> -->", 1),
        // One byte off each literal, in every position: no match.
        (b"<a xref=/x>", 0),
        (b"<a hxef=/x>", 0),
        (b"<a hrxf=/x>", 0),
        (b"<a hrex=/x>", 0),
        (b"<a xrc=/x>", 0),
        (b"<a sxc=/x>", 0),
        (b"<a srx=/x>", 0),
        (b"<ahref=/x>", 1),
        (b"<xsrc=/x>", 1),
    ];
    for &(case, n) in cases {
        for pad in 0..70 {
            let mut h = vec![b' '; pad];
            h.extend_from_slice(case);
            let want = regex_spans(&re, &h);
            assert_eq!(want.len(), n, "oracle count for {}", show(&h));
            assert_eq!(rootrel_spans(&h), want, "input {}", show(&h));
        }
    }
}

/// Runs longer than 256 bytes, whose last candidate is found looking back from the
/// run's end: every tail shape, valid and invalid candidates after the valid one.
#[test]
fn long_runs() {
    let re = regex_oracle();
    let tails: &[&[u8]] = &[
        b"href=\"/x\">",
        b"href=/x>",
        b"src='/x' data-src=\"//cdn\">",
        b"href=\"/x\" src=\"https://y\">",
        b"href=//x>",
        b"src=>/x",
        b"src=\n/x>",
        b"href=\"/x\" src=/",
        b"src=/",
    ];
    for filler in [250, 253, 256, 257, 260, 300, 1000, 5000] {
        for tail in tails {
            for head in [&b"<a "[..], b"<a href=\"/first\" ", b"<<b "] {
                let mut h = head.to_vec();
                h.extend(std::iter::repeat_n(b'y', filler));
                h.push(b' ');
                h.extend_from_slice(tail);
                h.extend_from_slice(b" after <i src=/z>");
                assert_eq!(
                    rootrel_spans(&h),
                    regex_spans(&re, &h),
                    "filler {filler}: {}",
                    show(&h)
                );
            }
        }
    }
}

#[test]
fn group_numbering_and_accessors() {
    let h = br#"<p><a class="x" href='/docs/'>"#;
    let m = rootrel::find(h).unwrap();
    assert_eq!(m.group(0), m.range());
    assert_eq!(m.group(1), m.tag());
    assert_eq!(m.group(2), m.attr());
    assert_eq!(m.group(3), m.quote());
    assert_eq!(m.group(4), m.path());
    assert_eq!(m.tag(), 3..16);
    assert_eq!(m.get(5), None);
    assert_eq!(m.len(), m.end() - m.start());
    assert_eq!(rootrel::find_iter(h).count(), 1);
}

#[test]
#[should_panic(expected = "no group 5")]
fn group_panics_past_four() {
    let m = rootrel::find(b"<a src=/x").unwrap();
    let _ = m.group(5);
}

/// The adversarial shapes at 1 MB and generated pages, all spans equal.
#[test]
fn shapes_and_pages() {
    let re = regex_oracle();
    for name in shapes::SHAPES {
        let h = shapes::shape(name, 1 << 20);
        assert_eq!(rootrel_spans(&h), regex_spans(&re, &h), "shape {name}");
    }
    for seed in 0..50 {
        let p = shapes::page(seed, 50_000);
        assert_eq!(rootrel_spans(&p), regex_spans(&re, &p), "page seed {seed}");
    }
}
