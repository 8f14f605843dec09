#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, unit and integration tests, and the
# real-browser tests of built sites (tests/browser/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "== the PDF tools tests/pdf.rs reads with"
bash tests/pdf-tools.sh
echo "== cargo test"
cargo test --locked --all-targets
echo "== serve at a writer's pace (90 s: edits with idle gaps longer than every timeout)"
python3 benches/soak.py --seconds 90 --gap 6 15 --binary "${CARGO_TARGET_DIR:-target}/debug/oogst"
echo "== fuzzing (bounded)"
bash fuzz/run.sh 60
echo "== browser tests"
bash tests/browser/run.sh
