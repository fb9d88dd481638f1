"""DeLong's 95% interval for ROC AUC on the Adult sample (logreg), from midrank
placements (DeLong, DeLong and Clarke-Pearson, 1988). Run from the repo root:

    python3 tests/reference/delong.py
    # 0.9058098397778958 0.899626743129373 0.9119929364264185
"""
import math

import numpy as np
import pandas as pd
from scipy.stats import norm, rankdata

df = pd.read_csv("sample_data/adult_models.csv")
y = (df.label == ">50K").to_numpy()
s = df.score_logreg.to_numpy()
pos, neg = s[y], s[~y]
m, n = len(pos), len(neg)
ranks = rankdata(np.concatenate([pos, neg]))
auc = (ranks[:m].sum() - m * (m + 1) / 2) / (m * n)
v10 = (ranks[:m] - rankdata(pos)) / n
v01 = 1 - (ranks[m:] - rankdata(neg)) / m
se = math.sqrt(v10.var(ddof=1) / m + v01.var(ddof=1) / n)
z = norm.isf(0.025)
print(auc, auc - z * se, auc + z * se)
