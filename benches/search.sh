#!/usr/bin/env bash
# Search, oogst against Pagefind 1.5 on the same site: the 10,000-item bench harvest.
#
#   bash benches/search.sh [N]          (default N=10000 items; CORPUS=folder takes one made already)
#
# Builds the corpus (../shared/bench/gen_corpus.py) with oogst (release, without the PDF
# edition), indexes the same output with Pagefind 1.5.2 (PyPI `pagefind-bin`, into a
# throwaway virtualenv under target/bench/), and runs the same 20 queries against both in
# headless Chromium (benches/search-browser.mjs): bytes fetched until the first results
# show, time to first results. Also reports each index's build time and peak memory, its
# total size and its file count. The site is served from loopback with gzip for text
# files, as static hosts serve them; each query starts with an empty cache. oogst's build
# time is the median of 5 runs, Pagefind's one run (it takes the better part of a minute);
# both write into memory (/dev/shm).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
WORK=target/bench
GEN=../shared/bench/gen_corpus.py
mkdir -p "$WORK"

cargo build --release --no-default-features --features cli --quiet --bin oogst
OOGST=$PWD/target/release/oogst

if [ ! -x "$WORK/pagefind-venv/bin/python" ] || ! "$WORK/pagefind-venv/bin/python" -m pagefind_bin --version >/dev/null 2>&1; then
  python3 -m venv "$WORK/pagefind-venv"
  "$WORK/pagefind-venv/bin/pip" install --quiet pagefind-bin==1.5.2
fi
PAGEFIND=("$PWD/$WORK/pagefind-venv/bin/python" -m pagefind_bin)

# The browser tests' Chromium and playwright-core.
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

CORPUS=${CORPUS:-$WORK/corpus/oogst-$N}
[ -d "$CORPUS" ] || python3 "$GEN" --n "$N" --layout oogst --out "$CORPUS" >/dev/null

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Both built into memory (/dev/shm where there is one), so the disk's mood does not count.
SITES=$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo "$WORK")/oogst-search-bench.XXXXXX")
trap 'rm -rf "$SITES"' EXIT
OOGST_SITE=$SITES/oogst
PAGEFIND_SITE=$SITES/pagefind
rm -rf "$WORK/search"
mkdir -p "$WORK/search"

python3 - "$OOGST" "$CORPUS" "$OOGST_SITE" "$PAGEFIND_SITE" "$PORT" "$WORK/search/builds.json" "${PAGEFIND[@]}" <<'PY'
import json, os, shutil, subprocess, sys, time

oogst, corpus, oogst_site, pagefind_site, port, report = sys.argv[1:7]
pagefind = sys.argv[7:]

def once(cmd):
    """Wall seconds and peak MiB of one run of cmd."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{child.stderr.read()[-2000:].decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024

def size(folder, files=None):
    total, count = 0, 0
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            if files is None or files(path):
                total += os.path.getsize(path)
                count += 1
    return total, count

base = f"http://127.0.0.1:{port}/"
build = [oogst, "build", "--root", corpus, "--out", oogst_site, "--force", "--base-url", base]
once(build)  # warm the file cache
runs = sorted(once(build) for _ in range(5))
oogst_wall, oogst_peak = runs[2]  # the median of 5 by time
oogst_bytes, oogst_files = size(os.path.join(oogst_site, "search-index"))
script = [n for n in os.listdir(oogst_site) if n.startswith("search.") and n.endswith(".js")]
oogst_bytes += os.path.getsize(os.path.join(oogst_site, script[0]))
oogst_files += 1

# Pagefind indexes the same pages, oogst's own index left out.
shutil.copytree(oogst_site, pagefind_site, ignore=shutil.ignore_patterns("search-index"))
pagefind_wall, pagefind_peak = once(pagefind + ["--site", pagefind_site])
pagefind_bytes, pagefind_files = size(os.path.join(pagefind_site, "pagefind"))

with open(report, "w") as f:
    json.dump({
        "oogst": {"build_s": oogst_wall, "peak_mib": oogst_peak, "bytes": oogst_bytes, "files": oogst_files,
                  "what": "whole site with its index"},
        "pagefind": {"build_s": pagefind_wall, "peak_mib": pagefind_peak, "bytes": pagefind_bytes, "files": pagefind_files,
                     "what": "index of the built site"},
    }, f)
PY

node benches/search-browser.mjs "$PORT" "$OOGST_SITE" "$PAGEFIND_SITE" "$WORK/search/builds.json"
