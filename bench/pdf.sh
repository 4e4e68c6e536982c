#!/usr/bin/env bash
# PDF throughput of the whole jixiao pipeline (PDF → validated JSON) against
# poppler's `pdftotext -layout` on the same multi-page fixtures, one core.
# Needs poppler-utils (Debian) for the comparison. Run from the repository root:
#   bash bench/pdf.sh [ROUNDS]
set -euo pipefail
rounds=${1:-20}
files=(fixtures/pdf/000_forms.pdf fixtures/pdf/002_form.pdf fixtures/pdf/003_forms.pdf fixtures/pdf/004_form.pdf)
cargo build --release -q
command -v pdfinfo >/dev/null || { echo "pdfinfo/pdftotext missing: apt-get install poppler-utils" >&2; exit 1; }
pages=0
for f in "${files[@]}"; do pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}'))); done
time_of() {
  local start end
  start=$(date +%s.%N)
  for _ in $(seq "$rounds"); do "$@" > /dev/null; done
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
jx=$(time_of env RAYON_NUM_THREADS=1 taskset -c 0 ./target/release/jixiao check "${files[@]}")
pt=$(time_of bash -c 'for f in "$@"; do taskset -c 0 pdftotext -layout "$f" -; done' _ "${files[@]}")
jx_rate=$(echo "$pages * $rounds / $jx" | bc -l)
pt_rate=$(echo "$pages * $rounds / $pt" | bc -l)
printf '%d pages × %d rounds\n' "$pages" "$rounds"
printf 'jixiao check (PDF → validated JSON): %8.1f pages/s\n' "$jx_rate"
printf 'pdftotext -layout:                   %8.1f pages/s\n' "$pt_rate"
printf 'ratio jixiao / pdftotext:            %8.2f\n' "$(echo "$jx_rate / $pt_rate" | bc -l)"
