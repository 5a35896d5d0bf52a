//! Turning the command line's paths into a sorted list of inputs.

use std::fmt;
use std::io;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::{error, show, Outcome, Walk};

/// One input: standard input or a file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// The input, open for reading.
    pub(crate) fn open(&self) -> io::Result<Box<dyn io::Read>> {
        Ok(match self {
            Input::Stdin => Box::new(io::stdin().lock()),
            Input::File(p) => Box::new(std::fs::File::open(p)?),
        })
    }

    /// The name as it is: the path's bytes, or `(standard input)`.
    pub(crate) fn raw_name(&self) -> &[u8] {
        match self {
            Input::Stdin => b"(standard input)",
            Input::File(p) => show::path_bytes(p),
        }
    }
}

/// The name escaped for a line of text (see [`show`]).
impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&show::escaped(self.raw_name()))
    }
}

/// The total size of the files among `inputs` (for the progress bar).
pub(crate) fn total_len(inputs: &[Input]) -> u64 {
    inputs
        .iter()
        .map(|i| match i {
            Input::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            Input::Stdin => 0,
        })
        .sum()
}

/// The inputs named by `walk`: standard input when no path is given, `-` for standard
/// input, files as given, and directories walked recursively for file names matching
/// the globs. Files found in directories are sorted by path. Paths that cannot be read
/// are reported (and `out.failed` set); the rest is still returned.
pub(crate) fn collect(walk: &Walk, out: &mut Outcome) -> Vec<Input> {
    if walk.paths.is_empty() {
        return vec![Input::Stdin];
    }
    let globs = match globset(&walk.globs) {
        Ok(g) => g,
        Err(e) => {
            error(&"--glob", &e);
            out.failed = true;
            return Vec::new();
        }
    };
    let mut inputs = Vec::new();
    for path in &walk.paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk_dir(path, &globs, &mut inputs, out),
            Ok(_) => inputs.push(Input::File(path.clone())),
            Err(e) => {
                error(&show::escaped(show::path_bytes(path)), &e);
                out.failed = true;
            }
        }
    }
    inputs
}

fn globset(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p)?);
    }
    b.build()
}

fn walk_dir(dir: &Path, globs: &GlobSet, inputs: &mut Vec<Input>, out: &mut Outcome) {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() && globs.is_match(e.file_name()) => {
                found.push(e.into_path())
            }
            Ok(_) => {}
            Err(e) => {
                let at = show::escaped(show::path_bytes(e.path().unwrap_or(dir)));
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string());
                error(&at, &why);
                out.failed = true;
            }
        }
    }
    found.sort();
    inputs.extend(found.into_iter().map(Input::File));
}

/// Runs `f` on every input of `batch` on `threads` threads; the results in the batch's
/// order. A panic in `f` is that input's error only.
pub(crate) fn parallel<T: Send>(
    batch: &[Input],
    threads: usize,
    f: impl Fn(&Input) -> io::Result<T> + Sync,
) -> Vec<io::Result<T>> {
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, batch.len().max(1));
    let mut results: Vec<(usize, io::Result<T>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = batch.get(i) else { break };
                        let one = std::panic::catch_unwind(AssertUnwindSafe(|| f(input)))
                            .unwrap_or_else(|_| Err(io::Error::other("internal error (a panic)")));
                        mine.push((i, one));
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

/// The number of the leading inputs of `rest`, at most `most`, that are files of at
/// most `small` bytes.
pub(crate) fn small_files(rest: &[Input], most: usize, small: u64) -> usize {
    rest.iter()
        .take(most)
        .take_while(
            |i| matches!(i, Input::File(p) if std::fs::metadata(p).is_ok_and(|m| m.len() <= small)),
        )
        .count()
}
