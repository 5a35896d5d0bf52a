//! One-shot rewriting against the regex crate's `replace_all` and PHP's `preg_replace`.

mod support;

use support::shapes;

use std::borrow::Cow;

use proptest::prelude::*;
use rootrel::{absolutize, replace_all, Base, NoExpand};
use support::*;

fn regex_replace(t: &[u8], h: &[u8]) -> Vec<u8> {
    thread_local!(static RE: regex::bytes::Regex = regex_oracle());
    let rt = php_to_regex_template(t);
    RE.with(|re| re.replace_all(h, rt.as_slice()).into_owned())
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn templates_match_regex_replace_all(t in php_template(), h in tricky_input()) {
        let got = replace_all(&h, t.as_slice());
        prop_assert_eq!(show(&got), show(&regex_replace(&t, &h)), "template {}", show(&t));
        // Every way in: &[u8], &str (when UTF-8), into a Vec, into a Sink.
        let mut v = b"prefix".to_vec();
        let n = rootrel::replace_all_into(&h, t.as_slice(), &mut v);
        prop_assert_eq!(&v[6..], &got[..]);
        prop_assert_eq!(n, rootrel::find_iter(&h).count());
        if let Ok(ts) = std::str::from_utf8(&t) {
            prop_assert_eq!(&replace_all(&h, ts)[..], &got[..]);
        }
    }

    #[test]
    fn absolutize_matches_regex_replace_all(h in tricky_input(), host in "[a-z]{1,8}(:[0-9]{1,4})?(/[a-z$]{0,4}){0,2}") {
        let base = Base::parse(&format!("https://{host}")).unwrap();
        let want = regex_replace(format!("$1$2$3{}$4", base.as_str().replace('$', "\\$")).as_bytes(), &h);
        prop_assert_eq!(show(&absolutize(&h, &base)), show(&want));
        // The generic path (through Captures) gives the same bytes as the insertion path.
        let generic = replace_all(&h, |m: &rootrel::Match| {
            let mut v = h[m.start()..m.path().start].to_vec();
            v.extend_from_slice(base.as_str().as_bytes());
            v.extend_from_slice(&h[m.path()]);
            v
        });
        prop_assert_eq!(show(&generic), show(&want));
    }

    #[test]
    fn no_expand_is_literal(h in tricky_input(), lit in proptest::collection::vec(any::<u8>(), 0..6)) {
        let want = regex_oracle().replace_all(&h, regex::bytes::NoExpand(&lit)).into_owned();
        prop_assert_eq!(&replace_all(&h, NoExpand(&lit))[..], &want[..]);
    }
}

/// Templates of the insertion form take the direct path (`Replacer::insertion`); near
/// misses take the template walk. Both agree with the regex crate, one-shot and
/// streaming.
#[test]
fn insertion_templates_match_regex_replace_all() {
    use rootrel::Replacer;
    let n = cases(4_000) as usize;
    let templates = sample(insertion_template(), n, 21);
    let inputs = sample(tricky_input(), n, 22);
    let mut inserting = 0;
    for (t, h) in templates.iter().zip(&inputs) {
        if t.as_slice().insertion().is_some() {
            inserting += 1;
        }
        let want = regex_replace(t, h);
        let got = replace_all(h, t.as_slice());
        assert_eq!(show(&got), show(&want), "template {}", show(t));
        let mut streamed = Vec::new();
        let mut rw = rootrel::Rewriter::new(t.as_slice(), &mut streamed);
        for c in h.chunks(3) {
            rw.write(c).unwrap();
        }
        rw.end().unwrap();
        assert_eq!(
            show(&streamed),
            show(&want),
            "template {} streamed",
            show(t)
        );
    }
    // Both paths were taken, each many times.
    assert!(
        inserting > n / 4 && inserting < n * 9 / 10,
        "{inserting} of {n}"
    );
}

/// Every template type answers `insertion` the same way and rewrites the same bytes.
#[test]
fn every_template_type_inserts_alike() {
    fn ins<R: rootrel::Replacer>(mut r: R) -> Option<Vec<u8>> {
        r.insertion().map(<[u8]>::to_vec)
    }
    let h = shapes::page(3, 20_000);
    for (t, want_ins) in [
        ("$1$2$3http://h$4", Some(&b"http://h"[..])),
        ("${1}${2}${3}$4", Some(&b""[..])),
        ("$1$2$3http:/h$4y", None),
    ] {
        let want = regex_replace(t.as_bytes(), &h);
        let (s, v) = (t.to_string(), t.as_bytes().to_vec());
        let want_ins = want_ins.map(<[u8]>::to_vec);
        assert_eq!(ins(t), want_ins, "{t}");
        assert_eq!(ins(&s), want_ins, "{t}");
        assert_eq!(ins(&v), want_ins, "{t}");
        assert_eq!(ins(t.as_bytes()), want_ins, "{t}");
        assert_eq!(replace_all(&h, t)[..], want[..], "{t}");
        assert_eq!(replace_all(&h, &s)[..], want[..], "{t}");
        assert_eq!(replace_all(&h, &v)[..], want[..], "{t}");
        assert_eq!(replace_all(&h, t.as_bytes())[..], want[..], "{t}");
        if let Ok(a) = <&[u8; 16]>::try_from(t.as_bytes()) {
            assert_eq!(ins(a), want_ins, "{t}");
            assert_eq!(replace_all(&h, a)[..], want[..], "{t}");
        }
    }
}

#[test]
fn borrowed_when_nothing_matches() {
    assert!(matches!(
        replace_all(b"<a href=\"//x\">", "$1"),
        Cow::Borrowed(_)
    ));
    let base = Base::parse("http://h").unwrap();
    assert!(matches!(absolutize(b"no tags", &base), Cow::Borrowed(_)));
    assert!(matches!(absolutize(b"<a href=/x>", &base), Cow::Owned(_)));
}

#[test]
fn seed_page_feed_reader_job() {
    let page = seed_page();
    let base = Base::parse("https://go.dev").unwrap();
    let out = absolutize(&page, &base);
    let want = regex_oracle().replace_all(&page, &b"${1}${2}${3}https://go.dev${4}"[..]);
    assert_eq!(out, want);
    assert_eq!(replace_all(&page, "${1}${2}${3}https://go.dev${4}"), want);
    assert_eq!(out.len(), page.len() + 6 * "https://go.dev".len());
}

#[test]
fn closures_see_whole_input_offsets() {
    let h = b"<a src=/1> <b href=/2>";
    let mut seen = Vec::new();
    let out = replace_all(h, |m: &rootrel::Match| {
        seen.push(m.range());
        format!("{}", m.start())
    });
    assert_eq!(seen, [0..9, 11..21]);
    assert_eq!(&out[..], b"0> 11>");
}

/// Injection attempts: none may become a base.
#[test]
fn bad_bases_are_refused() {
    let table: &[(&str, Option<usize>)] = &[
        ("https://go.dev\"><script>alert(1)</script>", Some(14)),
        ("https://go.dev'onmouseover='x", Some(14)),
        ("https://go.dev/a b", Some(16)),
        ("https://go.dev/\tx", Some(15)),
        ("https://go.dev/\nx", Some(15)),
        ("https://go.dev/\r", Some(15)),
        ("https://go.dev/\0", Some(15)),
        ("https://go.dev/\x7f", Some(15)),
        ("https://go.dev/`x`", Some(15)),
        ("https://go.dev<", Some(14)),
        ("https://go.dev>", Some(14)),
        ("https://go.dev/\u{a0}", Some(15)),
        ("https://go.dev/\u{2028}", Some(15)),
        ("https://go.dev/\u{85}", Some(15)),
        ("https://go.dev/é", Some(15)),
        ("https://go.dev/?q=1", Some(15)),
        ("https://go.dev/#top", Some(15)),
        ("https://go.dev\\@evil", Some(14)),
        ("https://user@go.dev", Some(12)),
        ("https://go.dev:99999", Some(15)),
        ("https://go.dev:", Some(15)),
        ("https://go.dev:80x", Some(17)),
        ("https://", None),
        ("https:///x", None),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>", Some(15)),
        ("//go.dev", None),
        ("go.dev", None),
        ("", None),
        ("ftp://go.dev", None),
        (" https://go.dev", Some(0)),
        ("https://[::1", None),
        ("https://[::1]x", Some(13)),
    ];
    for &(url, pos) in table {
        let err = Base::parse(url).expect_err(url);
        assert_eq!(err.position(), pos, "{url:?}: {err}");
        let msg = err.to_string();
        assert!(
            msg.starts_with("invalid base URL: ") && !msg.contains('\n'),
            "{msg}"
        );
    }
    for good in [
        "http://go.dev",
        "HTTPS://go.dev",
        "https://go.dev:443/blog/",
        "http://127.0.0.1:8080",
        "http://[::1]:8080/x",
        "https://a-b.example_x.org/p/a%20th;x=1,y@z",
    ] {
        let b = Base::parse(good).expect(good);
        assert!(!b.as_str().ends_with('/'), "{b}");
        assert_eq!(b.to_string().parse::<Base>().unwrap(), b);
    }
}

/// PHP's preg_replace byte for byte: the seed page, the corpus, generated inputs with
/// generated templates.
#[test]
fn php_preg_replace_identical() {
    if !php_available() {
        return;
    }
    let feed: &[u8] = b"$1$2$3https://go.dev$4";
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = vec![(feed.to_vec(), seed_page())];
    let templates = sample(php_template(), 30_000, 7);
    let inputs = sample(tricky_input(), 30_000, 8);
    pairs.extend(templates.into_iter().zip(inputs));
    let corpus = corpus();
    for (_, page) in &corpus {
        pairs.push((feed.to_vec(), page.clone()));
        pairs.push((b"${1}${2}${3}\\\\$4[\\0]".to_vec(), page.clone()));
    }
    let refs: Vec<(&[u8], &[u8])> = pairs.iter().map(|(t, h)| (&t[..], &h[..])).collect();
    let php = php_replace(&refs);
    let mut bytes = 0;
    for ((t, h), want) in refs.iter().zip(&php) {
        let want = want
            .as_ref()
            .unwrap_or_else(|| panic!("PHP returned NULL on {}", show(h)));
        let got = replace_all(h, *t);
        assert_eq!(
            show(&got),
            show(want),
            "template {} on {}",
            show(t),
            show(h)
        );
        bytes += h.len();
    }
    eprintln!(
        "preg_replace: {} (template, input) pairs, {bytes} input bytes, identical ({} corpus pages)",
        refs.len(),
        corpus.len()
    );
}

/// The page where PHP gives up: a ~1 MB inline base64 image. PHP returns NULL
/// (backtrack limit); rootrel returns the regex crate's output, one-shot and streaming.
#[test]
fn inline_image_page_where_php_returns_null() {
    let page = shapes::shape("base64-image", 1 << 20);
    let feed: &[u8] = b"$1$2$3https://go.dev$4";
    let want = regex_oracle().replace_all(&page, &b"${1}${2}${3}https://go.dev${4}"[..]);
    assert_eq!(rootrel::find_iter(&page).count(), 1);
    let base = Base::parse("https://go.dev").unwrap();
    assert_eq!(absolutize(&page, &base), want);
    assert_eq!(replace_all(&page, feed), want);
    let mut streamed = Vec::new();
    let mut rw = rootrel::Rewriter::new(&base, &mut streamed);
    for c in page.chunks(4096) {
        rw.write(c).unwrap();
    }
    rw.end().unwrap();
    assert_eq!(streamed, want.as_ref());
    if php_available() {
        let php = php_replace(&[(feed, &page)]);
        assert_eq!(php, [None], "PHP is expected to return NULL on this page");
    }
}
