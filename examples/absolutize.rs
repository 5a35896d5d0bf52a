//! Makes root-relative links absolute, streaming a file (or standard input) to standard
//! output, as the feed readers' `preg_replace($re, '$1$2$3' . $base . '$4', $html)`.
//!
//!     cargo run --release --example absolutize -- https://go.dev testdata/go-blog-execution-traces-2024.html

use std::io::Read;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(base), path) = (args.next(), args.next()) else {
        eprintln!("usage: absolutize BASE-URL [FILE]");
        std::process::exit(2);
    };
    let base = match rootrel::Base::parse(&base) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("absolutize: {e}");
            std::process::exit(2);
        }
    };
    let input: Box<dyn Read> = match &path {
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("absolutize: {p}: {e}");
                std::process::exit(2);
            }
        },
        None => Box::new(std::io::stdin().lock()),
    };
    match rootrel::rewrite(input, std::io::stdout().lock(), &base) {
        Ok(stats) => {
            eprintln!(
                "{} bytes, {} links made absolute",
                stats.bytes, stats.matches
            );
            std::process::exit(if stats.matches > 0 { 0 } else { 1 });
        }
        Err(e) => {
            eprintln!("absolutize: {e}");
            std::process::exit(2);
        }
    }
}
