#!/usr/bin/env bash
# Real-browser tests of sites built by oogst (see tests/browser/README.md).
# Installs what a fresh Debian machine lacks (Chromium from apt, the npm packages from
# the committed lockfile), builds the debug binary unless OOGST_BIN names one, and runs the
# node:test files.
# Screenshots and PDFs go to artifacts/browser/ under the repository root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "tests/browser: need root to run: $*" >&2; exit 1
  fi
}

echo "== browser tests: setup"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "tests/browser: Node 20 or newer is needed, found $(node --version)" >&2
  exit 1
fi

# npm ci when node_modules is missing or was installed from another lockfile.
stamp="$here/node_modules/.installed-from"
want="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "npm ci in tests/browser"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi

# The debug binary (a release build would compile Typst a second time, for sites that build
# in well under a second either way). tests/run.sh passes the one `cargo test` left, as
# OOGST_BIN: building it here would compile oogst again, with other features than the test
# build's.
if [ -z "${OOGST_BIN:-}" ]; then
  echo "== browser tests: cargo build"
  cargo build --locked --quiet
  OOGST_BIN="${CARGO_TARGET_DIR:-$repo/target}/debug/oogst"
fi
export OOGST_BIN

mkdir -p "$repo/artifacts/browser"
rm -f "$repo"/artifacts/browser/*.png "$repo"/artifacts/browser/*.pdf

echo "== browser tests: node --test"
cd "$here"
# TAP keeps the summary (# tests / # pass / # fail) as the closing lines.
exec node --test --test-reporter=tap --test-concurrency=2 --test-timeout=180000 ./*.test.js
