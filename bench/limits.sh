#!/usr/bin/env bash
# Time and peak memory of `jixiao check` on PDFs of 500, 2,000 and 5,000
# pages (the page limit) and on the largest hostile fixtures, one process
# each, under the 1 GiB address-space limit the budgets promise to keep.
# Needs GNU time (/usr/bin/time) and python3. Run from the repository root:
#   bash bench/limits.sh
set -euo pipefail
cargo build --release -q
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
measure() {
  local label=$1 file=$2
  local out
  out=$( { /usr/bin/time -f '%e %M' sh -c 'ulimit -v 1048576; exec ./target/release/jixiao check "$0" > /dev/null 2>&1' "$file"; } 2>&1 | tail -1) || true
  read -r secs kb <<< "$out"
  printf '%-34s %8.2f s %8.1f MiB' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
  if [[ -n "${3:-}" ]]; then printf '  %7.1f pages/s' "$(echo "$3 / $secs" | bc -l)"; fi
  printf '\n'
}
for pages in 500 2000 5000; do
  python3 bench/make_pages.py "$pages" "$dir/p$pages.pdf"
  measure "$pages pages ($(du -h "$dir/p$pages.pdf" | cut -f1))" "$dir/p$pages.pdf" "$pages"
done
for f in $(ls -S fixtures/hostile/* | head -6); do
  measure "$(basename "$f")" "$f"
done
