//! Scans the real corpus (or one adversarial shape) N times with `find_iter`: a fixed workload
//! for profilers (`valgrind --tool=callgrind`, `perf`).
//!
//!     cargo run --release --example scan_corpus -- 20
//!     cargo run --release --example scan_corpus -- 20 text-no-lt   # a 1 MB adversarial shape
//!
//! With `STREAM=1` it rewrites (`absolutize`) through a `Rewriter` in 4 KiB chunks
//! instead (`CHUNK=n` for chunks of `n` bytes: small chunks bring out the cost of
//! each), with `ABSOLUTIZE=1` in one call per input.

#[path = "../tests/support/shapes.rs"]
mod shapes;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(1, |s| s.parse().expect("rounds: a number"));
    let shape = std::env::args().nth(2);
    let pages: Vec<Vec<u8>> = match shape {
        Some(name) => vec![shapes::shape(&name, 1 << 20)],
        None => shapes::corpus().into_iter().map(|(_, b)| b).collect(),
    };
    let mut n = 0;
    let stream = std::env::var_os("STREAM").is_some();
    let one_shot = std::env::var_os("ABSOLUTIZE").is_some();
    let chunk: usize = std::env::var("CHUNK").map_or(4096, |s| s.parse().expect("CHUNK: a number"));
    let base = rootrel::Base::parse("https://go.dev").unwrap();
    let mut out = Vec::new();
    for _ in 0..rounds {
        for p in &pages {
            if stream {
                out.clear();
                let mut rw = rootrel::Rewriter::new(&base, &mut out);
                for c in p.chunks(chunk) {
                    rw.write(c).unwrap();
                }
                rw.end().unwrap();
                n += out.len();
            } else if one_shot {
                n += rootrel::absolutize(std::hint::black_box(p), &base).len();
            } else {
                n += rootrel::find_iter(std::hint::black_box(p)).count();
            }
        }
    }
    println!("{n} matches");
}
