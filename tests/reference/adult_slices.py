"""Reference for tests/it/slices.rs: the `sliceline` package (0.3.0) on the UCI
Adult sample (sample_data/adult_models.csv), errors of the `gbm` model, every
feature encoded as faultline encodes it (categorical values as they are, numeric
columns in faultline's bins, read back with `faultline metrics --by COL`), alpha
0.95, top 10, max level 3, min support max(32, 1% of rows). Written to
tests/reference/adult_slices.json; run once:

    python3 tests/reference/adult_slices.py target/debug/faultline
"""

import json
import math
import subprocess
import sys

import pandas as pd
from sliceline.slicefinder import Slicefinder

faultline = sys.argv[1]
path = "sample_data/adult_models.csv"
df = pd.read_csv(path)
features = [c for c in df.columns if c not in
            ("id", "label", "pred_logreg", "score_logreg", "pred_gbm", "score_gbm")]
# fnlwgt is numeric; text columns are categorical.
errors = (df["pred_gbm"] != df["label"]).astype(float).to_numpy()
X = pd.DataFrame(index=df.index)
for c in features:
    doc = json.loads(subprocess.run([faultline, "metrics", path, "--by", c, "--format", "json"],
                                    check=True, capture_output=True, text=True).stdout)
    labels = [s["slice"][c] for s in doc["slices"]]
    if not pd.api.types.is_numeric_dtype(df[c]):
        X[c] = df[c].astype(object).where(df[c].notna(), "(missing)")
    else:
        values = sorted(df[c].dropna().unique())
        if len(values) <= 5:
            X[c] = df[c].map(lambda v: labels[values.index(v)])
        else:
            codes = pd.qcut(df[c], 5, labels=False, duplicates="drop")
            X[c] = codes.map(lambda k: labels[int(k)])
n = len(df)
min_sup = max(32, math.ceil(0.01 * n))
sf = Slicefinder(alpha=0.95, k=10, max_l=3, min_sup=min_sup, verbose=False)
sf.fit(X, errors)
out = []
for values, st in zip(sf.top_slices_, sf.top_slices_statistics_):
    preds = {c: v for c, v in zip(X.columns, values) if v is not None}
    out.append({"predicates": preds, "score": st["slice_score"], "size": int(st["slice_size"])})
json.dump({"source": "sliceline 0.3.0, tests/reference/adult_slices.py", "slices": out},
          open("tests/reference/adult_slices.json", "w"), indent=1)
print(len(out), "slices")
