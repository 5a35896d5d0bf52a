"""Small WARC files made from the corpus pages, for the Spark job's test and benchmark.

Page `name.html` becomes the HTML response for `https://<host>/<name>.html`, the hosts
taken in turn; each response comes with its request record, and each file also holds
records the job must skip (an image whose bytes hold a link, a non-HTML text response,
a metadata record). One page in each file is sent with `Content-Encoding: gzip`, which
the reader must undo.
"""

import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HOSTS = ["a.example", "b.example:8443", "c.example"]


def page_url(i, name):
    return f"https://{HOSTS[i % len(HOSTS)]}/{name}"


def write_warcs(pages, out_dir, files=3, copies=1):
    """Writes `pages` (a list of (name, bytes)) into `files` WARC files under `out_dir`,
    gzip-compressed and not in turn, `copies` times over (copy k under `k/` in the
    URL path). Returns the paths and the list of (url, body) written as HTML."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths, written = [], []
    for f in range(files):
        gz = f % 2 == 0
        path = out_dir / f"pages-{f}.warc{'.gz' if gz else ''}"
        with open(path, "wb") as out:
            w = WARCWriter(out, gzip=gz)
            first = True
            for k in range(copies):
                for i, (name, body) in enumerate(pages):
                    if i % files != f:
                        continue
                    url = page_url(i, f"{k}/{name}" if copies > 1 else name)
                    _request(w, url)
                    encoded = gzip.compress(body) if first else body
                    _response(w, url, "text/html; charset=utf-8", encoded, gzipped=first)
                    written.append((url, body))
                    first = False
            _response(w, f"https://{HOSTS[f % len(HOSTS)]}/logo.png", "image/png",
                      b"\x89PNG<a href=/not-html>")
            _response(w, f"https://{HOSTS[f % len(HOSTS)]}/robots.txt", "text/plain",
                      b"<a href=/not-html-either>")
            w.write_record(w.create_warc_record(
                "https://a.example/", "metadata", payload=io.BytesIO(b"<a href=/meta>"),
                warc_content_type="application/warc-fields"))
        paths.append(str(path))
    return paths, written


def _request(w, url):
    http = StatusAndHeaders(f"GET /{url.split('/', 3)[3]} HTTP/1.1",
                            [("Host", url.split("/")[2])], is_http_request=True)
    w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                        http_headers=http))


def _response(w, url, content_type, body, gzipped=False):
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                        http_headers=http))
