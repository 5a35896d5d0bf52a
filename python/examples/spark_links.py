"""The root-relative links of every HTML page in WARC files, with Spark and rootrel.

    spark-submit spark_links.py [--partitions N] OUTPUT INPUT...

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

It prints one line of totals, with the time the work took (Spark's start excluded).
"""

import argparse
import glob
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
    """`scheme://host[:port]` of a URL, lowercased; None if it has no such parts."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port is not None else ""
    return f"{parts.scheme.lower()}://{host}{port}"


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


def html_pages(path):
    """(url, host, payload) of every HTML response record in one WARC file."""
    from warcio.archiveiterator import ArchiveIterator

    with open_input(path) as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            yield url, urlsplit(url).hostname or "", record.content_stream().read()


def pages_of(path):
    """One row per HTML page of a WARC file: url, host, payload bytes, links."""
    for url, host, body in html_pages(path):
        base = origin(url)
        links = page_links(base, body) if base else []
        yield url, host, len(body), links


def expand(inputs):
    """The WARC paths and URLs named by the command line's inputs."""
    out = []
    for arg in inputs:
        if arg.startswith("@"):
            with open(arg[1:]) as f:
                out += expand(line.strip() for line in f if line.strip())
        elif arg.startswith(("http://", "https://")) or not glob.has_magic(arg):
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
    rows = spark.sparkContext.parallelize(paths, args.partitions or len(paths)).flatMap(pages_of)
    pages = spark.createDataFrame(rows, schema).persist()
    (pages.select("url", F.explode("links").alias("l"))
          .select("url", "l.offset", "l.link")
          .write.mode("overwrite").parquet(f"{args.output}/links"))
    hosts = pages.groupBy("host").agg(F.count("*").alias("pages"),
                                      F.sum(F.size("links")).alias("links"))
    hosts.write.mode("overwrite").parquet(f"{args.output}/hosts")
    total = pages.agg(F.count("*"), F.sum("bytes"), F.sum(F.size("links"))).first()
    secs = time.perf_counter() - started
    n, size, links = total[0], total[1] or 0, total[2] or 0
    print(f"spark_links: {len(paths)} WARC files, {n} HTML pages, {size} bytes, "
          f"{links} links in {secs:.2f} s ({size / 1e6 / secs:.1f} MB/s of HTML)")
    spark.stop()


if __name__ == "__main__":
    main()
