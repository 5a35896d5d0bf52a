//! The C test program (`tests/test.c`), compiled with `cc` against the static library
//! and run; and the header checked against the exports.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where cargo put `librootrel.a`: the profile directory above this test's own binary.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

#[test]
fn c_test_program_passes() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `cargo test` builds the library as an rlib only: the static one is built here.
    let mut build = Command::new(env!("CARGO"));
    build.args(["build", "-p", "rootrel-capi", "--lib"]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    assert!(
        build.status().unwrap().success(),
        "cargo build -p rootrel-capi"
    );
    let lib = profile_dir().join("librootrel.a");
    assert!(lib.exists(), "{} not built", lib.display());
    let exe = profile_dir().join("rootrel-capi-test");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&exe)
        .arg(here.join("tests/test.c"))
        .arg("-I")
        .arg(here.join("include"))
        .arg(&lib)
        .args(["-lpthread", "-ldl", "-lm"])
        .status()
        .unwrap_or_else(|e| panic!("{cc}: {e}"));
    assert!(status.success(), "compiling tests/test.c failed");
    let o = Command::new(&exe).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    eprint!("{}", String::from_utf8_lossy(&o.stderr));
    println!("{out}");
    assert!(
        o.status.success() && out.contains(" passed, 0 failed"),
        "{out}"
    );
}

/// Every function the header declares is exported, and every exported one declared;
/// the codes agree.
#[test]
fn header_matches_the_exports() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(here.join("include/rootrel.h")).unwrap();
    let source = std::fs::read_to_string(here.join("src/lib.rs")).unwrap();
    // The names `rootrel_…(` that follow `before` in `text`.
    let names = |text: &str, before: &str| -> Vec<String> {
        let mut v: Vec<String> = text
            .split(&format!("{before}rootrel_"))
            .skip(1)
            .filter_map(|rest| {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                rest[name.len()..]
                    .starts_with('(')
                    .then(|| format!("rootrel_{name}"))
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    // `rootrel_NAME(` outside comments.
    let declared: Vec<String> = header
        .lines()
        .filter(|l| !l.trim_start().starts_with('*') && !l.trim_start().starts_with("/*"))
        .flat_map(|l| names(l, ""))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let exported = names(&source, "extern \"C\" fn ");
    assert_eq!(declared, exported);
    // The codes: `pub const ROOTREL_X: i32 = N;` in the source, `#define ROOTREL_X N`
    // in the header.
    let codes = |text: &str, prefix: &str, sep: &str| -> Vec<(String, String)> {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix(prefix))
            .filter_map(|l| l.split_once(sep))
            .map(|(n, v)| {
                (
                    n.trim().to_string(),
                    v.trim().trim_end_matches(';').to_string(),
                )
            })
            .collect()
    };
    let header_codes = codes(&header, "#define ROOTREL_", " ");
    let source_codes = codes(&source, "pub const ROOTREL_", ": i32 =");
    assert_eq!(header_codes.len(), 5);
    assert_eq!(header_codes, source_codes);
}
