//! The built `rootrel` binary, run as a user would: every format, exit code and error
//! path.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_rootrel");

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(name)
}

fn seed() -> PathBuf {
    testdata("go-blog-execution-traces-2024.html")
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed")
}

/// One error line on stderr, naming `what`, no panic or backtrace.
fn assert_one_error_line(o: &Output, what: &str) {
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(
        err.starts_with("rootrel: ") && err.contains(what),
        "{err:?}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err:?}"
    );
}

#[test]
fn php_format_equals_the_seed_programs_output() {
    let o = run(&["find", "--format", "php", seed().to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    let want = std::fs::read(testdata("seed.expected-output.txt")).unwrap();
    assert_eq!(text(&o.stdout), text(&want));
}

/// Against PHP's own var_dump on inputs with newlines, quotes, non-UTF-8 bytes and no
/// match at all (when `php` is on PATH; CI installs it).
#[test]
fn php_format_equals_php_var_dump() {
    if Command::new("php").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "php must be on PATH under CI"
        );
        eprintln!("php not on PATH: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases: &[&[u8]] = &[
        b"",
        b"no links",
        b"<a\nhref=\"/x\" src='/y'> <img src=/\xff\xfe>",
        b"<a href=>/x <b href=//y> <c\x00 src=\"/\"\"",
    ];
    for (i, case) in cases.iter().enumerate() {
        let f = dir.path().join(format!("case{i}.html"));
        std::fs::write(&f, case).unwrap();
        let php = Command::new("php")
            .arg("-r")
            .arg(r#"preg_match_all('/(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])/m', file_get_contents($argv[1]), $m, PREG_SET_ORDER); var_dump($m);"#)
            .arg(&f)
            .output()
            .unwrap();
        let ours = run(&["find", "--format", "php", f.to_str().unwrap()]);
        assert_eq!(ours.stdout, php.stdout, "case {i}: {:?}", text(case));
    }
}

#[test]
fn text_format_is_grep_like() {
    let o = run(&["find", seed().to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(lines[0].ends_with(":287:<a href=\"/p"), "{}", lines[0]);
    // Any bytes are shown safely, one match per line.
    let o = run_stdin(&["find"], b"<a\n\xff\\ href=/\xe9x>");
    assert_eq!(
        text(&o.stdout),
        "(standard input):0:<a\\n\\xff\\\\ href=/\\xe9\n"
    );
}

#[test]
fn json_format_has_the_five_spans() {
    let o = run(&["find", "--format", "json", seed().to_str().unwrap()]);
    let page = std::fs::read(seed()).unwrap();
    let want: Vec<rootrel::Match> = rootrel::find_iter(&page).collect();
    let out = text(&o.stdout);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), want.len());
    for (v, m) in lines.iter().zip(&want) {
        for g in 0..=4 {
            assert_eq!(v["groups"][g][0], m.group(g).start);
            assert_eq!(v["groups"][g][1], m.group(g).end);
        }
        assert_eq!(v["match"].as_str().unwrap().as_bytes(), m.as_bytes(&page));
        assert!(v["path"]
            .as_str()
            .unwrap()
            .ends_with("go-blog-execution-traces-2024.html"));
    }
    let o = run_stdin(&["find", "--format", "json"], b"<a href=/\xff>");
    let v: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(v["match_hex"], "3c6120687265663d2fff");
}

#[test]
fn offsets_format_with_headers_for_several_inputs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.html"), "<a href=/x>").unwrap();
    std::fs::write(dir.path().join("b.htm"), "<img src=\"/y\">").unwrap();
    std::fs::write(dir.path().join("c.txt"), "<a href=/z>").unwrap();
    let o = run(&["find", "--format", "offsets", dir.path().to_str().unwrap()]);
    let a = dir.path().join("a.html");
    let b = dir.path().join("b.htm");
    assert_eq!(
        text(&o.stdout),
        format!(
            "==> {} <==\n0 10 0 3 3 8 8 8 8 10\n==> {} <==\n0 12 0 5 5 9 9 10 10 12\n",
            a.display(),
            b.display()
        )
    );
    // --glob changes what a directory walk takes.
    let o = run(&[
        "find",
        "--count",
        "--glob",
        "*.txt",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(text(&o.stdout), "1\n");
    // One input: no header.
    let o = run(&["find", "--format", "offsets", a.to_str().unwrap()]);
    assert_eq!(text(&o.stdout), "0 10 0 3 3 8 8 8 8 10\n");
}

#[test]
fn directory_walk_is_recursive_and_sorted() {
    let dir = tempfile::tempdir().unwrap();
    for p in ["z.html", "a/b.xhtml", "a/a.html", "m.htm"] {
        let f = dir.path().join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(&f, "<a href=/x>").unwrap();
    }
    let o = run(&["find", "--count", dir.path().to_str().unwrap()]);
    let names: Vec<String> = text(&o.stdout)
        .lines()
        .map(|l| {
            l.rsplit_once(':')
                .unwrap()
                .0
                .trim_start_matches(dir.path().to_str().unwrap())
                .to_string()
        })
        .collect();
    assert_eq!(names, ["/a/a.html", "/a/b.xhtml", "/m.htm", "/z.html"]);
}

#[test]
fn exit_codes_like_grep() {
    let s = seed();
    let seed = s.to_str().unwrap();
    assert_eq!(code(&run(&["find", seed])), 0);
    assert_eq!(code(&run_stdin(&["find"], b"<p>nothing</p>")), 1);
    assert_eq!(code(&run_stdin(&["find", "-"], b"<a href=/x>")), 0);
    let o = run(&["find", "--quiet", seed]);
    assert_eq!((code(&o), o.stdout.len()), (0, 0));
    let o = run_stdin(&["find", "--count"], b"<a href=/x><b src=/y>");
    assert_eq!((code(&o), text(&o.stdout)), (0, "2\n".into()));
    // An error: 2, yet the other inputs are still processed.
    let o = run(&["find", "/nonexistent/page.html", seed]);
    assert_eq!(code(&o), 2);
    assert_eq!(text(&o.stdout).lines().count(), 6);
    assert_one_error_line(&o, "/nonexistent/page.html");
    // With --quiet, a match found wins over the error, as in grep.
    assert_eq!(
        code(&run(&["find", "-q", "/nonexistent/page.html", seed])),
        0
    );
    // An input that exists but cannot be read.
    let o = run(&["find", "/proc/self/mem"]);
    assert_eq!(code(&o), 2);
    assert_one_error_line(&o, "/proc/self/mem");
}

#[test]
fn user_mistakes_get_one_clear_line() {
    for (args, what) in [
        (
            &["rewrite", "--base", "https://go.dev\"><script>", "x.html"][..],
            "--base",
        ),
        (
            &["rewrite", "--base", "ftp://go.dev", "x.html"][..],
            "--base",
        ),
        (&["find", "--glob", "[", "."][..], "--glob"),
        (
            &["rewrite", "--base", "https://go.dev", "--in-place", "-"][..],
            "--in-place",
        ),
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert_one_error_line(&o, what);
    }
    // Argument errors come from clap: exit 2, usage on stderr.
    let o = run(&["find", "--format", "xml"]);
    assert_eq!(code(&o), 2);
    let o = run(&["rewrite", "x.html"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn help_has_examples() {
    for args in [&["--help"][..], &["find", "--help"], &["rewrite", "--help"]] {
        let o = run(args);
        assert_eq!(code(&o), 0);
        assert!(text(&o.stdout).contains("Examples:"), "{args:?}");
    }
}

#[test]
fn rewrite_to_stdout_equals_the_library() {
    let page = std::fs::read(seed()).unwrap();
    let base = rootrel::Base::parse("https://go.dev").unwrap();
    let o = run(&[
        "rewrite",
        "--base",
        "https://go.dev/",
        seed().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    assert_eq!(o.stdout, rootrel::absolutize(&page, &base).into_owned());
    let t = r"${1}${2}${3}https://cdn.example${4}";
    let o = run(&[
        "rewrite",
        "--template",
        t,
        "--stats",
        seed().to_str().unwrap(),
    ]);
    assert_eq!(o.stdout, rootrel::replace_all(&page, t).into_owned());
    assert_eq!(
        text(&o.stderr),
        "rootrel: 1 input, 10763 bytes read, 6 links rewritten\n"
    );
    // Nothing to rewrite: exit 1, the input unchanged.
    let o = run_stdin(&["rewrite", "--base", "https://go.dev"], b"<p>plain</p>");
    assert_eq!((code(&o), o.stdout), (1, b"<p>plain</p>".to_vec()));
}

#[test]
fn rewrite_in_place_is_atomic_and_keeps_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.html");
    let bad = dir.path().join("bad.html");
    std::fs::write(&good, "<a href=\"/x\">x</a>").unwrap();
    std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o640)).unwrap();
    // An unclosed `<` run longer than --max-buffer: this file fails part way through
    // (the template uses group 1, so the whole run is held).
    let mut unclosed = b"<div src=/a ".to_vec();
    unclosed.extend(std::iter::repeat_n(b'x', 300_000));
    std::fs::write(&bad, &unclosed).unwrap();
    let o = run(&[
        "rewrite",
        "--template",
        "$1data-$2$3$4",
        "--in-place",
        "--max-buffer",
        "65536",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert_one_error_line(&o, "bad.html");
    assert_eq!(
        std::fs::read(&bad).unwrap(),
        unclosed,
        "the failed file is untouched"
    );
    assert_eq!(std::fs::read(&good).unwrap(), b"<a data-href=\"/x\">x</a>");
    assert_eq!(
        std::fs::metadata(&good).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "no temporary file left behind: {left:?}");
}

#[test]
fn closed_stdout_is_one_line_not_a_panic() {
    let page = std::fs::read(seed()).unwrap();
    let big: Vec<u8> = page.iter().copied().cycle().take(8 << 20).collect();
    let mut child = Command::new(BIN)
        .args(["rewrite", "--base", "https://go.dev"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&big);
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(code(&o), 2);
    assert_one_error_line(&o, "standard output");
}

/// 1 GiB through standard input in constant memory: the peak resident set stays well
/// under 64 MiB. No progress bar either: stderr is not a terminal.
#[test]
fn a_gib_through_stdin_in_constant_memory() {
    let page = std::fs::read(seed()).unwrap();
    let block: Vec<u8> = page.iter().copied().cycle().take(1 << 20).collect();
    let mut child = Command::new(BIN)
        .args(["rewrite", "--base", "https://go.dev", "--stats"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut n = 0u64;
        loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break n,
                Ok(k) => n += k as u64,
            }
        }
    });
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..1024 {
        stdin.write_all(&block).unwrap();
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    drop(stdin);
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let written = reader.join().unwrap();
    assert_eq!(code(&o), 0);
    assert!(written > 1 << 30, "{written}");
    assert!(peak_kib < 64 << 10, "peak RSS {peak_kib} KiB");
    let err = text(&o.stderr);
    assert!(
        err.starts_with("rootrel: 1 input, 1073741824 bytes read, "),
        "{err:?}"
    );
    eprintln!("1 GiB through stdin: peak RSS {peak_kib} KiB; {err}");
}
