#!/usr/bin/env bash
# Archive ingest throughput: `jixiao archive ingest` of the corpus and the PDF
# fixtures (reading, checking and writing) into a fresh SQLite file, ROUNDS
# times; prints forms/s. With JIXIAO_TEST_POSTGRES set (see .ci/postgres.sh)
# it measures a PostgreSQL database too. Run from the repository root:
#   bash bench/archive.sh [ROUNDS]
set -euo pipefail
rounds=${1:-10}
cargo build --release -q
bin=./target/release/jixiao
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { # name, db-maker
  local name=$1 total=0 forms=0 start end db
  for i in $(seq "$rounds"); do
    db=$($2 "$i")
    start=$(date +%s.%N)
    "$bin" archive ingest --db "$db" corpus fixtures/pdf > /dev/null 2>&1 || true
    end=$(date +%s.%N)
    total=$(echo "$total + $end - $start" | bc -l)
    forms=$("$bin" archive counts --db "$db" | awk '$1 == "forms" {print $2}')
  done
  printf '%-10s %d forms × %d rounds: %.3f s a round, %8.1f forms/s\n' \
    "$name" "$forms" "$rounds" "$(echo "$total / $rounds" | bc -l)" "$(echo "$forms * $rounds / $total" | bc -l)"
}
sqlite_db() { echo "$work/bench-$1.sqlite"; }
measure sqlite sqlite_db
if [ -n "${JIXIAO_TEST_POSTGRES:-}" ]; then
  pg_db() {
    psql -q -v ON_ERROR_STOP=1 "${JIXIAO_TEST_POSTGRES}/postgres" -c "DROP DATABASE IF EXISTS bench_$1" -c "CREATE DATABASE bench_$1" >/dev/null 2>&1
    echo "${JIXIAO_TEST_POSTGRES}/bench_$1"
  }
  measure postgres pg_db
fi
