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

    # The job, under Spark.
    out = tmp_path / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    submit = shutil.which("spark-submit", path=str(Path(sys.executable).parent)) or "spark-submit"
    run = subprocess.run(
        [submit, "--master", "local[2]", "--conf", "spark.ui.enabled=false",
         str(HERE.parent / "examples/spark_links.py"), str(out), str(tmp_path / "warcs/*.warc*")],
        env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    assert f"3 WARC files, {len(written)} HTML pages" in run.stdout, run.stdout
    assert f" {len(want_links)} links in " in run.stdout, run.stdout

    links = pq.read_table(out / "links").to_pylist()
    got_links = sorted((r["url"], r["offset"], r["link"]) for r in links)
    assert got_links == want_links
    hosts = {r["host"]: (r["pages"], r["links"]) for r in pq.read_table(out / "hosts").to_pylist()}
    assert hosts == want_hosts
    assert set(hosts) == {"a.example", "b.example", "c.example"}
    if "ROOTREL_CORPUS" not in os.environ:
        assert len(want_links) == 10185


def test_origin_and_links():
    assert spark_links.origin("HTTPS://Go.Dev:8443/blog/x?y#z") == "https://go.dev:8443"
    assert spark_links.origin("http://[::1]/") == "http://[::1]"
    assert spark_links.origin("http://user:pw@h.example/") == "http://h.example"
    assert spark_links.origin("ftp://h/") is None
    assert spark_links.origin("not a url") is None
    body = b'<a href="/a b">x</a><img src=/c.png alt=x><link href=\'/d\'><a href="/' + b"e" * 3000
    assert spark_links.page_links("http://h", body) == [
        (9, "http://h/a b"), (29, "http://h/c.png"), (54, "http://h/d"),
        (67, "http://h/" + "e" * 2047),
    ]
