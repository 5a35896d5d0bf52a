//! rootrel against PCRE2 (with JIT), the engine inside PHP: every span of every match.

mod support;

use support::shapes;

use proptest::prelude::*;
use support::*;

fn check(h: &[u8]) -> Result<(), TestCaseError> {
    thread_local!(static RE: pcre2::bytes::Regex = pcre2_oracle());
    let want = RE.with(|re| pcre2_spans(re, h));
    prop_assert_eq!(rootrel_spans(h), want, "input {}", show(h));
    Ok(())
}

proptest! {
    #![proptest_config(config(20_000))]

    #[test]
    fn tokens(h in tricky_input()) {
        check(&h)?;
    }

    #[test]
    fn small_alphabet(h in small_alphabet_input()) {
        check(&h)?;
    }

    #[test]
    fn any_bytes(h in proptest::collection::vec(any::<u8>(), 0..300)) {
        check(&h)?;
    }
}

#[test]
fn generated_pages_and_small_shapes() {
    let re = pcre2_oracle();
    for seed in 0..20 {
        let p = shapes::page(seed, 20_000);
        assert_eq!(rootrel_spans(&p), pcre2_spans(&re, &p), "page seed {seed}");
    }
    // Small enough for PCRE2's backtracking to finish.
    for name in shapes::SHAPES {
        let h = shapes::shape(name, 2_000);
        assert_eq!(rootrel_spans(&h), pcre2_spans(&re, &h), "shape {name}");
    }
}
