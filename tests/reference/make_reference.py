"""Reference metric values for faultline's tests, from scikit-learn, statsmodels
and scipy. Run once from the repository root; the output is committed:

    python3 tests/reference/make_reference.py > tests/reference/metrics.json

Tested with scikit-learn 1.9.1, statsmodels 0.15.0, scipy 1.17.1, pandas 3.1.1.
"""

import json
import math

import numpy as np
import pandas as pd
from scipy import stats
from sklearn import metrics as skm
from statsmodels.stats.proportion import proportion_confint

CASES = [
    {"file": "sample_data/adult_models.csv", "task": "binary", "by": ["sex"],
     "positive": ">50K", "models": ["logreg", "gbm"]},
    {"file": "sample_data/churn.parquet", "task": "binary", "by": ["region", "device"],
     "positive": 1, "models": ["baseline", "candidate"]},
    {"file": "sample_data/churn.parquet", "task": "binary", "by": ["language"],
     "positive": 1, "models": ["baseline", "candidate"]},
    {"file": "sample_data/intent.csv", "task": "multiclass", "by": ["channel"],
     "models": ["baseline", "candidate"]},
    {"file": "sample_data/delivery.csv", "task": "regression", "by": ["weather"],
     "label": "target", "models": ["baseline", "candidate"]},
]


def wilson(count, nobs):
    if nobs == 0:
        return None
    lo, hi = proportion_confint(count, nobs, alpha=0.05, method="wilson")
    return [float(lo), float(hi)]


def t_ci(x):
    x = np.asarray(x, dtype=float)
    if len(x) < 2:
        return None
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=x.std(ddof=1) / math.sqrt(len(x)))
    return [float(lo), float(hi)]


def binary(y, pred, score, pos):
    yt = (y == pos).astype(int)
    yp = (pred == pos).astype(int)
    tp = int(((yt == 1) & (yp == 1)).sum()); tn = int(((yt == 0) & (yp == 0)).sum())
    fp = int(((yt == 0) & (yp == 1)).sum()); fn = int(((yt == 1) & (yp == 0)).sum())
    n = len(yt)
    out = {
        "accuracy": skm.accuracy_score(yt, yp),
        "error_rate": 1 - skm.accuracy_score(yt, yp),
        "precision": skm.precision_score(yt, yp, zero_division=0),
        "recall": skm.recall_score(yt, yp, zero_division=0),
        "f1": skm.f1_score(yt, yp, zero_division=0),
        "specificity": skm.recall_score(yt, yp, pos_label=0, zero_division=0),
        "log_loss": skm.log_loss(yt, score, labels=[0, 1]),
        "brier": skm.brier_score_loss(yt, score),
    }
    out["roc_auc"] = skm.roc_auc_score(yt, score) if 0 < yt.sum() < n else None
    out["average_precision"] = skm.average_precision_score(yt, score) if yt.sum() > 0 else None
    eps = np.finfo(float).eps
    p = np.clip(np.where(yt == 1, score, 1 - score), eps, 1 - eps)
    ci = {
        "accuracy": wilson(tp + tn, n), "error_rate": wilson(fp + fn, n),
        "precision": wilson(tp, tp + fp), "recall": wilson(tp, tp + fn),
        "specificity": wilson(tn, tn + fp),
        "log_loss": t_ci(-np.log(p)), "brier": t_ci((score - yt) ** 2),
    }
    return out, ci


def multiclass(y, pred):
    acc = skm.accuracy_score(y, pred)
    out = {
        "accuracy": acc, "error_rate": 1 - acc,
        "macro_f1": skm.f1_score(y, pred, average="macro", zero_division=0),
        "weighted_f1": skm.f1_score(y, pred, average="weighted", zero_division=0),
        "micro_f1": skm.f1_score(y, pred, average="micro", zero_division=0),
    }
    correct = int((y == pred).sum())
    ci = {"accuracy": wilson(correct, len(y)), "error_rate": wilson(len(y) - correct, len(y))}
    return out, ci


def regression(y, pred):
    e = pred - y
    out = {
        "mae": skm.mean_absolute_error(y, pred),
        "rmse": math.sqrt(skm.mean_squared_error(y, pred)),
        "r2": skm.r2_score(y, pred),
        "mean_error": float(e.mean()),
    }
    ci = {"mae": t_ci(np.abs(e)), "mean_error": t_ci(e)}
    return out, ci


def evaluate(case, part):
    label = case.get("label", "label")
    result = {}
    for m in case["models"]:
        y = part[label].to_numpy()
        pred = part[f"pred_{m}"].to_numpy()
        if case["task"] == "binary":
            vals, ci = binary(y, pred, part[f"score_{m}"].to_numpy(dtype=float), case["positive"])
        elif case["task"] == "multiclass":
            vals, ci = multiclass(y.astype(str), pred.astype(str))
        else:
            vals, ci = regression(y.astype(float), pred.astype(float))
        vals = {k: (None if v is None else float(v)) for k, v in vals.items()}
        result[m] = {"n": int(len(part)), "values": vals, "ci": ci}
    return result


def main():
    out = []
    for case in CASES:
        path = case["file"]
        df = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
        entry = {**case, "overall": evaluate(case, df), "slices": []}
        keyed = df.copy()
        for col in case["by"]:
            keyed[col] = keyed[col].astype(object).where(keyed[col].notna(), "(missing)").astype(str)
        for key, part in keyed.groupby(case["by"], sort=True):
            key = key if isinstance(key, tuple) else (key,)
            entry["slices"].append({"slice": dict(zip(case["by"], key)), "models": evaluate(case, part)})
        out.append(entry)
    print(json.dumps({"_command": "python3 tests/reference/make_reference.py > tests/reference/metrics.json",
                      "cases": out}, indent=1, default=str))


main()
