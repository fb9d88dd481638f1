#!/usr/bin/env bash
# Many classes (issue 10): `faultline metrics` on 1M rows with 10,000 classes and
# two models, sliced by one column; the budget is 5 s for the whole process.
#   bash bench/classes.sh [ROWS] [CLASSES]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
classes=${2:-10000}
cargo build --release --bin faultline --bin faultline-gen >/dev/null 2>&1
mkdir -p bench/out
file=bench/out/classes_${rows}_${classes}.parquet
[ -f "$file" ] || ./target/release/faultline-gen classes --rows "$rows" --classes "$classes" --out "$file"
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s wall, %M KB peak" ./target/release/faultline metrics "$file" --by region --timings >/dev/null
done
