//! Shared by the test files: the oracles, span extraction, input generators, the corpus.
#![allow(dead_code)]

use std::ops::Range;
use std::path::PathBuf;

use proptest::prelude::*;

mod php_template;
#[path = "shapes.rs"]
pub mod shapes;
#[allow(unused_imports)]
pub use php_template::php_to_regex_template;

/// The seed regex, as PHP spells it (delimiters and the `m` flag aside).
pub const PATTERN: &str = r"(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])";

/// The five spans of one match, groups 0 to 4.
pub type Spans = [Range<usize>; 5];

/// The regex crate, bytes API, Unicode off: the in-process oracle.
pub fn regex_oracle() -> regex::bytes::Regex {
    regex::bytes::RegexBuilder::new(&format!("(?-u){PATTERN}"))
        .multi_line(true)
        .unicode(false)
        .build()
        .unwrap()
}

/// PCRE2, the engine inside PHP, with its JIT as PHP uses it.
pub fn pcre2_oracle() -> pcre2::bytes::Regex {
    pcre2::bytes::RegexBuilder::new()
        .multi_line(true)
        .jit_if_available(true)
        .build(PATTERN)
        .unwrap()
}

pub fn regex_spans(re: &regex::bytes::Regex, h: &[u8]) -> Vec<Spans> {
    re.captures_iter(h)
        .map(|c| std::array::from_fn(|i| c.get(i).unwrap().range()))
        .collect()
}

pub fn pcre2_spans(re: &pcre2::bytes::Regex, h: &[u8]) -> Vec<Spans> {
    re.captures_iter(h)
        .map(|c| {
            let c = c.expect("pcre2 matching error");
            std::array::from_fn(|i| {
                let m = c.get(i).unwrap();
                m.start()..m.end()
            })
        })
        .collect()
}

pub fn rootrel_spans(h: &[u8]) -> Vec<Spans> {
    rootrel::find_iter(h)
        .map(|m| std::array::from_fn(|i| m.group(i)))
        .collect()
}

/// Shows a byte string readably in failure messages.
pub fn show(h: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(h))
}

/// 300 bytes of filler: with it a `<…` run outgrows 256 bytes, where the scanner looks
/// for the run's last candidate backwards from its end.
pub const LONG: &[u8] = &[b'x'; 300];

/// The tokens that steer the regex, with the near-misses around them.
pub const TOKENS: &[&[u8]] = &[
    LONG,
    b"<",
    b">",
    b"href=",
    b"src=",
    b"/",
    b"//",
    b"\"",
    b"'",
    b"\n",
    b"=",
    b"hre",
    b"ref=",
    b"sr",
    b"rc=",
    b"HREF=",
    b"SRC=",
    b" ",
    b"\t",
    b"\r",
    b"x",
    b"a",
    b"<a ",
    b"data-src=",
    b"\xff",
    b"\x80",
    b"\xc3\xa9",
    b"\0",
    b"h",
    b"s",
];

/// A token, weighted towards the ones that make matches, a random byte now and then.
pub fn token() -> impl Strategy<Value = Vec<u8>> {
    let key: &[&[u8]] = &[
        b"<", b"<", b"<", b"href=", b"src=", b"/", b"/", b"/", b"\"", b">",
    ];
    prop_oneof![
        10 => proptest::sample::select(key).prop_map(|t| t.to_vec()),
        8 => proptest::sample::select(TOKENS).prop_map(|t| t.to_vec()),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ]
}

/// Inputs built from tokens, padded in front so that matches straddle 16-, 32- and
/// 64-byte boundaries.
pub fn tricky_input() -> impl Strategy<Value = Vec<u8>> {
    (0usize..72, proptest::collection::vec(token(), 0..40)).prop_map(|(pad, toks)| {
        let mut v = vec![b'.'; pad];
        for t in toks {
            v.extend_from_slice(&t);
        }
        v
    })
}

/// Arbitrary bytes drawn from a small alphabet of the bytes that matter.
pub fn small_alphabet_input() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: &[u8] = b"<>/=\"\nhrefscx ";
    proptest::collection::vec(proptest::sample::select(alphabet), 0..120)
}

/// Proptest settings: `cases(default)` cases, failures kept in
/// `tests/proptest-regressions.txt` and replayed first on every run.
pub fn config(default: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default),
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/proptest-regressions.txt"
            )),
        )),
        ..ProptestConfig::default()
    }
}

/// Cases for proptest: `PROPTEST_CASES` when set (the long mode), else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The bundled seed page.
pub fn seed_page() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/go-blog-execution-traces-2024.html"
    ))
    .unwrap()
}

#[allow(unused_imports)]
pub use shapes::corpus_is_bundled;

/// The real corpus (see `shapes::corpus`).
pub fn corpus() -> Vec<(PathBuf, Vec<u8>)> {
    shapes::corpus()
}

/// Whether `php` can be run. Under CI (`CI` set) its absence is an error: `.ci/run`
/// installs php-cli, so a missing `php` there means the PHP oracle silently did not run.
pub fn php_available() -> bool {
    let ok = std::process::Command::new("php")
        .arg("-v")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "php is not on PATH under CI: .ci/run must install php-cli"
        );
        eprintln!("\n*** php is not on PATH: the PHP oracle checks are SKIPPED. ***\n");
    }
    ok
}

/// Runs `tests/php/<script>` over `inputs` in one PHP process and returns one output
/// line per input.
pub fn run_php(script: &str, inputs: &[&[u8]]) -> Vec<Vec<u8>> {
    let lines = run_php_lines(script, inputs);
    assert_eq!(lines.len(), inputs.len(), "one php line per input");
    lines
}

/// Runs `tests/php/<script>` with the file of length-prefixed `inputs`; its lines.
pub fn run_php_lines(script: &str, inputs: &[&[u8]]) -> Vec<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!(
        "rootrel-php-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("inputs");
    let mut data = Vec::new();
    for h in inputs {
        data.extend_from_slice(format!("{}\n", h.len()).as_bytes());
        data.extend_from_slice(h);
    }
    std::fs::write(&file, &data).unwrap();
    let out = std::process::Command::new("php")
        .args(["-d", "display_errors=stderr", "-d", "memory_limit=-1", "-f"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/php/").to_owned() + script)
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "php failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<Vec<u8>> = out
        .stdout
        .split(|&b| b == b'\n')
        .map(|l| l.to_vec())
        .collect();
    assert_eq!(
        lines.pop().as_deref(),
        Some(&b""[..]),
        "php output ends with a newline"
    );
    lines
}

/// Formats spans as `tests/php/spans.php` prints them.
pub fn php_format(spans: &[Spans]) -> Vec<u8> {
    spans
        .iter()
        .map(|s| {
            s.iter()
                .flat_map(|r| [r.start.to_string(), r.end.to_string()])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(";")
        .into_bytes()
}

/// `count` inputs drawn deterministically from `strategy`.
pub fn sample<S: Strategy>(strategy: S, count: usize, seed: u8) -> Vec<S::Value> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// Runs PHP's `preg_replace` over `(template, input)` pairs; `None` where PHP returned
/// NULL.
pub fn php_replace(pairs: &[(&[u8], &[u8])]) -> Vec<Option<Vec<u8>>> {
    let flat: Vec<&[u8]> = pairs.iter().flat_map(|&(t, h)| [t, h]).collect();
    // run_php checks one line per input; here there is one line per pair.
    let lines = run_php_lines("replace.php", &flat);
    assert_eq!(lines.len(), pairs.len(), "one php line per pair");
    lines
        .iter()
        .map(|l| {
            if l.starts_with(b"NULL") {
                return None;
            }
            let sp = l.iter().position(|&b| b == b' ').unwrap();
            let hex = &l[sp + 1..];
            Some(
                hex.chunks(2)
                    .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
                    .collect(),
            )
        })
        .collect()
}

/// Pieces PHP templates are made of: every reference form, the escapes, and the
/// near-misses around them.
pub const TEMPLATE_PIECES: &[&[u8]] = &[
    b"$0",
    b"$1",
    b"$2",
    b"$3",
    b"$4",
    b"$5",
    b"$9",
    b"$12",
    b"$99",
    b"${0}",
    b"${1}",
    b"${4}",
    b"${10}",
    b"${123}",
    b"${1",
    b"${",
    b"$",
    b"\\",
    b"\\\\",
    b"\\$",
    b"\\0",
    b"\\1",
    b"\\4",
    b"\\42",
    b"\\x",
    b"{",
    b"}",
    b"0",
    b"7",
    b"x",
    b"https://go.dev",
    b"\"",
    b"\0",
    b"\xff",
];

/// A template close to the insertion form `$1$2$3…$4`: the three groups and group 4 in
/// each spelling PHP accepts, a middle drawn from [`TEMPLATE_PIECES`] (often plain
/// literal bytes, sometimes escapes or references), now and then something after.
pub fn insertion_template() -> impl Strategy<Value = Vec<u8>> {
    let group = |n: u8| {
        proptest::sample::select(vec![
            format!("${n}"),
            format!("${{{n}}}"),
            format!("\\{n}"),
            format!("$0{n}"),
        ])
    };
    let middle = proptest::prop_oneof![
        3 => "[a-z:/.]{0,12}".prop_map(String::into_bytes),
        1 => proptest::collection::vec(proptest::sample::select(TEMPLATE_PIECES), 0..3)
            .prop_map(|v| v.concat()),
    ];
    let after = proptest::prop_oneof![
        4 => Just(Vec::new()),
        1 => proptest::collection::vec(proptest::sample::select(TEMPLATE_PIECES), 1..2)
            .prop_map(|v| v.concat()),
    ];
    (group(1), group(2), group(3), middle, group(4), after).prop_map(|(a, b, c, m, d, e)| {
        [
            a.as_bytes(),
            b.as_bytes(),
            c.as_bytes(),
            &m,
            d.as_bytes(),
            &e,
        ]
        .concat()
    })
}

/// A PHP template drawn from [`TEMPLATE_PIECES`].
pub fn php_template() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(TEMPLATE_PIECES), 0..8)
        .prop_map(|v| v.concat())
}
