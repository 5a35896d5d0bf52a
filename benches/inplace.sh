#!/usr/bin/env bash
# 20,000 small pages (the seed page's first 2 KB), rewritten in place by rootrel and by
# sed -i with the same substitution, each on a fresh copy; best of 3.
set -euo pipefail
BIN=${1:-target/release/rootrel}
cd "$(dirname "$0")/.."
src=$(mktemp -d); head -c 2048 testdata/go-blog-execution-traces-2024.html > "$src/page.html"
mk() { rm -rf "$1"; mkdir -p "$1"; for d in $(seq 0 19); do mkdir "$1/$d"; for i in $(seq 0 999); do cp "$src/page.html" "$1/$d/$i.html"; done; done; }
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
for run in 1 2 3; do
  mk /tmp/ip-a; sync; ra=$(t "$BIN" rewrite -i --base https://go.dev /tmp/ip-a)
  mk /tmp/ip-b; sync; sb=$(t sh -c 'find /tmp/ip-b -name "*.html" -print0 | xargs -0 sed -i -E "s#(<\s*[^>]*)(href=|src=)(.?)(/[^/])#\1\2\3https://go.dev\4#g"')
  echo "run $run: rootrel -i ${ra}s, sed -i ${sb}s"
done
rm -rf /tmp/ip-a /tmp/ip-b "$src"
