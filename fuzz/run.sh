#!/usr/bin/env bash
# Fuzzes what oogst parses (front matter, YAML, Markdown, links, image files, Markdown to
# Typst for the PDF) with cargo-fuzz (libFuzzer).
#
#   bash fuzz/run.sh [SECONDS]    fuzz every target; SECONDS (default 60) is the fuzzing
#                                 time of all targets together, split evenly. Installs
#                                 cargo-fuzz and a nightly toolchain if they are missing.
#   bash fuzz/run.sh --build      install the tools and build the targets, no fuzzing
#                                 (tests/run.sh builds so beside its other steps).
#   bash fuzz/run.sh --replay     no fuzzing: replay the seeds and every saved crash as a
#                                 normal test on the stable toolchain (also the fallback
#                                 when the fuzzer cannot be installed here).
#
# A crash is copied to fuzz/regressions/<target>/, where the replay test picks it up: fix
# the bug, then keep the file as a regression test. New inputs the fuzzer finds go to
# fuzz/corpus/<target>/ (not kept in git); the seeds are in fuzz/seeds/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
TARGETS=(front_matter yaml markdown link image pdf_markup)

replay() {
    echo "== replaying fuzz/seeds and fuzz/regressions as a test (stable toolchain)"
    (cd .. && cargo test --locked --test all bad_input::fuzz_inputs_replay)
}

if [[ "${1:-}" == "--replay" ]]; then
    replay
    exit
fi
BUILD_ONLY=false
if [[ "${1:-}" == "--build" ]]; then
    BUILD_ONLY=true
else
    SECONDS_TOTAL="${1:-60}"
    if ! [[ "$SECONDS_TOTAL" =~ ^[0-9]+$ ]] || ((SECONDS_TOTAL < ${#TARGETS[@]})); then
        echo "usage: $0 [SECONDS] | --build | --replay  (SECONDS: at least ${#TARGETS[@]})" >&2
        exit 2
    fi
    PER_TARGET=$((SECONDS_TOTAL / ${#TARGETS[@]}))
fi

# Without the tools: replay the seeds and saved crashes instead (a build alone leaves that
# to the run after it).
fall_back() {
    echo "$1: replaying instead of fuzzing" >&2
    if ! $BUILD_ONLY; then
        replay
    fi
    exit
}

# The tools: a nightly toolchain and cargo-fuzz. Without them, replay instead; a download
# that stalls counts as none (the limits are many times the usual minute or two).
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "== installing a nightly toolchain"
    timeout 600 rustup toolchain install nightly --profile minimal ||
        fall_back "no nightly toolchain to be had here"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    # Unoptimised: it only starts cargo.
    timeout 900 cargo install cargo-fuzz --locked --debug ||
        fall_back "cargo-fuzz cannot be installed here"
fi

# Debug assertions on, so overflows panic. `fuzz run` must be given the same, or it builds
# the targets again.
BUILD=(--debug-assertions)

echo "== building the fuzz targets"
cargo +nightly fuzz build "${BUILD[@]}"
if $BUILD_ONLY; then
    echo "== fuzz targets built (tools and build: ${SECONDS}s)"
    exit
fi

failed=()
for target in "${TARGETS[@]}"; do
    echo "== fuzzing $target for ${PER_TARGET}s"
    mkdir -p "corpus/$target" "regressions/$target"
    log="$(mktemp)"
    # Inputs up to 64 KiB; 10 s or 2 GiB for one input is a hang or a memory bomb.
    if cargo +nightly fuzz run "${BUILD[@]}" "$target" "corpus/$target" "seeds/$target" \
        "regressions/$target" -- -max_total_time="$PER_TARGET" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tee "$log" | grep -E '^(#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==|thread .* panicked|SUMMARY)'; then
        :
    fi
    if grep -qE 'SUMMARY|panicked|deadly signal|Test unit written to' "$log"; then
        for found in "artifacts/$target"/*; do
            [[ -f "$found" ]] || continue
            cp "$found" "regressions/$target/"
            echo "   kept $found as fuzz/regressions/$target/$(basename "$found")"
        done
        failed+=("$target")
    fi
    rm -f "$log"
done

if ((${#failed[@]})); then
    echo "fuzzing found problems in: ${failed[*]}" >&2
    echo "reproduce with: cd fuzz && cargo +nightly fuzz run ${BUILD[*]} TARGET regressions/TARGET/FILE" >&2
    exit 1
fi
echo "fuzzing found nothing"
