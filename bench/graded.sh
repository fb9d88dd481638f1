#!/usr/bin/env bash
# Graded metrics (issue 12): `faultline metrics` on a generated 1M-row graded file
# (2 models, 3 runs per example, 10,000 clusters); the budget is 1 s for the whole
# process. Also with pass@k and slices by category.
#   bash bench/graded.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --bin faultline --bin faultline-gen >/dev/null 2>&1
mkdir -p bench/out
for ext in parquet csv; do
  file=bench/out/graded_${rows}.$ext
  [ -f "$file" ] || "$target"/release/faultline-gen graded --rows "$rows" --out "$file"
  for args in "--cluster cluster" "--cluster cluster --k 2 --by category"; do
    for run in 1 2 3; do
      # shellcheck disable=SC2086
      /usr/bin/time -f "$ext $args, run $run: %e s wall, %M KB peak" \
        "$target"/release/faultline metrics "$file" $args --timings >/dev/null
    done
  done
done
