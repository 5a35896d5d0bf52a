//! `rootrel find`: the matches of each input, in one of four formats.

use std::io::{self, BufWriter, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::inputs::{self, Input};
use crate::{error, progress, show, FindArgs, Format, Outcome};

/// How many inputs are read and scanned at once, in parallel, before their output is
/// written in order.
const BATCH: usize = 64;

/// What scanning one input gave: its formatted output and its number of matches.
type Scanned = io::Result<(Vec<u8>, usize)>;

pub(crate) fn run(a: FindArgs) -> Outcome {
    let mut out = Outcome::default();
    let inputs = inputs::collect(&a.walk, &mut out);
    // Names are printed for several inputs, and for any found in a directory.
    let multi = inputs.len() > 1 || a.walk.paths.iter().any(|p| p.is_dir());
    let bytes = inputs::total_len(&inputs);
    let bar = progress::bar(inputs.len(), bytes);
    let mut w = BufWriter::with_capacity(64 << 10, io::stdout().lock());
    for batch in inputs.chunks(BATCH) {
        for (input, result) in batch.iter().zip(scan_batch(batch, &a, multi)) {
            match result {
                Ok((text, n)) => {
                    out.matched |= n > 0;
                    if let Err(e) = w.write_all(&text) {
                        crate::stdout_failed(&e, &mut out);
                        return out;
                    }
                }
                Err(e) => {
                    error(input, &e);
                    out.failed = true;
                }
            }
            if let Input::File(p) = input {
                bar.inc(std::fs::metadata(p).map_or(0, |m| m.len()));
            }
        }
        if a.quiet && out.matched {
            break;
        }
    }
    bar.finish_and_clear();
    if let Err(e) = w.flush() {
        crate::stdout_failed(&e, &mut out);
    }
    out
}

/// Reads and scans a batch of inputs on all cores; results in the batch's order.
fn scan_batch(batch: &[Input], a: &FindArgs, multi: bool) -> Vec<Scanned> {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(batch.len());
    let mut results: Vec<(usize, Scanned)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = batch.get(i) else { break };
                        mine.push((i, read(input).map(|h| format(input, &h, a, multi))));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|r| r.0);
    results.into_iter().map(|r| r.1).collect()
}

fn read(input: &Input) -> io::Result<Vec<u8>> {
    match input {
        Input::Stdin => {
            let mut v = Vec::new();
            io::stdin().lock().read_to_end(&mut v)?;
            Ok(v)
        }
        Input::File(p) => std::fs::read(p),
    }
}

/// The output for one input and its number of matches.
fn format(input: &Input, h: &[u8], a: &FindArgs, multi: bool) -> (Vec<u8>, usize) {
    let mut o = Vec::new();
    // The name and what follows it: escaped and `:`, or as it is and a NUL.
    let name = |o: &mut Vec<u8>, sep: &[u8]| {
        if a.null {
            o.extend_from_slice(input.raw_name());
            o.push(0);
        } else {
            show::escape(o, input.raw_name());
            o.extend_from_slice(sep);
        }
    };
    if a.count || a.quiet {
        let n = rootrel::find_iter(h).count();
        if a.quiet {
        } else if a.format == Format::Json {
            let line = serde_json::json!({ "path": show::json(input.raw_name()), "count": n });
            o.extend_from_slice(line.to_string().as_bytes());
            o.push(b'\n');
        } else {
            if multi || a.null {
                name(&mut o, b":");
            }
            o.extend_from_slice(format!("{n}\n").as_bytes());
        }
        return (o, n);
    }
    if multi && matches!(a.format, Format::Offsets | Format::Php) {
        o.extend_from_slice(b"==> ");
        name(&mut o, b" <==");
        o.push(b'\n');
    }
    let mut n = 0;
    match a.format {
        Format::Text => {
            for m in rootrel::find_iter(h) {
                n += 1;
                name(&mut o, b":");
                o.extend_from_slice(format!("{}:", m.start()).as_bytes());
                show::escape(&mut o, m.as_bytes(h));
                o.push(b'\n');
            }
        }
        Format::Json => {
            let path = show::json(input.raw_name());
            for m in rootrel::find_iter(h) {
                n += 1;
                let groups: Vec<[usize; 2]> = (0..=4)
                    .map(|g| [m.group(g).start, m.group(g).end])
                    .collect();
                let line = serde_json::json!({
                    "path": path,
                    "offset": m.start(),
                    "groups": groups,
                    "match": show::json(m.as_bytes(h)),
                });
                o.extend_from_slice(line.to_string().as_bytes());
                o.push(b'\n');
            }
        }
        Format::Offsets => {
            for m in rootrel::find_iter(h) {
                n += 1;
                let spans: Vec<String> = (0..=4)
                    .flat_map(|g| [m.group(g).start.to_string(), m.group(g).end.to_string()])
                    .collect();
                o.extend_from_slice(spans.join(" ").as_bytes());
                o.push(b'\n');
            }
        }
        Format::Php => {
            let ms: Vec<rootrel::Match> = rootrel::find_iter(h).collect();
            n = ms.len();
            php_var_dump(&mut o, h, &ms);
        }
    }
    (o, n)
}

/// `var_dump($matches)` after `preg_match_all($re, $h, $matches, PREG_SET_ORDER)`.
fn php_var_dump(o: &mut Vec<u8>, h: &[u8], ms: &[rootrel::Match]) {
    o.extend_from_slice(format!("array({}) {{\n", ms.len()).as_bytes());
    for (i, m) in ms.iter().enumerate() {
        o.extend_from_slice(format!("  [{i}]=>\n  array(5) {{\n").as_bytes());
        for g in 0..=4 {
            let text = m.group_bytes(h, g);
            o.extend_from_slice(format!("    [{g}]=>\n    string({}) \"", text.len()).as_bytes());
            o.extend_from_slice(text);
            o.extend_from_slice(b"\"\n");
        }
        o.extend_from_slice(b"  }\n");
    }
    o.extend_from_slice(b"}\n");
}
