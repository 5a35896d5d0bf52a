//! PHP `preg_replace` replacement templates, interpreted exactly as PHP does.
//!
//! PHP (ext/pcre, `php_pcre_replace_impl` and `preg_get_backref`) walks the template
//! once per match and remembers the last byte it copied literally:
//!
//! - `\` or `$` right after a literally copied `\` replaces that `\`: so `\\` gives `\`,
//!   `\$` gives `$`, and the remembered byte is cleared (`\\\\` gives `\\`).
//! - Otherwise `$n`, `${n}` and `\n`, with one or two decimal digits, insert group `n`
//!   (the empty string for a group that does not exist). `$123` is group 12 then `3`;
//!   `${123}` and an unclosed `${1` are literal text. A reference does not change the
//!   remembered byte.
//! - Every other byte is copied literally.
//!
//! The walk needs no memory of its own, so it runs directly on the template bytes for
//! every match: no parsing step, no allocation.

/// A piece of an expanded template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece<'t> {
    /// Bytes to copy.
    Literal(&'t [u8]),
    /// The text of capture group `n` (0 to 99).
    Group(usize),
}

/// Walks `template` as PHP does and hands each piece to `emit`, in order. Empty
/// literals are not emitted.
#[inline]
pub(crate) fn expand<'t>(template: &'t [u8], mut emit: impl FnMut(Piece<'t>)) {
    let mut lit = 0; // start of the pending literal run
    let mut last = 0u8; // the last byte copied literally (PHP's `walk_last`)
    let mut i = 0;
    let flush = |from: usize, to: usize, emit: &mut dyn FnMut(Piece<'t>)| {
        if from < to {
            emit(Piece::Literal(&template[from..to]));
        }
    };
    while i < template.len() {
        let c = template[i];
        if c == b'\\' || c == b'$' {
            if last == b'\\' {
                // The `\` copied just before (at i - 1) is replaced by `c`.
                flush(lit, i - 1, &mut emit);
                lit = i;
                i += 1;
                last = 0;
                continue;
            }
            if let Some((n, next)) = backref(template, i) {
                flush(lit, i, &mut emit);
                emit(Piece::Group(n));
                i = next;
                lit = i;
                continue;
            }
        }
        last = c;
        i += 1;
    }
    flush(lit, template.len(), &mut emit);
}

/// The bytes `t` inserts before group 4 when its expansion is `$1$2$3`, one literal run
/// (possibly empty), then `$4` and nothing else: then the replacement is the match with
/// those bytes inserted, whatever the match. `None` for any other template.
pub(crate) fn insertion(t: &[u8]) -> Option<&[u8]> {
    // The pieces seen so far: 0..=3 groups 1 to 3, then the literal, then group 4.
    let mut seen = 0;
    let mut lit: &[u8] = &[];
    let mut ok = true;
    expand(t, |p| match (seen, p) {
        (0..=2, Piece::Group(n)) if n == seen + 1 => seen += 1,
        (3, Piece::Literal(b)) => {
            lit = b;
            seen = 4;
        }
        (3 | 4, Piece::Group(4)) => seen = 5,
        _ => ok = false,
    });
    (ok && seen == 5).then_some(lit)
}

/// PHP's `preg_get_backref` at `t[i]` (a `\` or `$`): the group number and the offset
/// after the reference. Past the end PHP sees its NUL terminator, spelled 0 here.
fn backref(t: &[u8], i: usize) -> Option<(usize, usize)> {
    let at = |k: usize| t.get(k).copied().unwrap_or(0);
    // PHP first returns "no reference" when the next byte is NUL; the digit test below
    // refuses a NUL just the same, so that check is not repeated here.
    let brace = t[i] == b'$' && at(i + 1) == b'{';
    let mut w = i + 1 + usize::from(brace);
    let d = at(w);
    if !d.is_ascii_digit() {
        return None;
    }
    let mut n = usize::from(d - b'0');
    w += 1;
    let d = at(w);
    if d.is_ascii_digit() {
        n = n * 10 + usize::from(d - b'0');
        w += 1;
    }
    if brace {
        if at(w) != b'}' {
            return None;
        }
        w += 1;
    }
    Some((n, w))
}

#[cfg(test)]
mod tests {
    use std::vec::Vec;

    use super::*;

    fn pieces(t: &[u8]) -> Vec<Piece<'_>> {
        let mut v = Vec::new();
        expand(t, |p| v.push(p));
        v
    }

    use Piece::{Group as G, Literal as L};

    #[test]
    fn php_rules() {
        assert_eq!(pieces(b""), []);
        assert_eq!(pieces(b"abc"), [L(b"abc")]);
        assert_eq!(pieces(b"$1$2$3x$4"), [G(1), G(2), G(3), L(b"x"), G(4)]);
        assert_eq!(pieces(b"${1}0"), [G(1), L(b"0")]);
        assert_eq!(pieces(b"$123"), [G(12), L(b"3")]);
        assert_eq!(pieces(b"${123}"), [L(b"${123}")]);
        assert_eq!(pieces(b"${1"), [L(b"${1")]);
        assert_eq!(pieces(b"\\0\\99"), [G(0), G(99)]);
        assert_eq!(pieces(b"\\\\"), [L(b"\\")]);
        assert_eq!(pieces(b"\\\\\\\\"), [L(b"\\"), L(b"\\")]);
        assert_eq!(pieces(b"\\$1"), [L(b"$1")]);
        assert_eq!(pieces(b"\\\\$1"), [L(b"\\"), G(1)]);
        assert_eq!(pieces(b"\\\\1"), [L(b"\\1")]);
        assert_eq!(pieces(b"$"), [L(b"$")]);
        assert_eq!(pieces(b"\\"), [L(b"\\")]);
        assert_eq!(pieces(b"$x\\y"), [L(b"$x\\y")]);
        assert_eq!(pieces(b"a\\x\\$"), [L(b"a\\x"), L(b"$")]);
        assert_eq!(pieces(b"$\0"), [L(b"$\0")]);
    }

    #[test]
    fn insertion_forms() {
        let yes: [(&[u8], &[u8]); 6] = [
            (b"$1$2$3https://go.dev$4", b"https://go.dev"),
            (b"${1}${2}${3}https://go.dev${4}", b"https://go.dev"),
            (b"\\1\\2$3x${4}", b"x"),
            (b"$01$02$03x$04", b"x"),
            (b"$1$2$3$4", b""),
            (b"$1$2${3}5$4", b"5"),
        ];
        for (t, ins) in yes {
            assert_eq!(insertion(t), Some(ins), "{:?}", core::str::from_utf8(t));
        }
        let no: [&[u8]; 12] = [
            b"",
            b"$0",
            b"$1$2$3x$4y",
            b"y$1$2$3x$4",
            b"$1$3$2x$4",
            b"$1$2$34",
            b"$1$2$3x\\\\$4",
            b"$1$2$3x$5",
            b"$1$2x$4",
            b"$1$2$3x$4$4",
            b"$1$2$3x\\$4",
            b"$1$2$3x$4\\",
        ];
        for t in no {
            assert_eq!(insertion(t), None, "{:?}", core::str::from_utf8(t));
        }
    }
}
