"""The comparison point for `faultline slices`: the `sliceline` Python package
(0.3.0) on the same encoded input (5 categorical features and 2 numeric features in
5 quantile bins, labelled as faultline labels them; the error is "the candidate is
wrong where the baseline is right"), alpha 0.95, top 10, max level 3, the same
min support. Prints the fit time and whether the top 10 agree with
faultline's (same predicates, scores to 1e-9). Used by bench/slices.sh.

    python3 bench/sliceline_compare.py FILE.parquet FAULTLINE_SLICES.json FAULTLINE_BIN [ALPHA]
"""

import json
import math
import subprocess
import sys
import time

import pandas as pd
from sliceline.slicefinder import Slicefinder

path, ours_path, faultline = sys.argv[1], sys.argv[2], sys.argv[3]
alpha = float(sys.argv[4]) if len(sys.argv) > 4 else 0.95
cats = ["region", "device", "language", "channel", "plan"]
nums = ["age", "tenure_months"]
df = pd.read_parquet(path, columns=cats + nums + ["label", "pred_candidate", "pred_baseline"])
# Where did the candidate get worse: wrong where the baseline is right.
errors = ((df["pred_candidate"] != df["label"]) & (df["pred_baseline"] == df["label"])).astype(float).to_numpy()
X = pd.DataFrame(index=df.index)
for c in cats:
    X[c] = df[c].astype(object).where(df[c].notna(), "(missing)")
for c in nums:
    doc = json.loads(subprocess.run([faultline, "metrics", path, "--by", c, "--format", "json"],
                                    check=True, capture_output=True, text=True).stdout)
    labels = [s["slice"][c] for s in doc["slices"]]
    codes = pd.qcut(df[c], 5, labels=False, duplicates="drop")
    X[c] = codes.map(lambda k: labels[int(k)])
n = len(df)
min_sup = max(32, math.ceil(0.01 * n))

start = time.perf_counter()
sf = Slicefinder(alpha=alpha, k=10, max_l=3, min_sup=min_sup, verbose=False)
sf.fit(X, errors)
fit_s = time.perf_counter() - start

theirs = []
for values, st in zip(sf.top_slices_, sf.top_slices_statistics_):
    preds = {c: v for c, v in zip(X.columns, values) if v is not None}
    theirs.append((preds, st["slice_score"], st["slice_size"]))
ours = json.load(open(ours_path))["slices"]
same = len(theirs) == len(ours) and all(
    t[0] == o["predicates"] and abs(t[1] - o["score"]) <= 1e-9 and t[2] == o["size"]
    for t, o in zip(theirs, ours))
print(json.dumps({"rows": n, "alpha": alpha, "listed": len(ours), "sliceline_fit_s": fit_s, "same_top10": same,
                  "max_score_diff": max((abs(t[1] - o["score"]) for t, o in zip(theirs, ours)), default=0.0)}))
if not same:
    for t, o in zip(theirs, ours):
        print("sliceline:", t, "\nfaultline:", o["predicates"], o["score"], o["size"], file=sys.stderr)
