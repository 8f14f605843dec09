#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, unit and integration tests, a serve session
# at a writer's pace, the real-browser tests of built sites (tests/browser/README.md) and
# bounded fuzzing (fuzz/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says when it began (seconds since the start), so a slow run shows where.
step() { echo "== [${SECONDS}s] $*"; }
# The debug binary `cargo test` leaves: the soak and the browser suite run it.
oogst="${CARGO_TARGET_DIR:-$PWD/target}/debug/oogst"

# The fuzz targets share no compiled crate with the other steps (nightly, sanitizer,
# coverage): they are built beside them, at the lowest priority, on the cores the other
# steps leave idle (a crate compiled on one core, the waits of the soak and the browser).
# Job control gives the build its own process group, to be stopped with this script; it
# stays in this session, since Linux shares the processor fairly between sessions
# (autogroups) whatever their priority.
fuzz_log="$(mktemp)"
step "building the fuzz targets in the background (fuzzed after the browser tests)"
set -m
nice -n 19 bash fuzz/run.sh --build >"$fuzz_log" 2>&1 &
fuzz_build=$!
set +m
trap 'kill -- -"$fuzz_build" 2>/dev/null || true; rm -f "$fuzz_log"' EXIT

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
step "the PDF tools tests/pdf.rs reads with"
bash tests/pdf-tools.sh
step "cargo test"
cargo test --locked --all-targets
step "serve at a writer's pace (90 s: edits with idle gaps longer than every timeout)"
python3 benches/soak.py --seconds 90 --gap 6 15 --binary "$oogst"
step "browser tests"
OOGST_BIN="$oogst" bash tests/browser/run.sh
step "fuzzing (bounded): waiting for the fuzz targets' build"
if ! wait "$fuzz_build"; then
    cat "$fuzz_log"
    echo "building the fuzz targets failed (the output above)" >&2
    exit 1
fi
tail -n 2 "$fuzz_log"
step "fuzzing (bounded)"
bash fuzz/run.sh 60
echo "== [${SECONDS}s] all checks passed"
