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
# The machine is shared: rounds alternate between the two programs, and each
# program's fastest round counts (noise only ever adds time), beside the
# median for the record.
now() { date +%s.%N; }
jx_times=() pt_times=()
for _ in $(seq "$rounds"); do
  t0=$(now)
  env RAYON_NUM_THREADS=1 taskset -c 0 ./target/release/jixiao check "${files[@]}" > /dev/null
  t1=$(now)
  for f in "${files[@]}"; do taskset -c 0 pdftotext -layout "$f" - > /dev/null; done
  t2=$(now)
  jx_times+=("$(echo "$t1 - $t0" | bc -l)")
  pt_times+=("$(echo "$t2 - $t1" | bc -l)")
done
pick() { printf '%s\n' "${@:2}" | sort -g | awk -v q="$1" '{a[NR]=$1} END {print (q == "min") ? a[1] : a[int((NR + 1) / 2)]}'; }
printf '%d pages, %d rounds each, alternating, one core\n' "$pages" "$rounds"
for q in min median; do
  jx=$(pick "$q" "${jx_times[@]}")
  pt=$(pick "$q" "${pt_times[@]}")
  jx_rate=$(echo "$pages / $jx" | bc -l)
  pt_rate=$(echo "$pages / $pt" | bc -l)
  printf '%-6s round: jixiao check (PDF → validated JSON) %7.1f pages/s, pdftotext -layout %7.1f pages/s, ratio %.2f\n' \
    "$q" "$jx_rate" "$pt_rate" "$(echo "$jx_rate / $pt_rate" | bc -l)"
done
