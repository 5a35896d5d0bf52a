//! A progress bar on standard error, only when it is a terminal and the work is large.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Work smaller than this (files or bytes) gets no bar.
const MANY_FILES: usize = 200;
const MANY_BYTES: u64 = 256 << 20;

/// A bar counting `files` inputs of `bytes` bytes in all, or a hidden one.
pub(crate) fn bar(files: usize, bytes: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() || (files < MANY_FILES && bytes < MANY_BYTES) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(bytes);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
