//! Streaming equals one-shot, however the input is cut, and holds back little.
//!
//! `ROOTREL_CHUNK=N` runs the fixed-size checks with chunks of N bytes only (to
//! reproduce a failure).

mod support;

use support::shapes;

use proptest::prelude::*;
use rootrel::{replace_all, replace_all_to, Base, Match, NoExpand, Replacer, Rewriter, Sink};
use support::*;

/// Streams `h`, cut at `cuts` (offsets, any order), through a fresh replacer into
/// `sink`.
fn stream_into<R: Replacer, S: Sink>(h: &[u8], rep: R, cuts: &[usize], sink: S) {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(h.len())).collect();
    cuts.sort();
    let mut rw = Rewriter::new(rep, sink);
    let mut last = 0;
    for c in cuts.into_iter().chain([h.len()]) {
        rw.write(&h[last..c]).unwrap();
        last = c;
    }
    rw.end().unwrap();
}

/// [`stream_into`] a `Vec`.
fn streamed<R: Replacer>(h: &[u8], rep: R, cuts: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    stream_into(h, rep, cuts, &mut out);
    out
}

/// [`stream_into`] a sink that is not a `Vec`.
fn streamed_to_closure<R: Replacer>(h: &[u8], rep: R, cuts: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    stream_into(h, rep, cuts, |b: &[u8]| out.extend_from_slice(b));
    out
}

/// One-shot into a sink that is not a `Vec`, so that no search copies.
fn one_shot_to_closure<R: Replacer>(h: &[u8], rep: R) -> Vec<u8> {
    let mut out = Vec::new();
    replace_all_to(h, rep, &mut |b: &[u8]| out.extend_from_slice(b));
    out
}

fn chunk_sizes() -> Vec<usize> {
    match std::env::var("ROOTREL_CHUNK") {
        Ok(s) => vec![s.parse().expect("ROOTREL_CHUNK: a number")],
        Err(_) => vec![1, 2, 3, 7, 64, 4096],
    }
}

fn every(h: &[u8], size: usize) -> Vec<usize> {
    (size..h.len()).step_by(size).collect()
}

/// Checks every replacer kind on `h` with the given cuts.
fn check_all(h: &[u8], cuts: &[usize]) -> Result<(), TestCaseError> {
    let base = Base::parse("https://go.dev").unwrap();
    let offsets = |m: &Match| format!("[{:?}]", m.range());
    for t in [
        &b"$1$2$3https://go.dev$4"[..],
        b"$1$2$3https://go.dev$4$5",
        b"",
        b"\\\\${4}$0$1",
        b"<$2>",
    ] {
        let want = replace_all(h, t);
        prop_assert_eq!(
            show(&streamed(h, t, cuts)),
            show(&want),
            "template {}",
            show(t)
        );
        // One-shot into a `Vec` (`want`) the search copies for insertions; into anything
        // else the rewriter does. The streaming rewriter into either sink agrees.
        prop_assert_eq!(
            show(&streamed_to_closure(h, t, cuts)),
            show(&want),
            "template {} into a closure",
            show(t)
        );
        prop_assert_eq!(show(&one_shot_to_closure(h, t)), show(&want));
    }
    prop_assert_eq!(streamed(h, &base, cuts), replace_all(h, &base).into_owned());
    prop_assert_eq!(
        streamed_to_closure(h, &base, cuts),
        replace_all(h, &base).into_owned()
    );
    prop_assert_eq!(
        streamed(h, offsets, cuts),
        replace_all(h, offsets).into_owned()
    );
    prop_assert_eq!(
        streamed(h, NoExpand(b"#"), cuts),
        replace_all(h, NoExpand(b"#")).into_owned()
    );
    Ok(())
}

#[test]
fn fixed_chunk_sizes() {
    let mut inputs = vec![seed_page()];
    inputs.extend(shapes::SHAPES.iter().map(|s| shapes::shape(s, 20_000)));
    inputs.extend((0..4).map(|s| shapes::page(s, 30_000)));
    inputs.extend(sample(tricky_input(), 300, 11));
    for h in &inputs {
        for size in chunk_sizes() {
            check_all(h, &every(h, size)).unwrap_or_else(|e| panic!("chunk size {size}: {e}"));
        }
    }
}

#[test]
fn corpus_in_4k_chunks() {
    let pages = corpus();
    let base = Base::parse("https://go.dev").unwrap();
    for (path, page) in &pages {
        let cuts = every(page, 4096);
        assert_eq!(
            streamed(page, &base, &cuts),
            replace_all(page, &base).into_owned(),
            "{}",
            path.display()
        );
        let t = "${1}${2}${3}https://go.dev${4}";
        assert_eq!(
            streamed(page, t, &cuts),
            replace_all(page, t).into_owned(),
            "{}",
            path.display()
        );
    }
}

proptest! {
    #![proptest_config(config(5_000))]

    #[test]
    fn random_splits(h in tricky_input(), cuts in proptest::collection::vec(0usize..400, 0..12)) {
        check_all(&h, &cuts)?;
    }

    #[test]
    fn random_splits_small_alphabet(h in small_alphabet_input(), cuts in proptest::collection::vec(0usize..130, 0..20)) {
        check_all(&h, &cuts)?;
    }
}

/// Tokens spread over runs of one filler byte, a few KB in all: windows long enough
/// for the rewriter inserting into a `Vec` to copy their leading bytes in the pass
/// that searches them, with literals, tails and `<`/`>` at every distance from the
/// ends of its blocks.
fn spread_input() -> impl Strategy<Value = Vec<u8>> {
    let filler: &[u8] = b"..<>a\n/=";
    proptest::collection::vec(
        (0usize..200, proptest::sample::select(filler), token()),
        0..40,
    )
    .prop_map(|parts| {
        let mut v = Vec::new();
        for (gap, fill, t) in parts {
            v.resize(v.len() + gap, fill);
            v.extend_from_slice(&t);
        }
        v
    })
}

proptest! {
    #![proptest_config(config(1_000))]

    #[test]
    fn long_windows(h in spread_input(), cuts in proptest::collection::vec(0usize..8000, 0..6)) {
        check_all(&h, &cuts)?;
    }
}

#[test]
fn cap_gives_an_error_and_a_correct_prefix() {
    // A 1 MB `<` run with its candidate at the end: a template that uses group 1 must
    // hold the whole run, since the match would start at its `<` (`$5` is empty, but it
    // keeps the template out of the insertion form).
    let mut h = b"<p>before</p><div ".to_vec();
    h.extend(std::iter::repeat_n(b'y', 1 << 20));
    h.extend_from_slice(b" src=/x> after");
    let t = "$1$2$3http://h$4$5";
    let want = replace_all(&h, t).into_owned();
    let mut out = Vec::new();
    let mut rw = Rewriter::new(t, &mut out).with_max_buffer(64 << 10);
    let mut err = None;
    for c in h.chunks(4096) {
        if let Err(e) = rw.write(c) {
            err = Some(e);
            break;
        }
    }
    let err = err.expect("the cap must trip");
    assert_eq!(
        err,
        rootrel::Error::BufferLimit {
            limit: 64 << 10,
            offset: 13
        }
    );
    assert_eq!(rw.write(b"more"), Err(err), "the error sticks");
    assert_eq!(rw.end().map(|_| ()), Err(err));
    assert_eq!(out, want[..13], "what was written is correct");
    // Inserting only needs nothing before the candidate: bounded memory, for a base
    // and for a template of the insertion form alike.
    fn held_little<R: Replacer>(rep: R, h: &[u8], want: &[u8]) {
        let mut out = Vec::new();
        let mut rw = Rewriter::new(rep, &mut out).with_max_buffer(64 << 10);
        for c in h.chunks(4096) {
            rw.write(c).unwrap();
            assert!(rw.held() < 64, "held {}", rw.held());
        }
        rw.end().unwrap();
        assert_eq!(out, want);
    }
    held_little(&Base::parse("http://h").unwrap(), &h, &want);
    held_little("${1}${2}${3}http://h${4}", &h, &want);
}

/// The last match of an input is decided only at its end: the final statistics count it.
#[test]
fn stats_count_matches_decided_at_the_end() {
    let base = Base::parse("https://go.dev").unwrap();
    let mut out = Vec::new();
    let stats = rootrel::rewrite(&b"<a href=/x> <b src=/y"[..], &mut out, &base).unwrap();
    assert_eq!((stats.bytes, stats.matches), (21, 2));
    assert_eq!(out, b"<a href=https://go.dev/x> <b src=https://go.dev/y");
}

#[test]
fn rewrite_helper_counts_bytes_and_matches() {
    let page = seed_page();
    let base = Base::parse("https://go.dev").unwrap();
    let mut out = Vec::new();
    let stats = rootrel::rewrite(&page[..], &mut out, &base).unwrap();
    assert_eq!((stats.bytes, stats.matches), (page.len() as u64, 6));
    assert_eq!(out, replace_all(&page, &base).into_owned());
}

#[test]
fn rewrite_helper_reports_write_errors() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "closed",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let page = shapes::page(1, 1 << 20);
    let err = rootrel::rewrite(&page[..], Broken, "x").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

/// The matches of a [`rootrel::Finder`] fed `h` cut at `cuts`: offsets in the whole
/// stream and the bytes of the five groups.
fn found_in_chunks(h: &[u8], cuts: &[usize]) -> Vec<(Match, Vec<Vec<u8>>)> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(h.len())).collect();
    cuts.sort();
    let mut out = Vec::new();
    let mut keep = |c: &rootrel::Captures<'_>| {
        let groups = (0..=4).map(|g| c.get(g).unwrap().to_vec()).collect();
        out.push((c.as_match(), groups));
    };
    let mut f = rootrel::Finder::new();
    let mut last = 0;
    for c in cuts {
        f.write(&h[last..c], &mut keep).unwrap();
        last = c;
    }
    f.write(&h[last..], &mut keep).unwrap();
    let stats = f.end(&mut keep).unwrap();
    assert_eq!(
        (stats.bytes, stats.matches),
        (h.len() as u64, out.len() as u64)
    );
    out
}

/// The one-shot matches in the same form.
fn found_at_once(h: &[u8]) -> Vec<(Match, Vec<Vec<u8>>)> {
    rootrel::find_iter(h)
        .map(|m| (m, (0..=4).map(|g| h[m.group(g)].to_vec()).collect()))
        .collect()
}

#[test]
fn finder_in_fixed_chunks_equals_find_iter() {
    let mut inputs: Vec<Vec<u8>> = shapes::SHAPES
        .iter()
        .map(|s| shapes::shape(s, 5000))
        .collect();
    inputs.push(shapes::page(3, 20_000));
    inputs.push(seed_page());
    for h in &inputs {
        let want = found_at_once(h);
        for size in chunk_sizes() {
            assert_eq!(
                found_in_chunks(h, &every(h, size)),
                want,
                "chunks of {size}"
            );
        }
    }
}

#[test]
fn finder_on_the_corpus_in_4k_chunks() {
    for (path, page) in corpus() {
        assert_eq!(
            found_in_chunks(&page, &every(&page, 4096)),
            found_at_once(&page),
            "{}",
            path.display()
        );
    }
}

proptest! {
    #[test]
    fn finder_random_splits(h in tricky_input(), cuts in proptest::collection::vec(0usize..400, 0..12)) {
        prop_assert_eq!(found_in_chunks(&h, &cuts), found_at_once(&h));
    }
}

/// Found by `fixed_chunk_sizes`: a literal remembered by the scanner across a window
/// shift that dropped it was taken for a literal of the next window (an endless loop).
#[test]
fn regression_literal_dropped_by_a_shift() {
    let h = ".........................src=/href=<<</\t/'\naé<<<src=<".as_bytes();
    for size in 1..=h.len() {
        check_all(h, &every(h, size)).unwrap_or_else(|e| panic!("chunk size {size}: {e}"));
    }
}
