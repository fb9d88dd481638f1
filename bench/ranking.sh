#!/usr/bin/env bash
# Ranking (issue 13): `faultline metrics` and `compare` on a generated ranking log
# of 10M (query, item) rows, 100k queries of 100 items, two rankers; the budget is
# 3 s for the whole process of `metrics`.
#   bash bench/ranking.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --bin faultline --bin faultline-gen >/dev/null 2>&1
mkdir -p bench/out
file=bench/out/ranking_${rows}.parquet
[ -f "$file" ] || "$target"/release/faultline-gen ranking-bench --rows "$rows" --out "$file"
for args in "metrics" "metrics --by locale,device" "compare --baseline baseline --candidate candidate --by locale"; do
  for run in 1 2 3; do
    # shellcheck disable=SC2086
    set -- $args
    cmd=$1
    shift
    /usr/bin/time -f "$args, run $run: %e s wall, %M KB peak" \
      "$target"/release/faultline "$cmd" "$file" "$@" >/dev/null
  done
done
