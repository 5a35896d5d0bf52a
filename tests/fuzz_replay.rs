//! Replays, forever, every input kept in `tests/fuzz-regressions/` (crashes and
//! differences found by fuzzing or by the property tests, minimised) and the fuzz seeds
//! in `fuzz/seeds/` and the bundled seed page: `find_iter` against the regex crate, and streaming at every chunk
//! size against one-shot. Adding a file adds a test case.

mod support;

use std::path::Path;

use support::*;

fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    v.sort();
    v
}

fn streamed<R: rootrel::Replacer>(h: &[u8], rep: R, size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rw = rootrel::Rewriter::new(rep, &mut out);
    for c in h.chunks(size.max(1)) {
        rw.write(c).unwrap();
    }
    rw.end().unwrap();
    out
}

#[test]
fn replay_regressions_and_seeds() {
    let re = regex_oracle();
    let base = rootrel::Base::parse("https://go.dev").unwrap();
    let mut all = files("tests/fuzz-regressions");
    all.extend(files("fuzz/seeds"));
    all.push(("seed page".into(), seed_page()));
    assert!(all.len() >= 8);
    for (name, h) in &all {
        assert_eq!(rootrel_spans(h), regex_spans(&re, h), "{name}");
        let t: &[u8] = b"$1$2$3https://go.dev$4";
        let one_shot = rootrel::replace_all(h, t).into_owned();
        let abs = rootrel::absolutize(h, &base).into_owned();
        for size in (1..=h.len().min(80)).chain([4096]) {
            assert_eq!(streamed(h, t, size), one_shot, "{name}, chunks of {size}");
            assert_eq!(streamed(h, &base, size), abs, "{name}, chunks of {size}");
        }
    }
}
