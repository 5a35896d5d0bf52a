//! Prints the matches of the seed regex in a file, like `grep -b -o`:
//! `byte-offset:matched bytes`, then the count.
//!
//!     cargo run --release --example find -- testdata/go-blog-execution-traces-2024.html

use std::io::Write;

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: find FILE");
        std::process::exit(2);
    };
    let html = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("find: {}: {e}", std::path::Path::new(&path).display());
            std::process::exit(2);
        }
    };
    let mut out = std::io::stdout().lock();
    let mut n = 0;
    for m in rootrel::find_iter(&html) {
        n += 1;
        let _ = writeln!(out, "{}:{}", m.start(), Shown(m.as_bytes(&html)));
    }
    let _ = writeln!(out, "{n} matches");
    std::process::exit(if n > 0 { 0 } else { 1 });
}

/// Shows bytes as they are where printable ASCII, escaped (`\n`, `\xff`) otherwise.
struct Shown<'a>(&'a [u8]);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for &b in self.0 {
            match b {
                b'\n' => f.write_str("\\n")?,
                b'\\' => f.write_str("\\\\")?,
                b' '..=b'~' => write!(f, "{}", b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        Ok(())
    }
}
