#!/usr/bin/env bash
# Benchmark of `faultline slices` (issue 4): generated churn files (5 categorical
# features, 2 numeric in 5 quantile bins), max level 3, top 10, alpha 0.95, on
# the rows where the candidate is wrong and the baseline right.
# - at 100k and 300k rows: faultline's search time against the sliceline Python
#   package's fit on the same encoded input, and whether the top 10 agree;
# - at 1M and 10M rows: the whole `faultline slices` process, wall time and peak RSS.
#
#   bash bench/slices.sh            # needs /usr/bin/time; python3 with pandas,
#                                   # pyarrow and sliceline for the comparison
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
cargo build --release --quiet --bin faultline --bin faultline-gen
F=target/release/faultline
features=region,device,language,channel,plan,age,tenure_months
for rows in 100000 300000 1000000 10000000; do
  file=bench/out/churn_${rows}.parquet
  [ -f "$file" ] || target/release/faultline-gen churn --rows "$rows" --out "$file" 2>/dev/null
  /usr/bin/time -f "%e %M" -o bench/out/time.txt \
    $F slices "$file" --model candidate --against baseline --features $features --format json > bench/out/slices_${rows}.json
  read -r secs kb < bench/out/time.txt
  search_ms=$(python3 -c "import json;print(round(json.load(open('bench/out/slices_${rows}.json'))['elapsed_ms'],1))")
  printf '%9d rows  faultline slices: whole process %6.2f s, peak RSS %7.1f MB, search %8.1f ms\n' \
    "$rows" "$secs" "$(awk "BEGIN{print $kb/1024}")" "$search_ms"
  if [ "$rows" -le 300000 ] && python3 -c "import sliceline" 2>/dev/null; then
    /usr/bin/time -f "%e %M" -o bench/out/time_py.txt \
      python3 bench/sliceline_compare.py "$file" bench/out/slices_${rows}.json "$F" > bench/out/compare_${rows}.json
    read -r psecs pkb < bench/out/time_py.txt
    printf '%9s       sliceline 0.3.0: %s, python peak RSS %7.1f MB\n' "" "$(cat bench/out/compare_${rows}.json)" \
      "$(awk "BEGIN{print $pkb/1024}")"
    # A full top 10 as well: alpha 0.99 weighs error rate over size, so ten slices score above 0.
    $F slices "$file" --model candidate --against baseline --features $features --alpha 0.99 --format json > bench/out/slices99_${rows}.json
    printf '%9s       alpha 0.99: %s\n' "" "$(python3 bench/sliceline_compare.py "$file" bench/out/slices99_${rows}.json "$F" 0.99)"
  fi
done
