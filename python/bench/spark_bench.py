"""What the Spark job processes per second on the corpus, next to one Python process.

    python python/bench/spark_bench.py [--copies N]

Writes the corpus N times over (default 8) into WARC files, then times, on the same
files: the job's per-file function in one process (one core, no Spark), and the job
under spark-submit with local[1] and local[2] (its own figure: Spark's start excluded),
and with local[1] on the corpus once, to tell the job's rate from Spark's warm-up.
Also splits the one-process time into reading the WARC records and finding the links.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent / "examples"))

import spark_links  # noqa: E402
import warcs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--corpus", default=os.environ.get(
        "ROOTREL_CORPUS", HERE.parents[1] / "testdata/corpus"))
    args = ap.parse_args()
    pages = [(p.name, p.read_bytes()) for p in sorted(Path(args.corpus).glob("*.html"))]

    with tempfile.TemporaryDirectory() as tmp:
        paths, written = warcs.write_warcs(pages, Path(tmp) / "warcs", files=4, copies=args.copies)
        html = sum(len(b) for _, b in written)
        warc = sum(os.path.getsize(p) for p in paths)

        t = time.perf_counter()
        bodies = [body for p in paths for _, _, body in spark_links.html_pages(p)]
        read = time.perf_counter() - t
        t = time.perf_counter()
        n = sum(len(spark_links.page_links("https://h", b)) for b in bodies)
        find = time.perf_counter() - t
        del bodies
        t = time.perf_counter()
        rows = sum(1 for p in paths for _ in spark_links.pages_of(p))
        one = time.perf_counter() - t
        assert rows == len(written)

        # The job on all the files with one and two task slots, and on the first
        # copy alone: the difference gives the job's rate past Spark's warm-up.
        small_paths, small = warcs.write_warcs(pages, Path(tmp) / "small", files=4)
        small_mb = sum(len(b) for _, b in small) / 1e6
        spark = {}
        env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
        for cores, inputs in ((1, small_paths), (1, paths), (2, paths)):
            run = subprocess.run(
                ["spark-submit", "--master", f"local[{cores}]", "--conf", "spark.ui.enabled=false",
                 str(HERE.parent / "examples/spark_links.py"), str(Path(tmp) / "out"), *inputs],
                env=env, capture_output=True, text=True, check=True)
            line = run.stdout.strip().splitlines()[-1]
            spark[cores, inputs is paths] = float(re.search(r"in ([\d.]+) s", line).group(1))
            if inputs is paths:
                assert f" {n} links in " in line, line

    mb = html / 1e6
    print(f"{len(written)} HTML pages, {mb:.0f} MB of HTML, {n} links, "
          f"{len(paths)} WARC files of {warc / 1e6:.0f} MB\n")
    print("| run | seconds | MB/s of HTML |")
    print("|---|---:|---:|")
    print(f"| one process: read the WARC records | {read:.2f} | {mb / read:,.0f} |")
    print(f"| one process: find and resolve the links | {find:.2f} | {mb / find:,.0f} |")
    print(f"| one process, one core: the job's `pages_of` | {one:.2f} | {mb / one:,.0f} |")
    print(f"| `spark-submit --master local[1]`, the corpus once ({small_mb:.0f} MB) "
          f"| {spark[1, False]:.2f} | {small_mb / spark[1, False]:,.0f} |")
    for cores in (1, 2):
        secs = spark[cores, True]
        print(f"| `spark-submit --master local[{cores}]` | {secs:.2f} | {mb / secs:,.0f} |")
    extra = spark[1, True] - spark[1, False]
    past = f"{(mb - small_mb) / extra:,.0f}" if extra > 0.5 else "too little work to tell"
    print(f"| `local[1]`, past the warm-up: the difference of the two `local[1]` runs "
          f"| {extra:.2f} | {past} |")

if __name__ == "__main__":
    main()
