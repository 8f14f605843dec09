#!/usr/bin/env bash
# Installs what tests/pdf.rs reads the PDF edition with, where a fresh Debian machine
# lacks it: poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm, pdfimages) and qpdf.
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "tests/pdf-tools.sh: need root to run: $*" >&2; exit 1
  fi
}

missing=()
for tool in pdftotext pdfinfo pdffonts pdftoppm pdfimages; do
  command -v "$tool" >/dev/null || { missing+=(poppler-utils); break; }
done
command -v qpdf >/dev/null || missing+=(qpdf)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
