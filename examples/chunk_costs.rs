//! What a `Rewriter`'s chunk costs beyond its bytes: rewrites an input of 4 KiB blocks,
//! each holding `LINKS` links after 1.5 KB of paragraphs, in 4 KiB and in 64 KiB
//! chunks, and prints the time per block (best of 15 rounds) and the difference.
//!
//!     cargo run --release --example chunk_costs -- LINKS [SIZE]
//!
//! `SIZE` (bytes, 1 MiB by default) picks where the input and output live: 1 MiB in
//! the L2 cache of most machines, 32 MiB in the last-level cache of some.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let links: usize = args
        .next()
        .map_or(1, |s| s.parse().expect("LINKS: a number"));
    let size: usize = args
        .next()
        .map_or(1 << 20, |s| s.parse().expect("SIZE: a number"));
    let filler =
        b"<p class=\"text\">Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n";
    let mut h = Vec::with_capacity(size);
    while h.len() + 4096 <= size.max(4096) {
        let start = h.len();
        let mut made = 0;
        while h.len() - start < 4096 - 200 {
            if made < links && h.len() - start > 1500 + made * 150 {
                h.extend_from_slice(b"<a href=\"/pkg/x\">pkg</a> ");
                made += 1;
            } else {
                h.extend_from_slice(filler);
            }
        }
        h.resize(start + 4096, b' ');
    }
    let blocks = h.len() / 4096;
    let base = rootrel::Base::parse("https://go.dev").unwrap();
    let want = rootrel::absolutize(&h, &base).into_owned();
    let mut out = Vec::new();
    let reps = (256 << 20) / h.len();
    let mut per_block = |chunk: usize| {
        let mut best = f64::INFINITY;
        for _ in 0..15 {
            let t = Instant::now();
            for _ in 0..reps.max(2) {
                out.clear();
                let mut rw = rootrel::Rewriter::new(&base, &mut out);
                for c in h.chunks(chunk) {
                    rw.write(c).unwrap();
                }
                rw.end().unwrap();
                std::hint::black_box(&out);
            }
            best = best.min(t.elapsed().as_secs_f64() / reps.max(2) as f64);
        }
        assert_eq!(
            out, want,
            "the Rewriter in chunks of {chunk} and absolutize disagree"
        );
        best * 1e9 / blocks as f64
    };
    let (small, large) = (per_block(4096), per_block(65536));
    println!(
        "{links} links a block, {blocks} blocks: {small:.1} ns a block in 4 KiB chunks, \
         {large:.1} in 64 KiB chunks, {:.1} ns a chunk end",
        small - large
    );
}
