//! rootrel against PHP itself: `preg_match_all` with PREG_SET_ORDER | PREG_OFFSET_CAPTURE
//! on the seed page, generated inputs and the real corpus. Runs whenever `php` is on
//! PATH; under CI a missing `php` fails the test.

mod support;

use support::*;

fn compare(inputs: &[&[u8]], what: &str) {
    let lines = run_php("spans.php", inputs);
    let mut matches = 0;
    for (h, line) in inputs.iter().zip(&lines) {
        let got = rootrel_spans(h);
        matches += got.len();
        assert_eq!(
            String::from_utf8_lossy(&php_format(&got)),
            String::from_utf8_lossy(line),
            "{what}: PHP differs on {}",
            show(h)
        );
    }
    eprintln!(
        "{what}: {} inputs, {matches} matches equal to PHP's",
        inputs.len()
    );
}

#[test]
fn seed_page_and_generated_inputs() {
    if !php_available() {
        return;
    }
    let seed = seed_page();
    let mut inputs: Vec<Vec<u8>> = vec![seed];
    inputs.extend(sample(tricky_input(), 50_000, 1));
    inputs.extend(sample(small_alphabet_input(), 50_000, 2));
    inputs.extend(sample(
        proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
        2_000,
        3,
    ));
    let refs: Vec<&[u8]> = inputs.iter().map(|v| v.as_slice()).collect();
    assert_eq!(rootrel_spans(refs[0]).len(), 6);
    compare(&refs, "seed + generated");
}

#[test]
fn real_corpus() {
    if !php_available() {
        return;
    }
    let pages = corpus();
    let refs: Vec<&[u8]> = pages.iter().map(|(_, b)| b.as_slice()).collect();
    compare(&refs, "real corpus");
}
