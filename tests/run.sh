#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, unit and integration tests, and the
# real-browser tests of built sites (tests/browser/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says when it began (seconds since the start), so a slow run shows where.
step() { echo "== [${SECONDS}s] $*"; }
# The debug binary `cargo test` leaves: the soak and the browser suite run it.
oogst="${CARGO_TARGET_DIR:-$PWD/target}/debug/oogst"

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
step "fuzzing (bounded)"
bash fuzz/run.sh 60
step "browser tests"
OOGST_BIN="$oogst" bash tests/browser/run.sh
echo "== [${SECONDS}s] all checks passed"
