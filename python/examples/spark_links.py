"""The root-relative links of every HTML page in WARC files, with Spark and rootrel.

    spark-submit spark_links.py [--partitions N] [--rewrite-to DIR] OUTPUT INPUT...

Each INPUT is a WARC file (gzip-compressed or not) as a local path, a glob, or an
http(s) URL, or `@FILE` for a text file listing such inputs one per line. Every
executor opens and streams its own files, so memory stays bounded by one record
whatever the file sizes, and the same command runs on one machine (`--master
local[N]`) and on a cluster, where the paths must be readable from every node (a
shared file system) or be URLs (as for Common Crawl's data at
https://data.commoncrawl.org/).

For each `response` record with an HTML content type, rootrel finds the root-relative
`href=`/`src=` links of its payload (HTTP content and transfer encodings undone), and
resolves each against the scheme and host of its `WARC-Target-URI`. It writes Parquet:

- `OUTPUT/links`: one row per link: `url` (the page), `offset` (the byte offset of
  the link's `/` in the payload), `link` (absolute).
- `OUTPUT/hosts`: one row per host: `host`, `pages` (HTML pages), `links`.

With `--rewrite-to DIR`, it also writes each WARC file to DIR with the links of its HTML
responses made absolute, lengths and digests fixed (see `rewrite_warc`).

It prints one line of totals, with the time the work took (Spark's start excluded).
An input that cannot be read to its end (missing, not a WARC file, truncated) does not
stop the job: its pages up to the failure are kept, the others are processed, one line
names it and the error, and the job exits with status 1.
"""

import argparse
import glob
import io
import os
import re
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import rootrel

# How far a link's value may run: to its closing quote, or for an unquoted value to
# whitespace or `>`; at most this many bytes.
MAX_LINK = 2048
UNQUOTED_END = re.compile(rb"[\s>]")


def origin(url):
    """`scheme://host[:port]` of a URL, lowercased, the host in ASCII (IDNA); None if it
    has no such parts or rootrel would refuse it as a base."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
        if scheme not in ("http", "https") or not host:
            return None
        host = host if host.isascii() else host.encode("idna").decode("ascii")
        host = f"[{host}]" if ":" in host else host
        base = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
        rootrel.absolutize(b"", base)  # checks the base
        return base
    except ValueError:  # a bad port or host, including IDNA's UnicodeError
        return None


def page_links(base, body):
    """The (offset, absolute link) of every root-relative link in `body`."""
    links = []
    for m in rootrel.finditer(body):
        start = m.start(4)
        quote = m.group(3)
        if quote in (b'"', b"'"):
            end = body.find(quote, start, start + MAX_LINK)
        else:
            found = UNQUOTED_END.search(body, start, start + MAX_LINK)
            end = found.start() if found else -1
        if end < 0:
            end = min(len(body), start + MAX_LINK)
        links.append((start, base + body[start:end].decode("utf-8", "replace")))
    return links


def open_input(path):
    if path.startswith(("http://", "https://")):
        return urllib.request.urlopen(path)  # noqa: S310 (the user's own inputs)
    return open(path.removeprefix("file://"), "rb")


def is_html_response(record):
    if record.rec_type != "response" or record.http_headers is None:
        return False
    return "html" in (record.http_headers.get_header("Content-Type") or "").lower()


def html_pages(path):
    """(url, host, payload) of every HTML response record in one WARC file."""
    from warcio.archiveiterator import ArchiveIterator

    with open_input(path) as stream:
        for record in ArchiveIterator(stream):
            if is_html_response(record):
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                yield url, urlsplit(url).hostname or "", record.content_stream().read()


def pages_of(path, failed=None):
    """One row per HTML page of a WARC file: url, host, payload bytes, links.

    A file that cannot be read to its end raises, unless `failed` is given: then its
    pages up to the failure are kept, and `failed(message)` is called with one line
    naming the file and the error."""
    rows = []

    def read(path):
        for url, host, body in html_pages(path):
            base = origin(url)
            rows.append((url, host, len(body), page_links(base, body) if base else []))
        return rows

    return read(path) if failed is None else guarded(read, failed, "reading", path, rows)


def rewrite_warc(path, out_dir):
    """Writes a copy of one WARC file to `out_dir` (same name; gzip-compressed if the
    name ends in .gz) in which each HTML response has its links made absolute against
    the origin of its `WARC-Target-URI`. Returns (HTML responses, links rewritten).

    An HTML response is written decoded (its HTTP content and transfer encodings
    undone, those headers dropped), with a new `WARC-Record-ID`, `WARC-Refers-To`
    naming the original, and its lengths and digests computed anew. Other records are
    copied, their block digests computed anew (warcio writes their HTTP headers
    again). The copy is written under a temporary name and renamed when complete."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeadersParser
    from warcio.warcwriter import WARCWriter

    name = path.rstrip("/").rsplit("/", 1)[-1]
    target = os.path.join(out_dir, name)
    part = f"{target}.part"
    pages = links = 0
    try:
        with open_input(path) as stream, open(part, "wb") as out:
            writer = WARCWriter(out, gzip=name.endswith(".gz"))
            for record in ArchiveIterator(stream):
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                base = origin(url) if is_html_response(record) else None
                if base is None:
                    record.rec_headers.remove_header("WARC-Block-Digest")
                    writer.write_record(record)
                    continue
                body = record.content_stream().read()
                n = rootrel.count(body)
                body = rootrel.absolutize(body, base)
                http = record.http_headers
                for header in ("Content-Encoding", "Transfer-Encoding", "Content-Length"):
                    http.remove_header(header)
                http.add_header("Content-Length", str(len(body)))
                headers = record.rec_headers
                headers.add_header("WARC-Refers-To", headers.get_header("WARC-Record-ID"))
                headers.replace_header("WARC-Record-ID", StatusAndHeadersParser.make_warc_id())
                for header in ("WARC-Block-Digest", "WARC-Payload-Digest", "Content-Length"):
                    headers.remove_header(header)
                writer.write_record(writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), length=len(body),
                    warc_headers=headers, http_headers=http))
                pages, links = pages + 1, links + n
        os.replace(part, target)
    finally:
        if os.path.exists(part):
            os.remove(part)
    return pages, links


def guarded(f, failed, what, path, empty):
    """`f(path)`, or `empty` after `failed(one line naming path and the error)`."""
    try:
        return f(path)
    except Exception as e:  # noqa: BLE001 (any failure of one input)
        message = " ".join(f"{path}: {what}: {type(e).__name__}: {e}".split())
        print(f"spark_links: {message}", file=sys.stderr)
        failed(message)
        return empty


class _Union:
    """An accumulator of the failed inputs and their messages: a set, so that a
    partition computed twice counts once."""

    def zero(self, value):
        return set()

    def addInPlace(self, a, b):  # noqa: N802 (Spark's name)
        return a | (b if isinstance(b, set) else {b})


def expand(inputs):
    """The WARC paths and URLs named by the command line's inputs."""
    out = []
    for arg in inputs:
        if arg.startswith("@"):
            with open(arg[1:]) as f:
                out += expand(line.strip() for line in f if line.strip())
        elif arg.startswith(("http://", "https://")) or not any(c in arg for c in "*?["):
            out.append(arg)
        else:
            found = sorted(glob.glob(arg))
            if not found:
                sys.exit(f"spark_links: no file matches {arg!r}")
            out += found
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="directory for the Parquet output (replaced)")
    ap.add_argument("inputs", nargs="+", help="WARC paths, globs, URLs or @listing files")
    ap.add_argument("--partitions", type=int, help="tasks (default: one per input)")
    ap.add_argument("--rewrite-to", metavar="DIR",
                    help="also write each WARC file, links made absolute, to DIR (a local "
                         "or shared file system)")
    args = ap.parse_args(argv)
    paths = expand(args.inputs)

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    spark = SparkSession.builder.appName("rootrel-links").getOrCreate()
    schema = T.StructType([
        T.StructField("url", T.StringType(), False),
        T.StructField("host", T.StringType(), False),
        T.StructField("bytes", T.LongType(), False),
        T.StructField("links", T.ArrayType(T.StructType([
            T.StructField("offset", T.LongType(), False),
            T.StructField("link", T.StringType(), False),
        ]), False), False),
    ])
    started = time.perf_counter()
    sc = spark.sparkContext
    failures = sc.accumulator(set(), _Union())
    rows = sc.parallelize(paths, args.partitions or len(paths)).flatMap(
        lambda path: pages_of(path, lambda message: failures.add((path, message))))
    pages = spark.createDataFrame(rows, schema).persist()
    (pages.select("url", F.explode("links").alias("l"))
          .select("url", "l.offset", "l.link")
          .write.mode("overwrite").parquet(f"{args.output}/links"))
    hosts = pages.groupBy("host").agg(F.count("*").alias("pages"),
                                      F.sum(F.size("links")).alias("links"))
    hosts.write.mode("overwrite").parquet(f"{args.output}/hosts")
    total = pages.agg(F.count("*"), F.sum("bytes"), F.sum(F.size("links"))).first()
    secs = time.perf_counter() - started
    if args.rewrite_to:
        os.makedirs(args.rewrite_to, exist_ok=True)
        out_dir = args.rewrite_to
        done = sc.parallelize(paths, args.partitions or len(paths)).map(
            lambda path: guarded(lambda p: rewrite_warc(p, out_dir),
                                 lambda message: failures.add((path, message)),
                                 "rewriting", path, (0, 0))).collect()
        print(f"spark_links: rewrote {sum(p for p, _ in done)} HTML responses, "
              f"{sum(n for _, n in done)} links, into {out_dir}")
    n, size, links = total[0], total[1] or 0, total[2] or 0
    failed = sorted(failures.value)
    for _, message in failed:
        print(f"spark_links: failed: {message}", file=sys.stderr)
    failed_files = len({path for path, _ in failed})
    print(f"spark_links: {len(paths)} WARC files ({failed_files} failed), {n} HTML pages, "
          f"{size} bytes, {links} links in {secs:.2f} s ({size / 1e6 / secs:.1f} MB/s of HTML)")
    spark.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
