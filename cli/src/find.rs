//! `rootrel find`: the matches of each input, in one of four formats, streamed through
//! the library's [`rootrel::Finder`] in 64 KiB reads, so memory stays bounded whatever
//! the input's size. Small files are scanned several at a time, in parallel; their
//! output is written in input order.

use std::cell::Cell;
use std::io::{self, BufWriter, Read, Write};

use rootrel::{Captures, Finder};

use crate::inputs::{self, Input};
use crate::{error, progress, show, FindArgs, Format, Outcome, OutputError};

/// Files up to this size are read and scanned in parallel batches of [`BATCH`], their
/// output held until their turn; larger ones, and standard input, one at a time,
/// their output streamed.
const SMALL: u64 = 1 << 20;
const BATCH: usize = 64;

/// What scanning one input gave: its held output and its number of matches.
type Scanned = io::Result<(Vec<u8>, usize)>;

pub(crate) fn run(a: FindArgs) -> Outcome {
    let mut out = Outcome::default();
    let inputs = inputs::collect(&a.walk, &mut out);
    // Names are printed for several inputs, and for any found in a directory.
    let multi = inputs.len() > 1 || a.walk.paths.iter().any(|p| p.is_dir());
    let bar = progress::bar(inputs.len(), inputs::total_len(&inputs));
    let mut w = BufWriter::with_capacity(64 << 10, io::stdout().lock());
    let mut rest = &inputs[..];
    while !(rest.is_empty() || a.quiet && out.matched) {
        let small = inputs::small_files(rest, BATCH, SMALL);
        let results: Vec<Scanned> = if small > 0 {
            scan_batch(&rest[..small], &a, multi)
        } else {
            // One large input, its output streamed.
            vec![scan(&rest[0], &a, multi, &mut w).map(|n| (Vec::new(), n))]
        };
        let done = results.len();
        for (input, result) in rest[..done].iter().zip(results) {
            let written = result.and_then(|(text, n)| {
                w.write_all(&text).map_err(OutputError::wrap)?;
                Ok(n)
            });
            match written {
                Ok(n) => out.matched |= n > 0,
                Err(e) if OutputError::is(&e) => {
                    crate::stdout_failed(&e, &mut out);
                    return out;
                }
                Err(e) => {
                    bar.suspend(|| error(input, &e));
                    out.failed = true;
                }
            }
            if let Input::File(p) = input {
                bar.inc(std::fs::metadata(p).map_or(0, |m| m.len()));
            }
        }
        rest = &rest[done..];
    }
    bar.finish_and_clear();
    if let Err(e) = w.flush() {
        crate::stdout_failed(&e, &mut out);
    }
    out
}

/// Scans a batch of inputs on all cores, each into its own buffer; results in the
/// batch's order.
fn scan_batch(batch: &[Input], a: &FindArgs, multi: bool) -> Vec<Scanned> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    inputs::parallel(batch, threads, |input| {
        let mut text = Vec::new();
        scan(input, a, multi, &mut text).map(|n| (text, n))
    })
}

/// Streams one input through a [`Finder`], printing its matches to `w`; returns their
/// number. Errors writing to `w` are [`OutputError`]s.
fn scan(input: &Input, a: &FindArgs, multi: bool, w: &mut dyn Write) -> io::Result<usize> {
    let mut r = input.open()?;
    let mut p = Printer::new(input, a, multi);
    let mut f = Finder::new().with_max_buffer(a.max_buffer);
    let mut buf = vec![0; 64 << 10];
    // The first error writing the output; nothing more is printed after it.
    let failed: Cell<Option<io::Error>> = Cell::new(None);
    let mut each = |c: &Captures<'_>| {
        let e = failed.take();
        failed.set(e.or_else(|| p.each(w, c).err()));
    };
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        f.write(&buf[..n], &mut each).map_err(crate::buffer_limit)?;
        let e = failed.take();
        if let Some(e) = e {
            return Err(OutputError::wrap(e));
        }
        if a.quiet && f.stats().matches > 0 {
            break;
        }
    }
    let stats = f.end(&mut each).map_err(crate::buffer_limit)?;
    if let Some(e) = failed.take() {
        return Err(OutputError::wrap(e));
    }
    p.finish(w).map_err(OutputError::wrap)?;
    Ok(stats.matches as usize)
}

/// Prints the matches of one input in the chosen format.
struct Printer<'a> {
    input: &'a Input,
    a: &'a FindArgs,
    multi: bool,
    count: usize,
    /// `--format php`: the matches' entries, printed after their number.
    php: Vec<u8>,
}

impl<'a> Printer<'a> {
    fn new(input: &'a Input, a: &'a FindArgs, multi: bool) -> Printer<'a> {
        Printer {
            input,
            a,
            multi,
            count: 0,
            php: Vec::new(),
        }
    }

    /// The name and what follows it: escaped and `sep`, or as it is and a NUL.
    fn name(&self, o: &mut Vec<u8>, sep: &[u8]) {
        if self.a.null {
            o.extend_from_slice(self.input.raw_name());
            o.push(0);
        } else {
            show::escape(o, self.input.raw_name());
            o.extend_from_slice(sep);
        }
    }

    fn counting(&self) -> bool {
        self.a.count || self.a.quiet
    }

    fn each(&mut self, w: &mut dyn Write, c: &Captures<'_>) -> io::Result<()> {
        self.count += 1;
        if self.counting() {
            return Ok(());
        }
        let m = c.as_match();
        let mut o = Vec::new();
        if self.count == 1 && self.multi && matches!(self.a.format, Format::Offsets) {
            self.header(&mut o);
        }
        match self.a.format {
            Format::Text => {
                self.name(&mut o, b":");
                o.extend_from_slice(format!("{}:", m.start()).as_bytes());
                show::escape(&mut o, c.as_bytes());
                o.push(b'\n');
            }
            Format::Json => {
                let groups: Vec<[usize; 2]> = (0..=4)
                    .map(|g| [m.group(g).start, m.group(g).end])
                    .collect();
                let line = serde_json::json!({
                    "path": show::json(self.input.raw_name()),
                    "offset": m.start(),
                    "groups": groups,
                    "match": show::json(c.as_bytes()),
                });
                o.extend_from_slice(line.to_string().as_bytes());
                o.push(b'\n');
            }
            Format::Offsets => {
                let spans: Vec<String> = (0..=4)
                    .flat_map(|g| [m.group(g).start.to_string(), m.group(g).end.to_string()])
                    .collect();
                o.extend_from_slice(spans.join(" ").as_bytes());
                o.push(b'\n');
            }
            Format::Php => {
                let i = self.count - 1;
                let e = &mut self.php;
                e.extend_from_slice(format!("  [{i}]=>\n  array(5) {{\n").as_bytes());
                for g in 0..=4 {
                    let text = c.get(g).unwrap_or_default();
                    e.extend_from_slice(
                        format!("    [{g}]=>\n    string({}) \"", text.len()).as_bytes(),
                    );
                    e.extend_from_slice(text);
                    e.extend_from_slice(b"\"\n");
                }
                e.extend_from_slice(b"  }\n");
            }
        }
        w.write_all(&o)
    }

    fn header(&self, o: &mut Vec<u8>) {
        o.extend_from_slice(b"==> ");
        self.name(o, b" <==");
        o.push(b'\n');
    }

    /// What follows the last match: the count, or PHP's `var_dump` of them all.
    fn finish(self, w: &mut dyn Write) -> io::Result<()> {
        let mut o = Vec::new();
        let n = self.count;
        if self.a.quiet {
        } else if self.a.count && self.a.format == Format::Json {
            let line = serde_json::json!({ "path": show::json(self.input.raw_name()), "count": n });
            o.extend_from_slice(line.to_string().as_bytes());
            o.push(b'\n');
        } else if self.a.count {
            if self.multi || self.a.null {
                self.name(&mut o, b":");
            }
            o.extend_from_slice(format!("{n}\n").as_bytes());
        } else if self.a.format == Format::Php {
            if self.multi {
                self.header(&mut o);
            }
            // `var_dump($matches)` after `preg_match_all($re, $h, $matches, PREG_SET_ORDER)`.
            o.extend_from_slice(format!("array({n}) {{\n").as_bytes());
            o.extend_from_slice(&self.php);
            o.extend_from_slice(b"}\n");
        } else if self.a.format == Format::Offsets && self.multi && n == 0 {
            self.header(&mut o);
        }
        w.write_all(&o)
    }
}
