//! The rootrel C ABI: `include/rootrel.h` declares and documents every function here.
//!
//! Each function checks its pointers (a null pointer is accepted only with a length of
//! 0), never lets a panic cross the boundary (it becomes `ROOTREL_PANIC`), and
//! allocates only what the `_alloc` functions hand back for `rootrel_free`.

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use rootrel::Base;

/// Success.
pub const ROOTREL_OK: i32 = 0;
/// The caller's buffer is too small; `*out_len` is the size needed.
pub const ROOTREL_BUFFER_TOO_SMALL: i32 = 1;
/// The base URL was refused; the error says why and where.
pub const ROOTREL_INVALID_BASE: i32 = 2;
/// A null pointer with a length other than 0, or a null output pointer.
pub const ROOTREL_INVALID_ARGUMENT: i32 = 3;
/// An internal error (a panic), caught at the boundary.
pub const ROOTREL_PANIC: i32 = 4;

/// One match: the start and end offsets of groups 0 to 4.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct rootrel_match {
    pub start: [usize; 5],
    pub end: [usize; 5],
}

/// Why a call failed: its code, the byte offset in the base it concerns (or
/// `SIZE_MAX`), and a NUL-terminated message.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct rootrel_error {
    pub code: i32,
    pub position: usize,
    pub message: [u8; 256],
}

/// The bytes at `p`, `len` long; `None` for a null pointer with a length.
///
/// # Safety
///
/// A non-null `p` must point to `len` readable bytes that stay valid and unchanged for
/// `'a`.
unsafe fn bytes<'a>(p: *const u8, len: usize) -> Option<&'a [u8]> {
    if p.is_null() {
        return (len == 0).then_some(&[][..]);
    }
    // SAFETY: the caller's contract.
    Some(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Fills `*err` (when not null) with `code`, `position` and `message`.
///
/// # Safety
///
/// A non-null `err` must be valid for writes.
unsafe fn set_error(err: *mut rootrel_error, code: i32, position: Option<usize>, message: &str) {
    if err.is_null() {
        return;
    }
    let mut e = rootrel_error {
        code,
        position: position.unwrap_or(usize::MAX),
        message: [0; 256],
    };
    let m = message.as_bytes();
    let n = m.len().min(255);
    e.message[..n].copy_from_slice(&m[..n]);
    // SAFETY: the caller's contract.
    unsafe { err.write(e) };
}

/// Runs `f`, a panic becoming `ROOTREL_PANIC`.
fn guarded(f: impl FnOnce() -> i32) -> i32 {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(ROOTREL_PANIC)
}

/// Parses a base, or fills `err` and gives its code.
///
/// # Safety
///
/// As for [`bytes`] and [`set_error`].
unsafe fn parse_base(base: *const u8, len: usize, err: *mut rootrel_error) -> Result<Base, i32> {
    // SAFETY: the caller's contract.
    let Some(b) = (unsafe { bytes(base, len) }) else {
        // SAFETY: the caller's contract.
        unsafe { set_error(err, ROOTREL_INVALID_ARGUMENT, None, "base: null pointer") };
        return Err(ROOTREL_INVALID_ARGUMENT);
    };
    let parsed = std::str::from_utf8(b)
        .map_err(|e| {
            let at = e.valid_up_to();
            (
                Some(at),
                format!("invalid base URL: the byte at {at} is not UTF-8"),
            )
        })
        .and_then(|s| Base::parse(s).map_err(|e| (e.position(), e.to_string())));
    parsed.map_err(|(position, message)| {
        // SAFETY: the caller's contract.
        unsafe { set_error(err, ROOTREL_INVALID_BASE, position, &message) };
        ROOTREL_INVALID_BASE
    })
}

/// Copies `v` to the caller's buffer, or says the size needed.
///
/// # Safety
///
/// `out` must be valid for `cap` bytes of writes (or null with `cap` 0); `out_len`
/// valid for a write.
unsafe fn give(v: &[u8], out: *mut u8, cap: usize, out_len: *mut usize) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { out_len.write(v.len()) };
    if v.len() > cap {
        return ROOTREL_BUFFER_TOO_SMALL;
    }
    if !v.is_empty() {
        // SAFETY: `out` holds `cap >= v.len()` writable bytes, apart from `v`.
        unsafe { ptr::copy_nonoverlapping(v.as_ptr(), out, v.len()) };
    }
    ROOTREL_OK
}

/// Hands `v` over as an allocation for `rootrel_free`.
///
/// # Safety
///
/// `out` and `out_len` must be valid for a write.
unsafe fn give_alloc(v: Vec<u8>, out: *mut *mut u8, out_len: *mut usize) -> i32 {
    let b = v.into_boxed_slice();
    let len = b.len();
    // SAFETY: the caller's contract.
    unsafe {
        out_len.write(len);
        out.write(Box::into_raw(b).cast::<u8>());
    }
    ROOTREL_OK
}

/// Where a rewrite's output goes: the caller's buffer, or an allocation for
/// `rootrel_free`.
enum Out {
    Buffer {
        out: *mut u8,
        cap: usize,
        out_len: *mut usize,
    },
    Alloc {
        out: *mut *mut u8,
        out_len: *mut usize,
    },
}

/// The four rewriting functions: checks the haystack and the output pointers, runs
/// `rewrite` on the haystack (which may refuse with a code) and hands its result over.
///
/// # Safety
///
/// As for [`bytes`] for the haystack; the `Out` pointers as [`give`] and
/// [`give_alloc`] require, unless null where `rootrel.h` allows no null.
unsafe fn rewrite_to(
    haystack: *const u8,
    len: usize,
    out: Out,
    rewrite: impl FnOnce(&[u8]) -> Result<Cow<'_, [u8]>, i32>,
) -> i32 {
    guarded(|| {
        // SAFETY: the caller's contract.
        let Some(h) = (unsafe { bytes(haystack, len) }) else {
            return ROOTREL_INVALID_ARGUMENT;
        };
        let invalid = match out {
            Out::Buffer { out, cap, out_len } => out_len.is_null() || (out.is_null() && cap > 0),
            Out::Alloc { out, out_len } => out.is_null() || out_len.is_null(),
        };
        if invalid {
            return ROOTREL_INVALID_ARGUMENT;
        }
        match (rewrite(h), out) {
            (Err(code), _) => code,
            // SAFETY: the caller's contract, the pointers checked above.
            (Ok(v), Out::Buffer { out, cap, out_len }) => unsafe { give(&v, out, cap, out_len) },
            // SAFETY: as above.
            (Ok(v), Out::Alloc { out, out_len }) => unsafe {
                give_alloc(v.into_owned(), out, out_len)
            },
        }
    })
}

/// See `rootrel.h`.
///
/// # Safety
///
/// See `rootrel.h`.
#[no_mangle]
pub unsafe extern "C" fn rootrel_find(
    haystack: *const u8,
    len: usize,
    from: *mut usize,
    out: *mut rootrel_match,
    cap: usize,
) -> usize {
    let found = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller's contract.
        let h = unsafe { bytes(haystack, len) }?;
        if from.is_null() || (out.is_null() && cap > 0) {
            return None;
        }
        // SAFETY: the caller's contract.
        let start = unsafe { from.read() }.min(h.len());
        let mut n = 0;
        let mut resume = h.len();
        for m in rootrel::find_iter(&h[start..]) {
            if n == cap {
                resume = start + m.start();
                break;
            }
            let mut r = rootrel_match::default();
            for g in 0..5 {
                r.start[g] = start + m.group(g).start;
                r.end[g] = start + m.group(g).end;
            }
            // SAFETY: `out` holds `cap > n` writable matches.
            unsafe { out.add(n).write(r) };
            n += 1;
        }
        // SAFETY: the caller's contract.
        unsafe { from.write(resume) };
        Some(n)
    }));
    found.ok().flatten().unwrap_or(0)
}

/// See `rootrel.h`.
///
/// # Safety
///
/// See `rootrel.h`.
#[no_mangle]
pub unsafe extern "C" fn rootrel_replace(
    haystack: *const u8,
    len: usize,
    template: *const u8,
    template_len: usize,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> i32 {
    let out = Out::Buffer { out, cap, out_len };
    // SAFETY: the caller's contract.
    unsafe {
        rewrite_to(haystack, len, out, |h| {
            let t = bytes(template, template_len).ok_or(ROOTREL_INVALID_ARGUMENT)?;
            Ok(rootrel::replace_all(h, t))
        })
    }
}

/// See `rootrel.h`.
///
/// # Safety
///
/// See `rootrel.h`.
#[no_mangle]
pub unsafe extern "C" fn rootrel_replace_alloc(
    haystack: *const u8,
    len: usize,
    template: *const u8,
    template_len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> i32 {
    let out = Out::Alloc { out, out_len };
    // SAFETY: the caller's contract.
    unsafe {
        rewrite_to(haystack, len, out, |h| {
            let t = bytes(template, template_len).ok_or(ROOTREL_INVALID_ARGUMENT)?;
            Ok(rootrel::replace_all(h, t))
        })
    }
}

/// See `rootrel.h`.
///
/// # Safety
///
/// See `rootrel.h`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn rootrel_absolutize(
    haystack: *const u8,
    len: usize,
    base: *const u8,
    base_len: usize,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut rootrel_error,
) -> i32 {
    let out = Out::Buffer { out, cap, out_len };
    // SAFETY: the caller's contract.
    unsafe {
        rewrite_to(haystack, len, out, |h| {
            Ok(rootrel::absolutize(h, &parse_base(base, base_len, err)?))
        })
    }
}

/// See `rootrel.h`.
///
/// # Safety
///
/// See `rootrel.h`.
#[no_mangle]
pub unsafe extern "C" fn rootrel_absolutize_alloc(
    haystack: *const u8,
    len: usize,
    base: *const u8,
    base_len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut rootrel_error,
) -> i32 {
    let out = Out::Alloc { out, out_len };
    // SAFETY: the caller's contract.
    unsafe {
        rewrite_to(haystack, len, out, |h| {
            Ok(rootrel::absolutize(h, &parse_base(base, base_len, err)?))
        })
    }
}

/// See `rootrel.h`.
///
/// # Safety
///
/// See `rootrel.h`.
#[no_mangle]
pub unsafe extern "C" fn rootrel_free(p: *mut u8, len: usize) {
    if p.is_null() {
        return;
    }
    // SAFETY: `p` and `len` came from an `_alloc` function: a boxed slice of `len`.
    drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(p, len)) });
}

/// See `rootrel.h`.
///
/// # Safety
///
/// See `rootrel.h`.
#[no_mangle]
pub unsafe extern "C" fn rootrel_base_check(
    base: *const u8,
    base_len: usize,
    err: *mut rootrel_error,
) -> i32 {
    // SAFETY: the caller's contract.
    guarded(|| match unsafe { parse_base(base, base_len, err) } {
        Ok(_) => ROOTREL_OK,
        Err(code) => code,
    })
}

/// See `rootrel.h`.
#[no_mangle]
pub extern "C" fn rootrel_version() -> *const u8 {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr()
}
