//! The streaming rewriter's memory stays bounded on a 100+ MB stream: a counting
//! allocator records the peak of live heap bytes while it runs.

#[path = "support/shapes.rs"]
mod shapes;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Peak;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; the counters are atomics.
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Peak = Peak;

/// Streams `input` in 64 KiB chunks through a rewriter; returns (bytes in, bytes out,
/// peak heap growth while streaming).
fn stream<R: rootrel::Replacer>(input: &[u8], rep: R) -> (u64, u64, usize) {
    let mut out_len = 0u64;
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let mut rw = rootrel::Rewriter::new(rep, |b: &[u8]| out_len += b.len() as u64);
    for c in input.chunks(64 << 10) {
        rw.write(c).unwrap();
    }
    let (sink, stats) = rw.finish().unwrap();
    let _ = sink; // ends the sink's borrow of `out_len`
    let bytes = stats.bytes;
    let peak = PEAK.load(Relaxed) - before;
    (bytes, out_len, peak)
}

/// The one-shot output length, for comparison.
fn one_shot_len<R: rootrel::Replacer>(input: &[u8], rep: R) -> u64 {
    let mut n = 0u64;
    rootrel::replace_all_to(input, rep, &mut |b: &[u8]| n += b.len() as u64);
    n
}

/// `pieces` repeated until at least `total` bytes.
fn cycle(pieces: &[Vec<u8>], total: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(total + (2 << 20));
    while v.len() < total {
        for p in pieces {
            v.extend_from_slice(p);
        }
    }
    v
}

#[test]
fn bounded_memory_on_a_100_mb_stream() {
    const TOTAL: usize = 100 << 20;
    // Realistic pages with every adversarial shape between them.
    let mut pieces: Vec<Vec<u8>> = (0..4).map(|s| shapes::page(s, 1 << 20)).collect();
    for name in shapes::SHAPES {
        let mut p = shapes::shape(name, 1 << 20);
        p.extend_from_slice(b"\n>\n"); // close the runs some shapes leave open
        pieces.push(p);
    }
    let input = cycle(&pieces, TOTAL);
    let base = rootrel::Base::parse("https://go.dev").unwrap();
    let (bytes, out, peak) = stream(&input, &base);
    assert_eq!(bytes, input.len() as u64);
    assert_eq!(out, one_shot_len(&input, &base));
    assert!(out > bytes, "links were made absolute");
    eprintln!("absolutize: {bytes} bytes streamed, peak heap growth {peak} bytes");
    assert!(peak < 256 << 10, "absolutize held {peak} bytes");

    // A template that uses group 1 (not only an insertion before group 4) holds the
    // current `<…` run: on pages alone runs are short.
    let input = cycle(&pieces[..4], TOTAL);
    let t = "${1}data-${2}${3}${4}";
    let (bytes, out, peak) = stream(&input, t);
    assert_eq!(out, one_shot_len(&input, t));
    eprintln!("template: {bytes} bytes streamed, peak heap growth {peak} bytes");
    assert!(peak < 256 << 10, "template held {peak} bytes");
}
