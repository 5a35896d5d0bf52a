"""rootrel against Python's own `re` on bytes, which runs the same pattern with the same
leftmost-first backtracking semantics: on the seed page (and PHP's own output for it),
the corpus and generated inputs; streaming against one-shot; bad arguments."""

import io
import mmap
import os
import random
import re
import threading
from pathlib import Path

import pytest

import rootrel

PATTERN = re.compile(rb"(<\s*[^>]*)(href=|src=)(.?)(\/[^\/])")
ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "testdata"
CORPUS = Path(os.environ.get("ROOTREL_CORPUS", TESTDATA / "corpus"))
SEED = TESTDATA / "go-blog-execution-traces-2024.html"
BASES = ["https://go.dev", "http://localhost:8080/blog/", "https://example.org/a$1&b"]
TEMPLATES = [
    rb"$1$2$3https://go.dev$4",
    rb"\1\2\3${4}",
    rb"[$0]",
    rb"$2$1$3x$4",
    rb"$4$4 \\ \$1 $9 ${12} ${1 $",
    b"",
]


def pages():
    files = sorted(CORPUS.glob("*.html"))
    assert files, f"no .html files in {CORPUS}"
    return [f.read_bytes() for f in files]


@pytest.fixture(scope="module")
def corpus():
    return pages()


def spans(it):
    return [tuple(m.span(g) for g in range(5)) for m in it]


def re_absolutize(data, base):
    insert = base.rstrip("/").encode()
    return PATTERN.sub(lambda m: m[1] + m[2] + m[3] + insert + m[4], data)


def php_expand(template, m):
    """PHP preg_replace's template rules, written from its documentation: `\\` or `$`
    after a literal `\\` replaces it; `$n`, `${n}`, `\\n` (one or two digits) insert
    group n, empty when it does not exist; everything else is literal."""
    out, i, last = bytearray(), 0, 0
    digits = lambda j: (  # noqa: E731
        2 if template[j : j + 2].isdigit() else 1 if template[j : j + 1].isdigit() else 0
    )
    group = lambda n: m.group(n) if n <= 4 else b""  # noqa: E731
    while i < len(template):
        c = template[i]
        if c in b"\\$":
            if last == ord("\\"):
                out[-1:] = bytes([c])
                last, i = 0, i + 1
                continue
            n = digits(i + 1)
            if n:
                out += group(int(template[i + 1 : i + 1 + n]))
                i += 1 + n
                continue
            if c == ord("$") and template[i + 1 : i + 2] == b"{":
                n = digits(i + 2)
                if n and template[i + 2 + n : i + 3 + n] == b"}":
                    out += group(int(template[i + 2 : i + 2 + n]))
                    i += 3 + n
                    continue
        out.append(c)
        last, i = c, i + 1
    return bytes(out)


def re_sub(template, data):
    return PATTERN.sub(lambda m: php_expand(template, m), data)


def generated(n, seed):
    """Random byte strings over the bytes the pattern cares about, and some it does not."""
    rng = random.Random(seed)
    pieces = [b"<", b">", b"/", b"href=", b"src=", b"=", b'"', b"'", b" ", b"\n",
              b"\t", b"\x0b", b"a", b"h", b"s", b"\xff", b"\x00", b"<a ", b"//"]
    return [b"".join(rng.choice(pieces) for _ in range(rng.randrange(0, 24))) for _ in range(n)]


def test_seed_page_matches_php_output():
    # seed.expected-output.txt is PHP's var_dump of preg_match_all(..., PREG_SET_ORDER)
    # on the page, one `string(N) "..."` per group.
    dump = (TESTDATA / "seed.expected-output.txt").read_bytes()
    groups, i = [], 0
    for m in re.finditer(rb'string\((\d+)\) "', dump):
        if m.start() < i:
            continue
        n = int(m[1])
        groups.append(dump[m.end() : m.end() + n])
        i = m.end() + n
    want = [tuple(groups[k : k + 5]) for k in range(0, len(groups), 5)]
    page = SEED.read_bytes()
    got = [(m.group(),) + m.groups() for m in rootrel.finditer(page)]
    assert len(want) == 6 and got == want
    assert spans(rootrel.finditer(page)) == spans(PATTERN.finditer(page))


def test_corpus_finditer_and_count(corpus):
    total = 0
    for page in corpus:
        want = spans(PATTERN.finditer(page))
        assert spans(rootrel.finditer(page)) == want
        assert rootrel.count(page) == len(want)
        total += len(want)
    if "ROOTREL_CORPUS" not in os.environ:
        assert (len(corpus), total) == (130, 10185)


def test_corpus_absolutize_and_sub(corpus):
    for page in corpus:
        for base in BASES[:2]:
            assert rootrel.absolutize(page, base) == re_absolutize(page, base)
        for t in TEMPLATES[:4]:
            assert rootrel.sub(t, page) == re_sub(t, page)


def test_generated_inputs():
    for data in generated(20000, 1):
        want = spans(PATTERN.finditer(data))
        assert spans(rootrel.finditer(data)) == want, data
        assert rootrel.count(data) == len(want)
        assert rootrel.absolutize(data, BASES[2]) == re_absolutize(data, BASES[2]), data
        for t in TEMPLATES:
            assert rootrel.sub(t, data) == re_sub(t, data), (t, data)


def test_long_inputs_and_many_batches():
    # Thousands of matches: the iterator resumes between batches exactly where the
    # regex's own iteration goes on.
    rng = random.Random(2)
    data = b"".join(rng.choice([b"<a href=/x>", b"<img src='/y'", b" src=/z", b"<<", b">", b"text "])
                    for _ in range(30000))
    assert spans(rootrel.finditer(data)) == spans(PATTERN.finditer(data))
    # A megabyte of base64 in one attribute, the shape that makes PCRE give up.
    img = b'<p><img src="data:image/png;base64,' + b"QUJD" * 250000 + b'"><a href="/next">'
    assert spans(rootrel.finditer(img)) == spans(PATTERN.finditer(img))


def test_match_object():
    data = b'<p><a href="/docs">docs</a> <img src=/x.png>'
    m = next(rootrel.finditer(data))
    r = PATTERN.search(data)
    for g in range(5):
        assert (m.span(g), m.start(g), m.end(g), m.group(g), m[g]) == (
            r.span(g), r.start(g), r.end(g), r.group(g), r[g])
    assert (m.span(), m.start(), m.end(), m.group()) == (r.span(), r.start(), r.end(), r.group())
    assert m.group(1, 4) == r.group(1, 4) == (b"<a ", b"/d")
    assert m.groups() == m.groups(b"?") == r.groups()
    assert m.string is data
    assert repr(m) == "<rootrel.Match object; span=(3, 14), match=b'<a href=\"/d'>"
    empty = next(rootrel.finditer(b"<a src=/x"))
    assert empty.group(3) == b"" and empty.span(3) == (7, 7)
    for bad in (5, -1, "path", 1.0, None):
        with pytest.raises(IndexError, match="no such group"):
            m.group(bad)
        with pytest.raises(IndexError):
            m.span(bad)
    it = rootrel.finditer(data)
    assert iter(it) is it and len(list(it)) == 2 and list(it) == []


def test_bytes_like_inputs():
    data = b"<a href=/x> <b src=/y>"
    want = spans(PATTERN.finditer(data))
    region = mmap.mmap(-1, len(data))
    region.write(data)
    for obj in (bytearray(data), memoryview(data), memoryview(b"--" + data)[2:], region):
        assert spans(rootrel.finditer(obj)) == want
        assert rootrel.count(obj) == 2
        assert rootrel.absolutize(obj, "http://h") == re_absolutize(data, "http://h")
        assert rootrel.sub(bytearray(b"$4"), obj) == b"/x> /y>"
    assert rootrel.finditer(bytearray(data)).__next__().string == bytearray(data)
    # Nothing to rewrite: the same bytes object comes back.
    plain = b"no links here"
    assert rootrel.absolutize(plain, "http://h") is plain
    assert rootrel.sub(b"x", plain) is plain


@pytest.mark.parametrize("seed", range(6))
def test_rewriter_chunks_equal_one_shot(corpus, seed):
    rng = random.Random(seed)
    inputs = [rng.choice(corpus) for _ in range(3)] + generated(200, seed)
    for data in inputs:
        if rng.random() < 0.5:
            kw = {"base": rng.choice(BASES)}
            want = rootrel.absolutize(data, kw["base"])
            assert want == re_absolutize(data, kw["base"])
        else:
            kw = {"template": rng.choice(TEMPLATES)}
            want = re_sub(kw["template"], data)
        rw = rootrel.Rewriter(**kw)
        out, i = [], 0
        while i < len(data):
            n = rng.choice([1, 2, 3, 7, 64, 4096, 1 << 20])
            out.append(rw.write(data[i : i + n]))
            i += n
        out.append(rw.end())
        assert b"".join(out) == want
        assert rw.matches == len(PATTERN.findall(data))


def test_rewrite_file_objects(corpus):
    page = max(corpus, key=len)
    for chunk_size in (1, 333, 1 << 16):
        dst = io.BytesIO()
        n = rootrel.rewrite(io.BytesIO(page), dst, base="https://h", chunk_size=chunk_size)
        assert dst.getvalue() == re_absolutize(page, "https://h")
        assert n == rootrel.count(page)
    dst = io.BytesIO()
    rootrel.rewrite(io.BytesIO(page), dst, template=rb"$2$4")
    assert dst.getvalue() == re_sub(rb"$2$4", page)


def test_bad_arguments():
    with pytest.raises(TypeError, match="data: a bytes-like object is required, not 'str'"):
        rootrel.count("<a href=/x>")
    for f in (rootrel.count, rootrel.finditer, lambda d: rootrel.absolutize(d, "http://h")):
        for bad in ("text", 12, None, [60, 97]):
            with pytest.raises(TypeError):
                f(bad)
    with pytest.raises(TypeError, match="template"):
        rootrel.sub("$1", b"")
    cases = {
        'https://go.dev"><script>': "'\"' at byte 14",
        "https://go.dev/ onload=x": "' ' at byte 15",
        "javascript:alert(1)": "http:// or https://",
        "https://h?q": "'?' at byte 9",
        "https://h:99999": "port at byte 10",
        "": "http:// or https://",
    }
    for base, where in cases.items():
        with pytest.raises(ValueError, match=re.escape(where)):
            rootrel.absolutize(b"<a href=/x>", base)
        with pytest.raises(ValueError, match=re.escape(where)):
            rootrel.Rewriter(base=base)
    with pytest.raises(TypeError, match="exactly one"):
        rootrel.Rewriter()
    with pytest.raises(TypeError, match="exactly one"):
        rootrel.Rewriter(base="http://h", template=b"x")
    with pytest.raises(TypeError):
        rootrel.Rewriter("http://h")
    rw = rootrel.Rewriter(base="http://h")
    with pytest.raises(TypeError):
        rw.write("text")
    assert rw.end() == b""
    with pytest.raises(ValueError, match="ended"):
        rw.write(b"x")
    with pytest.raises(ValueError, match="ended"):
        rw.end()
    with pytest.raises(ValueError, match="chunk_size"):
        rootrel.rewrite(io.BytesIO(), io.BytesIO(), base="http://h", chunk_size=0)
    with pytest.raises(TypeError, match="src.read()"):
        rootrel.rewrite(io.StringIO("<a href=/x>"), io.BytesIO(), base="http://h")
    with pytest.raises(OverflowError):
        rootrel.Rewriter(base="http://h", max_buffer=-1)


def test_buffer_limit():
    # A template that uses group 1 holds a `<...` run until it is decided.
    rw = rootrel.Rewriter(template=b"$1[$2]$4", max_buffer=16)
    assert rw.write(b"<a href=/x> ") == b"<a [href=]/x> "
    with pytest.raises(rootrel.BufferLimitError, match="more than 16 undecided bytes") as e:
        rw.write(b"ok <a href=/y" + b" " * 100)
    assert isinstance(e.value, ValueError)
    assert e.value.output == b"ok "
    with pytest.raises(ValueError, match="ended"):
        rw.write(b"")


def test_threads_share_nothing(corpus):
    # Scans run with the GIL released; results stay per call.
    want = [rootrel.count(p) for p in corpus]
    got = [None] * len(corpus)

    def work(k):
        for i in range(k, len(corpus), 4):
            got[i] = rootrel.count(corpus[i])
            assert rootrel.absolutize(corpus[i], "http://h") == re_absolutize(corpus[i], "http://h")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == want


def test_stubs_name_every_public_name():
    stub = (Path(__file__).resolve().parents[1] / "rootrel.pyi").read_text()
    public = {n for n in dir(rootrel) if not n.startswith("_")}
    declared = set(re.findall(r"^(?:def|class) (\w+)|^(\w+):", stub, re.M))
    declared = {a or b for a, b in declared}
    assert public - {"rootrel"} <= declared, public - declared
    for name in public - {"rootrel", "PATTERN"}:
        assert getattr(rootrel, name).__doc__, name
    import inspect

    for f in (rootrel.finditer, rootrel.count, rootrel.absolutize, rootrel.sub, rootrel.rewrite,
              rootrel.Rewriter, rootrel.Rewriter.write, rootrel.Match.span):
        assert "Ellipsis" not in str(inspect.signature(f)), f


def test_stub_examples_run():
    import ast
    import doctest

    stub = Path(__file__).resolve().parents[1] / "rootrel.pyi"
    tree = ast.parse(stub.read_text())
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner()
    examples = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                test = parser.get_doctest(doc, {"rootrel": rootrel}, getattr(node, "name", "rootrel"), str(stub), 0)
                examples += len(test.examples)
                runner.run(test)
    assert examples >= 10
    assert runner.failures == 0
