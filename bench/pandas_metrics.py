"""The comparison point for `faultline metrics`: the same per-slice metrics with
pandas + scikit-learn (+ statsmodels for Wilson intervals), as an analyst would
write them. Used by bench/metrics.sh.

    python3 bench/pandas_metrics.py FILE.parquet region,device
"""

import json
import sys

import pandas as pd
from sklearn import metrics as skm
from statsmodels.stats.proportion import proportion_confint

path, by = sys.argv[1], sys.argv[2].split(",")
models = ["baseline", "candidate"]
df = pd.read_parquet(path, columns=["label"] + by + [f"{k}_{m}" for m in models for k in ("pred", "score")])


def metrics(part):
    out = {}
    y = part["label"].to_numpy()
    for m in models:
        p = part[f"pred_{m}"].to_numpy()
        s = part[f"score_{m}"].to_numpy()
        acc = skm.accuracy_score(y, p)
        out[m] = {
            "n": len(part),
            "accuracy": acc,
            "accuracy_ci": proportion_confint(int(round(acc * len(y))), len(y), method="wilson"),
            "precision": skm.precision_score(y, p, zero_division=0),
            "recall": skm.recall_score(y, p, zero_division=0),
            "f1": skm.f1_score(y, p, zero_division=0),
            "specificity": skm.recall_score(y, p, pos_label=0, zero_division=0),
            "roc_auc": skm.roc_auc_score(y, s) if 0 < y.sum() < len(y) else None,
            "average_precision": skm.average_precision_score(y, s),
            "log_loss": skm.log_loss(y, s, labels=[0, 1]),
            "brier": skm.brier_score_loss(y, s),
        }
    return out


result = {"overall": metrics(df), "slices": []}
for key, part in df.groupby(by, dropna=False):
    result["slices"].append({"slice": [str(k) for k in key], "models": metrics(part)})
print(json.dumps(result, default=str)[:200], file=sys.stderr)
print(f"{len(result['slices'])} slices", file=sys.stderr)
