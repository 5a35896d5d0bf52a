"""rootrel from Python against Python's own `re`, on the same bytes in the same run.

    python python/bench/bench.py [--corpus DIR] [--seconds S]

Prints a Markdown table: throughput of each way, and the ratios the package is held to
(absolutize / re.sub, count / re.finditer, two threads / one thread).
"""

import argparse
import os
import platform
import re
import threading
import time
from pathlib import Path

import rootrel

PATTERN = re.compile(rootrel.PATTERN)
BASE = "https://go.dev"
TEMPLATE = rb"\1\2\3" + BASE.encode() + rb"\4"


def best(f, seconds):
    """The best time of `f()` over repeated runs lasting about `seconds` in all."""
    times, deadline = [], time.perf_counter() + seconds
    while len(times) < 3 or time.perf_counter() < deadline:
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def threaded(work, threads):
    """Runs `work()` in `threads` threads at once; returns the wall time."""
    start = threading.Barrier(threads + 1)
    done = []

    def run():
        start.wait()
        work()
        done.append(time.perf_counter())

    ts = [threading.Thread(target=run) for _ in range(threads)]
    for t in ts:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in ts:
        t.join()
    return max(done) - t0


def main():
    root = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.environ.get("ROOTREL_CORPUS", root / "testdata/corpus"))
    ap.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = ap.parse_args()
    pages = [p.read_bytes() for p in sorted(Path(args.corpus).glob("*.html"))]
    size = sum(map(len, pages))

    for p in pages:  # the two agree before anything is timed
        assert rootrel.absolutize(p, BASE) == PATTERN.sub(TEMPLATE, p)
        assert rootrel.count(p) == sum(1 for _ in PATTERN.finditer(p))

    def each(f):
        # Each result is dropped before the next page, as a pipeline that writes it
        # out would drop it.
        def run():
            for p in pages:
                f(p)
        return run

    ways = {
        "re.sub(PATTERN, template)": each(lambda p: PATTERN.sub(TEMPLATE, p)),
        "rootrel.absolutize": each(lambda p: rootrel.absolutize(p, BASE)),
        "sum(1 for _ in re.finditer)": each(lambda p: sum(1 for _ in PATTERN.finditer(p))),
        "rootrel.count": each(rootrel.count),
        "list(re.finditer)": each(lambda p: list(PATTERN.finditer(p))),
        "list(rootrel.finditer)": each(lambda p: list(rootrel.finditer(p))),
    }
    t = {name: best(f, args.seconds) for name, f in ways.items()}

    scaling = {}
    for name in ("rootrel.absolutize", "rootrel.count"):
        work = ways[name]

        def twice(work=work):
            work()
            work()

        one = min(threaded(twice, 1) for _ in range(5))  # one thread, the corpus twice
        two = min(threaded(work, 2) for _ in range(5))  # two threads, the corpus once each
        scaling[name] = one / two

    mb = size / 1e6
    print(f"{len(pages)} pages, {mb:.1f} MB; Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs\n")
    print("| way | MB/s | vs re |")
    print("|---|---:|---:|")
    anchors = {"rootrel.absolutize": "re.sub(PATTERN, template)",
               "rootrel.count": "sum(1 for _ in re.finditer)",
               "list(rootrel.finditer)": "list(re.finditer)"}
    for name, secs in t.items():
        ratio = f"{t[anchors[name]] / secs:.1f}x" if name in anchors else "1x"
        print(f"| `{name}` | {mb / secs:,.0f} | {ratio} |")
    print()
    print("| two threads vs one, same work per thread | speedup |")
    print("|---|---:|")
    for name, s in scaling.items():
        print(f"| `{name}` | {s:.2f}x |")


if __name__ == "__main__":
    main()
