//! A PHP `preg_replace` template as a `regex` crate template: shared by the tests and
//! the fuzz targets, written from PHP's C code independently of rootrel's interpreter.

/// Converts a PHP `preg_replace` template into a `regex` crate template with the same
/// meaning. Written from PHP's C code (`php_pcre_replace_impl`, `preg_get_backref`)
/// independently of the crate's own interpreter: an output buffer whose last byte an
/// escape overwrites.
pub fn php_to_regex_template(t: &[u8]) -> Vec<u8> {
    enum Out {
        Byte(u8),
        Group(usize),
    }
    let mut out: Vec<Out> = Vec::new();
    let at = |k: usize| t.get(k).copied().unwrap_or(0);
    let (mut walk, mut walk_last) = (0usize, 0u8);
    while walk < t.len() {
        if t[walk] == b'\\' || t[walk] == b'$' {
            if walk_last == b'\\' {
                *out.last_mut().unwrap() = Out::Byte(t[walk]);
                walk += 1;
                walk_last = 0;
                continue;
            }
            // preg_get_backref
            let mut w = walk;
            let mut backref = None;
            if at(w + 1) != 0 {
                let in_brace = t[w] == b'$' && at(w + 1) == b'{';
                if in_brace {
                    w += 1;
                }
                w += 1;
                if at(w).is_ascii_digit() {
                    let mut n = (at(w) - b'0') as usize;
                    w += 1;
                    if at(w).is_ascii_digit() {
                        n = n * 10 + (at(w) - b'0') as usize;
                        w += 1;
                    }
                    if !in_brace || at(w) == b'}' {
                        if in_brace {
                            w += 1;
                        }
                        backref = Some(n);
                    }
                }
            }
            if let Some(n) = backref {
                out.push(Out::Group(n));
                walk = w;
                continue;
            }
        }
        out.push(Out::Byte(t[walk]));
        walk_last = t[walk];
        walk += 1;
    }
    let mut r = Vec::new();
    for o in out {
        match o {
            Out::Byte(b'$') => r.extend_from_slice(b"$$"),
            Out::Byte(b) => r.push(b),
            Out::Group(n) => r.extend_from_slice(format!("${{{n}}}").as_bytes()),
        }
    }
    r
}
