//! Showing byte strings to people: file names and matched bytes, which may hold
//! anything.
//!
//! In text, valid UTF-8 is shown as it is, except `\` and control characters, which are
//! escaped (`\\`, `\n`, `\t`, `\u{1b}`), and bytes that are not UTF-8 as `\xNN`. Since
//! `\` itself is escaped, two different byte strings never look the same, and one name
//! or match stays on one line. In JSON a byte string is `{"text": …}` when it is UTF-8
//! and `{"bytes": base64}` otherwise, as ripgrep's JSON output does.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Appends `bytes` to `o`, escaped for a line of text.
pub(crate) fn escape(o: &mut Vec<u8>, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' || c.is_control() {
                o.extend_from_slice(c.escape_default().to_string().as_bytes());
            } else {
                let mut buf = [0; 4];
                o.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
        for b in chunk.invalid() {
            o.extend_from_slice(format!("\\x{b:02x}").as_bytes());
        }
    }
}

/// `bytes` escaped for a line of text, as a `String`.
pub(crate) fn escaped(bytes: &[u8]) -> String {
    let mut o = Vec::new();
    escape(&mut o, bytes);
    String::from_utf8(o).expect("escaped bytes are UTF-8")
}

/// A path's bytes.
pub(crate) fn path_bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_bytes()
}

/// `bytes` as a JSON value: `{"text": …}` or `{"bytes": base64}`.
pub(crate) fn json(bytes: &[u8]) -> serde_json::Value {
    match std::str::from_utf8(bytes) {
        Ok(s) => serde_json::json!({ "text": s }),
        Err(_) => serde_json::json!({ "bytes": base64(bytes) }),
    }
}

/// Standard base64, with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                s.push(ABC[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_unambiguous() {
        assert_eq!(escaped(b"dup\xfe.html"), "dup\\xfe.html");
        assert_eq!(escaped(b"dup\xff.html"), "dup\\xff.html");
        assert_eq!(escaped(b"dup\\xff.html"), "dup\\\\xff.html");
        assert_eq!(escaped(b"a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(escaped("é".as_bytes()), "é");
    }

    #[test]
    fn base64_as_rfc_4648() {
        for (raw, b64) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"\xff\xfe", "//4="),
        ] {
            assert_eq!(base64(raw), b64);
        }
    }
}
