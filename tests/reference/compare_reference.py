"""Reference values for `faultline compare`: flips and McNemar's exact p from
statsmodels, accuracy deltas, and DeLong's paired interval for the ROC AUC
difference (midrank placements). Run once from the repository root:

    python3 tests/reference/compare_reference.py > tests/reference/compare.json

Tested with statsmodels 0.15.0, scipy 1.17.1, pandas 3.1.1.
"""

import json
import math

import numpy as np
import pandas as pd
from scipy.stats import norm, rankdata
from statsmodels.stats.contingency_tables import mcnemar

CASES = [
    {"file": "sample_data/churn.parquet", "baseline": "baseline", "candidate": "candidate", "by": "region", "positive": 1},
    {"file": "sample_data/adult_models.csv", "baseline": "logreg", "candidate": "gbm", "by": "sex", "positive": ">50K"},
    {"file": "sample_data/intent.csv", "baseline": "baseline", "candidate": "candidate", "by": "channel"},
]


def placements(pos, neg):
    m, n = len(pos), len(neg)
    ranks = rankdata(np.concatenate([pos, neg]))
    v10 = (ranks[:m] - rankdata(pos)) / n
    v01 = 1 - (ranks[m:] - rankdata(neg)) / m
    return v10, v01


def delong_diff(y, sb, sc):
    pos, neg = y == 1, y == 0
    b10, b01 = placements(sb[pos], sb[neg])
    c10, c01 = placements(sc[pos], sc[neg])
    m, n = pos.sum(), neg.sum()
    s10 = np.cov(np.vstack([b10, c10]))
    s01 = np.cov(np.vstack([b01, c01]))
    s = s10 / m + s01 / n
    d = c10.mean() - b10.mean()
    se = math.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1])
    z = norm.isf(0.025)
    return d, [d - z * se, d + z * se]


def compare(case, part):
    y = part["label"].astype(str).to_numpy()
    b = part[f"pred_{case['baseline']}"].astype(str).to_numpy()
    c = part[f"pred_{case['candidate']}"].astype(str).to_numpy()
    okb, okc = b == y, c == y
    table = [[int((okb & okc).sum()), int((okb & ~okc).sum())], [int((~okb & okc).sum()), int((~okb & ~okc).sum())]]
    out = {
        "flips": {"both_correct": table[0][0], "baseline_only": table[0][1], "candidate_only": table[1][0], "both_wrong": table[1][1]},
        "mcnemar_p": float(mcnemar(table, exact=True).pvalue),
        "accuracy_delta": float(okc.mean() - okb.mean()),
    }
    if "positive" in case:
        yy = (part["label"] == case["positive"]).to_numpy().astype(int)
        d, ci = delong_diff(yy, part[f"score_{case['baseline']}"].to_numpy(float), part[f"score_{case['candidate']}"].to_numpy(float))
        out["roc_auc_delta"] = float(d)
        out["roc_auc_delta_ci"] = [float(x) for x in ci]
    return out


result = []
for case in CASES:
    path = case["file"]
    df = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
    entry = {**case, "overall": compare(case, df), "slices": {}}
    for key, part in df.groupby(case["by"]):
        entry["slices"][str(key)] = compare(case, part)
    result.append(entry)
print(json.dumps({"_command": "python3 tests/reference/compare_reference.py > tests/reference/compare.json", "cases": result}, indent=1, default=str))
