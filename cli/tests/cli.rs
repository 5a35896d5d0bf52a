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
        assert_eq!(
            v["match"]["text"].as_str().unwrap().as_bytes(),
            m.as_bytes(&page)
        );
        assert!(v["path"]["text"]
            .as_str()
            .unwrap()
            .ends_with("go-blog-execution-traces-2024.html"));
    }
    let o = run_stdin(&["find", "--format", "json"], b"<a href=/\xff>");
    let v: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(v["match"]["bytes"], "PGEgaHJlZj0v/w==");
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
    let c = dir.path().join("c.txt");
    assert_eq!(text(&o.stdout), format!("{}:1\n", c.display()));
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
    // Nothing to rewrite: exit 0, the input unchanged.
    let o = run_stdin(&["rewrite", "--base", "https://go.dev"], b"<p>plain</p>");
    assert_eq!((code(&o), o.stdout), (0, b"<p>plain</p>".to_vec()));
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

/// Names that are not UTF-8, or hold control characters, are shown escaped and
/// unambiguously in text, offsets, count and error lines; as bytes in JSON; as they are
/// with `--null`, each followed by a NUL.
#[test]
fn names_are_escaped_unambiguously() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let names: [&[u8]; 3] = [b"dup\xfe.html", b"dup\xff.html", b"new\nline\x1b[31m.html"];
    for n in names {
        std::fs::write(dir.path().join(OsStr::from_bytes(n)), b"<a href=/x>").unwrap();
    }
    let d = dir.path().to_str().unwrap();
    let o = run(&["find", d]);
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out:?}");
    assert!(lines[0].ends_with("/dup\\xfe.html:0:<a href=/x"), "{out:?}");
    assert!(lines[1].ends_with("/dup\\xff.html:0:<a href=/x"), "{out:?}");
    assert!(
        lines[2].ends_with("/new\\nline\\u{1b}[31m.html:0:<a href=/x"),
        "{out:?}"
    );
    let o = run(&["find", "--count", d]);
    assert!(
        text(&o.stdout).lines().all(|l| l.contains(".html:1")),
        "{}",
        text(&o.stdout)
    );
    let o = run(&["find", "--format", "offsets", d]);
    assert!(text(&o.stdout).contains("==> ") && text(&o.stdout).contains("dup\\xff.html <=="));
    // JSON: the exact bytes.
    let o = run(&["find", "--format", "json", d]);
    let v: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let dirb = d.len() + 1;
    let b64 = |v: &serde_json::Value| v["path"]["bytes"].as_str().unwrap().to_string();
    assert_ne!(b64(&v[0]), b64(&v[1]));
    assert!(v[2]["path"]["text"].as_str().unwrap()[dirb..].starts_with("new\nline"));
    // --null: names as they are, each followed by NUL.
    let o = run(&["find", "-0", d]);
    let want = [d.as_bytes(), b"/dup\xfe.html\x000:<a href=/x\n"].concat();
    assert!(o.stdout.starts_with(&want), "{:?}", text(&o.stdout));
    let o = run(&["find", "--null", "--count", d]);
    assert_eq!(o.stdout.iter().filter(|&&b| b == 0).count(), 3);
    // Error lines.
    let missing = dir.path().join(OsStr::from_bytes(b"gone\n\xff.html"));
    let o = run(&["find", missing.to_str().unwrap_or_default()]);
    let o = if missing.to_str().is_some() {
        o
    } else {
        Command::new(BIN)
            .arg("find")
            .arg(&missing)
            .output()
            .unwrap()
    };
    assert_one_error_line(&o, "gone\\n\\xff.html");
}

/// `--count` names the files found in a directory even when there is one, and follows
/// `--format json`.
#[test]
fn count_names_files_from_directories_and_speaks_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.html"), b"<a href=/x><b src=/y>").unwrap();
    let d = dir.path().to_str().unwrap();
    let o = run(&["find", "--count", d]);
    assert_eq!(text(&o.stdout), format!("{d}/one.html:2\n"));
    let o = run(&["find", "--count", "--format", "json", d]);
    let v: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(
        (v["count"].as_u64(), v["path"]["text"].as_str()),
        (Some(2), Some(&*format!("{d}/one.html")))
    );
}

/// Peak resident memory of a command, in KiB, by GNU time.
fn peak_kib(args: &[&str], stdin: Option<(Vec<u8>, usize)>) -> (Output, u64) {
    let mut child = Command::new("/usr/bin/time")
        .args(["-f", "%M", BIN])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut w = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        if let Some((block, times)) = stdin {
            for _ in 0..times {
                if w.write_all(&block).is_err() {
                    break;
                }
            }
        }
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = text(&o.stderr);
    let kib = err
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("GNU time's %M");
    (o, kib)
}

/// `find` streams: 1 GiB through standard input and a 2 GiB file each run in under
/// 64 MiB of resident memory, with the same output as at once.
#[test]
fn find_in_bounded_memory() {
    if !Path::new("/usr/bin/time").exists() {
        return skipped("find memory", "no /usr/bin/time (Debian's time)");
    }
    let page = std::fs::read(seed()).unwrap();
    let per_page = rootrel::find_iter(&page).count();
    let reps = (1 << 30) / page.len();
    let block: Vec<u8> = page.repeat(64);
    let (o, kib) = peak_kib(&["find", "--count"], Some((block, reps / 64)));
    assert_eq!(
        text(&o.stdout),
        format!("{}\n", per_page * (reps / 64) * 64)
    );
    assert!(kib < 64 << 10, "peak RSS {kib} KiB for 1 GiB through stdin");
    // Text output equals the library's, on a smaller stream.
    let o = run_stdin(&["find"], &page.repeat(300));
    let want: Vec<String> = rootrel::find_iter(&page.repeat(300))
        .map(|m| format!("(standard input):{}:", m.start()))
        .collect();
    let out = text(&o.stdout);
    let got: Vec<&str> = out
        .lines()
        .map(|l| &l[..l[18..].find(':').unwrap() + 19])
        .collect();
    assert_eq!(got, want);
    // A 2 GiB file (sparse: zeros) and one that ends in a 2 MiB unclosed run.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.html");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let (o, kib) = peak_kib(&["find", "--count", big.to_str().unwrap()], None);
    assert_eq!(text(&o.stdout), "0\n");
    assert!(kib < 64 << 10, "peak RSS {kib} KiB for a 2 GiB file");
    eprintln!("find: peak RSS {kib} KiB on a 2 GiB file");
}

/// The buffer cap's error names the command's option.
#[test]
fn buffer_limit_names_the_option() {
    let mut h = b"<div ".to_vec();
    h.extend(std::iter::repeat_n(b'y', 5000));
    h.extend_from_slice(b" src=/x and no end");
    for args in [
        &["find", "--max-buffer", "1024"][..],
        &["rewrite", "--template", "$1", "--max-buffer", "1024"][..],
    ] {
        let o = run_stdin(args, &h);
        assert_eq!(code(&o), 2, "{args:?}");
        assert_one_error_line(&o, "raise --max-buffer");
    }
}

/// `rewrite --help` shows the template syntax as typed (`${1}` is no line break) and
/// says that a template is not checked.
#[test]
fn rewrite_help_shows_the_template_syntax() {
    let o = run(&["rewrite", "--help"]);
    let help = text(&o.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(help.contains("${1} to ${4}"), "{help}");
    assert!(help.contains("markup included"), "{help}");
}

/// A reader that goes away (`| head -1`) ends the command quietly with status 0, for
/// both commands, as with ripgrep.
#[test]
fn broken_pipe_is_quiet_and_status_0() {
    let page = std::fs::read(seed()).unwrap();
    let big: Vec<u8> = page.iter().copied().cycle().take(8 << 20).collect();
    for args in [&["rewrite", "--base", "https://go.dev"][..], &["find"][..]] {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away
        let mut stdin = child.stdin.take().unwrap();
        let big = big.clone();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&big);
        });
        let o = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!((code(&o), text(&o.stderr)), (0, String::new()), "{args:?}");
    }
}

/// The command run by `sh` with its standard output redirected by `redirect`.
fn in_shell(redirect: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirect}"))
        .arg(BIN)
        .args(args)
        .output()
        .unwrap()
}

/// A closed standard output (`>&-`) is an error, not output silently lost.
#[test]
fn closed_stdout_is_one_error_line_and_status_2() {
    let s = seed();
    let seed = s.to_str().unwrap();
    for args in [
        &["rewrite", "--base", "https://h", seed][..],
        &["find", seed][..],
    ] {
        let o = in_shell(">&-", args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert_one_error_line(&o, "standard output");
        // Sent to /dev/null on purpose: no error.
        let o = in_shell("> /dev/null", args);
        assert_eq!((code(&o), text(&o.stderr)), (0, String::new()), "{args:?}");
    }
}

/// A full disk (`/dev/full`) is one error line and status 2, for both commands.
#[test]
fn full_disk_is_one_error_line_and_status_2() {
    let s = seed();
    let seed = s.to_str().unwrap();
    for args in [
        &["rewrite", "--base", "https://h", seed][..],
        &["find", seed][..],
    ] {
        let o = Command::new(BIN)
            .args(args)
            .stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        assert_eq!(code(&o), 2, "{args:?}");
        assert_one_error_line(&o, "standard output");
    }
}

/// `rewrite` succeeds whether or not there was anything to rewrite, as sed does.
#[test]
fn rewrite_exits_0_with_nothing_to_rewrite() {
    let o = run_stdin(&["rewrite", "--base", "https://h"], b"<p>no links</p>");
    assert_eq!((code(&o), text(&o.stdout)), (0, "<p>no links</p>".into()));
    let o = run(&["rewrite", "--base", "https://h", "/nonexistent.html"]);
    assert_eq!(code(&o), 2);
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// Says loudly that a check did not run.
fn skipped(what: &str, why: &str) {
    eprintln!("\n*** {what}: SKIPPED ({why}) ***\n");
}

fn mode_owner(p: &Path) -> (u32, u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(p).unwrap();
    (m.mode() & 0o7777, m.uid(), m.gid())
}

/// As root, the replacement keeps the original's owner and group, and its setuid bit
/// with them (it never becomes root's); as a user who cannot give files away, it loses
/// setuid and setgid.
#[test]
fn in_place_keeps_owner_and_never_makes_setuid_root() {
    if !is_root() {
        return skipped("owner checks", "not run as root");
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.html");
    std::fs::write(&f, b"<a href=/x> nothing to run").unwrap();
    let chown = |spec: &str, p: &Path| {
        assert!(Command::new("chown")
            .arg(spec)
            .arg(p)
            .status()
            .unwrap()
            .success());
    };
    chown("65534:65534", &f);
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o4755)).unwrap();
    let o = run(&["rewrite", "-i", "--base", "https://h", f.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(mode_owner(&f), (0o4755, 65534, 65534));
    assert_eq!(
        std::fs::read(&f).unwrap(),
        b"<a href=https://h/x> nothing to run"
    );
    // Run as nobody on root's setuid file in a directory nobody may write to.
    if Command::new("setpriv").arg("--version").output().is_err() {
        return skipped("setuid as a user", "no setpriv");
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    chown("0:0", &f);
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o6777)).unwrap();
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
        .args(["rewrite", "-i", "--base", "https://g", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(mode_owner(&f), (0o0777, 65534, 65534));
}

/// Devices and FIFOs are refused with one line, and left as they are.
#[test]
fn in_place_refuses_what_is_not_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("f.html");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let mut paths = vec![fifo];
    if is_root() {
        let dev = dir.path().join("n.html");
        assert!(Command::new("mknod")
            .arg(&dev)
            .args(["c", "1", "3"])
            .status()
            .unwrap()
            .success());
        paths.push(dev);
    } else {
        skipped("device file", "not run as root");
    }
    for p in paths {
        let before = std::fs::symlink_metadata(&p).unwrap().file_type();
        let o = run(&["rewrite", "-i", "--base", "https://h", p.to_str().unwrap()]);
        assert_eq!(code(&o), 2);
        assert_one_error_line(&o, "not a regular file");
        assert_eq!(std::fs::symlink_metadata(&p).unwrap().file_type(), before);
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(
        left.len(),
        if is_root() { 2 } else { 1 },
        "no temporary file left"
    );
}

/// POSIX ACLs and other extended attributes are kept, and the mode with them (an ACL's
/// mask is not taken for the group's permissions).
#[test]
fn in_place_keeps_acls_and_extended_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.html");
    std::fs::write(&f, b"<a href=\"/x\">").unwrap();
    xattr::set(&f, "user.origin", b"feed").unwrap();
    let acl = Command::new("setfacl")
        .args(["-m", "g::r,m::rw"])
        .arg(&f)
        .status();
    let with_acl = acl.is_ok_and(|s| s.success());
    if !with_acl {
        skipped("ACL check", "no setfacl (Debian's acl)");
    }
    let getfacl = |p: &Path| {
        let o = Command::new("getfacl")
            .args(["-c", "-p"])
            .arg(p)
            .output()
            .unwrap();
        text(&o.stdout)
    };
    let acl_before = with_acl.then(|| getfacl(&f));
    let mode_before = mode_owner(&f);
    let o = run(&["rewrite", "-i", "--base", "https://h", f.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&f).unwrap(), b"<a href=\"https://h/x\">");
    assert_eq!(
        xattr::get(&f, "user.origin").unwrap().as_deref(),
        Some(&b"feed"[..])
    );
    assert_eq!(mode_owner(&f), mode_before);
    if let Some(acl) = acl_before {
        assert_eq!(getfacl(&f), acl);
    }
}

/// A symbolic link is followed: the file it points to is rewritten, the link stays.
#[test]
fn in_place_follows_symbolic_links() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.html");
    let link = dir.path().join("link.html");
    std::fs::write(&target, b"<a href=/x>").unwrap();
    std::os::unix::fs::symlink("real.html", &link).unwrap();
    let o = run(&[
        "rewrite",
        "-i",
        "--base",
        "https://h",
        link.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), b"<a href=https://h/x>");
}

/// SIGTERM during an in-place rewrite removes the temporary file; the original stays.
#[test]
fn interrupted_in_place_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.html");
    let page = std::fs::read(seed()).unwrap();
    // 256 MiB: long enough to be interrupted half way, small enough for a small disk.
    let big: Vec<u8> = page.iter().copied().cycle().take(256 << 20).collect();
    std::fs::write(&f, &big).unwrap();
    let child = Command::new(BIN)
        .args([
            "rewrite",
            "-i",
            "--base",
            "https://go.dev",
            f.to_str().unwrap(),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the temporary file exists, then interrupt.
    let start = std::time::Instant::now();
    while std::fs::read_dir(dir.path()).unwrap().count() < 2 {
        assert!(start.elapsed().as_secs() < 30, "no temporary file appeared");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(kill.unwrap().success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        code(&o),
        130,
        "interrupted before it finished: {}",
        text(&o.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["big.html"]);
    assert_eq!(std::fs::metadata(&f).unwrap().len(), big.len() as u64);
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
