//! `rootrel rewrite`: each input rewritten, to standard output or in place, streaming.

use std::collections::BTreeSet;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use rootrel::{Base, IoSink, Replacer, Rewriter};

use crate::inputs::{self, Input};
use crate::{error, inplace, progress, show, Outcome, OutputError, RewriteArgs};

/// Files up to this size are rewritten in parallel batches of [`BATCH`] (their output
/// held until their turn when it goes to standard output); larger ones, and standard
/// input, one at a time, streamed.
const SMALL: u64 = 1 << 20;
const BATCH: usize = 256;

/// The replacement: a checked base URL or a PHP template.
enum Rep {
    Base(Base),
    Template(Vec<u8>),
}

/// What one input gave.
#[derive(Default)]
struct Done {
    bytes: u64,
    matches: u64,
}

pub(crate) fn run(a: RewriteArgs) -> Outcome {
    let mut out = Outcome::default();
    let rep = match (&a.base, &a.template) {
        (Some(b), _) => match Base::parse(b) {
            Ok(b) => Rep::Base(b),
            Err(e) => {
                error(&"--base", &e);
                out.failed = true;
                return out;
            }
        },
        (None, Some(t)) => Rep::Template(t.clone().into_bytes()),
        (None, None) => unreachable!("clap requires --base or --template"),
    };
    let inputs = inputs::collect(&a.walk, &mut out);
    if a.in_place && inputs.contains(&Input::Stdin) {
        error(
            &"--in-place",
            &"standard input cannot be rewritten in place",
        );
        out.failed = true;
        return out;
    }
    let bytes = inputs::total_len(&inputs);
    let bar = progress::bar(inputs.len(), bytes);
    let mut total = Done::default();
    let mut stdout = BufWriter::with_capacity(64 << 10, io::stdout().lock());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rest = &inputs[..];
    while !rest.is_empty() {
        let results: Vec<io::Result<(Vec<u8>, Done)>> = if a.in_place {
            // Written and synced in parallel (the syncs wait on the disk, so more threads
            // than cores), renamed in order, then each directory synced once.
            let batch = &rest[..rest.len().min(BATCH)];
            let prepared = inputs::parallel(batch, cores.max(8), |input| match input {
                Input::File(p) => prepare(p, &rep, a.max_buffer),
                Input::Stdin => unreachable!("refused above"),
            });
            let mut dirs = BTreeSet::new();
            let results = prepared
                .into_iter()
                .map(|r| {
                    let (p, done) = r?;
                    dirs.insert(p.commit()?);
                    Ok((Vec::new(), done))
                })
                .collect();
            for d in dirs {
                if let Err(e) = inplace::sync_dir(&d) {
                    bar.suspend(|| error(&show::escaped(show::path_bytes(&d)), &e));
                    out.failed = true;
                }
            }
            results
        } else {
            let small = inputs::small_files(rest, BATCH, SMALL);
            if small > 0 {
                inputs::parallel(&rest[..small], cores, |input| {
                    let mut text = Vec::new();
                    let done = stream(input.open()?, &mut text, &rep, a.max_buffer)?;
                    Ok((text, done))
                })
            } else {
                // One large input, or standard input, its output streamed.
                vec![rest[0]
                    .open()
                    .and_then(|r| stream(r, &mut stdout, &rep, a.max_buffer))
                    .map(|d| (Vec::new(), d))]
            }
        };
        let n = results.len();
        for (input, result) in rest[..n].iter().zip(results) {
            let result = result.and_then(|(text, d)| {
                stdout.write_all(&text).map_err(OutputError::wrap)?;
                Ok(d)
            });
            match result {
                Ok(d) => {
                    bar.inc(d.bytes);
                    out.matched |= d.matches > 0;
                    total.bytes += d.bytes;
                    total.matches += d.matches;
                }
                Err(e) if OutputError::is(&e) => {
                    crate::stdout_failed(&e, &mut out);
                    return out;
                }
                Err(e) => {
                    bar.suspend(|| error(input, &e));
                    out.failed = true;
                }
            }
        }
        rest = &rest[n..];
    }
    bar.finish_and_clear();
    if let Err(e) = stdout.flush() {
        crate::stdout_failed(&e, &mut out);
    }
    if a.stats {
        eprintln!(
            "rootrel: {} input{}, {} bytes read, {} link{} rewritten",
            inputs.len(),
            if inputs.len() == 1 { "" } else { "s" },
            total.bytes,
            total.matches,
            if total.matches == 1 { "" } else { "s" }
        );
    }
    out
}

/// Streams `r` through a rewriter into `w` in 64 KiB chunks.
fn stream<W: Write>(mut r: impl Read, w: &mut W, rep: &Rep, max_buffer: usize) -> io::Result<Done> {
    match rep {
        Rep::Base(b) => stream_with(&mut r, w, b, max_buffer),
        Rep::Template(t) => stream_with(&mut r, w, t.as_slice(), max_buffer),
    }
}

fn stream_with<W: Write, R: Replacer>(
    r: &mut dyn Read,
    w: &mut W,
    rep: R,
    max_buffer: usize,
) -> io::Result<Done> {
    let mut rw = Rewriter::new(rep, IoSink::unbuffered(w)).with_max_buffer(max_buffer);
    rw.read_from(r).map_err(|e| {
        match e.get_ref().and_then(|i| i.downcast_ref::<rootrel::Error>()) {
            Some(&limit) => crate::buffer_limit(limit),
            None => e,
        }
    })?;
    let (sink, stats) = rw.finish().map_err(crate::buffer_limit)?;
    sink.into_result().map_err(OutputError::wrap)?;
    Ok(Done {
        bytes: stats.bytes,
        matches: stats.matches,
    })
}

/// Writes the rewritten copy of the file at `path`, ready to be renamed over it (see
/// [`inplace`]).
fn prepare(path: &Path, rep: &Rep, max_buffer: usize) -> io::Result<(inplace::Prepared, Done)> {
    inplace::prepare(path, |input, w| {
        stream(input, w, rep, max_buffer).map_err(|e| match e.get_ref() {
            Some(inner) if inner.is::<OutputError>() => {
                io::Error::new(e.kind(), format!("writing the temporary file: {inner}"))
            }
            _ => e,
        })
    })
}
