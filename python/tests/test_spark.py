"""The Spark job, run with spark-submit under local[2] on WARC files made from the
corpus, against the same computation in one Python process and against Python's `re`.

Needs pyspark, pyarrow and Java 17; skipped when pyspark is missing unless
ROOTREL_SPARK=required (as CI sets it)."""

import importlib
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "examples"))


def need(module):
    if os.environ.get("ROOTREL_SPARK") == "required":
        return importlib.import_module(module)
    return pytest.importorskip(module)


need("pyspark")
pq = need("pyarrow.parquet")

import spark_links  # noqa: E402
import warcs  # noqa: E402
from test_rootrel import PATTERN, pages  # noqa: E402

VALUE = {
    b'"': re.compile(rb'[^"]{0,2048}'),
    b"'": re.compile(rb"[^']{0,2048}"),
    None: re.compile(rb"[^\s>]{0,2048}"),
}


def expected(written):
    """Link rows and host totals computed with `re`, from the pages as written."""
    links, hosts = [], Counter()
    for url, body in written:
        scheme_host = "/".join(url.split("/")[:3])
        host = url.split("/")[2].split(":")[0]
        hosts[host, "pages"] += 1
        for m in PATTERN.finditer(body):
            value = VALUE.get(m[3], VALUE[None]).match(body, m.start(4)).group()
            links.append((url, m.start(4), scheme_host + value.decode("utf-8", "replace")))
            hosts[host, "links"] += 1
    return sorted(links), {h: (hosts[h, "pages"], hosts[h, "links"]) for h, _ in hosts}


def test_spark_job_matches_one_process(tmp_path):
    corpus = sorted(Path(p) for p in Path(os.environ.get(
        "ROOTREL_CORPUS", HERE.parents[1] / "testdata/corpus")).glob("*.html"))
    assert len(corpus) == len(pages())
    paths, written = warcs.write_warcs([(p.name, p.read_bytes()) for p in corpus], tmp_path / "warcs")
    want_links, want_hosts = expected(written)

    # The job's own functions, in this process.
    one = [row for path in paths for row in spark_links.pages_of(path)]
    assert sorted((url, o, link) for url, _, _, ls in one for o, link in ls) == want_links
    assert len(one) == len(written)

    # The job, under Spark, with an input that is not a WARC file among the others.
    (tmp_path / "warcs/broken.warc").write_bytes(b"not a WARC file\n" * 10)
    out = tmp_path / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    submit = shutil.which("spark-submit", path=str(Path(sys.executable).parent)) or "spark-submit"
    run = subprocess.run(
        [submit, "--master", "local[2]", "--conf", "spark.ui.enabled=false",
         str(HERE.parent / "examples/spark_links.py"), "--rewrite-to", str(tmp_path / "rewritten"),
         str(out), str(tmp_path / "warcs/*.warc*")],
        env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stderr[-4000:]
    assert f"4 WARC files (1 failed), {len(written)} HTML pages" in run.stdout, run.stdout
    # (spark-submit passes the driver's stderr on to its stdout)
    output = (run.stdout + run.stderr).splitlines()
    failed = [line for line in output if line.startswith("spark_links: failed: ")]
    broken = f"{tmp_path}/warcs/broken.warc"
    assert [line.split(": ArchiveLoadFailed: ")[0] for line in failed] == [
        f"spark_links: failed: {broken}: reading", f"spark_links: failed: {broken}: rewriting",
    ], output
    assert f" {len(want_links)} links in " in run.stdout, run.stdout

    links = pq.read_table(out / "links").to_pylist()
    got_links = sorted((r["url"], r["offset"], r["link"]) for r in links)
    assert got_links == want_links
    hosts = {r["host"]: (r["pages"], r["links"]) for r in pq.read_table(out / "hosts").to_pylist()}
    assert hosts == want_hosts
    assert set(hosts) == {"a.example", "b.example", "c.example"}
    if "ROOTREL_CORPUS" not in os.environ:
        assert len(want_links) == 10185

    # The rewritten WARC files: HTML payloads as `re` would rewrite them, everything
    # else as it was, every digest right.
    assert f"rewrote {len(written)} HTML responses, {len(want_links)} links" in run.stdout
    assert sorted(os.listdir(tmp_path / "rewritten")) == sorted(Path(p).name for p in paths)
    for path in paths:
        check_rewritten(path, tmp_path / "rewritten" / Path(path).name)


def read_records(path, check):
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as f:
        for r in ArchiveIterator(f, check_digests=check):
            html = spark_links.is_html_response(r) and not check
            payload = r.content_stream().read() if html else r.raw_stream.read()
            yield r, payload


def check_rewritten(original, rewritten):
    from test_rootrel import re_absolutize

    pairs = list(zip(read_records(original, False), read_records(rewritten, True)))
    assert len(pairs) == len(list(read_records(original, False)))
    assert len(pairs) == len(list(read_records(rewritten, False)))
    for (a, body), (b, raw) in pairs:
        assert b.digest_checker.passed is True, (rewritten, b.digest_checker.problems)
        assert (a.rec_type, a.rec_headers.get_header("WARC-Target-URI")) == (
            b.rec_type, b.rec_headers.get_header("WARC-Target-URI"))
        if not spark_links.is_html_response(a):
            assert raw == body
            continue
        url = a.rec_headers.get_header("WARC-Target-URI")
        assert raw == re_absolutize(body, "/".join(url.split("/")[:3]))
        assert b.http_headers.get_header("Content-Encoding") is None
        assert b.http_headers.get_header("Content-Length") == str(len(raw))
        assert b.rec_headers.get_header("WARC-Refers-To") == a.rec_headers.get_header("WARC-Record-ID")
        assert b.rec_headers.get_header("WARC-Record-ID") != a.rec_headers.get_header("WARC-Record-ID")


def test_origin_and_links():
    assert spark_links.origin("HTTPS://Go.Dev:8443/blog/x?y#z") == "https://go.dev:8443"
    assert spark_links.origin("http://[::1]/") == "http://[::1]"
    assert spark_links.origin("http://user:pw@h.example/") == "http://h.example"
    assert spark_links.origin("ftp://h/") is None
    assert spark_links.origin("not a url") is None
    assert spark_links.origin("http://h.example:99999/") is None
    assert spark_links.origin('http://a"b.example/') is None
    assert spark_links.origin("http://Bücher.example/x") == "http://xn--bcher-kva.example"
    body = b'<a href="/a b">x</a><img src=/c.png alt=x><link href=\'/d\'><a href="/' + b"e" * 3000
    assert spark_links.page_links("http://h", body) == [
        (9, "http://h/a b"), (29, "http://h/c.png"), (54, "http://h/d"),
        (67, "http://h/" + "e" * 2047),
    ]


def test_inputs_globs_listings_and_urls(tmp_path):
    import functools
    import http.server
    import threading

    paths, written = warcs.write_warcs([("p.html", b'<a href="/x">'), ("q.html", b"<img src=/y>")],
                                       tmp_path / "w", files=2)
    listing = tmp_path / "list.txt"
    listing.write_text(f"{paths[1]}\n\n{tmp_path}/w/*.gz\n")
    assert spark_links.expand([f"@{listing}", paths[0]]) == [paths[1], paths[0], paths[0]]
    assert spark_links.expand(["https://h.example/a.warc.gz"]) == ["https://h.example/a.warc.gz"]
    with pytest.raises(SystemExit, match="no file matches"):
        spark_links.expand([str(tmp_path / "none-*.warc")])

    # A WARC file fetched over HTTP gives the same pages as read from disk.
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path / "w"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for path in paths:
            url = f"http://127.0.0.1:{server.server_port}/{Path(path).name}"
            assert list(spark_links.pages_of(url)) == list(spark_links.pages_of(path))
    finally:
        server.shutdown()
    broken = tmp_path / "broken.warc"
    broken.write_bytes(b"not a WARC file\n")
    with pytest.raises(Exception, match="Unknown archive format"):
        list(spark_links.pages_of(str(broken)))
    messages = []
    assert list(spark_links.pages_of(str(broken), messages.append)) == []
    assert len(messages) == 1 and messages[0].startswith(f"{broken}: ") and "\n" not in messages[0]
    rows = [row for p in paths for row in spark_links.pages_of(p)]
    assert [(url, links) for url, _, _, links in rows] == [
        ("https://a.example/p.html", [(9, "https://a.example/x")]),
        ("https://b.example:8443/q.html", [(9, "https://b.example:8443/y")]),
    ]
