//! Every engine side by side, on the same bytes, in each group:
//!
//! - `corpus`: the real corpus, `testdata/corpus/` (or `ROOTREL_CORPUS`);
//! - `seed`: the bundled seed page, called repeatedly (per-call set-up shows here);
//! - `pages`: 1 MB of generated realistic pages;
//! - `shape/NAME`: each adversarial shape; rootrel at 1 MB and 10 MB (linearity), the
//!   other engines at 1 MB, or 16 KB for those that backtrack (pcre2, and lol_html).
//!
//! Every timed call checks its result, so a broken engine cannot post a fast time.
//!
//!     cargo bench
//!     cargo bench -- seed          # one group

#[path = "support/engines.rs"]
mod engines;
#[path = "../tests/support/shapes.rs"]
mod shapes;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use engines::Engines;

/// Benchmarks `f` over `inputs` under `name`, checking every run against `want`.
fn bench<T: PartialEq + std::fmt::Debug>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    inputs: &[&[u8]],
    want: &T,
    f: impl Fn(&[u8]) -> T,
    sum: fn(Vec<T>) -> T,
) {
    g.throughput(Throughput::Bytes(
        inputs.iter().map(|h| h.len() as u64).sum(),
    ));
    g.bench_function(name, |b| {
        b.iter(|| {
            let got = sum(inputs.iter().map(|h| f(black_box(h))).collect());
            assert_eq!(&got, want, "{name} returned a wrong result");
        })
    });
}

fn sum2(v: Vec<(usize, usize)>) -> (usize, usize) {
    v.into_iter()
        .fold((0, 0), |(a, b), (c, d)| (a + c, b.wrapping_add(d)))
}

fn sum1(v: Vec<usize>) -> usize {
    v.into_iter().sum()
}

/// All engines over `inputs` in one group.
fn all_engines(c: &mut Criterion, group: &str, inputs: &[&[u8]], e: &Engines) {
    let mut g = c.benchmark_group(group);
    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    let spans = sum2(inputs.iter().map(|h| e.regex_captures(h)).collect());
    let out = sum1(inputs.iter().map(|h| e.regex_replace(h)).collect());
    let pairs = sum1(inputs.iter().map(|h| e.memmem_two_pass(h)).collect());
    let lol = sum1(inputs.iter().map(|h| e.lol_html(h)).collect());
    bench(
        &mut g,
        "rootrel/find_iter",
        inputs,
        &spans,
        |h| e.rootrel_find(h),
        sum2,
    );
    bench(
        &mut g,
        "regex/captures_iter",
        inputs,
        &spans,
        |h| e.regex_captures(h),
        sum2,
    );
    bench(
        &mut g,
        "regex/find_iter",
        inputs,
        &spans,
        |h| e.regex_find(h),
        sum2,
    );
    bench(
        &mut g,
        "pcre2-jit/captures_iter",
        inputs,
        &spans,
        |h| e.pcre2_captures(h),
        sum2,
    );
    bench(
        &mut g,
        "memchr/memmem-two-passes",
        inputs,
        &pairs,
        |h| e.memmem_two_pass(h),
        sum1,
    );
    bench(
        &mut g,
        "rootrel/replace_all",
        inputs,
        &out,
        |h| e.rootrel_replace(h),
        sum1,
    );
    bench(
        &mut g,
        "rootrel/absolutize",
        inputs,
        &out,
        |h| e.rootrel_absolutize(h),
        sum1,
    );
    let buf = std::cell::RefCell::new(Vec::new());
    bench(
        &mut g,
        "rootrel/rewriter-4k",
        inputs,
        &out,
        |h| e.rootrel_stream(h, &mut buf.borrow_mut()),
        sum1,
    );
    bench(
        &mut g,
        "regex/replace_all",
        inputs,
        &out,
        |h| e.regex_replace(h),
        sum1,
    );
    bench(
        &mut g,
        "lol_html/rewrite",
        inputs,
        &lol,
        |h| e.lol_html(h),
        sum1,
    );
    g.finish();
}

fn corpus(c: &mut Criterion) {
    let pages: Vec<Vec<u8>> = shapes::corpus().into_iter().map(|(_, b)| b).collect();
    let inputs: Vec<&[u8]> = pages.iter().map(|p| p.as_slice()).collect();
    all_engines(c, "corpus", &inputs, &Engines::new());
}

fn seed(c: &mut Criterion) {
    let page = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/go-blog-execution-traces-2024.html"
    ))
    .unwrap();
    all_engines(c, "seed", &[&page], &Engines::new());
}

fn pages(c: &mut Criterion) {
    let page = shapes::page(42, 1 << 20);
    all_engines(c, "pages", &[&page], &Engines::new());
}

fn adversarial(c: &mut Criterion) {
    let e = Engines::new();
    for name in shapes::SHAPES {
        let mut g = c.benchmark_group(format!("shape/{name}"));
        g.measurement_time(Duration::from_secs(2)).sample_size(10);
        let mb = shapes::shape(name, 1 << 20);
        let ten = shapes::shape(name, 10 << 20);
        let small = shapes::shape(name, 16 << 10);
        let want = |h: &[u8]| e.regex_captures(h);
        bench(
            &mut g,
            "rootrel/find_iter/1MB",
            &[&mb],
            &want(&mb),
            |h| e.rootrel_find(h),
            sum2,
        );
        bench(
            &mut g,
            "rootrel/find_iter/10MB",
            &[&ten],
            &e.regex_find(&ten),
            |h| e.rootrel_find(h),
            sum2,
        );
        bench(
            &mut g,
            "regex/captures_iter/1MB",
            &[&mb],
            &want(&mb),
            |h| e.regex_captures(h),
            sum2,
        );
        bench(
            &mut g,
            "regex/find_iter/1MB",
            &[&mb],
            &want(&mb),
            |h| e.regex_find(h),
            sum2,
        );
        bench(
            &mut g,
            "memchr/memmem-two-passes/1MB",
            &[&mb],
            &e.memmem_two_pass(&mb),
            |h| e.memmem_two_pass(h),
            sum1,
        );
        bench(
            &mut g,
            "rootrel/find_iter/16KB",
            &[&small],
            &want(&small),
            |h| e.rootrel_find(h),
            sum2,
        );
        bench(
            &mut g,
            "pcre2-jit/captures_iter/16KB",
            &[&small],
            &want(&small),
            |h| e.pcre2_captures(h),
            sum2,
        );
        bench(
            &mut g,
            "rootrel/absolutize/16KB",
            &[&small],
            &e.regex_replace(&small),
            |h| e.rootrel_absolutize(h),
            sum1,
        );
        bench(
            &mut g,
            "lol_html/rewrite/16KB",
            &[&small],
            &e.lol_html(&small),
            |h| e.lol_html(h),
            sum1,
        );
        g.finish();
    }
}

criterion_group!(benches, seed, pages, corpus, adversarial);
criterion_main!(benches);
