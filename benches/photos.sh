#!/usr/bin/env bash
# The photo variant of the bench: a harvest of COUNT conclusions, each showing one
# 12-megapixel phone photo. Prints the cold build (no cache: every photo decoded, turned,
# resized to four widths and encoded) per photo, and the rebuild with the cache.
#
#   bash benches/photos.sh [COUNT] [RUNS]      (default 12 photos, 3 runs; medians)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-12}
RUNS=${2:-3}
SITE=target/bench/photos-$COUNT
cargo build --release --quiet --bin oogst --example photos
[ -d "$SITE" ] || target/release/examples/photos "$SITE" "$COUNT"
OOGST=$PWD/target/release/oogst

python3 - "$OOGST" "$SITE" "$COUNT" "$RUNS" <<'PY'
import shutil, statistics, subprocess, sys, time
oogst, site, count, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def build():
    started = time.perf_counter()
    subprocess.run([oogst, "build", "--root", site, "--out", "/dev/shm/oogst-photos"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started
cold, warm = [], []
for _ in range(runs):
    shutil.rmtree(f"{site}/.oogst-cache", ignore_errors=True)
    cold.append(build())
    warm.append(build())
c, w = statistics.median(cold), statistics.median(warm)
print(f"{count} photos of 12 MP: cold build {c:.2f} s ({c / count * 1000:.0f} ms per photo), "
      f"rebuild with the cache {w * 1000:.0f} ms")
PY
