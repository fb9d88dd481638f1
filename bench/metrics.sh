#!/usr/bin/env bash
# Benchmark of `faultline metrics` (issue 2): a generated 1M-row, 2-model binary
# Parquet file sliced by two categorical columns, against pandas + scikit-learn.
# Prints whole-process wall time and peak RSS of both, and faultline's phase timings.
#
#   bash bench/metrics.sh [ROWS]        # default 1000000
#
# Needs: a release build (done here), /usr/bin/time (Debian package `time`), and
# python3 with pandas, pyarrow, scikit-learn and statsmodels for the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
mkdir -p bench/out
cargo build --release --quiet --bin faultline --bin faultline-gen
file=bench/out/churn_${rows}.parquet
[ -f "$file" ] || target/release/faultline-gen churn --rows "$rows" --out "$file"

measure() { # label, command...
  local label=$1; shift
  local best=""
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o bench/out/time.txt "$@" > /dev/null 2> bench/out/stderr.txt
    read -r secs kb < bench/out/time.txt
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; best_kb=$kb; fi
  done
  printf '%-28s %8.3f s  %8.1f MB peak RSS\n' "$label" "$best" "$(awk "BEGIN{print $best_kb/1024}")"
}

echo "file: $file ($(du -h "$file" | cut -f1)), --by region,device, 2 models"
measure "faultline metrics (json)" target/release/faultline metrics "$file" --by region,device --format json
target/release/faultline metrics "$file" --by region,device --format json --timings 2>&1 >/dev/null | tail -1
if python3 -c "import pandas, sklearn, statsmodels, pyarrow" 2>/dev/null; then
  measure "pandas + scikit-learn" python3 bench/pandas_metrics.py "$file" region,device
else
  echo "pandas + scikit-learn: skipped (pip install pandas pyarrow scikit-learn statsmodels)"
fi
