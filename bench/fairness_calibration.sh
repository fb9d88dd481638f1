#!/usr/bin/env bash
# Fairness and calibration (issue 13): what they add to the compute of `faultline
# metrics` on a generated 1M-row binary file (2 scored models); the budget is
# 100 ms. Also the whole process with and without --sensitive/--cost.
#   bash bench/fairness_calibration.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --bin faultline --bin faultline-gen >/dev/null 2>&1
mkdir -p bench/out
file=bench/out/churn_${rows}.parquet
[ -f "$file" ] || "$target"/release/faultline-gen churn --rows "$rows" --out "$file"
cargo bench --bench fairness_calibration -- "$file" 2>/dev/null | grep rows
for args in "" "--sensitive region,device --cost-fp 1 --cost-fn 5"; do
  for run in 1 2 3; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "metrics $args, run $run: %e s wall, %M KB peak" \
      "$target"/release/faultline metrics "$file" $args --timings >/dev/null
  done
done
