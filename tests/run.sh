#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, unit and integration tests, a serve session
# at a writer's pace, the real-browser tests of built sites (tests/browser/README.md) and
# bounded fuzzing (fuzz/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says when it began (seconds since the start), so a slow run shows where.
step() { echo "== [${SECONDS}s] $*"; }

# A step that hangs is stopped, and the run ends by saying which step it was and what was
# still running (the tests that had run long, the processes, each thread's stack where gdb
# is here), instead of being stopped from outside with nothing said. `wait_for` waits for a
# job started with job control (its own process group) until DEADLINE (seconds since the
# start); `limited` runs a step under such a limit, far above its usual time.
wait_for() {
    local job=$1 deadline=$2 log=$3 what=$4
    while kill -0 "$job" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 1
    done
    if kill -0 "$job" 2>/dev/null; then
        echo "== [${SECONDS}s] still running: $what"
        grep -E 'has been running for over' "$log" || true
        ps -o pid,etimes,args --forest -p "$(pgrep -d, -g "$job")" | cut -c1-200
        if command -v gdb >/dev/null; then
            for pid in $(pgrep -g "$job" -f 'target/(debug|release)/'); do
                echo "-- stacks of $(ps -o args= -p "$pid" | cut -c1-120)"
                gdb -p "$pid" -batch -ex 'thread apply all bt 12' 2>/dev/null |
                    grep -E '^(Thread|#)' | head -n 60
                echo
            done
        fi
        kill -- -"$job" 2>/dev/null || true
        echo "== [${SECONDS}s] stopped: $what did not finish in time (what ran is above)" >&2
        exit 1
    fi
    wait "$job"
}
limited() {
    local limit=$1 log status=0
    shift
    log="$(mktemp)"
    set -m
    ("$@" 2>&1 | tee "$log") &
    step_job=$!
    set +m
    wait_for "$step_job" $((SECONDS + limit)) "$log" "'$*'" || status=$?
    rm -f "$log"
    step_job=
    return "$status"
}
# The step running, in its own process group: stopped with this script (Ctrl-C, CI's end).
step_job=
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
trap 'kill -- -"$fuzz_build" ${step_job:+-"$step_job"} 2>/dev/null || true; rm -f "$fuzz_log"' EXIT

step "cargo fmt --check"
limited 300 cargo fmt --all -- --check
step "cargo clippy"
limited 2400 cargo clippy --all-targets --locked -- -D warnings
step "the PDF tools tests/pdf.rs reads with"
limited 1200 bash tests/pdf-tools.sh
step "cargo test"
limited 2400 cargo test --locked --all-targets
step "serve at a writer's pace (90 s: edits with idle gaps longer than every timeout)"
limited 600 python3 benches/soak.py --seconds 90 --gap 6 15 --binary "$oogst"
step "browser tests"
limited 1800 env OOGST_BIN="$oogst" bash tests/browser/run.sh
step "fuzzing (bounded): waiting for the fuzz targets' build"
# Built beside the other steps from the start: at most an hour in all.
if ! wait_for "$fuzz_build" 3600 "$fuzz_log" "the fuzz targets' build"; then
    cat "$fuzz_log"
    echo "building the fuzz targets failed (the output above)" >&2
    exit 1
fi
tail -n 2 "$fuzz_log"
step "fuzzing (bounded)"
limited 1800 bash fuzz/run.sh 60
echo "== [${SECONDS}s] all checks passed"
