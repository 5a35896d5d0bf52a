//! The scanner allocates nothing: a counting global allocator sees zero allocations
//! while `find_iter` runs over the seed page, generated pages, every adversarial shape
//! and the real corpus.

mod support;

use support::shapes;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to `System`; the counter only reads and
// writes const-initialised thread-locals, which do not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ON.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ON.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the number of allocations it made.
fn counted<T>(f: impl FnOnce() -> T) -> (T, usize) {
    COUNT.with(|c| c.set(0));
    ON.with(|o| o.set(true));
    let t = f();
    ON.with(|o| o.set(false));
    (t, COUNT.with(Cell::get))
}

fn scan_all(inputs: &[Vec<u8>]) -> (usize, usize) {
    let mut spans_sum = 0;
    let (matches, allocs) = counted(|| {
        let mut n = 0;
        for h in inputs {
            for m in rootrel::find_iter(h) {
                spans_sum += m.group(1).len() + m.group(4).start;
                n += 1;
            }
        }
        n
    });
    std::hint::black_box(spans_sum);
    (matches, allocs)
}

#[test]
fn counter_sees_allocations() {
    // The counter itself works: a Vec allocates once.
    let (_, n) = counted(|| std::hint::black_box(vec![1u8; 10]));
    assert_eq!(n, 1);
}

#[test]
fn zero_allocations() {
    let mut inputs = vec![support::seed_page()];
    inputs.extend((0..8).map(|s| shapes::page(s, 100_000)));
    inputs.extend(shapes::SHAPES.iter().map(|s| shapes::shape(s, 1 << 20)));
    let (matches, allocs) = scan_all(&inputs);
    assert!(matches > 50_000, "the inputs have matches ({matches})");
    assert_eq!(allocs, 0, "allocations while scanning generated inputs");

    let pages: Vec<Vec<u8>> = support::corpus().into_iter().map(|(_, b)| b).collect();
    let (matches, allocs) = scan_all(&pages);
    if shapes::corpus_is_bundled() {
        assert_eq!(matches, 10_185);
    }
    assert_eq!(allocs, 0, "allocations while scanning the real corpus");
    eprintln!("real corpus: {matches} matches, {allocs} allocations");
}
