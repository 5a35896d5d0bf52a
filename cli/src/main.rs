//! `rootrel`: find and rewrite root-relative links in files, directories and streams.
//!
//! Exit status: `find` as grep's, 0 when something was found, 1 when nothing was, 2
//! when an error occurred (other inputs are still processed; with `--quiet`, a match
//! found still gives 0); `rewrite` 0 on success, whether or not anything changed, 2 on
//! an error. A closed pipe on standard output ends the command quietly with status 0.

mod find;
mod inplace;
mod inputs;
mod progress;
mod rewrite;
mod show;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  rootrel find page.html                       every match, as path:offset:text
  rootrel find --count site/                   matches per file, walking site/
  rootrel find --format php page.html          what PHP's var_dump(preg_match_all(...)) prints
  rootrel find --format json - < page.html     JSON lines with the five group spans
  rootrel rewrite --base https://go.dev page.html > out.html
  rootrel rewrite --base https://go.dev --in-place --stats site/
  curl -s https://go.dev/blog/ | rootrel rewrite --base https://go.dev
  rootrel rewrite --template '$1$2$3https://cdn.example$4' page.html

The regex: /(<\\s*[^>]*)(href=|src=)(.?)(\\/[^\\/])/m, with PHP's exact semantics.
Exit status: find 0 found, 1 nothing, 2 an error; rewrite 0 done, 2 an error.
In place, a symbolic link is followed: the file it points to is rewritten.";

#[derive(Parser)]
#[command(name = "rootrel", version, about = "Find and rewrite root-relative links (href=\"/...\", src=\"/...\") exactly as the PHP feed-reader regex does, without its failures.", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the matches of the regex in each input.
    #[command(after_help = EXAMPLES)]
    Find(FindArgs),
    /// Rewrite each input, making root-relative links absolute (or applying a template).
    #[command(after_help = EXAMPLES)]
    Rewrite(RewriteArgs),
}

#[derive(Parser)]
struct Walk {
    /// Files or directories (walked recursively); standard input when none or `-`.
    paths: Vec<PathBuf>,
    /// File-name patterns to take when walking directories (repeatable).
    #[arg(long = "glob", value_name = "GLOB", default_values = ["*.html", "*.htm", "*.xhtml"])]
    globs: Vec<String>,
}

#[derive(Parser)]
struct FindArgs {
    #[command(flatten)]
    walk: Walk,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print only the number of matches of each input.
    #[arg(short, long)]
    count: bool,
    /// Print nothing; the exit status tells whether anything matched.
    #[arg(short, long)]
    quiet: bool,
    /// The most bytes held back in memory for one `<` run that may still match.
    #[arg(long, value_name = "BYTES", default_value_t = rootrel::DEFAULT_MAX_BUFFER)]
    max_buffer: usize,
    /// Print file names as they are, each followed by a NUL byte rather than `:` (text
    /// and count) or ` <==` (headers), as `grep -Z` does.
    #[arg(short = '0', long)]
    null: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `path:byte-offset:matched bytes`, like `grep -b -o` (names and bytes escaped:
    /// `\\`, control characters, `\xNN` for bytes that are not UTF-8).
    Text,
    /// One JSON object per match: path, offset, the five group spans, the match; path
    /// and match as {"text": ...} when UTF-8, else {"bytes": base64}.
    Json,
    /// `s0 e0 s1 e1 s2 e2 s3 e3 s4 e4` per match (half-open byte offsets, groups 0 to 4).
    Offsets,
    /// PHP's `var_dump` of `preg_match_all(..., PREG_SET_ORDER)`, byte for byte.
    Php,
}

#[derive(Parser)]
struct RewriteArgs {
    #[command(flatten)]
    walk: Walk,
    /// Base URL to put before root-relative links (http or https).
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "template",
        conflicts_with = "template"
    )]
    base: Option<String>,
    /// A PHP preg_replace template instead of --base: $1 to $4 and ${1} to ${4} (or
    /// \1 to \4) insert a group, \\ and \$ escape. The template is inserted as it is,
    /// markup included: unlike --base, nothing checks it.
    #[arg(long, value_name = "TEMPLATE")]
    template: Option<String>,
    /// Replace each file with its rewritten version: atomically, keeping its owner,
    /// mode, ACLs and extended attributes; symbolic links are followed; anything but a
    /// regular file is refused.
    #[arg(short, long)]
    in_place: bool,
    /// Print the bytes read and matches rewritten on standard error.
    #[arg(long)]
    stats: bool,
    /// The most undecided bytes held back in memory (an unclosed `<` run).
    #[arg(long, value_name = "BYTES", default_value_t = rootrel::DEFAULT_MAX_BUFFER)]
    max_buffer: usize,
}

/// What every command reports: whether something matched, whether something failed.
#[derive(Default)]
pub(crate) struct Outcome {
    pub(crate) matched: bool,
    pub(crate) failed: bool,
}

impl Outcome {
    fn code(&self, quiet: bool) -> ExitCode {
        match (self.matched, self.failed) {
            (true, true) if quiet => ExitCode::from(0),
            (_, true) => ExitCode::from(2),
            (true, false) => ExitCode::from(0),
            (false, false) => ExitCode::from(1),
        }
    }
}

/// Ends the command on a write error of standard output: quietly with status 0 when
/// the reader went away (a closed pipe, as `| head`), else with one error line and
/// status 2 (the caller returns `out`).
pub(crate) fn stdout_failed(e: &io::Error, out: &mut Outcome) {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    error(&"standard output", e);
    out.failed = true;
}

/// Whether standard output was open when the command started. Rust's runtime opens
/// `/dev/null` (read-write) on a closed descriptor 0, 1 or 2 before `main`, so output to
/// a closed standard output would be lost without an error; a shell's `> /dev/null`
/// opens it write-only, which tells the two apart (Linux's `/proc`; elsewhere it is
/// taken as open).
fn stdout_open() -> bool {
    let null = std::fs::read_link("/proc/self/fd/1").is_ok_and(|p| p == Path::new("/dev/null"));
    let read_write = std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
        info.lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            .is_some_and(|flags| flags & 0o3 == 0o2)
    });
    !(null && read_write)
}

/// An error writing the output, told apart from an error reading an input: it ends
/// the run.
#[derive(Debug)]
pub(crate) struct OutputError(io::Error);

impl OutputError {
    pub(crate) fn wrap(e: io::Error) -> io::Error {
        io::Error::new(e.kind(), OutputError(e))
    }

    pub(crate) fn is(e: &io::Error) -> bool {
        e.get_ref().is_some_and(|inner| inner.is::<OutputError>())
    }
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for OutputError {}

/// The library's buffer cap as the command's error, naming `--max-buffer`.
pub(crate) fn buffer_limit(e: rootrel::Error) -> io::Error {
    match e {
        rootrel::Error::BufferLimit { limit, offset } => io::Error::other(format!(
            "more than {limit} undecided bytes held from byte {offset}: a `<` with no `>` \
             for that long (raise --max-buffer)"
        )),
        e => io::Error::other(e.to_string()),
    }
}

/// Prints one error line: `rootrel: WHAT: WHY`.
pub(crate) fn error(what: &dyn std::fmt::Display, why: &dyn std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "rootrel: {what}: {why}");
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let writes_stdout = match &cli.command {
        Command::Find(a) => !a.quiet,
        Command::Rewrite(a) => !a.in_place,
    };
    if writes_stdout && !stdout_open() {
        error(&"standard output", &io::Error::from_raw_os_error(9));
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Find(a) => {
            let quiet = a.quiet;
            find::run(a).code(quiet)
        }
        Command::Rewrite(a) => {
            inplace::remove_temporaries_on_signal();
            ExitCode::from(if rewrite::run(a).failed { 2 } else { 0 })
        }
    }
}
